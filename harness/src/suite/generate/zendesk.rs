//! `zendesk`: every rule of the Zendesk profile at its boundary (header `typ` and `kid`,
//! `scope`, `external_id`, `exp`, `name`, `email`, `email_verified`), identity binding, key
//! rotation by `kid`, and the seed's example header, payload and code snippets.

use super::draft::{claim_rows, Want, P};
use super::identity::{string, user};
use super::token::{quote, Tok};
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const TYP: &str = "\"typ: (required) The token type. In this case, JWT.\"";
const TYP_CASE: &str = "policy.md §3.10 (`typ` compares case-insensitively, RFC 7515 §4.1.9: \
`jwt` where `JWT` is required is either)";
const KID: &str = "\"kid: (required) The key id of the API key used to sign it.\"";
const SCOPE: &str = "\"scope: (required) The caller’s scope of access. Note: Only lowercase value \
user is supported for scope.\"";
const EXTERNAL_ID: &str = "\"external_id: (required, 255 characters maximum)\"; policy.md §6.5 \
(1 to 255 characters, counted as Unicode scalar values, not bytes)";
const EXP: &str = "\"exp: (optional) Integer value of the expiry timestamp, in seconds.\"; \
docs/decisions.md: integral is a property of the value";
const NAME: &str = "\"name: (optional) The full name of this user.\"; policy.md §6.5: `name` \
optional string";
const EMAIL: &str = "\"email: (optional) Email of the user being signed in\"; policy.md §6.5: \
`email` optional string";
const EMAIL_VERIFIED: &str = "\"If the email_verified claim is not set to true, the email address \
in the JWT will be ignored\"; policy.md §6.5 (the email is kept only when `email_verified` is the \
boolean `true`; otherwise the token is accepted and the email dropped)";
const SEED: &str =
    "The Zendesk document's example header {\"alg\": \"HS256\", \"typ\": \"JWT\", \"kid\": \
\"app_5963ceb97cde542d000dbdb1\"} and payload {\"external_id\": \"12345678\", \"email\": …, \
\"email_verified\": true, \"exp\": 1639608035, \"name\": \"Jane Soap\", \"scope\": \"user\"}";
const SNIPPET: &str = "\"var payload = { name: '#{customerName}', email: '#{customerEmail}', \
email_verified: true, exp: #{timestamp}, external_id: '#{customerIdentifier}' }; var token = \
jwt.sign(payload, '#{yourSecret}');\" — no scope and no kid";
const SNIPPETS: &str =
    "\"jwt.sign({ scope: 'user', external_id: '12345678' }, SECRET, { header: { \
kid: KEY_ID } })\"; \"jwt.encode({'scope': 'user', 'external_id': '12345678'}, SECRET, \
algorithm='HS256', headers={'kid': KEY_ID})\"; \"JWT.encode payload, SECRET, 'HS256', jwtHeader\"";

/// The seed's example key id.
const SEED_KID: &str = "app_5963ceb97cde542d000dbdb1";
/// Its example time: 35 seconds before the example's exp.
const SEED_NOW: i64 = 1_639_608_000;

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    header(p, out);
    scope(p, out);
    external_id(p, out);
    optional(p, out);
    seed(p, out);
}

#[rustfmt::skip]
fn header(p: &P, out: &mut Vec<Case>) {
    use Want::{Either, Rejected, Verified};
    out.push(p.own("canonical", "The canonical Zendesk token: typ JWT, kid, scope user, external_id, exp, name, email and email_verified true.", SCOPE).rule("header.typ").rule("header.kid").rule("scope").rule("external_id").rule("exp").rule("name").rule("email").rule("email_verified").verified());
    out.extend(p.header_cases("typ", TYP, &[
        ("typ-missing", "no typ", None, Rejected("header_missing")),
        ("typ-jws", "typ JWS", Some("\"JWS\""), Rejected("header_value")),
        ("typ-trailing-space", "typ \"JWT \"", Some("\"JWT \""), Rejected("header_value")),
        ("typ-number", "typ a number", Some("1"), Rejected("header_member_type")),
        ("typ-null", "typ null", Some("null"), Rejected("header_member_type")),
    ]));
    out.extend(p.header_cases("typ", TYP_CASE, &[
        ("typ-lowercase", "typ jwt in lowercase", Some("\"jwt\""), Either),
        ("typ-mixed-case", "typ Jwt", Some("\"Jwt\""), Either),
    ]));
    out.extend(p.header_cases("typ", TYP, &[("typ-jwt", "typ exactly JWT", Some("\"JWT\""), Verified)]));
    out.extend(p.header_cases("kid", KID, &[
        ("kid-missing", "no kid", None, Rejected("header_missing")),
        ("kid-unknown", "a kid nobody configured", Some("\"app_unknown\""), Rejected("unknown_kid")),
        ("kid-seed-example", "the seed's example kid, which is not configured here", Some("\"app_5963ceb97cde542d000dbdb1\""), Rejected("unknown_kid")),
        ("kid-empty", "an empty kid", Some("\"\""), Rejected("unknown_kid")),
        ("kid-uppercase", "the configured kid in uppercase", Some("\"ZENDESK-KEY-1\""), Rejected("unknown_kid")),
        ("kid-number", "a numeric kid", Some("1"), Rejected("header_member_type")),
        ("kid-configured", "the configured key's kid", Some("\"zendesk-key-1\""), Verified),
    ]));
}

#[rustfmt::skip]
fn scope(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const VALUE: Want = Rejected("claim_value");
    out.extend(p.claim_cases("scope", SCOPE, &[], claim_rows![
        ("scope-user", "scope exactly user", "\"user\"", Verified),
        ("scope-capitalized", "scope User", "\"User\"", VALUE),
        ("scope-uppercase", "scope USER", "\"USER\"", VALUE),
        ("scope-trailing-space", "scope \"user \"", "\"user \"", VALUE),
        ("scope-leading-space", "scope \" user\"", "\" user\"", VALUE),
        ("scope-plural", "scope users", "\"users\"", VALUE),
        ("scope-admin", "scope admin", "\"admin\"", VALUE),
        ("scope-empty", "scope the empty string", "\"\"", VALUE),
        ("scope-array", "scope an array holding user", "[\"user\"]", Rejected("claim_type")),
        ("scope-null", "scope null", "null", Rejected("claim_type")),
        ("scope-missing", "no scope", "", Rejected("missing_claim")),
    ]));
}

#[rustfmt::skip]
fn external_id(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const LENGTH: Want = Rejected("claim_length");
    let rep = |unit: &str, n: usize| quote(&unit.repeat(n));
    out.extend(p.claim_cases("external_id", EXTERNAL_ID, &[], claim_rows![
        ("external-id-255-ascii", "external_id of 255 ASCII characters", rep("a", 255), Verified),
        ("external-id-256-ascii", "external_id of 256 ASCII characters", rep("a", 256), LENGTH),
        ("external-id-255-two-byte", "external_id of 255 é (510 UTF-8 bytes)", rep("é", 255), Verified),
        ("external-id-256-two-byte", "external_id of 256 é", rep("é", 256), LENGTH),
        ("external-id-255-four-byte", "external_id of 255 emoji (1,020 UTF-8 bytes, 510 UTF-16 units)", rep("😀", 255), Verified),
        ("external-id-256-four-byte", "external_id of 256 emoji", rep("😀", 256), LENGTH),
        ("external-id-254-ascii-plus-emoji", "external_id of 254 ASCII characters and one emoji: 255 characters", quote(&format!("{}😀", "a".repeat(254))), Verified),
        ("external-id-combining-256", "external_id of 128 × (e + U+0301): 128 graphemes but 256 scalar values", rep("e\u{301}", 128), LENGTH),
        ("external-id-one-character", "external_id a single character", "\"x\"", Verified),
        ("external-id-empty", "external_id the empty string", "\"\"", Rejected("claim_length")),
        ("external-id-number", "external_id the number 12345678", "12345678", Rejected("claim_type")),
        ("external-id-null", "external_id null", "null", Rejected("claim_type")),
        ("external-id-missing", "no external_id", "", Rejected("missing_claim")),
        ("external-id-guid", "external_id a GUID, as the seed suggests", "\"6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\"", Verified),
    ]));
}

#[rustfmt::skip]
fn optional(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.extend(p.claim_cases("exp", EXP, &[], claim_rows![("exp-absent", "no exp (optional)", "", Verified)]));
    out.extend(p.claim_cases("exp", EXP, &[checks::EXPIRY], claim_rows![
        ("exp-one-minute-ahead", "exp a minute ahead", "${now+60}", Verified),
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-fraction", "exp a minute and a half second ahead (not an integer)", "${now+60.5}", Rejected("not_integral")),
        ("exp-integral-float", "exp a minute ahead written with .0 (an integral value)", "${now+60}.0", Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[], claim_rows![("exp-exponent", "exp 1e10, an integral value in exponent form", "1e10", Verified)]));
    out.extend(p.claim_cases("name", NAME, &[], claim_rows![
        ("name-absent", "no name", "", Verified),
        ("name-unicode", "a non-ASCII name", "\"Zoë Ångström\"", Verified),
        ("name-number", "name a number", "7", Rejected("claim_type")),
        ("name-null", "name null", "null", Rejected("claim_type")),
    ]));
    out.extend(p.claim_cases("email", EMAIL, &[], claim_rows![
        ("email-absent", "no email (email_verified still true)", "", Verified),
        ("email-boolean", "email the boolean false", "false", Rejected("claim_type")),
        ("email-array", "email an array of one address", "[\"user@example.test\"]", Rejected("claim_type")),
    ]));
    out.extend(p.claim_cases("email_verified", EMAIL_VERIFIED, &[], claim_rows![
        ("email-verified-true", "email_verified true: the email is kept", "true", Verified),
        ("email-verified-absent", "no email_verified: the email is dropped", "", Verified),
        ("email-verified-false", "email_verified false: the email is dropped", "false", Verified),
        ("email-verified-string-true", "email_verified the string \"true\": the email is dropped", "\"true\"", Verified),
        ("email-verified-number-one", "email_verified 1: the email is dropped", "1", Verified),
        ("email-verified-null", "email_verified null: the email is dropped", "null", Verified),
    ]));
    // Two parsers reading the trust flag differently would disagree on whether the email is
    // trusted: a duplicate is refused outright.
    let open = p.claims().text();
    let open = open.strip_suffix('}').expect("object");
    out.push(p.own("email-verified-duplicate", "The canonical claims (email_verified true) followed by email_verified false again.", "policy.md §2.4 (duplicate member names are refused at any depth)").rule("email_verified").checks(&[checks::DUPLICATE_MEMBERS]).features(&["differential"]).tok(p.tok().payload_text(format!("{open},\"email_verified\":false}}"))).rejected("duplicate_member"));
}

/// A token signed with the key whose kid is `kid`, from exact header and payload texts.
fn texts(kid_key: &Key, header: &str, payload: &str) -> Tok {
    let p = P::get("zendesk");
    p.tok_by(kid_key.clone())
        .header_text(header)
        .payload_text(payload)
}

#[rustfmt::skip]
fn seed(p: &P, out: &mut Vec<Case>) {
    let seed_key = Key::test_hmac(SEED_KID);
    // The seed's texts verbatim (spacing included); the document's email is redacted, so a
    // reserved-domain address stands in, and exp is written relative to the example's time.
    let header =
        r#"{    "alg": "HS256",    "typ": "JWT",    "kid": "app_5963ceb97cde542d000dbdb1"}"#;
    let payload = r#"{      "external_id": "12345678",    "email": "jane.soap@example.test",    "email_verified": true,    "exp": ${now+35},     "name": "Jane Soap",    "scope": "user"}"#;
    out.push(p.own("seed-example", "The seed's example header and payload, signed with a key whose kid is the example's, verified 35 seconds before its exp.", SEED).features(&["seed-example", "time"]).rule("header.typ").rule("header.kid").rule("email_verified").checks(&[checks::EXPIRY, checks::KID]).keys(std::slice::from_ref(&seed_key)).now(SEED_NOW).tok(texts(&seed_key, header, payload)).verified());
    out.push(p.own("seed-example-at-exp", "The seed's example header and payload verified at its exp, 1639608035.", SEED).features(&["seed-example", "time"]).rule("exp").checks(&[checks::EXPIRY]).keys(std::slice::from_ref(&seed_key)).now(SEED_NOW + 35).tok(texts(&seed_key, header, &payload.replace("${now+35}", "${now}"))).rejected("expired"));

    let key = p.key(1);
    let js_claims = r#"{"name":"Customer Name","email":"customer@example.test","email_verified":true,"exp":${now+600},"external_id":"customer-1"}"#;
    let rows: Vec<(&str, &str, &str, String, &str, Want)> = vec![
        ("seed-js-snippet", "The JavaScript snippet's token: jwt.sign(payload, secret) writes {\"alg\":\"HS256\",\"typ\":\"JWT\"}; the payload has neither scope nor kid.", r#"{"alg":"HS256","typ":"JWT"}"#, js_claims.to_owned(), SNIPPET, Want::Rejected("missing_claim")),
        ("seed-js-snippet-with-kid", "The JavaScript snippet's payload (no scope) under a header that does carry the kid.", r#"{"alg":"HS256","typ":"JWT","kid":"zendesk-key-1"}"#, js_claims.to_owned(), SNIPPET, Want::Rejected("missing_claim")),
        ("seed-js-snippet-with-scope", "The JavaScript snippet's payload with scope user added, still under a header without kid.", r#"{"alg":"HS256","typ":"JWT"}"#, js_claims.replacen('{', r#"{"scope":"user","#, 1), SNIPPET, Want::Rejected("header_missing")),
        ("seed-node-snippet", "The Node snippet's token: jwt.sign({ scope: 'user', external_id: '12345678' }, SECRET, { header: { kid: KEY_ID } }), with the iat jsonwebtoken adds.", r#"{"alg":"HS256","typ":"JWT","kid":"zendesk-key-1"}"#, r#"{"scope":"user","external_id":"12345678","iat":${now}}"#.to_owned(), SNIPPETS, Want::Verified),
        ("seed-python-snippet", "The Python snippet's token: jwt.encode({'scope': 'user', 'external_id': '12345678'}, SECRET, algorithm='HS256', headers={'kid': KEY_ID}).", r#"{"alg":"HS256","kid":"zendesk-key-1","typ":"JWT"}"#, r#"{"scope":"user","external_id":"12345678"}"#.to_owned(), SNIPPETS, Want::Verified),
        ("seed-snippet-header-without-typ", "The Ruby snippet's payload under a header naming only kid and alg, as a library that adds no typ writes it.", r#"{"kid":"zendesk-key-1","alg":"HS256"}"#, r#"{"scope":"user","external_id":"12345678"}"#.to_owned(), SNIPPETS, Want::Rejected("header_missing")),
    ];
    for (name, description, header, payload, basis, want) in rows {
        let mut d = p.own(name, description, basis)
            .features(&["seed-example"])
            .tok(texts(&key, header, &payload));
        if payload.contains("${now") {
            d = d.features(&["time"]);
        }
        if want == Want::Rejected("missing_claim") {
            d = d.checks(&[checks::REQUIRED_CLAIMS]);
        }
        out.push(d.want(want));
    }
}

/// The identity a verified Zendesk token names (policy.md §6): user id = `external_id`; `name`;
/// `email` only when `email_verified` is the JSON boolean true.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    let verified = claims.get("email_verified") == Some(&Value::Bool(true));
    Identity {
        user_id: user(claims, "external_id"),
        name: string(claims, "name"),
        email: string(claims, "email").filter(|_| verified),
        ..Identity::default()
    }
}
