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
//! Clock: `JwtPayloadValidator::set_base_time` (jwt/jwt_payload_validator.rs:36) replaces the
//! system clock in the `exp`/`nbf` comparisons (lines 171-192), so the request's `now` is honoured
//! and the description says [`Clock::Injected`].
//!
//! Leeway: the validator has one base time for both `exp` and `nbf` and no skew allowance
//! (jwt/jwt_payload_validator.rs:11-17), so the request's `leeway` cannot be expressed: the base
//! time is the request's `now` and the leeway is not applied (the fail-safe choice: it can only
//! reject, never accept, a token the policy would decide otherwise). The resulting divergences are
//! listed in `vectors/exceptions/josekit.json`.
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
use ::josekit::jws::{JwsHeader, JwsSigner, JwsVerifier, ES256, HS256};
use ::josekit::jwt::{self, JwtPayload, JwtPayloadValidator};
use ::josekit::JoseError;
use serde_json::{Map, Value};

use super::support::{
    alg_refusal, description, fail, json_reason, library_keys, no_key_of_family, unknown_kid,
    unusable_kid, verified_header, JsonRules, SURROGATE_OR_CUT_ESCAPE,
};
use crate::contract::{
    checks, Clock, Decoded, Description, Failure, Implementation, Jwk, SignRequest, VerifyRequest,
};

/// The version of the `josekit` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const JOSEKIT_VERSION: &str = "0.10.3";

/// The algorithms this adapter maps onto the library (`HS256`, `ES256` in jws.rs:21, 36).
const ALGORITHMS: &[&str] = &["HS256", "ES256"];

/// The latest NumericDate policy.md §5 allows (9999-12-31T23:59:59Z).
const MAX_NUMERIC_DATE: u64 = 253_402_300_799;

/// The `josekit` crate behind the [`Implementation`] contract.
#[derive(Clone, Copy, Debug, Default)]
pub struct Josekit;

impl Implementation for Josekit {
    fn describe(&self) -> Description {
        description(
            "josekit",
            JOSEKIT_VERSION,
            ALGORITHMS,
            Clock::Injected,
            LIMITATIONS,
        )
    }

    // A panic inside the library is left to the runner, which reports it as `panic`: it is a
    // finding (anyone who can send such a token can take a server down), never a rejection.
    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        sign_token(request)
    }

    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        verify_token(request)
    }
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

fn sign_token(request: &SignRequest) -> Result<String, Failure> {
    let jwk = library_jwk(&request.key).map_err(|p| fail(Some("invalid_key"), p))?;
    // The signer would add its JWK's `kid` to the header (jws/jws_context.rs:101-103); the
    // header must carry exactly the requested members, so the id is dropped from the signer and
    // `kid` comes from the request's header only.
    let signer: Box<dyn JwsSigner> = match request.alg.as_str() {
        "HS256" => {
            let mut s = HS256.signer_from_jwk(&jwk).map_err(|e| key_failure(&e))?;
            s.remove_key_id();
            Box::new(s)
        }
        "ES256" => {
            let mut s = ES256.signer_from_jwk(&jwk).map_err(|e| key_failure(&e))?;
            s.remove_key_id();
            Box::new(s)
        }
        other => {
            return Err(fail(
                None,
                format!("this adapter signs HS256 and ES256 only, not {other:?}"),
            ))
        }
    };
    let header = build_header(&request.alg, &request.header)?;
    let payload = JwtPayload::from_map(request.claims.clone())
        .map_err(|e| fail(None, format!("josekit refuses these claims: {e}")))?;
    jwt::encode_with_signer(&payload, &header, signer.as_ref())
        .map_err(|e| fail(None, format!("josekit could not sign: {e}")))
}

/// `alg` first, then the requested members in the requested order, through the library's
/// `JwsHeader::from_map` (which type-checks registered members, jws/jws_header.rs:391-451).
/// `encode_with_signer` re-inserts `alg` with the same value, which keeps its position, and adds
/// nothing else once the signer has no key id, so the token carries exactly these members.
fn build_header(alg: &str, members: &Map<String, Value>) -> Result<JwsHeader, Failure> {
    let mut map = Map::new();
    map.insert("alg".to_owned(), Value::String(alg.to_owned()));
    for (name, value) in members {
        if name == "alg" && value.as_str() != Some(alg) {
            return Err(fail(
                None,
                format!(
                    "the header member \"alg\" ({value}) contradicts the request's alg {alg:?}"
                ),
            ));
        }
        map.insert(name.clone(), value.clone());
    }
    JwsHeader::from_map(map).map_err(|e| {
        fail(
            None,
            format!("josekit's JwsHeader cannot carry these header members: {e}"),
        )
    })
}

fn verify_token(request: &VerifyRequest) -> Result<Decoded, Failure> {
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

    // Keys: the request's JWKs become the library's `JwkSet`, and a `kid` is resolved with
    // `JwkSet::get` (jwk/jwk_set.rs:94). A key the library cannot read is remembered, so that a
    // `kid` naming it is reported as an unusable key rather than an unknown one.
    let (keys, unusable) = library_keys(&request.keys, |jwk| library_jwk(&jwk.public()));
    let mut set = JwkSet::new();
    for k in keys {
        set.push_key(k);
    }
    let chosen: Vec<&LibJwk> = match kid {
        Some(kid) => {
            let found = set.get(kid);
            if found.is_empty() {
                return Err(unusable_kid(&unusable, kid).unwrap_or_else(|| unknown_kid(kid)));
            }
            found
        }
        None => set.keys(),
    };

    // One verifier per chosen key and allowed algorithm of its family: the allow-list is the set
    // of verifiers, and the library compares the header's `alg` with the verifier's
    // (jws/jws_context.rs:428-437). With a `kid`, the verifier keeps the JWK's id and the library
    // checks it against the header (lines 439-446); without one, every key of the family is
    // tried, so the id is dropped (the library would otherwise demand a `kid`).
    let mut verifiers: Vec<Box<dyn JwsVerifier>> = Vec::new();
    let mut key_problems: Vec<(&'static str, String)> = unusable
        .into_iter()
        .map(|(_, p)| ("invalid_key", p))
        .collect();
    for jwk in &chosen {
        for alg in &allowed {
            let built: Result<Box<dyn JwsVerifier>, JoseError> = match (*alg, jwk.key_type()) {
                ("HS256", "oct") => HS256.verifier_from_jwk(jwk).map(|mut v| {
                    if kid.is_none() {
                        v.remove_key_id();
                    }
                    Box::new(v) as Box<dyn JwsVerifier>
                }),
                ("ES256", "EC") => ES256.verifier_from_jwk(jwk).map(|mut v| {
                    if kid.is_none() {
                        v.remove_key_id();
                    }
                    Box::new(v) as Box<dyn JwsVerifier>
                }),
                _ => continue,
            };
            match built {
                Ok(v) => verifiers.push(v),
                Err(e) => key_problems.push((key_problem_code(&e), e.to_string())),
            }
        }
    }

    let header_alg = header.algorithm();
    let matching: Vec<&dyn JwsVerifier> = verifiers
        .iter()
        .filter(|v| Some(v.algorithm().name()) == header_alg)
        .map(|v| v.as_ref())
        .collect();
    let candidates: Vec<&dyn JwsVerifier> = if !matching.is_empty() {
        matching
    } else if let Some(first) = verifiers.first() {
        // No verifier for the header's `alg`: the library is handed one it has, and its own
        // comparison refuses the token.
        vec![first.as_ref()]
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

/// The verified payload through a `JwtPayloadValidator` configured from the request.
fn validated(request: &VerifyRequest, payload: JwtPayload) -> Result<Decoded, Failure> {
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
        .and_then(|s| s.downcast_ref::<base64::DecodeError>())
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
    if message.starts_with("The token is not yet valid") {
        Some("not_yet_valid")
    } else if message.starts_with("The token has expired") {
        Some("expired")
    } else if message.starts_with("The issued time is too new") {
        Some("date_out_of_range")
    } else if message.starts_with("Key aud is invalid") {
        Some("audience_mismatch")
    } else if message.starts_with("Key iss is invalid") {
        Some("issuer_mismatch")
    } else if message.starts_with("Key ") && message.ends_with(" is missing.") {
        Some("missing_claim")
    } else {
        None
    }
}

/// The library's other messages (jws/jws_context.rs, jws/jws_header.rs, jwt/jwt_payload.rs,
/// jwt/jwt_context.rs).
fn classify_message(message: &str) -> Option<&'static str> {
    if message.contains("must be three parts") || message.contains("cannot be recognized as a JWT")
    {
        Some("segment_count")
    } else if message.starts_with("The JWS alg header claim is required") {
        Some("alg_missing")
    } else if message.starts_with("The critical name") {
        Some("crit_present")
    } else if message.starts_with("The b64 header claim") {
        Some("b64_present")
    } else if message.starts_with("The JWS kid header claim is mismatched")
        || message.starts_with("The JWS kid header claim is required")
    {
        Some("unknown_kid")
    } else if message.starts_with("The JWS ") || message.starts_with("An element of the JWS ") {
        Some("header_member_type")
    } else if message.contains("64bit positive integer") {
        Some("date_out_of_range")
    } else if message.starts_with("The JWT ") || message.starts_with("An element of the JWT ") {
        Some("claim_type")
    } else {
        None
    }
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
    use crate::impls::testkit::{self, ec_test_key, oct, reason, AUDIENCE, SECRET};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::json;

    /// The injected verification time: far from the system clock, so that honouring it shows.
    const NOW: i64 = 1_500_000_000;

    testkit::adapter_test_helpers! {
        implementation: Josekit,
        now: NOW,
        hs256_header: {"kid": "k1"},
    }

    testkit::adapter_tests! {
        implementation: Josekit,
        now: NOW,
        package: "josekit",
        version: JOSEKIT_VERSION,
    }

    testkit::issuer_audience_tests! {
        implementation: Josekit,
        now: NOW,
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
    fn no_kid_tries_every_key_of_the_family() {
        let token = sign("HS256", oct(SECRET, None), json!({}), claims(json!({})));
        let keys = vec![
            ec_test_key(Some("ec")),
            oct(b"another key, also for tests only", Some("k0")),
            oct(SECRET, Some("k1")),
        ];
        Josekit
            .verify(&verify_request(token, &["HS256", "ES256"], keys))
            .expect("the second oct key verifies");
    }

    #[test]
    fn sign_adds_no_kid_or_typ_unless_asked() {
        let token = sign(
            "HS256",
            oct(SECRET, Some("k1")),
            json!({}),
            claims(json!({})),
        );
        let header = verified_header(&token).expect("header");
        assert_eq!(Value::Object(header), json!({"alg": "HS256"}));
    }

    #[test]
    fn sign_refuses_what_it_cannot_carry() {
        for (alg, header) in [
            ("HS256", json!({"kid": 5})),
            ("HS256", json!({"alg": "ES256"})),
            ("PS256", json!({})),
        ] {
            let request = SignRequest {
                id: "s".into(),
                alg: alg.into(),
                key: oct(SECRET, None),
                header: header.as_object().cloned().expect("object"),
                claims: claims(json!({})),
            };
            assert!(Josekit.sign(&request).is_err(), "{alg} {header}");
        }
    }

    #[test]
    fn injected_now_is_honoured() {
        // Valid at NOW, long expired by the system clock.
        verify_hs256(hs256_token(json!({}))).expect("valid at the injected now");
        // Expired at NOW, though the system clock has nothing to do with it.
        let mut request = verify_request(
            hs256_token(json!({"exp": NOW + 10})),
            &["HS256"],
            vec![oct(SECRET, Some("k1"))],
        );
        request.now = NOW + 10;
        assert_eq!(reason(Josekit.verify(&request)).as_deref(), Some("expired"));
    }

    #[test]
    fn not_yet_valid_token_rejected() {
        let token = hs256_token(json!({"nbf": NOW + 60}));
        assert_eq!(
            reason(verify_hs256(token)).as_deref(),
            Some("not_yet_valid")
        );
    }

    #[test]
    fn missing_issuer_rejected() {
        let token = hs256_token(json!({"iss": null}));
        assert_eq!(
            reason(verify_hs256(token)).as_deref(),
            Some("missing_claim")
        );
    }

    #[test]
    fn audience_array_containing_the_audience_accepted() {
        let token = hs256_token(json!({"aud": ["other-app", AUDIENCE]}));
        verify_hs256(token).expect("an array containing the audience");
    }

    #[test]
    fn es256_tampered_signature_rejected() {
        let token = sign(
            "ES256",
            ec_test_key(Some("ec-1")),
            json!({"kid": "ec-1"}),
            claims(json!({})),
        );
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut sig = URL_SAFE_NO_PAD.decode(&parts[2]).expect("b64");
        sig[10] ^= 1;
        parts[2] = URL_SAFE_NO_PAD.encode(sig);
        let request = verify_request(parts.join("."), &["ES256"], vec![ec_test_key(Some("ec-1"))]);
        assert_eq!(
            reason(Josekit.verify(&request)).as_deref(),
            Some("bad_signature")
        );
    }

    #[test]
    fn allowed_family_without_a_key_rejected() {
        let token = hs256_token(json!({}));
        // The allowed family has no key.
        let request = verify_request(token, &["HS256"], vec![ec_test_key(Some("k1"))]);
        assert_eq!(
            reason(Josekit.verify(&request)).as_deref(),
            Some("key_family_mismatch")
        );
    }

    #[test]
    fn unlabelled_keys_do_not_match_a_kid() {
        let token = hs256_token(json!({}));
        // Unlabelled keys do not match a kid either.
        let request = verify_request(token, &["HS256"], vec![oct(SECRET, None)]);
        assert_eq!(
            reason(Josekit.verify(&request)).as_deref(),
            Some("unknown_kid")
        );
    }

    #[test]
    fn empty_secret_is_an_empty_key() {
        let token = hs256_token(json!({}));
        let request = verify_request(token, &["HS256"], vec![oct(b"", Some("k1"))]);
        assert_eq!(
            reason(Josekit.verify(&request)).as_deref(),
            Some("empty_key")
        );
    }

    #[test]
    fn garbage_is_refused_and_huge_dates_panic_in_the_library() {
        for token in [
            "",
            ".",
            "..",
            "a.b",
            "a.b.c.d.e",
            "\u{0}.\u{ff}.x",
            "e30.e30.e30",
        ] {
            let request = verify_request(token.into(), &["HS256"], vec![oct(SECRET, None)]);
            assert!(Josekit.verify(&request).is_err(), "{token:?}");
        }
        // A date the library turns into a panic (jwt_payload.rs:147) reaches the caller as a
        // panic: the runner reports it, and `josekit::panics-on-huge-dates` records it.
        let huge =
            crate::guard::catch(|| verify_raw(r#"{"alg":"HS256"}"#, r#"{"sub":"u","exp":1e300}"#));
        assert!(
            huge.is_err(),
            "josekit no longer panics on exp 1e300: {huge:?}"
        );
        // The adapter's own arithmetic on extreme requests refuses without panicking.
        let mut request = verify_request(
            hs256_token(json!({})),
            &["HS256"],
            vec![oct(SECRET, Some("k1"))],
        );
        request.leeway = u64::MAX;
        request.now = i64::MAX;
        let extreme = crate::guard::catch(|| Josekit.verify(&request));
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
        assert_eq!(declared.cannot_enforce.len(), limitations.len());
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
        let mut token = hs256_token(json!({}));
        token.push_str("x=");
        assert_eq!(
            reason(verify_hs256(token)).as_deref(),
            Some("invalid_base64")
        );
        assert_eq!(
            reason(verify_hs256("only.two".into())).as_deref(),
            Some("segment_count")
        );
    }

    #[test]
    fn describe_declares_known_limitations() {
        let d = Josekit.describe();
        assert_eq!(d.name, "josekit");
        assert_eq!(d.clock, Clock::Injected);
        // Enforced by the library, with divergences recorded elsewhere.
        for check in [
            checks::KID,
            checks::CRIT,
            checks::EXPIRY,
            checks::ISSUER,
            checks::DATE_TYPES,
        ] {
            assert!(d.limitation(check).is_none(), "{check}");
        }
    }
}
