//! `kustomer`: every rule of the Kustomer Chat profile at its boundary (header `typ`,
//! `externalId` or `email`, the email taking preference, `iat` at most 15 minutes old and never
//! in the future), and Kustomer's own samples.

use super::draft::{claim_rows, Want, P};
use super::identity::{string, user};
use super::token::quote;
use crate::contract::checks;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const TYP: &str = "\"The JWT used for secure identification must use HMAC SHA256 and include the \
following header and claims: Header: @{ @\\\"alg\\\" : @\\\"HS256\\\", @\\\"typ\\\" : @\\\"JWT\\\" }\"; \
policy.md §3.10 (`typ` compares case-insensitively: `jwt` is either)";
const EXTERNAL_ID: &str = "\"using the email address or externalId that you passed in the login \
JWT\"; policy.md §6.13 (`externalId` a non-empty string)";
const EMAIL: &str = "\"If you pass both the email address and externalId in your login JWT, the \
email address will take preference on our backend and externalId will not be used for the \
user.\"; policy.md §6.13 (the user id is then `email:` and the address)";
const ONE_OF: &str = "\"the server signs an HS256 JWT with the externalId (or email) and iat \
claims using the chat secret\"; policy.md §6.9 (one of a group)";
const IAT: &str = "\"NOTE: tokens with an @\\\"iat\\\" older than 15 minutes will be rejected\"; \
\"Kustomer verifies the signature and that iat is under 15 minutes old\"; policy.md §6.9 and \
§6.13 (now − iat ≤ 900 + leeway, iat ≤ now + leeway)";
const AGE_900: &str = "\"older than 15 minutes will be rejected\" accepts an age of exactly 900 \
seconds, \"under 15 minutes old\" refuses it: docs/decisions.md (either)";
const SAMPLES: &str = "Kustomer's samples: the web login server signs { externalId: \
userFromDB.id, email: userFromDB.email, iat: Math.floor(Date.now() / 1000) } under { alg: \
'HS256', typ: 'JWT' } for { id: 'uuid1', email: 'amy@amy.com' }; the Android JwtGenerator \
writes .claim(\"externalId\", (0..100).random()), a number; the iOS README's claims give iat as \
\"current_time_utc\"";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    header(p, out);
    ids(p, out);
    iat(p, out);
    samples(p, out);
}

#[rustfmt::skip]
fn header(p: &P, out: &mut Vec<Case>) {
    use Want::{Either, Rejected, Verified};
    out.push(p.own("canonical", "The canonical Kustomer token: typ JWT, externalId and iat now.", ONE_OF).rule("header.typ").rule("externalId").rule("email").rule("iat").rule("one_of.externalId|email").rule("time.iat_max_age").rule("time.iat_max_future").verified());
    out.extend(p.header_cases("typ", TYP, &[
        ("typ-missing", "no typ", None, Rejected("header_missing")),
        ("typ-jws", "typ JWS", Some("\"JWS\""), Rejected("header_value")),
        ("typ-number", "typ a number", Some("1"), Rejected("header_member_type")),
        ("typ-lowercase", "typ jwt in lowercase", Some("\"jwt\""), Either),
        ("typ-jwt", "typ exactly JWT", Some("\"JWT\""), Verified),
    ]));
}

#[rustfmt::skip]
fn ids(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.extend(p.claim_cases("externalId", EXTERNAL_ID, &[], claim_rows![
        ("external-id-empty", "externalId the empty string", "\"\"", Rejected("claim_length")),
        ("external-id-number", "externalId the number 42, as Kustomer's Android sample writes it", "42", TYPE),
        ("external-id-numeric-string", "externalId the digits \"42\"", "\"42\"", Verified),
        ("external-id-null", "externalId null", "null", TYPE),
        ("external-id-array", "externalId an array holding the id", "[\"user-1\"]", TYPE),
        ("external-id-uuid", "externalId a UUID", "\"6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\"", Verified),
        ("external-id-email-like", "externalId that looks like an email address (it stays an externalId)", "\"amy@example.test\"", Verified),
    ]));
    let only_email = p.tok().without("externalId").claim_str("email", "amy@example.test");
    // (name, description, token, verdict)
    let rows = [
        ("email-only", "The canonical token with email instead of externalId: the customer is the email's.", only_email.clone(), Verified),
        ("email-and-external-id", "The canonical token (externalId user-1) plus email amy@example.test: the email takes preference.", p.tok().claim_str("email", "amy@example.test"), Verified),
        ("email-empty", "The canonical token plus an empty email.", p.tok().claim_str("email", ""), Rejected("claim_length")),
        ("email-number", "The canonical token plus email the number 1.", p.tok().claim("email", "1"), TYPE),
        ("email-null-external-id-absent", "A token with email null and no externalId.", p.tok().without("externalId").claim("email", "null"), TYPE),
        ("email-and-external-id-null", "A token with an email and externalId null: a wrong type is refused even where the email would win.", only_email.claim("externalId", "null"), TYPE),
    ];
    for (name, description, tok, want) in rows {
        out.push(p.own(name, description, EMAIL).rule("email").tok(tok).want(want));
    }
    out.push(p.own("neither-id", "The canonical token without externalId and with no email.", ONE_OF).rule("one_of.externalId|email").tok(p.tok().without("externalId")).rejected("missing_one_of"));
    out.push(p.own("binding-external-id", "A client that names user-1 beside the canonical token (externalId user-1).", EMAIL).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-email-wins", "A client that names user-1 beside a token with externalId user-1 and an email: the email names the customer.", EMAIL).features(&["binding"]).claimed("user-1").tok(p.tok().claim_str("email", "amy@example.test")).rejected("identity_mismatch"));
}

#[rustfmt::skip]
fn iat(p: &P, out: &mut Vec<Case>) {
    use Want::{Either, Rejected, Verified};
    const OLD: Want = Rejected("token_too_old");
    out.extend(p.claim_cases("iat", IAT, &[checks::REQUIRED_CLAIMS], claim_rows![("iat-missing", "no iat", "", Rejected("missing_claim"))]));
    out.extend(p.claim_cases("iat", IAT, &[checks::DATE_TYPES], claim_rows![
        ("iat-numeric-string", "iat a string of digits", "\"${now}\"", Rejected("claim_type")),
        ("iat-milliseconds", "iat now in milliseconds", "${now}000", Rejected("date_out_of_range")),
    ]));
    out.extend(p.time_cases("time.iat_max_age", IAT, &[
        ("iat-899-seconds-ago", "iat 899 seconds ago", &[("iat", "${now-899}")], 0, Verified),
        ("iat-901-seconds-ago", "iat 901 seconds ago", &[("iat", "${now-901}")], 0, OLD),
        ("iat-900-and-a-half-seconds-ago", "iat 900.5 seconds ago", &[("iat", "${now-900.5}")], 0, OLD),
        ("iat-one-hour-ago", "iat an hour ago", &[("iat", "${now-3600}")], 0, OLD),
        ("iat-zero", "iat 0, the epoch", &[("iat", "0")], 0, OLD),
        ("iat-old-within-leeway", "iat 930 seconds ago, verified with a 30-second leeway", &[("iat", "${now-930}")], 30, Verified),
        ("iat-old-beyond-leeway", "iat 931 seconds ago, verified with a 30-second leeway", &[("iat", "${now-931}")], 30, OLD),
    ]));
    out.extend(p.time_cases("time.iat_max_age", AGE_900, &[("iat-900-seconds-ago", "iat exactly 900 seconds ago", &[("iat", "${now-900}")], 0, Either)]));
    out.extend(p.time_cases("time.iat_max_future", IAT, &[
        ("iat-one-second-ahead", "iat one second in the future", &[("iat", "${now+1}")], 0, Rejected("issued_in_future")),
        ("iat-one-year-ahead", "iat a year in the future, which no age bound would ever reach", &[("iat", "${now+31536000}")], 0, Rejected("issued_in_future")),
        ("iat-ahead-within-leeway", "iat 30 seconds in the future, verified with a 30-second leeway", &[("iat", "${now+30}")], 30, Verified),
    ]));
    out.extend(p.claim_cases("exp", IAT, &[checks::EXPIRY], claim_rows![
        ("exp-past", "an exp a second ago (no Kustomer rule, but an expired token is expired)", "${now-1}", Rejected("expired")),
        ("exp-ahead", "an exp an hour ahead", "${now+3600}", Verified),
    ]));
}

#[rustfmt::skip]
fn samples(p: &P, out: &mut Vec<Case>) {
    // (name, what, header, payload, verdict)
    let rows = [
        ("seed-web-sample", "The web login sample's token for { id: 'uuid1', email: 'amy@amy.com' }: the customer is amy@amy.com", r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"externalId":"uuid1","email":"amy@amy.com","iat":${now}}"#, Want::Verified),
        ("seed-android-sample", "The Android sample's token, with a numeric externalId", r#"{"typ":"JWT","alg":"HS256"}"#, r#"{"externalId":42,"iat":${now}}"#, Want::Rejected("claim_type")),
        ("seed-ios-readme", "The iOS README's claims with iat the text current_time_utc", r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"externalId":"your_user_id","iat":"current_time_utc"}"#, Want::Rejected("claim_type")),
        ("seed-ios-readme-numeric", "The iOS README's claims with iat a number of seconds", r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"externalId":"your_user_id","iat":${now}}"#, Want::Verified),
        ("seed-sample-without-typ", "The web sample's claims under a header with alg alone, as a library that writes no typ", r#"{"alg":"HS256"}"#, r#"{"externalId":"uuid1","email":"amy@amy.com","iat":${now}}"#, Want::Rejected("header_missing")),
    ];
    for (name, what, header, payload, want) in rows {
        let mut d = p.own(name, &format!("{what}, signed with the configured key."), SAMPLES).features(&["seed-example", "time"]).tok(p.tok().header_text(header).payload_text(payload));
        if payload.contains("current_time_utc") {
            d = d.checks(&[checks::DATE_TYPES]);
        }
        out.push(d.want(want));
    }
    out.push(p.own("external-id-long", "The canonical token with externalId 1,000 characters long (no limit is documented).", EXTERNAL_ID).rule("externalId").tok(p.tok().claim("externalId", quote(&"u".repeat(1000)))).verified());
}

/// The identity a verified Kustomer token names (policy.md §6.13): the customer of the email
/// when there is one (`email:<address>`), else of `externalId`; the email joins the identity.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    let email = string(claims, "email");
    Identity {
        user_id: match &email {
            Some(address) => format!("email:{address}"),
            None => user(claims, "externalId"),
        },
        email,
        ..Identity::default()
    }
}
