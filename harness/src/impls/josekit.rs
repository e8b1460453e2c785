//! The `josekit` crate (hidekatsu-izuno/josekit-rs, OpenSSL backend) as an implementation under
//! test.
//!
//! The adapter uses the library the way its documentation does: `signer_from_jwk`,
//! `JwtPayload::from_map`, a `JwsHeader` and `jwt::encode_with_signer` to sign; `jwt::decode_header`,
//! a `JwkSet` looked up by `kid`, `verifier_from_jwk`, `jwt::decode_with_verifier` and a
//! `JwtPayloadValidator` (base time, issuer, audience) to verify. Everything the library cannot be
//! told is declared in [`Josekit::describe`]'s `cannot_enforce`, with the source lines that show it
//! (paths relative to `josekit-0.10.3/src/`). The adapter never re-checks what the library checks
//! and never checks what it does not: a limitation stays visible in the results.
//!
//! [`Josekit::describe`]: crate::contract::Implementation::describe
//!
//! Clock: `JwtPayloadValidator::set_base_time` (jwt/jwt_payload_validator.rs:36) replaces the
//! system clock in the `exp`/`nbf` comparisons (lines 171-192), so the request's `now` is honoured
//! and the description says [`Clock::Injected`](crate::contract::Clock::Injected).
//!
//! Leeway: the validator has one base time for both `exp` and `nbf` and no skew allowance
//! (jwt/jwt_payload_validator.rs:11-17), so the request's `leeway` cannot be expressed: the base
//! time is the request's `now` and the leeway is not applied (the fail-safe choice: it can only
//! reject, never accept, a token the policy would decide otherwise). The resulting divergences are
//! listed in `vectors/exceptions/josekit.json`.
//!
//! Defaults mode: `jwt::decode_with_verifier` alone, as the README's decoding examples use it.
//! It checks the `alg`, the signature and the registered claims' types
//! (jwt/jwt_context.rs:168-223) and compares no claim: `exp`, `nbf`, `iat`, `iss` and `aud` are
//! compared only by a `JwtPayloadValidator`, a separate object the caller has to build and run
//! (jwt/jwt_payload_validator.rs:169-234). No clock is read, so the description keeps one clock
//! for both modes.
//!
//! Not visible in any vector: HS256 tags are compared with `!=` on byte slices
//! (jws/alg/hmac.rs:340), not in constant time as policy.md §4 asks.
//!
//! Panics: `JwtPayload::expires_at`/`not_before`/`issued_at` (jwt/jwt_payload.rs:147, 175, 203)
//! build a `SystemTime` from any non-negative number with `Duration::from_secs_f64` and `+`, which
//! panic for dates at or above 2^63 seconds. The adapter does not catch it: the
//! runner reports it as `panic`, recorded as a `crashes` class in `vectors/exceptions/josekit.json`.

use std::error::Error as _;
use std::time::{Duration, SystemTime};

use ::josekit::jwk::{Jwk as LibJwk, JwkSet};
use ::josekit::jws::{JwsHeader, JwsSigner, JwsVerifier, ES256, HS256, RS256, RS512};
use ::josekit::jwt::{self, JwtPayload, JwtPayloadValidator};
use ::josekit::JoseError;
use serde_json::{Map, Value};

use super::support::Unusable;
use super::support::{
    alg_refusal, fail, header_members, json_reason, library_keys, no_key_of_family, unknown_kid,
    unusable_kid, verified_header, JsonRules, SURROGATE_OR_CUT_ESCAPE,
};
use crate::contract::{
    checks, Decoded, Failure, Jwk, KeyUse, PreparedKeys, SignRequest, VerifyMode, VerifyRequest,
};

/// The version of the `josekit` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const JOSEKIT_VERSION: &str = "0.10.3";

/// The algorithms this adapter maps onto the library (`HS256`, `RS256`, `RS512`, `ES256` in
/// jws.rs:21-36).
const ALGORITHMS: &[&str] = &["HS256", "ES256", "RS256", "RS512"];

/// The latest NumericDate policy.md §5 allows (9999-12-31T23:59:59Z).
const MAX_NUMERIC_DATE: u64 = 253_402_300_799;

super::support::injected_clock_adapter! {
    /// The `josekit` crate behind the [`Implementation`](crate::contract::Implementation)
    /// contract.
    Josekit: "josekit", JOSEKIT_VERSION, ALGORITHMS, LIMITATIONS,
    defaults_clock: None,
}

/// Every check of [`checks::TABLE`] the library cannot be configured to enforce, with the source
/// lines (in `josekit-0.10.3/src/`) that show why.
///
/// Only what the library has no way to do at all. Checks it performs with mistakes (no leeway,
/// no year-9999 bound, `crit: []`, an `aud` that is not checked when absent) are not
/// limitations: they run, and their deviations are recorded as known divergences in
/// `vectors/exceptions/josekit.json`.
const LIMITATIONS: &[(&str, &str)] = &[
    (
        checks::REQUIRED_CLAIMS,
        "`JwtPayloadValidator` has no presence-only check: `set_claim` requires an exact \
         value (jwt/jwt_payload_validator.rs:151-153, 218-226), and only `set_issuer` makes \
         a claim (iss) mandatory; a claim cannot be required without fixing its value",
    ),
    (
        checks::DUPLICATE_MEMBERS,
        "the header and the claims are parsed into a serde_json `Map` \
         (jws/jws_context.rs:420, jwt/jwt_context.rs:214), where the last duplicate wins; \
         there is no option to reject duplicates",
    ),
];

/// The library's keys, made once.
enum Prepared {
    /// The signing JWK's signer for each algorithm of [`ALGORITHMS`] (each, or why the library
    /// refuses the key for it), or why the library cannot read the JWK at all.
    Signing(Result<Signers, Failure>),
    /// The verifying keys as the library's `JwkSet`, the JWKs it could not read, and per key of
    /// the set the verifiers for each algorithm of [`ALGORITHMS`].
    Verifying {
        set: JwkSet,
        unusable: Vec<Unusable>,
        verifiers: Vec<Vec<Option<Result<KidVerifiers, KeyProblem>>>>,
    },
}

/// A JWK's signers, one per algorithm of [`ALGORITHMS`], without its key id: the signer would
/// add it to the header (jws/jws_context.rs:101-103), and the header must carry exactly the
/// requested members.
type Signers = Vec<Result<Box<dyn JwsSigner>, Failure>>;

/// The library's signer or verifier for `alg` made from `jwk` (each algorithm has its own type).
macro_rules! for_alg {
    ($alg:expr, $jwk:expr, $make:ident, $boxed:ty, $strip:expr) => {{
        let strip = $strip;
        match $alg {
            "HS256" => HS256.$make($jwk).map(|mut x| {
                if strip {
                    x.remove_key_id();
                }
                Box::new(x) as $boxed
            }),
            "ES256" => ES256.$make($jwk).map(|mut x| {
                if strip {
                    x.remove_key_id();
                }
                Box::new(x) as $boxed
            }),
            "RS256" => RS256.$make($jwk).map(|mut x| {
                if strip {
                    x.remove_key_id();
                }
                Box::new(x) as $boxed
            }),
            _ => RS512.$make($jwk).map(|mut x| {
                if strip {
                    x.remove_key_id();
                }
                Box::new(x) as $boxed
            }),
        }
    }};
}

/// One key's verifier for one algorithm, as the library makes it: keeping the JWK's id (for a
/// token with a `kid`, which the library checks against it, jws/jws_context.rs:439-446) and
/// without it (for a token without one, which the library would otherwise refuse).
struct KidVerifiers {
    with_kid: Box<dyn JwsVerifier>,
    without_kid: Box<dyn JwsVerifier>,
}

/// Why the library refuses a key for an algorithm: a reason code and its message.
type KeyProblem = (&'static str, String);

fn prepare_keys(key_use: KeyUse, keys: &[Jwk]) -> PreparedKeys {
    PreparedKeys::new(match key_use {
        KeyUse::Sign => Prepared::Signing(match keys.first() {
            None => Err(fail(Some("invalid_key"), "no key")),
            Some(jwk) => library_jwk(jwk)
                .map_err(|p| fail(Some("invalid_key"), p))
                .map(|jwk| {
                    ALGORITHMS
                        .iter()
                        .map(|alg| {
                            for_alg!(*alg, &jwk, signer_from_jwk, Box<dyn JwsSigner>, true)
                                .map_err(|e| key_failure(&e))
                        })
                        .collect()
                }),
        }),
        KeyUse::Verify => {
            // A key the library cannot read is remembered, so that a `kid` naming it is reported
            // as an unusable key rather than an unknown one.
            let (keys, unusable) = library_keys(keys, |jwk| library_jwk(&jwk.public()));
            let mut set = JwkSet::new();
            for k in keys {
                set.push_key(k);
            }
            let verifiers = set
                .keys()
                .into_iter()
                .map(|jwk| {
                    ALGORITHMS
                        .iter()
                        .map(|alg| kid_verifiers(alg, jwk))
                        .collect()
                })
                .collect();
            Prepared::Verifying {
                set,
                unusable,
                verifiers,
            }
        }
    })
}

/// `jwk`'s verifiers for `alg`, `None` when the key is not of `alg`'s family.
fn kid_verifiers(alg: &str, jwk: &LibJwk) -> Option<Result<KidVerifiers, KeyProblem>> {
    let make = |strip: bool| -> Result<Box<dyn JwsVerifier>, JoseError> {
        for_alg!(alg, jwk, verifier_from_jwk, Box<dyn JwsVerifier>, strip)
    };
    match (alg, jwk.key_type()) {
        ("HS256", "oct") | ("ES256", "EC") | ("RS256" | "RS512", "RSA") => Some(
            make(false)
                .and_then(|with_kid| {
                    Ok(KidVerifiers {
                        with_kid,
                        without_kid: make(true)?,
                    })
                })
                .map_err(|e| (key_problem_code(&e), e.to_string())),
        ),
        _ => None,
    }
}

fn sign_token(keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
    let signers = match keys.get::<Prepared>()? {
        Prepared::Signing(signers) => signers.as_ref().map_err(Clone::clone)?,
        Prepared::Verifying { .. } => {
            return Err(fail(None, "these keys were prepared for verifying"))
        }
    };
    let signer: &dyn JwsSigner = match ALGORITHMS.iter().position(|a| *a == request.alg) {
        Some(slot) => signers[slot].as_ref().map_err(Clone::clone)?.as_ref(),
        None => {
            return Err(fail(
                None,
                format!(
                    "this adapter signs {} only, not {:?}",
                    ALGORITHMS.join(", "),
                    request.alg
                ),
            ))
        }
    };
    let header = build_header(&request.alg, &request.header)?;
    let payload = JwtPayload::from_map(request.claims.clone())
        .map_err(|e| fail(None, format!("josekit refuses these claims: {e}")))?;
    jwt::encode_with_signer(&payload, &header, signer)
        .map_err(|e| fail(None, format!("josekit could not sign: {e}")))
}

/// `alg` first, then the requested members in the requested order ([`header_members`]), through
/// the library's `JwsHeader::from_map` (which type-checks registered members,
/// jws/jws_header.rs:391-451).
/// `encode_with_signer` re-inserts `alg` with the same value, which keeps its position, and adds
/// nothing else once the signer has no key id, so the token carries exactly these members.
fn build_header(alg: &str, members: &Map<String, Value>) -> Result<JwsHeader, Failure> {
    JwsHeader::from_map(header_members(alg, members)?).map_err(|e| {
        fail(
            None,
            format!("josekit's JwsHeader cannot carry these header members: {e}"),
        )
    })
}

fn verify_token(keys: &PreparedKeys, request: &VerifyRequest) -> Result<Decoded, Failure> {
    let (set, unusable, prepared) = match keys.get::<Prepared>()? {
        Prepared::Verifying {
            set,
            unusable,
            verifiers,
        } => (set, unusable, verifiers),
        Prepared::Signing(_) => return Err(fail(None, "these keys were prepared for signing")),
    };
    // The library's own header parse (jwt/jwt_context.rs:124-148), for the `kid` to look up and
    // the `alg` whose verifier to hand over.
    let header = jwt::decode_header(&request.token).map_err(|e| library_failure(&e, request))?;
    let header = match header.into_any().downcast::<JwsHeader>() {
        Ok(h) => *h,
        Err(_) => {
            return Err(fail(
                Some("segment_count"),
                "josekit reads this token as a JWE (five segments); only a JWS can verify",
            ))
        }
    };
    let kid = header.key_id();

    // Allow-list names are matched exactly; a name the adapter does not map can verify nothing,
    // so it is skipped rather than treated as an error.
    let mut allowed: Vec<&str> = Vec::new();
    for name in &request.algorithms {
        if ALGORITHMS.contains(&name.as_str()) && !allowed.contains(&name.as_str()) {
            allowed.push(name.as_str());
        }
    }

    // A `kid` is resolved with `JwkSet::get` (jwk/jwk_set.rs:94) in the library's `JwkSet` of
    // the request's keys.
    let all = set.keys();
    let chosen: Vec<usize> = match kid {
        Some(kid) => {
            let found = set.get(kid);
            if found.is_empty() {
                return Err(unusable_kid(unusable, kid).unwrap_or_else(|| unknown_kid(kid)));
            }
            found
                .iter()
                .filter_map(|f| all.iter().position(|k| std::ptr::eq(*k, *f)))
                .collect()
        }
        None => (0..all.len()).collect(),
    };

    // One verifier per chosen key and allowed algorithm of its family: the allow-list is the set
    // of verifiers, and the library compares the header's `alg` with the verifier's
    // (jws/jws_context.rs:428-437). With a `kid`, the verifier keeps the JWK's id and the library
    // checks it against the header (lines 439-446); without one, every key of the family is
    // tried, so the id is dropped (the library would otherwise demand a `kid`).
    let mut verifiers: Vec<&dyn JwsVerifier> = Vec::new();
    let mut key_problems: Vec<(&'static str, String)> = unusable
        .iter()
        .map(|(_, p)| ("invalid_key", p.clone()))
        .collect();
    for &key in &chosen {
        for alg in &allowed {
            let Some(slot) = ALGORITHMS.iter().position(|a| a == alg) else {
                continue;
            };
            match &prepared[key][slot] {
                Some(Ok(v)) if kid.is_some() => verifiers.push(v.with_kid.as_ref()),
                Some(Ok(v)) => verifiers.push(v.without_kid.as_ref()),
                Some(Err(problem)) => key_problems.push(problem.clone()),
                None => {}
            }
        }
    }

    let header_alg = header.algorithm();
    let matching: Vec<&dyn JwsVerifier> = verifiers
        .iter()
        .filter(|v| Some(v.algorithm().name()) == header_alg)
        .copied()
        .collect();
    let candidates: Vec<&dyn JwsVerifier> = if !matching.is_empty() {
        matching
    } else if let Some(first) = verifiers.first() {
        // No verifier for the header's `alg`: the library is handed one it has, and its own
        // comparison refuses the token.
        vec![*first]
    } else {
        return Err(no_key_of_family(
            header_alg,
            &request.algorithms,
            &key_problems,
            !chosen.is_empty(),
        ));
    };

    let mut bad_signature: Option<JoseError> = None;
    for verifier in candidates {
        match jwt::decode_with_verifier(&request.token, verifier) {
            Ok((payload, _)) => return validated(request, payload),
            // Only the signature depends on the key; anything else is final.
            Err(e @ JoseError::InvalidSignature(_)) => {
                if bad_signature.is_none() {
                    bad_signature = Some(e);
                }
            }
            Err(e) => return Err(library_failure(&e, request)),
        }
    }
    match bad_signature {
        Some(e) => Err(library_failure(&e, request)),
        None => Err(fail(None, "josekit verified nothing")),
    }
}

/// The verified payload through a `JwtPayloadValidator` configured from the request; in
/// defaults mode, as `decode_with_verifier` returned it.
fn validated(request: &VerifyRequest, payload: JwtPayload) -> Result<Decoded, Failure> {
    if request.mode == VerifyMode::Defaults {
        let header = verified_header(&request.token)?;
        return Ok(Decoded {
            header,
            claims: payload.into(),
        });
    }
    let mut validator = JwtPayloadValidator::new();
    let now = system_time(request.now).ok_or_else(|| {
        fail(
            None,
            format!(
                "now = {} is not a time the system can represent",
                request.now
            ),
        )
    })?;
    validator.set_base_time(now);
    // Without it the library rejects an `iat` later than the *system* clock
    // (jwt/jwt_payload_validator.rs:174, 202-207), whatever the base time; policy.md §5 accepts a
    // future `iat` and bounds NumericDates only by year 9999.
    validator.set_max_issued_time(SystemTime::UNIX_EPOCH + Duration::from_secs(MAX_NUMERIC_DATE));
    if let Some(issuer) = &request.issuer {
        validator.set_issuer(issuer.clone());
    }
    if let Some(audience) = &request.audience {
        validator.set_audience(audience.clone());
    }
    validator
        .validate(&payload)
        .map_err(|e| library_failure(&e, request))?;
    let header = verified_header(&request.token)?;
    Ok(Decoded {
        header,
        claims: payload.into(),
    })
}

/// Seconds since the epoch as a `SystemTime`, if representable.
fn system_time(seconds: i64) -> Option<SystemTime> {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(magnitude)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(magnitude)
    }
}

/// Our JWK as the library's, through its own `Jwk::from_map` (jwk/jwk.rs:34).
fn library_jwk(jwk: &Jwk) -> Result<LibJwk, String> {
    match serde_json::to_value(jwk) {
        Ok(Value::Object(map)) => {
            LibJwk::from_map(map).map_err(|e| format!("not a JWK josekit understands: {e}"))
        }
        Ok(other) => Err(format!("the JWK serialized as {other}, not an object")),
        Err(e) => Err(format!("the JWK cannot be serialized: {e}")),
    }
}

/// A key the library refused as a [`Failure`].
fn key_failure(e: &JoseError) -> Failure {
    fail(
        Some(key_problem_code(e)),
        format!("josekit refused the key: {e}"),
    )
}

/// `empty_key` for an empty HMAC secret (hmac.rs:180-187 reports its length), else `invalid_key`.
fn key_problem_code(e: &JoseError) -> &'static str {
    let message = inner_message(e);
    if message.starts_with("Secret key size must be larger than or equal to")
        && message.ends_with(": 0")
    {
        "empty_key"
    } else {
        "invalid_key"
    }
}

/// The text of the library's underlying error (its `anyhow` source), without the variant prefix.
fn inner_message(e: &JoseError) -> String {
    e.source().map(ToString::to_string).unwrap_or_default()
}

/// A library error as a [`Failure`] with the closest reason code, or none.
fn library_failure(e: &JoseError, request: &VerifyRequest) -> Failure {
    let inner = e.source();
    let message = inner_message(e);
    let reason = if let Some(json) = inner.and_then(|s| s.downcast_ref::<serde_json::Error>()) {
        classify_json(json)
    } else if inner
        .and_then(|s| s.downcast_ref::<base64_josekit::DecodeError>())
        .is_some()
    {
        Some("invalid_base64")
    } else if let Some(alg) = message.strip_prefix("The JWS alg header claim is not ") {
        // jws/jws_context.rs:432: "… is not {verifier's alg}: {header's alg}".
        let header_alg = alg.split_once(": ").map(|(_, a)| a);
        let refusal = alg_refusal(header_alg, &request.algorithms);
        return Failure {
            error: format!("josekit rejected the token: {e} ({})", refusal.error),
            reason: refusal.reason,
        };
    } else {
        match e {
            JoseError::InvalidSignature(_) if message.starts_with("A signature size must be") => {
                Some("signature_length")
            }
            JoseError::InvalidSignature(_) => Some("bad_signature"),
            JoseError::InvalidClaim(_) => classify_claim(&message),
            JoseError::InvalidKeyFormat(_) => Some(key_problem_code(e)),
            _ => classify_message(&message),
        }
    };
    fail(reason, format!("josekit rejected the token: {e}"))
}

/// `JwtPayloadValidator::validate`'s messages (jwt/jwt_payload_validator.rs:176-226).
fn classify_claim(message: &str) -> Option<&'static str> {
    first_match(message, CLAIM_MESSAGES)
}

/// How the validator's messages read, with the reason code of each, in the order they are tried.
#[rustfmt::skip]
const CLAIM_MESSAGES: &[(Find, &str)] = &[
    (Find::Start(&["The token is not yet valid"]), "not_yet_valid"),
    (Find::Start(&["The token has expired"]), "expired"),
    (Find::Start(&["The issued time is too new"]), "date_out_of_range"),
    (Find::Start(&["Key aud is invalid"]), "audience_mismatch"),
    (Find::Start(&["Key iss is invalid"]), "issuer_mismatch"),
    (Find::StartAndEnd("Key ", " is missing."), "missing_claim"),
];

/// The library's other messages (jws/jws_context.rs, jws/jws_header.rs, jwt/jwt_payload.rs,
/// jwt/jwt_context.rs).
fn classify_message(message: &str) -> Option<&'static str> {
    first_match(message, OTHER_MESSAGES)
}

/// How the library's other messages read, with the reason code of each, in the order they are
/// tried.
#[rustfmt::skip]
const OTHER_MESSAGES: &[(Find, &str)] = &[
    (Find::Within(&["must be three parts", "cannot be recognized as a JWT"]), "segment_count"),
    (Find::Start(&["The JWS alg header claim is required"]), "alg_missing"),
    (Find::Start(&["The critical name"]), "crit_present"),
    (Find::Start(&["The b64 header claim"]), "b64_present"),
    (Find::Start(&["The JWS kid header claim is mismatched", "The JWS kid header claim is required"]), "unknown_kid"),
    (Find::Start(&["The JWS ", "An element of the JWS "]), "header_member_type"),
    (Find::Within(&["64bit positive integer"]), "date_out_of_range"),
    (Find::Start(&["The JWT ", "An element of the JWT "]), "claim_type"),
];

/// What a library message must have for a row of [`CLAIM_MESSAGES`] or [`OTHER_MESSAGES`].
enum Find {
    /// One of these starts.
    Start(&'static [&'static str]),
    /// One of these fragments, anywhere.
    Within(&'static [&'static str]),
    /// This start and this end.
    StartAndEnd(&'static str, &'static str),
}

/// The reason code of the first row whose [`Find`] `message` meets.
fn first_match(message: &str, rows: &[(Find, &'static str)]) -> Option<&'static str> {
    let meets = |find: &Find| match find {
        Find::Start(starts) => starts.iter().any(|s| message.starts_with(s)),
        Find::Within(fragments) => fragments.iter().any(|f| message.contains(f)),
        Find::StartAndEnd(start, end) => message.starts_with(start) && message.ends_with(end),
    };
    rows.iter()
        .find(|(find, _)| meets(find))
        .map(|(_, code)| *code)
}

/// serde_json's errors as reason codes, from its category and its (stable) messages; anything not
/// recognised stays unclassified rather than guessed.
fn classify_json(e: &serde_json::Error) -> Option<&'static str> {
    json_reason(e, &JSON, |_| None)
}

/// How serde_json's errors read when josekit decodes a header or claims into a map.
const JSON: JsonRules = JsonRules {
    surrogate: SURROGATE_OR_CUT_ESCAPE,
    duplicate_field: false,
    objects: &["expected a map"],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Clock, Implementation as _};
    use crate::impls::testkit::{self, ec_test_key, oct, AUDIENCE, SECRET};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::json;

    use crate::impls::testkit::NOW_2017 as NOW;

    testkit::adapter_tests! {
        implementation: Josekit,
        now: NOW,
        hs256_header: {"kid": "k1"},
        package: "josekit",
        version: JOSEKIT_VERSION,
    }

    /// `decode_with_verifier` alone compares no claim: dates and audience go unchecked.
    #[test]
    fn defaults_mode_compares_no_claim() {
        testkit::assert_modes(&Josekit, |now| {
            let iss = testkit::ISSUER;
            vec![
                (
                    format!(r#"{{"sub":"u","iss":"{iss}","exp":{}}}"#, now - 600),
                    Some("expired"),
                    None,
                ),
                (
                    format!(
                        r#"{{"sub":"u","iss":"{iss}","aud":"another-app","exp":{}}}"#,
                        now + 600
                    ),
                    Some("audience_mismatch"),
                    None,
                ),
            ]
        });
    }

    #[test]
    fn sign_writes_the_requested_members_in_order() {
        let token = sign(
            "HS256",
            oct(SECRET, Some("k1")),
            json!({"kid": "k1", "typ": "JWT"}),
            claims(json!({"custom": {"nested": [1, 2]}})),
        );
        // Exactly the requested members, in the requested order after `alg`.
        let first = token.split('.').next().expect("segment");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(first).expect("b64"),
            br#"{"alg":"HS256","kid":"k1","typ":"JWT"}"#
        );
    }

    #[test]
    fn sign_adds_no_kid_or_typ_unless_asked() {
        let key = oct(SECRET, Some("k1"));
        let header = testkit::signed_header(&Josekit, NOW, "HS256", key, json!({}));
        assert_eq!(header, json!({"alg": "HS256"}));
    }

    #[test]
    fn sign_refuses_what_it_cannot_carry() {
        testkit::assert_sign_refuses(&Josekit, NOW, "kid-number alg-contradicts alg-unmapped");
    }

    #[test]
    fn keys_are_chosen_by_kid_and_family() {
        let hs256 = sign("HS256", oct(SECRET, None), json!({}), claims(json!({})));
        let es256 = sign(
            "ES256",
            ec_test_key(Some("ec-1")),
            json!({"kid": "ec-1"}),
            claims(json!({})),
        );
        let mut parts: Vec<String> = es256.split('.').map(str::to_owned).collect();
        let mut sig = URL_SAFE_NO_PAD.decode(&parts[2]).expect("b64");
        sig[10] ^= 1;
        parts[2] = URL_SAFE_NO_PAD.encode(sig);
        let tampered = parts.join(".");
        let other = oct(b"another key, also for tests only", Some("k0"));
        #[rustfmt::skip]
        let rows: &[testkit::VerdictRow] = &[
            // No kid: every key of the family is tried, and the second oct key verifies.
            (hs256, &["HS256", "ES256"], vec![ec_test_key(Some("ec")), other, oct(SECRET, Some("k1"))], None),
            (tampered, &["ES256"], vec![ec_test_key(Some("ec-1"))], Some("bad_signature")),
            // The allowed family has no key.
            (hs256_token(json!({})), &["HS256"], vec![ec_test_key(Some("k1"))], Some("key_family_mismatch")),
            // Unlabelled keys do not match a kid either.
            (hs256_token(json!({})), &["HS256"], vec![oct(SECRET, None)], Some("unknown_kid")),
            (hs256_token(json!({})), &["HS256"], vec![oct(b"", Some("k1"))], Some("empty_key")),
        ];
        testkit::assert_verdicts(&Josekit, NOW, rows);
    }

    #[test]
    fn injected_clock_and_claims_get_their_verdicts() {
        assert_hs256_verdicts(&[
            // Valid at NOW, long expired by the system clock.
            (json!({}), NOW, 0, None),
            // Expired at NOW + 10, though the system clock has nothing to do with it.
            (json!({"exp": NOW + 10}), NOW + 10, 0, Some("expired")),
            (json!({"nbf": NOW + 60}), NOW, 0, Some("not_yet_valid")),
            (json!({"iss": null}), NOW, 0, Some("missing_claim")),
            (json!({"aud": ["other-app", AUDIENCE]}), NOW, 0, None),
        ]);
    }

    #[test]
    fn huge_dates_panic_in_the_library() {
        // A date the library turns into a panic (jwt_payload.rs:147) reaches the caller as a
        // panic: the runner reports it, and `josekit::panics-on-huge-dates` records it.
        let huge =
            crate::guard::catch(|| verify_raw(r#"{"alg":"HS256"}"#, r#"{"sub":"u","exp":1e300}"#));
        assert!(
            huge.is_err(),
            "josekit no longer panics on exp 1e300: {huge:?}"
        );
        // The adapter's own arithmetic on extreme requests refuses without panicking.
        let token = hs256_token(json!({}));
        let extreme = crate::guard::catch(|| verify_hs256_at(token, i64::MAX, u64::MAX));
        assert!(matches!(extreme, Ok(Err(_))), "{extreme:?}");
    }

    fn verify_raw(header: &str, payload: &str) -> Result<Decoded, Failure> {
        verify_requiring(header, payload, &[])
    }

    /// [`verify_raw`] with `required` the claims the request requires.
    fn verify_requiring(
        header: &str,
        payload: &str,
        required: &[&str],
    ) -> Result<Decoded, Failure> {
        let mut request = testkit::raw_request_at(NOW, header, payload, required);
        request.issuer = None;
        request.audience = None;
        Josekit.verify(&request)
    }

    /// Each declared limitation is real, and so is each divergence that is deliberately not
    /// declared: the library accepts what policy.md rejects. When a release starts enforcing
    /// one of these, this test fails and `describe` or the exceptions file must be updated.
    #[test]
    fn declared_limitations_are_real() {
        let exp = NOW + 3600;
        // `crit` and the unit of `exp` are divergences, not limitations: they are checked, with
        // mistakes. A claim cannot be required without fixing its value.
        let shared =
            "custom-claim-not-required duplicate-claim duplicate-header-member crit-empty \
                      exp-milliseconds";
        let declared = Josekit.describe();
        let limitations = [checks::REQUIRED_CLAIMS, checks::DUPLICATE_MEMBERS];
        let base = (r#""sub":"u","#, NOW);
        testkit::assert_accepted(&declared, &limitations, shared, &[], base, verify_requiring);
        // And the checks not declared are enforced.
        for (header, payload) in [
            (
                r#"{"alg":"HS256","crit":["x"]}"#,
                format!(r#"{{"exp":{exp}}}"#),
            ),
            (r#"{"alg":"HS256"}"#, r#"{"exp":"soon"}"#.to_owned()),
        ] {
            assert!(verify_raw(header, &payload).is_err(), "{header} {payload}");
        }
    }

    #[test]
    fn library_errors_get_the_closest_code() {
        let exp = NOW + 3600;
        let ok = format!(r#"{{"sub":"u","exp":{exp}}}"#);
        let shared = "alg-none alg-lowercase alg-missing kid-number header-array \
                      header-trailing-comma claims-array claims-trailing-text exp-string \
                      claims-too-deep lone-surrogate";
        #[rustfmt::skip]
        let own = [
            (r#"{"alg":"HS256","crit":["exp"]}"#, "{ok}", "crit_present"),
            (r#"{"alg":"HS256"}"#, r#"{"exp":-1}"#, "date_out_of_range"),
            (r#"{"alg":"HS256"}"#, r#"{"sub":5}"#, "claim_type"),
        ];
        testkit::assert_refusals(shared, &own, &ok, exp, verify_raw);
        assert_hs256_refusals(&[
            ("{token}x=", "invalid_base64"),
            ("only.two", "segment_count"),
        ]);
    }

    #[test]
    fn describe_declares_known_limitations() {
        // Enforced by the library, with divergences recorded elsewhere.
        let enforced = [
            checks::KID,
            checks::CRIT,
            checks::EXPIRY,
            checks::ISSUER,
            checks::DATE_TYPES,
        ];
        testkit::assert_describes(&Josekit, "josekit", Clock::Injected, &enforced);
    }
}
