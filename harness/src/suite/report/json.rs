//! The JSON report: the [`Report`] as serde serializes it, plus a `summary` object of counts.

use serde_json::{Map, Value};

use super::{implementation_names, Tally};
use crate::suite::outcome::{Outcome, Report};

/// Pretty JSON with a final newline.
pub(super) fn render(report: &Report) -> String {
    let mut value = match serde_json::to_value(report) {
        Ok(v) => v,
        Err(e) => return format!("{{\"error\": {:?}}}\n", e.to_string()),
    };
    if let Value::Object(map) = &mut value {
        map.insert("summary".into(), summary(report));
    }
    let mut text = serde_json::to_string_pretty(&value)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    text.push('\n');
    text
}

/// The counts, overall and per implementation, in a fixed key order.
fn summary(report: &Report) -> Value {
    let mut map = counts(&Tally::total(report));
    let implementations = implementation_names(report)
        .into_iter()
        .map(|name| {
            let mut m = Map::new();
            m.insert("name".into(), name.into());
            m.extend(counts(&Tally::implementation(report, name)));
            Value::Object(m)
        })
        .collect();
    map.insert("implementations".into(), Value::Array(implementations));
    Value::Object(map)
}

fn counts(t: &Tally) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("passed".into(), t.passed.into());
    m.insert("failed".into(), t.failed().into());
    m.insert("results".into(), t.results.into());
    m.insert("failures".into(), t.failures.into());
    m.insert("stale_exceptions".into(), t.stale.into());
    m.insert("skipped".into(), t.skipped.into());
    m.insert("reason_mismatches".into(), t.reason_mismatches.into());
    let outcomes: Map<String, Value> = Outcome::NAMES
        .iter()
        .map(|name| ((*name).to_owned(), t.count(name).into()))
        .collect();
    m.insert("outcomes".into(), Value::Object(outcomes));
    m
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn parses_back_with_the_counts() {
        let report = sample();
        let text = render(&report);
        let v: Value = serde_json::from_str(&text).expect("valid JSON");
        let s = &v["summary"];
        assert_eq!(s["passed"], PASSED);
        assert_eq!(s["failed"], FAILURES + STALE);
        assert_eq!(s["results"], RESULTS);
        assert_eq!(s["failures"], FAILURES);
        assert_eq!(s["stale_exceptions"], STALE);
        assert_eq!(s["skipped"], SKIPPED);
        assert_eq!(s["reason_mismatches"], 1);
        for name in Outcome::NAMES {
            assert!(s["outcomes"][name].as_u64().unwrap() > 0, "{name}");
        }
        let imps = s["implementations"].as_array().unwrap();
        assert_eq!(imps.len(), 2);
        assert_eq!(imps[0]["name"], "alpha");
        assert_eq!(imps[0]["outcomes"]["pass"], 2);
        assert_eq!(imps[0]["outcomes"]["panic"], 0);
        assert_eq!(imps[1]["name"], "beta");
        assert_eq!(imps[1]["failed"], 6);
        assert_eq!(imps[1]["stale_exceptions"], 1);
    }

    #[test]
    fn keeps_the_report_itself() {
        let report = sample();
        let v: Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(v["results"].as_array().unwrap().len(), RESULTS);
        assert_eq!(v["results"][5]["case_id"], EVIL_ID);
        assert_eq!(v["results"][2]["outcome"], "known_divergence");
        assert_eq!(v["stale_exceptions"][0]["case_id"], "claims::gone");
        assert!(v.get("elapsed_ms").is_none());
        // The report's own fields come first, then the summary.
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["implementations", "results", "stale_exceptions", "summary"]
        );
    }

    #[test]
    fn summary_key_order_is_stable() {
        let text = render(&sample());
        let at = |k: &str| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("no {k}"))
        };
        let summary = at("summary");
        let order = [
            "passed",
            "failed",
            "results",
            "failures",
            "stale_exceptions",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|k| summary + text[summary..].find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }
}
