//! The text forms of `verify` and `lint`, for people.

use std::fmt::Write as _;

use super::report::{reason_message, Report, Severity, Status, Warning};
use crate::verdict::Verdict;

/// The rules after whose failure the engine looks no further (nothing in an unverified
/// payload is examined).
const STOPPING_RULES: &[&str] = &[
    "token.size",
    "token.segments",
    "token.base64url",
    "header.json",
    "header.alg",
    "header.extensions",
    "header.key",
    "signature",
    "payload.json",
];

/// The text of `verify` and `lint`: verdict, identity or reason, then every rule checked, then
/// the warnings.
pub fn report(report: &Report) -> String {
    let mut out = String::new();
    let verdict = report.verdict_word();
    let _ = match (report.signature_checked, &report.verdict) {
        (true, _) => writeln!(out, "verdict   {verdict}"),
        (false, Verdict::Verified { .. }) => writeln!(
            out,
            "verdict   {verdict} every rule that needs no key (the signature is not checked)"
        ),
        (false, _) => writeln!(
            out,
            "verdict   {verdict} under any key (the signature is not checked)"
        ),
    };
    let _ = writeln!(out, "profile   {}", report.scope);
    match &report.verdict {
        Verdict::Verified { identity } if report.has_identity => {
            let _ = writeln!(out, "user id   {:?}", identity.user_id);
            if let Some(name) = &identity.name {
                let _ = writeln!(out, "name      {name:?}");
            }
            if let Some(email) = &identity.email {
                let _ = writeln!(out, "email     {email:?}");
            }
            for (k, v) in &identity.attributes {
                let _ = writeln!(out, "attribute {k} = {v}");
            }
        }
        Verdict::Verified { .. } => {}
        Verdict::Unverified { claimed, why } => {
            let claimed = claimed
                .as_deref()
                .map(|c| format!("{c:?}"))
                .unwrap_or_else(|| "none".into());
            let _ = writeln!(out, "claimed   {claimed} (NOT verified)");
            let _ = writeln!(out, "reason    {}: {}", why.code(), reason_message(why));
        }
        Verdict::Rejected { reason } => {
            let _ = writeln!(
                out,
                "reason    {}: {}",
                reason.code(),
                reason_message(reason)
            );
        }
    }
    let width = report
        .checks
        .iter()
        .map(|c| c.rule.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "\nchecks");
    for c in &report.checks {
        let status = match c.status {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Warning => "warn",
            Status::NotChecked => "skip",
        };
        let _ = writeln!(out, "  {status}  {:width$}  {}", c.rule, c.message);
        if matches!(c.status, Status::Fail | Status::Warning) {
            let _ = writeln!(out, "        {:width$}  source: {}", "", c.basis);
        }
    }
    let failed = |rules: &[&str]| {
        report
            .checks
            .iter()
            .any(|c| c.status == Status::Fail && rules.contains(&c.rule.as_str()))
    };
    if report.signature_checked && failed(STOPPING_RULES) {
        let _ = writeln!(
            out,
            "  (later rules are not checked once the encoding, header, key or signature fails)"
        );
    } else if !report.signature_checked && (!report.decodable() || failed(&["payload.json"])) {
        let _ = writeln!(
            out,
            "  (later rules are not checked once the token cannot be decoded)"
        );
    }
    out.push_str(&warnings(&report.warnings));
    out
}

/// The warnings section (empty when there are none).
pub fn warnings(warnings: &[Warning]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let width = warnings.iter().map(|w| w.code.len()).max().unwrap_or(0);
    let mut out = String::from("\nwarnings\n");
    for w in warnings {
        let severity = match w.severity {
            Severity::Critical => "CRIT",
            Severity::Warning => "warn",
            Severity::Info => "info",
        };
        let _ = writeln!(out, "  {severity}  {:width$}  {}", w.code, w.message);
    }
    out
}
