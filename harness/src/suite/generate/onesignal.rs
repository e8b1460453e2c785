//! `onesignal`: every rule of the OneSignal profile at its boundary (`iss`, `exp`, `identity`,
//! `subscriptions`), `OneSignal.login` binding, key rotation, and the seed's examples.

use super::draft::{Draft, Want, APP_ID, P};
use super::token::quote;
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::{Case, VectorFile};

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
const ALG: &str = "\"Identity Verification requires JWTs signed with the ES256 algorithm (ECDSA \
using P-256 and SHA-256). Other algorithms will be rejected.\"";
const ROTATION: &str =
    "policy.md §6.8 (key rotation, OneSignal's included: a key taken out of the \
configuration verifies nothing); \"Click Generate New Keys to create a new key pair.\"";

pub(super) fn file() -> VectorFile {
    let p = P::get("onesignal");
    let mut cases = Vec::new();
    rules(&p, &mut cases);
    identity(&p, &mut cases);
    subscriptions(&p, &mut cases);
    others(&p, &mut cases);
    super::draft::file(
        "onesignal",
        "OneSignal identity verification: iss = app id, exp, identity aliases, subscriptions, \
         OneSignal.login binding, key rotation, the seed's examples.",
        cases,
    )
}

fn c(p: &P, name: &str, description: &str, basis: &str) -> Draft {
    p.own(name, description, basis)
}

/// Cases setting `claim` to raw texts (an empty text removes it).
fn push(
    p: &P,
    claim: &str,
    basis: &str,
    rows: Vec<(&str, &str, String, Want)>,
    check: &[&str],
    out: &mut Vec<Case>,
) {
    for (name, what, raw, want) in rows {
        let tok = if raw.is_empty() {
            p.tok().without(claim)
        } else {
            p.tok().claim(claim, raw.clone())
        };
        let mut d = c(p, name, &format!("The canonical token with {what}."), basis)
            .rule(claim)
            .checks(check)
            .tok(tok);
        if raw.is_empty() && p.profile.claim(claim).is_some_and(|r| r.required) {
            d = d.checks(&[checks::REQUIRED_CLAIMS]);
        }
        if raw.contains("${now") && !raw.starts_with('"') {
            d = d.features(&["time"]);
        }
        out.push(d.want(want));
    }
}

fn rules(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(
        c(p, "canonical", "The canonical OneSignal token: iss the app id, exp an hour ahead, identity.external_id and an Email subscription.", IDENTITY)
            .rule("iss")
            .rule("exp")
            .rule("identity")
            .rule("subscriptions")
            .verified(),
    );
    push(
        p,
        "iss",
        ISS,
        vec![
            (
                "iss-missing",
                "no iss",
                String::new(),
                Rejected("missing_claim"),
            ),
            (
                "iss-other-app",
                "iss another app's id",
                "\"other-app-id\"".into(),
                Rejected("issuer_mismatch"),
            ),
            (
                "iss-seed-placeholder",
                "iss the seed's placeholder your-onesignal-app-id, not the configured app id",
                "\"your-onesignal-app-id\"".into(),
                Rejected("issuer_mismatch"),
            ),
            (
                "iss-uppercase",
                "iss the app id in uppercase",
                quote(&APP_ID.to_uppercase()),
                Rejected("issuer_mismatch"),
            ),
            (
                "iss-array",
                "iss an array holding the app id",
                format!("[{}]", quote(APP_ID)),
                Rejected("claim_type"),
            ),
            (
                "iss-app-id",
                "iss exactly the configured app id",
                quote(APP_ID),
                Verified,
            ),
        ],
        &[checks::ISSUER],
        out,
    );
    push(
        p,
        "exp",
        EXP,
        vec![
            (
                "exp-missing",
                "no exp (required for OneSignal)",
                String::new(),
                Rejected("missing_claim"),
            ),
            (
                "exp-equals-now",
                "exp equal to now",
                "${now}".into(),
                Rejected("expired"),
            ),
            (
                "exp-one-second-ahead",
                "exp one second ahead",
                "${now+1}".into(),
                Verified,
            ),
            (
                "exp-fraction",
                "exp a fraction past an hour ahead",
                "${now+3600.5}".into(),
                Verified,
            ),
        ],
        &[checks::EXPIRY],
        out,
    );
    push(
        p,
        "exp",
        EXP,
        vec![(
            "exp-numeric-string",
            "exp a string of digits",
            "\"${now+3600}\"".into(),
            Rejected("claim_type"),
        )],
        &[checks::DATE_TYPES],
        out,
    );
}

fn identity(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    push(
        p,
        "identity",
        IDENTITY,
        vec![
            (
                "identity-missing",
                "no identity",
                String::new(),
                Rejected("missing_claim"),
            ),
            (
                "identity-string",
                "identity a string instead of an object",
                "\"user-1\"".into(),
                TYPE,
            ),
            (
                "identity-array",
                "identity an array of aliases",
                r#"[{"external_id":"user-1"}]"#.into(),
                TYPE,
            ),
            ("identity-null", "identity null", "null".into(), TYPE),
            (
                "identity-empty",
                "identity an empty object",
                "{}".into(),
                Rejected("claim_shape"),
            ),
            (
                "identity-external-id-number",
                "identity.external_id a number",
                r#"{"external_id":12345}"#.into(),
                TYPE,
            ),
            (
                "identity-external-id-null",
                "identity.external_id null",
                r#"{"external_id":null}"#.into(),
                TYPE,
            ),
            (
                "identity-alias-number",
                "a valid external_id beside a numeric alias",
                r#"{"external_id":"user-1","onesignal_id":7}"#.into(),
                TYPE,
            ),
            (
                "identity-alias-object",
                "a valid external_id beside an object alias",
                r#"{"external_id":"user-1","custom":{"id":"x"}}"#.into(),
                TYPE,
            ),
            (
                "identity-several-aliases",
                "external_id beside other string aliases",
                r#"{"external_id":"user-1","onesignal_id":"abc","custom":"z"}"#.into(),
                Verified,
            ),
            (
                "identity-without-external-id",
                "aliases but no external_id (the first alias by name, labelled, is the user id)",
                r#"{"onesignal_id":"abc","custom":"z"}"#.into(),
                Verified,
            ),
            (
                "identity-only-onesignal-id",
                "only a onesignal_id alias",
                r#"{"onesignal_id":"abc"}"#.into(),
                Verified,
            ),
            (
                "identity-seed-placeholder",
                "identity.external_id the seed's placeholder EXTERNAL_ID",
                r#"{"external_id":"EXTERNAL_ID"}"#.into(),
                Verified,
            ),
        ],
        &[],
        out,
    );
}

fn subscriptions(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    const SHAPE: Want = Rejected("claim_shape");
    const VALUE: Want = Rejected("claim_value");
    push(p, "subscriptions", SUBSCRIPTIONS, vec![
        ("subscriptions-absent", "no subscriptions (optional)", String::new(), Verified),
        ("subscriptions-empty", "an empty subscriptions array", "[]".into(), Verified),
        ("subscriptions-sms", "one SMS subscription", r#"[{"type":"SMS","token":"+12345678"}]"#.into(), Verified),
        ("subscriptions-seed-example", "the seed's Email and SMS subscriptions", r#"[{"type":"Email","token":"user@example.test"},{"type":"SMS","token":"+12345678"}]"#.into(), Verified),
        ("subscriptions-push-type", "a subscription of type Push", r#"[{"type":"Push","token":"x"}]"#.into(), VALUE),
        ("subscriptions-lowercase-type", "a subscription of type email (lowercase)", r#"[{"type":"email","token":"user@example.test"}]"#.into(), VALUE),
        ("subscriptions-uppercase-type", "a subscription of type SMS spelled Sms", r#"[{"type":"Sms","token":"+12345678"}]"#.into(), VALUE),
        ("subscriptions-second-item-bad", "a valid Email subscription followed by one of type Push", r#"[{"type":"Email","token":"user@example.test"},{"type":"Push","token":"x"}]"#.into(), VALUE),
        ("subscriptions-missing-token", "a subscription without token", r#"[{"type":"Email"}]"#.into(), SHAPE),
        ("subscriptions-missing-type", "a subscription without type", r#"[{"token":"user@example.test"}]"#.into(), SHAPE),
        ("subscriptions-token-number", "a subscription whose token is a number", r#"[{"type":"SMS","token":12345678}]"#.into(), TYPE),
        ("subscriptions-type-number", "a subscription whose type is a number", r#"[{"type":1,"token":"x"}]"#.into(), TYPE),
        ("subscriptions-item-string", "a subscriptions array holding a string", r#"["Email"]"#.into(), TYPE),
        ("subscriptions-item-null", "a subscriptions array holding null", "[null]".into(), TYPE),
        ("subscriptions-object", "subscriptions a single object instead of an array", r#"{"type":"Email","token":"user@example.test"}"#.into(), TYPE),
        ("subscriptions-null", "subscriptions null", "null".into(), TYPE),
    ], &[], out);
}

fn others(p: &P, out: &mut Vec<Case>) {
    for (name, claimed, ok) in [
        ("login-binding-match", "user-1", true),
        ("login-binding-mismatch", "EXTERNAL_ID", false),
    ] {
        let d = c(
            p,
            name,
            &format!("The canonical token with OneSignal.login({claimed:?}, jwt)."),
            BINDING,
        )
        .features(&["binding"])
        .claimed(claimed);
        out.push(if ok {
            d.verified()
        } else {
            d.rejected("identity_mismatch")
        });
    }
    out.push(
        c(p, "login-binding-alias-only", "A token whose identity has aliases but no external_id, with OneSignal.login(\"z\", jwt): an alias never poses as an external id.", BINDING)
            .features(&["binding"])
            .claimed("z")
            .tok(p.tok().claim("identity", r#"{"custom":"z"}"#))
            .rejected("identity_mismatch"),
    );
    let seed_payload = r#"{"iss":"your-onesignal-app-id","exp":${now+890},"identity":{"external_id":"your-external-id"}}"#;
    out.push(
        c(p, "seed-decoded-payload", "The seed's decoded payload example (exp 1234567890) with its app id configured, verified 890 seconds before exp.", SEED)
            .features(&["seed-example", "time"])
            .rule("iss")
            .rule("exp")
            .rule("identity")
            .checks(&[checks::EXPIRY, checks::ISSUER])
            .app_id("your-onesignal-app-id")
            .now(1_234_567_000)
            .tok(p.tok().payload_text(seed_payload))
            .verified(),
    );
    out.push(
        c(p, "seed-decoded-payload-at-exp", "The seed's decoded payload example verified at exactly its exp, 1234567890.", SEED)
            .features(&["seed-example", "time"])
            .rule("exp")
            .checks(&[checks::EXPIRY])
            .app_id("your-onesignal-app-id")
            .now(1_234_567_890)
            .tok(p.tok().payload_text(r#"{"iss":"your-onesignal-app-id","exp":${now},"identity":{"external_id":"your-external-id"}}"#))
            .rejected("expired"),
    );
    out.push(
        c(p, "seed-sign-function", "The claims the seed's signOneSignalJWT('EXTERNAL_ID', subscriptions) signs: iss, exp an hour ahead, identity, the Email and SMS subscriptions.", SIGN_FN)
            .features(&["seed-example"])
            .rule("subscriptions")
            .tok(p.tok().payload_text(format!(
                r#"{{"iss":{},"exp":${{now+3600}},"identity":{{"external_id":"EXTERNAL_ID"}},"subscriptions":[{{"type":"Email","token":"user@example.test"}},{{"type":"SMS","token":"+12345678"}}]}}"#,
                quote(APP_ID)
            )))
            .verified(),
    );
    out.push(
        c(
            p,
            "hs256-token",
            "The canonical claims as an HS256 token signed with a shared secret.",
            ALG,
        )
        .tok(
            p.tok()
                .key(Key::test_hmac("onesignal-key-1"))
                .header_str("alg", "HS256"),
        )
        .rejected("alg_not_allowed"),
    );
    out.push(
        c(
            p,
            "es384-header",
            "The canonical token with header alg ES384.",
            ALG,
        )
        .tok(p.tok().header_str("alg", "ES384"))
        .rejected("alg_not_allowed"),
    );
    let (k1, k2) = (p.key(1), p.key(2));
    out.push(
        c(
            p,
            "rotation-new-key",
            "Old and new public keys configured; the canonical claims signed by the new key pair.",
            ROTATION,
        )
        .features(&["rotation"])
        .keys(&[k1, k2.clone()])
        .tok(p.tok_by(k2.clone()))
        .verified(),
    );
    out.push(
        c(p, "rotation-old-key-removed", "Only the new public key configured; the canonical claims signed by the removed key pair.", ROTATION)
            .features(&["rotation"])
            .keys(&[k2])
            .rejected("bad_signature"),
    );
}
