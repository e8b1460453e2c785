//! The `biscuit` crate (lawliet89/biscuit, *ring* backend) as an implementation under test.
//!
//! The adapter uses the library the way its documentation does (`JWT`, lib.rs:146-206): a
//! `ClaimsSet` with private claims and a `jws::Header` in `JWT::new_decoded(…).into_encoded(&secret)`
//! to sign; `JWT::new_encoded`, `decode_with_jwks` (a `JWKSet` looked up by `kid`) or
//! `decode(&secret, algorithm)` for each allowed algorithm, then `validate(ValidationOptions)` to
//! verify. Everything the library cannot be told is declared in [`Biscuit::describe`]'s
//! `cannot_enforce`, with the source lines that show it (paths relative to `biscuit-0.8.0/src/`).
//! The adapter never re-checks what the library checks and never checks what it does not: a
//! limitation stays visible in the results.
//!
//! Clock: `TemporalOptions::now` replaces `Utc::now()` in the `exp`/`nbf` checks
//! (helpers/temporal_options.rs:11-14, lib.rs:903-941), and `epsilon` is the leeway, so the request's
//! `now` and `leeway` are honoured and the description says [`Clock::Injected`]. The crate does
//! not re-export chrono; its `Timestamp` (lib.rs:678, 699-707) converts seconds to the `DateTime<Utc>` and
//! the difference of two such times is the `Duration` the options take.
//!
//! Signing ES256: the library builds a signing key only from a PKCS#8 DER *file*
//! (`Secret::ecdsa_keypair_from_file`, jws.rs:194); `Secret::EcdsaKeyPair` needs *ring*'s own
//! type, which this crate does not depend on. The adapter therefore writes the key's PKCS#8 to a
//! private temporary file (mode 0600, created exclusively, removed right after) — test keys only.
//!
//! Panics: `Timestamp`'s `Deserialize` unwraps chrono's conversion (lib.rs:718-729), which panics
//! for dates beyond chrono's range (about ±8.2e12 seconds). The adapter does not catch it: the
//! runner reports it as `panic`, recorded as a `crashes` class in `vectors/exceptions/biscuit.json`.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use ::biscuit::errors::{DecodeError, Error as BiscuitError, ValidationError};
use ::biscuit::jwa::SignatureAlgorithm;
use ::biscuit::jwk::{AlgorithmParameters, EllipticCurve, JWKSet, JWK};
use ::biscuit::jws::{Compact, Header, Secret};
use ::biscuit::{
    ClaimPresenceOptions, ClaimsSet, Empty, Presence, TemporalOptions, Timestamp, Validation,
    ValidationOptions, JWT,
};
use serde_json::{Map, Value};

use super::support::{
    alg_refusal, description, fail, json_reason, library_keys, no_key_of_family, p256_pkcs8,
    unusable_kid, verified_header, JsonRules, SURROGATE_OR_CUT_ESCAPE,
};
use crate::contract::{
    checks, Clock, Decoded, Description, Failure, Implementation, Jwk, SignRequest, VerifyRequest,
};

/// The version of the `biscuit` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const BISCUIT_VERSION: &str = "0.8.0";

/// The algorithms this adapter maps onto the library's `SignatureAlgorithm` (jwa.rs:78-112).
const ALGORITHMS: &[&str] = &["HS256", "ES256"];

/// The widest number of seconds chrono (and so `Timestamp::from`, lib.rs:699-707) represents
/// without panicking, rounded down: about year 255,000 either side of 1970.
const CHRONO_SECONDS: i64 = 8_000_000_000_000;

/// The claims a verifier decodes into: the registered claims and every other claim as JSON.
type Claims = ClaimsSet<Map<String, Value>>;

/// The `biscuit` crate behind the [`Implementation`] contract.
#[derive(Clone, Copy, Debug, Default)]
pub struct Biscuit;

impl Implementation for Biscuit {
    fn describe(&self) -> Description {
        description(
            "biscuit",
            BISCUIT_VERSION,
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
/// lines (in `biscuit-0.8.0/src/`) that show why.
///
/// Only what the library has no way to do at all. Checks it performs with mistakes (the `exp`
/// boundary, fractional dates, the year-9999 bound) are not limitations: they run, and their
/// deviations are recorded as known divergences in `vectors/exceptions/biscuit.json`.
const LIMITATIONS: &[(&str, &str)] = &[
    (
        checks::REQUIRED_CLAIMS,
        "`ClaimPresenceOptions` can require only iat, nbf, exp, iss, aud, sub and jti \
         (lib.rs:768-784, checked in `validate_claim_presence`, lines 857-900); no other \
         claim can be required",
    ),
    (
        checks::DUPLICATE_MEMBERS,
        "private claims are a flattened serde map (`ClaimsSet::private`, lib.rs:1022-1028) and \
         unknown header members are dropped into `Empty` (`Header::private`, jws.rs:228-234), where \
         the last duplicate wins or nothing is seen; serde rejects duplicates only of the \
         registered fields",
    ),
    (
        checks::CRIT,
        "`RegisteredHeader::critical` is parsed but \"currently not implemented\" \
         (jws.rs:327-332) and never consulted by `decode`/`decode_with_jwks` \
         (jws/compact.rs:104-210): any array of strings is accepted",
    ),
];

fn sign_token(request: &SignRequest) -> Result<String, Failure> {
    let (alg, secret) = match request.alg.as_str() {
        "HS256" => (SignatureAlgorithm::HS256, hmac_secret(&request.key)?),
        "ES256" => (SignatureAlgorithm::ES256, ecdsa_secret(&request.key)?),
        other => {
            return Err(fail(
                None,
                format!("this adapter signs HS256 and ES256 only, not {other:?}"),
            ))
        }
    };
    let header = build_header(&request.alg, alg, &request.header)?;
    let claims: Claims =
        serde_json::from_value(Value::Object(request.claims.clone())).map_err(|e| {
            fail(
                None,
                format!("biscuit's ClaimsSet cannot carry these claims: {e}"),
            )
        })?;
    match JWT::new_decoded(header, claims).into_encoded(&secret) {
        Ok(Compact::Encoded(compact)) => Ok(compact.encode()),
        Ok(Compact::Decoded { .. }) => Err(fail(None, "biscuit returned an unencoded token")),
        Err(e) => Err(fail(None, format!("biscuit could not sign: {e}"))),
    }
}

/// Builds the library's header from `alg` and the requested members.
///
/// The members go through `Header`'s own `Deserialize`: registered members land in
/// `RegisteredHeader` (no `typ` unless asked for: only its `Default` adds `"typ":"JWT"`,
/// jws.rs), others in the private map. The result is serialized back and compared with the
/// request, so a member the library cannot carry faithfully is a failure rather than a silently
/// different token. Member order cannot be honoured: `RegisteredHeader` writes its fields in
/// declaration order (alg, typ, cty, jku, jwk, kid, …), private members after them; the token
/// carries exactly the requested members, in that order.
fn build_header(
    alg_name: &str,
    alg: SignatureAlgorithm,
    members: &Map<String, Value>,
) -> Result<Header<Map<String, Value>>, Failure> {
    let header: Header<Map<String, Value>> =
        super::support::library_header("biscuit", alg_name, members)?;
    debug_assert_eq!(header.registered.algorithm, alg);
    Ok(header)
}

/// The HMAC secret: the JWK's `k` through the library's own JWK parsing.
fn hmac_secret(jwk: &Jwk) -> Result<Secret, Failure> {
    let lib = library_jwk(jwk).map_err(|p| fail(Some("invalid_key"), p))?;
    match lib.algorithm {
        AlgorithmParameters::OctetKey(oct) => Ok(Secret::Bytes(oct.value)),
        _ => Err(fail(Some("key_family_mismatch"), "HS256 needs an oct key")),
    }
}

/// The ES256 signing key: the JWK's `d` as PKCS#8 DER (the form the library reads), through a
/// private temporary file, `Secret::ecdsa_keypair_from_file` being the library's only way in.
fn ecdsa_secret(jwk: &Jwk) -> Result<Secret, Failure> {
    if jwk.kty != "EC" || jwk.crv.as_deref() != Some("P-256") {
        return Err(fail(
            Some("key_family_mismatch"),
            format!(
                "ES256 needs an EC P-256 key, not {:?} {:?}",
                jwk.kty, jwk.crv
            ),
        ));
    }
    let der = p256_pkcs8(jwk)?;
    let file = TempKeyFile::write(der.as_bytes())?;
    let path = file.0.to_str().ok_or_else(|| {
        fail(
            None,
            "the temporary directory's path is not UTF-8, which the library needs",
        )
    })?;
    Secret::ecdsa_keypair_from_file(SignatureAlgorithm::ES256, path)
        .map_err(|e| fail(Some("invalid_key"), format!("biscuit refused the key: {e}")))
}

/// A private key in a temporary file, removed when dropped.
struct TempKeyFile(PathBuf);

impl TempKeyFile {
    fn write(bytes: &[u8]) -> Result<Self, Failure> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "idjwt-biscuit-{}-{n}-{nanos}.p8",
            std::process::id()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut handle = options
            .open(&path)
            .map_err(|e| fail(None, format!("cannot create a temporary key file: {e}")))?;
        let file = TempKeyFile(path);
        handle
            .write_all(bytes)
            .and_then(|()| handle.flush())
            .map_err(|e| fail(None, format!("cannot write the temporary key file: {e}")))?;
        Ok(file)
    }
}

impl Drop for TempKeyFile {
    fn drop(&mut self) {
        // Best effort: nothing else can be done about a file that will not go away.
        let _ = std::fs::remove_file(&self.0);
    }
}

fn verify_token(request: &VerifyRequest) -> Result<Decoded, Failure> {
    let token: JWT<Map<String, Value>, Empty> = JWT::new_encoded(&request.token);
    // The library's own header parse (`unverified_header`, jws/compact.rs:368), for the `kid`
    // that decides between a key-set lookup and trying every key.
    let header = match token.unverified_header() {
        Ok(h) => h,
        Err(e) => {
            // The header does not parse. `decode_with_jwks` checks the segment count and the
            // signature's encoding before it parses the header (jws/compact.rs:150-161), so its
            // error (with no keys, it cannot get further) is the library's own first complaint.
            let empty: JWKSet<Empty> = JWKSet { keys: Vec::new() };
            let first = token.decode_with_jwks(&empty, None).err().unwrap_or(e);
            return Err(library_failure(&first, Part::Header, request, None));
        }
    };
    let header_alg = header.registered.algorithm;

    // Allow-list names are matched exactly; a name the adapter does not map can verify nothing,
    // so it is skipped rather than treated as an error.
    let mut allowed: Vec<SignatureAlgorithm> = Vec::new();
    for name in &request.algorithms {
        let alg = match name.as_str() {
            "HS256" => SignatureAlgorithm::HS256,
            "ES256" => SignatureAlgorithm::ES256,
            _ => continue,
        };
        if !allowed.contains(&alg) {
            allowed.push(alg);
        }
    }

    // Keys: the request's JWKs through the library's own `Deserialize`. A key it cannot read is
    // remembered, so that a `kid` naming it is reported as an unusable key.
    let (keys, unusable): (Vec<JWK<Empty>>, _) =
        library_keys(&request.keys, |jwk| library_jwk(&jwk.public()));

    let decoded = match &header.registered.key_id {
        Some(kid) => {
            // `decode_with_jwks` resolves the `kid` with `JWKSet::find` (jwk.rs:661-665) and checks
            // the header's `alg` against the expected one before verifying
            // (jws/compact.rs:166-196); it takes one expected algorithm, so each allowed one is
            // offered in turn.
            let set = JWKSet { keys };
            if set.find(kid).is_none() {
                if let Some(failure) = unusable_kid(&unusable, kid) {
                    return Err(failure);
                }
            }
            decode_by_kid(&token, &set, &allowed, request, header_alg)?
        }
        None => decode_without_kid(&token, &keys, &allowed, &unusable, request, header_alg)?,
    };
    validated(request, &decoded)
}

/// With a `kid`: the key set and the library's own lookup.
fn decode_by_kid(
    token: &JWT<Map<String, Value>, Empty>,
    set: &JWKSet<Empty>,
    allowed: &[SignatureAlgorithm],
    request: &VerifyRequest,
    header_alg: SignatureAlgorithm,
) -> Result<JWT<Map<String, Value>, Empty>, Failure> {
    if allowed.is_empty() {
        // With no expected algorithm and no `alg` in the JWK the library refuses
        // (`MissingAlgorithm`, jws/compact.rs:194).
        return token
            .decode_with_jwks(set, None)
            .map_err(|e| library_failure(&e, Part::Payload, request, Some(header_alg)));
    }
    let mut last: Option<BiscuitError> = None;
    for alg in allowed {
        match token.decode_with_jwks(set, Some(*alg)) {
            Ok(decoded) => return Ok(decoded),
            Err(BiscuitError::ValidationError(ValidationError::WrongAlgorithmHeader)) => {
                last = Some(ValidationError::WrongAlgorithmHeader.into());
            }
            Err(e) => {
                return Err(library_failure(
                    &e,
                    Part::Payload,
                    request,
                    Some(header_alg),
                ))
            }
        }
    }
    match last {
        Some(e) => Err(library_failure(
            &e,
            Part::Payload,
            request,
            Some(header_alg),
        )),
        None => Err(fail(None, "biscuit verified nothing")),
    }
}

/// Without a `kid`: `decode(&secret, alg)` for every allowed algorithm and every key of its
/// family (policy.md §3). The library verifies the signature under the algorithm it is given
/// before comparing the header's `alg` with it (jws/compact.rs:104-130).
fn decode_without_kid(
    token: &JWT<Map<String, Value>, Empty>,
    keys: &[JWK<Empty>],
    allowed: &[SignatureAlgorithm],
    unusable: &[(Option<String>, String)],
    request: &VerifyRequest,
    header_alg: SignatureAlgorithm,
) -> Result<JWT<Map<String, Value>, Empty>, Failure> {
    let mut tried = false;
    let mut last: Option<BiscuitError> = None;
    for alg in allowed {
        for key in keys {
            let secret = match (alg, &key.algorithm) {
                (SignatureAlgorithm::HS256, AlgorithmParameters::OctetKey(oct)) => {
                    Secret::Bytes(oct.value.clone())
                }
                (SignatureAlgorithm::ES256, AlgorithmParameters::EllipticCurve(ec))
                    if ec.curve == EllipticCurve::P256 =>
                {
                    ec.jws_public_key_secret()
                }
                _ => continue,
            };
            tried = true;
            match token.decode(&secret, *alg) {
                Ok(decoded) => return Ok(decoded),
                // Only the signature (and, with it, which algorithm fits) depends on the key and
                // the algorithm offered; anything else is final.
                Err(
                    e @ BiscuitError::ValidationError(
                        ValidationError::InvalidSignature | ValidationError::WrongAlgorithmHeader,
                    ),
                ) => {
                    let wrong_alg = matches!(
                        e,
                        BiscuitError::ValidationError(ValidationError::WrongAlgorithmHeader)
                    );
                    if last.is_none() || wrong_alg {
                        last = Some(e);
                    }
                }
                Err(e) => {
                    return Err(library_failure(
                        &e,
                        Part::Payload,
                        request,
                        Some(header_alg),
                    ))
                }
            }
        }
    }
    if let Some(e) = last {
        return Err(library_failure(
            &e,
            Part::Payload,
            request,
            Some(header_alg),
        ));
    }
    debug_assert!(!tried);
    // Nothing could be handed to the library.
    let key_problems: Vec<(&'static str, String)> = unusable
        .iter()
        .map(|(_, problem)| ("invalid_key", problem.clone()))
        .collect();
    Err(no_key_of_family(
        Some(&algorithm_name(header_alg)),
        &request.algorithms,
        &key_problems,
        !keys.is_empty(),
    ))
}

/// The verified token through `validate` with `ValidationOptions` built from the request.
fn validated(
    request: &VerifyRequest,
    decoded: &JWT<Map<String, Value>, Empty>,
) -> Result<Decoded, Failure> {
    if !(-CHRONO_SECONDS..=CHRONO_SECONDS).contains(&request.now) {
        return Err(fail(
            None,
            format!("now = {} is outside what chrono represents", request.now),
        ));
    }
    let now = Timestamp::from(request.now);
    // The leeway as chrono's `Duration`: the difference of two times that far apart. Capped at
    // chrono's range, which already spans every date a claim can hold.
    let leeway = i64::try_from(request.leeway)
        .unwrap_or(i64::MAX)
        .min(CHRONO_SECONDS);
    let epsilon = *Timestamp::from(leeway) - *Timestamp::from(0);
    let required = |name: &str| {
        if request.required.iter().any(|r| r == name) {
            Presence::Required
        } else {
            Presence::Optional
        }
    };
    let options = ValidationOptions {
        claim_presence_options: ClaimPresenceOptions {
            issued_at: required("iat"),
            not_before: required("nbf"),
            expiry: required("exp"),
            issuer: required("iss"),
            audience: required("aud"),
            subject: required("sub"),
            id: required("jti"),
        },
        temporal_options: TemporalOptions {
            epsilon,
            now: Some(now.into()),
        },
        // The default rejects an `iat` in the future (lib.rs:943-963); policy.md §5 accepts it
        // (RFC 7519 erratum 7720) and only type-checks `iat`, which `Timestamp` does.
        issued_at: Validation::Ignored,
        not_before: Validation::Validate(()),
        expiry: Validation::Validate(()),
        issuer: match &request.issuer {
            Some(i) => Validation::Validate(i.clone()),
            None => Validation::Ignored,
        },
        audience: match &request.audience {
            Some(a) => Validation::Validate(a.clone()),
            None => Validation::Ignored,
        },
    };
    decoded
        .validate(options)
        .map_err(|e| library_failure(&e, Part::Payload, request, None))?;
    let claims = match decoded.payload() {
        Ok(claims) => match serde_json::to_value(claims) {
            Ok(Value::Object(map)) => map,
            Ok(other) => {
                return Err(fail(
                    None,
                    format!("the decoded claims serialized as {other}"),
                ))
            }
            Err(e) => {
                return Err(fail(
                    None,
                    format!("the decoded claims cannot be serialized: {e}"),
                ))
            }
        },
        Err(e) => return Err(fail(None, format!("biscuit decoded no claims: {e}"))),
    };
    let header = verified_header(&request.token)?;
    Ok(Decoded { header, claims })
}

/// Our JWK as the library's `JWK<Empty>`, through its own `Deserialize`.
fn library_jwk(jwk: &Jwk) -> Result<JWK<Empty>, String> {
    let value = serde_json::to_value(jwk).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| format!("not a JWK biscuit understands: {e}"))
}

/// The name the header's algorithm is written with (its serde name, jwa.rs:78-112).
fn algorithm_name(alg: SignatureAlgorithm) -> String {
    match serde_json::to_value(alg) {
        Ok(Value::String(s)) => s,
        _ => format!("{alg:?}"),
    }
}

/// Which part of the token a library error concerns, for classifying JSON errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Header,
    Payload,
}

/// A library error as a [`Failure`] with the closest reason code, or none.
fn library_failure(
    e: &BiscuitError,
    part: Part,
    request: &VerifyRequest,
    header_alg: Option<SignatureAlgorithm>,
) -> Failure {
    let reason = match e {
        BiscuitError::DecodeError(DecodeError::PartsLengthError { .. }) => Some("segment_count"),
        BiscuitError::DecodeError(DecodeError::InvalidToken) => None,
        BiscuitError::ValidationError(v) => match v {
            ValidationError::InvalidSignature => Some("bad_signature"),
            ValidationError::WrongAlgorithmHeader | ValidationError::MissingAlgorithm => {
                if let Some(alg) = header_alg {
                    let refusal = alg_refusal(Some(&algorithm_name(alg)), &request.algorithms);
                    return Failure {
                        error: format!("biscuit rejected the token: {e} ({})", refusal.error),
                        reason: refusal.reason,
                    };
                }
                Some("alg_not_allowed")
            }
            ValidationError::MissingRequiredClaims(_) => Some("missing_claim"),
            ValidationError::Expired(_) => Some("expired"),
            ValidationError::NotYetValid(_) => Some("not_yet_valid"),
            ValidationError::TooOld(_) => None,
            ValidationError::InvalidIssuer(_) => Some("issuer_mismatch"),
            ValidationError::InvalidAudience(_) => Some("audience_mismatch"),
            ValidationError::KidMissing => None,
            ValidationError::KeyNotFound => Some("unknown_kid"),
            ValidationError::UnsupportedKeyAlgorithm => Some("key_family_mismatch"),
        },
        BiscuitError::JsonError(json) => classify_json(json, part),
        BiscuitError::DecodeBase64(_) => Some("invalid_base64"),
        BiscuitError::Utf8(_) => Some("invalid_json"),
        BiscuitError::KeyRejected(_) => Some("invalid_key"),
        BiscuitError::WrongKeyType { .. } => Some("key_family_mismatch"),
        BiscuitError::UnspecifiedCryptographicError => Some("bad_signature"),
        _ => None,
    };
    let what = match part {
        Part::Header => "header",
        Part::Payload => "token",
    };
    fail(reason, format!("biscuit rejected the {what}: {e}"))
}

/// serde_json's errors as reason codes, from its category and its (stable) messages, and serde's
/// derive messages for the typed header and registered claims; anything not recognised stays
/// unclassified rather than guessed.
fn classify_json(e: &serde_json::Error, part: Part) -> Option<&'static str> {
    json_reason(e, &JSON, |msg| match part {
        Part::Header => header_data(msg),
        Part::Payload => {
            if msg.starts_with("invalid type")
                || msg.starts_with("data did not match any variant of untagged enum")
            {
                // A registered claim of the wrong type (`aud` is `SingleOrMultiple`, lib.rs).
                Some("claim_type")
            } else if msg.starts_with("invalid value: integer") && msg.contains("expected i64") {
                // A date above i64::MAX (`Timestamp` reads an i64, lib.rs:723).
                Some("date_out_of_range")
            } else {
                None
            }
        }
    })
}

/// serde's derive messages for biscuit's typed header as reason codes.
fn header_data(msg: &str) -> Option<&'static str> {
    if msg.starts_with("missing field `alg`") {
        Some("alg_missing")
    } else if msg.starts_with("unknown variant") && msg.contains("expected one of `none`") {
        // Only `SignatureAlgorithm` lists `none` among its variants.
        let variant = msg.split('`').nth(1).unwrap_or_default();
        if variant.eq_ignore_ascii_case("none") {
            Some("alg_none")
        } else {
            Some("alg_not_allowed")
        }
    } else if msg.starts_with("invalid type") {
        Some("header_member_type")
    } else {
        None
    }
}

/// How serde_json's errors read when biscuit decodes its typed header and registered claims.
const JSON: JsonRules = JsonRules {
    surrogate: SURROGATE_OR_CUT_ESCAPE,
    duplicate_field: true,
    objects: &["expected a map", "expected struct"],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impls::testkit::{self, ec_key as ec_test_key, oct, reason, AUDIENCE, SECRET};
    use serde_json::json;

    /// The injected verification time: far from the system clock, so that honouring it shows.
    const NOW: i64 = 1_500_000_000;

    testkit::adapter_test_helpers! {
        implementation: Biscuit,
        now: NOW,
        hs256_header: {"kid": "k1"},
    }

    testkit::adapter_tests! {
        implementation: Biscuit,
        now: NOW,
        package: "biscuit",
        version: BISCUIT_VERSION,
    }

    testkit::issuer_audience_tests! {
        implementation: Biscuit,
        now: NOW,
    }

    #[test]
    fn without_kid_every_ec_key_is_tried() {
        let c = claims(json!({}));
        let key = ec_test_key(0x11, Some("ec-1"));
        // Without a kid in the token, every EC key is tried.
        let token = sign("ES256", key.clone(), json!({}), c.clone());
        let keys = vec![ec_test_key(0x22, Some("other")), oct(SECRET, None), key];
        Biscuit
            .verify(&verify_request(token, &["HS256", "ES256"], keys))
            .expect("the third key verifies");
    }

    #[test]
    fn temporary_key_file_is_private_and_removed() {
        let file = TempKeyFile::write(b"not a real key").expect("written");
        let path = file.0.clone();
        let meta = std::fs::metadata(&path).expect("exists while in use");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(meta.len(), 14);
        drop(file);
        assert!(!path.exists(), "{path:?} is removed");
    }

    #[test]
    fn sign_carries_exactly_the_requested_members() {
        let token = sign(
            "HS256",
            oct(SECRET, Some("k1")),
            json!({}),
            claims(json!({})),
        );
        let header = verified_header(&token).expect("header");
        assert_eq!(Value::Object(header), json!({"alg": "HS256"}));
        for header in [
            json!({"kid": 5}),
            json!({"alg": "ES256"}),
            json!({"typ": null}),
        ] {
            let request = SignRequest {
                id: "s".into(),
                alg: "HS256".into(),
                key: oct(SECRET, None),
                header: header.as_object().cloned().expect("object"),
                claims: claims(json!({})),
            };
            assert!(Biscuit.sign(&request).is_err(), "{header}");
        }
    }

    #[test]
    fn injected_now_and_leeway_are_honoured() {
        // Valid at NOW, long expired by the system clock.
        verify_hs256(hs256_token(json!({}))).expect("valid at the injected now");
        let mut request = verify_request(
            hs256_token(json!({"exp": NOW - 20})),
            &["HS256"],
            vec![oct(SECRET, Some("k1"))],
        );
        assert_eq!(reason(Biscuit.verify(&request)).as_deref(), Some("expired"));
        request.leeway = 30;
        Biscuit.verify(&request).expect("within the leeway");
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
    fn audience_array_containing_the_audience_accepted() {
        let token = hs256_token(json!({"aud": ["other-app", AUDIENCE]}));
        verify_hs256(token).expect("an array containing the audience");
    }

    #[test]
    fn missing_required_claim_rejected() {
        let token = hs256_token(json!({"exp": null}));
        assert_eq!(
            reason(verify_hs256(token)).as_deref(),
            Some("missing_claim")
        );
    }

    #[test]
    fn es256_bad_signature_rejected() {
        // ES256 signed by another key under the same kid.
        let token = sign(
            "ES256",
            ec_test_key(0x22, Some("ec-1")),
            json!({"kid": "ec-1"}),
            claims(json!({})),
        );
        let request = verify_request(token, &["ES256"], vec![ec_test_key(0x11, Some("ec-1"))]);
        assert_eq!(
            reason(Biscuit.verify(&request)).as_deref(),
            Some("bad_signature")
        );
    }

    #[test]
    fn allowed_family_without_a_key_rejected() {
        // No kid: the allowed family has no key.
        let token = sign("HS256", oct(SECRET, None), json!({}), claims(json!({})));
        let request = verify_request(token, &["HS256"], vec![ec_test_key(0x11, None)]);
        assert_eq!(
            reason(Biscuit.verify(&request)).as_deref(),
            Some("key_family_mismatch")
        );
    }

    #[test]
    fn unlabelled_keys_do_not_match_a_kid() {
        let token = hs256_token(json!({}));
        let request = verify_request(token, &["HS256"], vec![oct(SECRET, None)]);
        assert_eq!(
            reason(Biscuit.verify(&request)).as_deref(),
            Some("unknown_kid")
        );
    }

    fn verify_raw(header: &str, payload: &str, required: &[&str]) -> Result<Decoded, Failure> {
        let mut request = testkit::raw_request_at(NOW, header, payload, required);
        request.issuer = None;
        request.audience = None;
        Biscuit.verify(&request)
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
            assert!(Biscuit.verify(&request).is_err(), "{token:?}");
        }
        // A date chrono cannot hold panics inside the library (lib.rs:725) and reaches the
        // caller as a panic: the runner reports it, and `biscuit::panics-on-huge-dates`
        // records it.
        let huge = crate::guard::catch(|| {
            verify_raw(
                r#"{"alg":"HS256"}"#,
                r#"{"sub":"u","exp":9223372036854775807}"#,
                &[],
            )
        });
        assert!(
            huge.is_err(),
            "biscuit no longer panics on a huge exp: {huge:?}"
        );
        let mut request = verify_request(
            hs256_token(json!({"nbf": NOW})),
            &["HS256"],
            vec![oct(SECRET, Some("k1"))],
        );
        request.leeway = u64::MAX;
        Biscuit
            .verify(&request)
            .expect("a huge leeway accepts a valid token");
        request.now = i64::MAX;
        let extreme = crate::guard::catch(|| Biscuit.verify(&request));
        assert!(matches!(extreme, Ok(Err(_))), "{extreme:?}");
    }

    /// Each declared limitation is real, and so is each divergence that is deliberately not
    /// declared: the library accepts what policy.md rejects. When a release starts enforcing
    /// one of these, this test fails and `describe` or the exceptions file must be updated.
    #[test]
    fn declared_limitations_are_real() {
        let exp = NOW + 3600;
        // Divergences, not limitations: dates are checked without the year-9999 bound, and
        // `exp == now` is still valid (lib.rs:913: `now - expiry > epsilon`).
        let shared =
            "crit-unknown custom-claim-not-required duplicate-claim duplicate-header-member \
                      exp-milliseconds exp-equals-now";
        let declared = Biscuit.describe();
        let limitations = [
            checks::CRIT,
            checks::REQUIRED_CLAIMS,
            checks::DUPLICATE_MEMBERS,
        ];
        let base = (r#""sub":"u","#, NOW);
        testkit::assert_accepted(&declared, &limitations, shared, &[], base, verify_raw);
        assert_eq!(declared.cannot_enforce.len(), limitations.len());
        // The checks not declared are enforced.
        for (payload, required) in [
            (r#"{"sub":"u","exp":"soon"}"#.to_owned(), vec![]),
            (r#"{"sub":"u"}"#.to_owned(), vec!["exp"]),
            (format!(r#"{{"sub":"u","exp":{exp},"exp":{exp}}}"#), vec![]),
        ] {
            let got = verify_raw(r#"{"alg":"HS256"}"#, &payload, &required);
            assert!(got.is_err(), "{payload}");
        }
    }

    #[test]
    fn library_errors_get_the_closest_code() {
        let exp = NOW + 3600;
        let ok = format!(r#"{{"sub":"u","exp":{exp}}}"#);
        let shared = "alg-lowercase alg-none-uppercase alg-missing kid-number header-array \
                      header-trailing-comma claims-array claims-trailing-text exp-string exp-twice \
                      claims-too-deep lone-surrogate";
        testkit::assert_refusals(shared, &[], &ok, exp, |h, p| verify_raw(h, p, &[]));
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
        let d = Biscuit.describe();
        assert_eq!(d.name, "biscuit");
        assert_eq!(d.clock, Clock::Injected);
        for check in [
            checks::KID,
            checks::EXPIRY,
            checks::NOT_BEFORE,
            checks::ISSUER,
            checks::AUDIENCE,
            checks::DATE_TYPES,
        ] {
            assert!(d.limitation(check).is_none(), "{check}");
        }
    }
}
