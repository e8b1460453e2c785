//! `onesignal`: every rule of the OneSignal profile at its boundary (`iss`, `exp`, `identity`,
//! `subscriptions`), a login with an alias, and the seed's examples.

use super::draft::{claim_rows, Want, APP_ID, P};
use super::token::quote;
use crate::contract::checks;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const ISS: &str =
    "\"iss matches your OneSignal App ID from Settings > Keys & IDs\"; policy.md §6.4: \
`iss` = configured app id";
const EXP: &str =
    "\"exp is a future timestamp — an expired token will be rejected by OneSignal\"; \
policy.md §6.4: `exp` required";
const IDENTITY: &str = "\"identity.external_id is present and matches the value you will pass to \
OneSignal.login()\"; policy.md §6.4 (`identity` is a non-empty object of string aliases); user id = \
`identity.external_id` (else the aliases)";
const SUBSCRIPTIONS: &str = "policy.md §6.4 (`subscriptions`, optional, is an array of objects \
`{type: \"Email\" or \"SMS\", token: string}`); the OneSignal document's example subscriptions array";
const BINDING: &str =
    "\"OneSignal.login(externalId, onesignalJWT);\"; policy.md §6.6 (the token's \
user id must equal the one passed to login exactly)";
const SEED: &str = "\"Paste the JWT value at jwt.io and confirm the decoded payload contains ... \
{ \\\"iss\\\": \\\"your-onesignal-app-id\\\", \\\"exp\\\": 1234567890, \\\"identity\\\": { \
\\\"external_id\\\": \\\"your-external-id\\\" } }\"; \"exp is a future timestamp — an expired token \
will be rejected by OneSignal\"";
const SIGN_FN: &str = "\"return jwt.sign({ iss: APP_ID, exp: Math.floor(Date.now() / 1000) + \
3600, identity: { 'external_id': externalId, }, subscriptions }, IDENTITY_VERIFICATION_SECRET, { \
algorithm: 'ES256' });\"";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    rules(p, out);
    identity_claim(p, out);
    subscriptions(p, out);
    others(p, out);
}

#[rustfmt::skip]
fn rules(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(p.own("canonical", "The canonical OneSignal token: iss the app id, exp an hour ahead, identity.external_id and an Email subscription.", IDENTITY).rule("iss").rule("exp").rule("identity").rule("subscriptions").verified());
    out.extend(p.claim_cases("iss", ISS, &[checks::ISSUER], claim_rows![
        ("iss-missing", "no iss", "", Rejected("missing_claim")),
        ("iss-other-app", "iss another app's id", "\"other-app-id\"", Rejected("issuer_mismatch")),
        ("iss-seed-placeholder", "iss the seed's placeholder your-onesignal-app-id, not the configured app id", "\"your-onesignal-app-id\"", Rejected("issuer_mismatch")),
        ("iss-uppercase", "iss the app id in uppercase", quote(&APP_ID.to_uppercase()), Rejected("issuer_mismatch")),
        ("iss-array", "iss an array holding the app id", format!("[{}]", quote(APP_ID)), Rejected("claim_type")),
        ("iss-app-id", "iss exactly the configured app id", quote(APP_ID), Verified),
    ]));
    out.extend(p.exp_rule_cases(EXP, ("exp-missing", "no exp (required for OneSignal)", Rejected("missing_claim"))));
}

#[rustfmt::skip]
fn identity_claim(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.extend(p.claim_cases("identity", IDENTITY, &[], claim_rows![
        ("identity-missing", "no identity", "", Rejected("missing_claim")),
        ("identity-string", "identity a string instead of an object", "\"user-1\"", TYPE),
        ("identity-array", "identity an array of aliases", r#"[{"external_id":"user-1"}]"#, TYPE),
        ("identity-null", "identity null", "null", TYPE),
        ("identity-empty", "identity an empty object", "{}", Rejected("claim_shape")),
        ("identity-external-id-number", "identity.external_id a number", r#"{"external_id":12345}"#, TYPE),
        ("identity-external-id-null", "identity.external_id null", r#"{"external_id":null}"#, TYPE),
        ("identity-alias-number", "a valid external_id beside a numeric alias", r#"{"external_id":"user-1","onesignal_id":7}"#, TYPE),
        ("identity-alias-object", "a valid external_id beside an object alias", r#"{"external_id":"user-1","custom":{"id":"x"}}"#, TYPE),
        ("identity-several-aliases", "external_id beside other string aliases", r#"{"external_id":"user-1","onesignal_id":"abc","custom":"z"}"#, Verified),
        ("identity-without-external-id", "aliases but no external_id (the first alias by name, labelled, is the user id)", r#"{"onesignal_id":"abc","custom":"z"}"#, Verified),
        ("identity-only-onesignal-id", "only a onesignal_id alias", r#"{"onesignal_id":"abc"}"#, Verified),
        ("identity-seed-placeholder", "identity.external_id the seed's placeholder EXTERNAL_ID", r#"{"external_id":"EXTERNAL_ID"}"#, Verified),
    ]));
}

fn subscriptions(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    const SHAPE: Want = Rejected("claim_shape");
    const VALUE: Want = Rejected("claim_value");
    out.extend(p.claim_cases("subscriptions", SUBSCRIPTIONS, &[], claim_rows![
        ("subscriptions-absent", "no subscriptions (optional)", "", Verified),
        ("subscriptions-empty", "an empty subscriptions array", "[]", Verified),
        ("subscriptions-sms", "one SMS subscription", r#"[{"type":"SMS","token":"+12345678"}]"#, Verified),
        ("subscriptions-seed-example", "the seed's Email and SMS subscriptions", r#"[{"type":"Email","token":"user@example.test"},{"type":"SMS","token":"+12345678"}]"#, Verified),
        ("subscriptions-push-type", "a subscription of type Push", r#"[{"type":"Push","token":"x"}]"#, VALUE),
        ("subscriptions-lowercase-type", "a subscription of type email (lowercase)", r#"[{"type":"email","token":"user@example.test"}]"#, VALUE),
        ("subscriptions-uppercase-type", "a subscription of type SMS spelled Sms", r#"[{"type":"Sms","token":"+12345678"}]"#, VALUE),
        ("subscriptions-second-item-bad", "a valid Email subscription followed by one of type Push", r#"[{"type":"Email","token":"user@example.test"},{"type":"Push","token":"x"}]"#, VALUE),
        ("subscriptions-missing-token", "a subscription without token", r#"[{"type":"Email"}]"#, SHAPE),
        ("subscriptions-missing-type", "a subscription without type", r#"[{"token":"user@example.test"}]"#, SHAPE),
        ("subscriptions-token-number", "a subscription whose token is a number", r#"[{"type":"SMS","token":12345678}]"#, TYPE),
        ("subscriptions-type-number", "a subscription whose type is a number", r#"[{"type":1,"token":"x"}]"#, TYPE),
        ("subscriptions-item-string", "a subscriptions array holding a string", r#"["Email"]"#, TYPE),
        ("subscriptions-item-null", "a subscriptions array holding null", "[null]", TYPE),
        ("subscriptions-object", "subscriptions a single object instead of an array", r#"{"type":"Email","token":"user@example.test"}"#, TYPE),
        ("subscriptions-null", "subscriptions null", "null", TYPE),
    ]));
}

#[rustfmt::skip]
fn others(p: &P, out: &mut Vec<Case>) {
    out.push(p.own("login-binding-alias-only", "A token whose identity has aliases but no external_id, with OneSignal.login(\"z\", jwt): an alias never poses as an external id.", BINDING).features(&["binding"]).claimed("z").tok(p.tok().claim("identity", r#"{"custom":"z"}"#)).rejected("identity_mismatch"));
    let seed_payload = r#"{"iss":"your-onesignal-app-id","exp":${now+890},"identity":{"external_id":"your-external-id"}}"#;
    out.push(p.own("seed-decoded-payload", "The seed's decoded payload example (exp 1234567890) with its app id configured, verified 890 seconds before exp.", SEED).features(&["seed-example", "time"]).rule("iss").rule("exp").rule("identity").checks(&[checks::EXPIRY, checks::ISSUER]).app_id("your-onesignal-app-id").now(1_234_567_000).tok(p.tok().payload_text(seed_payload)).verified());
    out.push(p.own("seed-decoded-payload-at-exp", "The seed's decoded payload example verified at exactly its exp, 1234567890.", SEED).features(&["seed-example", "time"]).rule("exp").checks(&[checks::EXPIRY]).app_id("your-onesignal-app-id").now(1_234_567_890).tok(p.tok().payload_text(r#"{"iss":"your-onesignal-app-id","exp":${now},"identity":{"external_id":"your-external-id"}}"#)).rejected("expired"));
    out.push(p.own("seed-sign-function", "The claims the seed's signOneSignalJWT('EXTERNAL_ID', subscriptions) signs: iss, exp an hour ahead, identity, the Email and SMS subscriptions.", SIGN_FN).features(&["seed-example"]).rule("subscriptions").tok(p.tok().payload_text(format!(r#"{{"iss":{},"exp":${{now+3600}},"identity":{{"external_id":"EXTERNAL_ID"}},"subscriptions":[{{"type":"Email","token":"user@example.test"}},{{"type":"SMS","token":"+12345678"}}]}}"#, quote(APP_ID)))).verified());
}

/// The identity a verified OneSignal token names (policy.md §6): user id = `identity.external_id`,
/// else the aliases (the first by name, labelled `alias:value` so that it cannot pose as an
/// external id); `identity` and `subscriptions` kept as attributes.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    let aliases = claims
        .get("identity")
        .and_then(Value::as_object)
        .expect("a verified OneSignal token has an identity object");
    let user_id = match aliases.get("external_id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => {
            let first = aliases
                .keys()
                .min()
                .expect("a verified identity is non-empty");
            let value = aliases[first].as_str().expect("aliases are strings");
            format!("{first}:{value}")
        }
    };
    let mut attributes = BTreeMap::new();
    for name in ["identity", "subscriptions"] {
        if let Some(v) = claims.get(name) {
            attributes.insert(name.to_owned(), v.clone());
        }
    }
    Identity {
        user_id,
        attributes,
        ..Identity::default()
    }
}
