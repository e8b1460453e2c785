//! The implementation suite, written once and run against every built-in implementation of
//! the registry (`idjwt::impls::BUILTIN_NAMES`):
//! each signs the canonical token of every profile with both algorithms' test keys, every
//! implementation verifies every other's tokens (N×N), and the basic rejections agree.
//!
//! Times are taken from the system clock because `jsonwebtoken` cannot be given a clock.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{obj, test_key, USER};
use idjwt::contract::{Implementation, SignRequest};
use idjwt::engine::provider::{judge, Context};
use idjwt::impls::{builtins, reference::Reference};
use idjwt::profile::{builtins as profiles, Config, Profile};
use idjwt::{Identity, Verdict};
use serde_json::{json, Map, Value};

fn wall_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn context(now: i64) -> Context {
    Context {
        config: Config {
            app_id: Some("test-app-id".into()),
        },
        now,
        ..Context::default()
    }
}

/// Signs `claims` for `profile` through `imp` with the profile's test key.
fn sign_with(imp: &dyn Implementation, profile: &Profile, claims: Map<String, Value>) -> String {
    let key = test_key(profile.signing_alg(), &format!("{}-interop", profile.id));
    let request = SignRequest {
        id: format!("{}-sign", profile.id),
        alg: profile.signing_alg().as_str().into(),
        key: key.to_jwk(),
        header: profile.signing_header(key.kid.as_deref()).unwrap(),
        claims,
        provider: None,
    };
    imp.sign(&request).unwrap_or_else(|f| {
        panic!(
            "{} cannot sign for {}: {}",
            imp.describe().name,
            profile.id,
            f.error
        )
    })
}

fn verdict_of(imp: &dyn Implementation, profile: &Profile, ctx: &Context, token: &str) -> Verdict {
    let key = test_key(profile.signing_alg(), &format!("{}-interop", profile.id));
    judge(profile, ctx, Some(token), &[key.public_jwk()], imp).unwrap()
}

fn expected_identity(profile: &Profile, ctx: &Context, token: &str) -> Identity {
    match verdict_of(&Reference::default(), profile, ctx, token) {
        Verdict::Verified { identity } => identity,
        other => panic!(
            "{}: the reference rejects the canonical token: {other:?}",
            profile.id
        ),
    }
}

/// Each profile with its canonical claims for [`USER`] at the context's time, signed by `imp`.
fn canonical_tokens(imp: &dyn Implementation, ctx: &Context) -> Vec<(&'static Profile, String)> {
    let sign = |profile: &'static Profile| {
        let claims = profile
            .canonical_claims(USER, &ctx.config, ctx.now)
            .unwrap();
        (profile, sign_with(imp, profile, claims))
    };
    profiles().iter().map(sign).collect()
}

/// Every profile's canonical token signed by `imp` verifies under every implementation, with
/// the identity the reference extracts.
fn signs_every_profile_for_every_verifier(imp: &dyn Implementation) {
    let ctx = context(wall_clock());
    for (profile, token) in canonical_tokens(imp, &ctx) {
        let expected = expected_identity(profile, &ctx, &token);
        assert_eq!(expected.user_id, USER);
        for verifier in builtins() {
            let v = verdict_of(verifier.as_ref(), profile, &ctx, &token);
            assert_eq!(
                v.identity(),
                Some(&expected),
                "{} token for {} under {}: {v:?}",
                imp.describe().name,
                profile.id,
                verifier.describe().name
            );
        }
    }
}

/// The signed header is the profile's canonical one: `alg`, then `typ`/`kid` where wanted.
fn writes_the_canonical_header(imp: &dyn Implementation) {
    for (profile, token) in canonical_tokens(imp, &context(wall_clock())) {
        let header_b64 = token.split('.').next().unwrap();
        let bytes =
            idjwt::engine::compact::decode_segment(header_b64, idjwt::verdict::Part::Header)
                .unwrap();
        let header: Map<String, Value> = serde_json::from_slice(&bytes).unwrap();
        let mut expected = obj(json!({"alg": profile.signing_alg().as_str()}));
        let key = test_key(profile.signing_alg(), &format!("{}-interop", profile.id));
        expected.extend(profile.signing_header(key.kid.as_deref()).unwrap());
        let name = imp.describe().name;
        for (member, value) in &expected {
            assert_eq!(
                header.get(member),
                Some(value),
                "{name} for {}: {member}",
                profile.id
            );
        }
        // A `typ: JWT` nobody asked for is harmless (jwt-simple always writes it); anything
        // else would change what verifiers see.
        for member in header.keys() {
            assert!(
                expected.contains_key(member) || member == "typ",
                "{name} for {}: unexpected header member {member}",
                profile.id
            );
        }
    }
}

/// Tokens every verifier must refuse, whoever verifies them.
fn rejects_the_basic_forgeries(imp: &dyn Implementation) {
    let now = wall_clock();
    let ctx = context(now);
    for profile in profiles() {
        let mut claims = profile.canonical_claims(USER, &ctx.config, now).unwrap();
        claims.insert("exp".into(), json!(now - 600));
        let expired = sign_with(&Reference::default(), profile, claims);
        assert!(
            rejected(&verdict_of(imp, profile, &ctx, &expired)),
            "{}",
            profile.id
        );

        let good = sign_with(
            &Reference::default(),
            profile,
            profile.canonical_claims(USER, &ctx.config, now).unwrap(),
        );
        let [h, p, s]: [&str; 3] = good.split('.').collect::<Vec<_>>().try_into().unwrap();
        let mut forged_claims = profile
            .canonical_claims("user-2", &ctx.config, now)
            .unwrap();
        forged_claims.insert("pad".into(), json!(true));
        let forged_payload =
            idjwt::engine::compact::encode(&serde_json::to_vec(&forged_claims).unwrap());
        let swapped = format!("{h}.{forged_payload}.{s}");
        assert!(
            rejected(&verdict_of(imp, profile, &ctx, &swapped)),
            "{}",
            profile.id
        );

        let mut sig = s.as_bytes().to_vec();
        sig[0] = if sig[0] == b'A' { b'B' } else { b'A' };
        let flipped = format!("{h}.{p}.{}", String::from_utf8(sig).unwrap());
        assert!(
            rejected(&verdict_of(imp, profile, &ctx, &flipped)),
            "{}",
            profile.id
        );

        // A key the verifier was never given.
        let stranger = test_key(
            profile.signing_alg(),
            &format!("{}-interop", profile.id).replace("interop", "stranger"),
        );
        let mut header = Map::new();
        header.insert("alg".into(), json!(profile.signing_alg().as_str()));
        header.extend(
            profile
                .signing_header(Some(&format!("{}-interop", profile.id)))
                .unwrap(),
        );
        let payload =
            serde_json::to_vec(&profile.canonical_claims(USER, &ctx.config, now).unwrap()).unwrap();
        let by_stranger =
            idjwt::engine::sign_raw(profile.signing_alg(), &stranger, &header, &payload).unwrap();
        assert!(
            rejected(&verdict_of(imp, profile, &ctx, &by_stranger)),
            "{}",
            profile.id
        );

        let mut none_header = header.clone();
        none_header.insert("alg".into(), json!("none"));
        let unsigned = format!(
            "{}.{}.",
            idjwt::engine::compact::encode(&serde_json::to_vec(&none_header).unwrap()),
            idjwt::engine::compact::encode(&payload)
        );
        assert!(
            rejected(&verdict_of(imp, profile, &ctx, &unsigned)),
            "{}",
            profile.id
        );
    }
}

/// Reason codes are each library's own approximation; the verdict is what must agree.
fn rejected(v: &Verdict) -> bool {
    matches!(v, Verdict::Rejected { .. })
}

/// Every declared limitation names a known check.
fn describes_itself(imp: &dyn Implementation) {
    let d = imp.describe();
    assert!(!d.name.is_empty() && !d.version.is_empty());
    for alg in ["HS256", "ES256"] {
        assert!(
            d.algorithms.iter().any(|a| a == alg),
            "{} lacks {alg}",
            d.name
        );
    }
    for l in &d.cannot_enforce {
        assert!(
            idjwt::contract::checks::is_known(&l.check),
            "{}: {}",
            d.name,
            l.check
        );
        assert!(!l.why.trim().is_empty());
    }
}

/// Runs one suite function against every registered built-in, each in its own unwind scope,
/// and fails naming every implementation that failed (not only the first).
fn for_every_builtin(suite: fn(&dyn Implementation)) {
    let failed: Vec<String> = builtins()
        .iter()
        .filter_map(|imp| {
            let name = imp.describe().name;
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| suite(imp.as_ref())))
                .err()
                .map(|_| name)
        })
        .collect();
    assert!(failed.is_empty(), "failed for: {}", failed.join(", "));
}

#[test]
fn every_builtin_signs_every_profile_for_every_verifier() {
    for_every_builtin(signs_every_profile_for_every_verifier);
}

#[test]
fn every_builtin_writes_the_canonical_header() {
    for_every_builtin(writes_the_canonical_header);
}

#[test]
fn every_builtin_rejects_the_basic_forgeries() {
    for_every_builtin(rejects_the_basic_forgeries);
}

#[test]
fn every_builtin_describes_itself() {
    for_every_builtin(describes_itself);
}
