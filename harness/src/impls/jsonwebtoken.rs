//! The `jsonwebtoken` crate (Keats/jsonwebtoken) as an implementation under test.
//!
//! Backend: the library's signatures and MACs come from a process-wide `CryptoProvider`
//! (crypto/mod.rs:83-102). The crate feature `jsonwebtoken-rust-crypto` (default) selects the
//! RustCrypto provider and the name `jsonwebtoken`; `jsonwebtoken-aws-lc` alone selects the
//! aws-lc-rs provider and the name `jsonwebtoken-aws-lc` (built outside the workspace, as
//! `adapters/rust-jsonwebtoken-aws-lc/`). The provider is installed explicitly on first use
//! ([`backend`]), because the library picks one by itself only when exactly one of its backend
//! features is on (crypto/mod.rs:104-131: with both it panics on first use).
//!
//! The adapter uses the library the way its documentation does: `encode` with a `Header` and an
//! `EncodingKey`; `decode_header`, a `JwkSet` looked up by `kid`, `DecodingKey::from_jwk` and
//! `decode` with a `Validation` built from the request. Everything the library cannot be told is
//! declared in [`JsonWebToken::describe`]'s `cannot_enforce`, with the source lines that show it
//! (paths relative to `jsonwebtoken-11.1.0/src/`). The adapter never re-checks what the library
//! checks and never checks what it does not: a limitation stays visible in the results.
//!
//! Clock: the library compares against `get_current_timestamp()` (validation.rs:268, the system
//! clock) and offers no way to pass "now", so the request's `now` is ignored and the description
//! says [`Clock::System`], in both verify modes.
//!
//! Defaults mode: `Validation::new` with the allow-list of the key's family and nothing else
//! ([`validation_for`]); what that leaves is listed there.

use std::str::FromStr;

use ::jsonwebtoken::crypto::CryptoProvider;
use ::jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use ::jsonwebtoken::jwk::{Jwk as LibJwk, JwkSet};
use ::jsonwebtoken::{
    decode, decode_header, encode, get_current_timestamp, Algorithm, AlgorithmFamily, DecodingKey,
    EncodingKey, Header, Validation,
};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::support::Unusable;
use super::support::{
    alg_enum_header_reason, b64url, description, fail, json_reason, library_keys, p256_pkcs8,
    rsa_pkcs1_der, unknown_kid, unusable_kid, verified_header, JsonRules, SURROGATE,
};
use crate::contract::prepared::{sign_unprepared, verify_unprepared};
use crate::contract::{
    checks, Clock, Decoded, Description, Failure, Implementation, Jwk, KeyUse, PreparedKeys,
    SignRequest, VerifyMode, VerifyRequest,
};
use crate::verdict::Part;

/// The version of the `jsonwebtoken` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const JSONWEBTOKEN_VERSION: &str = "11.1.0";

/// The name this build describes itself with: one per crypto backend, so that the two builds'
/// results and exceptions files stay apart.
pub const NAME: &str = if cfg!(all(
    feature = "jsonwebtoken-aws-lc",
    not(feature = "jsonwebtoken-rust-crypto")
)) {
    "jsonwebtoken-aws-lc"
} else {
    "jsonwebtoken"
};

/// The library's `CryptoProvider` this build uses, if it was built with one.
#[cfg(feature = "jsonwebtoken-rust-crypto")]
static PROVIDER: Option<&CryptoProvider> =
    Some(&::jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER);
#[cfg(all(
    feature = "jsonwebtoken-aws-lc",
    not(feature = "jsonwebtoken-rust-crypto")
))]
static PROVIDER: Option<&CryptoProvider> = Some(&::jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER);
#[cfg(not(any(feature = "jsonwebtoken-rust-crypto", feature = "jsonwebtoken-aws-lc")))]
static PROVIDER: Option<&CryptoProvider> = None;

/// Installs [`PROVIDER`] as the library's process-wide provider (once; later calls only report
/// the outcome). Every library call that signs, verifies or converts a JWK goes through it first,
/// so a build without a backend, or a process where someone else installed another provider,
/// gets an error answer instead of a panic or a mislabelled result.
fn backend() -> Result<(), Failure> {
    static INSTALLED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let outcome = INSTALLED.get_or_init(|| {
        let Some(provider) = PROVIDER else {
            return Err(
                "idjwt was built without a jsonwebtoken crypto backend (features \
                 jsonwebtoken-rust-crypto, jsonwebtoken-aws-lc)"
                    .to_owned(),
            );
        };
        match provider.install_default() {
            Ok(()) => Ok(()),
            // Already installed: fine if it is this very provider (the library may have chosen
            // it from its features before this call).
            Err(installed) if std::ptr::eq(installed, provider) => Ok(()),
            Err(_) => Err(format!(
                "another jsonwebtoken CryptoProvider is installed in this process, not the one \
                 {NAME} is built for"
            )),
        }
    });
    outcome.clone().map_err(|e| fail(None, e))
}

/// The library's keys, prepared once.
enum Prepared {
    /// The signing key, or why the JWK is not one.
    Signing(Result<EncodingKey, Failure>),
    /// The verifying keys: the library's `JwkSet`, each key's `DecodingKey` (same order), and
    /// the JWKs that did not convert, with their `kid`.
    Verifying {
        set: JwkSet,
        decoding: Vec<Result<DecodingKey, String>>,
        unusable: Vec<Unusable>,
    },
    /// No crypto backend could be installed: every request gets this failure.
    NoBackend(Failure),
}

/// The answer to keys prepared for the other use.
fn wrong_use() -> Failure {
    fail(None, "these keys were prepared for the other use")
}

/// The claims `Validation::required_spec_claims` understands (validation.rs:252-260); any other
/// name in that set is skipped by the library.
const SPEC_CLAIMS: &[&str] = &["exp", "nbf", "aud", "iss", "sub"];

/// The `jsonwebtoken` crate behind the [`Implementation`] contract.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonWebToken;

impl Implementation for JsonWebToken {
    fn describe(&self) -> Description {
        description(
            NAME,
            JSONWEBTOKEN_VERSION,
            &["HS256", "ES256", "RS256", "RS512"],
            (Clock::System, None),
            LIMITATIONS,
        )
    }

    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        sign_unprepared(self, request)
    }

    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        verify_unprepared(self, request)
    }

    /// Signing: the `EncodingKey`. Verifying: the request's JWKs as the library's `JwkSet` (a key
    /// that does not convert is remembered with its `kid`, so that a `kid` naming it is reported
    /// as an unusable key rather than an unknown one) and each one's `DecodingKey::from_jwk`.
    fn prepare(&self, key_use: KeyUse, keys: &[Jwk]) -> PreparedKeys {
        if let Err(failure) = backend() {
            return PreparedKeys::new(Prepared::NoBackend(failure));
        }
        match key_use {
            KeyUse::Sign => PreparedKeys::new(Prepared::Signing(
                keys.first()
                    .map(encoding_key)
                    .unwrap_or_else(|| Err(fail(Some("invalid_key"), "no key"))),
            )),
            KeyUse::Verify => {
                let (keys, unusable) = library_keys(keys, library_jwk);
                let decoding = keys
                    .iter()
                    .map(|jwk| {
                        DecodingKey::from_jwk(jwk)
                            .map_err(|e| format!("DecodingKey::from_jwk: {e}"))
                    })
                    .collect();
                PreparedKeys::new(Prepared::Verifying {
                    set: JwkSet { keys },
                    decoding,
                    unusable,
                })
            }
        }
    }

    fn sign_prepared(&self, keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
        backend()?;
        let key = match keys.get::<Prepared>()? {
            Prepared::Signing(key) => key,
            Prepared::NoBackend(failure) => return Err(failure.clone()),
            Prepared::Verifying { .. } => return Err(wrong_use()),
        };
        let alg = Algorithm::from_str(&request.alg).map_err(|_| {
            fail(
                None,
                format!("jsonwebtoken has no algorithm named {:?}", request.alg),
            )
        })?;
        let header = build_header(&request.alg, alg, &request.header)?;
        let key = key.as_ref().map_err(Clone::clone)?;
        // The claims go in as the request's map, unchanged (insertion order is kept because
        // serde_json is built with `preserve_order`).
        encode(&header, &request.claims, key).map_err(|e| {
            let reason = match e.kind() {
                // encoding.rs:152: the key's family does not fit `alg`.
                ErrorKind::InvalidAlgorithm => Some("key_family_mismatch"),
                ErrorKind::InvalidKeyFormat | ErrorKind::InvalidEcdsaKey => Some("invalid_key"),
                _ => None,
            };
            fail(reason, format!("jsonwebtoken could not sign: {e}"))
        })
    }

    fn verify_prepared(
        &self,
        keys: &PreparedKeys,
        request: &VerifyRequest,
    ) -> Result<Decoded, Failure> {
        backend()?;
        let (set, decoding, unusable) = match keys.get::<Prepared>()? {
            Prepared::Verifying {
                set,
                decoding,
                unusable,
            } => (set, decoding, unusable),
            Prepared::NoBackend(failure) => return Err(failure.clone()),
            Prepared::Signing(_) => return Err(wrong_use()),
        };
        // The library's own header parse: it is what `decode` does first (decoding.rs:276), and
        // it gives the `kid` to look up.
        let header =
            decode_header(&request.token).map_err(|e| library_failure(&e, Part::Header))?;

        // Allow-list names are matched exactly (`Algorithm::from_str` is case-sensitive,
        // algorithms.rs:78-91); a name the library does not know can verify nothing, so it is
        // skipped rather than treated as an error.
        let mut allowed: Vec<Algorithm> = Vec::new();
        for name in &request.algorithms {
            if let Ok(alg) = Algorithm::from_str(name) {
                if !allowed.contains(&alg) {
                    allowed.push(alg);
                }
            }
        }
        let alg_allowed = allowed.contains(&header.alg);

        // A `kid` is resolved with `JwkSet::find` (jwk.rs:678-682), the lookup the library
        // documents; the prepared `DecodingKey` at the same place is the one it gives.
        let chosen: Vec<usize> = match &header.kid {
            Some(kid) => match set.find(kid) {
                Some(found) => set
                    .keys
                    .iter()
                    .position(|k| std::ptr::eq(k, found))
                    .into_iter()
                    .collect(),
                None => return Err(unusable_kid(unusable, kid).unwrap_or_else(|| unknown_kid(kid))),
            },
            None => (0..set.keys.len()).collect(),
        };

        let mut keys: Vec<&DecodingKey> = Vec::new();
        let mut key_problems: Vec<&str> = unusable.iter().map(|(_, p)| p.as_str()).collect();
        for index in chosen {
            match &decoding[index] {
                Ok(k) => keys.push(k),
                Err(problem) => key_problems.push(problem),
            }
        }
        if keys.is_empty() {
            // With no key the library cannot be called at all. Its first check would be the
            // allow-list (decoding.rs:278), so that comes first here too.
            if !alg_allowed {
                return Err(alg_not_allowed(&header.alg, &request.algorithms));
            }
            if let Some(problem) = key_problems.first() {
                return Err(fail(
                    Some("invalid_key"),
                    format!("no usable key: {problem}"),
                ));
            }
            return Err(fail(
                Some("no_key"),
                format!("no configured key can verify {:?}", header.alg),
            ));
        }

        // Without a `kid`, every key of the token's algorithm family is tried (policy §3). When
        // there is none, the keys of other families are still handed to the library, which
        // refuses them on the allow-list before using them (decoding.rs:278), so the rejection
        // is the library's own.
        let family = header.alg.family();
        let candidates: Vec<&DecodingKey> = if keys.iter().any(|k| k.family() == family) {
            keys.into_iter().filter(|k| k.family() == family).collect()
        } else {
            keys
        };

        let leeway = leeway_for_library(request.leeway);
        let mut bad_signature: Option<JwtError> = None;
        let mut key_error: Option<JwtError> = None;
        for key in candidates {
            let validation = validation_for(request, &allowed, key.family(), leeway);
            match decode::<Map<String, Value>>(&request.token, key, &validation) {
                Ok(data) => {
                    let header = verified_header(&request.token)?;
                    return Ok(Decoded {
                        header,
                        claims: data.claims,
                    });
                }
                Err(e) => match e.kind() {
                    ErrorKind::InvalidSignature => bad_signature = Some(e),
                    ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidKeyFormat => {
                        if key_error.is_none() {
                            key_error = Some(e);
                        }
                    }
                    // `decode` only reaches the claims once a signature verified, and the header
                    // and allow-list checks do not depend on the key: this answer is final.
                    ErrorKind::InvalidAlgorithm => {
                        return Err(invalid_algorithm(&e, alg_allowed, &request.algorithms))
                    }
                    _ => return Err(library_failure(&e, Part::Payload)),
                },
            }
        }
        match bad_signature.or(key_error) {
            Some(e) => Err(library_failure(&e, Part::Signature)),
            None => Err(fail(None, "jsonwebtoken verified nothing")),
        }
    }
}

/// Every check of [`checks::TABLE`] the library cannot be configured to enforce, with the source
/// lines (in `jsonwebtoken-11.1.0/src/`) that show why.
/// Only what the library has no way to do at all. Checks it performs with mistakes (the `exp`
/// boundary, fractional dates, the year-9999 bound, `iss`/`aud` of the wrong type) are not
/// limitations: they run, and their deviations are recorded as known divergences in
/// `vectors/exceptions/jsonwebtoken.json`.
const LIMITATIONS: &[(&str, &str)] = &[
    (
        checks::REQUIRED_CLAIMS,
        "`Validation::required_spec_claims` only knows exp, nbf, aud, iss and sub; any other \
             required name is skipped (validation.rs:252-260, `_ => continue`)",
    ),
    (
        checks::DUPLICATE_MEMBERS,
        "claims decode into a serde_json map, where the last duplicate wins, and unknown \
             header members into `Extras` (a BTreeMap, header.rs:111-115, last wins); serde \
             rejects duplicates only of `Header`'s own fields (alg, kid, typ, …) and of \
             exp/nbf/sub/iss/aud (`ClaimsForValidation`, validation.rs:182-194)",
    ),
    (
        checks::CRIT,
        "`Header::crit` is parsed (header.rs:204-208) but never consulted by `decode` \
             (decoding.rs:270-291): any array of strings, even naming unknown extensions, is \
             accepted",
    ),
];

/// Builds the library's `Header` from `alg` and the requested members.
///
/// The members go through `Header`'s own `Deserialize`, so registered members land in their typed
/// fields and others in `extras`; `typ` stays absent unless asked for (`Header::new` would add
/// `"typ":"JWT"`). The result is serialized back and compared with the request, so a member the
/// library cannot carry faithfully (wrong type, `null`, a `jwk` it would rewrite) is a failure
/// rather than a silently different token. Member order cannot be honoured: `Header` always
/// writes its fields in declaration order (`typ` before `alg`, header.rs:151-229).
fn build_header(
    alg_name: &str,
    alg: Algorithm,
    members: &Map<String, Value>,
) -> Result<Header, Failure> {
    let header: Header = super::support::library_header("jsonwebtoken", alg_name, members)?;
    debug_assert_eq!(header.alg, alg);
    Ok(header)
}

/// The signing key: `oct` → `EncodingKey::from_secret`; EC P-256 with `d` → PKCS#8 DER →
/// `EncodingKey::from_ec_der` (both backends want PKCS#8: crypto/rust_crypto/ecdsa.rs:28,
/// crypto/aws_lc/ecdsa.rs:26); RSA → PKCS#1 DER → `EncodingKey::from_rsa_der`.
fn encoding_key(jwk: &Jwk) -> Result<EncodingKey, Failure> {
    match jwk.kty.as_str() {
        "oct" => {
            let k = jwk
                .k
                .as_deref()
                .ok_or_else(|| fail(Some("invalid_key"), "the oct key has no \"k\""))?;
            let secret = Zeroizing::new(b64url("k", k)?);
            Ok(EncodingKey::from_secret(&secret))
        }
        "EC" => {
            if jwk.crv.as_deref() != Some("P-256") {
                return Err(fail(
                    Some("invalid_key"),
                    format!("the EC key's curve is {:?}, not \"P-256\"", jwk.crv),
                ));
            }
            let der = p256_pkcs8(jwk)?;
            Ok(EncodingKey::from_ec_der(der.as_bytes()))
        }
        "RSA" => Ok(EncodingKey::from_rsa_der(&rsa_pkcs1_der(jwk)?)),
        other => Err(fail(
            Some("invalid_key"),
            format!("unsupported key type {other:?}"),
        )),
    }
}

/// Our JWK (public half) as the library's `jwk::Jwk`, through its own `Deserialize`.
fn library_jwk(jwk: &Jwk) -> Result<LibJwk, String> {
    let value = serde_json::to_value(jwk.public()).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| format!("not a JWK jsonwebtoken understands: {e}"))
}

/// The library's `Validation` for one key: the request's rules, and of the allow-list only the
/// algorithms of the key's family, because `decode` refuses a `Validation` that lists another
/// family than its key (decoding.rs:350-354).
///
/// In defaults mode only that allow-list is set. The library cannot verify without one
/// (`Validation::new` takes an algorithm, validation.rs:110), and everything else stays as
/// `Validation::new` leaves it (validation.rs:119-137): `exp` required, a leeway of 60 seconds,
/// `nbf` not compared (`validate_nbf: false`), `iss` not compared, and `aud` compared with no
/// audience at all, so that any token carrying an `aud` is refused (validation.rs:322-329).
fn validation_for(
    request: &VerifyRequest,
    allowed: &[Algorithm],
    family: AlgorithmFamily,
    leeway: u64,
) -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.algorithms = allowed
        .iter()
        .copied()
        .filter(|a| a.family() == family)
        .collect();
    if request.mode == VerifyMode::Defaults {
        return v;
    }
    v.leeway = leeway;
    v.validate_exp = true;
    v.validate_nbf = true;
    // `Validation::new` requires `exp` by default; only what the request asks for is required.
    v.required_spec_claims = request
        .required
        .iter()
        .filter(|c| SPEC_CLAIMS.contains(&c.as_str()))
        .cloned()
        .collect();
    if let Some(issuer) = &request.issuer {
        v.set_issuer(&[issuer]);
    }
    match &request.audience {
        Some(audience) => v.set_audience(&[audience]),
        // With `validate_aud` on and no audience set, any `aud` is an error
        // (validation.rs:324-329); policy §5 leaves an unexpected `aud` to either answer, and a
        // verifier that was not told an audience has nothing to compare with.
        None => v.validate_aud = false,
    }
    v
}

/// The request's leeway as the library can take it.
///
/// `validate` computes `now - leeway` in u64 (validation.rs:284), which underflows (a panic with
/// overflow checks) when the leeway exceeds the current time. Capping it at the current time
/// keeps the `exp` test identical (nothing expires either way) and `now + leeway` finite.
fn leeway_for_library(leeway: u64) -> u64 {
    leeway.min(get_current_timestamp())
}

/// A library error as a [`Failure`] with the closest reason code, or none.
fn library_failure(e: &JwtError, part: Part) -> Failure {
    let reason = match e.kind() {
        ErrorKind::InvalidToken => Some("segment_count"),
        ErrorKind::InvalidSignature => Some("bad_signature"),
        ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidKeyFormat => Some("invalid_key"),
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => Some("alg_not_allowed"),
        ErrorKind::MissingRequiredClaim(_) => Some("missing_claim"),
        ErrorKind::InvalidClaimFormat(_) => Some("claim_type"),
        ErrorKind::ExpiredSignature => Some("expired"),
        ErrorKind::ImmatureSignature => Some("not_yet_valid"),
        ErrorKind::InvalidIssuer => Some("issuer_mismatch"),
        ErrorKind::InvalidAudience => Some("audience_mismatch"),
        ErrorKind::InvalidSubject => Some("claim_value"),
        ErrorKind::Base64(_) => Some("invalid_base64"),
        ErrorKind::Utf8(_) => Some("invalid_json"),
        ErrorKind::Json(json) => classify_json(json, part),
        _ => None,
    };
    let what = match part {
        Part::Header => "header",
        Part::Payload => "token",
        Part::Signature => "signature",
    };
    fail(reason, format!("jsonwebtoken rejected the {what}: {e}"))
}

/// `InvalidAlgorithm` from `decode` means the header's `alg` is not in the `Validation`'s list,
/// which holds the allowed algorithms of the key's family: either the `alg` is not allowed, or
/// the only keys on offer are of another family.
fn invalid_algorithm(e: &JwtError, alg_allowed: bool, names: &[String]) -> Failure {
    if alg_allowed {
        fail(
            Some("key_family_mismatch"),
            format!("jsonwebtoken rejected the token: {e} (no configured key of the token's algorithm family)"),
        )
    } else {
        fail(
            Some("alg_not_allowed"),
            format!(
                "jsonwebtoken rejected the token: {e} (allowed: {})",
                names.join(", ")
            ),
        )
    }
}

/// The allow-list refusal when no key exists to hand the library.
fn alg_not_allowed(alg: &Algorithm, names: &[String]) -> Failure {
    fail(
        Some("alg_not_allowed"),
        format!("alg {alg:?} is not allowed (allowed: {})", names.join(", ")),
    )
}

/// How serde_json's errors from the library's `Header` and claims map are read.
const JSON: JsonRules = JsonRules {
    surrogate: SURROGATE,
    duplicate_field: true,
    objects: &["expected struct Header", "expected a map"],
};

/// serde_json's errors as reason codes. The library reports every JSON problem as one
/// `ErrorKind::Json`, so the code comes from serde_json's category and its messages
/// ([`json_reason`]); anything not recognised stays unclassified rather than guessed.
fn classify_json(e: &serde_json::Error, part: Part) -> Option<&'static str> {
    json_reason(e, &JSON, |msg| {
        if part != Part::Header {
            None
        } else {
            // Only `Algorithm` lists `HS256` among its variants.
            alg_enum_header_reason(msg, "expected one of `HS256`")
        }
    })
}

// The tests sign and verify, so they need a backend.
#[cfg(all(
    test,
    any(feature = "jsonwebtoken-rust-crypto", feature = "jsonwebtoken-aws-lc")
))]
mod tests {
    use super::*;
    use crate::impls::testkit::{self, ec_test_key, oct, AUDIENCE, ISSUER, SECRET};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::json;

    fn now() -> i64 {
        i64::try_from(get_current_timestamp()).expect("the clock fits an i64")
    }

    testkit::adapter_tests! {
        implementation: JsonWebToken,
        now: now(),
        hs256_header: {"kid": "k1"},
        package: "jsonwebtoken",
        version: JSONWEBTOKEN_VERSION,
    }

    #[test]
    fn es256_round_trip() {
        let c = claims(json!({}));
        let key = ec_test_key(None);
        let token = sign("ES256", key.clone(), json!({}), c.clone());
        let signature = token.rsplit('.').next().expect("three segments");
        assert_eq!(URL_SAFE_NO_PAD.decode(signature).expect("b64").len(), 64);
        let decoded = JsonWebToken
            .verify(&verify_request(token, &["ES256"], vec![key]))
            .expect("verifies");
        assert_eq!(decoded.claims, c);
        assert_eq!(Value::Object(decoded.header), json!({"alg": "ES256"}));
    }

    #[test]
    fn sign_adds_no_typ_unless_asked() {
        let key = oct(SECRET, Some("k1"));
        let header =
            testkit::signed_header(&JsonWebToken, now(), "HS256", key, json!({"kid": "k1"}));
        assert_eq!(header, json!({"alg": "HS256", "kid": "k1"}));
    }

    #[test]
    fn sign_refuses_header_members_the_library_cannot_carry() {
        testkit::assert_sign_refuses(&JsonWebToken, now(), "kid-number kid-null alg-contradicts");
    }

    #[test]
    fn missing_required_exp_rejected() {
        assert_hs256_verdicts(&[(json!({"exp": null}), now(), 0, Some("missing_claim"))]);
    }

    #[test]
    fn huge_leeway_does_not_panic() {
        let token = hs256_token(json!({"nbf": now()}));
        verify_hs256_at(token, now(), u64::MAX).expect("a huge leeway accepts a valid token");
    }

    fn verify_raw(header: &str, payload: &str, required: &[&str]) -> Result<Decoded, Failure> {
        JsonWebToken.verify(&testkit::raw_request_at(now(), header, payload, required))
    }

    /// Each declared limitation is real, and so is each divergence that is deliberately not
    /// declared: the library accepts what policy.md rejects. When a release starts enforcing
    /// one of these, this test fails and `describe` or the exceptions file must be updated.
    #[test]
    fn declared_limitations_are_real() {
        let shared = "crit-unknown exp-milliseconds custom-claim-not-required duplicate-claim \
                      duplicate-header-member";
        #[rustfmt::skip]
        let own: &[(&str, &str, &str, &[&str])] = &[
            (checks::DATE_TYPES, r#"{"alg":"HS256"}"#, r#"{{base}"exp":{exp},"iat":"yesterday"}"#, &[]),
            (checks::ISSUER, r#"{"alg":"HS256"}"#, r#"{"iss":5,"aud":"{aud}","sub":"u","exp":{exp}}"#, &[]),
            (checks::ISSUER, r#"{"alg":"HS256"}"#, r#"{"iss":["{iss}","other"],"aud":"{aud}","sub":"u","exp":{exp}}"#, &["iss"]),
            (checks::AUDIENCE, r#"{"alg":"HS256"}"#, r#"{"iss":"{iss}","aud":5,"sub":"u","exp":{exp}}"#, &[]),
        ];
        let limitations = [
            checks::CRIT,
            checks::REQUIRED_CLAIMS,
            checks::DUPLICATE_MEMBERS,
        ];
        let base = format!(r#""iss":"{ISSUER}","aud":"{AUDIENCE}","sub":"u","#);
        testkit::assert_accepted(
            &JsonWebToken.describe(),
            &limitations,
            shared,
            own,
            (&base, now()),
            verify_raw,
        );
    }

    #[test]
    fn library_errors_get_the_closest_code() {
        let exp = now() + 3600;
        let ok = format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","sub":"u","exp":{exp}}}"#);
        let shared = "alg-none alg-lowercase alg-missing kid-number alg-twice header-array \
                      header-trailing-comma claims-array claims-trailing-text exp-twice exp-string \
                      claims-too-deep";
        let own = [(r#"{"alg":"HS256"}"#, r#"{"nbf":{exp}}"#, "not_yet_valid")];
        testkit::assert_refusals(shared, &own, &ok, exp, |h, p| verify_raw(h, p, &[]));
        assert_hs256_refusals(&[
            ("{token}.x", "invalid_base64"),
            ("only.two", "segment_count"),
        ]);
    }

    /// Given only the key and the allow-list, the library keeps `Validation::new`'s defaults:
    /// a 60-second leeway, `nbf` and `iss` not compared, `exp` required, and any `aud` refused.
    #[test]
    fn defaults_mode_keeps_the_library_defaults() {
        testkit::assert_modes(&JsonWebToken, |now| {
            vec![
                (
                    format!(r#"{{"sub":"u","exp":{}}}"#, now - 30),
                    Some("expired"),
                    None,
                ),
                (
                    format!(r#"{{"sub":"u","exp":{},"nbf":{}}}"#, now + 600, now + 3600),
                    Some("not_yet_valid"),
                    None,
                ),
                (
                    format!(r#"{{"sub":"u","exp":{},"iss":"someone-else"}}"#, now + 600),
                    Some("issuer_mismatch"),
                    None,
                ),
                (
                    format!(r#"{{"sub":"u","exp":{},"aud":"{AUDIENCE}"}}"#, now + 600),
                    None,
                    Some("audience_mismatch"),
                ),
                (r#"{"sub":"u"}"#.to_owned(), None, Some("missing_claim")),
            ]
        });
    }

    #[test]
    fn describe_declares_known_limitations() {
        // The adapter resolves `kid` through `JwkSet::find`, so that check is enforced.
        testkit::assert_describes(&JsonWebToken, NAME, Clock::System, &[checks::KID]);
        assert_eq!(
            NAME == "jsonwebtoken-aws-lc",
            cfg!(all(
                feature = "jsonwebtoken-aws-lc",
                not(feature = "jsonwebtoken-rust-crypto")
            ))
        );
        assert!(!JsonWebToken.describe().cannot_enforce.is_empty());
    }
}
