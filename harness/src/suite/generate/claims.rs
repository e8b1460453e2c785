//! `claims`: registered claims (policy.md §5) for every provider: `exp`/`nbf`/`iat` boundaries,
//! leeway, number spellings, wrong types and ranges; wrong types for `iss`/`sub`/`aud`/`jti`;
//! issuer spellings; duplicate claims; claims sets that are not objects.
//!
//! Every token is minted, and every time value relative to `now` is a placeholder, so the cases
//! keep their meaning when re-minted at another time.

use super::draft::{Draft, Want, LEEWAY, P, USER};
use super::token::Tok;
use crate::contract::checks;
use crate::suite::case::{Case, VectorFile};

const NS: &str = "claims";

const EXP: &str = "policy.md §5.4 (expired once now ≥ exp + leeway, so exp == now is expired); \
RFC 7519 §4.1.4";
const NBF: &str = "policy.md §5.5 (not yet valid while now + leeway < nbf, so nbf == now is \
valid); RFC 7519 §4.1.5";
const IAT: &str = "policy.md §5.6 (only the type of `iat` is checked; a future `iat` passes, \
RFC 7519 erratum 7720, and is linted)";
const DATE_TYPE: &str = "policy.md §5.1 (`exp`, `nbf` and `iat` are JSON numbers; any other type \
is refused with a type reason and never read as an absent claim); CVE-2026-25537";
const DATE_RANGE: &str = "policy.md §5.2 (finite, from 0 to 253402300799) and §5.7 (an `exp` in \
milliseconds falls after year 9999 and is refused)";
const FRACTION: &str = "policy.md §5.3 (RFC 7519 allows fractions; a profile may forbid them); \
policy.md §6.5 (Zendesk: an optional, integral `exp`)";
const EXPONENT: &str = "RFC 8259 §6: `1e10` is a JSON number like any other; RFC 7519 §2: a \
NumericDate is a JSON numeric value";
const STRINGS: &str = "policy.md §5.8 (`iss`, `sub` and `jti` are strings; `aud` is a string or \
a non-empty array of strings)";
const ISSUER: &str = "policy.md §5.9 (a fixed issuer is matched exactly: case-sensitive, \
untrimmed)";
const AUDIENCE: &str = "policy.md §5.10 (a configured audience is matched exactly, \
case-sensitive and untrimmed: `aud` is that string or an array containing it); RFC 7519 §4.1.3";
const AUD_NONE: &str = "policy.md §5.11 (an `aud` where the profile expects none: either)";
const UNKNOWN: &str = "policy.md §5.12 (claims the policy does not name are passed through)";
const DUPLICATES: &str = "policy.md §2.4 (duplicate member names are refused at any depth); \
taxonomy.md §4.6 (duplicate claims whose values disagree, in either order)";
const NOT_OBJECT: &str = "RFC 7519 §7.2 step 10 and policy.md §2.1: the claims set must be a JSON \
object; CVE-2026-107723 (GHSA-5hjw-83fp-phq9: fast-jwt before 6.3.0 took a validly signed array \
payload and skipped every claim check)";
const POSITIONAL: &str = "RFC 7519 §7.2 step 10 and policy.md §2.1 (the claims set is an object); \
a derived deserializer that reads a JSON array in field order (serde's sequence form) would take \
this array as claims";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        exp(&p, &mut cases);
        nbf_iat(&p, &mut cases);
        strings(&p, &mut cases);
        duplicates(&p, &mut cases);
        not_objects(&p, &mut cases);
    }
    super::draft::file(
        NS,
        "Registered claims: exp/nbf/iat boundaries and leeway, fractions and exponents, wrong \
         types and out-of-range dates; iss/sub/aud/jti types; issuer spellings; duplicate claims; \
         claims sets that are not objects.",
        cases,
    )
}

/// One row of a claim table: the claim's raw JSON text and what policy.md says of it.
struct Row {
    name: &'static str,
    raw: String,
    description: String,
    basis: &'static str,
    want: Want,
    leeway: u64,
}

fn row(
    name: &'static str,
    raw: impl Into<String>,
    description: impl Into<String>,
    basis: &'static str,
    want: Want,
) -> Row {
    Row {
        name,
        raw: raw.into(),
        description: description.into(),
        basis,
        want,
        leeway: 0,
    }
}

impl Row {
    fn leeway(mut self) -> Row {
        self.leeway = LEEWAY;
        self
    }
}

/// Pushes one case per row, `claim` set to the row's raw text.
fn push_rows(
    p: &P,
    claim: &str,
    rows: Vec<Row>,
    tag: impl Fn(&Row, Draft) -> Draft,
    out: &mut Vec<Case>,
) {
    for r in rows {
        let mut d = p
            .case(NS, r.name, &r.description, r.basis)
            .tok(p.tok().claim(claim, r.raw.clone()))
            .leeway(r.leeway);
        if r.leeway > 0 {
            d = d.features(&["leeway"]);
        }
        d = tag(&r, d);
        out.push(d.want(r.want));
    }
}

/// The checks a date row exercises: the clock check for time rows, `date_types` otherwise.
fn date_tag(clock: &'static str) -> impl Fn(&Row, Draft) -> Draft {
    move |r: &Row, d: Draft| {
        if r.basis == DATE_TYPE || r.basis == DATE_RANGE {
            d.checks(&[checks::DATE_TYPES])
        } else {
            d.checks(&[clock]).features(&["time"])
        }
    }
}

#[rustfmt::skip]
fn exp(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const EXPIRED: Want = Rejected("expired");
    // Where the profile wants exp integral (Zendesk, Stream, Pusher), a fraction that survives
    // the clock check is refused by the profile.
    let fraction = if p.profile.claim("exp").is_some_and(|r| r.shape.integral) {
        Rejected("not_integral")
    } else {
        Verified
    };
    let rows = vec![
        row("exp-equals-now", "${now}", "exp equal to now, no leeway.", EXP, EXPIRED),
        row("exp-one-second-ahead", "${now+1}", "exp one second after now.", EXP, Verified),
        row("exp-one-second-ago", "${now-1}", "exp one second before now.", EXP, EXPIRED),
        row("exp-zero", "0", "exp 0, the epoch: a valid date long past.", EXP, EXPIRED),
        row("exp-within-leeway", "${now-29}", "exp 29 seconds ago with a leeway of 30.", EXP, Verified).leeway(),
        row("exp-at-leeway-boundary", "${now-30}", "exp 30 seconds ago with a leeway of 30: now = exp + leeway.", EXP, EXPIRED).leeway(),
        row("exp-beyond-leeway", "${now-31}", "exp 31 seconds ago with a leeway of 30.", EXP, EXPIRED).leeway(),
        row("exp-leeway-covers-now", "${now}", "exp equal to now with a leeway of 30.", EXP, Verified).leeway(),
        row("exp-half-second-ahead", "${now+0.5}", "exp half a second after now (a fraction).", FRACTION, fraction),
        row("exp-half-second-ago", "${now-0.5}", "exp half a second before now (a fraction).", EXP, EXPIRED),
        row("exp-fraction-far-ahead", "${now+3600.25}", "exp an hour and a quarter second after now (a fraction).", FRACTION, fraction),
        row("exp-exponent-far-future", "1e10", "exp written 1e10 (year 2286) in exponent form.", EXPONENT, Verified),
        row("exp-exponent-uppercase", "1E+10", "exp written 1E+10 (year 2286) with an uppercase exponent and sign.", EXPONENT, Verified),
        row("exp-exponent-fraction-form", "1.7e9", "exp written 1.7e9: a valid date in range, and equal to the pinned now.", EXP, EXPIRED),
        row("exp-max-date", "253402300799", "exp 253402300799, the last second of year 9999.", DATE_RANGE, Verified),
        row("exp-beyond-max-date", "253402300800", "exp 253402300800, the first second of year 10000.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-negative", "-1", "exp −1.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-1e30", "1e30", "exp 1e30.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-1e300", "1e300", "exp 1e300.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-i64-max", "9223372036854775807", "exp 2^63 − 1, the largest signed 64-bit integer: an integer every typed decoder reads, far beyond year 9999.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-2-pow-63", "9223372036854775808", "exp 2^63, one past the largest signed 64-bit integer.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-2-pow-64", "18446744073709551616", "exp 2^64, one past the largest unsigned 64-bit integer.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-u64-max", "18446744073709551615", "exp 2^64 − 1.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-milliseconds", "1767225600000", "exp 1767225600000: 2026-01-01 in milliseconds instead of seconds.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-milliseconds-relative", "${now+3600}000", "exp an hour ahead written in milliseconds.", DATE_RANGE, Rejected("date_out_of_range")),
        row("exp-numeric-string", "\"${now+3600}\"", "exp an hour ahead, as a string of digits.", DATE_TYPE, Rejected("claim_type")),
        row("exp-string-99999999999", "\"99999999999\"", "exp the string \"99999999999\".", DATE_TYPE, Rejected("claim_type")),
        row("exp-empty-string", "\"\"", "exp the empty string.", DATE_TYPE, Rejected("claim_type")),
        row("exp-true", "true", "exp the boolean true.", DATE_TYPE, Rejected("claim_type")),
        row("exp-false", "false", "exp the boolean false.", DATE_TYPE, Rejected("claim_type")),
        row("exp-null", "null", "exp null.", DATE_TYPE, Rejected("claim_type")),
        row("exp-array", "[${now+3600}]", "exp an array holding an hour-ahead date.", DATE_TYPE, Rejected("claim_type")),
        row("exp-object", "{\"value\":${now+3600}}", "exp an object holding an hour-ahead date.", DATE_TYPE, Rejected("claim_type")),
    ];
    push_rows(p, "exp", rows, date_tag(checks::EXPIRY), out);
}

#[rustfmt::skip]
fn nbf_iat(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const EARLY: Want = Rejected("not_yet_valid");
    let nbf = vec![
        row("nbf-equals-now", "${now}", "nbf equal to now.", NBF, Verified),
        row("nbf-one-second-ahead", "${now+1}", "nbf one second after now.", NBF, EARLY),
        row("nbf-one-second-ago", "${now-1}", "nbf one second before now.", NBF, Verified),
        row("nbf-half-second-ahead", "${now+0.5}", "nbf half a second after now (a fraction).", NBF, EARLY),
        row("nbf-half-second-ago", "${now-0.5}", "nbf half a second before now (a fraction).", NBF, Verified),
        row("nbf-within-leeway", "${now+30}", "nbf 30 seconds ahead with a leeway of 30: now + leeway = nbf.", NBF, Verified).leeway(),
        row("nbf-beyond-leeway", "${now+31}", "nbf 31 seconds ahead with a leeway of 30.", NBF, EARLY).leeway(),
        row("nbf-exponent-past", "1.6e9", "nbf written 1.6e9 (2020) in exponent form.", EXPONENT, Verified),
        row("nbf-zero", "0", "nbf 0, the epoch.", NBF, Verified),
        row("nbf-numeric-string", "\"${now-60}\"", "nbf a minute ago, as a string of digits.", DATE_TYPE, Rejected("claim_type")),
        row("nbf-null", "null", "nbf null.", DATE_TYPE, Rejected("claim_type")),
        row("nbf-boolean", "false", "nbf the boolean false.", DATE_TYPE, Rejected("claim_type")),
        row("nbf-negative", "-1", "nbf −1.", DATE_RANGE, Rejected("date_out_of_range")),
        row("nbf-milliseconds", "${now-60}000", "nbf a minute ago written in milliseconds.", DATE_RANGE, Rejected("date_out_of_range")),
    ];
    push_rows(p, "nbf", nbf, date_tag(checks::NOT_BEFORE), out);

    let iat = vec![
        row("iat-equals-now", "${now}", "iat equal to now.", IAT, Verified),
        row("iat-one-day-ahead", "${now+86400}", "iat a day in the future.", IAT, Verified),
        row("iat-fraction", "${now-0.25}", "iat a quarter second ago (a fraction).", IAT, Verified),
        row("iat-exponent", "1.7e9", "iat written 1.7e9 in exponent form.", IAT, Verified),
        row("iat-numeric-string", "\"${now}\"", "iat now, as a string of digits.", DATE_TYPE, Rejected("claim_type")),
        row("iat-boolean", "true", "iat the boolean true.", DATE_TYPE, Rejected("claim_type")),
        row("iat-object", "{}", "iat an empty object.", DATE_TYPE, Rejected("claim_type")),
        row("iat-negative", "-1", "iat −1.", DATE_RANGE, Rejected("date_out_of_range")),
        row("iat-1e300", "1e300", "iat 1e300.", DATE_RANGE, Rejected("date_out_of_range")),
        row("iat-beyond-max-date", "253402300800", "iat 253402300800, the first second of year 10000.", DATE_RANGE, Rejected("date_out_of_range")),
        row("iat-milliseconds", "${now}000", "iat now written in milliseconds.", DATE_RANGE, Rejected("date_out_of_range")),
    ];
    // iat has no clock check: only its type and range are checks an implementation may lack.
    push_rows(
        p,
        "iat",
        iat,
        |r: &Row, d: Draft| {
            if r.basis == IAT {
                d.features(&["time"])
            } else {
                d.checks(&[checks::DATE_TYPES])
            }
        },
        out,
    );
}

/// Values that differ from `expected` only in ways a loose comparison misses: `(kind, what,
/// value)`, `what` completing "… {noun} …".
#[rustfmt::skip]
fn near_misses(expected: &str, noun: &str) -> Vec<(&'static str, String, String)> {
    let upper = expected.to_uppercase();
    let inner = &expected[1..expected.len() - 1];
    vec![
        ("other-case", format!("{upper:?}: {noun} in another case"), upper.clone()),
        ("trailing-space", format!("{noun} followed by a space"), format!("{expected} ")),
        ("leading-space", format!("{noun} preceded by a space"), format!(" {expected}")),
        ("prefix", format!("{noun} without its last character"), expected[..expected.len() - 1].to_owned()),
        ("suffix", format!("{noun} followed by \".evil\""), format!("{expected}.evil")),
        ("extended-front", format!("{noun} preceded by \"evil.\" (it ends with the expected value)"), format!("evil.{expected}")),
        ("substring", format!("{noun} without its first and last characters"), inner.to_owned()),
        ("containing", format!("a URL that contains {noun}"), format!("https://{expected}/x")),
        ("nul-suffix", format!("{noun} followed by a NUL character (equal up to the NUL as a C string)"), format!("{expected}\u{0}")),
    ]
}

/// The issuer and audience the profile fixes, if any (policy.md §6: Privy `privy.io` and the
/// app id, OneSignal the app id).
fn fixed(p: &P) -> (Option<String>, Option<String>) {
    let config = crate::profile::Config {
        app_id: Some(super::draft::APP_ID.to_owned()),
    };
    p.profile
        .issuer_and_audience(&config)
        .expect("the built-in profiles resolve with an app id")
}

/// Near misses of a fixed `iss` or `aud`, each refused with `reason`; for `aud` also an array
/// holding only near misses.
#[rustfmt::skip]
fn near_miss_cases(p: &P, claim: &str, expected: &str, (basis, reason, check): (&str, &'static str, &str), out: &mut Vec<Case>) {
    let noun = if claim == "iss" { "the expected issuer" } else { "the expected audience" };
    let misses = near_misses(expected, noun);
    for (kind, what, value) in &misses {
        out.push(p.case(NS, &format!("{claim}-{kind}"), &format!("The canonical token with {claim} {what}."), basis).checks(&[check]).tok(p.tok().claim(claim, super::token::quote(value))).rejected(reason));
    }
    if claim == "aud" {
        let all: Vec<String> = misses.iter().map(|(_, _, v)| super::token::quote(v)).collect();
        out.push(p.case(NS, "aud-array-of-near-misses", &format!("The canonical token with aud an array of every near miss of {noun}, without it."), basis).checks(&[check]).tok(p.tok().claim("aud", format!("[{}]", all.join(",")))).rejected(reason));
    }
}

#[rustfmt::skip]
fn strings(p: &P, out: &mut Vec<Case>) {
    use Want::{Either, Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    let issuer_rows = vec![
        row("iss-number", "1", "iss the number 1.", STRINGS, TYPE),
        row("iss-null", "null", "iss null.", STRINGS, TYPE),
        row("iss-object", "{\"iss\":\"x\"}", "iss an object.", STRINGS, TYPE),
        row("iss-boolean", "true", "iss the boolean true.", STRINGS, TYPE),
    ];
    push_rows(
        p,
        "iss",
        issuer_rows,
        |_, d| d.checks(&[checks::ISSUER]),
        out,
    );

    let (issuer, audience) = fixed(p);
    if let Some(expected) = &audience {
        near_miss_cases(p, "aud", expected, (AUDIENCE, "audience_mismatch", checks::AUDIENCE), out);
    }
    match issuer.as_deref() {
        Some(expected) => {
            const MISMATCH: Want = Rejected("issuer_mismatch");
            near_miss_cases(p, "iss", expected, (ISSUER, "issuer_mismatch", checks::ISSUER), out);
            let rows = vec![
                row("iss-empty", "\"\"", "iss the empty string.", ISSUER, MISMATCH),
                row("iss-array", format!("[{}]", super::token::quote(expected)), "iss an array holding the expected issuer.", STRINGS, TYPE),
                row("iss-exact", super::token::quote(expected), "iss exactly the expected issuer.", ISSUER, Verified),
            ];
            push_rows(p, "iss", rows, |_, d| d.checks(&[checks::ISSUER]), out);
        }
        None => {
            let rows = vec![
                row("iss-unconstrained", "\"https://issuer.example.test\"", "iss a string, where the profile fixes no issuer.", STRINGS, Verified),
                row("iss-array", "[\"https://issuer.example.test\"]", "iss an array of one string.", STRINGS, TYPE),
            ];
            push_rows(p, "iss", rows, |_, d| d.checks(&[checks::ISSUER]), out);
        }
    }

    // sub: the user id for Drift and Privy, an unused registered claim elsewhere; either way a
    // string when present.
    let sub_rows = vec![
        row("sub-number", "12345", "sub the number 12345.", STRINGS, TYPE),
        row("sub-null", "null", "sub null.", STRINGS, TYPE),
        row("sub-array", "[\"user-1\"]", "sub an array holding the user id.", STRINGS, TYPE),
    ];
    push_rows(p, "sub", sub_rows, |_, d| d, out);
    let jti_rows = vec![
        row("jti-string", "\"jti-0001\"", "jti a string.", STRINGS, Verified),
        row("jti-number", "1", "jti the number 1.", STRINGS, TYPE),
        row("jti-object", "{}", "jti an empty object.", STRINGS, TYPE),
    ];
    push_rows(p, "jti", jti_rows, |_, d| d, out);

    // aud: the Privy audience is the app id; elsewhere aud is unexpected but still typed.
    let app = super::token::quote(super::draft::APP_ID);
    let aud_value = if audience.is_some() {
        app.clone()
    } else {
        "\"some-audience\"".to_owned()
    };
    let mut aud_rows = vec![
        row("aud-number", "7", "aud the number 7.", STRINGS, TYPE),
        row("aud-empty-array", "[]", "aud an empty array.", STRINGS, TYPE),
        row("aud-array-with-number", format!("[{aud_value},7]"), "aud an array holding a string and a number.", STRINGS, TYPE),
        row("aud-object", format!("{{\"aud\":{aud_value}}}"), "aud an object.", STRINGS, TYPE),
        row("aud-null", "null", "aud null.", STRINGS, TYPE),
        row("aud-boolean", "false", "aud the boolean false.", STRINGS, TYPE),
    ];
    if audience.is_none() {
        aud_rows.push(row(
            "aud-unexpected-string",
            aud_value.clone(),
            "aud a string, where the profile expects no audience.",
            AUD_NONE,
            Either,
        ));
        aud_rows.push(row(
            "aud-unexpected-array",
            format!("[{aud_value}]"),
            "aud an array of one string, where the profile expects no audience.",
            AUD_NONE,
            Either,
        ));
    }
    push_rows(
        p,
        "aud",
        aud_rows,
        |_, d| d.checks(&[checks::AUDIENCE]),
        out,
    );

    out.push(p.case(NS, "unknown-claim-kept", "The canonical claims plus an unregistered claim.", UNKNOWN).tok(p.tok().claim_str("x-custom", "kept")).verified());
}

/// The provider's user-id claim twice (or, for OneSignal, its `external_id` alias twice), the
/// two values disagreeing; and `exp` twice, one expired.
#[rustfmt::skip]
fn duplicates(p: &P, out: &mut Vec<Case>) {
    let uid = p.uid_claim();
    let canonical = p.claims();
    let open = |o: &super::token::Obj| o.text().strip_suffix('}').expect("object").to_owned();
    let with_duplicate = |first: bool| -> Tok {
        if p.id == "onesignal" {
            // The identity object itself holds the duplicate alias: the nested case.
            let inner = if first {
                r#"{"external_id":"attacker","external_id":"user-1"}"#
            } else {
                r#"{"external_id":"user-1","external_id":"attacker"}"#
            };
            p.tok().claim(uid, inner)
        } else {
            let attacker = super::token::quote("attacker");
            let text = if first {
                format!(
                    "{{{}:{attacker},{}",
                    super::token::quote(uid),
                    &canonical.text()[1..]
                )
            } else {
                format!(
                    "{},{}:{attacker}}}",
                    open(&canonical),
                    super::token::quote(uid)
                )
            };
            p.tok().payload_text(text)
        }
    };
    for (name, first, description) in [
        (
            "duplicate-user-attacker-first",
            true,
            "The user id claim twice: first naming an attacker, then the canonical user.",
        ),
        (
            "duplicate-user-attacker-last",
            false,
            "The user id claim twice: first the canonical user, then an attacker.",
        ),
    ] {
        out.push(p.case(NS, name, description, DUPLICATES).checks(&[checks::DUPLICATE_MEMBERS]).features(&["differential"]).tok(with_duplicate(first)).rejected("duplicate_member"));
    }
    // A date twice, one of them refusing the token: exp a minute ago, or where the canonical
    // claims have no exp (Kustomer), iat an hour ago.
    let (date, stale, what) = match canonical.get("exp") {
        Some(_) => ("exp", "${now-60}", ["expired", "a minute ago", "the canonical hour ahead"]),
        None => ("iat", "${now-3600}", ["stale", "an hour ago", "the canonical now"]),
    };
    let first = format!("{{\"{date}\":{stale},{}", &canonical.text()[1..]);
    let last = format!("{},\"{date}\":{stale}}}", open(&canonical));
    let [adjective, old, fresh] = what;
    for (name, text, description) in [
        (
            format!("duplicate-{date}-{adjective}-first"),
            first,
            format!("{date} twice: first {old}, then {fresh}."),
        ),
        (
            format!("duplicate-{date}-{adjective}-last"),
            last,
            format!("{date} twice: first {fresh}, then {old}."),
        ),
    ] {
        let (name, description) = (name.as_str(), description.as_str());
        out.push(p.case(NS, name, description, DUPLICATES).checks(&[checks::DUPLICATE_MEMBERS]).features(&["differential"]).tok(p.tok().payload_text(text)).rejected("duplicate_member"));
    }
}

#[rustfmt::skip]
fn not_objects(p: &P, out: &mut Vec<Case>) {
    let claims = p.claims().text();
    for (name, text, what) in [
        (
            "claims-array",
            format!("[{claims}]"),
            "an array holding the canonical claims",
        ),
        (
            "claims-string",
            super::token::quote(&claims),
            "a string holding the canonical claims' JSON text",
        ),
        ("claims-number", "1700003600".to_owned(), "a number"),
        ("claims-null", "null".to_owned(), "null"),
        ("claims-true", "true".to_owned(), "the literal true"),
    ] {
        out.push(p.case(NS, name, &format!("A validly signed token whose claims set is {what}."), NOT_OBJECT).tok(p.tok().payload_text(text)).rejected("not_an_object"));
    }
    // In the field order iat, exp, nbf, iss, sub, aud (jwt-simple 0.15's JWTClaims), with the
    // canonical values where the profile has them.
    let canonical = p.claims();
    let value = |name: &str| canonical.get(name).unwrap_or("null").to_owned();
    let positional = format!("[null,{},null,{},{},{}]", value("exp"), value("iss"), super::token::quote(USER), value("aud"));
    out.push(p.case(NS, "claims-positional", "A validly signed token whose claims set is an array holding exp, iss, the user id and aud in the positions of a struct's fields.", POSITIONAL).features(&["serde-positional"]).tok(p.tok().payload_text(positional)).rejected("not_an_object"));
}
