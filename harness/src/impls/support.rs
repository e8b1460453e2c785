//! Runtime helpers the library adapters share.
//!
//! Only logic that is the same for every library lives here: reading JWK members, picking the
//! request's keys by `kid`, re-reading a header the library accepted, and building a
//! [`Failure`]. How each library is called, and how its errors map to reason codes, stays in the
//! adapter's own file. The helpers keep the adapters' exact messages, so the recorded results do
//! not depend on which adapter wrote them through which path.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::pkcs8::EncodePrivateKey as _;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::contract::{Failure, Jwk};

/// A [`Failure`] with a reason code from [`crate::Reason::CODES`] (checked in debug builds, so a
/// misspelt code fails the tests rather than reaching the results), or none.
pub(crate) fn fail(reason: Option<&'static str>, error: impl Into<String>) -> Failure {
    debug_assert!(reason.is_none_or(|r| crate::Reason::CODES.contains(&r)));
    Failure {
        error: error.into(),
        reason: reason.map(str::to_owned),
    }
}

/// Canonical unpadded base64url of a key member.
pub(crate) fn b64url(member: &str, text: &str) -> Result<Vec<u8>, Failure> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| {
        fail(
            Some("invalid_key"),
            format!("key member {member:?} is not base64url: {e}"),
        )
    })
}

/// An EC P-256 JWK's private scalar `d` as PKCS#8 DER, the form the libraries read a signing key
/// in. The caller has checked `kty` and `crv` (each library words that refusal its own way).
pub(crate) fn p256_pkcs8(jwk: &Jwk) -> Result<p256::pkcs8::SecretDocument, Failure> {
    let d = jwk.d.as_deref().ok_or_else(|| {
        fail(
            Some("invalid_key"),
            "the EC key has no private scalar \"d\"",
        )
    })?;
    let d = Zeroizing::new(b64url("d", d)?);
    if d.len() != 32 {
        return Err(fail(
            Some("invalid_key"),
            format!("\"d\" is {} bytes, a P-256 scalar is 32", d.len()),
        ));
    }
    // Exactly 32 bytes (checked above): `from_slice` would zero-pad a shorter scalar.
    let secret = p256::SecretKey::from_slice(&d)
        .map_err(|_| fail(Some("invalid_key"), "\"d\" is not a valid P-256 scalar"))?;
    // A JWK whose public half does not belong to `d` would sign tokens that its own public key
    // rejects; refuse it instead of producing them.
    let point = p256::EncodedPoint::from(secret.public_key());
    for (name, given, actual) in [("x", &jwk.x, point.x()), ("y", &jwk.y, point.y())] {
        if let (Some(given), Some(actual)) = (given, actual) {
            if b64url(name, given)?.as_slice() != &actual[..] {
                return Err(fail(
                    Some("invalid_key"),
                    format!("the EC key's {name:?} does not belong to its \"d\""),
                ));
            }
        }
    }
    secret.to_pkcs8_der().map_err(|e| {
        fail(
            Some("invalid_key"),
            format!("cannot encode the key as PKCS#8: {e}"),
        )
    })
}

/// The refusal of a `kid` that no configured key carries.
pub(crate) fn unknown_kid(kid: &str) -> Failure {
    fail(
        Some("unknown_kid"),
        format!("no configured key has kid {kid:?}"),
    )
}

/// The keys a token may be verified with, for the adapters that look a `kid` up themselves: a
/// `kid` selects the first configured key with that id (decisions.md); without one, every
/// configured key is offered.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn keys_for_kid<'a>(
    keys: &'a [Jwk],
    kid: Option<&str>,
) -> Result<Vec<&'a Jwk>, Failure> {
    match kid {
        Some(kid) => match keys.iter().find(|k| k.kid.as_deref() == Some(kid)) {
            Some(key) => Ok(vec![key]),
            None => Err(unknown_kid(kid)),
        },
        None => Ok(keys.iter().collect()),
    }
}

/// A request key the library could not read: its `kid` and the library's complaint.
pub(crate) type Unusable = (Option<String>, String);

/// The request's keys converted to the library's type, for the adapters whose library looks a
/// `kid` up in its own key set. A key that does not convert is kept aside with its `kid`, so that
/// a `kid` naming it is reported as an unusable key rather than an unknown one
/// ([`unusable_kid`]).
pub(crate) fn library_keys<K>(
    keys: &[Jwk],
    convert: impl Fn(&Jwk) -> Result<K, String>,
) -> (Vec<K>, Vec<Unusable>) {
    let mut converted = Vec::new();
    let mut unusable = Vec::new();
    for jwk in keys {
        match convert(jwk) {
            Ok(k) => converted.push(k),
            Err(problem) => unusable.push((jwk.kid.clone(), problem)),
        }
    }
    (converted, unusable)
}

/// The refusal for a `kid` the library's key set lacks because the key with that id did not
/// convert, if that is why.
pub(crate) fn unusable_kid(unusable: &[Unusable], kid: &str) -> Option<Failure> {
    unusable
        .iter()
        .find(|(k, _)| k.as_deref() == Some(kid))
        .map(|(_, problem)| {
            fail(
                Some("invalid_key"),
                format!("the key with kid {kid:?} is unusable: {problem}"),
            )
        })
}

/// The allow-list entries of `supported` (the algorithms an adapter can map), in request order,
/// each once. Names are matched exactly: one the adapter does not map can verify nothing, so it
/// is skipped rather than treated as an error.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn allowed(names: &[String], supported: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in names {
        if let Some(alg) = supported.iter().find(|a| **a == name.as_str()) {
            if !out.contains(alg) {
                out.push(alg);
            }
        }
    }
    out
}

/// The token's `alg` is not the one of any key the library was given: `none`, an allowed
/// algorithm with no key of its family, or an algorithm outside the allow-list.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn alg_refused(alg: &str, allow_list: &[String]) -> Failure {
    if alg.eq_ignore_ascii_case("none") {
        fail(Some("alg_none"), format!("alg {alg:?} is refused"))
    } else if allow_list.iter().any(|a| a == alg) {
        fail(
            Some("key_family_mismatch"),
            format!("alg {alg:?} is allowed, but no configured key is of its family"),
        )
    } else {
        fail(
            Some("alg_not_allowed"),
            format!(
                "alg {alg:?} is not allowed (allowed: {})",
                allow_list.join(", ")
            ),
        )
    }
}

/// The token's header as a JSON object, read only after the library accepted the token, so the
/// returned header is the one the library verified.
pub(crate) fn verified_header(token: &str) -> Result<Map<String, Value>, Failure> {
    let first = token.split('.').next().unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD
        .decode(first)
        .map_err(|e| fail(None, format!("cannot re-read the verified header: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| fail(None, format!("cannot re-read the verified header: {e}")))
}

/// A library's own header type built from `alg` plus the requested members, through the
/// library's `Deserialize`, so registered members land in their typed fields. The result is
/// serialized back and compared with the request: a member the library cannot carry as given
/// (wrong type, `null`, one it would drop or rewrite) is a failure rather than a silently
/// different token.
pub(crate) fn library_header<H>(
    library: &str,
    alg_name: &str,
    members: &Map<String, Value>,
) -> Result<H, Failure>
where
    H: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut wanted = Map::new();
    wanted.insert("alg".to_owned(), Value::String(alg_name.to_owned()));
    for (name, value) in members {
        if name == "alg" && value.as_str() != Some(alg_name) {
            return Err(fail(
                None,
                format!("the header member \"alg\" ({value}) contradicts the request's alg {alg_name:?}"),
            ));
        }
        wanted.insert(name.clone(), value.clone());
    }
    let header: H = serde_json::from_value(Value::Object(wanted.clone())).map_err(|e| {
        fail(
            None,
            format!("{library}'s Header cannot carry these header members: {e}"),
        )
    })?;
    let carried = match serde_json::to_value(&header) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return Err(fail(
                None,
                format!("{library}'s Header serialized as {other}, not an object"),
            ))
        }
        Err(e) => {
            return Err(fail(
                None,
                format!("{library}'s Header cannot be serialized: {e}"),
            ))
        }
    };
    let mut differ: Vec<&str> = wanted
        .iter()
        .filter(|(k, v)| carried.get(k.as_str()) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    differ.extend(
        carried
            .keys()
            .filter(|k| !wanted.contains_key(k.as_str()))
            .map(String::as_str),
    );
    if !differ.is_empty() {
        return Err(fail(
            None,
            format!(
                "{library}'s Header cannot carry these header members as given: {}",
                differ.join(", ")
            ),
        ));
    }
    Ok(header)
}
