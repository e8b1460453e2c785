//! What `verify` and `lint` found: the engine's verdict, the rules checked, the warnings.

use serde::Serialize;

use crate::verdict::{Reason, Verdict};

/// The result of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The token satisfies the rule.
    Pass,
    /// The token breaks the rule.
    Fail,
    /// Not an error, but the token does not do what it probably means to (an email ignored,
    /// a fallback to an unverified identity).
    Warning,
}

impl Status {
    /// `pass`, `fail` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warning => "warning",
        }
    }
}

/// One rule and what the token made of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// A stable dotted name (`header.alg`, `claim.exp.expiry`, `claim.external_id`, …).
    pub rule: String,
    pub status: Status,
    /// What was found; for a failure, the offending value.
    pub message: String,
    /// The reason code of a failure (or warning) as the engine classifies it.
    pub code: Option<String>,
    /// Where the rule comes from: the provider's sentence, an RFC section or policy.md.
    pub basis: String,
}

/// How much a lint warning matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Probably a mistake, or a risk.
    Warning,
    /// Worth knowing, not wrong.
    Info,
}

/// A lint finding: not a reason to reject, but likely a problem.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Warning {
    /// A stable snake_case code (`exp_milliseconds`, `hmac_key_short`, …).
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// Everything `verify` prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The profile id, or `jwt` / `jws` without a provider.
    pub scope: String,
    /// The reference engine's verdict: the answer. The checks only explain it.
    pub verdict: Verdict,
    /// Whether the verdict carries a provider identity (false without a provider).
    pub has_identity: bool,
    /// The rules checked, in the engine's order.
    pub checks: Vec<Check>,
    /// Lint warnings.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// The exit status: 0 verified, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            Verdict::Verified { .. } => 0,
            _ => 1,
        }
    }
}

/// A reason's message for people. A refusal that crossed the implementation contract keeps the
/// engine's own words, without the code appended in parentheses.
pub fn reason_message(reason: &Reason) -> String {
    match reason {
        Reason::Implementation { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
