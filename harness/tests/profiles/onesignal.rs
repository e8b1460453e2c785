use idjwt::engine::sign_jwt;
use serde_json::{json, Value};

use crate::common::*;

fn fx() -> Fixture {
    Fixture::new("onesignal")
}

fn set(fx: &Fixture, claim: &str, v: Value) -> String {
    fx.outcome_with(|_, c| {
        c.insert(claim.into(), v);
    })
}

#[test]
fn canonical_token_verifies_with_external_id() {
    let fx = fx();
    let v = fx.verdict(Some(&fx.token()));
    let id = v.identity().unwrap();
    assert_eq!(id.user_id, USER);
    assert_eq!(id.attributes["identity"], json!({"external_id": USER}));
    assert_eq!(id.attributes["subscriptions"][0]["type"], "Email");
}

#[test]
fn only_es256() {
    let fx = fx();
    let hs = test_key(idjwt::Alg::HS256, "onesignal-hs");
    let token = sign_jwt(idjwt::Alg::HS256, &hs, &fx.header(), &fx.claims()).unwrap();
    assert_eq!(fx.outcome(&token), "alg_not_allowed");
}

#[test]
fn issuer_is_the_app_id() {
    let fx = fx();
    assert_eq!(set(&fx, "iss", json!(APP_ID)), "verified");
    assert_eq!(set(&fx, "iss", json!("another-app")), "issuer_mismatch");
    assert_eq!(
        set(&fx, "iss", json!(APP_ID.to_uppercase())),
        "issuer_mismatch"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("iss");
        }),
        "missing_claim"
    );
}

#[test]
fn exp_is_required() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("exp");
        }),
        "missing_claim"
    );
    assert_eq!(set(&fx, "exp", json!(NOW + 1)), "verified");
    assert_eq!(set(&fx, "exp", json!(NOW)), "expired");
}

#[test]
fn identity_is_a_non_empty_object_of_string_aliases() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("identity");
        }),
        "missing_claim"
    );
    assert_eq!(set(&fx, "identity", json!("user-1")), "claim_type");
    assert_eq!(set(&fx, "identity", json!({})), "claim_shape");
    assert_eq!(
        set(&fx, "identity", json!({"external_id": 7})),
        "claim_type"
    );
    assert_eq!(
        set(
            &fx,
            "identity",
            json!({"external_id": USER, "onesignal_id": "abc"})
        ),
        "verified"
    );
}

#[test]
fn without_external_id_the_user_id_is_a_labelled_alias() {
    let fx = fx();
    let token = fx.token_with(|_, c| {
        c.insert(
            "identity".into(),
            json!({"onesignal_id": "abc", "custom": "z"}),
        );
    });
    let v = fx.verdict(Some(&token));
    assert_eq!(v.identity().unwrap().user_id, "custom:z");
}

#[test]
fn subscriptions_shape() {
    let fx = fx();
    assert_eq!(
        set(
            &fx,
            "subscriptions",
            json!([{"type":"SMS","token":"+12345678"}])
        ),
        "verified"
    );
    assert_eq!(set(&fx, "subscriptions", json!([])), "verified");
    assert_eq!(
        set(&fx, "subscriptions", json!([{"type":"Push","token":"x"}])),
        "claim_value"
    );
    assert_eq!(
        set(&fx, "subscriptions", json!([{"type":"email","token":"x"}])),
        "claim_value"
    );
    assert_eq!(
        set(&fx, "subscriptions", json!([{"type":"Email"}])),
        "claim_shape"
    );
    assert_eq!(
        set(&fx, "subscriptions", json!([{"type":"Email","token":5}])),
        "claim_type"
    );
    assert_eq!(set(&fx, "subscriptions", json!(["Email"])), "claim_type");
    assert_eq!(
        set(&fx, "subscriptions", json!({"type":"Email","token":"x"})),
        "claim_type"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("subscriptions");
        }),
        "verified"
    );
}

#[test]
fn login_binds_the_external_id() {
    let mut fx = fx();
    fx.ctx.claimed_user_id = Some(USER.into());
    assert_eq!(fx.outcome(&fx.token()), "verified");
    fx.ctx.claimed_user_id = Some("EXTERNAL_ID".into());
    assert_eq!(fx.outcome(&fx.token()), "identity_mismatch");
}

#[test]
fn seed_decoded_payload_example() {
    // "confirm the decoded payload contains": iss = app id, exp, identity.external_id.
    let mut fx = fx();
    fx.ctx.config.app_id = Some("your-onesignal-app-id".into());
    let payload = obj(json!({
        "iss": "your-onesignal-app-id",
        "exp": 1234567890,
        "identity": {"external_id": "your-external-id"}
    }));
    let token = sign_jwt(idjwt::Alg::ES256, &fx.key, &fx.header(), &payload).unwrap();
    fx.ctx.now = 1_234_567_000;
    let v = fx.verdict(Some(&token));
    assert_eq!(v.identity().unwrap().user_id, "your-external-id");
    // "exp is a future timestamp — an expired token will be rejected by OneSignal"
    fx.ctx.now = 1_234_567_890;
    assert_eq!(fx.outcome(&token), "expired");
}
