//! The stable JSON forms of `verify` and `lint` (documented in docs/cli.md).

use serde_json::{json, Value};

use super::report::{reason_message, Check, Report, Status, Warning};
use crate::verdict::Verdict;

/// `verify --format json`:
/// `{"verdict","reason":{"code","message"}|null,"identity":{..}|null,"checks":[..],"warnings":[..]}`.
pub fn report(report: &Report) -> Value {
    let identity = match &report.verdict {
        Verdict::Verified { identity } if report.has_identity => {
            serde_json::to_value(identity).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    };
    json!({
        "verdict": report.verdict.kind(),
        "reason": reason(report),
        "identity": identity,
        "checks": report.checks.iter().map(check).collect::<Vec<_>>(),
        "warnings": warnings(&report.warnings),
    })
}

/// `lint --format json`:
/// `{"verdict":"rejected"|"passes","reason":{..}|null,"decodable","checks":[..],"warnings":[..]}`.
pub fn lint_report(report: &Report) -> Value {
    json!({
        "verdict": report.verdict_word(),
        "reason": reason(report),
        "decodable": report.decodable(),
        "checks": report.checks.iter().map(check).collect::<Vec<_>>(),
        "warnings": warnings(&report.warnings),
    })
}

/// A check as `{"rule","status","message"}`; a failure's or warning's message ends with the
/// rule's source. `not_checked` occurs only in `lint`'s output.
pub fn check(check: &Check) -> Value {
    let message = match check.status {
        Status::Pass | Status::NotChecked => check.message.clone(),
        Status::Fail | Status::Warning => format!("{} (source: {})", check.message, check.basis),
    };
    json!({"rule": check.rule, "status": check.status.as_str(), "message": message})
}

/// Lint warnings as `[{"code","severity","message"}]`.
pub fn warnings(warnings: &[Warning]) -> Value {
    serde_json::to_value(warnings).unwrap_or(Value::Null)
}

/// Pretty JSON with a final newline.
pub fn pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}

/// The verdict's reason as `{"code","message"}`, or null.
fn reason(report: &Report) -> Value {
    report
        .verdict
        .reason()
        .map(|r| json!({"code": r.code(), "message": reason_message(r)}))
        .unwrap_or(Value::Null)
}
