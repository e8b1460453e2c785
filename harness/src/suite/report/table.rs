//! The terminal table: the findings (one line per divergence class, worst impact first), the
//! failures, stale classes, an implementation × namespace matrix and the summary. Plain ASCII
//! layout, aligned columns, no colour; hostile strings are kept on one line. An implementation
//! run in defaults mode has rows of its own, named `name (defaults)`.

use super::findings::Findings;
use super::{counted, label, namespaces, one_line, outcome_message, rows, Tally};
use crate::contract::VerifyMode;
use crate::suite::outcome::{CaseResult, Report};

/// The whole table report.
pub(super) fn render(report: &Report) -> String {
    let mut sections: Vec<String> = Vec::new();
    let findings = Findings::of(report);
    if let Some(lines) = finding_lines(&findings) {
        sections.push(join_lines(&lines));
    }
    let failing: Vec<&CaseResult> = report
        .results
        .iter()
        .filter(|r| r.outcome.is_failure())
        .collect();
    let impl_width = failing
        .iter()
        .map(|r| width(&label(&r.implementation, r.mode)))
        .chain(
            report
                .stale_exceptions
                .iter()
                .map(|s| width(&stale_label(s))),
        )
        .max()
        .unwrap_or(0);
    if !failing.is_empty() {
        let id_width = failing.iter().map(|r| width(&r.case_id)).max().unwrap_or(0);
        let lines: Vec<String> = failing
            .iter()
            .map(|r| {
                format!(
                    "FAIL  {:<impl_width$}  {:<id_width$}  {}",
                    one_line(&label(&r.implementation, r.mode)),
                    one_line(&r.case_id),
                    one_line(&outcome_message(r)),
                )
            })
            .collect();
        sections.push(join_lines(&lines));
    }
    if !report.stale_exceptions.is_empty() {
        let lines: Vec<String> = report
            .stale_exceptions
            .iter()
            .map(|s| {
                format!(
                    "STALE {:<impl_width$}  {}: {}",
                    one_line(&stale_label(s)),
                    one_line(&s.class),
                    one_line(&s.why),
                )
            })
            .collect();
        sections.push(join_lines(&lines));
    }
    sections.push(matrix(report));
    sections.push(summary_of(report, &findings));
    sections.join("\n")
}

/// The row a stale class is shown in ([`super::Row::owns`]).
fn stale_label(s: &crate::suite::outcome::StaleException) -> String {
    label(&s.implementation, s.mode.unwrap_or_default())
}

/// `FIND  <impact>  <implementation>  <class>  <cases>, e.g. <sample>`, worst impact first,
/// then one line per declared limitation with the impact it leaves open (once per
/// implementation: a limitation is the same in every mode).
fn finding_lines(findings: &Findings) -> Option<Vec<String>> {
    let ranked = findings.ranked();
    let open: Vec<_> = findings
        .implementations
        .iter()
        .filter(|i| {
            i.mode == VerifyMode::Configured
                || findings.row(i.name, VerifyMode::Configured).is_none()
        })
        .flat_map(|i| i.limitations.iter().map(move |l| (i.name, l)))
        .collect();
    if ranked.is_empty() && open.is_empty() {
        return None;
    }
    let impact_width = ranked
        .iter()
        .map(|(_, c)| c.class.impact.name().len())
        .max()
        .unwrap_or(0);
    let impl_width = ranked
        .iter()
        .map(|(i, _)| width(&i.label))
        .max()
        .unwrap_or(0);
    let class_width = ranked
        .iter()
        .map(|(_, c)| width(&c.class.id))
        .max()
        .unwrap_or(0);
    let mut lines: Vec<String> = ranked
        .iter()
        .map(|(imp, c)| {
            format!(
                "FIND  {:<impact_width$}  {:<impl_width$}  {:<class_width$}  {}, e.g. {}",
                c.class.impact.name(),
                one_line(&imp.label),
                one_line(&c.class.id),
                counted(c.cases.len(), "case", "cases"),
                one_line(c.samples()[0]),
            )
        })
        .collect();
    for (name, l) in open {
        lines.push(format!(
            "OPEN  {}  {}  cannot enforce {}: {}",
            l.impact.map_or("unknown", |i| i.name()),
            one_line(name),
            one_line(l.check),
            one_line(l.why),
        ));
    }
    Some(lines)
}

/// Rows = implementations, columns = namespaces, cells = `pass/total` (`!` when one failed).
fn matrix(report: &Report) -> String {
    let names = super::rows(report);
    let spaces = namespaces(report);
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(names.len() + 1);
    let mut header = vec!["implementation".to_owned()];
    header.extend(spaces.iter().map(|ns| one_line(ns)));
    header.push("total".to_owned());
    rows.push(header);
    for name in &names {
        let mut row = vec![one_line(&name.label())];
        for ns in &spaces {
            row.push(cell(&Tally::cell(report, *name, ns)));
        }
        let mut all = Tally::implementation(report, *name);
        // The total column speaks for results only; stale entries are listed above.
        all.stale = 0;
        row.push(cell(&all));
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    let mut lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let mut line = String::new();
            for (c, text) in row.iter().enumerate() {
                let w = widths[c];
                if c > 0 {
                    line.push_str("  ");
                }
                line.push_str(&format!("{text:<w$}"));
            }
            line
        })
        .collect();
    lines.push("(cells: pass/total; ! = something failed; - = no results)".to_owned());
    join_lines(&lines)
}

fn cell(t: &Tally) -> String {
    if t.results == 0 {
        return "-".to_owned();
    }
    let mark = if t.failures > 0 { " !" } else { "" };
    format!("{}/{}{mark}", t.count("pass"), t.results)
}

/// Per implementation a line of outcome counts with its worst impact and number of classes,
/// then the reason mismatches, then `N passed, M failed`.
pub(super) fn summary(report: &Report) -> String {
    summary_of(report, &Findings::of(report))
}

fn summary_of(report: &Report, findings: &Findings) -> String {
    let names = rows(report);
    let name_width = names.iter().map(|n| width(&n.label())).max().unwrap_or(0);
    let mut lines: Vec<String> = Vec::new();
    for name in &names {
        let t = Tally::implementation(report, *name);
        let mut line = format!(
            "{:<name_width$}  {}",
            one_line(&name.label()),
            counted(t.results, "result", "results")
        );
        let outcomes: Vec<String> = t.occurred().map(|(o, n)| format!("{n} {o}")).collect();
        if !outcomes.is_empty() {
            line.push_str(": ");
            line.push_str(&outcomes.join(", "));
        }
        if t.reason_mismatches > 0 {
            line.push_str("; ");
            line.push_str(&counted(
                t.reason_mismatches,
                "reason mismatch",
                "reason mismatches",
            ));
        }
        if t.stale > 0 {
            line.push_str("; ");
            line.push_str(&counted(t.stale, "stale class", "stale classes"));
        }
        if let Some(f) = findings.row(name.name, name.mode) {
            line.push_str("; ");
            line.push_str(&f.headline());
        }
        lines.push(line);
    }
    let total = Tally::total(report);
    if total.reason_mismatches > 0 {
        lines.push(if total.reason_mismatches == 1 {
            "1 reason mismatch (not a failure)".to_owned()
        } else {
            format!(
                "{} reason mismatches (not failures)",
                total.reason_mismatches
            )
        });
    }
    lines.push(format!(
        "{} passed, {} failed",
        total.passed,
        total.failed()
    ));
    join_lines(&lines)
}

/// The number of columns `s` takes once made one-line.
fn width(s: &str) -> usize {
    one_line(s).chars().count()
}

/// Lines without trailing blanks, each ending in a newline.
fn join_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::suite::outcome::Outcome;

    #[test]
    fn lists_exactly_the_failures() {
        let report = sample();
        let text = render(&report);
        let fails: Vec<&str> = text.lines().filter(|l| l.starts_with("FAIL ")).collect();
        assert_eq!(fails.len(), FAILURES, "{text}");
        // Each failing result has its line, and no other result does.
        for r in &report.results {
            let listed = fails.iter().any(|l| {
                l.contains(&one_line(&r.case_id))
                    && l.split_whitespace().nth(1) == Some(r.implementation.as_str())
            });
            assert_eq!(
                listed,
                r.outcome.is_failure(),
                "{} {}",
                r.implementation,
                r.case_id
            );
        }
        // The reason mismatch is counted, not listed.
        assert!(!fails.iter().any(|l| l.contains("zendesk::kid-missing")));
        has(&text, "1 reason mismatch (not a failure)\n");
    }

    #[test]
    fn failure_lines_carry_verdicts_and_messages() {
        let text = render(&sample());
        let line = |id: &str, imp: &str| {
            text.lines()
                .find(|l| l.starts_with("FAIL ") && l.contains(id) && l.contains(imp))
                .unwrap_or_else(|| panic!("no line for {imp} {id}:\n{text}"))
                .to_owned()
        };
        assert!(line("claims::nbf-future", "alpha")
            .ends_with("expected rejected (not_yet_valid), got verified: user \"u1\""));
        assert!(
            line("jose::skipped", "beta").contains("panic: index out of bounds\\nat src/lib.rs:1")
        );
        assert!(
            line("claims::exp-equals-now@drift", "beta").contains("hang: no answer within 5000 ms")
        );
        assert!(line("claims::nbf-future", "beta").contains("crash: adapter exited"));
        assert!(line("jose::ok", "beta").contains("wrong_identity: expected"));
        assert!(
            line("signer::drift", "beta").contains("non_conformant_token: header has whitespace")
        );
        has(
            &text,
            "STALE beta   beta::gone: its case globs match no case\n",
        );
        assert!(line("claims::late", "beta").contains("not_run: implementation unresponsive"));
    }

    #[test]
    fn ends_with_the_passed_failed_line() {
        let text = render(&sample());
        let expected = format!("\n{PASSED} passed, {} failed\n", FAILURES + STALE);
        assert!(text.ends_with(&expected), "{text}");
        assert_eq!(expected, "\n6 passed, 9 failed\n");
    }

    #[test]
    fn findings_come_first_worst_impact_first() {
        let text = render(&sample());
        let finds: Vec<&str> = text.lines().filter(|l| l.starts_with("FIND ")).collect();
        assert_eq!(finds.len(), 2, "{text}");
        assert!(finds[0].contains("lets-expired-through") && finds[0].contains(ALPHA_CLASS));
        assert!(finds[1].contains("crashes") && finds[1].contains(BETA_CLASS));
        assert!(
            finds[1].ends_with("1 case, e.g. claims::exp-huge@drift"),
            "{}",
            finds[1]
        );
        assert!(text.starts_with("FIND "), "{text}");
        let open = text.lines().find(|l| l.starts_with("OPEN ")).unwrap();
        assert!(open.starts_with("OPEN  lets-expired-through  alpha  cannot enforce nbf:"));
    }

    #[test]
    fn stays_plain_ascii_lines_without_controls() {
        let text = render(&sample());
        assert!(text.is_ascii(), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
        assert!(text.lines().all(|l| l == l.trim_end()));
    }

    #[test]
    fn matrix_marks_failures_and_aligns() {
        let text = render(&sample());
        let header = text
            .lines()
            .find(|l| l.starts_with("implementation"))
            .expect("matrix header");
        assert_eq!(
            header.split_whitespace().collect::<Vec<_>>(),
            [
                "implementation",
                "jose",
                "claims",
                "zendesk",
                "evil",
                "signer",
                "total"
            ]
        );
        let alpha = text.lines().find(|l| l.starts_with("alpha ")).unwrap();
        let beta = text.lines().find(|l| l.starts_with("beta ")).unwrap();
        // jose: alpha 1 pass of 2, nothing failed; beta 0 of 2, failed.
        assert_eq!(alpha.split_whitespace().nth(1), Some("1/2"));
        assert_eq!(
            &beta.split_whitespace().collect::<Vec<_>>()[1..3],
            ["0/2", "!"]
        );
        assert_eq!(alpha.split_whitespace().last(), Some("!"));
        // Columns line up: every cell starts where its header starts.
        assert_eq!(header.find("jose"), alpha.find("1/2"));
        assert_eq!(header.find("jose"), beta.find("0/2 !"));
        assert_eq!(header.find("total"), alpha.find("2/6 !"));
    }

    #[test]
    fn summary_counts_every_outcome_that_occurred() {
        let report = sample();
        let s = summary(&report);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines,
            [
                "alpha  6 results: 2 pass, 1 skip, 1 known_divergence, 1 unexpected_accept, \
                 1 unexpected_reject; 1 reason mismatch; worst lets-expired-through, 1 class",
                "beta   8 results: 1 pass, 1 known_divergence, 1 wrong_identity, 1 panic, 1 hang, \
                 1 crash, 1 non_conformant_token, 1 not_run; 1 stale class; worst crashes, 1 class",
                "1 reason mismatch (not a failure)",
                "6 passed, 9 failed",
            ]
        );
    }

    #[test]
    fn all_clear_report() {
        let mut report = sample();
        report.results.retain(|r| r.outcome == Outcome::Pass);
        report.stale_exceptions.clear();
        let text = render(&report);
        assert!(!text.contains("FAIL") && !text.contains("STALE"));
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("alpha") && l.contains('!')),
            "{text}"
        );
        assert!(text.ends_with("\n3 passed, 0 failed\n"), "{text}");
        assert_eq!(summary(&Report::default()), "0 passed, 0 failed\n");
    }
}
