//! JUnit XML: first a `findings` suite with one `<testcase>` per divergence class (skipped,
//! with its impact, reason, basis and cases, worst impact first), so that a CI page shows the
//! findings; then one `<testsuite>` per implementation (and per mode: `name (defaults)`), one
//! `<testcase>` per result, and stale classes as failed test cases `stale-class::<class id>`.

use std::fmt::Write as _;

use super::findings::{ClassFinding, Findings, ImplementationFindings};
use super::{did_text, expected_text, label, outcome_message, rows, Tally};
use crate::suite::outcome::{CaseResult, Outcome, Report, StaleException};

/// The JUnit document.
pub(super) fn render(report: &Report) -> String {
    let total = Tally::total(report);
    let found = Findings::of(report);
    let ranked = found.ranked();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"idjwt conformance\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        total.results + total.stale + ranked.len(),
        total.failed(),
        total.skipped + ranked.len(),
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"findings\" tests=\"{0}\" failures=\"0\" errors=\"0\" skipped=\"{0}\">",
        ranked.len(),
    );
    for (imp, class) in &ranked {
        finding(&mut out, imp, class);
    }
    out.push_str("  </testsuite>\n");
    for row in rows(report) {
        let t = Tally::implementation(report, row);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            attr(&row.label()),
            t.results + t.stale,
            t.failed(),
            t.skipped,
        );
        let described = report
            .implementations
            .iter()
            .find(|i| i.name == row.name && i.mode == row.mode);
        if let Some(info) = described {
            out.push_str("    <properties>\n");
            property(&mut out, "version", &info.version);
            if !info.mode.is_configured() {
                property(&mut out, "mode", info.mode.name());
            }
            property(&mut out, "clock", &info.clock);
            if let Some(why) = &info.not_run {
                property(&mut out, "not_run", why);
            }
            for l in &info.cannot_enforce {
                property(
                    &mut out,
                    "cannot_enforce",
                    &format!("{}: {}", l.check, l.why),
                );
            }
            out.push_str("    </properties>\n");
        }
        for r in report.results.iter().filter(|r| row.holds(r)) {
            testcase(&mut out, r);
        }
        for s in report.stale_exceptions.iter().filter(|s| row.owns(s)) {
            stale(&mut out, s);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn property(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        "      <property name=\"{}\" value=\"{}\"/>",
        attr(name),
        attr(value)
    );
}

fn testcase(out: &mut String, r: &CaseResult) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}.{}\" name=\"{}\"",
        attr(&label(&r.implementation, r.mode)),
        attr(r.namespace()),
        attr(&r.case_id),
    );
    match &r.outcome {
        Outcome::Pass => match &r.reason_mismatch {
            Some(got) => {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>reason mismatch (not a failure): expected {}, got {}</system-out>\n    </testcase>",
                    text(&expected_text(r)),
                    text(got),
                );
            }
            None => out.push_str("/>\n"),
        },
        Outcome::Skip { reason } => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                attr(reason)
            );
        }
        Outcome::KnownDivergence { .. } => {
            let impact = r.impact.map_or("", |i| i.name());
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                attr(&format!("{impact}: {}", outcome_message(r)))
            );
        }
        failure => {
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                attr(&outcome_message(r)),
                failure.name(),
                text(&details(r)),
            );
        }
    }
}

fn details(r: &CaseResult) -> String {
    let mut s = format!(
        "case: {}\nimplementation: {}\n",
        r.case_id,
        label(&r.implementation, r.mode)
    );
    if let Some(p) = &r.provider {
        let _ = writeln!(s, "provider: {p}");
    }
    let _ = writeln!(s, "expected: {}", expected_text(r));
    let _ = writeln!(s, "did: {}", did_text(r));
    let _ = writeln!(s, "outcome: {}", r.outcome.name());
    let _ = writeln!(s, "basis: {}", r.basis);
    if r.reminted {
        s.push_str("re-minted at the wall clock\n");
    }
    s
}

fn finding(out: &mut String, imp: &ImplementationFindings, c: &ClassFinding) {
    let message = format!(
        "{}: {} ({}): {}",
        c.class.impact,
        c.class.id,
        super::counted(c.cases.len(), "case", "cases"),
        c.class.reason
    );
    let mut details = format!(
        "class: {}\nimplementation: {}\nimpact: {} ({})\nreason: {}\nbasis: {}\nobserved: {}\ncases:\n",
        c.class.id,
        imp.label,
        c.class.impact,
        c.class.impact.meaning(),
        c.class.reason,
        c.class.basis,
        c.observed_text(),
    );
    for case in &c.cases {
        let _ = writeln!(details, "  {case}");
    }
    let _ = writeln!(
        out,
        "    <testcase classname=\"findings.{}\" name=\"{}\">\n      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n    </testcase>",
        attr(&imp.label),
        attr(&c.class.id),
        attr(&message),
        text(&details),
    );
}

fn stale(out: &mut String, s: &StaleException) {
    let _ = writeln!(
        out,
        "    <testcase classname=\"{}.stale\" name=\"stale-class::{}\">\n      <failure message=\"{}\" type=\"stale_class\">{}</failure>\n    </testcase>",
        attr(&label(&s.implementation, s.mode.unwrap_or_default())),
        attr(&s.class),
        attr(&format!("stale class: {}", s.why)),
        text(&format!(
            "the divergence class {} of {} is stale: {}\n",
            s.class, s.implementation, s.why
        )),
    );
}

/// Whether XML 1.0 allows `c` at all.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// `s` escaped for an attribute value: markup and quotes as entities, whitespace other than
/// the space as character references (so parsers keep it), forbidden characters removed.
fn attr(s: &str) -> String {
    escape(s, true)
}

/// `s` escaped for character data; forbidden characters removed.
fn text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    /// An element's name and attributes.
    type Element = (String, Vec<(String, String)>);

    /// A small well-formedness check: the declaration, one root element, balanced and properly
    /// nested tags, quoted attributes without duplicates, `<` never raw in text or attributes,
    /// every `&` starting a known entity or a character reference, only XML 1.0 characters.
    /// Returns the elements as (name, attributes) in document order.
    fn check(xml: &str) -> Result<Vec<Element>, String> {
        const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
        let mut rest = xml.strip_prefix(DECL).ok_or("no XML declaration")?;
        if let Some(c) = xml.chars().find(|c| !allowed(*c)) {
            return Err(format!("character {c:?} is not allowed in XML 1.0"));
        }
        let mut stack: Vec<String> = Vec::new();
        let mut elements = Vec::new();
        let mut roots = 0;
        while !rest.is_empty() {
            let lt = rest.find('<').unwrap_or(rest.len());
            let chars = &rest[..lt];
            check_text(chars)?;
            if stack.is_empty() && !chars.trim().is_empty() {
                return Err(format!("text outside the root: {chars:?}"));
            }
            rest = &rest[lt..];
            if rest.is_empty() {
                break;
            }
            if let Some(after) = rest.strip_prefix("</") {
                let gt = after.find('>').ok_or("unterminated end tag")?;
                let name = after[..gt].trim_end();
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
                rest = &after[gt + 1..];
                continue;
            }
            // A start tag: find its end outside quoted values.
            let mut quote = None;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), '<') => return Err("raw < in an attribute value".into()),
                    (None, '<') => return Err("< inside a tag".into()),
                    (None, '>') => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.ok_or("unterminated start tag")?;
            let mut tag = &rest[1..end];
            rest = &rest[end + 1..];
            let empty = tag.ends_with('/');
            if empty {
                tag = &tag[..tag.len() - 1];
            }
            let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
            let name = &tag[..name_end];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
            {
                return Err(format!("bad element name {name:?}"));
            }
            let mut attrs: Vec<(String, String)> = Vec::new();
            let mut a = tag[name_end..].trim_start();
            while !a.is_empty() {
                let eq = a
                    .find('=')
                    .ok_or_else(|| format!("attribute without value in <{name}>"))?;
                let key = a[..eq].trim();
                let value_start = &a[eq + 1..];
                let q = value_start
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'');
                let q = q.ok_or_else(|| format!("unquoted attribute {key} in <{name}>"))?;
                let close = value_start[1..].find(q).ok_or("unterminated attribute")?;
                let value = &value_start[1..1 + close];
                check_text(value)?;
                if attrs.iter().any(|(k, _)| k == key) {
                    return Err(format!("duplicate attribute {key} in <{name}>"));
                }
                attrs.push((key.to_owned(), value.to_owned()));
                let after = &value_start[2 + close..];
                if !after.is_empty() && !after.starts_with(char::is_whitespace) {
                    return Err(format!("no space after attribute {key} in <{name}>"));
                }
                a = after.trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            elements.push((name.to_owned(), attrs));
            if !empty {
                stack.push(name.to_owned());
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?}"));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(elements)
    }

    fn check_text(s: &str) -> Result<(), String> {
        if s.contains('<') {
            return Err(format!("raw < in {s:?}"));
        }
        let mut parts = s.split('&');
        parts.next();
        for part in parts {
            let semi = part.find(';').ok_or_else(|| format!("raw & in {s:?}"))?;
            let entity = &part[..semi];
            let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity
                    .strip_prefix('#')
                    .and_then(|n| n.parse::<u32>().ok())
                    .and_then(char::from_u32)
                    .is_some_and(allowed);
            if !ok {
                return Err(format!("bad entity &{entity};"));
            }
        }
        Ok(())
    }

    fn attribute<'a>(element: &'a Element, key: &str) -> &'a str {
        element
            .1
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("<{}> has no {key}", element.0))
    }

    #[test]
    fn the_checker_catches_broken_xml() {
        const D: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        assert!(check(&format!("{D}<a><b></b></a>\n")).is_ok());
        for bad in [
            "<a><b></a></b>",
            "<a>",
            "<a x=\"<\"/>",
            "<a>&</a>",
            "<a>&bogus;</a>",
            "<a>\u{0}</a>",
            "<a>&#0;</a>",
            "<a/><b/>",
            "<a x=\"1\" x=\"2\"/>",
            "<a x=1/>",
            "<a>x < y</a>",
        ] {
            assert!(check(&format!("{D}{bad}")).is_err(), "{bad}");
        }
    }

    #[test]
    fn is_well_formed() {
        let xml = render(&sample());
        if let Err(e) = check(&xml) {
            panic!("{e}\n{xml}");
        }
    }

    #[test]
    fn hostile_case_ids_never_appear_raw() {
        let xml = render(&sample());
        assert!(!xml.contains(EVIL_ID));
        assert!(!xml.contains('\u{0}') && !xml.contains('\u{1b}'));
        assert!(!xml.contains("<script>"));
        assert!(!xml.contains("]]>"));
        has(
            &xml,
            "name=\"evil::&lt;script&gt;alert(1)&lt;/script&gt;|&lt;&amp;&quot;&apos;\"",
        );
        // Newlines inside attribute values survive as character references.
        has(&xml, "index out of bounds&#10;at src/lib.rs:1");
    }

    #[test]
    fn counts_tests_failures_and_skips() {
        let xml = render(&sample());
        let elements = check(&xml).unwrap();
        let root = &elements[0];
        assert_eq!(root.0, "testsuites");
        // Two findings (one class each for alpha and beta) come on top of the results.
        let findings = 2;
        assert_eq!(
            attribute(root, "tests"),
            (RESULTS + STALE + findings).to_string()
        );
        assert_eq!(attribute(root, "failures"), (FAILURES + STALE).to_string());
        assert_eq!(attribute(root, "skipped"), (SKIPPED + findings).to_string());
        let count = |name: &str| elements.iter().filter(|e| e.0 == name).count();
        assert_eq!(count("testsuite"), 3);
        assert_eq!(count("testcase"), RESULTS + STALE + findings);
        assert_eq!(count("failure"), FAILURES + STALE);
        assert_eq!(count("skipped"), SKIPPED + findings);
        let suites: Vec<_> = elements.iter().filter(|e| e.0 == "testsuite").collect();
        assert_eq!(attribute(suites[0], "name"), "findings");
        assert_eq!(attribute(suites[0], "tests"), "2");
        assert_eq!(attribute(suites[1], "name"), "alpha");
        assert_eq!(attribute(suites[1], "tests"), "6");
        assert_eq!(attribute(suites[1], "failures"), "2");
        assert_eq!(attribute(suites[1], "skipped"), "2");
        assert_eq!(attribute(suites[2], "tests"), "9");
        assert_eq!(attribute(suites[2], "failures"), "7");
    }

    #[test]
    fn testcases_name_classes_and_outcomes() {
        let xml = render(&sample());
        let elements = check(&xml).unwrap();
        let cases: Vec<_> = elements.iter().filter(|e| e.0 == "testcase").collect();
        assert_eq!(attribute(cases[0], "classname"), "findings.alpha");
        assert_eq!(attribute(cases[0], "name"), ALPHA_CLASS);
        assert_eq!(attribute(cases[1], "name"), BETA_CLASS);
        assert_eq!(attribute(cases[4], "classname"), "alpha.claims");
        assert_eq!(attribute(cases[4], "name"), "claims::exp-equals-now@drift");
        let stale = cases.last().unwrap();
        assert_eq!(attribute(stale, "name"), "stale-class::beta::gone");
        assert_eq!(attribute(stale, "classname"), "beta.stale");
        has(
            &xml,
            "<skipped message=\"crashes: beta::panics-on-huge-dates (1 case): ",
        );
        let types: Vec<&str> = elements
            .iter()
            .filter(|e| e.0 == "failure")
            .map(|e| attribute(e, "type"))
            .collect();
        // Every failing outcome (all from unexpected_accept on, in report order), then the
        // stale class.
        let failing = Outcome::NAMES
            .iter()
            .skip_while(|n| **n != "unexpected_accept");
        let expected: Vec<&str> = failing.copied().chain(["stale_class"]).collect();
        assert_eq!(types, expected);
        has(&xml, "<system-out>reason mismatch (not a failure): expected rejected (missing_kid), got bad_signature</system-out>");
    }
}
