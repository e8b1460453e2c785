//! Test fixtures the library adapters' unit tests share: keys, claims, requests, and the
//! `Cargo.lock` check of a described version.
//!
//! Each adapter's tests keep their own cases (what each library accepts and how it words a
//! refusal differ); only the scaffolding that builds their inputs lives here, so every adapter is
//! tested with the same keys and claims.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::contract::{Decoded, Failure, Implementation, Jwk, SignRequest, VerifyRequest};

/// The HS256 secret of the tests. TEST KEY ONLY.
pub(crate) const SECRET: &[u8] = b"test-only secret, 32+ bytes long!";
/// The issuer every test token names and every verify request expects.
pub(crate) const ISSUER: &str = "https://issuer.example";
/// The audience every test token names and every verify request expects.
pub(crate) const AUDIENCE: &str = "app-123";

/// An `oct` JWK holding `secret`.
pub(crate) fn oct(secret: &[u8], kid: Option<&str>) -> Jwk {
    Jwk {
        kty: "oct".into(),
        k: Some(URL_SAFE_NO_PAD.encode(secret)),
        kid: kid.map(str::to_owned),
        ..Default::default()
    }
}

/// An EC P-256 JWK whose scalar is `scalar` repeated 32 times. TEST KEYS ONLY: they are public in
/// this source file.
pub(crate) fn ec_key(scalar: u8, kid: Option<&str>) -> Jwk {
    let secret = p256::SecretKey::from_slice(&[scalar; 32]).expect("fixed test scalar is valid");
    let point = p256::EncodedPoint::from(secret.public_key());
    Jwk {
        kty: "EC".into(),
        crv: Some("P-256".into()),
        x: point.x().map(|x| URL_SAFE_NO_PAD.encode(x)),
        y: point.y().map(|y| URL_SAFE_NO_PAD.encode(y)),
        d: Some(URL_SAFE_NO_PAD.encode(secret.to_bytes())),
        kid: kid.map(str::to_owned),
        ..Default::default()
    }
}

/// The usual EC test key (scalar `0x11…`).
pub(crate) fn ec_test_key(kid: Option<&str>) -> Jwk {
    ec_key(0x11, kid)
}

/// Valid claims at `now` (`sub`, `iss`, `aud`, `exp` an hour later), with `extra` merged in: a
/// member set to `null` is removed, any other replaces or adds.
pub(crate) fn claims_at(now: i64, extra: Value) -> Map<String, Value> {
    let mut c = json!({"sub": "user-1", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 3600})
        .as_object()
        .cloned()
        .expect("object");
    if let Value::Object(extra) = extra {
        for (k, v) in extra {
            if v.is_null() {
                c.remove(&k);
            } else {
                c.insert(k, v);
            }
        }
    }
    c
}

/// A token `implementation` signs; panics if it refuses.
pub(crate) fn sign_with(
    implementation: &dyn Implementation,
    alg: &str,
    key: Jwk,
    header: Value,
    claims: Map<String, Value>,
) -> String {
    let request = SignRequest {
        id: "s".into(),
        alg: alg.into(),
        key,
        header: header.as_object().cloned().expect("header object"),
        claims,
    };
    implementation.sign(&request).expect("signing works")
}

/// A verify request at `now` with the public halves of `keys`, requiring `sub` and `exp` and
/// expecting [`ISSUER`] and [`AUDIENCE`].
pub(crate) fn verify_request_at(
    now: i64,
    token: String,
    algorithms: &[&str],
    keys: Vec<Jwk>,
) -> VerifyRequest {
    VerifyRequest {
        id: "v".into(),
        token,
        algorithms: algorithms.iter().map(|a| a.to_string()).collect(),
        keys: keys.iter().map(Jwk::public).collect(),
        now,
        leeway: 0,
        required: vec!["sub".into(), "exp".into()],
        issuer: Some(ISSUER.into()),
        audience: Some(AUDIENCE.into()),
    }
}

/// The reason code of a rejection; panics on an acceptance.
pub(crate) fn reason(result: Result<Decoded, Failure>) -> Option<String> {
    match result {
        Ok(d) => panic!("expected a rejection, got {d:?}"),
        Err(f) => f.reason,
    }
}

/// The version of `package` in the workspace's `Cargo.lock`, so a test can hold an adapter's
/// described version to the one it is built against.
pub(crate) fn locked_version(package: &str) -> Option<String> {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
        .expect("workspace Cargo.lock");
    let wanted = format!("name = {package:?}");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            return lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = "))
                .map(|v| v.trim_matches('"').to_owned());
        }
    }
    None
}
