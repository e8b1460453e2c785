//! The `jwt-simple` crate (jedisct1/rust-jwt-simple, `pure-rust` backend) as an implementation
//! under test.
//!
//! The adapter uses the library the way its README does: `HS256Key::from_bytes` ("shared secret
//! keys do not support JWK"), `ES256KeyPair::from_jwk` / `ES256PublicKey::from_jwk` and, for
//! verifying, `RS256PublicKey::from_jwk` / `RS512PublicKey::from_jwk`;
//! `authenticate_with_options` / `sign_with_options` with `HeaderOptions`;
//! `Token::decode_metadata` to pick a key by `kid` ("key_id should be used only to select a key in
//! a set of keys made for the same algorithm"), and `verify_token` with `VerificationOptions`
//! built from the request. The key type, not the token's `alg`, decides the algorithm: each
//! allowed algorithm becomes the key types of that algorithm, and the library refuses a token
//! whose `alg` is not its key type's (token.rs:223-226).
//!
//! Everything the library cannot be told is declared in [`JwtSimple::describe`]'s
//! `cannot_enforce`, with the source lines that show it (paths relative to
//! `jwt-simple-0.15.0/src/`). The adapter never re-checks what the library checks and never checks
//! what it does not.
//!
//! [`JwtSimple::describe`]: crate::contract::Implementation::describe
//!
//! Clock: `VerificationOptions::artificial_time` replaces the system clock in
//! `JWTClaims::validate` (claims.rs:595-597), so the request's `now` is honoured
//! ([`Clock::Injected`](crate::contract::Clock::Injected)).
//!
//! Size: `VerificationOptions::max_token_length` (common.rs:58-60, checked first,
//! token.rs:169-171) is set to policy.md §1's default of 16 KiB instead of the library's
//! 1,000,000 bytes: the library offers the check, so it is configured.
//!
//! Defaults mode: `verify_token(token, None)`, which the library reads as
//! `VerificationOptions::default()` (token.rs:167, common.rs:69-88): a time tolerance of 15
//! minutes (`DEFAULT_TIME_TOLERANCE_SECS`, claims.rs:26) on `exp`, `nbf` and `iat`, no issuer,
//! audience or key id compared, tokens up to 1,000,000 bytes, and the system clock, since
//! only `artificial_time` injects one (claims.rs:595-597): the description's defaults clock is
//! [`Clock::System`](crate::contract::Clock::System).

use std::collections::HashSet;

use ::jwt_simple::prelude::{
    Duration as LibDuration, ECDSAP256KeyPairLike as _, ECDSAP256PublicKeyLike as _, ES256KeyPair,
    ES256PublicKey, HS256Key, HeaderOptions, JWTClaims, MACLike as _, RS256KeyPair, RS256PublicKey,
    RS512KeyPair, RS512PublicKey, RSAKeyPairLike as _, RSAPublicKeyLike as _, Token, TokenMetadata,
    UnixTimeStamp, VerificationOptions,
};
use ::jwt_simple::reexports::ct_codecs;
use ::jwt_simple::{Error as LibError, JWTError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::support::{
    alg_refused, allowed, fail, json_reason, library_claims, no_verifier, rsa_pkcs1_der,
    typed_member_reason, verified_header, Either, JsonRules, KeyTable, SigningKey, SURROGATE,
};
use crate::contract::{
    checks, Clock, Decoded, Failure, Jwk, KeyUse, PreparedKeys, SignRequest, VerifyMode,
    VerifyRequest,
};
use crate::verdict::Part;

/// The version of the `jwt-simple` crate this adapter is built against (checked against
/// `Cargo.lock` by a unit test, so a dependency bump cannot silently mislabel results).
pub const JWT_SIMPLE_VERSION: &str = "0.15.0";

/// policy.md §1: tokens above 16 KiB are refused before any decoding.
const MAX_TOKEN_LENGTH: usize = 16 * 1024;

/// The largest second count coarsetime's `UnixTimeStamp` holds (32.32 fixed point,
/// coarsetime helpers.rs:3 saturates beyond it).
const MAX_LIBRARY_SECONDS: u64 = u32::MAX as u64;

/// The algorithms this adapter maps onto the library's key types.
const ALGORITHMS: &[&str] = &["HS256", "ES256", "RS256", "RS512"];

/// Claims as the library decodes them: its typed registered claims plus every other member.
type LibClaims = JWTClaims<Map<String, Value>>;

super::support::injected_clock_adapter! {
    /// The `jwt-simple` crate behind the [`Implementation`](crate::contract::Implementation)
    /// contract.
    JwtSimple: "jwt-simple", JWT_SIMPLE_VERSION, ALGORITHMS, LIMITATIONS,
    defaults_clock: Some(Clock::System),
}

/// Every check of [`checks::TABLE`] the library cannot be configured to enforce, with the source
/// lines (in `jwt-simple-0.15.0/src/`) that show why.
///
/// Only what the library has no way to do at all. Checks it performs with mistakes (the `exp`
/// boundary, fractional and out-of-range dates, `crit: []`, a future `iat`) are not limitations:
/// they run, and their deviations are recorded in `vectors/exceptions/jwt-simple.json`.
const LIMITATIONS: &[(&str, &str)] = &[
    (
        checks::REQUIRED_CLAIMS,
        "`VerificationOptions` (common.rs:14-67) has no list of required claims: `exp`, `nbf` \
             and `iat` are checked only when present (claims.rs:605-629), and only `iss`, `aud`, \
             `sub` and `nonce` can be required, each only together with an expected value \
             (claims.rs:630-666); `exp` or a custom claim cannot be required",
    ),
    (
        checks::DUPLICATE_MEMBERS,
        "header and claims are parsed with serde_json into `JWTHeader` (token.rs:182-184) and \
             `JWTClaims<T>` (token.rs:244-245); serde rejects duplicates only of their own fields \
             (alg, kid, typ, …; iat, exp, iss, aud, …), while any other member is skipped \
             (header) or collected into the flattened custom claims (claims.rs:476-477), where \
             the last duplicate wins",
    ),
];

/// The header is `alg` plus what the library writes: `kid` from the key's id, `typ` and `cty`
/// from `HeaderOptions`. The library always writes `typ` (`JWTHeader::new` defaults it to
/// "JWT", jwt_header.rs:45-71, and `with_options` can only replace it, :101-104), so a
/// request without `typ` gets the closest token, with `"typ":"JWT"` added, and the harness's
/// signer checks judge it. Members the library cannot write at all are refused. Member order
/// is `JWTHeader`'s declaration order (alg, cty, kid, typ), not the request's.
fn sign_token(keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
    let options = header_options(&request.alg, &request.header)?;
    let kid = match request.header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(other) => {
            return Err(fail(
                None,
                format!("jwt-simple writes \"kid\" only as a string, not {other}"),
            ))
        }
    };
    // The claims go in as the request's map, unchanged: every registered field of
    // `JWTClaims` stays `None` (skipped on output) and the map is flattened in order.
    let mut claims: LibClaims = JWTClaims::new();
    claims.custom = request.claims.clone();
    let key = keys.get::<Prepared>()?.signing()?;
    let signed = match key.for_alg(&request.alg, "jwt-simple")? {
        Either::Hs256(key) => {
            let mut key = key.clone();
            if let Some(kid) = kid {
                key = key.with_key_id(kid);
            }
            key.authenticate_with_options(claims, &options)
        }
        Either::Es256(pairs) => match (kid, &pairs.with_kid) {
            (None, _) => pairs.plain.sign_with_options(claims, &options),
            (Some(kid), Some((own, pair))) if kid == own => {
                pair.sign_with_options(claims, &options)
            }
            // A `kid` other than the JWK's own: the library's key pair is not `Clone`, so this
            // (rare) request gets a key pair of its own.
            (Some(kid), _) => ES256KeyPair::from_bytes(&pairs.plain.to_bytes())
                .map(|pair| pair.with_key_id(kid))
                .and_then(|pair| pair.sign_with_options(claims, &options)),
        },
        // RSA key pairs are `Clone`: the key id goes on a copy.
        Either::Rsa(pairs) if request.alg == "RS512" => {
            let mut pair = pairs.rs512.clone();
            if let Some(kid) = kid {
                pair = pair.with_key_id(kid);
            }
            pair.sign_with_options(claims, &options)
        }
        Either::Rsa(pairs) => {
            let mut pair = pairs.rs256.clone();
            if let Some(kid) = kid {
                pair = pair.with_key_id(kid);
            }
            pair.sign_with_options(claims, &options)
        }
    };
    signed.map_err(|e| library_failure(&e, &Context::signing()))
}

fn verify_token(keys: &PreparedKeys, request: &VerifyRequest) -> Result<Decoded, Failure> {
    let table = keys.get::<Prepared>()?.verifying()?;
    // The library's own header parse (token.rs:250-263), the one `verify_token` repeats.
    let metadata = Token::decode_metadata(&request.token);
    let (token_alg, kid) = match &metadata {
        Ok(m) => (
            Some(m.algorithm().to_owned()),
            m.key_id().map(str::to_owned),
        ),
        Err(_) => (None, None),
    };

    // A `kid` selects the configured key with that id; without one, every configured key is
    // offered (a set with a duplicate `kid` offers none).
    let chosen = table.for_kid(kid.as_deref())?;

    // Each (key, allowed algorithm) pair that fits is one of the library's key types.
    let (verifiers, key_problems) =
        table.verifiers(&chosen, &allowed(&request.algorithms, ALGORITHMS));

    let ctx = Context {
        token_alg: token_alg.clone(),
        allow_list: request.algorithms.clone(),
        // With a readable header, every JSON error the library can still meet is the
        // payload's (it parses the header exactly as `decode_metadata` did).
        part: if metadata.is_ok() {
            Part::Payload
        } else {
            Part::Header
        },
    };
    if verifiers.is_empty() {
        // The library cannot be called without a key.
        if let Err(e) = &metadata {
            return Err(library_failure(e, &ctx));
        }
        return Err(no_verifier(
            &token_alg.unwrap_or_default(),
            &request.algorithms,
            &key_problems,
            !chosen.is_empty(),
        ));
    }

    let options = match request.mode {
        VerifyMode::Configured => Some(verification_options(request, kid.as_deref())?),
        VerifyMode::Defaults => None,
    };
    let mut key_dependent: Vec<(LibError, &Verifier)> = Vec::new();
    for verifier in verifiers {
        match verifier.verify(&request.token, options.clone()) {
            Ok(claims) => {
                let claims = library_claims("jwt-simple", &claims)?;
                let header = match (verified_header(&request.token), &metadata) {
                    (Ok(header), _) => header,
                    (Err(_), Ok(m)) => library_header(m),
                    (Err(f), Err(_)) => return Err(f),
                };
                return Ok(Decoded { header, claims });
            }
            Err(e) if depends_on_key(&e) => key_dependent.push((e, verifier)),
            // Everything else is decided before the key matters (size, header, `crit`,
            // `typ`) or after a signature verified (claims): the answer is final.
            Err(e) => return Err(library_failure(&e, &ctx)),
        }
    }
    // A signature that failed under a key of the token's algorithm says more than a key of
    // another algorithm refusing it.
    let rank = |(e, _): &(LibError, &Verifier)| match e.downcast_ref::<JWTError>() {
        Some(JWTError::InvalidAuthenticationTag | JWTError::InvalidSignature) => 0,
        Some(JWTError::AlgorithmMismatch) => 2,
        _ => 1,
    };
    key_dependent.sort_by_key(rank);
    match key_dependent.first() {
        // `WeakKey` (hmac.rs:157) covers every secret under 12 bytes; an empty one has its
        // own code.
        Some((e, Verifier::Hs256(key)))
            if matches!(e.downcast_ref::<JWTError>(), Some(JWTError::WeakKey))
                && key.key().as_ref().is_empty() =>
        {
            Err(fail(
                Some("empty_key"),
                format!("jwt-simple: {e} (empty secret)"),
            ))
        }
        Some((e, _)) => Err(library_failure(e, &ctx)),
        None => Err(fail(None, "jwt-simple verified nothing")),
    }
}

/// The library's keys, made once: `HS256Key` or `ES256KeyPair` to sign with, and a
/// [`Verifier`] per configured key and algorithm to verify with.
enum Prepared {
    Signing(Box<SigningKey<HS256Key, Es256Pairs, RsaPairs>>),
    Verifying(KeyTable<Verifier>),
}

impl Prepared {
    fn signing(&self) -> Result<&SigningKey<HS256Key, Es256Pairs, RsaPairs>, Failure> {
        match self {
            Prepared::Signing(key) => Ok(key),
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
        KeyUse::Sign => Prepared::Signing(Box::new(SigningKey::new(
            keys,
            |jwk| oct_secret(jwk).map(|secret| HS256Key::from_bytes(&secret)),
            |jwk| {
                Ok(Es256Pairs {
                    plain: es256_key_pair(jwk)?,
                    with_kid: match &jwk.kid {
                        Some(kid) => Some((kid.clone(), es256_key_pair(jwk)?.with_key_id(kid))),
                        None => None,
                    },
                })
            },
            |jwk| {
                let der = rsa_pkcs1_der(jwk)?;
                let refused = |e: LibError| {
                    fail(
                        Some("invalid_key"),
                        format!("RSAKeyPair::from_der refused the key: {e}"),
                    )
                };
                Ok(RsaPairs {
                    rs256: RS256KeyPair::from_der(&der).map_err(refused)?,
                    rs512: RS512KeyPair::from_der(&der).map_err(refused)?,
                })
            },
        ))),
        KeyUse::Verify => Prepared::Verifying(KeyTable::new(keys, ALGORITHMS, Verifier::new)),
    })
}

/// An EC JWK's `ES256KeyPair`s: the key id goes into the header the library writes, and the pair
/// is not `Clone`, so the one with the JWK's own `kid` (what the header asks for, as a rule) is
/// made next to the one without.
struct Es256Pairs {
    plain: ES256KeyPair,
    with_kid: Option<(String, ES256KeyPair)>,
}

/// An RSA JWK's key pairs, one per algorithm (the library has a type per algorithm), from its
/// PKCS#1 DER (`RS256KeyPair::from_der`, rsa.rs:523-528).
struct RsaPairs {
    rs256: RS256KeyPair,
    rs512: RS512KeyPair,
}

/// An EC JWK as the library's `ES256KeyPair`, without a key id.
fn es256_key_pair(jwk: &Jwk) -> Result<ES256KeyPair, Failure> {
    // The JWK's own `kid` would become the header's (`from_jwk`, es256.rs:123-131); the
    // header's `kid` is the one the request wants, so the JWK goes in without.
    let jwk = Jwk {
        kid: None,
        ..jwk.clone()
    };
    let text = Zeroizing::new(
        serde_json::to_string(&jwk)
            .map_err(|e| fail(Some("invalid_key"), format!("unusable JWK: {e}")))?,
    );
    ES256KeyPair::from_jwk(&text).map_err(|e| {
        fail(
            Some("invalid_key"),
            format!("ES256KeyPair::from_jwk refused the key: {e}"),
        )
    })
}

/// One of the library's key types, with the algorithm it is for.
enum Verifier {
    Hs256(HS256Key),
    Es256(ES256PublicKey),
    Rs256(RS256PublicKey),
    Rs512(RS512PublicKey),
}

impl Verifier {
    /// The key type for `alg` made from `jwk`, `None` when the key is not of `alg`'s family, or
    /// why it is unusable.
    fn new(alg: &str, jwk: &Jwk) -> Option<Result<Verifier, String>> {
        match (alg, jwk.kty.as_str()) {
            ("HS256", "oct") => Some(match oct_secret(jwk) {
                Ok(secret) => Ok(Verifier::Hs256(HS256Key::from_bytes(&secret))),
                Err(f) => Err(f.error),
            }),
            ("ES256", "EC") => Some(
                serde_json::to_string(&jwk.public())
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        ES256PublicKey::from_jwk(&text)
                            .map(Verifier::Es256)
                            .map_err(|e| format!("ES256PublicKey::from_jwk: {e}"))
                    }),
            ),
            // The whole public JWK, like ES256 keys: `from_jwk` checks its `alg`, `use` and
            // `key_ops` (rsa.rs:660-667, 878-885).
            ("RS256" | "RS512", "RSA") => Some(
                serde_json::to_string(&jwk.public())
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        if alg == "RS256" {
                            RS256PublicKey::from_jwk(&text)
                                .map(Verifier::Rs256)
                                .map_err(|e| format!("RS256PublicKey::from_jwk: {e}"))
                        } else {
                            RS512PublicKey::from_jwk(&text)
                                .map(Verifier::Rs512)
                                .map_err(|e| format!("RS512PublicKey::from_jwk: {e}"))
                        }
                    }),
            ),
            _ => None,
        }
    }

    /// The library's `verify_token`; `None` options are its defaults (token.rs:167).
    fn verify(
        &self,
        token: &str,
        options: Option<VerificationOptions>,
    ) -> Result<LibClaims, LibError> {
        match self {
            Verifier::Hs256(key) => key.verify_token::<Map<String, Value>>(token, options),
            Verifier::Es256(key) => key.verify_token::<Map<String, Value>>(token, options),
            Verifier::Rs256(key) => key.verify_token::<Map<String, Value>>(token, options),
            Verifier::Rs512(key) => key.verify_token::<Map<String, Value>>(token, options),
        }
    }
}

/// Errors whose answer may differ under another configured key.
fn depends_on_key(e: &LibError) -> bool {
    matches!(
        e.downcast_ref::<JWTError>(),
        Some(
            JWTError::AlgorithmMismatch
                | JWTError::InvalidAuthenticationTag
                | JWTError::InvalidSignature
                | JWTError::WeakKey
                | JWTError::InvalidPublicKey
        )
    )
}

/// The request's rules as `VerificationOptions`.
///
/// Times are coarsetime `UnixTimeStamp`s, 32.32 fixed point: seconds saturate at 2^32 - 1
/// (coarsetime helpers.rs:3), and `validate` computes `now + time_tolerance` unchecked
/// (claims.rs:606, :619), which overflows (a panic with overflow checks) beyond that. A `now` the
/// library cannot represent is refused; the leeway is capped so that `now + leeway` stays
/// representable, which changes nothing for dates below 2^32 s and saturated dates above it.
fn verification_options(
    request: &VerifyRequest,
    kid: Option<&str>,
) -> Result<VerificationOptions, Failure> {
    let now = u64::try_from(request.now)
        .ok()
        .filter(|n| *n <= MAX_LIBRARY_SECONDS)
        .ok_or_else(|| {
            fail(
                None,
                format!(
                    "jwt-simple's clock (coarsetime seconds, 0 to 2^32 - 1) cannot \
                     represent now = {}",
                    request.now
                ),
            )
        })?;
    let leeway = request.leeway.min(MAX_LIBRARY_SECONDS - now);
    let set = |value: &Option<String>| value.as_ref().map(|v| HashSet::from([v.clone()]));
    Ok(VerificationOptions {
        artificial_time: Some(UnixTimeStamp::from_secs(now)),
        time_tolerance: Some(LibDuration::from_secs(leeway)),
        allowed_issuers: set(&request.issuer),
        allowed_audiences: set(&request.audience),
        // The key was chosen by this `kid`; the library binds the token to it as well.
        required_key_id: kid.map(str::to_owned),
        max_token_length: Some(MAX_TOKEN_LENGTH),
        ..VerificationOptions::default()
    })
}

/// `HeaderOptions` for the requested header members besides `kid` (set on the key).
fn header_options(alg: &str, members: &Map<String, Value>) -> Result<HeaderOptions, Failure> {
    let mut options = HeaderOptions::default();
    let mut refused: Vec<String> = Vec::new();
    for (name, value) in members {
        match (name.as_str(), value) {
            ("alg", Value::String(a)) if a == alg => {}
            ("kid", _) => {}
            ("typ", Value::String(typ)) => options.signature_type = Some(typ.clone()),
            ("cty", Value::String(cty)) => options.content_type = Some(cty.clone()),
            _ => refused.push(format!("{name}: {value}")),
        }
    }
    if refused.is_empty() {
        Ok(options)
    } else {
        Err(fail(
            None,
            format!(
                "jwt-simple writes only alg, kid, typ and cty (strings) into a header it signs \
                 (JWTHeader::new, HeaderOptions; jwt_header.rs:65-110), not {}",
                refused.join(", ")
            ),
        ))
    }
}

/// An `oct` JWK's secret bytes.
fn oct_secret(jwk: &Jwk) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let k = jwk
        .k
        .as_deref()
        .ok_or_else(|| fail(Some("invalid_key"), "the oct key has no \"k\""))?;
    URL_SAFE_NO_PAD
        .decode(k)
        .map(Zeroizing::new)
        .map_err(|e| fail(Some("invalid_key"), format!("\"k\" is not base64url: {e}")))
}

/// The header as the library decoded it (`TokenMetadata`, token.rs:14-103), for a token the
/// library accepted although its header text is not a JSON object serde_json reads into a map:
/// `JWTHeader` skips unknown members without validating them (their UTF-8, their `\u` escapes),
/// so rejecting here would hide what the library accepted.
fn library_header(m: &TokenMetadata) -> Map<String, Value> {
    let mut header = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            header.insert(name.to_owned(), value);
        }
    };
    let text = |v: Option<&str>| v.map(|v| Value::String(v.to_owned()));
    let list = |v: Option<&[String]>| {
        v.map(|v| Value::Array(v.iter().cloned().map(Value::String).collect()))
    };
    put("alg", text(Some(m.algorithm())));
    put("cty", text(m.content_type()));
    put("kid", text(m.key_id()));
    put("typ", text(m.signature_type()));
    put("crit", list(m.critical()));
    put("x5c", list(m.certificate_chain()));
    put("jku", text(m.key_set_url()));
    put("jwk", text(m.public_key()));
    put("x5u", text(m.certificate_url()));
    put("x5t", text(m.certificate_sha1_thumbprint()));
    put("x5t#S256", text(m.certificate_sha256_thumbprint()));
    header
}

/// What a library error is classified against.
struct Context {
    /// The token's `alg`, when its header could be read.
    token_alg: Option<String>,
    allow_list: Vec<String>,
    part: Part,
}

impl Context {
    fn signing() -> Self {
        Context {
            token_alg: None,
            allow_list: Vec::new(),
            part: Part::Payload,
        }
    }
}

/// A library error as a [`Failure`] with the closest reason code, or none.
fn library_failure(e: &LibError, ctx: &Context) -> Failure {
    let text = format!("jwt-simple: {e}");
    if let Some(jwt) = e.downcast_ref::<JWTError>() {
        let reason = match jwt {
            JWTError::TokenTooLong | JWTError::HeaderTooLarge => Some("token_too_large"),
            JWTError::CompactEncodingError => Some("segment_count"),
            JWTError::UnknownCriticalExtension => Some("crit_present"),
            JWTError::NotJWT
            | JWTError::RequiredSignatureTypeMismatch
            | JWTError::RequiredContentTypeMismatch => Some("header_value"),
            JWTError::AlgorithmMismatch => {
                let alg = ctx.token_alg.as_deref().unwrap_or_default();
                let mut f = alg_refused(alg, &ctx.allow_list);
                f.error = format!("{text} ({})", f.error);
                return f;
            }
            JWTError::KeyIdentifierMismatch | JWTError::MissingJWTKeyIdentifier => {
                Some("unknown_kid")
            }
            JWTError::InvalidAuthenticationTag | JWTError::InvalidSignature => {
                Some("bad_signature")
            }
            JWTError::WeakKey => Some("invalid_key"),
            JWTError::InvalidPublicKey | JWTError::InvalidKeyPair => Some("invalid_key"),
            JWTError::TokenHasExpired => Some("expired"),
            JWTError::TokenNotValidYet => Some("not_yet_valid"),
            // `iat` later than now + leeway (claims.rs:604-608).
            JWTError::ClockDrift => Some("issued_in_future"),
            JWTError::RequiredIssuerMismatch => Some("issuer_mismatch"),
            JWTError::RequiredAudienceMismatch => Some("audience_mismatch"),
            JWTError::RequiredIssuerMissing
            | JWTError::RequiredAudienceMissing
            | JWTError::RequiredSubjectMissing => Some("missing_claim"),
            _ => None,
        };
        return fail(reason, text);
    }
    if e.downcast_ref::<ct_codecs::Error>().is_some() {
        return fail(Some("invalid_base64"), text);
    }
    if let Some(json) = e.downcast_ref::<serde_json::Error>() {
        return fail(classify_json(json, ctx.part), text);
    }
    fail(None, text)
}

/// How serde_json's errors from `JWTHeader` and `JWTClaims` are read.
const JSON: JsonRules = JsonRules {
    surrogate: SURROGATE,
    duplicate_field: true,
    objects: &[
        "expected struct JWTHeader",
        "expected struct JWTClaims",
        "expected a map",
    ],
};

/// serde_json's errors (from `JWTHeader` or `JWTClaims`) as reason codes ([`json_reason`]);
/// anything not recognised stays unclassified.
fn classify_json(e: &serde_json::Error, part: Part) -> Option<&'static str> {
    // A negative date: serde_additions.rs:20-21.
    json_reason(e, &JSON, |msg| {
        typed_member_reason(msg, part, &["must not be negative"])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Clock, Implementation as _};
    use crate::impls::testkit::{self, ec_test_key, oct, AUDIENCE, ISSUER, SECRET};
    use hmac::{Hmac, Mac as _};
    use serde_json::json;

    use crate::impls::testkit::NOW;

    testkit::adapter_tests! {
        implementation: JwtSimple,
        now: NOW,
        hs256_header: {"kid": "k1", "typ": "JWT"},
        package: "jwt-simple",
        version: JWT_SIMPLE_VERSION,
    }

    /// With no options the library tolerates 15 minutes of clock skew and compares no issuer
    /// or audience.
    #[test]
    fn defaults_mode_keeps_the_library_defaults() {
        testkit::assert_modes(&JwtSimple, |now| {
            let claims = |extra: &str| {
                format!(r#"{{"sub":"u","iss":"{ISSUER}","aud":"{AUDIENCE}",{extra}}}"#)
            };
            let exp = now + 600;
            vec![
                (
                    claims(&format!(r#""exp":{}"#, now - 600)),
                    Some("expired"),
                    None,
                ),
                (
                    format!(r#"{{"sub":"u","iss":"someone-else","aud":"{AUDIENCE}","exp":{exp}}}"#),
                    Some("issuer_mismatch"),
                    None,
                ),
                (
                    format!(r#"{{"sub":"u","iss":"{ISSUER}","aud":"another-app","exp":{exp}}}"#),
                    Some("audience_mismatch"),
                    None,
                ),
            ]
        });
    }

    #[test]
    fn sign_writes_the_requested_kid_only_and_adds_typ() {
        // The JWK's own kid does not leak into the header; typ is always written.
        let key = ec_test_key(Some("jwk-kid"));
        let header = testkit::signed_header(&JwtSimple, NOW, "ES256", key, json!({}));
        assert_eq!(header, json!({"alg": "ES256", "typ": "JWT"}));
        // The claims are written exactly, in order.
        let c = claims(json!({"z": 1, "a": 2.5}));
        let token = sign("HS256", oct(SECRET, None), json!({}), c.clone());
        let payload = token.split('.').nth(1).expect("payload");
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("utf8");
        assert_eq!(text, serde_json::to_string(&c).expect("json"));
    }

    #[test]
    fn sign_refuses_header_members_the_library_cannot_write() {
        testkit::assert_sign_refuses(&JwtSimple, NOW, "kid-number x5t alg-contradicts typ-null");
    }

    #[test]
    fn injected_clock_leeway_and_claims_get_their_verdicts() {
        assert_hs256_verdicts(&[
            (json!({"exp": NOW - 30}), NOW, 60, None),
            // Valid at an earlier now.
            (json!({"exp": NOW - 30}), NOW - 100, 0, None),
            (json!({"nbf": NOW + 100}), NOW, 0, Some("not_yet_valid")),
            (json!({"aud": ["other-app", AUDIENCE]}), NOW, 0, None),
            (json!({"iss": null}), NOW, 0, Some("missing_claim")),
        ]);
    }

    #[test]
    fn keys_are_chosen_by_kid_and_family() {
        // Another key's signature.
        let es256 = sign("ES256", ec_test_key(None), json!({}), claims(json!({})));
        let other = p256::SecretKey::from_slice(&[0x22; 32]).expect("scalar");
        let point = p256::EncodedPoint::from(other.public_key());
        let other = Jwk {
            kty: "EC".into(),
            crv: Some("P-256".into()),
            x: point.x().map(|x| URL_SAFE_NO_PAD.encode(x)),
            y: point.y().map(|y| URL_SAFE_NO_PAD.encode(y)),
            ..Default::default()
        };
        let hs256 = sign("HS256", oct(SECRET, None), json!({}), claims(json!({})));
        let another = oct(b"another key, also for tests only", Some("a"));
        #[rustfmt::skip]
        let rows: &[testkit::VerdictRow] = &[
            (es256, &["ES256"], vec![other], Some("bad_signature")),
            // Both algorithms allowed: the token's kid names the EC key, so the HS256 token meets
            // only the ES256 key type, which refuses its alg.
            (hs256_token(json!({})), &["ES256", "HS256"], vec![ec_test_key(Some("k1")), oct(SECRET, None)], Some("key_family_mismatch")),
            // Without a kid, every key is tried: the third key verifies.
            (hs256, &["HS256", "ES256"], vec![ec_test_key(Some("e")), another, oct(SECRET, Some("b"))], None),
        ];
        testkit::assert_verdicts(&JwtSimple, NOW, rows);
    }

    #[test]
    fn extreme_times_do_not_panic() {
        let token = hs256_token(json!({"nbf": NOW, "iat": 1e300, "exp": 1e300}));
        for (now, leeway) in [(NOW, u64::MAX), (0, u64::MAX), (i64::MAX, 0), (-1, 0)] {
            let _ = verify_hs256_at(token.clone(), now, leeway);
        }
        // A leeway beyond `now` makes the library call every token with `exp` expired
        // (claims.rs:626, `now >= time_tolerance`), but it must not panic.
        let _ = verify_hs256_at(hs256_token(json!({})), NOW, u64::MAX);
    }

    fn verify_raw(header: &str, payload: &str, required: &[&str]) -> Result<Decoded, Failure> {
        JwtSimple.verify(&testkit::raw_request_at(NOW, header, payload, required))
    }

    /// Each declared limitation is real, and so is each divergence that is deliberately not
    /// declared: the library accepts what policy.md rejects. When a release starts enforcing
    /// one of these, this test fails and `describe` or the exceptions file must be updated.
    #[test]
    fn declared_limitations_are_real() {
        let exp = NOW + 3600;
        let base = format!(r#""iss":"{ISSUER}","aud":"{AUDIENCE}","sub":"u""#);
        let members = format!("{base},");
        // Divergences, not limitations: `crit`, the `exp` boundary and its unit are checked,
        // with mistakes.
        let shared = "duplicate-claim duplicate-header-member crit-empty exp-equals-now \
                      exp-milliseconds";
        // Neither `exp` nor a custom claim can be required.
        #[rustfmt::skip]
        let own: &[(&str, &str, &str, &[&str])] = &[
            (checks::REQUIRED_CLAIMS, r#"{"alg":"HS256"}"#, r#"{"iss":"{iss}","aud":"{aud}","sub":"u"}"#, &["exp", "user_id"]),
        ];
        let limitations = [checks::REQUIRED_CLAIMS, checks::DUPLICATE_MEMBERS];
        let described = JwtSimple.describe();
        testkit::assert_accepted(
            &described,
            &limitations,
            shared,
            own,
            (&members, NOW),
            verify_raw,
        );
        // The checks it does perform, it performs: non-empty `crit`, a wrong-typed `exp`.
        let ok = format!(r#"{{{base},"exp":{exp}}}"#);
        #[rustfmt::skip]
        let performed = [
            (r#"{"alg":"HS256","crit":["x"]}"#, "{ok}", "crit_present"),
            (r#"{"alg":"HS256"}"#, r#"{"iss":"{iss}","aud":"{aud}","sub":"u","exp":"{exp}"}"#, "claim_type"),
        ];
        testkit::assert_refusals("", &performed, &ok, exp, |h, p| verify_raw(h, p, &[]));
    }

    /// A header member the library skips is not validated by it: the token is accepted, and
    /// the header returned is the library's reading of it rather than an adapter rejection.
    #[test]
    fn accepted_tokens_with_unreadable_headers_keep_the_librarys_reading() {
        let exp = NOW + 3600;
        let header = b"{\"alg\":\"HS256\",\"kid\":\"k1\",\"x\":\"\xff\"}";
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"u","exp":{exp}}}"#))
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET).expect("any key size");
        mac.update(message.as_bytes());
        let token = format!(
            "{message}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        );
        assert!(verified_header(&token).is_err());
        let mut request = hs256_request(token);
        request.issuer = None;
        request.audience = None;
        let decoded = JwtSimple.verify(&request).expect("the library accepts it");
        assert_eq!(
            Value::Object(decoded.header),
            json!({"alg": "HS256", "kid": "k1"})
        );
    }

    #[test]
    fn library_errors_get_the_closest_code() {
        let exp = NOW + 3600;
        let ok = format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","sub":"u","exp":{exp}}}"#);
        let shared = "alg-none alg-missing alg-twice header-trailing-comma claims-trailing-text \
                      exp-twice";
        #[rustfmt::skip]
        let own = [
            (r#"{"alg":"HS256","typ":"JOSE"}"#, "{ok}", "header_value"),
            (r#"{"alg":"HS256"}"#, r#"{"exp":-5}"#, "date_out_of_range"),
        ];
        testkit::assert_refusals(shared, &own, &ok, exp, |h, p| verify_raw(h, p, &[]));
        let too_large = format!("{}.{}", "e".repeat(MAX_TOKEN_LENGTH), "x.y");
        assert_hs256_refusals(&[
            ("{token}.x", "segment_count"),
            (&too_large, "token_too_large"),
        ]);
        let got = JwtSimple.verify(&verify_request(
            "e30.e30.!!!".into(),
            &["HS256"],
            vec![oct(SECRET, None)],
        ));
        assert!(got.is_err(), "{got:?}");
    }

    #[test]
    fn describe_declares_known_limitations() {
        let enforced = [
            checks::ISSUER,
            checks::AUDIENCE,
            checks::EXPIRY,
            checks::NOT_BEFORE,
            checks::KID,
        ];
        testkit::assert_describes(&JwtSimple, "jwt-simple", Clock::Injected, &enforced);
    }
}
