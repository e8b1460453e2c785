//! Rendering a [`Report`]: a terminal table, JSON, JUnit XML, Markdown and one self-contained
//! HTML page.
//!
//! Every format is deterministic for a given report (no times, no randomness), and every string
//! that comes from a case or an implementation is treated as hostile: escaped for the format, and
//! kept on one line where the format is line-based.

use std::fmt;
use std::str::FromStr;

use super::outcome::{Actual, CaseResult, Outcome, Report, StaleException};
use crate::contract::VerifyMode;

pub mod findings;
mod html;
mod json;
mod junit;
mod markdown;
mod table;

/// An output format of `cargo xtask conformance`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain ASCII for terminals: failures, stale exceptions, a matrix, the summary.
    Table,
    /// The report as pretty JSON, with a `summary` object of counts.
    Json,
    /// JUnit XML for CI test-result viewers.
    Junit,
    /// A Markdown document (for CI job summaries and pull requests).
    Markdown,
    /// One self-contained HTML page: the findings by impact and implementation first, then the
    /// case × implementation matrix; filters by impact and implementation, also from the URL
    /// fragment (`#impact=lets-forged-through&impl=jsonwebtoken`).
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::Table,
        Format::Json,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format {:?}: expected one of {}",
                    one_line(s),
                    names.join(", ")
                )
            })
    }
}

/// The report in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Table => table::render(report),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
    }
}

/// The summary block alone: one line of outcome counts per implementation, the number of reason
/// mismatches when there are any, and the final `N passed, M failed` line (N results with a
/// non-failing outcome; M failing results plus stale exceptions). Deterministic, without times.
pub fn summary(report: &Report) -> String {
    table::summary(report)
}

/// Counts over a set of results and stale exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Results per outcome, indexed like [`Outcome::NAMES`].
    pub counts: [usize; Outcome::NAMES.len()],
    /// Results in all.
    pub results: usize,
    /// Results whose outcome is not a failure.
    pub passed: usize,
    /// Results whose outcome is a failure.
    pub failures: usize,
    /// Results that were skipped or are known divergences.
    pub skipped: usize,
    /// Results with the right verdict but another reason code.
    pub reason_mismatches: usize,
    /// Stale exception entries.
    pub stale: usize,
}

impl Tally {
    /// The totals after "N passed, M failed", in order: results, skipped or known divergences,
    /// reason mismatches and stale classes, each with its count.
    pub fn totals(&self) -> [String; 4] {
        [
            counted(self.results, "result", "results"),
            format!("{} skipped or known divergences", self.skipped),
            counted(
                self.reason_mismatches,
                "reason mismatch (not a failure)",
                "reason mismatches (not failures)",
            ),
            counted(self.stale, "stale class", "stale classes"),
        ]
    }

    /// Counts `results` and `stale`.
    pub fn of<'a>(
        results: impl IntoIterator<Item = &'a CaseResult>,
        stale: impl IntoIterator<Item = &'a StaleException>,
    ) -> Tally {
        let mut t = Tally::default();
        for r in results {
            t.add(r);
        }
        t.stale = stale.into_iter().count();
        t
    }

    /// Counts one result.
    pub fn add(&mut self, r: &CaseResult) {
        self.results += 1;
        self.counts[outcome_index(&r.outcome)] += 1;
        if r.outcome.is_failure() {
            self.failures += 1;
        } else {
            self.passed += 1;
        }
        if matches!(
            r.outcome,
            Outcome::Skip { .. } | Outcome::KnownDivergence { .. }
        ) {
            self.skipped += 1;
        }
        if r.reason_mismatch.is_some() {
            self.reason_mismatches += 1;
        }
    }

    /// Failing results plus stale exceptions: what fails the run.
    pub fn failed(&self) -> usize {
        self.failures + self.stale
    }

    /// The count of the outcome called `name`.
    pub fn count(&self, name: &str) -> usize {
        Outcome::NAMES
            .iter()
            .position(|n| *n == name)
            .map_or(0, |i| self.counts[i])
    }

    /// `(name, count)` for every outcome that occurred, in [`Outcome::NAMES`] order.
    pub fn occurred(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        Outcome::NAMES
            .iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| (*name, n))
    }

    /// The whole report's counts.
    pub fn total(report: &Report) -> Tally {
        Tally::of(&report.results, &report.stale_exceptions)
    }

    /// One row's counts: an implementation in one verify mode.
    pub fn implementation(report: &Report, row: Row) -> Tally {
        Tally::of(
            report.results.iter().filter(|r| row.holds(r)),
            report.stale_exceptions.iter().filter(|s| row.owns(s)),
        )
    }

    /// One row's counts within one namespace.
    pub fn cell(report: &Report, row: Row, namespace: &str) -> Tally {
        Tally::of(
            report
                .results
                .iter()
                .filter(|r| row.holds(r) && r.namespace() == namespace),
            std::iter::empty(),
        )
    }
}

fn outcome_index(o: &Outcome) -> usize {
    let name = o.name();
    Outcome::NAMES
        .iter()
        .position(|n| *n == name)
        .unwrap_or_default()
}

/// One row of a report: an implementation in one verify mode. A configured row is shown by the
/// implementation's name, a defaults-mode row as `name (defaults)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row<'a> {
    pub name: &'a str,
    pub mode: VerifyMode,
}

impl Row<'_> {
    /// Whether `r` is a result of this row.
    pub fn holds(&self, r: &CaseResult) -> bool {
        r.implementation == self.name && r.mode == self.mode
    }

    /// Whether a stale class is shown in this row: the row of the mode it is written for, the
    /// configured one for a class of both modes.
    pub fn owns(&self, s: &StaleException) -> bool {
        s.implementation == self.name && s.mode.unwrap_or_default() == self.mode
    }

    /// How the row is named in every report.
    pub fn label(&self) -> String {
        label(self.name, self.mode)
    }
}

/// `name`, or `name (defaults)` in defaults mode.
pub(crate) fn label(name: &str, mode: VerifyMode) -> String {
    match mode {
        VerifyMode::Configured => name.to_owned(),
        mode => format!("{name} ({mode})"),
    }
}

/// The rows in report order (implementations in the order they were described, or in which
/// results or stale exceptions name them), each implementation's modes together, configured
/// first.
pub(crate) fn rows(report: &Report) -> Vec<Row<'_>> {
    let mut names: Vec<&str> = Vec::new();
    let mut seen: Vec<Row> = Vec::new();
    let all = report
        .implementations
        .iter()
        .map(|i| (i.name.as_str(), i.mode))
        .chain(
            report
                .results
                .iter()
                .map(|r| (r.implementation.as_str(), r.mode)),
        )
        .chain(
            report
                .stale_exceptions
                .iter()
                .map(|s| (s.implementation.as_str(), s.mode.unwrap_or_default())),
        );
    for (name, mode) in all {
        if !names.contains(&name) {
            names.push(name);
        }
        let row = Row { name, mode };
        if !seen.contains(&row) {
            seen.push(row);
        }
    }
    let mut out = Vec::with_capacity(seen.len());
    for name in names {
        for mode in VerifyMode::ALL {
            let row = Row { name, mode };
            if seen.contains(&row) {
                out.push(row);
            }
        }
    }
    out
}

/// The namespaces of the results, in order of first appearance.
pub(crate) fn namespaces(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in &report.results {
        let ns = r.namespace();
        if !out.contains(&ns) {
            out.push(ns);
        }
    }
    out
}

/// The case ids of the results, in order of first appearance.
pub(crate) fn case_ids(report: &Report) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    report
        .results
        .iter()
        .map(|r| r.case_id.as_str())
        .filter(|id| seen.insert(*id))
        .collect()
}

/// The namespace of a case id (`zendesk` for `zendesk::kid-missing`).
pub(crate) fn namespace_of(case_id: &str) -> &str {
    case_id.split("::").next().unwrap_or(case_id)
}

/// The policy's verdict, with its reason: `rejected (expired)`.
pub(crate) fn expected_text(r: &CaseResult) -> String {
    match &r.expected_reason {
        Some(reason) => format!("{} ({reason})", r.expected.as_str()),
        None => r.expected.as_str().to_owned(),
    }
}

/// What an implementation answered: `rejected (bad_signature): the signature does not verify`.
pub(crate) fn actual_text(a: &Actual) -> String {
    let mut s = if a.verdict.is_empty() {
        "no verdict".to_owned()
    } else {
        a.verdict.clone()
    };
    if let Some(reason) = &a.reason {
        s.push_str(&format!(" ({reason})"));
    }
    if let Some(detail) = &a.detail {
        s.push_str(": ");
        s.push_str(detail);
    }
    s
}

/// What the implementation did, in words: its answer, or how it broke.
pub(crate) fn did_text(r: &CaseResult) -> String {
    match &r.outcome {
        Outcome::Skip { reason } => format!("not run: {reason}"),
        Outcome::WrongIdentity { expected, actual } => {
            format!("verified identity {actual}, policy says {expected}")
        }
        Outcome::Panic { message } => format!("panicked: {message}"),
        Outcome::Hang { timeout_ms } => format!("no answer within {timeout_ms} ms"),
        Outcome::Crash { message } => format!("crashed: {message}"),
        Outcome::NonConformantToken { problem } => {
            format!("signed a non-conformant token: {problem}")
        }
        Outcome::NotRun { reason } => format!("not run: {reason}"),
        Outcome::Pass
        | Outcome::KnownDivergence { .. }
        | Outcome::UnexpectedAccept
        | Outcome::UnexpectedReject => actual_text(&r.actual),
    }
}

/// One line on why a result is what it is: `expected rejected (expired), got verified` for
/// verdict divergences, `<outcome>: <message>` for breakdowns.
pub(crate) fn outcome_message(r: &CaseResult) -> String {
    let verdicts = || {
        format!(
            "expected {}, got {}",
            expected_text(r),
            actual_text(&r.actual)
        )
    };
    match &r.outcome {
        Outcome::Pass => match &r.reason_mismatch {
            Some(got) => format!("{}; reason {got} differs", verdicts()),
            None => "pass".to_owned(),
        },
        Outcome::Skip { reason } => format!("skip: {reason}"),
        Outcome::KnownDivergence { observed } => format!(
            "known divergence {}: {observed} ({})",
            r.class.as_deref().unwrap_or("?"),
            match r.actual.verdict.as_str() {
                "" => actual_text(&r.actual),
                _ => verdicts(),
            }
        ),
        Outcome::UnexpectedAccept | Outcome::UnexpectedReject => verdicts(),
        Outcome::WrongIdentity { expected, actual } => {
            format!("wrong_identity: expected {expected}, got {actual}")
        }
        Outcome::Panic { message } => format!("panic: {message}"),
        Outcome::Hang { timeout_ms } => format!("hang: no answer within {timeout_ms} ms"),
        Outcome::Crash { message } => format!("crash: {message}"),
        Outcome::NonConformantToken { problem } => format!("non_conformant_token: {problem}"),
        Outcome::NotRun { reason } => format!("not_run: {reason}"),
    }
}

/// `s` with control and other invisible characters made visible (`\n`, `\u{0}`, `\u{202e}`),
/// so that one value stays on one line and cannot drive a terminal.
pub(crate) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || (!c.is_ascii() && c.escape_debug().next() == Some('\\')) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// `count` and `noun`, plural when it is not one: `1 result`, `2 results`.
pub(crate) fn counted(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("1 {singular}")
    } else {
        format!("{count} {plural}")
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small hand-built report covering every outcome, a reason mismatch and a stale entry.

    use crate::impact::Impact;
    use crate::suite::case::Expectation;
    use crate::suite::outcome::{
        Actual, CaseResult, ClassInfo, ImplementationInfo, Outcome, Report, StaleException,
    };

    /// Asserts that `text` contains `needle`, showing both when it does not.
    #[track_caller]
    pub fn has(text: &str, needle: &str) {
        assert!(text.contains(needle), "{needle:?} is not in:\n{text}");
    }

    /// Asserts that `text` contains none of `needles`.
    #[track_caller]
    pub fn lacks(text: &str, needles: &[&str]) {
        for needle in needles {
            assert!(!text.contains(needle), "{needle:?} is in:\n{text}");
        }
    }

    /// A case id built to break every format: markup, quotes, a pipe, an ampersand, a NUL.
    pub const EVIL_ID: &str = "evil::<script>alert(1)</script>|<&\"\u{0}'";

    /// Results in all.
    pub const RESULTS: usize = 14;
    /// Results whose outcome is not a failure.
    pub const PASSED: usize = 6;
    /// Failing results.
    pub const FAILURES: usize = 8;
    /// Stale exceptions.
    pub const STALE: usize = 1;
    /// Skips plus known divergences.
    pub const SKIPPED: usize = 3;
    /// Distinct case ids.
    pub const CASE_IDS: usize = 9;
    /// The class covering alpha's known divergence.
    pub const ALPHA_CLASS: &str = "alpha::exp-inclusive";
    /// The class covering beta's known panic.
    pub const BETA_CLASS: &str = "beta::panics-on-huge-dates";

    #[allow(clippy::too_many_arguments)]
    fn result(
        implementation: &str,
        case_id: &str,
        expected: Expectation,
        expected_reason: Option<&str>,
        verdict: &str,
        reason: Option<&str>,
        detail: Option<&str>,
        outcome: Outcome,
    ) -> CaseResult {
        CaseResult {
            case_id: case_id.into(),
            implementation: implementation.into(),
            mode: Default::default(),
            provider: case_id.contains("@drift").then(|| "drift".into()),
            expected,
            expected_reason: expected_reason.map(Into::into),
            actual: Actual {
                verdict: verdict.into(),
                reason: reason.map(Into::into),
                detail: detail.map(Into::into),
            },
            outcome,
            reason_mismatch: None,
            reminted: false,
            basis: format!("basis of {case_id}"),
            class: None,
            impact: None,
        }
    }

    fn class(implementation: &str, id: &str, impact: Impact, reason: &str) -> ClassInfo {
        ClassInfo {
            implementation: implementation.into(),
            id: id.into(),
            impact,
            reason: reason.into(),
            basis: format!("lib 1.0 src/{implementation}.rs line 7"),
            inherited_from: None,
            mode: None,
        }
    }

    fn covered(mut r: CaseResult, class: &str, impact: Impact) -> CaseResult {
        r.class = Some(class.into());
        r.impact = Some(impact);
        r
    }

    /// The report.
    #[rustfmt::skip]
    pub fn sample() -> Report {
        use Expectation::*;
        use Impact::*;
        let mut mismatch = result("alpha", "zendesk::kid-missing", Rejected, Some("missing_kid"), "rejected", Some("bad_signature"), Some("the signature does not verify"), Outcome::Pass);
        mismatch.reason_mismatch = Some("bad_signature".into());
        let results = vec![
            // alpha: pass, skip, known divergence, unexpected accept, reason mismatch, unexpected
            // reject.
            result("alpha", "jose::ok", Verified, None, "verified", None, Some("user \"u1\""), Outcome::Pass),
            result("alpha", "jose::skipped", Verified, None, "", None, None, Outcome::Skip { reason: "does not implement ES256".into() }),
            covered(result("alpha", "claims::exp-equals-now@drift", Rejected, Some("expired"), "verified", None, None, Outcome::KnownDivergence { observed: "unexpected_accept".into() }), ALPHA_CLASS, LetsExpiredThrough),
            result("alpha", "claims::nbf-future", Rejected, Some("not_yet_valid"), "verified", None, Some("user \"u1\""), Outcome::UnexpectedAccept),
            mismatch,
            result("alpha", EVIL_ID, Verified, None, "rejected", Some("malformed"), Some("line one\nline two ]]> <b>&amp;</b> \u{1b}[31m"), Outcome::UnexpectedReject),
            // beta: every breakdown, and one pass.
            result("beta", "jose::ok", Verified, None, "verified", None, Some("user \"u2\""), Outcome::WrongIdentity { expected: "{\"user_id\":\"u1\"}".into(), actual: "{\"user_id\":\"u2\"}".into() }),
            result("beta", "jose::skipped", Verified, None, "", None, None, Outcome::Panic { message: "index out of bounds\nat src/lib.rs:1".into() }),
            result("beta", "claims::exp-equals-now@drift", Rejected, Some("expired"), "", None, None, Outcome::Hang { timeout_ms: 5000 }),
            result("beta", "claims::nbf-future", Rejected, Some("not_yet_valid"), "", None, None, Outcome::Crash { message: "adapter exited with status 101".into() }),
            result("beta", "signer::drift", Verified, None, "", None, None, Outcome::NonConformantToken { problem: "header has whitespace".into() }),
            result("beta", EVIL_ID, Verified, None, "verified", None, None, Outcome::Pass),
            covered(result("beta", "claims::exp-huge@drift", Rejected, Some("date_out_of_range"), "", None, Some("panicked: overflow when adding duration"), Outcome::KnownDivergence { observed: "panic".into() }), BETA_CLASS, Crashes),
            result("beta", "claims::late", Rejected, Some("expired"), "", None, Some("not run: implementation unresponsive"), Outcome::NotRun { reason: "implementation unresponsive".into() }),
        ];
        Report {
            implementations: vec![
                ImplementationInfo { name: "alpha".into(), mode: Default::default(), version: "1.2.3".into(), clock: "injected".into(), cannot_enforce: vec![crate::contract::Limitation { check: "nbf".into(), why: "never checks nbf | at all".into() }], not_run: None },
                ImplementationInfo { name: "beta".into(), mode: Default::default(), version: "0.9".into(), clock: "system".into(), cannot_enforce: Vec::new(), not_run: None },
            ],
            results,
            classes: vec![
                class("alpha", ALPHA_CLASS, LetsExpiredThrough, "treats `exp` as inclusive"),
                class("beta", BETA_CLASS, Crashes, "panics on dates past 2^63 <s>"),
                class("beta", "beta::gone", RejectsValid, "refused what it no longer refuses"),
            ],
            stale_exceptions: vec![StaleException {
                implementation: "beta".into(),
                class: "beta::gone".into(),
                mode: None,
                why: "its case globs match no case".into(),
            }],
            left_out: Vec::new(),
            elapsed_ms: 1234,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;

    #[test]
    fn format_parses_every_name_and_lists_them_on_error() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.name());
        }
        let err = "xml".parse::<Format>().unwrap_err();
        for f in Format::ALL {
            assert!(err.contains(f.name()), "{err}");
        }
        assert!("Table".parse::<Format>().is_err());
    }

    #[test]
    fn fixture_covers_every_outcome() {
        let report = sample();
        let t = Tally::total(&report);
        for name in Outcome::NAMES {
            assert!(t.count(name) > 0, "no {name} in the fixture");
        }
        assert_eq!(t.results, RESULTS);
        assert_eq!(t.passed, PASSED);
        assert_eq!(t.failures, FAILURES);
        assert_eq!(t.stale, STALE);
        assert_eq!(t.skipped, SKIPPED);
        assert_eq!(t.reason_mismatches, 1);
        assert_eq!(t.failed(), FAILURES + STALE);
        assert_eq!(case_ids(&report).len(), CASE_IDS);
    }

    #[test]
    fn every_format_is_deterministic_and_ignores_time() {
        let a = sample();
        let mut b = sample();
        b.elapsed_ms = 99_999;
        for f in Format::ALL {
            assert_eq!(render(&a, f), render(&b, f), "{f}");
        }
        assert_eq!(summary(&a), summary(&b));
    }

    /// The sample, with alpha also run in defaults mode (one result, covered by a class written
    /// for that mode) and beta not run in it.
    fn with_defaults_rows() -> Report {
        use crate::impact::Impact;
        use crate::suite::outcome::{ClassInfo, ImplementationInfo};
        let mut report = sample();
        let mut r = report.results[3].clone();
        assert_eq!(
            (r.implementation.as_str(), r.case_id.as_str()),
            ("alpha", "claims::nbf-future")
        );
        r.mode = VerifyMode::Defaults;
        r.outcome = Outcome::KnownDivergence {
            observed: "unexpected_accept".into(),
        };
        r.class = Some("alpha::default-skips-nbf".into());
        r.impact = Some(Impact::LetsExpiredThrough);
        report.results.push(r);
        report.classes.push(ClassInfo {
            implementation: "alpha".into(),
            id: "alpha::default-skips-nbf".into(),
            impact: Impact::LetsExpiredThrough,
            reason: "compares no nbf unless told to".into(),
            basis: "lib 1.0 src/alpha.rs line 9".into(),
            inherited_from: None,
            mode: Some(VerifyMode::Defaults),
        });
        for (name, not_run) in [
            ("alpha", None),
            ("beta", Some("it does not declare defaults mode")),
        ] {
            let configured = report
                .implementations
                .iter()
                .find(|i| i.name == name)
                .unwrap();
            report.implementations.push(ImplementationInfo {
                mode: VerifyMode::Defaults,
                not_run: not_run.map(Into::into),
                ..configured.clone()
            });
        }
        report
    }

    #[test]
    fn defaults_rows_are_rows_of_their_own() {
        let report = with_defaults_rows();
        let labels: Vec<String> = rows(&report).iter().map(Row::label).collect();
        assert_eq!(
            labels,
            ["alpha", "alpha (defaults)", "beta", "beta (defaults)"]
        );
        let table = render(&report, Format::Table);
        assert!(
            table.lines().any(|l| l.starts_with("FIND")
                && l.contains("alpha (defaults)")
                && l.contains("alpha::default-skips-nbf")),
            "{table}"
        );
        fixture::has(&table, "beta (defaults)   0 results; not run in defaults mode: it does not declare defaults mode\n");
        // The run's verdict does not change: the defaults row failed nothing.
        assert_eq!(Tally::total(&report).failed(), FAILURES + STALE);

        let markdown = render(&report, Format::Markdown);
        fixture::has(&markdown, "| Open limitations | Failed | Defaults mode |\n");
        fixture::has(
            &markdown,
            "| 1 | **2** | **lets-expired-through**, 1 class |\n",
        );
        fixture::has(&markdown, "| 0 | **7** | not run |\n");
        fixture::has(&markdown, "\n### Defaults mode\n");
        fixture::has(&markdown, "| alpha (defaults) | **lets-expired-through** |");
        fixture::has(&markdown, "| beta (defaults) | not run |");
        fixture::has(&markdown, "\n## beta (defaults)\n\nNot run in defaults mode: it does not declare defaults mode.\n");
        let alpha = &markdown[markdown.find("\n## alpha (defaults)\n").unwrap()..];
        fixture::has(
            alpha,
            "| lets-expired-through | alpha::default-skips-nbf | 1 |",
        );

        let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
        let finding = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["class"] == "alpha::default-skips-nbf")
            .unwrap();
        assert_eq!(finding["mode"], "defaults");
        assert_eq!(finding["implementation"], "alpha");
        let html = render(&report, Format::Html);
        fixture::has(&html, "data-impl=\"alpha (defaults)\"");
        let junit = render(&report, Format::Junit);
        fixture::has(&junit, "<testsuite name=\"alpha (defaults)\"");
    }

    #[test]
    fn a_defaults_section_names_what_the_configured_section_lists() {
        let mut report = with_defaults_rows();
        // The library's own class and a reason pair, seen again in defaults mode.
        let again: Vec<CaseResult> = report
            .results
            .iter()
            .filter(|r| {
                r.implementation == "alpha" && (r.class.is_some() || r.reason_mismatch.is_some())
            })
            .filter(|r| r.mode == VerifyMode::Configured)
            .map(|r| CaseResult {
                mode: VerifyMode::Defaults,
                ..r.clone()
            })
            .collect();
        assert_eq!(again.len(), 2);
        report.results.extend(again);
        let markdown = render(&report, Format::Markdown);
        let configured = &markdown[markdown.find("\n## alpha\n").unwrap()
            ..markdown.find("\n## alpha (defaults)\n").unwrap()];
        fixture::has(
            configured,
            &format!("| lets-expired-through | {ALPHA_CLASS} | 1 |"),
        );
        fixture::has(configured, "| missing\\_kid | bad\\_signature | 1 |");
        let defaults = &markdown[markdown.find("\n## alpha (defaults)\n").unwrap()
            ..markdown.find("\n## beta\n").unwrap()];
        fixture::has(
            defaults,
            &format!(
                "\nAlso seen here, the classes listed in full in the section alpha: {} (1).\n",
                ALPHA_CLASS
            ),
        );
        fixture::has(defaults, "\nAlso given in this mode, reason mismatches its configured section shows: missing\\_kid as bad\\_signature (1).\n");
        fixture::lacks(defaults, &["| missing\\_kid |"]);
        // Its own defaults-mode class is still listed in full.
        fixture::has(
            defaults,
            "| lets-expired-through | alpha::default-skips-nbf | 1 |",
        );
    }

    #[test]
    fn one_line_makes_controls_visible() {
        assert_eq!(one_line("a\nb\u{0}c\u{202e}d é"), "a\\nb\\0c\\u{202e}d é");
    }
}
