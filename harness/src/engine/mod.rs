//! The strict reference engine: one module per layer (policy.md §1–§6), each usable alone.
//!
//! [`verify_jws`] runs layers 1–4 for payloads that are not JWT claims; [`verify_jwt`] adds the
//! registered-claims layer; [`provider`] applies a provider profile to decoded claims.

pub mod backend;
pub mod claims;
pub mod compact;
pub mod header;
pub mod json;
pub mod keys;
pub mod provider;
pub mod rsa;
mod rsa_test_primes;
pub mod signature;

use std::fmt;

use serde::{Deserialize, Serialize};

/// The JWS algorithms the engine implements. Parsing is case-sensitive (`hs256` is not HS256).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum Alg {
    /// HMAC with SHA-256 (RFC 7518 §3.2).
    HS256,
    /// ECDSA with P-256 and SHA-256, 64-byte R‖S signatures (RFC 7518 §3.4).
    ES256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (RFC 7518 §3.3).
    RS512,
}

impl Alg {
    /// Every algorithm the engine implements.
    pub const ALL: [Alg; 4] = [Alg::HS256, Alg::ES256, Alg::RS256, Alg::RS512];

    /// The registered `alg` name.
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::ES256 => "ES256",
            Alg::RS256 => "RS256",
            Alg::RS512 => "RS512",
        }
    }

    /// The family of key the algorithm takes (policy.md §4.9: no other family is ever used).
    pub fn family(self) -> keys::KeyFamily {
        match self {
            Alg::HS256 => keys::KeyFamily::Hmac,
            Alg::ES256 => keys::KeyFamily::Ec,
            Alg::RS256 | Alg::RS512 => keys::KeyFamily::Rsa,
        }
    }

    /// The algorithm with exactly this registered name.
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Resource limits applied before and during decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Tokens longer than this many bytes are rejected before any decoding (policy.md §1).
    pub max_token_bytes: usize,
    /// JSON nesting deeper than this is rejected (policy.md §2: 10 must pass).
    pub max_json_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_token_bytes: 16 * 1024,
            max_json_depth: 64,
        }
    }
}

use serde_json::{Map, Value};

use crate::contract::Decoded;
use crate::verdict::{Part, Reason};
use keys::{Key, KeySet};

/// What [`verify_jws`] checks a token against.
#[derive(Clone, Copy, Debug)]
pub struct JwsOptions<'a> {
    /// The `alg` allow-list.
    pub algorithms: &'a [Alg],
    /// The configured keys.
    pub keys: &'a KeySet,
    /// Size and depth limits.
    pub limits: Limits,
}

/// A compact JWS whose signature verified.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload bytes (not interpreted).
    pub payload: Vec<u8>,
    /// The algorithm it was verified with.
    pub alg: Alg,
}

/// Layers 1–4: a compact JWS whose payload need not be JWT claims.
///
/// The payload is not parsed before the signature verifies: bytes nobody vouched for get no
/// more attention than it takes to refuse them.
pub fn verify_jws(token: &str, options: &JwsOptions<'_>) -> Result<VerifiedJws, Reason> {
    let compact = compact::split(token, options.limits.max_token_bytes)?;
    let header = json::parse_object(&compact.header, Part::Header, options.limits.max_json_depth)?;
    let alg = header::check(&header, options.algorithms)?;
    let candidates = header::select_keys(&header, alg, options.keys)?;
    signature::verify_any(
        alg,
        candidates,
        compact.signing_input.as_bytes(),
        &compact.signature,
    )?;
    Ok(VerifiedJws {
        header,
        payload: compact.payload,
        alg,
    })
}

/// Layers 1–5: a JWT verified and its registered claims checked.
pub fn verify_jwt(
    token: &str,
    options: &JwsOptions<'_>,
    checks: &claims::ClaimChecks<'_>,
) -> Result<Decoded, Reason> {
    let jws = verify_jws(token, options)?;
    let claims = json::parse_object(&jws.payload, Part::Payload, options.limits.max_json_depth)?;
    claims::check(&claims, checks)?;
    Ok(Decoded {
        header: jws.header,
        claims,
    })
}

/// Signs an arbitrary payload. The header is `alg` first, then `extra` in its order (an `alg`
/// in `extra` is ignored).
pub fn sign_jws(
    alg: Alg,
    key: &Key,
    extra: &Map<String, Value>,
    payload: &[u8],
) -> Result<String, Reason> {
    let mut header = Vec::with_capacity(64);
    write_header(&mut header, alg, extra)?;
    assemble(alg, key, &header, payload)
}

/// Signs with `alg` under exactly `header` as given, whatever its `alg` member says: for
/// building tokens that lie about their algorithm (test vectors, fuzzing).
pub fn sign_raw(
    alg: Alg,
    key: &Key,
    header: &Map<String, Value>,
    payload: &[u8],
) -> Result<String, Reason> {
    let header_json = serde_json::to_vec(header).map_err(|e| json_error(Part::Header, &e))?;
    assemble(alg, key, &header_json, payload)
}

/// Signs a JWT claims set (see [`sign_jws`] for the header).
pub fn sign_jwt(
    alg: Alg,
    key: &Key,
    extra: &Map<String, Value>,
    claims: &Map<String, Value>,
) -> Result<String, Reason> {
    // One buffer for both JSON texts: the claims, then the header.
    let mut json = Vec::with_capacity(512);
    serde_json::to_writer(&mut json, claims).map_err(|e| json_error(Part::Payload, &e))?;
    let claims_end = json.len();
    write_header(&mut json, alg, extra)?;
    let (payload, header) = json.split_at(claims_end);
    assemble(alg, key, header, payload)
}

/// Appends the JSON text of the header `{"alg":…}` followed by `extra` without its `alg`: the
/// bytes serde_json writes for that map, without building it.
fn write_header(out: &mut Vec<u8>, alg: Alg, extra: &Map<String, Value>) -> Result<(), Reason> {
    out.extend_from_slice(b"{\"alg\":\"");
    out.extend_from_slice(alg.as_str().as_bytes());
    out.push(b'"');
    for (name, value) in extra {
        if name != "alg" {
            out.push(b',');
            serde_json::to_writer(&mut *out, name).map_err(|e| json_error(Part::Header, &e))?;
            out.push(b':');
            serde_json::to_writer(&mut *out, value).map_err(|e| json_error(Part::Header, &e))?;
        }
    }
    out.push(b'}');
    Ok(())
}

fn json_error(part: Part, e: &serde_json::Error) -> Reason {
    Reason::InvalidJson {
        part,
        offset: 0,
        problem: e.to_string(),
    }
}

/// `BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)`, built in one string.
fn assemble(alg: Alg, key: &Key, header: &[u8], payload: &[u8]) -> Result<String, Reason> {
    let signature_chars = match alg {
        Alg::HS256 => 43,
        Alg::ES256 => 86,
        // A 2048-bit key's; longer keys grow the string once.
        Alg::RS256 | Alg::RS512 => 342,
    };
    let encoded = |n: usize| n.div_ceil(3) * 4;
    let mut token =
        String::with_capacity(encoded(header.len()) + encoded(payload.len()) + signature_chars + 2);
    compact::encode_into(header, &mut token);
    token.push('.');
    compact::encode_into(payload, &mut token);
    let signature = signature::sign_fast(alg, key, token.as_bytes())?;
    token.push('.');
    compact::encode_into(signature.as_ref(), &mut token);
    Ok(token)
}

/// The system clock in whole seconds since the epoch, for callers that pin no time (the engine
/// itself is always given `now`).
pub fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
