//! A token taken apart without verifying anything, for `decode` and `lint`.

use serde_json::{Map, Value};

use crate::engine::{compact, json, Limits};
use crate::verdict::{Part, Reason};

/// The parts of a token nobody has vouched for.
#[derive(Clone, Debug, PartialEq)]
pub struct Unverified {
    /// The header, strictly parsed.
    pub header: Map<String, Value>,
    /// The claims, when the payload is a strict JSON object; otherwise why not.
    pub claims: Result<Map<String, Value>, Reason>,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Splits, decodes and parses `token` with the engine's strict layers 1–2, checking nothing else.
pub fn take_apart(token: &str) -> Result<Unverified, Reason> {
    let limits = Limits::default();
    let parts = compact::split(token, limits.max_token_bytes)?;
    let header = json::parse_object(&parts.header, Part::Header, limits.max_json_depth)?;
    let claims = json::parse_object(&parts.payload, Part::Payload, limits.max_json_depth);
    Ok(Unverified {
        header,
        claims,
        payload: parts.payload,
        signature: parts.signature,
    })
}
