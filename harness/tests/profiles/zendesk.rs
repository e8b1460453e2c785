use idjwt::engine::sign_jwt;
use serde_json::{json, Value};

use crate::common::*;

fn fx() -> Fixture {
    Fixture::new("zendesk")
}

fn set(fx: &Fixture, claim: &str, v: Value) -> String {
    fx.outcome_with(|_, c| {
        c.insert(claim.into(), v);
    })
}

#[test]
fn canonical_header_is_alg_typ_kid() {
    let fx = fx();
    let token = fx.token();
    let header = token.split('.').next().unwrap();
    let bytes =
        idjwt::engine::compact::decode_segment(header, idjwt::verdict::Part::Header).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        r#"{"alg":"HS256","typ":"JWT","kid":"zendesk-key-1"}"#
    );
}

#[test]
fn only_hs256() {
    let fx = fx();
    let ec = test_key(idjwt::Alg::ES256, "zendesk-key-1");
    let token = sign_jwt(idjwt::Alg::ES256, &ec, &fx.header(), &fx.claims()).unwrap();
    assert_eq!(fx.outcome(&token), "alg_not_allowed");
}

#[test]
fn typ_jwt_is_required() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.remove("typ");
        }),
        "header_missing"
    );
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("typ".into(), json!("JWS"));
        }),
        "header_value"
    );
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("typ".into(), json!(1));
        }),
        "header_member_type"
    );
    // RFC 7515 §4.1.9: typ is case-insensitive (policy: either; the reference accepts).
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("typ".into(), json!("jwt"));
        }),
        "verified"
    );
}

#[test]
fn kid_is_required_and_selects_the_key() {
    let mut fx = fx();
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.remove("kid");
        }),
        "header_missing"
    );
    assert_eq!(
        fx.outcome_with(|h, _| {
            h.insert("kid".into(), json!("app_unknown"));
        }),
        "unknown_kid"
    );
    // Rotation: two keys by kid; removing one revokes its tokens.
    let second = test_key(idjwt::Alg::HS256, "zendesk-key-2");
    fx.keys.push(second.public_jwk());
    let by_second = sign_jwt(
        idjwt::Alg::HS256,
        &second,
        &fx.profile.signing_header(Some("zendesk-key-2")).unwrap(),
        &fx.claims(),
    )
    .unwrap();
    assert_eq!(fx.outcome(&by_second), "verified");
    // kid names key 1 but key 2 signed: rejected.
    let mislabelled = sign_jwt(idjwt::Alg::HS256, &second, &fx.header(), &fx.claims()).unwrap();
    assert_eq!(fx.outcome(&mislabelled), "bad_signature");
    fx.keys.pop();
    assert_eq!(fx.outcome(&by_second), "unknown_kid");
}

#[test]
fn scope_is_exactly_lowercase_user() {
    let fx = fx();
    assert_eq!(set(&fx, "scope", json!("user")), "verified");
    for bad in ["User", "USER", "user ", "admin", ""] {
        assert_eq!(set(&fx, "scope", json!(bad)), "claim_value", "{bad:?}");
    }
    assert_eq!(set(&fx, "scope", json!(["user"])), "claim_type");
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("scope");
        }),
        "missing_claim"
    );
}

#[test]
fn external_id_is_1_to_255_characters() {
    let fx = fx();
    assert_eq!(set(&fx, "external_id", json!("a".repeat(255))), "verified");
    assert_eq!(
        set(&fx, "external_id", json!("a".repeat(256))),
        "claim_length"
    );
    // Characters, not bytes: 255 two-byte and four-byte characters are within the limit.
    assert_eq!(set(&fx, "external_id", json!("é".repeat(255))), "verified");
    assert_eq!(set(&fx, "external_id", json!("😀".repeat(255))), "verified");
    assert_eq!(
        set(&fx, "external_id", json!("é".repeat(256))),
        "claim_length"
    );
    assert_eq!(set(&fx, "external_id", json!("x")), "verified");
    assert_eq!(set(&fx, "external_id", json!("")), "claim_length");
    assert_eq!(set(&fx, "external_id", json!(12345678)), "claim_type");
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("external_id");
        }),
        "missing_claim"
    );
}

#[test]
fn exp_is_optional_and_integral() {
    let fx = fx();
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("exp");
        }),
        "verified"
    );
    assert_eq!(set(&fx, "exp", json!(NOW + 60)), "verified");
    assert_eq!(set(&fx, "exp", json!(NOW as f64 + 60.5)), "not_integral");
    assert_eq!(set(&fx, "exp", json!(NOW)), "expired");
}

#[test]
fn name_and_email_are_optional_strings() {
    let fx = fx();
    assert_eq!(set(&fx, "name", json!(7)), "claim_type");
    assert_eq!(set(&fx, "email", json!(false)), "claim_type");
    assert_eq!(
        fx.outcome_with(|_, c| {
            c.remove("name");
            c.remove("email");
        }),
        "verified"
    );
}

#[test]
fn email_only_when_email_verified_is_true() {
    let fx = fx();
    let email_of = |v: Option<Value>| {
        let token = fx.token_with(|_, c| {
            match v {
                Some(v) => c.insert("email_verified".into(), v),
                None => c.remove("email_verified"),
            };
        });
        let verdict = fx.verdict(Some(&token));
        verdict.identity().expect("accepted").email.clone()
    };
    assert_eq!(
        email_of(Some(json!(true))).as_deref(),
        Some("test-user@example.test")
    );
    for untrusted in [
        None,
        Some(json!(false)),
        Some(json!("true")),
        Some(json!(1)),
        Some(json!(null)),
    ] {
        assert_eq!(email_of(untrusted.clone()), None, "{untrusted:?}");
    }
}

#[test]
fn seed_example_header_and_payload() {
    let mut fx = fx();
    let kid = "app_5963ceb97cde542d000dbdb1";
    let key = test_key(idjwt::Alg::HS256, kid);
    fx.keys = vec![key.public_jwk()];
    fx.ctx.now = 1_639_608_000;
    let header = obj(json!({"typ": "JWT", "kid": kid}));
    // The seed's email address is redacted in the document; a reserved domain stands in.
    let payload = obj(json!({
        "external_id": "12345678",
        "email": "jane.soap@example.test",
        "email_verified": true,
        "exp": 1639608035,
        "name": "Jane Soap",
        "scope": "user"
    }));
    let token = sign_jwt(idjwt::Alg::HS256, &key, &header, &payload).unwrap();
    let v = fx.verdict(Some(&token));
    let id = v.identity().unwrap();
    assert_eq!(id.user_id, "12345678");
    assert_eq!(id.name.as_deref(), Some("Jane Soap"));
    assert_eq!(id.email.as_deref(), Some("jane.soap@example.test"));
}

#[test]
fn seed_snippets_without_kid_or_scope_are_rejected() {
    let mut fx = fx();
    let kid = "KEY_ID";
    let key = test_key(idjwt::Alg::HS256, kid);
    fx.keys = vec![key.public_jwk()];
    let claims = obj(json!({
        "name": "Customer", "email": "c@example.test", "email_verified": true,
        "exp": NOW + 600, "external_id": "customer-1"
    }));
    // `jwt.sign(payload, secret)`: node jsonwebtoken writes {"alg":"HS256","typ":"JWT"}.
    let snippet = sign_jwt(idjwt::Alg::HS256, &key, &obj(json!({"typ":"JWT"})), &claims).unwrap();
    assert_ne!(fx.outcome(&snippet), "verified");
    // With scope but still no kid.
    let mut scoped = claims.clone();
    scoped.insert("scope".into(), json!("user"));
    let no_kid = sign_jwt(idjwt::Alg::HS256, &key, &obj(json!({"typ":"JWT"})), &scoped).unwrap();
    assert_eq!(fx.outcome(&no_kid), "header_missing");
    // With the kid header but still no scope.
    let with_kid = sign_jwt(
        idjwt::Alg::HS256,
        &key,
        &obj(json!({"typ":"JWT","kid":kid})),
        &claims,
    )
    .unwrap();
    assert_eq!(fx.outcome(&with_kid), "missing_claim");
    // The Node snippet that sets both: `jwt.sign({ scope: 'user', external_id: '12345678' },
    // SECRET, { header: { kid: KEY_ID } })`.
    let node = sign_jwt(
        idjwt::Alg::HS256,
        &key,
        &obj(json!({"typ":"JWT","kid":kid})),
        &obj(json!({"scope":"user","external_id":"12345678","iat":NOW})),
    )
    .unwrap();
    assert_eq!(fx.outcome(&node), "verified");
}
