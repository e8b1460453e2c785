//! Deliberately broken implementations, and deliberately misbehaving adapter processes.
//!
//! **These exist only to prove that the suite catches real mistakes. Never use them for
//! anything else**: each one accepts tokens that must be refused.
//!
//! Each implementation wraps [`Reference`] and breaks exactly one thing, a mistake real JWT
//! libraries have shipped:
//! - [`AcceptsNone`]: a token whose header `alg` is `none` (any case) is accepted without any
//!   signature check (the oldest JWT bug there is);
//! - [`IgnoresExp`]: `exp` is never looked at;
//! - [`KeyConfusion`]: an HS256 token whose HMAC secret is an encoding of a configured EC public
//!   key is accepted (CVE-2016-10555);
//! - [`AnyHash`]: where HS256 or ES256 is allowed, a token whose header names HS384/HS512 or
//!   ES384/ES512 is checked with that hash and the configured key, and accepted;
//! - [`PositionalHeader`]: a header that is a JSON array is read in field order (`alg`, `cty`,
//!   `kid`, `typ`), as serde's derived deserializer does;
//! - [`LooseSigner`]: verifies strictly but signs what it was not asked to: `typ` where the
//!   request has none, an `iat`, and numeric-looking strings as numbers.
//!
//! [`ProcessFault`] is the other kind of breakage: not a wrong verdict but a process that hangs,
//! dies or writes garbage (`idjwt-serve --fault`), to prove the harness contains it.

use serde_json::{Map, Value};

use crate::contract::{
    Clock, Decoded, Description, Failure, Implementation, SignRequest, VerifyRequest, WireRequest,
};
use crate::engine::claims::{self, ClaimChecks};
use crate::engine::keys::{Key, KeySet};
use crate::engine::{self, compact, header, json, signature, Alg, JwsOptions, Limits};
use crate::impls::reference::Reference;
use crate::verdict::{Part, Reason};

/// The names of the faulty implementations.
pub const NAMES: [&str; 6] = [
    "faulty-accepts-none",
    "faulty-ignores-exp",
    "faulty-key-confusion",
    "faulty-any-hash",
    "faulty-positional-header",
    "faulty-loose-signer",
];

/// The faulty implementation with this name (see [`NAMES`]).
pub fn by_name(name: &str) -> Option<Box<dyn Implementation>> {
    match name {
        "faulty-accepts-none" => Some(Box::new(AcceptsNone::default())),
        "faulty-ignores-exp" => Some(Box::new(IgnoresExp::default())),
        "faulty-key-confusion" => Some(Box::new(KeyConfusion::default())),
        "faulty-any-hash" => Some(Box::new(AnyHash::default())),
        "faulty-positional-header" => Some(Box::new(PositionalHeader::default())),
        "faulty-loose-signer" => Some(Box::new(LooseSigner::default())),
        _ => None,
    }
}

fn description(name: &str) -> Description {
    Description {
        name: name.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        algorithms: Alg::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
        clock: Clock::Injected,
        // They claim to enforce everything: that is the point.
        cannot_enforce: Vec::new(),
        modes: Vec::new(),
        defaults_clock: None,
        ..Default::default()
    }
}

fn key_failure(e: engine::keys::KeyError) -> Failure {
    Failure {
        error: e.to_string(),
        reason: Some("invalid_key".into()),
    }
}

/// The algorithm allow-list and keys of a request, as the reference reads them.
fn configuration(request: &VerifyRequest) -> Result<(Vec<Alg>, KeySet), Failure> {
    let algorithms = request
        .algorithms
        .iter()
        .filter_map(|name| Alg::from_name(name))
        .collect();
    let keys = KeySet::from_jwks_list(&request.keys).map_err(key_failure)?;
    Ok((algorithms, keys))
}

fn claim_checks<'a>(request: &'a VerifyRequest, required: &'a [String]) -> ClaimChecks<'a> {
    ClaimChecks {
        now: request.now,
        leeway: request.leeway,
        required,
        issuer: request.issuer.as_deref(),
        audience: request.audience.as_deref(),
    }
}

/// The payload parsed as claims and checked exactly as the reference checks them.
fn checked_claims(
    payload: &[u8],
    request: &VerifyRequest,
    limits: Limits,
) -> Result<Map<String, Value>, Reason> {
    let claims = json::parse_object(payload, Part::Payload, limits.max_json_depth)?;
    claims::check(&claims, &claim_checks(request, &request.required))?;
    Ok(claims)
}

/// The token's segments and its header object, read within `limits`, or `None` where the
/// reference would refuse them.
fn split_with_header(
    token: &str,
    limits: Limits,
) -> Option<(compact::Compact<'_>, Map<String, Value>)> {
    let token = compact::split(token, limits.max_token_bytes).ok()?;
    let header = json::parse_object(&token.header, Part::Header, limits.max_json_depth).ok()?;
    Some((token, header))
}

/// The reference's answer, unless it refuses and the fault has an answer of its own.
fn strict_or(
    inner: &Reference,
    request: &VerifyRequest,
    fault: impl FnOnce() -> Option<Result<Decoded, Failure>>,
) -> Result<Decoded, Failure> {
    let strict = inner.verify(request);
    if strict.is_ok() {
        return strict;
    }
    fault().unwrap_or(strict)
}

/// A token whose signature the fault let through: its claims checked as the reference checks
/// them.
fn let_through(
    header: Map<String, Value>,
    payload: &[u8],
    request: &VerifyRequest,
    limits: Limits,
) -> Result<Decoded, Failure> {
    checked_claims(payload, request, limits)
        .map(|claims| Decoded { header, claims })
        .map_err(Failure::from)
}

/// A faulty implementation `$type`, described as `$name`: a wrapper of [`Reference`] that signs
/// as the reference does (or with its own `faulty_sign`) and verifies with its own
/// `faulty_verify`.
macro_rules! faulty_implementation {
    ($(#[$doc:meta])* $type:ident, $name:literal) => {
        faulty_implementation!($(#[$doc])* $type, $name, sign: |this: &$type, request| this.inner.sign(request), verify: |this: &$type, request| this.faulty_verify(request));
    };
    ($(#[$doc:meta])* $type:ident, $name:literal, sign: $sign:expr, verify: $verify:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $type {
            /// The strict implementation it wraps.
            pub inner: Reference,
        }

        impl Implementation for $type {
            fn describe(&self) -> Description {
                description($name)
            }

            fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
                ($sign)(self, request)
            }

            fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
                ($verify)(self, request)
            }
        }
    };
}

faulty_implementation! {
    /// FAULTY: accepts `alg: none` (any case) without checking any signature.
    ///
    /// Everything else (including the claims of an unsigned token) is checked as the reference
    /// does.
    AcceptsNone, "faulty-accepts-none"
}

impl AcceptsNone {
    /// `Some` when the token says `alg: none`: then the signature segment is not looked at.
    fn unsigned(&self, request: &VerifyRequest) -> Option<Result<Decoded, Failure>> {
        let limits = self.inner.limits;
        if request.token.len() > limits.max_token_bytes {
            return None;
        }
        let mut segments = request.token.split('.');
        let (Some(header_segment), Some(payload_segment), Some(_signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return None;
        };
        let header_bytes = compact::decode_segment(header_segment, Part::Header).ok()?;
        let header = json::parse_object(&header_bytes, Part::Header, limits.max_json_depth).ok()?;
        if !header.get("alg")?.as_str()?.eq_ignore_ascii_case("none") {
            return None;
        }
        Some((|| {
            let payload = compact::decode_segment(payload_segment, Part::Payload)?;
            let claims = checked_claims(&payload, request, limits)?;
            Ok(Decoded { header, claims })
        })())
    }

    fn faulty_verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        match self.unsigned(request) {
            Some(result) => result,
            None => self.inner.verify(request),
        }
    }
}

faulty_implementation! {
    /// FAULTY: verifies the signature and every claim except `exp`, which it never looks at (not
    /// its value, not its type). A required `exp` must still be present.
    IgnoresExp, "faulty-ignores-exp"
}

impl IgnoresExp {
    fn faulty_verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        let limits = self.inner.limits;
        let (algorithms, keys) = configuration(request)?;
        let options = JwsOptions {
            algorithms: &algorithms,
            keys: &keys,
            limits,
        };
        let jws = engine::verify_jws(&request.token, &options)?;
        let claims = json::parse_object(&jws.payload, Part::Payload, limits.max_json_depth)?;
        if request.required.iter().any(|n| n == "exp") && !claims.contains_key("exp") {
            return Err(Reason::MissingClaim {
                claim: "exp".into(),
            }
            .into());
        }
        let mut without_exp = claims.clone();
        without_exp.remove("exp");
        let required: Vec<String> = request
            .required
            .iter()
            .filter(|n| *n != "exp")
            .cloned()
            .collect();
        claims::check(&without_exp, &claim_checks(request, &required))?;
        Ok(Decoded {
            header: jws.header,
            claims,
        })
    }
}

faulty_implementation! {
    /// FAULTY: CVE-2016-10555. When the reference refuses a token whose header says `HS256`, and
    /// a configured key (the one its `kid` names, or any) is an EC P-256 key, it also accepts an
    /// HMAC-SHA-256 tag keyed with any classic encoding of that public key
    /// ([`public_key_encodings`]). Like the vulnerable libraries it takes the algorithm from the
    /// token, so the `alg` allow-list does not stop it.
    KeyConfusion, "faulty-key-confusion"
}

impl KeyConfusion {
    fn confused(&self, request: &VerifyRequest) -> Option<Result<Decoded, Failure>> {
        let limits = self.inner.limits;
        let (token, header) = split_with_header(&request.token, limits)?;
        if header.get("alg")?.as_str()? != "HS256" {
            return None;
        }
        let kid = header::kid(&header).ok()?;
        let keys = KeySet::from_jwks_list(&request.keys).ok()?;
        let matched = keys
            .keys()
            .iter()
            .filter(|k| kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)))
            .flat_map(public_key_encodings)
            .any(|secret| {
                signature::verify(
                    Alg::HS256,
                    &Key::hmac(secret, None),
                    token.signing_input.as_bytes(),
                    &token.signature,
                )
                .is_ok()
            });
        matched.then(|| let_through(header, &token.payload, request, limits))
    }

    fn faulty_verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        strict_or(&self.inner, request, || self.confused(request))
    }
}

faulty_implementation! {
    /// FAULTY: takes the hash from the header. Where HS256 is allowed, an `HS384` or `HS512`
    /// header is checked as HMAC-SHA-384/512 under the configured secrets; where ES256 is
    /// allowed, an `ES384` or `ES512` header as ECDSA over SHA-384/512 with the configured P-256
    /// keys. Everything else is the reference's.
    AnyHash, "faulty-any-hash"
}

impl AnyHash {
    fn other_hash(&self, request: &VerifyRequest) -> Option<Result<Decoded, Failure>> {
        use crate::suite::case::MintAlg;
        use crate::suite::mint::sign_as;
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        use sha2::{Digest, Sha384, Sha512};

        let limits = self.inner.limits;
        let (token, header) = split_with_header(&request.token, limits)?;
        let alg = header.get("alg")?.as_str()?;
        let family = if alg.starts_with("HS") {
            "HS256"
        } else {
            "ES256"
        };
        if !request.algorithms.iter().any(|a| a == family) {
            return None;
        }
        let input = token.signing_input.as_bytes();
        let keys = KeySet::from_jwks_list(&request.keys).ok()?;
        let hmac = |secret: &[u8]| {
            let hash = match alg {
                "HS384" => MintAlg::HS384,
                "HS512" => MintAlg::HS512,
                _ => return None,
            };
            sign_as(hash, &Key::hmac(secret.to_vec(), None), input).ok()
        };
        let digest: Option<Vec<u8>> = match alg {
            "ES384" => Some(Sha384::digest(input).to_vec()),
            "ES512" => Some(Sha512::digest(input).to_vec()),
            _ => None,
        };
        let matched = keys.keys().iter().any(|key| match &key.material {
            engine::keys::KeyMaterial::Hmac(secret) => {
                !secret.is_empty() && hmac(secret).is_some_and(|tag| tag == token.signature)
            }
            engine::keys::KeyMaterial::EcPublic(vk) => digest.as_ref().is_some_and(|d| {
                p256::ecdsa::Signature::from_slice(&token.signature)
                    .is_ok_and(|sig| vk.verify_prehash(d, &sig).is_ok())
            }),
            _ => false,
        });
        matched.then(|| let_through(header, &token.payload, request, limits))
    }

    fn faulty_verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        strict_or(&self.inner, request, || self.other_hash(request))
    }
}

faulty_implementation! {
    /// FAULTY: a header that is a JSON array is read as `[alg, cty, kid, typ]` (the field order
    /// of jwt-simple's header struct; `null` or a missing position is an absent member), then
    /// verified as the reference verifies an object header.
    PositionalHeader, "faulty-positional-header"
}

impl PositionalHeader {
    /// The header object an array header stands for, or `None` for any other header.
    fn positional(bytes: &[u8]) -> Option<Map<String, Value>> {
        let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(bytes) else {
            return None;
        };
        let mut header = Map::new();
        for (name, item) in ["alg", "cty", "kid", "typ"].into_iter().zip(items) {
            if !item.is_null() {
                header.insert(name.to_owned(), item);
            }
        }
        Some(header)
    }

    fn read_positionally(&self, request: &VerifyRequest) -> Option<Result<Decoded, Failure>> {
        let limits = self.inner.limits;
        let token = compact::split(&request.token, limits.max_token_bytes).ok()?;
        let header = Self::positional(&token.header)?;
        Some((|| {
            let (algorithms, keys) = configuration(request)?;
            let alg = header
                .get("alg")
                .and_then(Value::as_str)
                .and_then(Alg::from_name)
                .filter(|a| algorithms.contains(a))
                .ok_or(Reason::AlgMissing)?;
            let kid = header::kid(&header)?;
            let verified = keys
                .keys()
                .iter()
                .filter(|k| kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)))
                .any(|k| {
                    signature::verify(alg, k, token.signing_input.as_bytes(), &token.signature)
                        .is_ok()
                });
            if !verified {
                return Err(Reason::BadSignature.into());
            }
            let claims = checked_claims(&token.payload, request, limits)?;
            Ok(Decoded { header, claims })
        })())
    }

    fn faulty_verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        self.read_positionally(request)
            .unwrap_or_else(|| self.inner.verify(request))
    }
}

faulty_implementation! {
    /// FAULTY: signs with the reference after "helping": adds `typ: JWT` where the request asks
    /// for no `typ`, adds an `iat`, and writes every string claim made of digits as a number.
    /// Verifies as the reference does.
    LooseSigner, "faulty-loose-signer",
    sign: |this: &LooseSigner, request: &SignRequest| this.inner.sign(&LooseSigner::helped(request)),
    verify: |this: &LooseSigner, request| this.inner.verify(request)
}

impl LooseSigner {
    fn helped(request: &SignRequest) -> SignRequest {
        let mut request = request.clone();
        request
            .header
            .entry("typ")
            .or_insert_with(|| Value::String("JWT".into()));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        for value in request.claims.values_mut() {
            if let Some(n) = value
                .as_str()
                .filter(|s| digits(s))
                .and_then(|s| s.parse::<u64>().ok())
            {
                *value = Value::from(n);
            }
        }
        let iat = request
            .claims
            .get("exp")
            .and_then(Value::as_i64)
            .map_or(0, |exp| exp - 3600);
        request
            .claims
            .entry("iat")
            .or_insert_with(|| Value::from(iat));
        request
    }
}

/// The byte strings a confused library might use as an HMAC secret for an EC key: the
/// uncompressed SEC1 point, the compressed point, x‖y, the SPKI DER, the SPKI PEM text (LF and
/// CRLF, with and without the final line break), and the public JWK as JSON text (RFC 7638
/// member order `crv,kty,x,y`, `p256`'s order, and [`crate::Jwk`]'s order with and without
/// `kid`). Empty for HMAC keys.
pub fn public_key_encodings(key: &Key) -> Vec<Vec<u8>> {
    use p256::pkcs8::{EncodePublicKey, LineEnding};

    let Some(vk) = key.verifying_key() else {
        return Vec::new();
    };
    let uncompressed = vk.to_encoded_point(false).as_bytes().to_vec();
    let mut out = vec![
        vk.to_encoded_point(true).as_bytes().to_vec(),
        uncompressed[1..].to_vec(),
        uncompressed,
    ];
    let public = p256::PublicKey::from(vk);
    if let Ok(der) = public.to_public_key_der() {
        out.push(der.as_bytes().to_vec());
    }
    for ending in [LineEnding::LF, LineEnding::CRLF] {
        if let Ok(pem) = public.to_public_key_pem(ending) {
            out.push(pem.trim_end().as_bytes().to_vec());
            out.push(pem.into_bytes());
        }
    }
    let jwk = key.public_jwk();
    if let (Some(x), Some(y)) = (&jwk.x, &jwk.y) {
        out.push(format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#).into_bytes());
    }
    out.push(public.to_jwk_string().into_bytes());
    let without_kid = crate::Jwk {
        kid: None,
        ..jwk.clone()
    };
    for jwk in [jwk, without_kid] {
        if let Ok(text) = serde_json::to_vec(&jwk) {
            out.push(text);
        }
    }
    out.dedup();
    out
}

/// How an adapter *process* misbehaves, for proving the harness contains it (`idjwt-serve
/// --fault`). A fault fires only on verify requests selected by [`ProcessFault::fires`], so it
/// fires again, deterministically, after the harness restarts the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessFault {
    /// Sleeps forever instead of answering.
    HangOnVerify,
    /// Exits with status [`ProcessFault::EXIT_STATUS`] without answering.
    ExitOnVerify,
    /// Writes the line [`ProcessFault::GARBAGE`] instead of the response, and goes on.
    GarbageOnVerify,
    /// Panics (the process dies with status 101).
    PanicOnVerify,
}

impl ProcessFault {
    /// Every process fault.
    pub const ALL: [ProcessFault; 4] = [
        ProcessFault::HangOnVerify,
        ProcessFault::ExitOnVerify,
        ProcessFault::GarbageOnVerify,
        ProcessFault::PanicOnVerify,
    ];

    /// The exit status of [`ProcessFault::ExitOnVerify`].
    pub const EXIT_STATUS: i32 = 3;

    /// The line [`ProcessFault::GarbageOnVerify`] writes.
    pub const GARBAGE: &'static str = "this is not json";

    /// The `--fault` name.
    pub fn name(self) -> &'static str {
        match self {
            ProcessFault::HangOnVerify => "hang-on-verify",
            ProcessFault::ExitOnVerify => "exit-on-verify",
            ProcessFault::GarbageOnVerify => "garbage-on-verify",
            ProcessFault::PanicOnVerify => "panic-on-verify",
        }
    }

    /// The fault with this `--fault` name.
    pub fn from_name(name: &str) -> Option<ProcessFault> {
        ProcessFault::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether a fault fires on `request`: it is a verify request whose `id` contains
    /// `id_contains` (an empty `id_contains` selects every verify request).
    pub fn fires(request: &WireRequest, id_contains: &str) -> bool {
        matches!(request, WireRequest::Verify(v) if v.id.contains(id_contains))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_700_000_000;

    fn claims(exp: i64) -> Map<String, Value> {
        json!({"sub": "u", "exp": exp}).as_object().unwrap().clone()
    }

    fn request(token: String, alg: &str, key: &Key) -> VerifyRequest {
        VerifyRequest {
            id: "t".into(),
            token,
            algorithms: vec![alg.into()],
            keys: vec![key.public_jwk()],
            now: NOW,
            leeway: 0,
            required: Vec::new(),
            issuer: None,
            audience: None,
            mode: Default::default(),
            provider: None,
            jwks: None,
        }
    }

    /// A token `key` signs as `alg`, with no header members but `alg`.
    fn signed(alg: Alg, key: &Key, claims: &Map<String, Value>) -> String {
        engine::sign_jwt(alg, key, &Map::new(), claims).unwrap()
    }

    fn good(alg: Alg, key: &Key) -> VerifyRequest {
        let token = signed(alg, key, &claims(NOW + 60));
        request(token, alg.as_str(), key)
    }

    fn reason(r: Result<Decoded, Failure>) -> String {
        r.err()
            .and_then(|f| f.reason)
            .unwrap_or_else(|| "ok".into())
    }

    /// Every faulty implementation still accepts good tokens of both algorithms.
    fn accepts_good_tokens(imp: &dyn Implementation) {
        for (alg, key) in [
            (Alg::HS256, Key::test_hmac("faulty")),
            (Alg::ES256, Key::test_ec("faulty")),
        ] {
            let decoded = imp.verify(&good(alg, &key)).unwrap();
            assert_eq!(decoded.claims, claims(NOW + 60), "{}", imp.describe().name);
        }
    }

    #[test]
    fn accepts_none_accepts_unsigned_tokens() {
        let key = Key::test_hmac("faulty");
        let payload = compact::encode(&serde_json::to_vec(&claims(NOW + 60)).unwrap());
        for alg in ["none", "None", "NONE"] {
            let header = compact::encode(format!(r#"{{"alg":"{alg}"}}"#).as_bytes());
            for signature in ["", "c2ln"] {
                let r = request(format!("{header}.{payload}.{signature}"), "HS256", &key);
                assert_ne!(reason(Reference::default().verify(&r)), "ok");
                let decoded = AcceptsNone::default().verify(&r).unwrap();
                assert_eq!(decoded.header["alg"], alg);
                assert_eq!(decoded.claims["sub"], "u");
            }
        }
        // The claims of an unsigned token are still checked.
        let expired = compact::encode(&serde_json::to_vec(&claims(NOW - 1)).unwrap());
        let header = compact::encode(br#"{"alg":"none"}"#);
        let r = request(format!("{header}.{expired}."), "HS256", &key);
        assert_eq!(reason(AcceptsNone::default().verify(&r)), "expired");
        accepts_good_tokens(&AcceptsNone::default());
    }

    #[test]
    fn ignores_exp_accepts_expired_tokens() {
        for (alg, key) in [
            (Alg::HS256, Key::test_hmac("faulty")),
            (Alg::ES256, Key::test_ec("faulty")),
        ] {
            let token = signed(alg, &key, &claims(NOW - 3600));
            let r = request(token, alg.as_str(), &key);
            assert_eq!(reason(Reference::default().verify(&r)), "expired");
            let decoded = IgnoresExp::default().verify(&r).unwrap();
            assert_eq!(
                decoded.claims,
                claims(NOW - 3600),
                "original claims returned"
            );
        }
        // Only exp is ignored: the signature and nbf still count.
        let key = Key::test_hmac("faulty");
        let mut r = good(Alg::HS256, &key);
        r.keys = vec![Key::test_hmac("other").to_jwk()];
        assert_eq!(reason(IgnoresExp::default().verify(&r)), "bad_signature");
        let mut early = claims(NOW + 60);
        early.insert("nbf".into(), json!(NOW + 30));
        let token = signed(Alg::HS256, &key, &early);
        let r = request(token, "HS256", &key);
        assert_eq!(reason(IgnoresExp::default().verify(&r)), "not_yet_valid");
        // A required exp must still be there.
        let mut no_exp = claims(0);
        no_exp.remove("exp");
        let token = signed(Alg::HS256, &key, &no_exp);
        let mut r = request(token, "HS256", &key);
        r.required = vec!["exp".into()];
        assert_eq!(reason(IgnoresExp::default().verify(&r)), "missing_claim");
        accepts_good_tokens(&IgnoresExp::default());
    }

    #[test]
    fn key_confusion_accepts_hmac_keyed_with_the_public_key() {
        let ec = Key::test_ec("faulty");
        let sec1 = ec
            .verifying_key()
            .unwrap()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec();
        let token = signed(Alg::HS256, &Key::hmac(sec1, None), &claims(NOW + 60));
        for allowed in [vec!["ES256"], vec!["HS256", "ES256"]] {
            let mut r = request(token.clone(), "ES256", &ec);
            r.algorithms = allowed.iter().map(|a| a.to_string()).collect();
            assert_ne!(reason(Reference::default().verify(&r)), "ok");
            let decoded = KeyConfusion::default().verify(&r).unwrap();
            assert_eq!(decoded.header["alg"], "HS256");
        }
        // Every classic encoding works; a different key's encodings do not.
        for secret in public_key_encodings(&ec) {
            let token = signed(Alg::HS256, &Key::hmac(secret, None), &claims(NOW + 60));
            let r = request(token, "ES256", &ec);
            assert!(KeyConfusion::default().verify(&r).is_ok());
            let r = request(r.token, "ES256", &Key::test_ec("other"));
            assert_eq!(
                reason(KeyConfusion::default().verify(&r)),
                "alg_not_allowed"
            );
        }
        accepts_good_tokens(&KeyConfusion::default());
    }

    #[test]
    fn public_key_encodings_are_the_classic_ones() {
        let ec = Key::test_ec("faulty");
        let all = public_key_encodings(&ec);
        let lengths: Vec<usize> = all.iter().map(Vec::len).collect();
        for expected in [33, 64, 65, 91] {
            assert!(lengths.contains(&expected), "{lengths:?}");
        }
        let texts: Vec<String> = all
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(texts
            .iter()
            .any(|t| t.starts_with("-----BEGIN PUBLIC KEY-----")));
        assert!(texts
            .iter()
            .any(|t| t.starts_with(r#"{"crv":"P-256","kty":"EC","x":"#)));
        assert!(texts
            .iter()
            .any(|t| t.starts_with(r#"{"kty":"EC","crv":"P-256","x":"#)));
        assert!(public_key_encodings(&Key::test_hmac("faulty")).is_empty());
    }

    #[test]
    fn names_and_descriptions() {
        for name in NAMES {
            let imp = by_name(name).unwrap();
            let d = imp.describe();
            assert_eq!(d.name, name);
            assert_eq!(d.clock, Clock::Injected);
            assert_eq!(d.algorithms, ["HS256", "ES256", "RS256", "RS512"]);
        }
        assert!(by_name("reference").is_none());
    }

    #[test]
    fn process_faults_fire_on_selected_verify_requests() {
        for f in ProcessFault::ALL {
            assert_eq!(ProcessFault::from_name(f.name()), Some(f));
        }
        assert_eq!(ProcessFault::from_name("hang"), None);
        let key = Key::test_hmac("faulty");
        let mut verify = good(Alg::HS256, &key);
        verify.id = "case-fault-1".into();
        let verify = WireRequest::Verify(verify);
        assert!(ProcessFault::fires(&verify, ""));
        assert!(ProcessFault::fires(&verify, "fault"));
        assert!(!ProcessFault::fires(&verify, "other"));
        assert!(!ProcessFault::fires(&WireRequest::Describe, ""));
    }
}
