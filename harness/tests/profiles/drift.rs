use idjwt::engine::{compact, json};
use idjwt::verdict::Part;
use serde_json::{json, Value};

use crate::common::*;

fn fx() -> Fixture {
    Fixture::new("drift")
}

#[test]
fn canonical_token_verifies_with_sub_as_user_id() {
    let fx = fx();
    let v = fx.verdict(Some(&fx.token()));
    assert_eq!(v.identity().unwrap().user_id, USER);
}

#[test]
fn only_hs256() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("alg".into(), json!("HS384"));
        }),
        "alg_not_allowed"
    );
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("alg".into(), json!("hs256"));
        }),
        "alg_not_allowed"
    );
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("alg".into(), json!("none"));
        }),
        "alg_none"
    );
}

#[test]
fn sub_rule() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("sub");
        }),
        "missing_claim"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("sub".into(), json!(""));
        }),
        "claim_length"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("sub".into(), json!(12345));
        }),
        "claim_type"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("sub".into(), json!("x"));
        }),
        "verified"
    );
}

#[test]
fn exp_is_optional_but_enforced_when_present() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("exp");
        }),
        "verified"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("exp".into(), json!(NOW + 1));
        }),
        "verified"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("exp".into(), json!(NOW));
        }),
        "expired"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("exp".into(), json!("1687388697"));
        }),
        "claim_type"
    );
    // The seed's own example value, in seconds, is in range; the same instant in ms is not.
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("exp".into(), json!(1_687_388_697_000u64));
        }),
        "date_out_of_range"
    );
}

#[test]
fn binding_to_the_identified_user() {
    let mut fx = fx();
    fx.ctx.claimed_user_id = Some(USER.into());
    assert_eq!(fx.outcome(&fx.token()), "verified");
    fx.ctx.claimed_user_id = Some("user-2".into());
    assert_eq!(fx.outcome(&fx.token()), "identity_mismatch");
    fx.ctx.claimed_user_id = Some("USER-1".into());
    assert_eq!(fx.outcome(&fx.token()), "identity_mismatch");
}

#[test]
fn seed_example_token_structure() {
    // The userJwt from the seed: its secret is Drift's, so only its structure is checked, and
    // the profile's own rules applied to what it decodes to.
    let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.22H1g2b8yxmkcEY1Fhku4AhNl-M40P5Sl_B2ktSUdv8";
    let parts = compact::split(token, 16 * 1024).unwrap();
    let header = json::parse_object(&parts.header, Part::Header, 64).unwrap();
    let claims = json::parse_object(&parts.payload, Part::Payload, 64).unwrap();
    assert_eq!(
        Value::Object(header.clone()),
        json!({"typ":"JWT","alg":"HS256"})
    );
    assert_eq!(Value::Object(claims.clone()), json!({"sub":"12345"}));
    assert_eq!(parts.signature.len(), 32, "an HS256 tag is 32 bytes");
    let fx = fx();
    let decoded = idjwt::Decoded { header, claims };
    let identity = idjwt::engine::provider::apply(fx.profile, &fx.ctx, &decoded).unwrap();
    assert_eq!(identity.user_id, "12345");
    // Under a key that is not Drift's, the example must not verify.
    assert_eq!(fx.outcome(token), "bad_signature");
}

#[test]
fn key_rotation_without_kid() {
    let mut fx = fx();
    let old = fx.key.clone();
    let new = test_key(idjwt::Alg::HS256, "drift-key-2");
    fx.keys = vec![old.public_jwk(), new.public_jwk()];
    let old_token = fx.token_with(|h, _| {
        h.remove("kid");
    });
    assert_eq!(fx.outcome(&old_token), "verified");
    fx.keys = vec![new.public_jwk()];
    // The old key was removed: its tokens no longer verify. Its kid names no configured key;
    // without a kid the new key is tried and the signature fails.
    assert_eq!(fx.outcome(&old_token), "bad_signature");
}
