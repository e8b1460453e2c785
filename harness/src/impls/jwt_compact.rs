//! The `jwt-compact` crate (slowli/jwt-compact, pure-Rust `p256` backend) as an implementation
//! under test.
//!
//! The adapter uses the library the way its crate documentation does (lib.rs:101-148): keys from
//! JWKs through `jwk::JsonWebKey` and `TryFrom` (jwk.rs:1-33), `Algorithm::token` with a
//! `Header`, `UntrustedToken::new`, the token's `kid` to find the key ("before verifying the
//! token, we might find the key which has signed the token using the `Header.key_id` field"),
//! `validator().validate()`, then `Claims::validate_expiration` / `validate_maturity` with
//! `TimeOptions`. The algorithm is the validator's, never the token's: a token whose `alg` differs
//! is refused by the library (traits.rs:315-321), so each allowed algorithm becomes a validator
//! for the configured keys of its family.
//!
//! Everything the library cannot be told is declared in [`JwtCompact::describe`]'s
//! `cannot_enforce`, with the source lines that show it (paths relative to
//! `jwt-compact-0.8.0/src/`). The adapter never re-checks what the library checks and never checks
//! what it does not.
//!
//! [`JwtCompact::describe`]: crate::contract::Implementation::describe
//!
//! Clock: `TimeOptions::new(leeway, clock_fn)` (claims.rs:35-40) takes the clock as a closure, so
//! the request's `now` is honoured ([`Clock::Injected`](crate::contract::Clock::Injected)). The crate is built without its `clock`
//! feature (workspace Cargo.toml), which only removes the `Utc::now()` constructors.
//!
//! Defaults mode: `validator().validate()` alone. It checks the `alg`, the signature and that
//! the claims parse (traits.rs:300-349) and nothing else: `exp` and `nbf` are compared only by
//! `Claims::validate_expiration` / `validate_maturity`, further calls that cannot be made
//! without a `TimeOptions` (claims.rs:174, 197), and nothing in the crate compares `iss` or
//! `aud`. No clock is read, so the description keeps one clock for both modes (a pinned `now`
//! changes nothing the library does).
//!
//! chrono is not a dependency of this crate, so the adapter never names its types: the instants
//! and the leeway are made by the library's own NumericDate parser (claims.rs:214-275), from a
//! `Claims` document, and a `TimeDelta` as the difference of two of them.

use ::jwt_compact::alg::{
    Es256, Hs256, Hs256Key, Rsa, RsaPrivateKey, RsaPublicKey, StrongAlg, StrongKey,
};
use ::jwt_compact::jwk::JsonWebKey;
use ::jwt_compact::{
    Algorithm, AlgorithmExt as _, Claims, Empty, Header, ParseError, TimeOptions, Token,
    UntrustedToken, ValidationError,
};
use serde_json::{json, Map, Value};

use super::support::{
    alg_refused, allowed, fail, json_reason, library_claims, no_verifier, typed_member_reason,
    verified_header, Either, JsonRules, KeyTable, SigningKey, SURROGATE,
};
use crate::contract::{
    checks, Decoded, Failure, Jwk, KeyUse, PreparedKeys, SignRequest, VerifyMode, VerifyRequest,
};
use crate::verdict::Part;

/// The version of the `jwt-compact` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const JWT_COMPACT_VERSION: &str = "0.8.0";

/// The algorithms this adapter maps onto the library's algorithm types.
const ALGORITHMS: &[&str] = &["HS256", "ES256", "RS256", "RS512"];

/// The largest leeway handed to the library, in seconds (about 95,000 years). chrono's dates end
/// in the year 262,143; `not_before - leeway` is computed unchecked (claims.rs:204) and panics
/// when it leaves that range, so a larger leeway (which accepts every date anyway) is capped.
const MAX_LEEWAY: u64 = 3_000_000_000_000;

/// The ES256 verifying key type (`p256::ecdsa::VerifyingKey`).
type EsVerifyingKey = <Es256 as Algorithm>::VerifyingKey;
/// The ES256 signing key type (`p256::ecdsa::SigningKey`).
type EsSigningKey = <Es256 as Algorithm>::SigningKey;

/// RSA keys as the library's documentation asks: wrapped in `StrongKey`, used with
/// `StrongAlg<Rsa>`, which refuses a modulus other than 2048, 3072 or 4096 bits
/// (alg/rsa.rs:146-153, :330-350).
type RsaSigning = StrongKey<RsaPrivateKey>;
type RsaVerifying = StrongKey<RsaPublicKey>;

/// The RSA algorithm for an allowed name.
fn rsa_alg(alg: &str) -> StrongAlg<Rsa> {
    StrongAlg(if alg == "RS512" {
        Rsa::rs512()
    } else {
        Rsa::rs256()
    })
}

/// Claims as the library decodes them: `exp`, `nbf`, `iat` typed, every other member kept.
type LibClaims = Claims<Map<String, Value>>;

super::support::injected_clock_adapter! {
    /// The `jwt-compact` crate behind the [`Implementation`](crate::contract::Implementation)
    /// contract.
    JwtCompact: "jwt-compact", JWT_COMPACT_VERSION, ALGORITHMS, LIMITATIONS,
    defaults_clock: None,
}

/// Every check of [`checks::TABLE`] the library cannot be configured to enforce, with the source
/// lines (in `jwt-compact-0.8.0/src/`) that show why.
///
/// Only what the library has no way to do at all. Checks it performs with mistakes (the `exp`
/// boundary, fractional and out-of-range dates) are not limitations: they run, and their
/// deviations are recorded in `vectors/exceptions/jwt-compact.json`.
const LIMITATIONS: &[(&str, &str)] = &[
    (
        checks::ISSUER,
        "`Claims` holds only exp, nbf and iat; \"`iss`, `sub` and `aud` claims are not in the \
             standard part\" (claims.rs:68-108) and no function of the crate compares `iss` with \
             anything",
    ),
    (
        checks::AUDIENCE,
        "`Claims` holds only exp, nbf and iat (claims.rs:68-108); no function of the crate \
             reads `aud`",
    ),
    (
        checks::REQUIRED_CLAIMS,
        "only `exp` and `nbf` can be required, by calling `validate_expiration` / \
             `validate_maturity`, which fail with `NoClaim` when they are absent \
             (claims.rs:170-211); the crate has no way to require any other claim",
    ),
    (
        checks::DUPLICATE_MEMBERS,
        "header and claims are parsed with serde_json (token.rs:510-511, :578-579); serde \
             rejects duplicates only of the typed members (alg, cty, kid, typ, …; exp, nbf, iat), \
             unknown header members are dropped into `other_fields` (`Empty` by default, \
             token.rs:232-233) and other claims are collected into the flattened custom claims \
             (claims.rs:105-107), where the last duplicate wins",
    ),
    (
        checks::CRIT,
        "the header types have no `crit` member (`CompleteHeader` and `Header`, \
             token.rs:177-234, :314-322): it is dropped with the other unknown members and \
             nothing in parsing (token.rs:491-532) or validation (traits.rs:311-349) can refuse \
             it",
    ),
];

/// The header is `alg` (written by the library, traits.rs:192-197) plus `kid` and `typ`
/// through `Header::with_key_id` / `with_token_type`; other members go into
/// `Header::other_fields`, the library's extension point (token.rs:221-233). Nothing is added.
/// Member order is the library's (alg, jku, kid, x5u, x5t, x5t#S256, typ, others), not the
/// request's. `cty` is refused: `token` always writes its own (none, traits.rs:192-196).
fn sign_token(keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
    let header = build_header(&request.alg, &request.header)?;
    // The claims go in as the request's map, unchanged: `exp`, `nbf`, `iat` stay `None`
    // (skipped on output) and the map is flattened in order.
    let claims = Claims::new(request.claims.clone());
    let key = keys.get::<Prepared>()?.signing()?;
    let signed = match key.for_alg(&request.alg, "jwt-compact")? {
        Either::Hs256(key) => Hs256.token(&header, &claims, key),
        Either::Es256(key) => Es256.token(&header, &claims, key),
        Either::Rsa(key) => rsa_alg(&request.alg).token(&header, &claims, key),
    };
    signed.map_err(|e| fail(None, format!("jwt-compact could not sign: {e}")))
}

fn verify_token(keys: &PreparedKeys, request: &VerifyRequest) -> Result<Decoded, Failure> {
    let table = keys.get::<Prepared>()?.verifying()?;
    let token = UntrustedToken::new(&request.token).map_err(|e| parse_failure(&e))?;
    let ctx = Context {
        token_alg: token.algorithm().to_owned(),
        allow_list: request.algorithms.clone(),
    };

    // A `kid` selects the configured key with that id; without one, every configured key is
    // offered (a set with a duplicate `kid` offers none).
    let chosen = table.for_kid(token.header().key_id.as_deref())?;

    // Each (key, allowed algorithm) pair that fits is a validator's key.
    let (verifiers, key_problems) =
        table.verifiers(&chosen, &allowed(&request.algorithms, ALGORITHMS));
    if verifiers.is_empty() {
        // The library cannot be called without a key.
        return Err(no_verifier(
            &ctx.token_alg,
            &request.algorithms,
            &key_problems,
            !chosen.is_empty(),
        ));
    }

    let mut key_dependent: Vec<ValidationError> = Vec::new();
    for verifier in verifiers {
        match verifier.validate(&token) {
            Ok(verified) => {
                if request.mode == VerifyMode::Configured {
                    check_times(verified.claims(), request)?;
                }
                let claims = library_claims("jwt-compact", verified.claims())?;
                let header = match verified_header(&request.token) {
                    Ok(header) => header,
                    Err(f) => library_header(&token, &verified).ok_or(f)?,
                };
                return Ok(Decoded { header, claims });
            }
            // The `alg` comparison and the signature itself depend on the validator's
            // algorithm and key; the signature length and form, and the claims (parsed
            // before the signature is checked, traits.rs:333-343), do not.
            Err(
                e @ (ValidationError::AlgorithmMismatch { .. } | ValidationError::InvalidSignature),
            ) => key_dependent.push(e),
            Err(e) => return Err(validation_failure(&e, &ctx)),
        }
    }
    // A signature that failed under a key of the token's algorithm says more than a key of
    // another algorithm refusing it.
    key_dependent.sort_by_key(|e| match e {
        ValidationError::InvalidSignature => 0,
        _ => 1,
    });
    match key_dependent.first() {
        Some(e) => Err(validation_failure(e, &ctx)),
        None => Err(fail(None, "jwt-compact verified nothing")),
    }
}

/// The library's keys, made once: the signing key of the JWK's family (or why the JWK is not
/// one the library reads), and a [`Verifier`] per configured key and algorithm.
enum Prepared {
    Signing(Box<Result<SigningKey<Hs256Key, EsSigningKey, RsaSigning>, Failure>>),
    Verifying(KeyTable<Verifier>),
}

impl Prepared {
    fn signing(&self) -> Result<&SigningKey<Hs256Key, EsSigningKey, RsaSigning>, Failure> {
        match self {
            Prepared::Signing(key) => key.as_ref().as_ref().map_err(Clone::clone),
            Prepared::Verifying(_) => Err(fail(None, "these keys were prepared for verifying")),
        }
    }

    fn verifying(&self) -> Result<&KeyTable<Verifier>, Failure> {
        match self {
            Prepared::Verifying(table) => Ok(table),
            Prepared::Signing(_) => Err(fail(None, "these keys were prepared for signing")),
        }
    }
}

fn prepare_keys(key_use: KeyUse, keys: &[Jwk]) -> PreparedKeys {
    PreparedKeys::new(match key_use {
        KeyUse::Sign => Prepared::Signing(Box::new(
            // The library reads the JWK before the algorithm is looked at.
            keys.first()
                .map_or(Ok(()), |jwk| library_jwk(jwk).map(drop))
                .map(|()| {
                    SigningKey::new(
                        keys,
                        |jwk| {
                            Hs256Key::try_from(&library_jwk(jwk)?).map_err(|e| {
                                fail(Some("invalid_key"), format!("Hs256Key from the JWK: {e}"))
                            })
                        },
                        |jwk| {
                            EsSigningKey::try_from(&library_jwk(jwk)?).map_err(|e| {
                                fail(Some("invalid_key"), format!("ES256 key from the JWK: {e}"))
                            })
                        },
                        |jwk| {
                            let invalid = |e: String| fail(Some("invalid_key"), e);
                            let key = RsaPrivateKey::try_from(&library_jwk(jwk)?)
                                .map_err(|e| invalid(format!("RSA key from the JWK: {e}")))?;
                            StrongKey::try_from(key).map_err(|e| invalid(format!("StrongKey: {e}")))
                        },
                    )
                }),
        )),
        KeyUse::Verify => Prepared::Verifying(KeyTable::new(keys, ALGORITHMS, Verifier::new)),
    })
}

/// A validator's algorithm and key.
enum Verifier {
    Hs256(Hs256Key),
    Es256(EsVerifyingKey),
    Rsa(StrongAlg<Rsa>, RsaVerifying),
}

impl Verifier {
    /// The key for `alg` made from `jwk`, `None` when the key is not of `alg`'s family, or why
    /// it is unusable.
    fn new(alg: &str, jwk: &Jwk) -> Option<Result<Verifier, String>> {
        let converted = |jwk: &Jwk| library_jwk(&jwk.public()).map_err(|f| f.error);
        match (alg, jwk.kty.as_str()) {
            ("HS256", "oct") => Some(converted(jwk).and_then(|lib| {
                Hs256Key::try_from(&lib)
                    .map(Verifier::Hs256)
                    .map_err(|e| format!("Hs256Key from the JWK: {e}"))
            })),
            ("ES256", "EC") => Some(converted(jwk).and_then(|lib| {
                EsVerifyingKey::try_from(&lib)
                    .map(Verifier::Es256)
                    .map_err(|e| format!("ES256 key from the JWK: {e}"))
            })),
            ("RS256" | "RS512", "RSA") => Some(converted(jwk).and_then(|lib| {
                let key = RsaPublicKey::try_from(&lib)
                    .map_err(|e| format!("RSA key from the JWK: {e}"))?;
                StrongKey::try_from(key)
                    .map(|key| Verifier::Rsa(rsa_alg(alg), key))
                    .map_err(|e| format!("StrongKey: {e}"))
            })),
            _ => None,
        }
    }

    fn validate(
        &self,
        token: &UntrustedToken<'_>,
    ) -> Result<Token<Map<String, Value>>, ValidationError> {
        match self {
            Verifier::Hs256(key) => Hs256.validator::<Map<String, Value>>(key).validate(token),
            Verifier::Es256(key) => Es256.validator::<Map<String, Value>>(key).validate(token),
            Verifier::Rsa(alg, key) => alg.validator::<Map<String, Value>>(key).validate(token),
        }
    }
}

/// Our JWK as the library's `JsonWebKey`, through its own `Deserialize` (members it does not
/// know, such as `kid`, are ignored).
fn library_jwk(jwk: &Jwk) -> Result<JsonWebKey<'static>, Failure> {
    let value = serde_json::to_value(jwk)
        .map_err(|e| fail(Some("invalid_key"), format!("unusable JWK: {e}")))?;
    serde_json::from_value(value).map_err(|e| {
        fail(
            Some("invalid_key"),
            format!("not a JWK jwt-compact reads: {e}"),
        )
    })
}

/// The requested header members as a `Header`: `kid` and `typ` in their typed fields, others
/// in `other_fields`.
fn build_header(
    alg: &str,
    members: &Map<String, Value>,
) -> Result<Header<Map<String, Value>>, Failure> {
    let mut other = Map::new();
    let mut kid = None;
    let mut typ = None;
    for (name, value) in members {
        match (name.as_str(), value) {
            ("alg", Value::String(a)) if a == alg => {}
            ("kid", Value::String(k)) => kid = Some(k.clone()),
            ("typ", Value::String(t)) => typ = Some(t.clone()),
            ("alg" | "cty" | "kid" | "typ", _) => {
                return Err(fail(
                    None,
                    format!(
                        "jwt-compact cannot write the header member {name:?} = {value} \
                         (`alg` and `cty` are the library's own, `kid` and `typ` are strings; \
                         token.rs:187-233, traits.rs:192-196)"
                    ),
                ))
            }
            _ => {
                other.insert(name.clone(), value.clone());
            }
        }
    }
    let mut header = Header::new(other);
    if let Some(kid) = kid {
        header = header.with_key_id(kid);
    }
    if let Some(typ) = typ {
        header = header.with_token_type(typ);
    }
    Ok(header)
}

/// `exp` and `nbf` against the request's `now` and leeway, with the library's own checks.
///
/// `validate_expiration` / `validate_maturity` fail with `NoClaim` when the claim is absent, so
/// each is called when the claim is present or required. Both use `TimeOptions` with the
/// injected clock.
fn check_times(claims: &LibClaims, request: &VerifyRequest) -> Result<(), Failure> {
    let leeway = request.leeway.min(MAX_LEEWAY);
    // The instants, through the library's NumericDate parser (claims.rs:232-249).
    let clock: Claims<Empty> = serde_json::from_value(
        json!({"exp": request.now, "nbf": 0, "iat": leeway}),
    )
    .map_err(|e| {
        fail(
            None,
            format!(
                "jwt-compact's clock cannot represent now = {}: {e}",
                request.now
            ),
        )
    })?;
    let (Some(now), Some(epoch), Some(leeway_end)) =
        (clock.expiration, clock.not_before, clock.issued_at)
    else {
        return Err(fail(None, "jwt-compact's clock could not be set"));
    };
    let options = TimeOptions::new(leeway_end - epoch, move || now);
    let required = |name: &str| request.required.iter().any(|c| c == name);
    if claims.expiration.is_some() || required("exp") {
        claims
            .validate_expiration(&options)
            .map_err(|e| validation_failure(&e, &Context::none()))?;
    }
    if let Some(nbf) = claims.not_before {
        // `validate_maturity` computes `not_before - leeway` unchecked (claims.rs:204): for an
        // `nbf` within the leeway of chrono's first date it would panic. Such a date is far
        // outside policy.md §5's range, and the library cannot judge it without panicking.
        if nbf.checked_sub_signed(options.leeway).is_none() {
            return Err(fail(
                None,
                "jwt-compact cannot compare this nbf (it would overflow chrono's range, \
                 claims.rs:204)",
            ));
        }
    }
    if claims.not_before.is_some() || required("nbf") {
        claims
            .validate_maturity(&options)
            .map_err(|e| validation_failure(&e, &Context::none()))?;
    }
    Ok(())
}

/// The header as the library decoded it (`alg` and `Header`'s typed members), for a token the
/// library accepted although its header text is not a JSON object serde_json reads into a map:
/// unknown members are skipped without validating them (their UTF-8, their `\u` escapes), so
/// rejecting here would hide what the library accepted.
fn library_header(
    untrusted: &UntrustedToken<'_>,
    verified: &Token<Map<String, Value>>,
) -> Option<Map<String, Value>> {
    let Ok(Value::Object(members)) = serde_json::to_value(verified.header()) else {
        return None;
    };
    let mut header = Map::new();
    header.insert(
        "alg".into(),
        Value::String(untrusted.algorithm().to_owned()),
    );
    header.extend(members);
    Some(header)
}

/// What a library error is classified against.
struct Context {
    /// The token's `alg`.
    token_alg: String,
    allow_list: Vec<String>,
}

impl Context {
    fn none() -> Self {
        Context {
            token_alg: String::new(),
            allow_list: Vec::new(),
        }
    }
}

/// A `ParseError` (from `UntrustedToken::new`) with the closest reason code.
fn parse_failure(e: &ParseError) -> Failure {
    let reason = match e {
        ParseError::InvalidTokenStructure => Some("segment_count"),
        ParseError::InvalidBase64Encoding => Some("invalid_base64"),
        ParseError::MalformedHeader(json) => classify_json(json, Part::Header),
        // token.rs:512-518: only JSON (and CBOR with the `ciborium` feature) are read.
        ParseError::UnsupportedContentType(cty) if cty.eq_ignore_ascii_case("jwt") => {
            Some("nested_jwt")
        }
        ParseError::UnsupportedContentType(_) => Some("header_value"),
        _ => None,
    };
    fail(reason, format!("jwt-compact: {e}"))
}

/// A `ValidationError` with the closest reason code.
fn validation_failure(e: &ValidationError, ctx: &Context) -> Failure {
    let text = format!("jwt-compact: {e}");
    let reason = match e {
        ValidationError::AlgorithmMismatch { actual, .. } => {
            let mut f = alg_refused(actual, &ctx.allow_list);
            f.error = format!("{text} ({})", f.error);
            return f;
        }
        ValidationError::InvalidSignatureLen { .. } => Some("signature_length"),
        // `p256::ecdsa::Signature::try_from` refuses r or s equal to 0 or ≥ n (p256.rs:21-23).
        ValidationError::MalformedSignature(_) => Some("signature_scalar_out_of_range"),
        ValidationError::InvalidSignature => Some("bad_signature"),
        ValidationError::MalformedClaims(json) => classify_json(json, Part::Payload),
        ValidationError::NoClaim(_) => Some("missing_claim"),
        ValidationError::Expired => Some("expired"),
        ValidationError::NotMature => Some("not_yet_valid"),
        _ => None,
    };
    fail(reason, text)
}

/// How serde_json's errors from `CompleteHeader` and `Claims` are read.
const JSON: JsonRules = JsonRules {
    surrogate: SURROGATE,
    duplicate_field: true,
    objects: &["expected struct", "expected a map", "expected map"],
};

/// serde_json's errors (from `CompleteHeader` or `Claims`) as reason codes ([`json_reason`]);
/// anything not recognised stays unclassified.
fn classify_json(e: &serde_json::Error, part: Part) -> Option<&'static str> {
    // Dates outside chrono's range, or above i64::MAX: claims.rs:232-260.
    let dates = &[
        "UTC timestamp overflow",
        "out of range integral type conversion",
    ];
    json_reason(e, &JSON, |msg| typed_member_reason(msg, part, dates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Clock, Implementation as _};
    use crate::impls::testkit::{self, ec_key, oct, reason, SECRET};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use crate::impls::testkit::NOW;

    testkit::adapter_tests! {
        implementation: JwtCompact,
        now: NOW,
        hs256_header: {"typ": "JWT", "kid": "k1"},
        package: "jwt-compact",
        version: JWT_COMPACT_VERSION,
    }

    /// Called with only the key, the library checks no date: `exp` and `nbf` are compared only
    /// by calls that need a `TimeOptions`.
    #[test]
    fn defaults_mode_compares_no_date() {
        testkit::assert_modes(&JwtCompact, |now| {
            vec![
                (
                    format!(r#"{{"sub":"u","exp":{}}}"#, now - 600),
                    Some("expired"),
                    None,
                ),
                (
                    format!(r#"{{"sub":"u","exp":{},"nbf":{}}}"#, now + 600, now + 3600),
                    Some("not_yet_valid"),
                    None,
                ),
            ]
        });
    }

    #[test]
    fn sign_writes_the_claims_exactly() {
        let c = claims(json!({"custom": {"nested": [1, 2]}, "iat": NOW - 10}));
        let token = sign(
            "HS256",
            oct(SECRET, Some("k1")),
            json!({"typ": "JWT", "kid": "k1"}),
            c.clone(),
        );
        // The claims are written exactly, in the request's order.
        let payload = token.split('.').nth(1).expect("payload");
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("utf8");
        assert_eq!(text, serde_json::to_string(&c).expect("json"));
    }

    #[test]
    fn sign_writes_exactly_the_requested_header() {
        let key = ec_key(0x11, Some("jwk-kid"));
        let header = testkit::signed_header(&JwtCompact, NOW, "ES256", key, json!({}));
        assert_eq!(header, json!({"alg": "ES256"}));
        testkit::assert_sign_refuses(&JwtCompact, NOW, "kid-number cty alg-contradicts typ-null");
        // A key whose public half does not belong to its `d` is refused.
        let mut mixed = ec_key(0x11, None);
        mixed.x = ec_key(0x22, None).x;
        let request = testkit::sign_request_at(NOW, "ES256", mixed, json!({}));
        let refused = JwtCompact.sign(&request).err();
        assert_eq!(
            refused.and_then(|f| f.reason).as_deref(),
            Some("invalid_key")
        );
    }

    #[test]
    fn injected_clock_leeway_and_claims_get_their_verdicts() {
        assert_hs256_verdicts(&[
            (json!({"exp": null}), NOW, 0, Some("missing_claim")),
            (json!({"exp": NOW - 30}), NOW, 60, None),
            // Valid at an earlier now.
            (json!({"exp": NOW - 30}), NOW - 100, 0, None),
            (json!({"nbf": NOW + 100}), NOW, 0, Some("not_yet_valid")),
            (json!({"nbf": NOW}), NOW, 0, None),
        ]);
    }

    #[test]
    fn keys_are_chosen_by_family() {
        let es256 = sign("ES256", ec_key(0x11, None), json!({}), claims(json!({})));
        #[rustfmt::skip]
        let rows: &[testkit::VerdictRow] = &[
            (es256.clone(), &["ES256"], vec![ec_key(0x22, None)], Some("bad_signature")),
            // Without a kid, every key is tried: the third key verifies.
            (es256, &["HS256", "ES256"], vec![oct(SECRET, None), ec_key(0x22, None), ec_key(0x11, None)], None),
        ];
        testkit::assert_verdicts(&JwtCompact, NOW, rows);
    }

    fn verify_raw(header: &str, payload: &str, required: &[&str]) -> Result<Decoded, Failure> {
        JwtCompact.verify(&testkit::raw_request_at(NOW, header, payload, required))
    }

    #[test]
    fn extreme_times_do_not_panic() {
        // chrono's first and last representable seconds as nbf / exp.
        for payload in [
            r#"{"nbf":-8334601228800,"exp":8210266876799}"#,
            r#"{"nbf":8210266876799}"#,
            r#"{"exp":-8334601228800}"#,
        ] {
            for (now, leeway) in [(NOW, u64::MAX), (NOW, 1), (i64::MAX, 0), (i64::MIN, 5)] {
                let mut request = verify_request(
                    testkit::raw_hs256_token(r#"{"alg":"HS256"}"#, payload),
                    &["HS256"],
                    vec![oct(SECRET, None)],
                );
                request.now = now;
                request.leeway = leeway;
                let _ = JwtCompact.verify(&request);
            }
        }
    }

    /// Each declared limitation is real, and so is each divergence that is deliberately not
    /// declared: the library accepts what policy.md rejects. When a release starts enforcing
    /// one of these, this test fails and `describe` or the exceptions file must be updated.
    #[test]
    fn declared_limitations_are_real() {
        let exp = NOW + 3600;
        let shared = "duplicate-claim duplicate-header-member exp-equals-now exp-milliseconds";
        #[rustfmt::skip]
        let own: &[(&str, &str, &str, &[&str])] = &[
            (checks::ISSUER, r#"{"alg":"HS256"}"#, r#"{"iss":"https://evil.example","aud":"{aud}","sub":"u","exp":{exp}}"#, &["iss"]),
            (checks::AUDIENCE, r#"{"alg":"HS256"}"#, r#"{"iss":"{iss}","aud":"other-app","sub":"u","exp":{exp}}"#, &["aud"]),
            (checks::REQUIRED_CLAIMS, r#"{"alg":"HS256"}"#, r#"{"exp":{exp}}"#, &["sub", "iss", "aud", "user_id"]),
            (checks::CRIT, r#"{"alg":"HS256","crit":["unknown-ext"],"unknown-ext":1}"#, r#"{"exp":{exp}}"#, &[]),
        ];
        let limitations = [
            checks::ISSUER,
            checks::AUDIENCE,
            checks::REQUIRED_CLAIMS,
            checks::DUPLICATE_MEMBERS,
            checks::CRIT,
        ];
        let described = JwtCompact.describe();
        testkit::assert_accepted(&described, &limitations, shared, own, ("", NOW), verify_raw);
        // What it does check, it checks: `exp` and `nbf` can be required, and are typed.
        for (payload, required, code) in [
            ("{}".to_owned(), "exp", "missing_claim"),
            ("{}".to_owned(), "nbf", "missing_claim"),
            (format!(r#"{{"exp":"{exp}"}}"#), "", "claim_type"),
        ] {
            let required: Vec<&str> = required.split_whitespace().collect();
            let got = verify_raw(r#"{"alg":"HS256"}"#, &payload, &required);
            assert_eq!(reason(got).as_deref(), Some(code), "{payload} {required:?}");
        }
    }

    #[test]
    fn library_errors_get_the_closest_code() {
        let exp = NOW + 3600;
        let ok = format!(r#"{{"sub":"u","exp":{exp}}}"#);
        let shared = "alg-none alg-missing kid-number alg-twice header-trailing-comma \
                      claims-trailing-text exp-twice";
        #[rustfmt::skip]
        let own = [
            (r#"{"alg":"HS256","cty":"JWT"}"#, "{ok}", "nested_jwt"),
            (r#"{"alg":"HS256"}"#, r#"{"exp":1e20}"#, "date_out_of_range"),
        ];
        testkit::assert_refusals(shared, &own, &ok, exp, |h, p| verify_raw(h, p, &[]));
        // A signature of 31 bytes.
        let short = format!("{{unsigned}}.{}", URL_SAFE_NO_PAD.encode([0u8; 31]));
        assert_hs256_refusals(&[
            ("{token}.x", "segment_count"),
            ("e30.e30.!!!", "invalid_base64"),
            (&short, "signature_length"),
        ]);
    }

    #[test]
    fn describe_declares_known_limitations() {
        let enforced = [
            checks::EXPIRY,
            checks::NOT_BEFORE,
            checks::KID,
            checks::DATE_TYPES,
        ];
        testkit::assert_describes(&JwtCompact, "jwt-compact", Clock::Injected, &enforced);
    }
}
