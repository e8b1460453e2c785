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
    /// The rule could not be checked with what was given (`lint` has no key; an audience taken
    /// from `--app-id` without one).
    NotChecked,
}

impl Status {
    /// `pass`, `fail` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warning => "warning",
            Status::NotChecked => "not_checked",
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
    /// Anyone can forge such tokens (`known_secret`), whatever the verdict.
    Critical,
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

/// Exit status of `verify` and `lint` for a critical finding, whatever the verdict.
pub const EXIT_CRITICAL: u8 = 4;
/// Exit status of `lint` for a token that breaks a rule needing no key: `verify` would reject it
/// under any key.
pub const EXIT_WOULD_REJECT: u8 = 3;

/// Everything `verify` and `lint` print.
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
    /// `verify`: the signature was checked under the configured keys. `lint`: there is no key,
    /// so a `verified` verdict only means that every other rule passes.
    pub signature_checked: bool,
}

/// The rules that take a token apart: once one fails, neither the header nor the claims can be
/// read, with or without a key.
pub const DECODING_RULES: &[&str] = &[
    "token.size",
    "token.segments",
    "token.base64url",
    "header.json",
];

impl Report {
    /// Whether the token could be taken apart (split, decoded, its header parsed).
    pub fn decodable(&self) -> bool {
        !self
            .checks
            .iter()
            .any(|c| c.status == Status::Fail && DECODING_RULES.contains(&c.rule.as_str()))
    }

    /// The verdict as printed: the engine's for `verify`; for `lint`, `rejected` or `passes`
    /// (every rule that needs no key passes).
    pub fn verdict_word(&self) -> &'static str {
        match (&self.verdict, self.signature_checked) {
            (verdict, true) => verdict.kind(),
            (Verdict::Verified { .. }, false) => "passes",
            (_, false) => "rejected",
        }
    }

    /// The exit status. `verify`: 0 verified, 1 otherwise. `lint`: 0 passes without warnings
    /// (informational findings allowed), 1 passes with warnings, [`EXIT_WOULD_REJECT`]
    /// rejected. Both: [`EXIT_CRITICAL`] on a critical finding, which outranks the rest.
    pub fn exit_code(&self) -> u8 {
        let has = |severity| self.warnings.iter().any(|w| w.severity == severity);
        if has(Severity::Critical) {
            return EXIT_CRITICAL;
        }
        match (&self.verdict, self.signature_checked) {
            (Verdict::Verified { .. }, true) => 0,
            (_, true) => 1,
            (Verdict::Verified { .. }, false) => u8::from(has(Severity::Warning)),
            (_, false) => EXIT_WOULD_REJECT,
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
