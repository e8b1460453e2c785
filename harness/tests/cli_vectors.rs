//! Every golden vector through the code path `idjwt verify` runs (`idjwt::cli::verify::verify`,
//! the function the binary calls once its arguments are read): the verdict, reason code and
//! identity must be the policy's, and the rule-by-rule explanation must agree with the verdict.

use std::path::PathBuf;

mod common;

use idjwt::cli::report::Status;
use idjwt::suite::case::{Case, Expectation};
use idjwt::suite::vectors;
use idjwt::Verdict;

fn cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    vectors::load(&dir).unwrap()
}

/// Why the report disagrees with the case, if it does.
fn disagreement(case: &Case, report: &idjwt::cli::report::Report) -> Option<String> {
    let v = &report.verdict;
    let kind_ok = match case.expected {
        Expectation::Either => true,
        Expectation::Verified => matches!(v, Verdict::Verified { .. }),
        Expectation::Unverified => matches!(v, Verdict::Unverified { .. }),
        Expectation::Rejected => matches!(v, Verdict::Rejected { .. }),
    };
    if !kind_ok {
        return Some(format!(
            "expected {}, got {}",
            case.expected.as_str(),
            v.kind()
        ));
    }
    if case.expected != Expectation::Either {
        if let (Some(expected), Some(got)) = (&case.expected_reason, v.reason()) {
            if got.code() != expected {
                return Some(format!("reason {expected} expected, got {}", got.code()));
            }
        }
        if let (Some(expected), Verdict::Verified { identity }) = (&case.expected_identity, v) {
            if expected != identity {
                return Some(format!("identity {expected:?} expected, got {identity:?}"));
            }
        }
    }
    None
}

/// Whether the checks explain the verdict: nothing fails on a verified token, and a refusal's
/// reason code is the code of a check that did not pass.
fn explanation_problem(report: &idjwt::cli::report::Report) -> Option<String> {
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.rule.as_str())
        .collect();
    match report.verdict.reason() {
        None if !failed.is_empty() => Some(format!("verified, but checks failed: {failed:?}")),
        None => None,
        Some(reason) => {
            let explained = report
                .checks
                .iter()
                .any(|c| c.status != Status::Pass && c.code.as_deref() == Some(reason.code()));
            (!explained).then(|| format!("no check explains {}", reason.code()))
        }
    }
}

#[test]
fn verify_agrees_with_every_golden_vector() {
    let cases = cases();
    let mut wrong = Vec::new();
    let mut unexplained = Vec::new();
    for case in &cases {
        let report = match common::cli_report(case) {
            Ok(report) => report,
            Err(refusal) => {
                // The command refused to verify anything: right only where the case expects
                // the key set to be unavailable.
                if case.expected_reason.as_deref() != Some("key_set_unavailable") {
                    wrong.push(format!("{}: the command stopped: {refusal}", case.id));
                }
                continue;
            }
        };
        if let Some(why) = disagreement(case, &report) {
            wrong.push(format!("{}: {why}", case.id));
        }
        if let Some(why) = explanation_problem(&report) {
            unexplained.push(format!("{}: {why}", case.id));
        }
    }
    eprintln!("idjwt verify: {} golden vectors checked", cases.len());
    assert!(cases.len() >= 1800, "only {} cases loaded", cases.len());
    assert!(
        wrong.is_empty(),
        "{} of {} cases disagree:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    assert!(
        unexplained.is_empty(),
        "{} explanations disagree with the verdict:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
}

#[test]
fn a_tampered_expectation_is_caught() {
    // The comparison itself must be able to fail: flip one verified case's expectation.
    let mut case = cases()
        .into_iter()
        .find(|c| c.expected == Expectation::Verified)
        .unwrap();
    let report = common::cli_report(&case).expect("keys");
    assert!(disagreement(&case, &report).is_none());
    case.expected = Expectation::Rejected;
    assert!(disagreement(&case, &report).is_some());
}
