//! Strict JSON for the header and the claims set (policy.md §2).
//!
//! serde_json alone is too lenient for a security boundary: it keeps the last of two members with
//! the same name, so two parsers can read the same bytes two ways (the first `alg` for one, the
//! last for the other). It also recurses, so nesting depth must be bounded before it runs. This
//! layer therefore reads the text in one iterative pass ([`parse_object`], `read.rs`) that holds
//! it to RFC 8259 (grammar, UTF-8, no byte-order mark, duplicate names at any depth compared
//! after unescaping, lone surrogates, depth) while it builds serde_json's values, numbers parsed
//! exactly as serde_json parses them.
//!
//! The former reader, a strict scan (`scan.rs`, still [`validate`]) followed by
//! `serde_json::from_slice`, stays as [`parse_object_two_pass`]: the oracle that the tests and
//! the `claims_json` fuzz target hold the single pass to, result for result.

mod path;
mod read;
mod scan;

use serde_json::{Map, Number, Value};

use crate::verdict::{Part, Reason};

use scan::{scan, Kind};

/// The deepest nesting serde_json builds: its recursion budget is 128 and it refuses when the
/// budget reaches zero, so 128 levels already fail.
const SERDE_JSON_MAX_DEPTH: usize = 127;

/// Strictly validates `bytes` as one RFC 8259 JSON text and parses it, in one pass; the top
/// level must be an object.
///
/// The depth limit is capped at the deepest nesting serde_json can build (as in
/// [`parse_object_two_pass`], whose results this reproduces), so a caller asking for more gets
/// a clean [`Reason::JsonTooDeep`] that names the limit really applied.
pub fn parse_object(
    bytes: &[u8],
    part: Part,
    max_depth: usize,
) -> Result<Map<String, Value>, Reason> {
    read::object(bytes, part, max_depth.min(SERDE_JSON_MAX_DEPTH))
}

/// The former reader, kept as the oracle the fuzz target and tests compare the single-pass
/// reader ([`parse_object`]) with: the strict scan, then `serde_json::from_slice`.
pub fn parse_object_two_pass(
    bytes: &[u8],
    part: Part,
    max_depth: usize,
) -> Result<Map<String, Value>, Reason> {
    let limit = max_depth.min(SERDE_JSON_MAX_DEPTH);
    let kind = scan(bytes, part, limit)?;
    if kind != Kind::Object {
        return Err(Reason::NotAnObject {
            part,
            found: kind.describe().to_owned(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| from_serde(bytes, part, limit, &e))
}

/// Reads `bytes` with both readers: the single pass's answer when the two-pass oracle gives
/// exactly the same ([`identical`] members, or the same refusal), else both answers, described.
pub fn read_against_oracle(
    bytes: &[u8],
    part: Part,
    max_depth: usize,
) -> Result<Result<Map<String, Value>, Reason>, String> {
    let single = parse_object(bytes, part, max_depth);
    let oracle = parse_object_two_pass(bytes, part, max_depth);
    let same = match (&single, &oracle) {
        (Ok(a), Ok(b)) => identical(a, b),
        (Err(a), Err(b)) => a == b,
        _ => false,
    };
    if same {
        return Ok(single);
    }
    Err(format!(
        "{:?} at depth limit {max_depth}:\n single pass: {single:?}\n two passes:  {oracle:?}",
        String::from_utf8_lossy(bytes)
    ))
}

/// The strict scan alone (grammar, UTF-8, duplicates at any depth, depth, lone surrogates), without building values.
///
/// Any top-level value is accepted here; only [`parse_object`] insists on an object. Numbers are
/// checked against the grammar, not against what an `f64` can hold.
pub fn validate(bytes: &[u8], part: Part, max_depth: usize) -> Result<(), Reason> {
    scan(bytes, part, max_depth).map(|_| ())
}

/// Whether two readings are the same in every detail: member order at every depth, and each
/// number's kind (`u64`, `i64` or `f64`) and bits.
///
/// `==` on a [`Map`] is not enough to hold two readers together: with `preserve_order` it
/// compares members as a set, and it takes `0.0` and `-0.0` for the same number.
pub fn identical(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((name_a, a), (name_b, b))| name_a == name_b && identical_values(a, b))
}

fn identical_values(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => identical(a, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| identical_values(a, b))
        }
        (Value::Number(a), Value::Number(b)) => identical_numbers(a, b),
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

fn identical_numbers(a: &Number, b: &Number) -> bool {
    if a.is_f64() || b.is_f64() {
        a.is_f64() && b.is_f64() && a.as_f64().map(f64::to_bits) == b.as_f64().map(f64::to_bits)
    } else {
        a.as_u64() == b.as_u64() && a.as_i64() == b.as_i64()
    }
}

/// Maps what serde_json refuses after the strict scan passed: numbers out of `f64` range, and
/// (only as a safety net, the limit is capped) its recursion limit.
fn from_serde(bytes: &[u8], part: Part, limit: usize, e: &serde_json::Error) -> Reason {
    let message = e.to_string();
    if message.starts_with("recursion limit exceeded") {
        return Reason::JsonTooDeep { part, limit };
    }
    // The offset already carries the position, so drop serde_json's line/column suffix.
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let problem = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    Reason::InvalidJson {
        part,
        offset: offset_of(bytes, e.line(), e.column()),
        problem,
    }
}

/// Best-effort byte offset of serde_json's 1-based line and column.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(0, |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests;
