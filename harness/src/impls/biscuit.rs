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
//! [`Biscuit::describe`]: crate::contract::Implementation::describe
//!
//! Clock: `TemporalOptions::now` replaces `Utc::now()` in the `exp`/`nbf` checks
//! (helpers/temporal_options.rs:11-14, lib.rs:903-941), and `epsilon` is the leeway, so the request's
//! `now` and `leeway` are honoured and the description says
//! [`Clock::Injected`](crate::contract::Clock::Injected). The crate does
//! not re-export chrono; its `Timestamp` (lib.rs:678, 699-707) converts seconds to the `DateTime<Utc>` and
//! the difference of two such times is the `Duration` the options take.
//!
//! Defaults mode: `decode` alone, as the crate's own example (lib.rs:146-206) verifies a token.
//! It checks the `alg`, the signature and that the claims parse, and compares no claim: dates,
//! issuer and audience are compared only by `validate(ValidationOptions)` (jws/compact.rs:407,
//! lib.rs:1003), a further call the caller has to make. No clock is read, so the description
//! keeps one clock for both modes.
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

use super::support::Unusable;
use super::support::{
    alg_enum_header_reason, alg_refusal, fail, json_reason, library_keys, no_key_of_family,
    p256_pkcs8, rsa_pkcs1_der, unusable_kid, verified_header, JsonRules, SURROGATE_OR_CUT_ESCAPE,
};
use crate::contract::{
    checks, Decoded, Failure, Jwk, KeyUse, PreparedKeys, SignRequest, VerifyMode, VerifyRequest,
};
use crate::verdict::Part;

/// The version of the `biscuit` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const BISCUIT_VERSION: &str = "0.8.0";

/// The algorithms this adapter maps onto the library's `SignatureAlgorithm` (jwa.rs:78-112).
const ALGORITHMS: &[&str] = &["HS256", "ES256", "RS256", "RS512"];

/// The widest number of seconds chrono (and so `Timestamp::from`, lib.rs:699-707) represents
/// without panicking, rounded down: about year 255,000 either side of 1970.
const CHRONO_SECONDS: i64 = 8_000_000_000_000;

/// The claims a verifier decodes into: the registered claims and every other claim as JSON.
type Claims = ClaimsSet<Map<String, Value>>;

super::support::injected_clock_adapter! {
    /// The `biscuit` crate behind the [`Implementation`](crate::contract::Implementation)
    /// contract.
    Biscuit: "biscuit", BISCUIT_VERSION, ALGORITHMS, LIMITATIONS,
    defaults_clock: None,
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

/// The library's keys, made once.
enum Prepared {
    /// The signing JWK as an HS256, an ES256 and an RSA `Secret` (each, or why it is not one).
    Signing {
        hs256: Result<Secret, Failure>,
        es256: Result<Secret, Failure>,
        rsa: Result<Secret, Failure>,
    },
    /// The verifying JWKs the library reads, as its `JWKSet` (for a `kid`), each one's
    /// `Secret` for HS256, for ES256 and for RS256/RS512 where it is of that family (without a
    /// `kid`), and the
    /// JWKs it cannot read, with their `kid`.
    Verifying {
        set: JWKSet<Empty>,
        secrets: Vec<[Option<Secret>; 3]>,
        unusable: Vec<Unusable>,
    },
}

fn prepare_keys(key_use: KeyUse, keys: &[Jwk]) -> PreparedKeys {
    PreparedKeys::new(match key_use {
        KeyUse::Sign => {
            let none = || fail(Some("invalid_key"), "no key");
            Prepared::Signing {
                hs256: keys.first().ok_or_else(none).and_then(hmac_secret),
                es256: keys.first().ok_or_else(none).and_then(ecdsa_secret),
                rsa: keys.first().ok_or_else(none).and_then(rsa_secret),
            }
        }
        KeyUse::Verify => {
            // A key the library cannot read is remembered, so that a `kid` naming it is reported
            // as an unusable key.
            let (keys, unusable): (Vec<JWK<Empty>>, _) =
                library_keys(keys, |jwk| library_jwk(&jwk.public()));
            let secrets = keys
                .iter()
                .map(|key| match &key.algorithm {
                    AlgorithmParameters::OctetKey(oct) => {
                        [Some(Secret::Bytes(oct.value.clone())), None, None]
                    }
                    AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
                        [None, Some(ec.jws_public_key_secret()), None]
                    }
                    // `Secret::RSAModulusExponent` (jwk.rs:468-476), verified on ring.
                    AlgorithmParameters::RSA(rsa) => {
                        [None, None, Some(rsa.jws_public_key_secret())]
                    }
                    _ => [None, None, None],
                })
                .collect();
            Prepared::Verifying {
                set: JWKSet { keys },
                secrets,
                unusable,
            }
        }
    })
}

fn sign_token(keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
    let (hs256, es256, rsa) = match keys.get::<Prepared>()? {
        Prepared::Signing { hs256, es256, rsa } => (hs256, es256, rsa),
        Prepared::Verifying { .. } => {
            return Err(fail(None, "these keys were prepared for verifying"))
        }
    };
    let (alg, secret) = match request.alg.as_str() {
        "HS256" => (
            SignatureAlgorithm::HS256,
            hs256.as_ref().map_err(Clone::clone)?,
        ),
        "ES256" => (
            SignatureAlgorithm::ES256,
            es256.as_ref().map_err(Clone::clone)?,
        ),
        "RS256" => (
            SignatureAlgorithm::RS256,
            rsa.as_ref().map_err(Clone::clone)?,
        ),
        "RS512" => (
            SignatureAlgorithm::RS512,
            rsa.as_ref().map_err(Clone::clone)?,
        ),
        other => {
            return Err(fail(
                None,
                format!("this adapter signs HS256, ES256, RS256 and RS512 only, not {other:?}"),
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
    match JWT::new_decoded(header, claims).into_encoded(secret) {
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

/// The RSA signing key: PKCS#1 DER through a private temporary file, as for ES256
/// (`Secret::rsa_keypair_from_file`, jws.rs, into ring's `RsaKeyPair::from_der`).
fn rsa_secret(jwk: &Jwk) -> Result<Secret, Failure> {
    if jwk.kty != "RSA" {
        return Err(fail(
            Some("key_family_mismatch"),
            format!("RS256 needs an RSA key, not {:?}", jwk.kty),
        ));
    }
    let der = rsa_pkcs1_der(jwk)?;
    let file = TempKeyFile::write(&der)?;
    let path = file.0.to_str().ok_or_else(|| {
        fail(
            None,
            "the temporary directory's path is not UTF-8, which the library needs",
        )
    })?;
    Secret::rsa_keypair_from_file(path)
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

fn verify_token(keys: &PreparedKeys, request: &VerifyRequest) -> Result<Decoded, Failure> {
    let (set, secrets, unusable) = match keys.get::<Prepared>()? {
        Prepared::Verifying {
            set,
            secrets,
            unusable,
        } => (set, secrets, unusable),
        Prepared::Signing { .. } => return Err(fail(None, "these keys were prepared for signing")),
    };
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
            "RS256" => SignatureAlgorithm::RS256,
            "RS512" => SignatureAlgorithm::RS512,
            _ => continue,
        };
        if !allowed.contains(&alg) {
            allowed.push(alg);
        }
    }

    let decoded = match &header.registered.key_id {
        Some(kid) => {
            // `decode_with_jwks` resolves the `kid` with `JWKSet::find` (jwk.rs:661-665) and checks
            // the header's `alg` against the expected one before verifying
            // (jws/compact.rs:166-196); it takes one expected algorithm, so each allowed one is
            // offered in turn.
            if set.find(kid).is_none() {
                if let Some(failure) = unusable_kid(unusable, kid) {
                    return Err(failure);
                }
            }
            decode_by_kid(&token, set, &allowed, request, header_alg)?
        }
        None => decode_without_kid(&token, secrets, &allowed, unusable, request, header_alg)?,
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
            .map_err(|e| token_failure(&e, request, header_alg));
    }
    let mut last: Option<BiscuitError> = None;
    for alg in allowed {
        match token.decode_with_jwks(set, Some(*alg)) {
            Ok(decoded) => return Ok(decoded),
            Err(BiscuitError::ValidationError(ValidationError::WrongAlgorithmHeader)) => {
                last = Some(ValidationError::WrongAlgorithmHeader.into());
            }
            Err(e) => return Err(token_failure(&e, request, header_alg)),
        }
    }
    match last {
        Some(e) => Err(token_failure(&e, request, header_alg)),
        None => Err(fail(None, "biscuit verified nothing")),
    }
}

/// Without a `kid`: `decode(&secret, alg)` for every allowed algorithm and every key of its
/// family (policy.md §3). The library verifies the signature under the algorithm it is given
/// before comparing the header's `alg` with it (jws/compact.rs:104-130).
fn decode_without_kid(
    token: &JWT<Map<String, Value>, Empty>,
    secrets: &[[Option<Secret>; 3]],
    allowed: &[SignatureAlgorithm],
    unusable: &[(Option<String>, String)],
    request: &VerifyRequest,
    header_alg: SignatureAlgorithm,
) -> Result<JWT<Map<String, Value>, Empty>, Failure> {
    let mut tried = false;
    let mut last: Option<BiscuitError> = None;
    for alg in allowed {
        for [hs256, es256, rsa] in secrets {
            let secret = match (alg, hs256, es256, rsa) {
                (SignatureAlgorithm::HS256, Some(secret), _, _)
                | (SignatureAlgorithm::ES256, _, Some(secret), _)
                | (SignatureAlgorithm::RS256 | SignatureAlgorithm::RS512, _, _, Some(secret)) => {
                    secret
                }
                _ => continue,
            };
            tried = true;
            match token.decode(secret, *alg) {
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
                Err(e) => return Err(token_failure(&e, request, header_alg)),
            }
        }
    }
    if let Some(e) = last {
        return Err(token_failure(&e, request, header_alg));
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
        !secrets.is_empty(),
    ))
}

/// The verified token through `validate` with `ValidationOptions` built from the request; in
/// defaults mode, as `decode` returned it.
fn validated(
    request: &VerifyRequest,
    decoded: &JWT<Map<String, Value>, Empty>,
) -> Result<Decoded, Failure> {
    if request.mode == VerifyMode::Configured {
        validate(request, decoded)?;
    }
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

/// `validate` with `ValidationOptions` built from the request.
fn validate(
    request: &VerifyRequest,
    decoded: &JWT<Map<String, Value>, Empty>,
) -> Result<(), Failure> {
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
        .map_err(|e| library_failure(&e, Part::Payload, request, None))
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

/// A library error about a token whose header parsed, with `alg` `header_alg`, as a [`Failure`]
/// ([`library_failure`]).
fn token_failure(
    e: &BiscuitError,
    request: &VerifyRequest,
    header_alg: SignatureAlgorithm,
) -> Failure {
    library_failure(e, Part::Payload, request, Some(header_alg))
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
        Part::Payload | Part::Signature => "token",
    };
    fail(reason, format!("biscuit rejected the {what}: {e}"))
}

/// serde_json's errors as reason codes, from its category and its (stable) messages, and serde's
/// derive messages for the typed header and registered claims; anything not recognised stays
/// unclassified rather than guessed.
fn classify_json(e: &serde_json::Error, part: Part) -> Option<&'static str> {
    json_reason(e, &JSON, |msg| match part {
        // Only `SignatureAlgorithm` lists `none` among its variants.
        Part::Header => alg_enum_header_reason(msg, "expected one of `none`"),
        Part::Payload | Part::Signature => {
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

/// How serde_json's errors read when biscuit decodes its typed header and registered claims.
const JSON: JsonRules = JsonRules {
    surrogate: SURROGATE_OR_CUT_ESCAPE,
    duplicate_field: true,
    objects: &["expected a map", "expected struct"],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Clock, Implementation as _};
    use crate::impls::testkit::{self, ec_key as ec_test_key, oct, AUDIENCE, SECRET};
    use serde_json::json;

    use crate::impls::testkit::NOW_2017 as NOW;

    testkit::adapter_tests! {
        implementation: Biscuit,
        now: NOW,
        hs256_header: {"kid": "k1"},
        package: "biscuit",
        version: BISCUIT_VERSION,
    }

    /// `decode` alone compares no claim: dates, issuer and audience go unchecked.
    #[test]
    fn defaults_mode_compares_no_claim() {
        testkit::assert_modes(&Biscuit, |now| {
            let iss = testkit::ISSUER;
            vec![
                (
                    format!(
                        r#"{{"sub":"u","iss":"{iss}","aud":"{AUDIENCE}","exp":{}}}"#,
                        now - 600
                    ),
                    Some("expired"),
                    None,
                ),
                (
                    format!(
                        r#"{{"sub":"u","iss":"someone-else","aud":"{AUDIENCE}","exp":{}}}"#,
                        now + 600
                    ),
                    Some("issuer_mismatch"),
                    None,
                ),
            ]
        });
    }

    #[test]
    fn keys_are_chosen_by_kid_and_family() {
        let ec_1 = || ec_test_key(0x11, Some("ec-1"));
        let es256 = |key, header| sign("ES256", key, header, claims(json!({})));
        let hs256 = sign("HS256", oct(SECRET, None), json!({}), claims(json!({})));
        #[rustfmt::skip]
        let rows: &[testkit::VerdictRow] = &[
            // Without a kid in the token, every EC key is tried: the third key verifies.
            (es256(ec_1(), json!({})), &["HS256", "ES256"], vec![ec_test_key(0x22, Some("other")), oct(SECRET, None), ec_1()], None),
            // ES256 signed by another key under the same kid.
            (es256(ec_test_key(0x22, Some("ec-1")), json!({"kid": "ec-1"})), &["ES256"], vec![ec_1()], Some("bad_signature")),
            // No kid: the allowed family has no key.
            (hs256, &["HS256"], vec![ec_test_key(0x11, None)], Some("key_family_mismatch")),
            // Unlabelled keys do not match a kid.
            (hs256_token(json!({})), &["HS256"], vec![oct(SECRET, None)], Some("unknown_kid")),
        ];
        testkit::assert_verdicts(&Biscuit, NOW, rows);
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
        let key = oct(SECRET, Some("k1"));
        let header = testkit::signed_header(&Biscuit, NOW, "HS256", key, json!({}));
        assert_eq!(header, json!({"alg": "HS256"}));
        testkit::assert_sign_refuses(&Biscuit, NOW, "kid-number alg-contradicts typ-null");
    }

    #[test]
    fn injected_clock_leeway_and_claims_get_their_verdicts() {
        assert_hs256_verdicts(&[
            // Valid at NOW, long expired by the system clock.
            (json!({}), NOW, 0, None),
            (json!({"exp": NOW - 20}), NOW, 0, Some("expired")),
            (json!({"exp": NOW - 20}), NOW, 30, None),
            (json!({"nbf": NOW + 60}), NOW, 0, Some("not_yet_valid")),
            (json!({"aud": ["other-app", AUDIENCE]}), NOW, 0, None),
            (json!({"exp": null}), NOW, 0, Some("missing_claim")),
        ]);
    }

    fn verify_raw(header: &str, payload: &str, required: &[&str]) -> Result<Decoded, Failure> {
        let mut request = testkit::raw_request_at(NOW, header, payload, required);
        request.issuer = None;
        request.audience = None;
        Biscuit.verify(&request)
    }

    #[test]
    fn huge_dates_panic_in_the_library() {
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
        let token = hs256_token(json!({"nbf": NOW}));
        verify_hs256_at(token.clone(), NOW, u64::MAX).expect("a huge leeway accepts a valid token");
        let extreme = crate::guard::catch(|| verify_hs256_at(token, i64::MAX, u64::MAX));
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
        let limitations = [
            checks::CRIT,
            checks::REQUIRED_CLAIMS,
            checks::DUPLICATE_MEMBERS,
        ];
        let base = (r#""sub":"u","#, NOW);
        testkit::assert_accepted(
            &Biscuit.describe(),
            &limitations,
            shared,
            &[],
            base,
            verify_raw,
        );
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
        assert_hs256_refusals(&[
            ("{token}x=", "invalid_base64"),
            ("only.two", "segment_count"),
        ]);
    }

    #[test]
    fn describe_declares_known_limitations() {
        let enforced = [
            checks::KID,
            checks::EXPIRY,
            checks::NOT_BEFORE,
            checks::ISSUER,
            checks::AUDIENCE,
            checks::DATE_TYPES,
        ];
        testkit::assert_describes(&Biscuit, "biscuit", Clock::Injected, &enforced);
    }
}
