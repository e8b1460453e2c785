//! Named outcomes of running cases against implementations; only the unexpected ones fail.

use serde::Serialize;

use super::case::Expectation;
use crate::contract::VerifyMode;
use crate::impact::Impact;

/// What happened when one implementation met one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The verdict matches the policy.
    Pass,
    /// Not run: the implementation cannot do what the case needs.
    Skip { reason: String },
    /// Unexpected, but covered by a divergence class of `vectors/exceptions/` (named in the
    /// result's `class`); `observed` is the outcome it would otherwise have been.
    KnownDivergence { observed: String },
    /// Accepted a token the policy rejects.
    UnexpectedAccept,
    /// Rejected a token the policy accepts.
    UnexpectedReject,
    /// Accepted, but extracted another identity than the policy's.
    WrongIdentity { expected: String, actual: String },
    /// The implementation panicked.
    Panic { message: String },
    /// No answer within the per-request timeout.
    Hang { timeout_ms: u64 },
    /// An external adapter died or wrote something that is not a protocol v1 response.
    Crash { message: String },
    /// Signer conformance: the token breaks a byte-level rule.
    NonConformantToken { problem: String },
    /// Not run: the implementation stopped answering (consecutive hangs or crashes), so the
    /// rest of its cases were given up at once.
    NotRun { reason: String },
}

impl Outcome {
    /// The stable snake_case name of this outcome.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Skip { .. } => "skip",
            Outcome::KnownDivergence { .. } => "known_divergence",
            Outcome::UnexpectedAccept => "unexpected_accept",
            Outcome::UnexpectedReject => "unexpected_reject",
            Outcome::WrongIdentity { .. } => "wrong_identity",
            Outcome::Panic { .. } => "panic",
            Outcome::Hang { .. } => "hang",
            Outcome::Crash { .. } => "crash",
            Outcome::NonConformantToken { .. } => "non_conformant_token",
            Outcome::NotRun { .. } => "not_run",
        }
    }

    /// Every outcome name, in report order.
    pub const NAMES: [&'static str; 11] = [
        "pass",
        "skip",
        "known_divergence",
        "unexpected_accept",
        "unexpected_reject",
        "wrong_identity",
        "panic",
        "hang",
        "crash",
        "non_conformant_token",
        "not_run",
    ];

    /// Whether this outcome fails the run.
    pub fn is_failure(&self) -> bool {
        !matches!(
            self,
            Outcome::Pass | Outcome::Skip { .. } | Outcome::KnownDivergence { .. }
        )
    }

    /// Whether the outcome is one that a divergence class may cover (breakdowns only with
    /// impact `crashes`).
    pub fn is_divergence(&self) -> bool {
        matches!(
            self,
            Outcome::UnexpectedAccept
                | Outcome::UnexpectedReject
                | Outcome::WrongIdentity { .. }
                | Outcome::NonConformantToken { .. }
                | Outcome::Panic { .. }
                | Outcome::Hang { .. }
                | Outcome::Crash { .. }
        )
    }
}

/// What an implementation answered, as the report shows it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Actual {
    /// `verified`, `unverified`, `rejected`, or empty when there was no answer.
    pub verdict: String,
    /// The reason code, for rejections and fallbacks.
    pub reason: Option<String>,
    /// The implementation's message or the extracted user id.
    pub detail: Option<String>,
}

/// The most characters of an answer's message a report keeps.
pub const DETAIL_CHARS: usize = 1000;

/// `detail` cut to [`DETAIL_CHARS`] characters, saying how long it was: a message can quote a
/// token's value (a kid of a megabyte), and a report repeats it per case and implementation.
pub fn clip_detail(detail: String) -> String {
    match detail.char_indices().nth(DETAIL_CHARS) {
        Some((cut, _)) => format!(
            "{}… (clipped; {} characters in all)",
            &detail[..cut],
            detail.chars().count()
        ),
        None => detail,
    }
}

/// One case × one implementation.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub case_id: String,
    pub implementation: String,
    /// The verify mode the implementation was asked in (left out when `configured`).
    #[serde(skip_serializing_if = "VerifyMode::is_configured")]
    pub mode: VerifyMode,
    pub provider: Option<String>,
    pub expected: Expectation,
    pub expected_reason: Option<String>,
    pub actual: Actual,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Reported, never a failure: the verdict was right but the reason code differs.
    pub reason_mismatch: Option<String>,
    /// Whether the case was re-minted at the wall clock for this implementation.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reminted: bool,
    /// The case's basis, carried for reports.
    pub basis: String,
    /// The divergence class that covers this result (a known divergence, or a reason
    /// mismatch a class records).
    pub class: Option<String>,
    /// That class's impact.
    pub impact: Option<Impact>,
}

impl CaseResult {
    /// The namespace of the case id (`zendesk` for `zendesk::kid-missing`).
    pub fn namespace(&self) -> &str {
        self.case_id.split("::").next().unwrap_or(&self.case_id)
    }

    /// What a divergence class would have to cover here: the outcome's name for a divergence,
    /// `reason_mismatch` for a right verdict with another reason code, else nothing.
    pub fn observed(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::KnownDivergence { observed } => Some(observed),
            Outcome::Pass if self.reason_mismatch.is_some() => Some("reason_mismatch"),
            o if o.is_divergence() => Some(o.name()),
            _ => None,
        }
    }
}

/// A divergence class that covers no result of its implementation.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleException {
    pub implementation: String,
    /// The class id.
    pub class: String,
    /// The one verify mode the class is written for, if it is written for one.
    pub mode: Option<VerifyMode>,
    /// Why it is stale: its cases pass now, are skipped, or do not exist.
    pub why: String,
}

/// A divergence class as the report carries it: what the findings are made of.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassInfo {
    /// The implementation it applies to.
    pub implementation: String,
    pub id: String,
    pub impact: Impact,
    pub reason: String,
    pub basis: String,
    /// The implementation whose file it is written in, when it is inherited.
    pub inherited_from: Option<String>,
    /// The one verify mode the class is written for, if it is written for one.
    pub mode: Option<VerifyMode>,
}

/// An implementation in one verify mode, as the report describes it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImplementationInfo {
    pub name: String,
    /// The verify mode (left out when `configured`).
    #[serde(skip_serializing_if = "VerifyMode::is_configured")]
    pub mode: VerifyMode,
    pub version: String,
    /// The clock it compares dates with in this mode.
    pub clock: String,
    /// The checks it declares it cannot enforce, with why.
    pub cannot_enforce: Vec<crate::contract::Limitation>,
    /// Why it was not run in this mode (it does not declare it): no results, and not a failure.
    pub not_run: Option<String>,
}

/// Everything a conformance run found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub implementations: Vec<ImplementationInfo>,
    /// Vector cases and signer-conformance checks (ids `signer::…` and `interop::…`).
    pub results: Vec<CaseResult>,
    /// The divergence classes of the implementations that ran.
    pub classes: Vec<ClassInfo>,
    pub stale_exceptions: Vec<StaleException>,
    /// Cases a service run could not send, with why (see `suite::service::rekey`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<super::service::NotRekeyed>,
    /// Wall time of the run in milliseconds (not part of snapshots).
    #[serde(skip)]
    pub elapsed_ms: u128,
}

impl Report {
    /// Whether anything failed: an unexpected outcome or a stale exception.
    pub fn failed(&self) -> bool {
        !self.stale_exceptions.is_empty() || self.results.iter().any(|r| r.outcome.is_failure())
    }

    /// Per implementation and mode, the count of each outcome name.
    pub fn counts(
        &self,
    ) -> Vec<(
        String,
        VerifyMode,
        std::collections::BTreeMap<&'static str, usize>,
    )> {
        self.implementations
            .iter()
            .map(|imp| {
                let mut counts = std::collections::BTreeMap::new();
                for r in self
                    .results
                    .iter()
                    .filter(|r| r.implementation == imp.name && r.mode == imp.mode)
                {
                    *counts.entry(r.outcome.name()).or_insert(0) += 1;
                }
                (imp.name.clone(), imp.mode, counts)
            })
            .collect()
    }
}

impl Actual {
    /// What the report shows as the answer of an implementation that broke down: the panic
    /// message, the timeout or the crash, kept even when a class makes the outcome known.
    pub fn of_breakdown(outcome: &Outcome) -> Actual {
        let detail = match outcome {
            Outcome::Panic { message } => format!("panicked: {message}"),
            Outcome::Hang { timeout_ms } => format!("no answer within {timeout_ms} ms"),
            Outcome::Crash { message } => format!("crashed: {message}"),
            Outcome::NotRun { reason } => format!("not run: {reason}"),
            _ => return Actual::default(),
        };
        Actual {
            detail: Some(clip_detail(detail)),
            ..Actual::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_details_are_clipped_and_say_so() {
        assert_eq!(clip_detail("short".into()), "short");
        let long = "é".repeat(DETAIL_CHARS + 5);
        let clipped = clip_detail(long);
        assert!(clipped.starts_with(&"é".repeat(DETAIL_CHARS)));
        assert!(clipped.ends_with(&format!(
            "… (clipped; {} characters in all)",
            DETAIL_CHARS + 5
        )));
    }
}
