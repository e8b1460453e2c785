//! `sunshine`: every rule of the Sunshine Conversations v1 profile at its boundary (header `kid`,
//! `scope` exactly `appUser`, `userId` a string, `exp`), app and account scopes offered as user
//! tokens, binding to the Web Messenger's userId, and the documents' snippets.

use super::draft::{claim_rows, Want, P};
use super::identity::user;
use super::token::quote;
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const KID: &str = "\"The JWT header must specify the key ID (kid).\"; Sunshine Conversations \
answers a token without one \"Invalid JWT header. Missing key id (kid)\"";
const SCOPE: &str = "\"The JWT payload must include a scope claim of appUser and a userId claim \
which you've assigned to the app user.\"; app and account scope tokens \"should never be served to \
a browser client\"; policy.md §6.11";
const USER_ID: &str = "\"Make sure the userId field is formatted as a String. If you use numeric \
ids, the userId must be a String representation of the number - using a number directly will \
result in an invalid auth error.\"; policy.md §6.11 (non-empty)";
const EXP: &str = "\"The exp (expiration time) property of a JWT payload is honoured by the \
Sunshine Conversations API. A request made with a JWT which has an exp that is in the past will \
be rejected.\"";
const TYP: &str = "policy.md §6.11: `typ` is not required (the documents' samples write it, an \
early one does not)";
const BINDING: &str = "\"Must provide a userId and a JWT in order to use the authenticated \
mode.\" (the Web Messenger); policy.md §6.6";
const SNIPPET: &str = "The guide's signJwt: \"jwt.sign({ scope: 'appUser', userId: userId }, \
SECRET, { header: { alg: 'HS256', typ: 'JWT', kid: KEY_ID } })\" with KEY_ID \
'app_5deaa3531c7f940010cc4ba4'";
const REST_SAMPLE: &str =
    "The REST documentation's samples: the payload { \"scope\": \"appUser\", \
\"userId\": \"bob@example.com\" }, an early header { \"alg\": \"HS256\", \"kid\": \
\"b567635f883c819871ace8003c0db14b\" } without typ, and scope app or account given to the Web \
Messenger, answered 403 \"Invalid scope\"";
/// The guide snippet's key id and the early header's.
const GUIDE_KID: &str = "app_5deaa3531c7f940010cc4ba4";
const EARLY_KID: &str = "b567635f883c819871ace8003c0db14b";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    header(p, out);
    claims(p, out);
    others(p, out);
}

#[rustfmt::skip]
fn header(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(p.own("canonical", "The canonical Sunshine Conversations token: kid in the header, scope appUser, userId and exp an hour ahead.", SCOPE).rule("header.kid").rule("scope").rule("userId").rule("exp").verified());
    out.extend(p.header_cases("kid", KID, &[
        ("kid-missing", "no kid", None, Rejected("header_missing")),
        ("kid-unknown", "a kid nobody configured", Some("\"app_unknown\""), Rejected("unknown_kid")),
        ("kid-number", "a numeric kid", Some("1"), Rejected("header_member_type")),
        ("kid-guide-example", "the guide's example kid, which is not configured here", Some("\"app_5deaa3531c7f940010cc4ba4\""), Rejected("unknown_kid")),
        ("kid-configured", "the configured key's kid", Some("\"sunshine-key-1\""), Verified),
    ]));
    out.push(p.own("typ-jwt", "The canonical token with typ JWT added to its header, as the documents' samples write it.", TYP).tok(p.tok().header_str("typ", "JWT")).verified());
}

#[rustfmt::skip]
fn claims(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const VALUE: Want = Rejected("claim_value");
    const TYPE: Want = Rejected("claim_type");
    out.extend(p.claim_cases("scope", SCOPE, &[], claim_rows![
        ("scope-app-user", "scope exactly appUser", "\"appUser\"", Verified),
        ("scope-lowercase", "scope appuser", "\"appuser\"", VALUE),
        ("scope-capitalized", "scope AppUser", "\"AppUser\"", VALUE),
        ("scope-app", "scope app, an app-wide token", "\"app\"", VALUE),
        ("scope-account", "scope account, an account-wide token", "\"account\"", VALUE),
        ("scope-user", "scope user, the v2 end-user scope", "\"user\"", VALUE),
        ("scope-trailing-space", "scope \"appUser \"", "\"appUser \"", VALUE),
        ("scope-empty", "scope the empty string", "\"\"", VALUE),
        ("scope-array", "scope an array holding appUser", "[\"appUser\"]", TYPE),
        ("scope-null", "scope null", "null", TYPE),
        ("scope-missing", "no scope", "", Rejected("missing_claim")),
    ]));
    out.extend(p.claim_cases("userId", USER_ID, &[], claim_rows![
        ("user-id-missing", "no userId", "", Rejected("missing_claim")),
        ("user-id-empty", "userId the empty string", "\"\"", Rejected("claim_length")),
        ("user-id-number", "userId the number 12345", "12345", TYPE),
        ("user-id-numeric-string", "userId \"12345\", the string form of a numeric id", "\"12345\"", Verified),
        ("user-id-null", "userId null", "null", TYPE),
        ("user-id-array", "userId an array holding the user id", "[\"user-1\"]", TYPE),
        ("user-id-email", "userId an email address, as the REST sample's bob@example.com", "\"bob@example.com\"", Verified),
        ("user-id-unicode", "userId with non-ASCII characters", "\"usér-😀\"", Verified),
        ("user-id-long", "userId 1,000 characters long (no limit is documented)", quote(&"u".repeat(1000)), Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[], claim_rows![("exp-absent", "no exp (optional)", "", Verified)]));
    out.extend(p.claim_cases("exp", EXP, &[checks::EXPIRY], claim_rows![
        ("exp-one-second-ahead", "exp one second ahead", "${now+1}", Verified),
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-fraction", "exp a fraction past an hour ahead (no integer rule)", "${now+3600.5}", Verified),
        ("exp-guide-example", "exp 1542499200, the guide's example (2018-11-18)", "1542499200", Rejected("expired")),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[checks::DATE_TYPES], claim_rows![
        ("exp-guide-example-string", "exp \"1542499200\", as an older copy of the guide wrote it", "\"1542499200\"", TYPE),
    ]));
}

#[rustfmt::skip]
fn others(p: &P, out: &mut Vec<Case>) {
    out.push(p.own("binding-same-user", "The Web Messenger logs in as user-1 with a token for user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "The Web Messenger logs in as user-2 with a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));
    out.push(p.own("binding-numeric-string", "The Web Messenger logs in as 12345 with a token whose userId is \"012345\".", BINDING).features(&["binding"]).claimed("12345").tok(p.tok().claim_str("userId", "012345")).rejected("identity_mismatch"));

    // The documents' texts, signed with TEST KEYS whose kids are the documents' key ids.
    let signed = |kid: &str, header: &str, payload: &str| {
        let key = Key::test_hmac(kid);
        let tok = p.tok_by(key.clone()).header_text(header).payload_text(payload);
        (key, tok)
    };
    let rows = [
        ("seed-guide-snippet", "The guide's signJwt(\"user-1\") token, with the iat jsonwebtoken adds, signed by a key whose kid is the snippet's KEY_ID.", SNIPPET, GUIDE_KID, format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{GUIDE_KID}"}}"#), r#"{"scope":"appUser","userId":"user-1","iat":${now}}"#, Want::Verified),
        ("seed-rest-sample", "The REST documentation's appUser payload for bob@example.com.", REST_SAMPLE, GUIDE_KID, format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{GUIDE_KID}"}}"#), r#"{"scope":"appUser","userId":"bob@example.com"}"#, Want::Verified),
        ("seed-early-header", "The early header without typ, {\"alg\":\"HS256\",\"kid\":…}, over an appUser payload.", REST_SAMPLE, EARLY_KID, format!(r#"{{"alg":"HS256","kid":"{EARLY_KID}"}}"#), r#"{"scope":"appUser","userId":"user-1"}"#, Want::Verified),
        ("seed-app-scope-login", "An app scope token {\"scope\":\"app\"} given to the Web Messenger's login.", REST_SAMPLE, GUIDE_KID, format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{GUIDE_KID}"}}"#), r#"{"scope":"app"}"#, Want::Rejected("missing_claim")),
        ("seed-account-scope-with-user", "An account scope token that also names a userId.", REST_SAMPLE, GUIDE_KID, format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{GUIDE_KID}"}}"#), r#"{"scope":"account","userId":"user-1"}"#, Want::Rejected("claim_value")),
    ];
    for (name, description, basis, kid, header, payload, want) in rows {
        let (key, tok) = signed(kid, &header, payload);
        let mut d = p.own(name, description, basis).features(&["seed-example"]).keys(&[key]).tok(tok);
        if payload.contains("${now") {
            d = d.features(&["time"]);
        }
        if want == Want::Rejected("missing_claim") {
            d = d.checks(&[checks::REQUIRED_CLAIMS]);
        }
        out.push(d.want(want));
    }
}

/// The identity a verified Sunshine Conversations token names (policy.md §6.11): the
/// business-assigned `userId`.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "userId"),
        ..Identity::default()
    }
}
