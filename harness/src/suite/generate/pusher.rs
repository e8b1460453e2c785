//! `pusher`: every rule of the Pusher Beams profile at its boundary (`sub` of 1 to 164
//! characters, `iss` built from the instance id, integral `exp`, `iat` never in the future),
//! binding, and the tokens the Beams server SDKs and their tests produce.

use super::draft::{claim_rows, Want, APP_ID, P};
use super::identity::user;
use super::token::quote;
use crate::contract::checks;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const SUB: &str = "\"Missing subject (sub) field in JWT\"; \"JWT subject (sub) must be between \
1-164 characters long\"; \"User ids are limited to 164 unicode characters.\"; policy.md §6.12 \
(counted as Unicode scalar values)";
const ISS: &str =
    "\"Missing issuer (iss) field in JWT\"; \"Invalid JWT issuer.\"; the SDKs' issuer \
https://<instance id>.pushnotifications.pusher.com; policy.md §6.12 (exactly, with the \
configured instance id)";
const EXP: &str =
    "\"Missing expiration (exp) field in JWT\"; \"The token is valid for 24 hours.\"; \
policy.md §6.12 (whole seconds; no longer lifetime is refused: none is documented)";
const IAT: &str = "\"Invalid JWT claims: Token used before issued\" (401); policy.md §6.9 and \
§6.12 (`iat`, when present, is not after now + leeway)";
const BINDING: &str = "\"The Client SDK sends the Beams Token, along with the User Id, to \
Pusher.\"; policy.md §6.6";
const SDKS: &str = "What the Beams server SDKs sign: Node {iat, exp: iat + 86400, iss, sub} under \
{\"alg\":\"HS256\",\"typ\":\"JWT\"}; Ruby {sub, exp, iss} under {\"alg\":\"HS256\"}; PHP and Swift \
under {\"typ\":\"JWT\",\"alg\":\"HS256\"}; Swift 2.x writes iss without https://; the SDK tests' \
instance ids 12345 and INSTANCE_ID and user ids hermione.granger@hogwarts.ac.uk and user-0001";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    sub(p, out);
    iss(p, out);
    dates(p, out);
    others(p, out);
}

#[rustfmt::skip]
fn sub(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const LENGTH: Want = Rejected("claim_length");
    const TYPE: Want = Rejected("claim_type");
    let rep = |unit: &str, n: usize| quote(&unit.repeat(n));
    out.push(p.own("canonical", "The canonical Beams token: sub, iss for the configured instance and exp 24 hours ahead.", SUB).rule("sub").rule("iss").rule("exp").rule("iat").rule("time.iat_max_future").verified());
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-missing", "no sub", "", Rejected("missing_claim")),
        ("sub-empty", "sub the empty string, which the Python and Java SDKs sign", "\"\"", LENGTH),
        ("sub-one-character", "sub a single character", "\"x\"", Verified),
        ("sub-164-ascii", "sub of 164 ASCII characters", rep("a", 164), Verified),
        ("sub-165-ascii", "sub of 165 ASCII characters", rep("a", 165), LENGTH),
        ("sub-164-two-byte", "sub of 164 é (328 UTF-8 bytes)", rep("é", 164), Verified),
        ("sub-165-two-byte", "sub of 165 é", rep("é", 165), LENGTH),
        ("sub-164-four-byte", "sub of 164 emoji (656 UTF-8 bytes, 328 UTF-16 units)", rep("😀", 164), Verified),
        ("sub-combining-166", "sub of 83 × (e + U+0301): 83 graphemes but 166 scalar values", rep("e\u{301}", 83), LENGTH),
        ("sub-number", "sub the number 12345", "12345", TYPE),
        ("sub-null", "sub null", "null", TYPE),
        ("sub-email", "sub an email address, as the Node SDK's test user", "\"hermione.granger@hogwarts.ac.uk\"", Verified),
        ("sub-with-space", "sub \"Al Pacino\", with a space", "\"Al Pacino\"", Verified),
    ]));
}

#[rustfmt::skip]
fn iss(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const MISMATCH: Want = Rejected("issuer_mismatch");
    let url = |text: &str| quote(&text.replace("{id}", APP_ID));
    out.extend(p.claim_cases("iss", ISS, &[checks::ISSUER], claim_rows![
        ("iss-missing", "no iss", "", Rejected("missing_claim")),
        ("iss-instance", "iss the configured instance's issuer", url("https://{id}.pushnotifications.pusher.com"), Verified),
        ("iss-no-scheme", "iss without https://, as the Swift server SDK 2.x writes it", url("{id}.pushnotifications.pusher.com"), MISMATCH),
        ("iss-http", "iss with http:// instead of https://", url("http://{id}.pushnotifications.pusher.com"), MISMATCH),
        ("iss-trailing-slash", "iss with a trailing slash", url("https://{id}.pushnotifications.pusher.com/"), MISMATCH),
        ("iss-trailing-dot", "iss with the host's trailing dot", url("https://{id}.pushnotifications.pusher.com."), MISMATCH),
        ("iss-other-instance", "iss for another instance", quote("https://other-instance.pushnotifications.pusher.com"), MISMATCH),
        ("iss-uppercase-instance", "iss with the instance id in uppercase", quote(&format!("https://{}.pushnotifications.pusher.com", APP_ID.to_uppercase())), MISMATCH),
        ("iss-instance-id-only", "iss the bare instance id", url("{id}"), MISMATCH),
        ("iss-array", "iss an array holding the issuer", format!("[{}]", url("https://{id}.pushnotifications.pusher.com")), Rejected("claim_type")),
    ]));
}

#[rustfmt::skip]
fn dates(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.extend(p.claim_cases("exp", EXP, &[checks::REQUIRED_CLAIMS], claim_rows![("exp-missing", "no exp", "", Rejected("missing_claim"))]));
    out.extend(p.claim_cases("exp", EXP, &[checks::EXPIRY], claim_rows![
        ("exp-one-second-ahead", "exp one second ahead", "${now+1}", Verified),
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-48-hours", "exp 48 hours ahead (twice what the SDKs write; no limit is documented)", "${now+172800}", Verified),
        ("exp-fraction", "exp a day and a half second ahead (not an integer)", "${now+86400.5}", Rejected("not_integral")),
        ("exp-integral-float", "exp a day ahead written with .0", "${now+86400}.0", Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[checks::DATE_TYPES], claim_rows![
        ("exp-numeric-string", "exp a string of digits", "\"${now+86400}\"", Rejected("claim_type")),
    ]));
    out.extend(p.time_cases("time.iat_max_future", IAT, &[
        ("iat-node-sdk", "iat now and exp iat + 86400, as the Node SDK writes them", &[("iat", "${now}")], 0, Verified),
        ("iat-one-hour-ago", "iat an hour ago", &[("iat", "${now-3600}")], 0, Verified),
        ("iat-one-second-ahead", "iat one second in the future", &[("iat", "${now+1}")], 0, Rejected("issued_in_future")),
        ("iat-one-hour-ahead", "iat an hour in the future", &[("iat", "${now+3600}")], 0, Rejected("issued_in_future")),
        ("iat-ahead-within-leeway", "iat 30 seconds in the future, verified with a 30-second leeway", &[("iat", "${now+30}")], 30, Verified),
    ]));
    out.extend(p.claim_cases("iat", IAT, &[checks::DATE_TYPES], claim_rows![
        ("iat-numeric-string", "iat a string of digits", "\"${now}\"", Rejected("claim_type")),
    ]));
}

#[rustfmt::skip]
fn others(p: &P, out: &mut Vec<Case>) {
    out.push(p.own("binding-same-user", "The client SDK sends user id user-1 with a token for user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "The client SDK sends user id user-2 with a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));

    // (name, what, header, payload, app id, verdict)
    let rows = [
        ("seed-node-test", "The Node SDK test's token: instance 12345, user hermione.granger@hogwarts.ac.uk, iat and exp 24 hours on", r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"iat":${now},"exp":${now+86400},"iss":"https://12345.pushnotifications.pusher.com","sub":"hermione.granger@hogwarts.ac.uk"}"#, "12345", Want::Verified),
        ("seed-python-test", "The Python SDK test's claims: instance INSTANCE_ID, user user-0001, no iat", r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"iss":"https://INSTANCE_ID.pushnotifications.pusher.com","sub":"user-0001","exp":${now+86400}}"#, "INSTANCE_ID", Want::Verified),
        ("seed-ruby-header", "The Ruby SDK's token: a header with alg alone", r#"{"alg":"HS256"}"#, r#"{"sub":"user-1","exp":${now+86400},"iss":"https://test-app-id.pushnotifications.pusher.com"}"#, APP_ID, Want::Verified),
        ("seed-php-header", "The PHP SDK's header order {\"typ\":\"JWT\",\"alg\":\"HS256\"}", r#"{"typ":"JWT","alg":"HS256"}"#, r#"{"iss":"https://test-app-id.pushnotifications.pusher.com","sub":"user-1","exp":${now+86400}}"#, APP_ID, Want::Verified),
        ("seed-swift-issuer", "The Swift server SDK 2.x token, whose iss has no https://", r#"{"typ":"JWT","alg":"HS256"}"#, r#"{"sub":"aaa","exp":${now+86400},"iss":"test-app-id.pushnotifications.pusher.com"}"#, APP_ID, Want::Rejected("issuer_mismatch")),
        ("seed-node-test-other-instance", "The Node SDK test's token verified for instance test-app-id instead of 12345", r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"iat":${now},"exp":${now+86400},"iss":"https://12345.pushnotifications.pusher.com","sub":"hermione.granger@hogwarts.ac.uk"}"#, APP_ID, Want::Rejected("issuer_mismatch")),
    ];
    for (name, what, header, payload, app_id, want) in rows {
        let mut d = p.own(name, &format!("{what}, signed with the configured key."), SDKS).features(&["seed-example", "time"]).checks(&[checks::EXPIRY]).app_id(app_id).tok(p.tok().header_text(header).payload_text(payload));
        if want == Want::Rejected("issuer_mismatch") {
            d = d.checks(&[checks::ISSUER]);
        }
        out.push(d.want(want));
    }
}

/// The identity a verified Beams token names (policy.md §6.12): the user id in `sub`.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "sub"),
        ..Identity::default()
    }
}
