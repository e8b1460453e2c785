//! The Markdown document: the findings page. First the implementation × impact matrix (with a
//! column for defaults mode when the run had it, and the defaults-mode matrix below it), then
//! one section per implementation and mode with its divergence classes (worst impact first),
//! the limitations it declares with the impact each leaves open, its reason mismatches as
//! counted pairs, and whatever failed the run. What another section lists in full is named in a
//! line, not repeated. Per-case data is in the JSON and HTML reports.

use std::fmt::Write as _;

use super::findings::{Findings, ImplementationFindings};
use super::{counted, did_text, expected_text, Row, Tally};
use crate::contract::VerifyMode;
use crate::impact::Impact;
use crate::suite::outcome::Report;

/// The document, ending in a newline.
pub(super) fn render(report: &Report) -> String {
    let mut out = String::from("# Conformance results\n\n");
    let total = Tally::total(report);
    let _ = writeln!(
        out,
        "**{} passed, {} failed** ({}).\n",
        total.passed,
        total.failed(),
        total.totals().join("; "),
    );
    let found = Findings::of(report);
    matrix(&mut out, &found);
    key_confusion(&mut out, report);
    for imp in &found.implementations {
        let shown = Shown {
            configured: found.row(imp.name, VerifyMode::Configured),
            found: &found,
        };
        section(&mut out, report, imp, &shown);
    }
    out
}

fn matrix(out: &mut String, found: &Findings) {
    out.push_str("## Findings\n\n");
    out.push_str(
        "Divergence classes per implementation and impact, worst impact first: \
         *classes (cases)*. A class is one defect, with every case that shows it; the open \
         limitations are checks the implementation declares it cannot make.\n\n",
    );
    let with_defaults = found.in_mode(VerifyMode::Defaults).next().is_some();
    let configured: Vec<&ImplementationFindings> = found
        .implementations
        .iter()
        .filter(|i| {
            i.mode == VerifyMode::Configured || found.row(i.name, VerifyMode::Configured).is_none()
        })
        .collect();
    let defaults_column: Vec<String> = configured
        .iter()
        .map(|imp| match found.row(imp.name, VerifyMode::Defaults) {
            None => "not asked".to_owned(),
            Some(d) if d.not_run().is_some() => "not run".to_owned(),
            Some(d) => match d.worst() {
                None => "none".to_owned(),
                Some(worst) => format!(
                    "**{worst}**, {}",
                    counted(d.classes.len(), "class", "classes")
                ),
            },
        })
        .collect();
    impact_table(
        out,
        &configured,
        with_defaults.then_some(("Defaults mode", defaults_column)),
    );
    if with_defaults {
        out.push_str(
            "\n### Defaults mode\n\nThe same implementations given only the keys and the \
             algorithm allow-list, every other option at the library's default (see \
             [adapter-protocol.md](adapter-protocol.md#defaults-mode)): what a caller meets who \
             does not configure the library. The expected verdicts are the same vectors'; the \
             last column counts the classes written for defaults mode alone.\n\n",
        );
        let rows: Vec<&ImplementationFindings> = found.in_mode(VerifyMode::Defaults).collect();
        let only_defaults: Vec<String> = rows
            .iter()
            .map(|imp| match imp.not_run() {
                Some(why) => format!("not run: {}", md(why)),
                None => {
                    let (classes, cases) = imp
                        .classes
                        .iter()
                        .filter(|c| c.class.mode == Some(VerifyMode::Defaults))
                        .fold((0, 0), |(n, k), c| (n + 1, k + c.cases.len()));
                    format!("{classes} ({cases})")
                }
            })
            .collect();
        impact_table(out, &rows, Some(("Defaults-mode classes", only_defaults)));
    }
    out.push_str("\nImpacts:\n\n");
    for impact in Impact::ALL {
        let _ = writeln!(out, "- `{}`: {}.", impact.name(), impact.meaning());
    }
}

/// The case ids of the key-confusion attack (CVE-2015-9235, CVE-2016-10555): an HS256 token
/// whose MAC key is the configured EC or RSA public key in some encoding.
const KEY_CONFUSION: &str = "hs256-with-public-key-";

/// Which implementations accept an HS256 token MAC'd with the configured public key, in which
/// encodings and modes: the best-known JWT attack, answered in one place.
fn key_confusion(out: &mut String, report: &Report) {
    let tried = report
        .results
        .iter()
        .filter(|r| r.case_id.contains(KEY_CONFUSION))
        .count();
    if tried == 0 {
        return;
    }
    out.push_str(
        "
### Key confusion

",
    );
    let _ = writeln!(
        out,
        "HS256 tokens whose MAC key is the configured public key (EC or RSA) in some \
         encoding (CVE-2015-9235, CVE-2016-10555; policy.md §4.9 and §4.15): {tried} \
         results, cases `*{KEY_CONFUSION}*`."
    );
    let mut accepted: Vec<(String, VerifyMode, Vec<&str>, Vec<&str>)> = Vec::new();
    for r in report
        .results
        .iter()
        .filter(|r| r.case_id.contains(KEY_CONFUSION) && r.actual.verdict == "verified")
    {
        let row = match accepted
            .iter_mut()
            .find(|(name, mode, _, _)| *name == r.implementation && *mode == r.mode)
        {
            Some(row) => row,
            None => {
                accepted.push((r.implementation.clone(), r.mode, Vec::new(), Vec::new()));
                accepted.last_mut().expect("just pushed")
            }
        };
        row.2.push(&r.case_id);
        if let Some(class) = &r.class {
            if !row.3.contains(&class.as_str()) {
                row.3.push(class);
            }
        }
    }
    if accepted.is_empty() {
        out.push_str(
            "
No implementation accepts one.
",
        );
        return;
    }
    out.push_str(
        "
| Implementation | Mode | Accepted | Class |
| --- | --- | --- | --- |
",
    );
    for (name, mode, cases, classes) in accepted {
        let cases: Vec<String> = cases.iter().map(|c| md_code(c)).collect();
        let classes: Vec<String> = classes.iter().map(|c| md_code(c)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&name),
            mode.name(),
            cases.join(", "),
            if classes.is_empty() {
                "none: the run fails".to_owned()
            } else {
                classes.join(", ")
            }
        );
    }
}

/// One row per implementation of `rows`: its worst impact, classes (cases) per impact, open
/// limitations, what failed, and, when given, a last column of the given title and cells.
fn impact_table(
    out: &mut String,
    rows: &[&ImplementationFindings],
    last: Option<(&str, Vec<String>)>,
) {
    let mut header = String::from("| Implementation | Worst |");
    let mut rule = String::from("| --- | --- |");
    for impact in Impact::ALL {
        let _ = write!(header, " {} |", impact.name());
        rule.push_str(" --- |");
    }
    header.push_str(" Open limitations | Failed |");
    rule.push_str(" --- | --- |");
    if let Some((title, _)) = &last {
        let _ = write!(header, " {title} |");
        rule.push_str(" --- |");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for (index, imp) in rows.iter().enumerate() {
        let worst = match (imp.not_run(), imp.worst()) {
            (Some(_), _) => "not run".to_owned(),
            (None, None) => "none".to_owned(),
            (None, Some(i)) => format!("**{i}**"),
        };
        let _ = write!(out, "| {} | {worst} |", md(&imp.label));
        for impact in Impact::ALL {
            let (classes, cases) = imp.count(impact);
            if classes == 0 {
                out.push_str(" |");
            } else {
                let _ = write!(out, " {classes} ({cases}) |");
            }
        }
        let failed = imp.unexpected.len() + imp.stale.len();
        let _ = write!(
            out,
            " {} | {} |",
            imp.limitations.len(),
            if failed == 0 {
                "0".to_owned()
            } else {
                format!("**{failed}**")
            }
        );
        if let Some((_, cells)) = &last {
            let _ = write!(out, " {} |", cells.get(index).map_or("", String::as_str));
        }
        out.push('\n');
    }
}

/// What other sections already show in full, so that a section names it instead of repeating
/// it: a defaults row's configured row, and the implementation an inherited class comes from.
struct Shown<'f, 'a> {
    configured: Option<&'f ImplementationFindings<'a>>,
    found: &'f Findings<'a>,
}

impl Shown<'_, '_> {
    /// The section that lists the class in full, if another one does: its origin's in the same
    /// mode (an inherited class), or the configured one (a defaults row's class of the library
    /// itself).
    fn elsewhere(
        &self,
        imp: &ImplementationFindings,
        class: &super::findings::ClassFinding,
    ) -> Option<String> {
        let in_row = |row: Option<&ImplementationFindings>| {
            row.is_some_and(|row| row.classes.iter().any(|c| c.class.id == class.class.id))
        };
        if let Some(from) = class.class.inherited_from.as_deref() {
            let origin = self.found.row(from, imp.mode);
            if in_row(origin) {
                return origin.map(|row| row.label.clone());
            }
        }
        let library_own = imp.mode != VerifyMode::Configured
            && class.class.mode != Some(imp.mode)
            && in_row(self.configured);
        library_own.then(|| imp.name.to_owned())
    }
}

/// One row's section. Classes and reason pairs another section shows in full ([`Shown`]) are
/// named in a line instead of repeated.
fn section(out: &mut String, report: &Report, imp: &ImplementationFindings, shown: &Shown) {
    let _ = writeln!(out, "\n## {}\n", md(&imp.label));
    if let Some(why) = imp.not_run() {
        let _ = writeln!(out, "Not run in {} mode: {}.", imp.mode, md(why));
        return;
    }
    if let Some(info) = imp.info {
        let _ = writeln!(
            out,
            "Version {}, {} clock. {}.",
            md(&info.version),
            md(&info.clock),
            match imp.worst() {
                Some(w) => format!(
                    "Worst impact **{w}**, {}",
                    counted(imp.classes.len(), "class", "classes")
                ),
                None => "No divergence class".to_owned(),
            }
        );
    }
    let t = Tally::implementation(
        report,
        Row {
            name: imp.name,
            mode: imp.mode,
        },
    );
    let outcomes: Vec<String> = t.occurred().map(|(o, n)| format!("{n} {o}")).collect();
    let _ = writeln!(
        out,
        "{}: {}.\n",
        counted(t.results, "result", "results"),
        md(&outcomes.join(", "))
    );
    let mut listed = Vec::new();
    // (section, classes it lists in full), in order of first mention.
    let mut shared: Vec<(String, Vec<String>)> = Vec::new();
    for c in &imp.classes {
        let Some(section) = shown.elsewhere(imp, c) else {
            listed.push(c);
            continue;
        };
        let named = format!("{} ({})", md(&c.class.id), c.cases.len());
        match shared.iter_mut().find(|(s, _)| *s == section) {
            Some((_, names)) => names.push(named),
            None => shared.push((section, vec![named])),
        }
    }
    if !listed.is_empty() {
        out.push_str("| Impact | Class | Cases | What it does | Basis | Sample cases |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for c in listed {
            let inherited = c
                .class
                .inherited_from
                .as_deref()
                .map(|from| format!(" (from {})", md(from)))
                .unwrap_or_default();
            let samples: Vec<String> = c.samples().iter().map(|s| md(s)).collect();
            let _ = writeln!(
                out,
                "| {} | {}{inherited} | {} | {} | {} | {} |",
                c.class.impact.name(),
                md(&c.class.id),
                c.cases.len(),
                md_code(&c.class.reason),
                md_code(&c.class.basis),
                samples.join("<br>"),
            );
        }
    }
    for (section, names) in &shared {
        let _ = writeln!(
            out,
            "\nAlso seen here, the classes listed in full in the section {}: {}.",
            md(section),
            names.join(", ")
        );
    }
    // Limitations are the implementation's in every mode: its configured section lists them.
    if imp.mode == VerifyMode::Configured && !imp.limitations.is_empty() {
        out.push_str(
            "\nDeclared limitations (the checks it cannot make, and what that leaves open):\n\n",
        );
        out.push_str("| Check | Leaves open | Why |\n| --- | --- | --- |\n");
        for l in &imp.limitations {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(l.check),
                l.impact.map_or("unknown", |i| i.name()),
                md_code(l.why),
            );
        }
    }
    // Likewise a defaults row lists in full only the reason pairs its configured section lacks.
    let pair_in_configured = |expected: &str, given: &str| {
        shown.configured.is_some_and(|row| {
            row.mismatches
                .iter()
                .any(|m| m.expected == expected && m.given == given)
        })
    };
    let (own, shared): (Vec<_>, Vec<_>) = imp.mismatches.iter().partition(|m| {
        imp.mode == VerifyMode::Configured || !pair_in_configured(m.expected, m.given)
    });
    if !own.is_empty() {
        out.push_str("\nReason mismatches (right verdict, another reason code; not failures):\n\n");
        out.push_str("| Expected | Given | Cases | Sample cases |\n| --- | --- | --- | --- |\n");
        for m in own {
            let samples: Vec<String> = m.samples().iter().map(|s| md(s)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(m.expected),
                md(m.given),
                m.cases.len(),
                samples.join("<br>")
            );
        }
    }
    if !shared.is_empty() {
        let named: Vec<String> = shared
            .iter()
            .map(|m| format!("{} as {} ({})", md(m.expected), md(m.given), m.cases.len()))
            .collect();
        let _ = writeln!(
            out,
            "\nAlso given in this mode, reason mismatches its configured section shows: {}.",
            named.join(", ")
        );
    }
    if !imp.unexpected.is_empty() {
        out.push_str("\n**Unexpected results (these fail the run):**\n\n");
        out.push_str("| Case | Outcome | Expected | What it did |\n| --- | --- | --- | --- |\n");
        for r in &imp.unexpected {
            let _ = writeln!(
                out,
                "| {} | **{}** | {} | {} |",
                md(&r.case_id),
                md(r.outcome.name()),
                md(&expected_text(r)),
                md(&did_text(r)),
            );
        }
    }
    if !imp.stale.is_empty() {
        out.push_str("\n**Stale classes (these fail the run):**\n\n");
        for s in &imp.stale {
            let _ = writeln!(out, "- {}: {}", md(&s.class), md(&s.why));
        }
    }
}

/// `s` as inline Markdown text that stays inside its table cell: one line, `|` and every other
/// Markdown or HTML special character escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// As [`md`], but the project's own prose keeps its code spans: text between a pair of
/// backticks stays code (only `|` escaped, which tables need even there). An unpaired backtick
/// is escaped like any other character.
fn md_code(s: &str) -> String {
    let line = super::one_line(s);
    let parts: Vec<&str> = line.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return md(&line);
    }
    let mut out = String::with_capacity(line.len());
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && !part.is_empty() {
            out.push('`');
            out.push_str(&part.replace('|', "\\|"));
            out.push('`');
        } else {
            out.push_str(&md(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn starts_with_the_counts_and_the_impact_matrix() {
        let text = render(&sample());
        assert!(text.starts_with("# Conformance results\n"));
        has(&text, "**6 passed, 9 failed**");
        let findings = text.find("## Findings").unwrap();
        assert!(findings < text.find("\n## alpha\n").unwrap());
        has(
            &text,
            "| Implementation | Worst | lets-forged-through | lets-wrong-user-through | \
             lets-expired-through | crashes | lets-malformed-through | rejects-valid | cosmetic | \
             Open limitations | Failed |\n",
        );
        has(
            &text,
            "| alpha | **lets-expired-through** | | | 1 (1) | | | | | 1 | **2** |\n",
        );
        has(
            &text,
            "| beta | **crashes** | | | | 1 (1) | | | | 0 | **7** |\n",
        );
    }

    #[test]
    fn key_confusion_names_who_accepts_it() {
        let mut report = sample();
        assert!(
            !render(&report).contains("### Key confusion"),
            "no such case ran"
        );
        let mut refused = report.results[0].clone();
        refused.case_id = "rsa::hs256-with-public-key-pem".into();
        refused.actual.verdict = "rejected".into();
        report.results.push(refused.clone());
        has(&render(&report), "No implementation accepts one.");
        let mut accepted = refused;
        accepted.implementation = "beta".into();
        accepted.case_id = "rsa::hs256-with-public-key-jwk-json".into();
        accepted.actual.verdict = "verified".into();
        accepted.class = Some("beta::public-key-as-secret".into());
        report.results.push(accepted);
        let text = render(&report);
        has(&text, "2 results, cases `*hs256-with-public-key-*`");
        has(
            &text,
            "| beta | configured | rsa::hs256-with-public-key-jwk-json | beta::public-key-as-secret |",
        );
        lacks(&text, &["No implementation accepts one."]);
    }

    #[test]
    fn escapes_pipes_and_markup_but_keeps_code_spans() {
        let text = render(&sample());
        lacks(&text, &[EVIL_ID, "<script>", "<s>"]);
        has(&text, "treats `exp` as inclusive");
        assert_eq!(md_code("a `x|y` b"), "a `x\\|y` b");
        assert_eq!(md_code("one ` tick"), "one \\` tick");
        // Every table row has exactly as many unescaped pipes as its header.
        for block in text.split("\n\n").filter(|b| b.starts_with('|')) {
            let pipes = |l: &str| {
                l.replace("\\\\", "")
                    .replace("\\|", "")
                    .matches('|')
                    .count()
            };
            let first = pipes(block.lines().next().unwrap());
            for line in block.lines() {
                assert_eq!(pipes(line), first, "{line}");
            }
        }
    }

    #[test]
    fn sections_hold_classes_limitations_mismatches_and_failures() {
        let text = render(&sample());
        let alpha = &text[text.find("\n## alpha\n").unwrap()..text.find("\n## beta\n").unwrap()];
        let beta = &text[text.find("\n## beta\n").unwrap()..];
        has(alpha, "Worst impact **lets-expired-through**, 1 class.");
        has(
            alpha,
            "| lets-expired-through | alpha::exp-inclusive | 1 | treats `exp` as inclusive |",
        );
        has(
            alpha,
            "| nbf | lets-expired-through | never checks nbf \\| at all |",
        );
        has(
            alpha,
            "| missing\\_kid | bad\\_signature | 1 | zendesk::kid-missing |",
        );
        has(alpha, "| claims::nbf-future | **unexpected\\_accept** | rejected (not\\_yet\\_valid) | verified: user \"u1\" |");
        has(beta, "| crashes | beta::panics-on-huge-dates | 1 |");
        has(beta, "panicked: index out of bounds\\\\nat src/lib.rs:1");
        has(beta, "- beta::gone: its case globs match no case\n");
        // Known divergences are not listed case by case: only the two failures are rows.
        let failures = &alpha[alpha.find("**Unexpected results").unwrap()..];
        let rows = failures
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Case") && !l.starts_with("| ---"));
        assert_eq!(rows.count(), 2, "{failures}");
    }
}
