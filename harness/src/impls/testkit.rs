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

/// The verification time the adapters' tests inject (2023-11-14): a library that reads the
/// system clock instead fails them.
pub(crate) const NOW: i64 = 1_700_000_000;
/// An earlier injected time (2017-07-14), for the adapters whose tests are written for it.
pub(crate) const NOW_2017: i64 = 1_500_000_000;
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
        provider: None,
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
        mode: Default::default(),
        provider: None,
        jwks: None,
    }
}

/// The reason code of a rejection; panics on an acceptance.
pub(crate) fn reason(result: Result<Decoded, Failure>) -> Option<String> {
    match result {
        Ok(d) => panic!("expected a rejection, got {d:?}"),
        Err(f) => f.reason,
    }
}

/// Asserts a verdict: a refusal with reason code `code`, or an acceptance where there is none.
pub(crate) fn assert_verdict(got: Result<Decoded, Failure>, code: Option<&str>, context: &str) {
    match code {
        Some(code) => assert_eq!(reason(got).as_deref(), Some(code), "{context}"),
        None => assert!(got.is_ok(), "{context}: {got:?}"),
    }
}

/// A row of [`assert_verdicts`]: a token, the allowed algorithms and the keys it is checked
/// with, and the reason code of its refusal (none: it is accepted).
pub(crate) type VerdictRow<'a> = (String, &'a [&'a str], Vec<Jwk>, Option<&'a str>);

/// Asserts `implementation`'s verdict at `now` on each row's token, checked with the row's
/// allowed algorithms and the public halves of its keys (see [`assert_verdict`]).
pub(crate) fn assert_verdicts(implementation: &dyn Implementation, now: i64, rows: &[VerdictRow]) {
    for (token, algorithms, keys, code) in rows {
        let request = verify_request_at(now, token.clone(), algorithms, keys.clone());
        let context = format!("{token} with {algorithms:?}");
        assert_verdict(implementation.verify(&request), *code, &context);
    }
}

/// Asserts that `implementation` refuses an HS256 token under kid `k1` whose claims are valid at
/// `now` but for `extra` with reason code `code`, or, where it declares `check` a limitation (a
/// check the library cannot do), accepts it.
pub(crate) fn assert_claim_check(
    implementation: &dyn Implementation,
    now: i64,
    check: &str,
    (extra, code): (Value, &str),
) {
    let token = hs256_token_at(implementation, now, extra);
    let limitation = implementation.describe().limitation(check).is_some();
    let got = implementation.verify(&verify_request_at(
        now,
        token,
        &["HS256"],
        vec![oct(SECRET, Some("k1"))],
    ));
    assert_verdict(got, (!limitation).then_some(code), check);
}

/// Asserts that `implementation` describes itself as `name` with `clock`, and declares none of
/// the `enforced` checks a limitation.
pub(crate) fn assert_describes(
    implementation: &dyn Implementation,
    name: &str,
    clock: crate::contract::Clock,
    enforced: &[&str],
) {
    let d = implementation.describe();
    assert_eq!(d.name, name);
    assert_eq!(d.clock, clock);
    for check in enforced {
        assert!(d.limitation(check).is_none(), "{check}");
    }
}

/// Texts that are no token at all (too few or too many segments, bytes that are no base64url,
/// segments that decode to no header), which every adapter must refuse without panicking.
pub(crate) const GARBAGE_TOKENS: [&str; 7] = [
    "",
    ".",
    "..",
    "a.b",
    "a.b.c.d.e",
    "\u{0}.\u{ff}.x",
    "e30.e30.e30",
];

/// The sign requests several libraries' adapters must refuse, one row each:
/// `(name, alg, header)`, signed with the unlabelled [`SECRET`]. An adapter's test picks the
/// rows its library cannot carry by name ([`assert_sign_refuses`]).
#[rustfmt::skip]
const SIGN_REFUSALS: &[(&str, &str, &str)] = &[
    ("kid-number", "HS256", r#"{"kid":5}"#),
    ("kid-null", "HS256", r#"{"kid":null}"#),
    ("alg-contradicts", "HS256", r#"{"alg":"ES256"}"#),
    ("typ-null", "HS256", r#"{"typ":null}"#),
    ("cty", "HS256", r#"{"cty":"JWT"}"#),
    ("x5t", "HS256", r#"{"x5t":"abc"}"#),
    ("alg-unmapped", "PS256", "{}"),
];

/// A sign request for claims valid at `now` (see [`claims_at`]).
pub(crate) fn sign_request_at(now: i64, alg: &str, key: Jwk, header: Value) -> SignRequest {
    SignRequest {
        id: "s".into(),
        alg: alg.into(),
        key,
        header: header.as_object().cloned().expect("header object"),
        claims: claims_at(now, json!({})),
        provider: None,
    }
}

/// Asserts that `implementation` refuses to sign each row of [`SIGN_REFUSALS`] named in `names`
/// (separated by spaces), with claims valid at `now`.
pub(crate) fn assert_sign_refuses(implementation: &dyn Implementation, now: i64, names: &str) {
    for name in names.split_whitespace() {
        let row = SIGN_REFUSALS.iter().find(|row| row.0 == name);
        let (_, alg, header) = row.unwrap_or_else(|| panic!("no sign refusal {name:?}"));
        let header: Value = serde_json::from_str(header).expect("header JSON");
        let request = sign_request_at(now, alg, oct(SECRET, None), header.clone());
        assert!(implementation.sign(&request).is_err(), "{alg} {header}");
    }
}

/// The header of a token `implementation` signs as `alg` with `key` and the requested `header`,
/// claims valid at `now`, as the token carries it.
pub(crate) fn signed_header(
    implementation: &dyn Implementation,
    now: i64,
    alg: &str,
    key: Jwk,
    header: Value,
) -> Value {
    let token = sign_with(implementation, alg, key, header, claims_at(now, json!({})));
    Value::Object(crate::impls::support::verified_header(&token).expect("header"))
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

/// An HS256 token `implementation` signs under kid `k1` with [`SECRET`], claims valid at `now`
/// with `extra` merged in (see [`claims_at`]).
pub(crate) fn hs256_token_at(
    implementation: &dyn Implementation,
    now: i64,
    extra: Value,
) -> String {
    sign_with(
        implementation,
        "HS256",
        oct(SECRET, Some("k1")),
        json!({"kid": "k1"}),
        claims_at(now, extra),
    )
}

/// The reason code `implementation` gives for refusing `token` at `now` with `algorithms` and
/// the public halves of `keys`; panics on an acceptance.
pub(crate) fn refusal_at(
    implementation: &dyn Implementation,
    now: i64,
    token: String,
    algorithms: &[&str],
    keys: Vec<Jwk>,
) -> Option<String> {
    reason(implementation.verify(&verify_request_at(now, token, algorithms, keys)))
}

/// [`refusal_at`] for `token` checked as HS256 against the [`SECRET`] under kid `k1`.
pub(crate) fn hs256_refusal_at(
    implementation: &dyn Implementation,
    now: i64,
    token: String,
) -> Option<String> {
    refusal_at(
        implementation,
        now,
        token,
        &["HS256"],
        vec![oct(SECRET, Some("k1"))],
    )
}

/// Signs `claims` as `alg` with `key` and the requested `header`, verifies the token at `now`
/// against `keys` with only `alg` allowed, and asserts that the claims come back as signed and
/// the header as requested plus `alg`. Returns the token.
pub(crate) fn round_trip_at(
    implementation: &dyn Implementation,
    now: i64,
    alg: &str,
    key: Jwk,
    header: Value,
    claims: Map<String, Value>,
    keys: Vec<Jwk>,
) -> String {
    let mut want_header = header.as_object().cloned().expect("header object");
    want_header.insert("alg".into(), json!(alg));
    let token = sign_with(implementation, alg, key, header, claims.clone());
    let decoded = implementation
        .verify(&verify_request_at(now, token.clone(), &[alg], keys))
        .expect("verifies");
    assert_eq!(decoded.claims, claims);
    assert_eq!(decoded.header, want_header);
    token
}

/// The helpers each adapter's own tests build on, for the adapter value and its clock: `claims`
/// (valid at `now`), `sign`, `verify_request` (at `now`), `hs256_token` (under kid `k1`, with
/// `hs256_header` as the requested header), `hs256_request`, `verify_hs256` and
/// `verify_hs256_at` (with the `k1` secret), and the table-driven `assert_hs256_verdicts` and
/// `assert_hs256_refusals`.
///
/// ```ignore
/// testkit::adapter_test_helpers! {
///     implementation: JwtSimple,
///     now: NOW,
///     hs256_header: {"kid": "k1", "typ": "JWT"},
/// }
/// ```
macro_rules! adapter_test_helpers {
    (implementation: $implementation:expr, now: $now:expr, hs256_header: $header:tt $(,)?) => {
        /// Valid claims at `now`, with `extra` merged in.
        fn claims(extra: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
            $crate::impls::testkit::claims_at($now, extra)
        }

        /// A token the adapter signs; panics if it refuses.
        fn sign(
            alg: &str,
            key: $crate::contract::Jwk,
            header: serde_json::Value,
            claims: serde_json::Map<String, serde_json::Value>,
        ) -> String {
            $crate::impls::testkit::sign_with(&$implementation, alg, key, header, claims)
        }

        /// A verify request at `now` (see `testkit::verify_request_at`).
        fn verify_request(
            token: String,
            algorithms: &[&str],
            keys: Vec<$crate::contract::Jwk>,
        ) -> $crate::contract::VerifyRequest {
            $crate::impls::testkit::verify_request_at($now, token, algorithms, keys)
        }

        /// An HS256 token under kid `k1`, with claims valid at `now` and `extra` merged in.
        fn hs256_token(extra: serde_json::Value) -> String {
            sign(
                "HS256",
                $crate::impls::testkit::oct($crate::impls::testkit::SECRET, Some("k1")),
                serde_json::json!($header),
                claims(extra),
            )
        }

        /// A verify request at `now` for `token` checked as HS256 with the `k1` secret.
        fn hs256_request(token: String) -> $crate::contract::VerifyRequest {
            verify_request(
                token,
                &["HS256"],
                vec![$crate::impls::testkit::oct(
                    $crate::impls::testkit::SECRET,
                    Some("k1"),
                )],
            )
        }

        /// The adapter's verdict on `token` checked as HS256 with the `k1` secret at `now`, with
        /// `leeway`.
        fn verify_hs256_at(
            token: String,
            now: i64,
            leeway: u64,
        ) -> Result<$crate::contract::Decoded, $crate::contract::Failure> {
            let mut request = hs256_request(token);
            request.now = now;
            request.leeway = leeway;
            $crate::contract::Implementation::verify(&$implementation, &request)
        }

        /// The adapter's verdict on `token` checked as HS256 with the `k1` secret.
        fn verify_hs256(
            token: String,
        ) -> Result<$crate::contract::Decoded, $crate::contract::Failure> {
            $crate::contract::Implementation::verify(&$implementation, &hs256_request(token))
        }

        /// Asserts the adapter's verdict on each row's `hs256_token` (claims valid at the
        /// adapter's clock with `extra` merged in) checked at `now` with `leeway`: refused with
        /// the row's reason code, or accepted where the row has none.
        fn assert_hs256_verdicts(rows: &[(serde_json::Value, i64, u64, Option<&str>)]) {
            for (extra, now, leeway, code) in rows {
                let got = verify_hs256_at(hs256_token(extra.clone()), *now, *leeway);
                let context = format!("{extra} at {now}, leeway {leeway}");
                $crate::impls::testkit::assert_verdict(got, *code, &context);
            }
        }

        /// Asserts that each row's token, checked as `verify_hs256` does, is refused with the
        /// row's reason code. In a row's token, `{token}` stands for a valid `hs256_token` and
        /// `{unsigned}` for its header and payload segments.
        fn assert_hs256_refusals(rows: &[(&str, &str)]) {
            let valid = hs256_token(serde_json::json!({}));
            let unsigned = valid.rsplit_once('.').map_or("", |(unsigned, _)| unsigned);
            for (template, code) in rows {
                let token = template
                    .replace("{token}", &valid)
                    .replace("{unsigned}", unsigned);
                let got = $crate::impls::testkit::reason(verify_hs256(token.clone()));
                assert_eq!(got.as_deref(), Some(*code), "{token:?}");
            }
        }
    };
}
pub(crate) use adapter_test_helpers;

/// The unit tests every library adapter must pass with identical assertions, written once
/// (in the manner of RustCrypto's `ecdsa::dev` test macros) and invoked in each adapter's test
/// module with the adapter value, its clock, and the `Cargo.lock` package and version it
/// describes:
///
/// ```ignore
/// testkit::adapter_tests! {
///     implementation: JwtSimple,
///     now: NOW,
///     hs256_header: {"kid": "k1", "typ": "JWT"},
///     package: "jwt-simple",
///     version: JWT_SIMPLE_VERSION,
/// }
/// ```
///
/// It also defines the helpers of [`adapter_test_helpers!`], with `hs256_header` as the header
/// their HS256 tokens request.
///
/// `now` is evaluated at the start of each test: a fixed time for an injected clock, the system
/// time for a library that reads its own. What differs between libraries (what else each accepts
/// or refuses, and how) stays in the adapter's own tests.
macro_rules! adapter_tests {
    (
        implementation: $implementation:expr,
        now: $now:expr,
        hs256_header: $header:tt,
        package: $package:literal,
        version: $version:expr $(,)?
    ) => {
        $crate::impls::testkit::adapter_test_helpers! {
            implementation: $implementation,
            now: $now,
            hs256_header: $header,
        }

        #[test]
        fn hs256_round_trip_with_kid_and_typ() {
            use $crate::impls::testkit::{claims_at, oct, round_trip_at, SECRET};
            let now: i64 = $now;
            let claims = claims_at(
                now,
                serde_json::json!({"custom": {"nested": [1, 2]}, "iat": now - 10}),
            );
            let keys = vec![
                oct(b"another key, also for tests only", Some("k0")),
                oct(SECRET, Some("k1")),
            ];
            let header = serde_json::json!({"kid": "k1", "typ": "JWT"});
            round_trip_at(&$implementation, now, "HS256", oct(SECRET, Some("k1")), header, claims, keys);
        }

        #[test]
        fn es256_round_trip_with_kid_and_typ() {
            use $crate::impls::testkit::{claims_at, ec_test_key, round_trip_at};
            use base64::Engine as _;
            let now: i64 = $now;
            let key = ec_test_key(Some("ec-1"));
            let header = serde_json::json!({"typ": "JWT", "kid": "ec-1"});
            let claims = claims_at(now, serde_json::json!({}));
            let keys = vec![key.clone()];
            let token = round_trip_at(&$implementation, now, "ES256", key, header, claims, keys);
            let signature = token.rsplit('.').next().expect("three segments");
            let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(signature)
                .expect("b64");
            assert_eq!(signature.len(), 64);
        }

        #[test]
        fn rsa_round_trips_with_kid_and_typ() {
            use $crate::impls::testkit::{claims_at, round_trip_at};
            use base64::Engine as _;
            let now: i64 = $now;
            let key = $crate::engine::keys::Key::test_rsa("rsa-1").to_jwk();
            let header = serde_json::json!({"typ": "JWT", "kid": "rsa-1"});
            for alg in ["RS256", "RS512"] {
                let claims = claims_at(now, serde_json::json!({}));
                let keys = vec![key.clone()];
                let token =
                    round_trip_at(&$implementation, now, alg, key.clone(), header.clone(), claims, keys);
                let signature = token.rsplit('.').next().expect("three segments");
                let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(signature)
                    .expect("b64");
                assert_eq!(signature.len(), 256, "{alg}: a 2048-bit modulus's length");
            }
        }

        #[test]
        fn expired_token_rejected() {
            use $crate::impls::testkit::{hs256_refusal_at, hs256_token_at};
            let now: i64 = $now;
            let token = hs256_token_at(&$implementation, now, serde_json::json!({"exp": now - 3600}));
            assert_eq!(
                hs256_refusal_at(&$implementation, now, token).as_deref(),
                Some("expired")
            );
        }

        #[test]
        fn bad_signature_rejected() {
            use $crate::impls::testkit::{hs256_refusal_at, hs256_token_at, oct, refusal_at};
            use base64::Engine as _;
            let now: i64 = $now;
            let token = hs256_token_at(&$implementation, now, serde_json::json!({}));
            // Another secret under the same kid.
            let wrong = oct(b"a different secret, tests only!!", Some("k1"));
            assert_eq!(
                refusal_at(&$implementation, now, token.clone(), &["HS256"], vec![wrong]).as_deref(),
                Some("bad_signature")
            );
            // The right key, but the payload changed after signing.
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"admin"}"#);
            assert_eq!(
                hs256_refusal_at(&$implementation, now, parts.join(".")).as_deref(),
                Some("bad_signature")
            );
        }

        #[test]
        fn alg_not_in_list_or_kid_unknown_rejected() {
            use $crate::impls::testkit::{assert_verdicts, ec_test_key, hs256_token_at, oct, SECRET};
            let now: i64 = $now;
            let token = hs256_token_at(&$implementation, now, serde_json::json!({}));
            let refused = Some("alg_not_allowed");
            assert_verdicts(&$implementation, now, &[
                // ES256 only, with an EC key: the HS256 token must not verify.
                (token.clone(), &["ES256"], vec![ec_test_key(Some("k1"))], refused),
                // The right key, but the allow-list spells the algorithm in another case.
                (token.clone(), &["hs256"], vec![oct(SECRET, Some("k1"))], refused),
                (token, &["HS256"], vec![oct(SECRET, Some("other"))], Some("unknown_kid")),
            ]);
        }

        #[test]
        fn garbage_tokens_refused() {
            use $crate::impls::testkit::{oct, verify_request_at, GARBAGE_TOKENS, SECRET};
            let now: i64 = $now;
            for token in GARBAGE_TOKENS {
                let request =
                    verify_request_at(now, token.to_string(), &["HS256"], vec![oct(SECRET, None)]);
                let got = $crate::contract::Implementation::verify(&$implementation, &request);
                assert!(got.is_err(), "{token:?}");
            }
        }

        #[test]
        fn describe_limitations_are_well_formed() {
            use $crate::contract::Implementation as _;
            let d = $implementation.describe();
            assert_eq!(d.algorithms, ["HS256", "ES256", "RS256", "RS512"]);
            let mut seen = std::collections::BTreeSet::new();
            for l in &d.cannot_enforce {
                assert!(
                    $crate::contract::checks::is_known(&l.check),
                    "{}",
                    l.check
                );
                assert!(seen.insert(l.check.as_str()), "{} twice", l.check);
                assert!(!l.why.is_empty());
            }
        }

        #[test]
        fn wrong_issuer_or_audience_rejected() {
            use $crate::contract::checks::{AUDIENCE, ISSUER};
            let now: i64 = $now;
            for (check, extra, code) in [
                (ISSUER, serde_json::json!({"iss": "https://evil.example"}), "issuer_mismatch"),
                (AUDIENCE, serde_json::json!({"aud": ["other-app"]}), "audience_mismatch"),
            ] {
                $crate::impls::testkit::assert_claim_check(&$implementation, now, check, (extra, code));
            }
        }

        #[test]
        fn describe_version_matches_lockfile() {
            use $crate::contract::Implementation as _;
            assert_eq!(
                $crate::impls::testkit::locked_version($package).as_deref(),
                Some($version)
            );
            assert_eq!($implementation.describe().version, $version);
        }
    };
}
pub(crate) use adapter_tests;

/// The malformed or refused tokens whose reason code several libraries' adapters must report,
/// one row each: `(name, header, payload, code)`. An adapter's test picks the rows its library
/// classifies by name ([`assert_refusals`]), so a row is written once however many adapters
/// share it. In the payload, `{ok}` stands for claims the adapter otherwise accepts, `{exp}` for
/// an hour after its clock, `{deep}` for claims nested 200 arrays deep, and `{iss}` and `{aud}`
/// for [`ISSUER`] and [`AUDIENCE`].
#[rustfmt::skip]
const REFUSALS: &[(&str, &str, &str, &str)] = &[
    ("alg-none", r#"{"alg":"none"}"#, "{ok}", "alg_none"),
    ("alg-none-uppercase", r#"{"alg":"NONE"}"#, "{ok}", "alg_none"),
    ("alg-lowercase", r#"{"alg":"hs256"}"#, "{ok}", "alg_not_allowed"),
    ("alg-missing", r#"{"typ":"JWT"}"#, "{ok}", "alg_missing"),
    ("kid-number", r#"{"alg":"HS256","kid":7}"#, "{ok}", "header_member_type"),
    ("alg-twice", r#"{"alg":"HS256","alg":"HS256"}"#, "{ok}", "duplicate_member"),
    ("header-array", r#"["HS256"]"#, "{ok}", "not_an_object"),
    ("header-trailing-comma", r#"{"alg":"HS256",}"#, "{ok}", "invalid_json"),
    ("claims-array", r#"{"alg":"HS256"}"#, "[]", "not_an_object"),
    ("claims-trailing-text", r#"{"alg":"HS256"}"#, "{ok} x", "invalid_json"),
    ("exp-twice", r#"{"alg":"HS256"}"#, r#"{"exp":{exp},"exp":{exp}}"#, "duplicate_member"),
    ("exp-string", r#"{"alg":"HS256"}"#, r#"{"exp":"{exp}"}"#, "claim_type"),
    ("claims-too-deep", r#"{"alg":"HS256"}"#, "{deep}", "json_too_deep"),
    ("lone-surrogate", r#"{"alg":"HS256"}"#, r#"{"x":"\ud800"}"#, "lone_surrogate"),
];

/// A row's text with its placeholders filled in (see [`REFUSALS`]).
fn fill(template: &str, ok: &str, exp: i64) -> String {
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(200), "]".repeat(200));
    template
        .replace("{ok}", ok)
        .replace("{exp}", &exp.to_string())
        .replace("{deep}", &deep)
        .replace("{iss}", ISSUER)
        .replace("{aud}", AUDIENCE)
}

/// Asserts that `verify` (header and claims texts, signed by the adapter's test) refuses each
/// row of [`REFUSALS`] named in `shared` (separated by spaces) and each of the adapter's `own`
/// `(header, payload, code)` rows with that row's reason code. `ok` and `exp` fill the
/// placeholders.
pub(crate) fn assert_refusals(
    shared: &str,
    own: &[(&str, &str, &str)],
    ok: &str,
    exp: i64,
    verify: impl Fn(&str, &str) -> Result<Decoded, Failure>,
) {
    let picked = shared.split_whitespace().map(|name| {
        let row = REFUSALS.iter().find(|row| row.0 == name);
        let (_, header, payload, code) = row.unwrap_or_else(|| panic!("no refusal {name:?}"));
        (*header, *payload, *code)
    });
    for (header, payload, code) in picked.chain(own.iter().copied()) {
        let (header, payload) = (fill(header, ok, exp), fill(payload, ok, exp));
        let got = reason(verify(&header, &payload));
        assert_eq!(got.as_deref(), Some(code), "{header} {payload}");
    }
}

/// The tokens a library accepts although policy.md refuses them, one row each:
/// `(name, check, header, payload)`. An adapter's test picks them by name
/// ([`assert_accepted`]). In the payload, `{base}` stands for the members (each followed by a
/// comma) the adapter needs besides `exp`, `{exp}` for an hour after its clock, `{now}` for its
/// clock, `{exp_ms}` for `{exp}` in milliseconds, and `{iss}` and `{aud}` for [`ISSUER`] and
/// [`AUDIENCE`].
#[rustfmt::skip]
const ACCEPTED: &[(&str, &str, &str, &str)] = &[
    ("duplicate-claim", crate::contract::checks::DUPLICATE_MEMBERS, r#"{"alg":"HS256"}"#, r#"{{base}"exp":{exp},"user_id":"a","user_id":"b"}"#),
    ("duplicate-header-member", crate::contract::checks::DUPLICATE_MEMBERS, r#"{"alg":"HS256","x":1,"x":2}"#, r#"{{base}"exp":{exp}}"#),
    ("custom-claim-not-required", crate::contract::checks::REQUIRED_CLAIMS, r#"{"alg":"HS256"}"#, r#"{{base}"exp":{exp}}"#),
    ("crit-unknown", crate::contract::checks::CRIT, r#"{"alg":"HS256","crit":["unknown-ext"]}"#, r#"{{base}"exp":{exp}}"#),
    ("crit-empty", crate::contract::checks::CRIT, r#"{"alg":"HS256","crit":[]}"#, r#"{{base}"exp":{exp}}"#),
    ("exp-milliseconds", crate::contract::checks::DATE_TYPES, r#"{"alg":"HS256"}"#, r#"{{base}"exp":{exp_ms}}"#),
    ("exp-equals-now", crate::contract::checks::EXPIRY, r#"{"alg":"HS256"}"#, r#"{{base}"exp":{now}}"#),
];

/// Asserts that `verify` (header text, claims text, required claims) accepts each row of
/// [`ACCEPTED`] named in `shared` (separated by spaces) and each of the adapter's `own`
/// `(check, header, payload, required)` rows, where the `custom-claim-not-required` row
/// requires `user_id`; that each row's check is declared a limitation in `described` exactly
/// when it is listed in `limitations` (a check that runs with mistakes is a divergence, not a
/// limitation); that `described` declares as many limitations as `limitations` lists; and that
/// the duplicated claim of `duplicate-claim` resolves last-wins.
pub(crate) fn assert_accepted(
    described: &crate::contract::Description,
    limitations: &[&str],
    shared: &str,
    own: &[(&str, &str, &str, &[&str])],
    (base, now): (&str, i64),
    verify: impl Fn(&str, &str, &[&str]) -> Result<Decoded, Failure>,
) {
    assert_eq!(
        described.cannot_enforce.len(),
        limitations.len(),
        "exactly the listed limitations are declared"
    );
    let exp = now + 3600;
    let fill = |template: &str| {
        template
            .replace("{base}", base)
            .replace("{exp_ms}", &(exp * 1000).to_string())
            .replace("{exp}", &exp.to_string())
            .replace("{now}", &now.to_string())
            .replace("{iss}", ISSUER)
            .replace("{aud}", AUDIENCE)
    };
    let picked = shared.split_whitespace().map(|name| {
        let row = ACCEPTED.iter().find(|row| row.0 == name);
        let (_, check, header, payload) = row.unwrap_or_else(|| panic!("no acceptance {name:?}"));
        let required: &[&str] = if name == "custom-claim-not-required" {
            &["user_id"]
        } else {
            &[]
        };
        (*check, *header, *payload, required)
    });
    for (check, header, payload, required) in picked.chain(own.iter().copied()) {
        assert_eq!(
            described.limitation(check).is_some(),
            limitations.contains(&check),
            "{check}: declared as a limitation exactly when the library cannot do it"
        );
        let (header, payload) = (fill(header), fill(payload));
        let result = verify(&header, &payload, required);
        assert!(result.is_ok(), "{check}: {header} {payload} → {result:?}");
    }
    if let Some((_, _, header, payload)) = ACCEPTED
        .iter()
        .find(|row| row.0 == "duplicate-claim" && shared.split_whitespace().any(|n| n == row.0))
    {
        let decoded = verify(header, &fill(payload), &[]).expect("accepted");
        assert_eq!(decoded.claims["user_id"], "b", "the last duplicate wins");
    }
}

/// A request at `now` for [`raw_hs256_token`] of `header` and `payload`, with the unlabelled
/// [`SECRET`] as its only key, HS256 allowed and `required` the claims it requires.
pub(crate) fn raw_request_at(
    now: i64,
    header: &str,
    payload: &str,
    required: &[&str],
) -> VerifyRequest {
    let mut request = verify_request_at(
        now,
        raw_hs256_token(header, payload),
        &["HS256"],
        vec![oct(SECRET, None)],
    );
    request.required = required.iter().map(|c| c.to_string()).collect();
    request
}

/// A token with exactly this header and payload text, HS256-signed with [`SECRET`] by the
/// harness (not by the library under test, so that a library's own signer cannot hide a fault
/// of its verifier).
pub(crate) fn raw_hs256_token(header: &str, payload: &str) -> String {
    use hmac::{Hmac, Mac as _};
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET).expect("any key length");
    mac.update(message.as_bytes());
    let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{message}.{tag}")
}

/// A row of [`assert_modes`]: an HS256 payload (its text made from the wall clock's `now`), and
/// the reason code of its refusal in configured mode and in defaults mode (none: accepted).
pub(crate) type ModeRow = (String, Option<&'static str>, Option<&'static str>);

/// Asserts `implementation`'s verdict on each row's payload (signed by the harness with
/// [`SECRET`] under `{"alg":"HS256"}`) in both verify modes, at the wall clock, so that a library
/// that reads its own clock in defaults mode is judged at the same time. The configured request
/// expects [`ISSUER`] and [`AUDIENCE`] and requires nothing.
pub(crate) fn assert_modes(
    implementation: &dyn Implementation,
    rows: impl Fn(i64) -> Vec<ModeRow>,
) {
    use crate::contract::VerifyMode;
    let now = crate::engine::wall_clock();
    for (payload, configured, defaults) in rows(now) {
        for (mode, code) in [
            (VerifyMode::Configured, configured),
            (VerifyMode::Defaults, defaults),
        ] {
            let request = VerifyRequest {
                mode,
                ..raw_request_at(now, r#"{"alg":"HS256"}"#, &payload, &[])
            };
            let context = format!("{payload} in {mode} mode");
            assert_verdict(implementation.verify(&request), code, &context);
        }
    }
}
