//! `zendesk`: every rule of the Zendesk profile at its boundary (header `typ` and `kid`,
//! `scope`, `external_id`, `exp`, `name`, `email`, `email_verified`), identity binding, key
//! rotation by `kid`, and the seed's example header, payload and code snippets.

use super::draft::{Draft, Want, P};
use super::token::{quote, Tok};
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::{Case, VectorFile};

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
const BINDING: &str = "policy.md §6.6 (identity binding: a user id the client also asserts must \
equal the token's exactly, otherwise it is refused)";
const ROTATION: &str =
    "\"A signing key is a type of credential which is comprised of a key id (kid) \
and a shared secret\"; \"You can view, create, and delete signing keys\"; policy.md §6.8 (a key \
taken out of the configuration verifies nothing)";
const ALG: &str = "\"Specify HS256.\" \"Note: Zendesk does not support the RS256 and ES256 JWT \
algorithms.\"";

/// The seed's example key id.
const SEED_KID: &str = "app_5963ceb97cde542d000dbdb1";
/// Its example time: 35 seconds before the example's exp.
const SEED_NOW: i64 = 1_639_608_000;

pub(super) fn file() -> VectorFile {
    let p = P::get("zendesk");
    let mut cases = Vec::new();
    header(&p, &mut cases);
    scope(&p, &mut cases);
    external_id(&p, &mut cases);
    optional(&p, &mut cases);
    seed(&p, &mut cases);
    others(&p, &mut cases);
    super::draft::file(
        "zendesk",
        "Zendesk messaging authentication: typ and kid headers, scope, external_id length in \
         characters, integral exp, name, email kept only when email_verified is true, kid \
         rotation, the seed's examples and snippets.",
        cases,
    )
}

fn c(p: &P, name: &str, description: &str, basis: &str) -> Draft {
    p.own(name, description, basis)
}

fn header(p: &P, out: &mut Vec<Case>) {
    use Want::{Either, Rejected, Verified};
    out.push(
        c(p, "canonical", "The canonical Zendesk token: typ JWT, kid, scope user, external_id, exp, name, email and email_verified true.", SCOPE)
            .rule("header.typ")
            .rule("header.kid")
            .rule("scope")
            .rule("external_id")
            .rule("exp")
            .rule("name")
            .rule("email")
            .rule("email_verified")
            .verified(),
    );
    let typ: Vec<(&str, &str, Option<&str>, &str, Want)> = vec![
        (
            "typ-missing",
            "no typ",
            None,
            TYP,
            Rejected("header_missing"),
        ),
        (
            "typ-jws",
            "typ JWS",
            Some("\"JWS\""),
            TYP,
            Rejected("header_value"),
        ),
        (
            "typ-trailing-space",
            "typ \"JWT \"",
            Some("\"JWT \""),
            TYP,
            Rejected("header_value"),
        ),
        (
            "typ-number",
            "typ a number",
            Some("1"),
            TYP,
            Rejected("header_member_type"),
        ),
        (
            "typ-null",
            "typ null",
            Some("null"),
            TYP,
            Rejected("header_member_type"),
        ),
        (
            "typ-lowercase",
            "typ jwt in lowercase",
            Some("\"jwt\""),
            TYP_CASE,
            Either,
        ),
        (
            "typ-mixed-case",
            "typ Jwt",
            Some("\"Jwt\""),
            TYP_CASE,
            Either,
        ),
        ("typ-jwt", "typ exactly JWT", Some("\"JWT\""), TYP, Verified),
    ];
    for (name, what, raw, basis, want) in typ {
        let tok = match raw {
            Some(raw) => p.tok().header_member("typ", raw),
            None => p.tok().without_header("typ"),
        };
        out.push(
            c(
                p,
                name,
                &format!("The canonical token with {what} in its header."),
                basis,
            )
            .rule("header.typ")
            .tok(tok)
            .want(want),
        );
    }
    let kid: Vec<(&str, &str, Option<&str>, Want)> = vec![
        ("kid-missing", "no kid", None, Rejected("header_missing")),
        (
            "kid-unknown",
            "a kid nobody configured",
            Some("\"app_unknown\""),
            Rejected("unknown_kid"),
        ),
        (
            "kid-seed-example",
            "the seed's example kid, which is not configured here",
            Some("\"app_5963ceb97cde542d000dbdb1\""),
            Rejected("unknown_kid"),
        ),
        (
            "kid-empty",
            "an empty kid",
            Some("\"\""),
            Rejected("unknown_kid"),
        ),
        (
            "kid-uppercase",
            "the configured kid in uppercase",
            Some("\"ZENDESK-KEY-1\""),
            Rejected("unknown_kid"),
        ),
        (
            "kid-number",
            "a numeric kid",
            Some("1"),
            Rejected("header_member_type"),
        ),
        (
            "kid-configured",
            "the configured key's kid",
            Some("\"zendesk-key-1\""),
            Verified,
        ),
    ];
    for (name, what, raw, want) in kid {
        let tok = match raw {
            Some(raw) => p.tok().header_member("kid", raw),
            None => p.tok().without_header("kid"),
        };
        let mut d = c(
            p,
            name,
            &format!("The canonical token with {what} in its header."),
            KID,
        )
        .rule("header.kid")
        .tok(tok);
        if raw.is_some() {
            d = d.checks(&[checks::KID]);
        }
        out.push(d.want(want));
    }
}

/// Cases setting `claim` to raw texts (an empty text removes it).
fn push(
    p: &P,
    claim: &str,
    basis: &str,
    rows: Vec<(&str, String, String, Want)>,
    out: &mut Vec<Case>,
) {
    for (name, what, raw, want) in rows {
        let tok = if raw.is_empty() {
            p.tok().without(claim)
        } else {
            p.tok().claim(claim, raw.clone())
        };
        let mut d = c(p, name, &format!("The canonical token with {what}."), basis)
            .rule(claim)
            .tok(tok);
        if raw.is_empty() && p.profile.claim(claim).is_some_and(|r| r.required) {
            d = d.checks(&[checks::REQUIRED_CLAIMS]);
        }
        out.push(d.want(want));
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

fn scope(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const VALUE: Want = Rejected("claim_value");
    push(
        p,
        "scope",
        SCOPE,
        vec![
            (
                "scope-user",
                s("scope exactly user"),
                s("\"user\""),
                Verified,
            ),
            ("scope-capitalized", s("scope User"), s("\"User\""), VALUE),
            ("scope-uppercase", s("scope USER"), s("\"USER\""), VALUE),
            (
                "scope-trailing-space",
                s("scope \"user \""),
                s("\"user \""),
                VALUE,
            ),
            (
                "scope-leading-space",
                s("scope \" user\""),
                s("\" user\""),
                VALUE,
            ),
            ("scope-plural", s("scope users"), s("\"users\""), VALUE),
            ("scope-admin", s("scope admin"), s("\"admin\""), VALUE),
            ("scope-empty", s("scope the empty string"), s("\"\""), VALUE),
            (
                "scope-array",
                s("scope an array holding user"),
                s("[\"user\"]"),
                Rejected("claim_type"),
            ),
            (
                "scope-null",
                s("scope null"),
                s("null"),
                Rejected("claim_type"),
            ),
            (
                "scope-missing",
                s("no scope"),
                String::new(),
                Rejected("missing_claim"),
            ),
        ],
        out,
    );
}

fn external_id(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const LENGTH: Want = Rejected("claim_length");
    let rep = |unit: &str, n: usize| quote(&unit.repeat(n));
    push(
        p,
        "external_id",
        EXTERNAL_ID,
        vec![
            (
                "external-id-255-ascii",
                s("external_id of 255 ASCII characters"),
                rep("a", 255),
                Verified,
            ),
            (
                "external-id-256-ascii",
                s("external_id of 256 ASCII characters"),
                rep("a", 256),
                LENGTH,
            ),
            (
                "external-id-255-two-byte",
                s("external_id of 255 é (510 UTF-8 bytes)"),
                rep("é", 255),
                Verified,
            ),
            (
                "external-id-256-two-byte",
                s("external_id of 256 é"),
                rep("é", 256),
                LENGTH,
            ),
            (
                "external-id-255-four-byte",
                s("external_id of 255 emoji (1,020 UTF-8 bytes, 510 UTF-16 units)"),
                rep("😀", 255),
                Verified,
            ),
            (
                "external-id-256-four-byte",
                s("external_id of 256 emoji"),
                rep("😀", 256),
                LENGTH,
            ),
            (
                "external-id-254-ascii-plus-emoji",
                s("external_id of 254 ASCII characters and one emoji: 255 characters"),
                quote(&format!("{}😀", "a".repeat(254))),
                Verified,
            ),
            (
                "external-id-combining-256",
                s("external_id of 128 × (e + U+0301): 128 graphemes but 256 scalar values"),
                rep("e\u{301}", 128),
                LENGTH,
            ),
            (
                "external-id-one-character",
                s("external_id a single character"),
                s("\"x\""),
                Verified,
            ),
            (
                "external-id-empty",
                s("external_id the empty string"),
                s("\"\""),
                Rejected("claim_length"),
            ),
            (
                "external-id-number",
                s("external_id the number 12345678"),
                s("12345678"),
                Rejected("claim_type"),
            ),
            (
                "external-id-null",
                s("external_id null"),
                s("null"),
                Rejected("claim_type"),
            ),
            (
                "external-id-missing",
                s("no external_id"),
                String::new(),
                Rejected("missing_claim"),
            ),
            (
                "external-id-guid",
                s("external_id a GUID, as the seed suggests"),
                s("\"6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\""),
                Verified,
            ),
        ],
        out,
    );
}

fn optional(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    let exp: Vec<(&str, String, String, Want)> = vec![
        (
            "exp-absent",
            s("no exp (optional)"),
            String::new(),
            Verified,
        ),
        (
            "exp-one-minute-ahead",
            s("exp a minute ahead"),
            s("${now+60}"),
            Verified,
        ),
        (
            "exp-equals-now",
            s("exp equal to now"),
            s("${now}"),
            Rejected("expired"),
        ),
        (
            "exp-fraction",
            s("exp a minute and a half second ahead (not an integer)"),
            s("${now+60.5}"),
            Rejected("not_integral"),
        ),
        (
            "exp-integral-float",
            s("exp a minute ahead written with .0 (an integral value)"),
            s("${now+60}.0"),
            Verified,
        ),
        (
            "exp-exponent",
            s("exp 1e10, an integral value in exponent form"),
            s("1e10"),
            Verified,
        ),
    ];
    for (name, what, raw, want) in exp {
        let tok = if raw.is_empty() {
            p.tok().without("exp")
        } else {
            p.tok().claim("exp", raw.clone())
        };
        let mut d = c(p, name, &format!("The canonical token with {what}."), EXP)
            .rule("exp")
            .tok(tok);
        if raw.contains("${now") {
            d = d.features(&["time"]).checks(&[checks::EXPIRY]);
        }
        out.push(d.want(want));
    }
    push(
        p,
        "name",
        NAME,
        vec![
            ("name-absent", s("no name"), String::new(), Verified),
            (
                "name-unicode",
                s("a non-ASCII name"),
                s("\"Zoë Ångström\""),
                Verified,
            ),
            (
                "name-number",
                s("name a number"),
                s("7"),
                Rejected("claim_type"),
            ),
            (
                "name-null",
                s("name null"),
                s("null"),
                Rejected("claim_type"),
            ),
        ],
        out,
    );
    push(
        p,
        "email",
        EMAIL,
        vec![
            (
                "email-absent",
                s("no email (email_verified still true)"),
                String::new(),
                Verified,
            ),
            (
                "email-boolean",
                s("email the boolean false"),
                s("false"),
                Rejected("claim_type"),
            ),
            (
                "email-array",
                s("email an array of one address"),
                s("[\"user@example.test\"]"),
                Rejected("claim_type"),
            ),
        ],
        out,
    );
    push(
        p,
        "email_verified",
        EMAIL_VERIFIED,
        vec![
            (
                "email-verified-true",
                s("email_verified true: the email is kept"),
                s("true"),
                Verified,
            ),
            (
                "email-verified-absent",
                s("no email_verified: the email is dropped"),
                String::new(),
                Verified,
            ),
            (
                "email-verified-false",
                s("email_verified false: the email is dropped"),
                s("false"),
                Verified,
            ),
            (
                "email-verified-string-true",
                s("email_verified the string \"true\": the email is dropped"),
                s("\"true\""),
                Verified,
            ),
            (
                "email-verified-number-one",
                s("email_verified 1: the email is dropped"),
                s("1"),
                Verified,
            ),
            (
                "email-verified-null",
                s("email_verified null: the email is dropped"),
                s("null"),
                Verified,
            ),
        ],
        out,
    );
    // Two parsers reading the trust flag differently would disagree on whether the email is
    // trusted: a duplicate is refused outright.
    let open = p.claims().text();
    let open = open.strip_suffix('}').expect("object");
    out.push(
        c(
            p,
            "email-verified-duplicate",
            "The canonical claims (email_verified true) followed by email_verified false again.",
            "policy.md §2.4 (duplicate member names are refused at any depth)",
        )
        .rule("email_verified")
        .checks(&[checks::DUPLICATE_MEMBERS])
        .features(&["differential"])
        .tok(
            p.tok()
                .payload_text(format!("{open},\"email_verified\":false}}")),
        )
        .rejected("duplicate_member"),
    );
}

/// A token signed with the key whose kid is `kid`, from exact header and payload texts.
fn texts(kid_key: &Key, header: &str, payload: &str) -> Tok {
    let p = P::get("zendesk");
    p.tok_by(kid_key.clone())
        .header_text(header)
        .payload_text(payload)
}

fn seed(p: &P, out: &mut Vec<Case>) {
    let seed_key = Key::test_hmac(SEED_KID);
    // The seed's texts verbatim (spacing included); the document's email is redacted, so a
    // reserved-domain address stands in, and exp is written relative to the example's time.
    let header =
        r#"{    "alg": "HS256",    "typ": "JWT",    "kid": "app_5963ceb97cde542d000dbdb1"}"#;
    let payload = r#"{      "external_id": "12345678",    "email": "jane.soap@example.test",    "email_verified": true,    "exp": ${now+35},     "name": "Jane Soap",    "scope": "user"}"#;
    out.push(
        c(p, "seed-example", "The seed's example header and payload, signed with a key whose kid is the example's, verified 35 seconds before its exp.", SEED)
            .features(&["seed-example", "time"])
            .rule("header.typ")
            .rule("header.kid")
            .rule("email_verified")
            .checks(&[checks::EXPIRY, checks::KID])
            .keys(std::slice::from_ref(&seed_key))
            .now(SEED_NOW)
            .tok(texts(&seed_key, header, payload))
            .verified(),
    );
    out.push(
        c(
            p,
            "seed-example-at-exp",
            "The seed's example header and payload verified at its exp, 1639608035.",
            SEED,
        )
        .features(&["seed-example", "time"])
        .rule("exp")
        .checks(&[checks::EXPIRY])
        .keys(std::slice::from_ref(&seed_key))
        .now(SEED_NOW + 35)
        .tok(texts(
            &seed_key,
            header,
            &payload.replace("${now+35}", "${now}"),
        ))
        .rejected("expired"),
    );

    let key = p.key(1);
    let js_claims = r#"{"name":"Customer Name","email":"customer@example.test","email_verified":true,"exp":${now+600},"external_id":"customer-1"}"#;
    let rows: Vec<(&str, &str, &str, String, &str, Want)> = vec![
        (
            "seed-js-snippet",
            "The JavaScript snippet's token: jwt.sign(payload, secret) writes {\"alg\":\"HS256\",\"typ\":\"JWT\"}; the payload has neither scope nor kid.",
            r#"{"alg":"HS256","typ":"JWT"}"#,
            js_claims.to_owned(),
            SNIPPET,
            Want::Rejected("missing_claim"),
        ),
        (
            "seed-js-snippet-with-kid",
            "The JavaScript snippet's payload (no scope) under a header that does carry the kid.",
            r#"{"alg":"HS256","typ":"JWT","kid":"zendesk-key-1"}"#,
            js_claims.to_owned(),
            SNIPPET,
            Want::Rejected("missing_claim"),
        ),
        (
            "seed-js-snippet-with-scope",
            "The JavaScript snippet's payload with scope user added, still under a header without kid.",
            r#"{"alg":"HS256","typ":"JWT"}"#,
            js_claims.replacen('{', r#"{"scope":"user","#, 1),
            SNIPPET,
            Want::Rejected("header_missing"),
        ),
        (
            "seed-node-snippet",
            "The Node snippet's token: jwt.sign({ scope: 'user', external_id: '12345678' }, SECRET, { header: { kid: KEY_ID } }), with the iat jsonwebtoken adds.",
            r#"{"alg":"HS256","typ":"JWT","kid":"zendesk-key-1"}"#,
            r#"{"scope":"user","external_id":"12345678","iat":${now}}"#.to_owned(),
            SNIPPETS,
            Want::Verified,
        ),
        (
            "seed-python-snippet",
            "The Python snippet's token: jwt.encode({'scope': 'user', 'external_id': '12345678'}, SECRET, algorithm='HS256', headers={'kid': KEY_ID}).",
            r#"{"alg":"HS256","kid":"zendesk-key-1","typ":"JWT"}"#,
            r#"{"scope":"user","external_id":"12345678"}"#.to_owned(),
            SNIPPETS,
            Want::Verified,
        ),
        (
            "seed-snippet-header-without-typ",
            "The Ruby snippet's payload under a header naming only kid and alg, as a library that adds no typ writes it.",
            r#"{"kid":"zendesk-key-1","alg":"HS256"}"#,
            r#"{"scope":"user","external_id":"12345678"}"#.to_owned(),
            SNIPPETS,
            Want::Rejected("header_missing"),
        ),
    ];
    for (name, description, header, payload, basis, want) in rows {
        let mut d = c(p, name, description, basis)
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

fn others(p: &P, out: &mut Vec<Case>) {
    for (name, claimed, ok) in [
        ("binding-match", "user-1", true),
        ("binding-mismatch", "user-2", false),
    ] {
        let d = c(
            p,
            name,
            &format!("The canonical token with the client claiming {claimed:?}."),
            BINDING,
        )
        .features(&["binding"])
        .claimed(claimed);
        out.push(if ok {
            d.verified()
        } else {
            d.rejected("identity_mismatch")
        });
    }
    let (k1, k2) = (p.key(1), p.key(2));
    out.push(
        c(
            p,
            "rotation-second-key",
            "Two signing keys configured; the token's kid names the second, which signed.",
            ROTATION,
        )
        .features(&["rotation"])
        .rule("header.kid")
        .checks(&[checks::KID])
        .keys(&[k1.clone(), k2.clone()])
        .tok(p.tok_by(k2.clone()))
        .verified(),
    );
    out.push(
        c(
            p,
            "rotation-kid-names-other-key",
            "Two signing keys configured; the token's kid names the first but the second signed.",
            ROTATION,
        )
        .features(&["rotation"])
        .checks(&[checks::KID])
        .keys(&[k1.clone(), k2.clone()])
        .tok(p.tok().key(k2.clone()))
        .rejected("bad_signature"),
    );
    out.push(
        c(
            p,
            "rotation-deleted-key",
            "The second signing key was deleted; a token whose kid names it.",
            ROTATION,
        )
        .features(&["rotation"])
        .checks(&[checks::KID])
        .keys(&[k1])
        .tok(p.tok_by(k2))
        .rejected("unknown_kid"),
    );
    out.push(
        c(
            p,
            "es256-token",
            "The canonical claims as an ES256 token signed by an EC key.",
            ALG,
        )
        .tok(
            p.tok()
                .key(Key::test_ec("zendesk-key-1"))
                .header_str("alg", "ES256"),
        )
        .rejected("alg_not_allowed"),
    );
    out.push(
        c(
            p,
            "rs256-header",
            "The canonical token with header alg RS256.",
            ALG,
        )
        .tok(p.tok().header_str("alg", "RS256"))
        .rejected("alg_not_allowed"),
    );
}
