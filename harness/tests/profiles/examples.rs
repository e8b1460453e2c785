//! The examples in the providers' own documents, and what a profile does outside any verdict
//! (its canonical header, its configuration, its default mode). Every rule's boundaries are
//! golden vectors (`vectors/<provider>.json` and the `@provider` cases of the generic
//! namespaces), run against the reference by `reference_agrees_with_every_vector` and against
//! every implementation by the conformance run; they are not repeated here.

use idjwt::engine::provider::judge;
use idjwt::engine::{compact, json, sign_jwt};
use idjwt::impls::reference::Reference;
use idjwt::profile::{builtin_ids, Mode};
use idjwt::verdict::Part;
use serde_json::{json, Value};

use crate::common::*;

#[test]
fn drift_example_token_structure() {
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
    let fx = Fixture::new("drift");
    let decoded = idjwt::Decoded { header, claims };
    let identity = idjwt::engine::provider::apply(fx.profile, &fx.ctx, None, &decoded).unwrap();
    assert_eq!(identity.user_id, "12345");
    // Under a key that is not Drift's, the example must not verify.
    assert_eq!(fx.outcome(token), "bad_signature");
}

#[test]
fn onesignal_decoded_payload_example() {
    // "confirm the decoded payload contains": iss = app id, exp, identity.external_id.
    let mut fx = Fixture::new("onesignal");
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

#[test]
fn zendesk_canonical_header_is_alg_typ_kid() {
    let fx = Fixture::new("zendesk");
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
fn zendesk_example_header_and_payload() {
    let mut fx = Fixture::new("zendesk");
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
fn zendesk_snippets_without_kid_or_scope_are_rejected() {
    let mut fx = Fixture::new("zendesk");
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

#[test]
fn privy_needs_its_app_id_configured() {
    let mut fx = Fixture::new("privy");
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

#[test]
fn default_mode_is_required() {
    for id in builtin_ids() {
        let fx = Fixture::new(id);
        assert_eq!(fx.profile.mode, Mode::Required);
        assert_eq!(outcome(&fx.verdict(None)), "token_missing");
    }
}
