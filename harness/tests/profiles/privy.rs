use idjwt::engine::provider::judge;
use idjwt::impls::reference::Reference;
use serde_json::json;

use crate::common::*;

fn fx() -> Fixture {
    Fixture::new("privy")
}

#[test]
fn canonical_token_verifies_with_parsed_metadata() {
    let fx = fx();
    let v = fx.verdict(Some(&fx.token()));
    let id = v.identity().unwrap();
    assert_eq!(id.user_id, USER);
    assert_eq!(id.attributes["custom_metadata"], json!({"plan":"test"}));
    assert!(id.attributes["linked_accounts"].is_array());
}

#[test]
fn only_es256() {
    let fx = fx();
    let hs = test_key(idjwt::Alg::HS256, "privy-hs");
    let token =
        idjwt::engine::sign_jwt(idjwt::Alg::HS256, &hs, &fx.header(), &fx.claims()).unwrap();
    assert_eq!(fx.outcome(&token), "alg_not_allowed");
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("alg".into(), json!("ES384"));
        }),
        "alg_not_allowed"
    );
}

#[test]
fn issuer_is_exactly_privy_io() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("iss".into(), json!("privy.io"));
        }),
        "verified"
    );
    for bad in ["Privy.io", "privy.io ", "https://privy.io", "privy.i"] {
        assert_eq!(
            fx.outcome_with(|_, c| {
                c.insert("iss".into(), json!(bad));
            }),
            "issuer_mismatch"
        );
    }
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("iss");
        }),
        "missing_claim"
    );
}

#[test]
fn audience_is_the_app_id() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("aud".into(), json!(["other", APP_ID]));
        }),
        "verified"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("aud".into(), json!("other-app"));
        }),
        "audience_mismatch"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("aud".into(), json!([]));
        }),
        "claim_type"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("aud");
        }),
        "missing_claim"
    );
}

#[test]
fn exp_and_sub_are_required() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("exp");
        }),
        "missing_claim"
    );
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.insert("exp".into(), json!(NOW));
        }),
        "expired"
    );
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
}

#[test]
fn custom_metadata_is_json_text_of_an_object() {
    let fx = fx();
    let set = |v: serde_json::Value| {
        fx.outcome_with(|_, c| {
            c.insert("custom_metadata".into(), v);
        })
    };
    assert_eq!(set(json!("{}")), "verified");
    assert_eq!(set(json!("{\"a\":[1,{\"b\":null}]}")), "verified");
    assert_eq!(set(json!("[1]")), "claim_shape");
    assert_eq!(set(json!("{\"a\":1")), "claim_shape");
    assert_eq!(set(json!("{\"a\":1,\"a\":2}")), "claim_shape");
    assert_eq!(set(json!({"a": 1})), "claim_type");
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("custom_metadata");
        }),
        "verified"
    );
}

#[test]
fn linked_accounts_is_json_text_of_an_array() {
    let fx = fx();
    let set = |v: serde_json::Value| {
        fx.outcome_with(|_, c| {
            c.insert("linked_accounts".into(), v);
        })
    };
    assert_eq!(set(json!("[]")), "verified");
    assert_eq!(set(json!("{}")), "claim_shape");
    assert_eq!(set(json!("not json")), "claim_shape");
    assert_eq!(set(json!([])), "claim_type");
}

#[test]
fn the_app_id_must_be_configured() {
    let mut fx = fx();
    let token = fx.token();
    fx.ctx.config.app_id = None;
    let err = judge(
        fx.profile,
        &fx.ctx,
        Some(&token),
        &fx.keys,
        &Reference::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("app_id"), "{err}");
}
