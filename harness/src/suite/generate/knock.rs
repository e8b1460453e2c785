//! `knock`: the Knock signed-user-token profile at each rule's boundary (RS256, `sub` of 1 to
//! 256 characters, `iat` and `exp` optional, `grants` and `explicit_grants`), and the tokens
//! Knock's Node SDK and documentation write.

use super::draft::{claim_rows, Want, P};
use super::identity::user;
use crate::contract::checks;
use crate::suite::case::{Case, MintAlg};
use crate::verdict::Identity;
use serde_json::{Map, Value};

const SUB: &str = "\"The JWT must contain the sub claim\"; \"The maximum number of characters for \
the identifier is 256\" (https://docs.knock.app/concepts/users); policy.md §6.17";
const DATES: &str = "\"we recommend also including iat and exp to enforce token expiration\": \
both optional; policy.md §5 and §6.17";
const GRANTS: &str = "\"You can limit access … by setting access grants on the user token.\", \
\"setting the explicit_grants option to true\"; policy.md §6.17 (grants an object, \
explicit_grants a boolean; grant names are not checked)";
const SDK: &str = "@knocklabs/node signUserToken: header {\"alg\":\"RS256\",\"typ\":\"JWT\"}, \
claims sub, iat now and exp an hour on (the documented default of 3600 seconds)";
const DOC: &str = "The documentation's example payload {\"sub\":\"user_id\",\"iat\":1608600116,\
\"exp\":1608603716}, its dates moved to the pinned time";
const BINDING: &str = "\"knockClient.authenticate({ id: currentUser.id }, \
currentUser.knockToken)\"; policy.md §6.6";

/// Every case of the namespace, in file order.
#[rustfmt::skip]
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.push(p.own("canonical", "The canonical Knock token: RS256, sub, iat and exp.", SUB).rule("sub").rule("iat").rule("exp").verified());
    let sdk = p.tok().header_str("typ", "JWT").payload_text(r#"{"sub":"user-1","iat":${now},"exp":${now+3600}}"#);
    out.push(p.own("seed-node-sdk", "The token @knocklabs/node's signUserToken writes for user-1.", SDK).features(&["seed-example"]).tok(sdk).verified());
    // The example's dates, 1608600116 and 1608603716, moved to the pinned time: an hour apart,
    // verified half an hour after iat (a recipe with fixed dates could not be re-minted).
    let doc = p.tok().payload_text(r#"{"sub":"user_id","iat":${now-1884},"exp":${now+1716}}"#);
    out.push(p.own("seed-doc-payload", "The documentation's example payload (sub user_id, exp an hour after iat), verified half an hour after its iat.", DOC).features(&["seed-example"]).tok(doc).verified());
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-missing", "no sub", "", Rejected("missing_claim")),
        ("sub-empty", "sub the empty string", "\"\"", Rejected("claim_length")),
        ("sub-256-chars", "sub of 256 characters", format!("\"{}\"", "u".repeat(256)), Verified),
        ("sub-257-chars", "sub of 257 characters", format!("\"{}\"", "u".repeat(257)), Rejected("claim_length")),
        ("sub-number", "sub the number 42", "42", TYPE),
        ("sub-email", "sub an email address", "\"user-1@example.test\"", Verified),
        ("sub-256-two-byte-chars", "sub of 256 two-byte characters (characters are counted, not bytes)", format!("\"{}\"", "é".repeat(256)), Verified),
        ("sub-with-slash", "sub with a slash, which Knock's user ids may not hold (not checked, docs/decisions.md)", "\"team/user-1\"", Verified),
    ]));
    out.extend(p.claim_cases("iat", DATES, &[], claim_rows![("iat-absent", "no iat", "", Verified)]));
    out.extend(p.claim_cases("iat", DATES, &[checks::DATE_TYPES], claim_rows![("iat-string", "iat a numeric string", "\"1700000000\"", TYPE)]));
    out.extend(p.claim_cases("exp", DATES, &[], claim_rows![("exp-absent", "no exp (a token that never expires, which Knock allows)", "", Verified)]));
    out.extend(p.claim_cases("exp", DATES, &[checks::EXPIRY], claim_rows![
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-one-second-left", "exp one second from now", "${now+1}", Verified),
    ]));
    out.extend(p.claim_cases("grants", GRANTS, &[], claim_rows![
        ("grants-user-feed", "grants for the user's own resource", r#"{"https://api.knock.app/v1/users/user-1":{"user/feed_read":[{}]}}"#, Verified),
        ("grants-array", "grants an array", r#"["user/feed_read"]"#, TYPE),
        ("grants-tenant", "grants for a tenant", r#"{"https://api.knock.app/v1/tenants/tenant-1":{"user/feed_read":[{}]}}"#, Verified),
    ]));
    out.extend(p.claim_cases("explicit_grants", GRANTS, &[], claim_rows![
        ("explicit-grants-true", "explicit_grants true", "true", Verified),
        ("explicit-grants-false", "explicit_grants false", "false", Verified),
        ("explicit-grants-string", "explicit_grants the string \"true\"", "\"true\"", TYPE),
    ]));
    out.push(p.own("rs512", "The canonical claims signed with RS512.", SUB).tok(p.tok().header_str("alg", "RS512").signed_as(MintAlg::RS512)).rejected("alg_not_allowed"));
    out.push(p.own("binding-same-user", "authenticate({ id: user-1 }) with a token for user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "authenticate({ id: user-2 }) with a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));
}

/// The identity a verified Knock token names (policy.md §6.17): the user id in `sub`.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "sub"),
        ..Identity::default()
    }
}
