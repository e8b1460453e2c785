//! `userjot`: every rule of the UserJot profile at its boundary (`sub`, `iss` the project id,
//! `aud` exactly `userjot`, `iat` and `exp` with `exp − iat` at most an hour, `iat` never in the
//! future), the optional claims the identity trusts, and binding.

use super::draft::{claim_rows, Want, APP_ID, P};
use super::identity::{string, user};
use super::token::quote;
use crate::contract::checks;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};

const SUB: &str = "\"sub: The user's ID in your system. Required.\"; policy.md §6.14 (a non-empty \
string)";
const ISS: &str = "\"iss: Your UserJot project ID. Required.\"; policy.md §6.14 (exactly the \
configured project id)";
const AUD: &str = "\"aud: The exact string userjot. Required.\"; policy.md §6.14 (the string \
itself: an array holding it is not the exact string)";
const LIFETIME: &str = "\"exp: Expiry, in Unix seconds. Required. Maximum 1 hour after iat.\"; \
policy.md §6.9 and §6.14 (exp − iat ≤ 3600; iat ≤ now + leeway)";
const OPTIONAL: &str = "\"You can also include these optional claims: email, firstName, lastName, \
avatar, traits, and companies.\" \"Anything you put in the token is treated as verified.\"; \
policy.md §6.14";
const BINDING: &str = "policy.md §6.6 (identity binding)";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    ids(p, out);
    lifetime(p, out);
    optional(p, out);
}

#[rustfmt::skip]
fn ids(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.push(p.own("canonical", "The canonical UserJot token: sub, iss the project id, aud userjot, iat now, exp 15 minutes on, and an email.", SUB).rule("sub").rule("iss").rule("aud").rule("iat").rule("exp").rule("email").rule("time.max_lifetime").rule("time.iat_max_future").verified());
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-missing", "no sub", "", Rejected("missing_claim")),
        ("sub-empty", "sub the empty string", "\"\"", Rejected("claim_length")),
        ("sub-number", "sub the number 12345", "12345", TYPE),
        ("sub-null", "sub null", "null", TYPE),
        ("sub-database-id", "sub a database id", "\"usr_01HZX3K9\"", Verified),
    ]));
    out.extend(p.claim_cases("iss", ISS, &[checks::ISSUER], claim_rows![
        ("iss-missing", "no iss", "", Rejected("missing_claim")),
        ("iss-other-project", "iss another project's id", "\"other-project\"", Rejected("issuer_mismatch")),
        ("iss-uppercase", "iss the project id in uppercase", quote(&APP_ID.to_uppercase()), Rejected("issuer_mismatch")),
        ("iss-number", "iss a number", "7", TYPE),
        ("iss-project", "iss exactly the configured project id", quote(APP_ID), Verified),
    ]));
    out.extend(p.claim_cases("aud", AUD, &[checks::AUDIENCE], claim_rows![
        ("aud-missing", "no aud", "", Rejected("missing_claim")),
        ("aud-capitalized", "aud UserJot", "\"UserJot\"", Rejected("audience_mismatch")),
        ("aud-trailing-space", "aud \"userjot \"", "\"userjot \"", Rejected("audience_mismatch")),
        ("aud-array", "aud an array holding userjot", "[\"userjot\"]", TYPE),
        ("aud-array-with-other", "aud an array of another audience and userjot", "[\"other\",\"userjot\"]", TYPE),
        ("aud-number", "aud a number", "1", TYPE),
        ("aud-userjot", "aud exactly userjot", "\"userjot\"", Verified),
    ]));
}

#[rustfmt::skip]
fn lifetime(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const LONG: Want = Rejected("lifetime_too_long");
    out.extend(p.time_cases("time.max_lifetime", LIFETIME, &[
        ("lifetime-one-hour", "iat now and exp an hour on: exactly the maximum", &[("exp", "${now+3600}")], 0, Verified),
        ("lifetime-one-hour-and-a-second", "iat now and exp an hour and a second on", &[("exp", "${now+3601}")], 0, LONG),
        ("lifetime-half-second-over", "iat now and exp an hour and half a second on", &[("exp", "${now+3600.5}")], 0, LONG),
        ("lifetime-one-day", "iat now and exp a day on", &[("exp", "${now+86400}")], 0, LONG),
        ("lifetime-from-past-iat", "iat 50 minutes ago and exp 10 minutes on: an hour", &[("iat", "${now-3000}"), ("exp", "${now+600}")], 0, Verified),
        ("lifetime-from-past-iat-over", "iat 50 minutes ago and exp 10 minutes and a second on", &[("iat", "${now-3000}"), ("exp", "${now+601}")], 0, LONG),
        ("lifetime-old-iat", "iat a day ago and exp a minute on", &[("iat", "${now-86400}"), ("exp", "${now+60}")], 0, LONG),
        ("lifetime-not-widened-by-leeway", "iat now and exp an hour and a second on, verified with a 30-second leeway (the lifetime has no clock)", &[("exp", "${now+3601}")], 30, LONG),
    ]));
    out.extend(p.time_cases("time.iat_max_future", LIFETIME, &[
        ("iat-one-second-ahead", "iat one second in the future and exp an hour after it", &[("iat", "${now+1}"), ("exp", "${now+3601}")], 0, Rejected("issued_in_future")),
        ("iat-one-year-ahead", "iat and exp a year in the future, an hour apart (it would never expire in time)", &[("iat", "${now+31536000}"), ("exp", "${now+31539600}")], 0, Rejected("issued_in_future")),
        ("iat-ahead-within-leeway", "iat 30 seconds in the future, verified with a 30-second leeway", &[("iat", "${now+30}")], 30, Verified),
    ]));
    out.extend(p.claim_cases("iat", LIFETIME, &[checks::REQUIRED_CLAIMS], claim_rows![("iat-missing", "no iat", "", Rejected("missing_claim"))]));
    out.extend(p.claim_cases("exp", LIFETIME, &[checks::REQUIRED_CLAIMS], claim_rows![("exp-missing", "no exp", "", Rejected("missing_claim"))]));
    out.extend(p.claim_cases("exp", LIFETIME, &[checks::EXPIRY], claim_rows![
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
    ]));
}

#[rustfmt::skip]
fn optional(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    // (claim, name, what, raw, verdict)
    let rows = [
        ("email", "email-absent", "no email", "", Verified),
        ("email", "email-number", "email a number", "1", TYPE),
        ("firstName", "first-name", "firstName Zoë", "\"Zoë\"", Verified),
        ("firstName", "first-name-null", "firstName null", "null", TYPE),
        ("lastName", "last-name", "lastName Ångström", "\"Ångström\"", Verified),
        ("lastName", "last-name-number", "lastName a number", "7", TYPE),
        ("avatar", "avatar-url", "an avatar URL", "\"https://example.test/a.png\"", Verified),
        ("avatar", "avatar-object", "avatar an object", "{\"url\":\"https://example.test/a.png\"}", TYPE),
        ("traits", "traits-object", "traits {plan: pro, trialing: false}", "{\"plan\":\"pro\",\"trialing\":false}", Verified),
        ("traits", "traits-array", "traits an array", "[\"pro\"]", TYPE),
        ("companies", "companies-objects", "companies an array of one company object", "[{\"id\":\"company_456\",\"name\":\"Acme Inc.\"}]", Verified),
        ("companies", "companies-strings", "companies an array of strings", "[\"company_456\"]", TYPE),
    ];
    for (claim, name, what, raw, want) in rows {
        out.extend(p.claim_cases(claim, OPTIONAL, &[], vec![(name, what.to_owned(), raw.to_owned(), want)]));
    }
    out.push(p.own("binding-same-user", "A client that names user-1 beside a token for user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "A client that names user-2 beside a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));
}

/// The claims UserJot takes into the identity besides `sub` and `email` (policy.md §6.14).
const ATTRIBUTES: [&str; 5] = ["firstName", "lastName", "avatar", "traits", "companies"];

/// The identity a verified UserJot token names (policy.md §6.14): the user id in `sub`, the
/// email and the other optional claims, all trusted.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "sub"),
        email: string(claims, "email"),
        attributes: ATTRIBUTES
            .iter()
            .filter_map(|name| claims.get(*name).map(|v| ((*name).to_owned(), v.clone())))
            .collect(),
        ..Identity::default()
    }
}
