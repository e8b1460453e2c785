//! The JSON report: the [`Report`] as serde serializes it (every per-case result), plus
//! `findings` (one entry per divergence class that covered something, worst impact first, with
//! all its cases), `open_limitations`, `reason_mismatches` as counted pairs, and a `summary`
//! object of counts. Everything about a defaults-mode row carries `"mode": "defaults"`.

use serde_json::{json, Map, Value};

use super::findings::{Findings, ImplementationFindings};
use super::{rows, Tally};
use crate::contract::VerifyMode;
use crate::suite::outcome::{Outcome, Report};

/// Pretty JSON with a final newline.
pub(super) fn render(report: &Report) -> String {
    let mut value = match serde_json::to_value(report) {
        Ok(v) => v,
        Err(e) => return format!("{{\"error\": {:?}}}\n", e.to_string()),
    };
    if let Value::Object(fields) = &mut value {
        // Findings lead; the report's own fields follow, the summary of counts ends it.
        let found = Findings::of(report);
        let mut map = Map::new();
        map.insert("findings".into(), findings(&found));
        map.insert("open_limitations".into(), limitations(&found));
        map.insert("reason_mismatches".into(), mismatches(&found));
        map.append(fields);
        map.insert("summary".into(), summary(report, &found));
        *fields = map;
    }
    let mut text = serde_json::to_string_pretty(&value)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    text.push('\n');
    text
}

fn findings(found: &Findings) -> Value {
    found
        .ranked()
        .into_iter()
        .map(|(imp, c)| {
            let mut object = row_fields(imp.name, imp.mode);
            let fields = json!({
                "class": c.class.id,
                "impact": c.class.impact,
                "reason": c.class.reason,
                "basis": c.class.basis,
                "inherited_from": c.class.inherited_from,
                "observed": c.observed,
                "cases": c.cases,
            });
            if let Value::Object(rest) = fields {
                object.extend(rest);
            }
            Value::Object(object)
        })
        .collect()
}

/// `implementation`, and `mode` for a row that is not in configured mode.
fn row_fields(name: &str, mode: VerifyMode) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("implementation".into(), name.into());
    if mode != VerifyMode::Configured {
        object.insert("mode".into(), mode.name().into());
    }
    object
}

fn limitations(found: &Findings) -> Value {
    each(
        found,
        |imp| &imp.limitations,
        |l| json!({"check": l.check, "impact": l.impact, "why": l.why}),
    )
}

fn mismatches(found: &Findings) -> Value {
    each(
        found,
        |imp| &imp.mismatches,
        |m| json!({"expected": m.expected, "given": m.given, "count": m.cases.len(), "cases": m.cases}),
    )
}

/// One object per item of every implementation's findings: `implementation`, then `fields`.
fn each<'f, T: 'f>(
    found: &'f Findings,
    items: impl Fn(&'f ImplementationFindings) -> &'f Vec<T>,
    fields: impl Fn(&T) -> Value,
) -> Value {
    let mut all = Vec::new();
    for imp in &found.implementations {
        for item in items(imp) {
            let mut object = row_fields(imp.name, imp.mode);
            if let Value::Object(rest) = fields(item) {
                object.extend(rest);
            }
            all.push(Value::Object(object));
        }
    }
    Value::Array(all)
}

/// The counts, overall and per implementation, in a fixed key order.
fn summary(report: &Report, found: &Findings) -> Value {
    let mut map = counts(&Tally::total(report));
    let implementations = rows(report)
        .into_iter()
        .map(|row| {
            let mut m = Map::new();
            m.insert("name".into(), row.name.into());
            if row.mode != VerifyMode::Configured {
                m.insert("mode".into(), row.mode.name().into());
            }
            m.extend(counts(&Tally::implementation(report, row)));
            if let Some(f) = found.row(row.name, row.mode) {
                if let Some(why) = f.not_run() {
                    m.insert("not_run".into(), why.into());
                }
                m.insert("worst_impact".into(), json!(f.worst()));
                m.insert("classes".into(), f.classes.len().into());
            }
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
    m.insert("stale_classes".into(), t.stale.into());
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
        assert_eq!(s["stale_classes"], STALE);
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
        assert_eq!(imps[1]["failed"], 7);
        assert_eq!(imps[1]["stale_classes"], 1);
        assert_eq!(imps[0]["worst_impact"], "lets-expired-through");
        assert_eq!(imps[1]["worst_impact"], "crashes");
        assert_eq!(imps[1]["classes"], 1);
    }

    #[test]
    fn keeps_the_report_itself() {
        let report = sample();
        let v: Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(v["results"].as_array().unwrap().len(), RESULTS);
        assert_eq!(v["results"][5]["case_id"], EVIL_ID);
        assert_eq!(v["results"][2]["outcome"], "known_divergence");
        assert_eq!(v["stale_exceptions"][0]["class"], "beta::gone");
        assert_eq!(v["results"][2]["class"], ALPHA_CLASS);
        assert_eq!(v["results"][2]["observed"], "unexpected_accept");
        assert!(v.get("elapsed_ms").is_none());
        // Findings first, then the report's own fields, then the summary.
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "findings",
                "open_limitations",
                "reason_mismatches",
                "implementations",
                "results",
                "classes",
                "stale_exceptions",
                "summary"
            ]
        );
    }

    #[test]
    fn findings_list_every_covered_case_worst_first() {
        let v: Value = serde_json::from_str(&render(&sample())).unwrap();
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0]["class"], ALPHA_CLASS);
        assert_eq!(findings[0]["impact"], "lets-expired-through");
        assert_eq!(
            findings[0]["cases"],
            json!(["claims::exp-equals-now@drift"])
        );
        assert_eq!(findings[1]["class"], BETA_CLASS);
        assert_eq!(findings[1]["observed"]["panic"], 1);
        let open = v["open_limitations"].as_array().unwrap();
        assert_eq!(open[0]["check"], "nbf");
        assert_eq!(open[0]["impact"], "lets-expired-through");
        let pairs = v["reason_mismatches"].as_array().unwrap();
        assert_eq!(pairs[0]["expected"], "missing_kid");
        assert_eq!(pairs[0]["given"], "bad_signature");
        assert_eq!(pairs[0]["count"], 1);
    }

    #[test]
    fn summary_key_order_is_stable() {
        let text = render(&sample());
        let at = |k: &str| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("no {k}"))
        };
        let summary = at("summary");
        let order = ["passed", "failed", "results", "failures", "stale_classes"];
        let positions: Vec<usize> = order
            .iter()
            .map(|k| summary + text[summary..].find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }
}
