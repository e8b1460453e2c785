use serde_json::json;

use crate::common::*;

fn fx() -> Fixture {
    Fixture::new("intercom")
}

#[test]
fn canonical_token_carries_user_id_email_and_attributes() {
    let fx = fx();
    let token = fx.token_with(|_, c| {
        c.insert("data_attribute".into(), json!("YOUR_DATA"));
        c.insert("iat".into(), json!(NOW - 5));
    });
    let v = fx.verdict(Some(&token));
    let id = v.identity().unwrap();
    assert_eq!(id.user_id, USER);
    assert_eq!(id.email.as_deref(), Some("test-user@example.test"));
    assert_eq!(
        id.attributes.get("data_attribute"),
        Some(&json!("YOUR_DATA"))
    );
    // Registered claims and the claims the identity already uses are not attributes.
    for k in ["exp", "iat", "user_id", "email"] {
        assert!(!id.attributes.contains_key(k), "{k}");
    }
}

#[test]
fn only_hs256() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("alg".into(), json!("HS512"));
        }),
        "alg_not_allowed"
    );
}

#[test]
fn user_id_rule() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("user_id");
        }),
        "missing_claim"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("user_id".into(), json!(""));
        }),
        "claim_length"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("user_id".into(), json!(42));
        }),
        "claim_type"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("user_id".into(), json!("9"));
        }),
        "verified"
    );
}

#[test]
fn email_is_an_optional_string() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("email");
        }),
        "verified"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("email".into(), json!(["a@b"]));
        }),
        "claim_type"
    );
}

#[test]
fn exp_is_optional() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("exp");
        }),
        "verified"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("exp".into(), json!(NOW - 1));
        }),
        "expired"
    );
}

#[test]
fn rotated_out_key_no_longer_verifies() {
    let mut fx = fx();
    let old_token = fx.token();
    let new = test_key(idjwt::Alg::HS256, "intercom-key-2");
    fx.keys.push(new.public_jwk());
    assert_eq!(fx.outcome(&old_token), "verified");
    let labelled = fx.token_with(|h, _| {
        h.insert("kid".into(), json!("intercom-key-1"));
    });
    assert_eq!(fx.outcome(&labelled), "verified");
    fx.keys.remove(0);
    // Without a kid the remaining key is tried and fails; with one, it names no key.
    assert_eq!(fx.outcome(&old_token), "bad_signature");
    assert_eq!(fx.outcome(&labelled), "unknown_kid");
}
