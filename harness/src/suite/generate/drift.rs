//! `drift`: every rule of the Drift profile at its boundary (`sub`, `exp`), the bindings that
//! Drift's numeric user ids invite (`drift.identify(userId, …)`), and the seed's example token.

use super::draft::{claim_rows, Want, P};
use super::identity::user;
use super::token::quote;
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

/// The seed's example `userJwt`, signed with a key the document does not give.
pub(super) const SEED_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.22H1g2b8yxmkcEY1Fhku4AhNl-M40P5Sl_B2ktSUdv8";
/// Its header and payload, decoded.
pub(super) const SEED_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;
pub(super) const SEED_PAYLOAD: &str = r#"{"sub":"12345"}"#;

const SUB: &str = "\"The only required payload claim is sub and that needs to be set to userId \
(whatever identifier you were using to identify your site's users in the drift.identify call \
previously).\"; policy.md §6.1: `sub` (string, non-empty)";
const EXP: &str = "\"Optionally you can specify an exp claim to set the expiration time. If you \
include an exp claim in the JWT, be sure to pass a number value representing epoch time in \
seconds such as 1687388697.\"";
const BINDING: &str =
    "\"drift.identify(userId, {}, { userJwt: <your JWT variable> })\"; policy.md \
§6.6 (the token's user id must equal the claimed one exactly)";
const SEED: &str = "\"userJwt\": \"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.\
22H1g2b8yxmkcEY1Fhku4AhNl-M40P5Sl_B2ktSUdv8\"";
/// The HS256 secret jwt.io's debugger used to fill in, and the one it fills in now (both in the
/// public source of jwt.io, github.com/jsonwebtoken/jsonwebtoken.github.io).
const JWT_IO_FORMER_DEFAULT: &str = "your-256-bit-secret";
const JWT_IO_DEFAULT: &str = "a-string-secret-at-least-256-bits-long";
const PUBLIC_SECRET: &str =
    "policy.md §4.1 (the key is the configured secret, whatever it is) and \
§4.3 (under 32 bytes: either); a verifier cannot tell a public secret from a private one, so the \
verdict follows the key and `idjwt verify` reports the secret as publicly known (docs/cli.md)";
const ALG: &str = "policy.md §6.1 (Drift: HS256); the Drift document's example header is \
{\"typ\":\"JWT\",\"alg\":\"HS256\"}";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    sub(p, out);
    exp(p, out);
    others(p, out);
}

#[rustfmt::skip]
fn sub(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(p.own("canonical", "The canonical Drift token: sub user-1 and exp an hour ahead.", SUB).rule("sub").rule("exp").verified());
    out.push(p.own("sub-missing", "The canonical token without sub.", SUB).rule("sub").checks(&[checks::REQUIRED_CLAIMS]).tok(p.tok().without("sub")).rejected("missing_claim"));
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-empty", "sub the empty string", "\"\"", Rejected("claim_length")),
        ("sub-one-character", "sub a single character", "\"x\"", Verified),
        ("sub-single-space", "sub a single space (non-empty)", "\" \"", Verified),
        ("sub-number", "sub the number 12345", "12345", Rejected("claim_type")),
        ("sub-null", "sub null", "null", Rejected("claim_type")),
        ("sub-array", "sub an array holding the user id", "[\"user-1\"]", Rejected("claim_type")),
        ("sub-object", "sub an object holding the user id", "{\"id\":\"user-1\"}", Rejected("claim_type")),
        ("sub-numeric-string", "sub the digits \"12345\", as the seed's example", "\"12345\"", Verified),
        ("sub-unicode", "sub with non-ASCII characters", "\"usér-😀\"", Verified),
        ("sub-long", "sub 1,000 characters long", quote(&"u".repeat(1000)), Verified),
        ("sub-email-like", "sub an email address, as some sites identify users", "\"user@example.test\"", Verified),
    ]));
    out.push(p.own("extra-claims-ignored", "The canonical claims plus name and email, which Drift's identity does not take.", SUB).rule("sub").tok(p.tok().claim_str("name", "Example User").claim_str("email", "user@example.test")).verified());
}

#[rustfmt::skip]
fn exp(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    // (name, what, raw text or "" for absent, verdict, the check it names)
    let rows: Vec<(&str, &str, &str, Want, &str)> = vec![
        ("exp-absent", "without exp (it is optional)", "", Verified, ""),
        ("exp-one-second-ahead", "with exp one second ahead", "${now+1}", Verified, checks::EXPIRY),
        ("exp-equals-now", "with exp equal to now", "${now}", Rejected("expired"), checks::EXPIRY),
        ("exp-seed-value", "with exp 1687388697, the seed's example value (June 2023, before now)", "1687388697", Rejected("expired"), checks::EXPIRY),
        ("exp-fraction", "with exp a fraction of a second past an hour ahead (Drift does not require integers)", "${now+3600.5}", Verified, checks::EXPIRY),
        ("exp-numeric-string", "with exp a string of digits instead of a number", "\"${now+3600}\"", Rejected("claim_type"), checks::DATE_TYPES),
        ("exp-null", "with exp null", "null", Rejected("claim_type"), checks::DATE_TYPES),
        ("exp-milliseconds", "with exp an hour ahead in milliseconds instead of seconds", "${now+3600}000", Rejected("date_out_of_range"), checks::DATE_TYPES),
    ];
    for (name, what, raw, want, check) in rows {
        let tok = match raw {
            "" => p.tok().without("exp"),
            raw => p.tok().claim("exp", raw),
        };
        let mut d = p.own(name, &format!("The canonical token {what}."), EXP).rule("exp").tok(tok);
        if !check.is_empty() {
            d = d.checks(&[check]);
        }
        if check == checks::EXPIRY {
            d = d.features(&["time"]);
        }
        out.push(d.want(want));
    }
    // The seed's example exp, verified a little before it passes.
    out.push(p.own("exp-seed-value-before-expiry", "A token with exp 1687388697 (the seed's example) verified 697 seconds before it.", EXP).rule("exp").features(&["seed-example", "time"]).checks(&[checks::EXPIRY]).now(1_687_388_000).tok(p.tok().claim("exp", "${now+697}")).verified());
    out.push(p.own("iat-and-nbf", "The canonical claims plus iat and nbf at now.", EXP).features(&["time"]).checks(&[checks::NOT_BEFORE]).tok(p.tok().claim("iat", "${now}").claim("nbf", "${now}")).verified());
}

/// The seed's example, and the bindings of numeric user ids (the seed identifies user 12345).
#[rustfmt::skip]
fn others(p: &P, out: &mut Vec<Case>) {
    let numeric = p.tok().claim_str("sub", "12345");
    out.push(p.own("binding-leading-zero", "The client calls drift.identify with 012345 while the token names 12345.", BINDING).features(&["binding"]).claimed("012345").tok(numeric.clone()).rejected("identity_mismatch"));
    out.push(p.own("binding-numeric-id", "The client calls drift.identify with 12345, as the seed's drift.identify does, with the token's sub \"12345\".", BINDING).features(&["binding"]).claimed("12345").tok(numeric).verified());
    out.push(p.own("seed-example-token", "The seed's example userJwt verbatim; it decodes to {\"typ\":\"JWT\",\"alg\":\"HS256\"} and {\"sub\":\"12345\"}, but its signature is by a key we do not have.", SEED).features(&["seed-example"]).raw(SEED_TOKEN).rejected("bad_signature"));
    let resigned = p.tok().header_text(SEED_HEADER).payload_text(SEED_PAYLOAD);
    out.push(p.own("seed-example-resigned", "The seed example's exact header and payload texts signed with the configured key.", SEED).features(&["seed-example"]).rule("sub").tok(resigned.clone()).verified());
    out.push(p.own("seed-example-resigned-identify", "The seed example re-signed, with the client calling drift.identify(\"12345\").", BINDING).features(&["seed-example", "binding"]).claimed("12345").tok(resigned).verified());
    // The seed's token was made with jwt.io's former default secret: configured with it, a
    // verifier has nothing to refuse; naming the secret as public is `idjwt verify`'s job.
    let jwt_io = Key::hmac(JWT_IO_FORMER_DEFAULT.as_bytes().to_vec(), Some("jwt-io-former-default".into()));
    let seed = p.tok().key(jwt_io.clone()).header_text(SEED_HEADER).payload_text(SEED_PAYLOAD);
    assert_eq!(seed.at(0), SEED_TOKEN, "the seed token is HS256 under jwt.io's former default");
    out.push(p.own("seed-example-public-secret", "The seed's example userJwt verbatim, with jwt.io's former default secret your-256-bit-secret configured: the token verifies under it, and a 19-byte secret is short.", PUBLIC_SECRET).features(&["seed-example", "known-secret", "short-key"]).keys(&[jwt_io]).tok(seed).either());
    let current = Key::hmac(JWT_IO_DEFAULT.as_bytes().to_vec(), Some("jwt-io-default".into()));
    out.push(p.own("public-secret-signed", "The seed example's claims signed with jwt.io's current default secret a-string-secret-at-least-256-bits-long (38 bytes), which is configured.", PUBLIC_SECRET).features(&["seed-example", "known-secret"]).keys(std::slice::from_ref(&current)).tok(p.tok().key(current).header_text(SEED_HEADER).payload_text(SEED_PAYLOAD)).verified());
    out.push(p.own("typ-jwt-header", "The canonical claims under the seed's header order {\"typ\":\"JWT\",\"alg\":\"HS256\"}.", ALG).tok(p.tok().header_text(SEED_HEADER)).verified());
}

/// The identity a verified Drift token names (policy.md §6): "sub ... needs to be set to userId",
/// the user id and nothing else.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "sub"),
        ..Identity::default()
    }
}
