//! `stream`: every rule of the Stream Chat profile at its boundary (`user_id`, integral `exp`,
//! `iat` never in the future), the development token whose signature is the literal
//! `devtoken`, binding to `connectUser`'s user, and the tokens of Stream's SDK tests and docs.

use base64::Engine as _;

use super::draft::{claim_rows, Want, P};
use super::identity::user;
use super::token::quote;
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const USER_ID: &str = "\"If generating a token to use client-side, the token must include the \
userID claim in the token payload\"; policy.md §6.10 (`user_id` a non-empty string: Stream \
refuses a number, \"cannot unmarshal number into Go struct field StreamJWTClaims.user_id of type \
string\")";
const EXP: &str = "\"By default, user tokens are valid indefinitely. You can set an expiration to \
tokens by passing it as the second parameter. The expiration should contain the number of seconds \
since Unix epoch\"; policy.md §6.10 (integral: Stream reads `exp` as an int64)";
const IAT: &str =
    "Stream's error 42 \"JWTAuth error: token used before issue at (iat)\"; policy.md \
§6.9 and §6.10 (`iat`, when present, is not after now + leeway)";
const DEV_TOKEN: &str =
    "stream-chat-js DevToken(userId): the header {\"alg\": \"HS256\", \"typ\": \
\"JWT\"}, the payload {user_id} in padded standard base64 and the literal signature 'devtoken'; \
\"Disabling auth checks is not suitable for a production application\"; policy.md §6.10 (a \
development token never verifies)";
const BINDING: &str = "\"userToken does not have a user_id or is not matching with user.id\" \
(stream-chat-js connectUser); policy.md §6.6";
const GO_TEST: &str = "stream-chat-go 8.4.1 client_test.go: CreateToken(\"tommaso\", …) under the \
secret \"secret\" gives these exact tokens";
const SNIPPETS: &str = "the docs' snippets: \"JWT.encode({ user_id: 'john' }, 'STREAM_SECRET', \
'HS256')\" (ruby-jwt writes no typ); \"serverClient.createToken(user_id)\"; the server token \
{\"server\": true} of JWTServerToken";

/// The fixed first segment of every development token: `{"alg": "HS256", "typ": "JWT"}`.
const DEV_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    rules(p, out);
    dev_tokens(p, out);
    others(p, out);
}

#[rustfmt::skip]
fn rules(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.push(p.own("canonical", "The canonical Stream token: user_id and exp an hour ahead, no iat (createToken's default).", USER_ID).rule("user_id").rule("exp").rule("iat").rule("time.iat_max_future").rule("forbidden_signatures").verified());
    out.extend(p.claim_cases("user_id", USER_ID, &[], claim_rows![
        ("user-id-missing", "no user_id", "", Rejected("missing_claim")),
        ("user-id-empty", "user_id the empty string", "\"\"", Rejected("claim_length")),
        ("user-id-one-character", "user_id a single character", "\"x\"", Verified),
        ("user-id-number", "user_id the number 12345", "12345", TYPE),
        ("user-id-numeric-string", "user_id the digits \"12345\"", "\"12345\"", Verified),
        ("user-id-null", "user_id null", "null", TYPE),
        ("user-id-array", "user_id an array holding the user id", "[\"user-1\"]", TYPE),
        ("user-id-object", "user_id an object", "{\"id\":\"user-1\"}", TYPE),
        ("user-id-unicode", "user_id with non-ASCII characters", "\"usér-😀\"", Verified),
        ("user-id-long", "user_id 1,000 characters long (Stream documents no limit)", quote(&"u".repeat(1000)), Verified),
        ("user-id-surrounding-spaces", "user_id \" user-1 \" (spaces are part of the id)", "\" user-1 \"", Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[], claim_rows![("exp-absent", "no exp (valid indefinitely)", "", Verified)]));
    out.extend(p.claim_cases("exp", EXP, &[checks::EXPIRY], claim_rows![
        ("exp-one-second-ahead", "exp one second ahead", "${now+1}", Verified),
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-fraction", "exp a minute and a half second ahead (not an integer)", "${now+60.5}", Rejected("not_integral")),
        ("exp-integral-float", "exp a minute ahead written with .0", "${now+60}.0", Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[], claim_rows![("exp-exponent", "exp 1e10, an integral value in exponent form", "1e10", Verified)]));
    out.extend(p.claim_cases("exp", EXP, &[checks::DATE_TYPES], claim_rows![
        ("exp-numeric-string", "exp a string of digits", "\"${now+3600}\"", TYPE),
    ]));
    out.extend(p.time_cases("time.iat_max_future", IAT, &[
        ("iat-equals-now", "iat equal to now", &[("iat", "${now}")], 0, Verified),
        ("iat-one-hour-ago", "iat an hour ago", &[("iat", "${now-3600}")], 0, Verified),
        ("iat-one-year-ago", "iat a year ago (Stream bounds no age)", &[("iat", "${now-31536000}")], 0, Verified),
        ("iat-one-second-ahead", "iat one second in the future", &[("iat", "${now+1}")], 0, Rejected("issued_in_future")),
        ("iat-half-second-ahead", "iat half a second in the future", &[("iat", "${now+0.5}")], 0, Rejected("issued_in_future")),
        ("iat-one-day-ahead", "iat a day in the future", &[("iat", "${now+86400}")], 0, Rejected("issued_in_future")),
        ("iat-ahead-within-leeway", "iat 30 seconds in the future, verified with a 30-second leeway", &[("iat", "${now+30}")], 30, Verified),
        ("iat-ahead-beyond-leeway", "iat 31 seconds in the future, verified with a 30-second leeway", &[("iat", "${now+31}")], 30, Rejected("issued_in_future")),
    ]));
    out.extend(p.claim_cases("iat", IAT, &[checks::DATE_TYPES], claim_rows![
        ("iat-numeric-string", "iat a string of digits", "\"${now}\"", TYPE),
    ]));
}

/// A development token for `user`, as `client.devToken(user)` writes it.
fn dev_token(user: &str) -> String {
    let payload = serde_json::json!({ "user_id": user }).to_string();
    let payload = base64::engine::general_purpose::STANDARD.encode(payload);
    format!("{DEV_HEADER}.{payload}.devtoken")
}

#[rustfmt::skip]
fn dev_tokens(p: &P, out: &mut Vec<Case>) {
    // (name, what, token, the first layer that refuses it)
    let rows = [
        ("devtoken-john", "client.devToken(\"john\") from the docs: its payload needs no padding, so the signature segment `devtoken` is what is wrong", dev_token("john"), "signature_length"),
        ("devtoken-canonical-user", "client.devToken(\"user-1\"): its payload ends in = padding", dev_token("user-1"), "invalid_base64"),
        ("devtoken-joshua", "client.devToken(\"joshua\"), whose padded payload decodes to JSON", dev_token("joshua"), "invalid_base64"),
        ("devtoken-empty-user", "client.devToken(\"\"), for no user at all", dev_token(""), "invalid_base64"),
        ("devtoken-signed-claims", "the canonical header and claims (with exp) followed by the signature devtoken", {
            let token = p.tok().at(super::draft::TIMELESS);
            format!("{}.devtoken", &token[..token.rfind('.').expect("three segments")])
        }, "signature_length"),
    ];
    for (name, what, token, reason) in rows {
        let description = format!("A development token: {what}.");
        out.push(p.own(name, &description, DEV_TOKEN).rule("forbidden_signatures").features(&["dev-token"]).raw(token).rejected(reason));
    }
}

#[rustfmt::skip]
fn others(p: &P, out: &mut Vec<Case>) {
    out.push(p.own("binding-same-user", "connectUser({ id: \"user-1\" }, token) with the token's user_id user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "connectUser({ id: \"user-2\" }, token) with a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));
    out.push(p.own("binding-case-differs", "connectUser({ id: \"User-1\" }, token) with a token for user-1.", BINDING).features(&["binding"]).claimed("User-1").rejected("identity_mismatch"));

    // stream-chat-go's test tokens, under the SDK test's secret "secret" (6 bytes: short).
    let secret = Key::hmac(b"secret".to_vec(), Some("stream-go-test".into()));
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let go = |payload: &str| p.tok().key(secret.clone()).header_text(header).payload_text(payload);
    let plain = go(r#"{"user_id":"tommaso"}"#);
    assert_eq!(plain.at(0), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidG9tbWFzbyJ9.v-x-jt3ZnBXXbQ0GoWloIZtVnat2IE74U1a4Yuxd63M", "stream-chat-go's first test token");
    let dated = go(r#"{"exp":1566941272,"iat":1566941272,"user_id":"tommaso"}"#);
    assert_eq!(dated.at(0), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE1NjY5NDEyNzIsImlhdCI6MTU2Njk0MTI3MiwidXNlcl9pZCI6InRvbW1hc28ifQ.3HY2O_7o5ZjZ-6KCXLzyPpHZOlNEDy6_m3iNb5DKAMY", "stream-chat-go's second test token");
    out.push(p.own("seed-go-test-token", "stream-chat-go's test token for tommaso, with its secret \"secret\" configured: it verifies, but a 6-byte secret is short.", GO_TEST).features(&["seed-example", "short-key"]).keys(std::slice::from_ref(&secret)).tok(plain).either());
    out.push(p.own("seed-go-test-token-expired", "stream-chat-go's test token with exp and iat 1566941272 (2019), verified now.", GO_TEST).features(&["seed-example", "time"]).checks(&[checks::EXPIRY]).keys(std::slice::from_ref(&secret)).tok(dated).rejected("expired"));

    let key = p.key(1);
    let resigned = |header: &str, payload: &str| p.tok_by(key.clone()).header_text(header).payload_text(payload);
    out.push(p.own("seed-ruby-snippet", "JWT.encode({ user_id: 'john' }, secret, 'HS256') from the docs, signed with the configured key: ruby-jwt's header has no typ, which Stream does not ask for.", SNIPPETS).features(&["seed-example"]).rule("user_id").tok(resigned(r#"{"alg":"HS256"}"#, r#"{"user_id":"john"}"#)).verified());
    out.push(p.own("seed-typ-first", "createToken(\"john\") as an older PyJWT writes it: {\"typ\":\"JWT\",\"alg\":\"HS256\"}.", SNIPPETS).features(&["seed-example"]).tok(resigned(r#"{"typ":"JWT","alg":"HS256"}"#, r#"{"user_id":"john"}"#)).verified());
    out.push(p.own("seed-server-token", "The server-side token {\"server\": true}, which names no user, offered as a user token.", SNIPPETS).features(&["seed-example"]).checks(&[checks::REQUIRED_CLAIMS]).tok(resigned(r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"server":true}"#)).rejected("missing_claim"));
}

/// The identity a verified Stream token names (policy.md §6.10): the user id in `user_id`.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "user_id"),
        ..Identity::default()
    }
}
