//! What every report leads with: per implementation (and per verify mode it ran in), its
//! divergence classes with their cases, ranked by impact; the limitations it declares and the
//! impact each leaves open; what failed unexpectedly; reason mismatches as counted pairs. Every
//! format renders this one model, so they cannot disagree on what was found.

use std::collections::BTreeMap;

use super::Row;
use crate::contract::{checks, VerifyMode};
use crate::impact::Impact;
use crate::suite::outcome::{CaseResult, ClassInfo, ImplementationInfo, Report, StaleException};

/// How many case ids a finding shows as samples.
pub const SAMPLES: usize = 3;

/// Everything found, row by row (an implementation in one verify mode), in report order.
#[derive(Debug)]
pub struct Findings<'a> {
    pub implementations: Vec<ImplementationFindings<'a>>,
}

/// One implementation's findings in one verify mode.
#[derive(Debug)]
pub struct ImplementationFindings<'a> {
    /// The implementation's name.
    pub name: &'a str,
    /// The verify mode of this row.
    pub mode: VerifyMode,
    /// How the row is named: the name, or `name (defaults)`.
    pub label: String,
    /// Version, clock and limitations, when the implementation described itself.
    pub info: Option<&'a ImplementationInfo>,
    /// Classes that covered at least one result, worst impact first, then most cases.
    pub classes: Vec<ClassFinding<'a>>,
    /// Declared limitations, worst open impact first.
    pub limitations: Vec<OpenLimitation<'a>>,
    /// Results that fail the run: unexpected outcomes no class covers.
    pub unexpected: Vec<&'a CaseResult>,
    /// Reason mismatches no class covers: right verdict, other reason code.
    pub mismatches: Vec<MismatchPair<'a>>,
    /// Classes that covered nothing (these fail the run).
    pub stale: Vec<&'a StaleException>,
}

/// One divergence class and the results it covered.
#[derive(Debug)]
pub struct ClassFinding<'a> {
    pub class: &'a ClassInfo,
    /// The covered case ids, in run order.
    pub cases: Vec<&'a str>,
    /// How many of them showed each observed outcome (`unexpected_accept`, `panic`, …).
    pub observed: BTreeMap<&'a str, usize>,
}

/// A check the implementation declares it cannot enforce.
#[derive(Debug)]
pub struct OpenLimitation<'a> {
    pub check: &'a str,
    pub why: &'a str,
    /// What a token breaking the check gets through (none for a check code this harness does
    /// not know).
    pub impact: Option<Impact>,
}

/// Reason mismatches with one (expected → given) pair of codes.
#[derive(Debug)]
pub struct MismatchPair<'a> {
    pub expected: &'a str,
    pub given: &'a str,
    pub cases: Vec<&'a str>,
}

impl<'a> Findings<'a> {
    /// The findings of `report`.
    pub fn of(report: &'a Report) -> Findings<'a> {
        let implementations = super::rows(report)
            .into_iter()
            .map(|row| ImplementationFindings::of(report, row))
            .collect();
        Findings { implementations }
    }

    /// The rows of one verify mode, in report order.
    pub fn in_mode(&self, mode: VerifyMode) -> impl Iterator<Item = &ImplementationFindings<'a>> {
        self.implementations.iter().filter(move |i| i.mode == mode)
    }

    /// The row of implementation `name` in `mode`, if the report has one.
    pub fn row(&self, name: &str, mode: VerifyMode) -> Option<&ImplementationFindings<'a>> {
        self.implementations
            .iter()
            .find(|i| i.name == name && i.mode == mode)
    }

    /// All class findings, worst impact first (then implementation order).
    pub fn ranked(&self) -> Vec<(&ImplementationFindings<'a>, &ClassFinding<'a>)> {
        let mut all: Vec<_> = self
            .implementations
            .iter()
            .flat_map(|imp| imp.classes.iter().map(move |c| (imp, c)))
            .collect();
        all.sort_by_key(|(_, c)| c.class.impact);
        all
    }
}

impl<'a> ImplementationFindings<'a> {
    fn of(report: &'a Report, row: Row<'a>) -> ImplementationFindings<'a> {
        let name = row.name;
        let results: Vec<&CaseResult> = report.results.iter().filter(|r| row.holds(r)).collect();
        let mut classes: Vec<ClassFinding> = report
            .classes
            .iter()
            .filter(|c| c.implementation == name && c.mode.is_none_or(|m| m == row.mode))
            .filter_map(|class| {
                let covered: Vec<&CaseResult> = results
                    .iter()
                    .copied()
                    .filter(|r| r.class.as_deref() == Some(class.id.as_str()))
                    .collect();
                if covered.is_empty() {
                    return None;
                }
                let mut observed = BTreeMap::new();
                for r in &covered {
                    *observed.entry(r.observed().unwrap_or("pass")).or_insert(0) += 1;
                }
                Some(ClassFinding {
                    class,
                    cases: covered.iter().map(|r| r.case_id.as_str()).collect(),
                    observed,
                })
            })
            .collect();
        classes.sort_by(|a, b| {
            (
                a.class.impact,
                std::cmp::Reverse(a.cases.len()),
                &a.class.id,
            )
                .cmp(&(
                    b.class.impact,
                    std::cmp::Reverse(b.cases.len()),
                    &b.class.id,
                ))
        });
        let info = report
            .implementations
            .iter()
            .find(|i| i.name == name && i.mode == row.mode);
        // A row that did not run leaves nothing open: it made no check at all.
        let mut limitations: Vec<OpenLimitation> = info
            .filter(|i| i.not_run.is_none())
            .map(|i| {
                i.cannot_enforce
                    .iter()
                    .map(|l| OpenLimitation {
                        check: &l.check,
                        why: &l.why,
                        impact: checks::open_impact(&l.check),
                    })
                    .collect()
            })
            .unwrap_or_default();
        limitations.sort_by_key(|l| l.impact.unwrap_or(Impact::Cosmetic));
        let unexpected = results
            .iter()
            .copied()
            .filter(|r| r.outcome.is_failure())
            .collect();
        let mut pairs: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
        for r in &results {
            if let (Some(given), None) = (r.reason_mismatch.as_deref(), &r.class) {
                let expected = r.expected_reason.as_deref().unwrap_or("none");
                pairs.entry((expected, given)).or_default().push(&r.case_id);
            }
        }
        let mut mismatches: Vec<MismatchPair> = pairs
            .into_iter()
            .map(|((expected, given), cases)| MismatchPair {
                expected,
                given,
                cases,
            })
            .collect();
        mismatches.sort_by_key(|m| std::cmp::Reverse(m.cases.len()));
        ImplementationFindings {
            name,
            mode: row.mode,
            label: row.label(),
            info,
            classes,
            limitations,
            unexpected,
            mismatches,
            stale: report
                .stale_exceptions
                .iter()
                .filter(|s| row.owns(s))
                .collect(),
        }
    }

    /// Why the implementation was not run in this mode, if it was not.
    pub fn not_run(&self) -> Option<&'a str> {
        self.info.and_then(|i| i.not_run.as_deref())
    }

    /// The worst impact among its classes, if it has any.
    pub fn worst(&self) -> Option<Impact> {
        self.classes.iter().map(|c| c.class.impact).min()
    }

    /// The number of classes and of covered cases with `impact`.
    pub fn count(&self, impact: Impact) -> (usize, usize) {
        self.classes
            .iter()
            .filter(|c| c.class.impact == impact)
            .fold((0, 0), |(classes, cases), c| {
                (classes + 1, cases + c.cases.len())
            })
    }

    /// One line: `worst lets-forged-through, 14 classes`, `no divergence class`, or why it was
    /// not run in this mode.
    pub fn headline(&self) -> String {
        if let Some(why) = self.not_run() {
            return format!("not run in {} mode: {why}", self.mode);
        }
        match self.worst() {
            Some(worst) => format!(
                "worst {worst}, {}",
                super::counted(self.classes.len(), "class", "classes")
            ),
            None => "no divergence class".to_owned(),
        }
    }
}

impl ClassFinding<'_> {
    /// The first [`SAMPLES`] case ids.
    pub fn samples(&self) -> &[&str] {
        &self.cases[..self.cases.len().min(SAMPLES)]
    }

    /// `unexpected_accept ×12, panic ×2`.
    pub fn observed_text(&self) -> String {
        self.observed
            .iter()
            .map(|(o, n)| format!("{o} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl MismatchPair<'_> {
    /// The first [`SAMPLES`] case ids.
    pub fn samples(&self) -> &[&str] {
        &self.cases[..self.cases.len().min(SAMPLES)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::report::fixture;

    #[test]
    fn classes_are_ranked_by_impact_and_carry_their_cases() {
        let report = fixture::sample();
        let findings = Findings::of(&report);
        let ranked = findings.ranked();
        assert!(!ranked.is_empty());
        assert!(ranked
            .windows(2)
            .all(|w| w[0].1.class.impact <= w[1].1.class.impact));
        for (imp, c) in &ranked {
            assert!(!c.cases.is_empty());
            assert!(c.samples().len() <= SAMPLES);
            for id in &c.cases {
                let r = report
                    .results
                    .iter()
                    .find(|r| r.implementation == imp.name && r.case_id == *id)
                    .unwrap();
                assert_eq!(r.class.as_deref(), Some(c.class.id.as_str()));
            }
        }
    }

    #[test]
    fn limitations_carry_the_impact_they_leave_open() {
        let report = fixture::sample();
        let findings = Findings::of(&report);
        let with_limits = findings
            .implementations
            .iter()
            .find(|i| !i.limitations.is_empty())
            .expect("the fixture declares a limitation");
        for l in &with_limits.limitations {
            assert_eq!(l.impact, checks::open_impact(l.check), "{}", l.check);
        }
    }

    #[test]
    fn mismatches_are_counted_pairs() {
        let report = fixture::sample();
        let findings = Findings::of(&report);
        let pairs: usize = findings
            .implementations
            .iter()
            .flat_map(|i| &i.mismatches)
            .map(|m| m.cases.len())
            .sum();
        let uncovered = report
            .results
            .iter()
            .filter(|r| r.reason_mismatch.is_some() && r.class.is_none())
            .count();
        assert_eq!(pairs, uncovered);
        assert!(pairs > 0, "the fixture has a reason mismatch");
    }
}
