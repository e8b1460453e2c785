//! Named outcomes of running cases against implementations; only the unexpected ones fail.

use serde::Serialize;

use super::case::Expectation;

/// What happened when one implementation met one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The verdict matches the policy.
    Pass,
    /// Not run: the implementation cannot do what the case needs.
    Skip { reason: String },
    /// Unexpected, but listed in `vectors/exceptions/<implementation>.json`.
    KnownDivergence { reason: String },
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
        }
    }

    /// Every outcome name, in report order.
    pub const NAMES: [&'static str; 10] = [
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
    ];

    /// Whether this outcome fails the run.
    pub fn is_failure(&self) -> bool {
        !matches!(
            self,
            Outcome::Pass | Outcome::Skip { .. } | Outcome::KnownDivergence { .. }
        )
    }

    /// Whether the outcome is one that an exceptions entry may cover.
    pub fn is_divergence(&self) -> bool {
        matches!(
            self,
            Outcome::UnexpectedAccept
                | Outcome::UnexpectedReject
                | Outcome::WrongIdentity { .. }
                | Outcome::NonConformantToken { .. }
        )
    }
}

/// What an implementation answered, as the report shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Actual {
    /// `verified`, `unverified`, `rejected`, or empty when there was no answer.
    pub verdict: String,
    /// The reason code, for rejections and fallbacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The implementation's message or the extracted user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One case × one implementation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub case_id: String,
    pub implementation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    pub expected: Expectation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_reason: Option<String>,
    pub actual: Actual,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Reported, never a failure: the verdict was right but the reason code differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_mismatch: Option<String>,
    /// Whether the case was re-minted at the wall clock for this implementation.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reminted: bool,
    /// The case's basis, carried for reports.
    pub basis: String,
}

impl CaseResult {
    /// The namespace of the case id (`zendesk` for `zendesk::kid-missing`).
    pub fn namespace(&self) -> &str {
        self.case_id.split("::").next().unwrap_or(&self.case_id)
    }
}

/// An exceptions entry that no longer matches an unexpected result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleException {
    pub implementation: String,
    pub case_id: String,
    /// Why it is stale: the case passes now, is skipped, or does not exist.
    pub why: String,
}

/// An implementation as the report describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImplementationInfo {
    pub name: String,
    pub version: String,
    pub clock: String,
    /// `check: why` for each declared limitation.
    pub cannot_enforce: Vec<String>,
}

/// Everything a conformance run found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub implementations: Vec<ImplementationInfo>,
    /// Vector cases and signer-conformance checks (ids `signer::…` and `interop::…`).
    pub results: Vec<CaseResult>,
    pub stale_exceptions: Vec<StaleException>,
    /// Wall time of the run in milliseconds (not part of snapshots).
    #[serde(skip)]
    pub elapsed_ms: u128,
}

impl Report {
    /// Whether anything failed: an unexpected outcome or a stale exception.
    pub fn failed(&self) -> bool {
        !self.stale_exceptions.is_empty() || self.results.iter().any(|r| r.outcome.is_failure())
    }

    /// Per implementation, the count of each outcome name.
    pub fn counts(&self) -> Vec<(String, std::collections::BTreeMap<&'static str, usize>)> {
        self.implementations
            .iter()
            .map(|imp| {
                let mut counts = std::collections::BTreeMap::new();
                for r in self.results.iter().filter(|r| r.implementation == imp.name) {
                    *counts.entry(r.outcome.name()).or_insert(0) += 1;
                }
                (imp.name.clone(), counts)
            })
            .collect()
    }
}
