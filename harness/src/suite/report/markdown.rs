//! The Markdown document: implementations, an implementation × namespace matrix, then per
//! implementation its unexpected and known-divergent results.

use std::fmt::Write as _;

use super::{counted, did_text, expected_text, implementation_names, namespaces, one_line, Tally};
use crate::suite::outcome::{CaseResult, Outcome, Report};

/// The document, ending in a newline.
pub(super) fn render(report: &Report) -> String {
    let mut out = String::from("# Conformance results\n\n");
    let total = Tally::total(report);
    let _ = writeln!(
        out,
        "**{} passed, {} failed** ({}; {} skipped or known divergences; {}; {}).\n",
        total.passed,
        total.failed(),
        counted(total.results, "result", "results"),
        total.skipped,
        counted(
            total.reason_mismatches,
            "reason mismatch (not a failure)",
            "reason mismatches (not failures)"
        ),
        counted(total.stale, "stale exception", "stale exceptions"),
    );

    out.push_str("## Implementations\n\n");
    out.push_str("| Implementation | Version | Clock | Declared limitations |\n");
    out.push_str("| --- | --- | --- | --- |\n");
    for info in &report.implementations {
        let limitations = if info.cannot_enforce.is_empty() {
            "none".to_owned()
        } else {
            info.cannot_enforce
                .iter()
                .map(|l| md(l))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&info.name),
            md(&info.version),
            md(&info.clock),
            limitations
        );
    }

    let names = implementation_names(report);
    let spaces = namespaces(report);
    out.push_str("\n## Matrix\n\n");
    out.push_str("Each cell: passing results / results, then failures and known divergences.\n\n");
    let mut header = String::from("| Implementation |");
    let mut rule = String::from("| --- |");
    for ns in &spaces {
        let _ = write!(header, " {} |", md(ns));
        rule.push_str(" --- |");
    }
    header.push_str(" Total |");
    rule.push_str(" --- |");
    let _ = writeln!(out, "{header}\n{rule}");
    for name in &names {
        let _ = write!(out, "| {} |", md(name));
        for ns in &spaces {
            let _ = write!(out, " {} |", cell(&Tally::cell(report, name, ns)));
        }
        let mut all = Tally::implementation(report, name);
        all.stale = 0;
        let _ = writeln!(out, " {} |", cell(&all));
    }

    for name in &names {
        let _ = writeln!(out, "\n## {}\n", md(name));
        let notable: Vec<&CaseResult> = report
            .results
            .iter()
            .filter(|r| r.implementation == *name)
            .filter(|r| {
                r.outcome.is_failure() || matches!(r.outcome, Outcome::KnownDivergence { .. })
            })
            .collect();
        if notable.is_empty() {
            out.push_str("No unexpected or known-divergent results.\n");
        } else {
            out.push_str("| Case | Outcome | Expected | What it did | Basis |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
            for r in notable {
                let outcome = match &r.outcome {
                    Outcome::KnownDivergence { reason } => {
                        format!("known divergence: {}", md(reason))
                    }
                    other => format!("**{}**", md(other.name())),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    md(&r.case_id),
                    outcome,
                    md(&expected_text(r)),
                    md(&did_text(r)),
                    md(&r.basis),
                );
            }
        }
        let mismatches: Vec<&CaseResult> = report
            .results
            .iter()
            .filter(|r| r.implementation == *name && r.reason_mismatch.is_some())
            .collect();
        if !mismatches.is_empty() {
            out.push_str("\nReason mismatches (right verdict, other reason; not failures):\n\n");
            out.push_str("| Case | Expected | Reason given |\n| --- | --- | --- |\n");
            for r in mismatches {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&r.case_id),
                    md(&expected_text(r)),
                    md(r.reason_mismatch.as_deref().unwrap_or_default()),
                );
            }
        }
        let stale: Vec<_> = report
            .stale_exceptions
            .iter()
            .filter(|s| s.implementation == *name)
            .collect();
        if !stale.is_empty() {
            out.push_str("\nStale exceptions (these fail the run):\n\n");
            for s in stale {
                let _ = writeln!(out, "- {}: {}", md(&s.case_id), md(&s.why));
            }
        }
    }
    out
}

fn cell(t: &Tally) -> String {
    if t.results == 0 {
        return "-".to_owned();
    }
    let mut notes = Vec::new();
    if t.failures > 0 {
        notes.push(format!("{} failed", t.failures));
    }
    let known = t.count("known_divergence");
    if known > 0 {
        notes.push(counted(known, "known divergence", "known divergences"));
    }
    let mut s = format!("{}/{}", t.count("pass"), t.results);
    if !notes.is_empty() {
        let _ = write!(s, " ({})", notes.join(", "));
    }
    s
}

/// `s` as inline Markdown text that stays inside its table cell: one line, `|` and every other
/// Markdown or HTML special character escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
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

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn has_title_implementations_and_matrix_header() {
        let text = render(&sample());
        assert!(text.starts_with("# Conformance results\n"));
        assert!(text.contains("**5 passed, 8 failed**"), "{text}");
        assert!(text.contains("| alpha | 1.2.3 | injected | nbf: never checks nbf \\| at all |\n"));
        assert!(text.contains("| beta | 0.9 | system | none |\n"));
        assert!(
            text.contains(
                "| Implementation | jose | claims | zendesk | evil | signer | Total |\n\
             | --- | --- | --- | --- | --- | --- | --- |\n"
            ),
            "{text}"
        );
        assert!(text.contains(
            "| alpha | 1/2 | 0/2 (1 failed, 1 known divergence) | 1/1 | 0/1 (1 failed) | - | 2/6 (2 failed, 1 known divergence) |\n"
        ), "{text}");
    }

    #[test]
    fn escapes_pipes_and_markup() {
        let text = render(&sample());
        assert!(!text.contains(EVIL_ID));
        assert!(!text.contains("<script>"));
        assert!(!text.contains("|<&"));
        assert!(
            text.contains("evil::&lt;script&gt;alert(1)&lt;/script&gt;\\|&lt;&amp;\"\\\\0'"),
            "{text}"
        );
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
    fn lists_unexpected_and_known_divergent_results_per_implementation() {
        let text = render(&sample());
        let alpha = &text[text.find("\n## alpha\n").unwrap()..text.find("\n## beta\n").unwrap()];
        let beta = &text[text.find("\n## beta\n").unwrap()..];
        let rows = |s: &str| {
            s.lines()
                .filter(|l| {
                    l.starts_with("| ") && !l.starts_with("| Case") && !l.starts_with("| ---")
                })
                .count()
        };
        // alpha: known divergence, unexpected accept, unexpected reject; plus one mismatch row.
        assert_eq!(rows(alpha), 4, "{alpha}");
        assert!(alpha.contains(
            "| claims::nbf-future | **unexpected\\_accept** | rejected (not\\_yet\\_valid) | verified: user \"u1\" | basis of claims::nbf-future |"
        ), "{alpha}");
        assert!(alpha.contains("known divergence: treats exp as inclusive"));
        assert!(
            alpha.contains("| zendesk::kid-missing | rejected (missing\\_kid) | bad\\_signature |")
        );
        // beta: five breakdowns, and its stale exception.
        assert_eq!(rows(beta), 5, "{beta}");
        assert!(
            beta.contains("panicked: index out of bounds\\\\nat src/lib.rs:1"),
            "{beta}"
        );
        assert!(beta.contains("- claims::gone: no such case\n"));
    }
}
