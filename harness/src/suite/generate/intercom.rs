//! `intercom`: every rule of the Intercom profile at its boundary (`user_id`, `email`, `exp`),
//! attributes, an email posing as the user id, and the seed's sample payload.

use super::draft::{claim_rows, Want, P};
use super::identity::{string, user, REGISTERED};
use crate::contract::checks;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const USER_ID: &str =
    "\"user_id to identify the user. This is a required field.\"; policy.md §6.3: \
`user_id` (string, non-empty)";
const EMAIL: &str =
    "\"email: \\\"EMAIL_ADDRESS_HERE\\\", // Optional\"; policy.md §6.3 (`email` is \
an optional string)";
const EXP: &str = "\"An optional timestamp (exp) for expiry\"; \"exp: Math.floor(Date.now() / \
1000) + 3600 // Expires in 1hr\"";
const ATTRIBUTES: &str = "\"Any other data attributes you wish to send securely for your users\"; \
policy.md §6.3: user id = `user_id`; `email` and other attributes";
const SEED: &str = "\"const payload = { user_id: \\\"USER_ID_HERE\\\", email: \
\\\"EMAIL_ADDRESS_HERE\\\", data_attribute: \\\"YOUR_DATA\\\", exp: Math.floor(Date.now() / 1000) \
+ 3600 };\"";
const BINDING: &str = "policy.md §6.6 (identity binding: a user id the client also asserts must \
equal the token's exactly, otherwise it is refused)";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    rules(p, out);
    attributes(p, out);
    others(p, out);
}

#[rustfmt::skip]
fn rules(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(p.own("canonical", "The canonical Intercom token: user_id, email and exp an hour ahead.", USER_ID).rule("user_id").rule("email").rule("exp").verified());
    out.extend(p.claim_cases("user_id", USER_ID, &[], claim_rows![
        ("user-id-missing", "no user_id", "", Rejected("missing_claim")),
        ("user-id-empty", "user_id the empty string", "\"\"", Rejected("claim_length")),
        ("user-id-number", "user_id a number", "12345", Rejected("claim_type")),
        ("user-id-null", "user_id null", "null", Rejected("claim_type")),
        ("user-id-array", "user_id an array", "[\"user-1\"]", Rejected("claim_type")),
        ("user-id-one-character", "user_id a single character", "\"x\"", Verified),
        ("user-id-single-space", "user_id a single space (non-empty)", "\" \"", Verified),
        ("user-id-unicode", "user_id with non-ASCII characters", "\"ユーザー-1\"", Verified),
        ("user-id-seed-placeholder", "user_id the seed's placeholder USER_ID_HERE", "\"USER_ID_HERE\"", Verified),
    ]));
    out.extend(p.claim_cases("email", EMAIL, &[], claim_rows![
        ("email-absent", "no email (it is optional)", "", Verified),
        ("email-number", "email a number", "1", Rejected("claim_type")),
        ("email-null", "email null", "null", Rejected("claim_type")),
        ("email-boolean", "email the boolean true", "true", Rejected("claim_type")),
        ("email-array", "email an array of one address", "[\"user@example.test\"]", Rejected("claim_type")),
        ("email-seed-placeholder", "email the seed's placeholder EMAIL_ADDRESS_HERE (no format rule)", "\"EMAIL_ADDRESS_HERE\"", Verified),
        ("email-empty", "email the empty string (a string, so accepted)", "\"\"", Verified),
    ]));
    out.extend(p.exp_rule_cases(EXP, ("exp-absent", "no exp (it is optional)", Verified)));
    out.extend(p.claim_cases("exp", EXP, &[checks::DATE_TYPES], claim_rows![
        ("exp-milliseconds", "exp an hour ahead in milliseconds (Date.now() without the division)", "${now+3600}000", Rejected("date_out_of_range")),
    ]));
}

#[rustfmt::skip]
fn attributes(p: &P, out: &mut Vec<Case>) {
    let rows: Vec<(&str, &str, &str, &str)> = vec![
        ("attribute-string", "a data attribute holding a string", "data_attribute", "\"YOUR_DATA\""),
        ("attribute-number", "a data attribute holding a number", "plan_seats", "5"),
        ("attribute-boolean", "a data attribute holding a boolean", "is_admin", "false"),
        ("attribute-null", "a data attribute holding null", "company", "null"),
        ("attribute-object", "a data attribute holding an object", "company", r#"{"id":"c-1","name":"Example Co"}"#),
        ("attribute-array", "a data attribute holding an array", "tags", r#"["a","b"]"#),
        ("attribute-name", "a name, which Intercom treats as an attribute", "name", "\"Example User\""),
        ("attribute-unicode-name", "an attribute whose name is not ASCII", "名前", "\"値\""),
    ];
    for (name, what, claim, raw) in rows {
        out.push(p.own(name, &format!("The canonical token plus {what}."), ATTRIBUTES).features(&["attributes"]).tok(p.tok().claim(claim, raw)).verified());
    }
    out.push(p.own("registered-claims-not-attributes", "The canonical token plus iat, jti and sub, registered claims that are not attributes.", ATTRIBUTES).features(&["attributes", "time"]).tok(p.tok().claim("iat", "${now}").claim_str("jti", "jti-1").claim_str("sub", "someone-else")).verified());
}

#[rustfmt::skip]
fn others(p: &P, out: &mut Vec<Case>) {
    out.push(p.own("seed-sample-payload", "The seed's sample payload: user_id, email and data_attribute placeholders, exp an hour ahead.", SEED).features(&["seed-example"]).rule("user_id").rule("email").tok(p.tok().payload_text(r#"{"user_id":"USER_ID_HERE","email":"EMAIL_ADDRESS_HERE","data_attribute":"YOUR_DATA","exp":${now+3600}}"#)).verified());
    // The token also carries an email: the user id is user_id, never the email.
    out.push(p.own("binding-email-as-user", "The canonical token with the client claiming \"test-user@example.test\".", BINDING).features(&["binding"]).claimed("test-user@example.test").rejected("identity_mismatch"));
}

/// The identity a verified Intercom token names (policy.md §6): user id = `user_id`; "email and
/// other attributes": every claim that is neither registered nor already used is an attribute.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    let used = |name: &str| REGISTERED.contains(&name) || name == "user_id" || name == "email";
    Identity {
        user_id: user(claims, "user_id"),
        email: string(claims, "email"),
        attributes: claims
            .iter()
            .filter(|(k, _)| !used(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Identity::default()
    }
}
