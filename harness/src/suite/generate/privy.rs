//! `privy`: every rule of the Privy profile at its boundary (`sub`, `iss`, `aud`, `exp`,
//! `custom_metadata`, `linked_accounts`), identity binding, key rotation, and the seed's
//! `jose.jwtVerify` options.

use super::draft::{Draft, Want, APP_ID, P};
use super::token::quote;
use crate::contract::checks;
use crate::engine::keys::Key;
use crate::suite::case::{Case, VectorFile};

const SUB: &str = "policy.md §6.2 (Privy): required claims `sub`, `iss`, `aud`, `exp`; user id = \
`sub`; docs/decisions.md: user ids are non-empty";
const ISS: &str = "\"jose.jwtVerify(idToken, publicKey, { issuer: 'privy.io', audience: \
'your-privy-app-id' })\"; policy.md §6.2: `iss` = `privy.io`";
const AUD: &str = "\"audience: 'your-privy-app-id'\"; policy.md §6.2: `aud` = configured app id; \
policy.md §5.10 (`aud` is that string or an array containing it)";
const EXP: &str = "\"Check the expiration time (exp claim) to ensure the token is still valid\"; \
policy.md §6.2: `exp` required";
const METADATA: &str = "\"return JSON.parse(payload.custom_metadata as string);\"; policy.md §6.2 \
(`custom_metadata`, when present, is a string holding the JSON text of an object)";
const ACCOUNTS: &str = "\"claims contain information about the currently authenticated user, \
including their linked accounts\"; policy.md §6.2 (`linked_accounts`, when present, is a string \
holding the JSON text of an array)";
const BINDING: &str = "policy.md §6.6 (identity binding: a user id the client also asserts must \
equal the token's exactly, otherwise it is refused)";
const ALG: &str = "\"Privy identity tokens are JSON Web Tokens (JWT), signed with the ES256 \
algorithm.\"";
const ROTATION: &str = "policy.md §6.8 (key rotation: a key taken out of the configuration \
verifies nothing)";

pub(super) fn file() -> VectorFile {
    let p = P::get("privy");
    let mut cases = Vec::new();
    out_rules(&p, &mut cases);
    json_claims(&p, &mut cases);
    others(&p, &mut cases);
    super::draft::file(
        "privy",
        "Privy identity tokens: sub, iss privy.io, aud = app id, exp, custom_metadata and \
         linked_accounts as JSON text, identity binding, key rotation, the seed's verify options.",
        cases,
    )
}

fn c(p: &P, name: &str, description: &str, basis: &str) -> Draft {
    p.own(name, description, basis)
}

/// One claim set to a raw JSON text (or removed, for an empty text).
struct Row {
    name: &'static str,
    what: String,
    raw: String,
    want: Want,
}

fn row(name: &'static str, what: impl Into<String>, raw: impl Into<String>, want: Want) -> Row {
    Row {
        name,
        what: what.into(),
        raw: raw.into(),
        want,
    }
}

fn push(p: &P, claim: &str, basis: &str, rows: Vec<Row>, check: &[&str], out: &mut Vec<Case>) {
    for r in rows {
        let tok = if r.raw.is_empty() {
            p.tok().without(claim)
        } else {
            p.tok().claim(claim, r.raw.clone())
        };
        let mut d = c(
            p,
            r.name,
            &format!("The canonical token with {}.", r.what),
            basis,
        )
        .rule(claim)
        .checks(check)
        .tok(tok);
        if r.raw.is_empty() && p.profile.claim(claim).is_some_and(|rule| rule.required) {
            d = d.checks(&[checks::REQUIRED_CLAIMS]);
        }
        if r.raw.contains("${now") && !r.raw.starts_with('"') {
            d = d.features(&["time"]);
        }
        out.push(d.want(r.want));
    }
}

fn out_rules(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(
        c(p, "canonical", "The canonical Privy token: sub, iss privy.io, aud the app id, exp an hour ahead, custom_metadata and linked_accounts.", SUB)
            .rule("sub")
            .rule("iss")
            .rule("aud")
            .rule("exp")
            .rule("custom_metadata")
            .rule("linked_accounts")
            .verified(),
    );
    push(
        p,
        "sub",
        SUB,
        vec![
            row("sub-missing", "no sub", "", Rejected("missing_claim")),
            row(
                "sub-empty",
                "sub the empty string",
                "\"\"",
                Rejected("claim_length"),
            ),
            row(
                "sub-number",
                "sub a number",
                "12345",
                Rejected("claim_type"),
            ),
            row(
                "sub-privy-did",
                "sub a Privy-style DID",
                "\"did:privy:cm0000000000000000000000000\"",
                Verified,
            ),
            row(
                "sub-one-character",
                "sub a single character",
                "\"x\"",
                Verified,
            ),
        ],
        &[],
        out,
    );
    push(
        p,
        "iss",
        ISS,
        vec![
            row("iss-missing", "no iss", "", Rejected("missing_claim")),
            row(
                "iss-other-host",
                "iss auth.privy.io",
                "\"auth.privy.io\"",
                Rejected("issuer_mismatch"),
            ),
            row(
                "iss-url",
                "iss https://privy.io",
                "\"https://privy.io\"",
                Rejected("issuer_mismatch"),
            ),
            row(
                "iss-uppercase",
                "iss PRIVY.IO",
                "\"PRIVY.IO\"",
                Rejected("issuer_mismatch"),
            ),
            row("iss-number", "iss a number", "1", Rejected("claim_type")),
            row(
                "iss-privy-io",
                "iss exactly privy.io",
                "\"privy.io\"",
                Verified,
            ),
        ],
        &[checks::ISSUER],
        out,
    );
    push(
        p,
        "aud",
        AUD,
        vec![
            row("aud-missing", "no aud", "", Rejected("missing_claim")),
            row(
                "aud-other-app",
                "aud another app's id",
                "\"other-app-id\"",
                Rejected("audience_mismatch"),
            ),
            row(
                "aud-other-case",
                "aud the app id in uppercase",
                quote(&APP_ID.to_uppercase()),
                Rejected("audience_mismatch"),
            ),
            row(
                "aud-trailing-space",
                "aud the app id followed by a space",
                quote(&format!("{APP_ID} ")),
                Rejected("audience_mismatch"),
            ),
            row(
                "aud-seed-placeholder",
                "aud the seed's placeholder your-privy-app-id, not the configured app id",
                "\"your-privy-app-id\"",
                Rejected("audience_mismatch"),
            ),
            row(
                "aud-array-containing",
                "aud an array of another app id and the app id",
                format!("[\"other-app-id\",{}]", quote(APP_ID)),
                Verified,
            ),
            row(
                "aud-array-only",
                "aud an array holding only the app id",
                format!("[{}]", quote(APP_ID)),
                Verified,
            ),
            row(
                "aud-array-without",
                "aud an array of other app ids",
                "[\"other-app-id\",\"third-app-id\"]",
                Rejected("audience_mismatch"),
            ),
            row(
                "aud-empty-array",
                "aud an empty array",
                "[]",
                Rejected("claim_type"),
            ),
            row("aud-number", "aud a number", "7", Rejected("claim_type")),
        ],
        &[checks::AUDIENCE],
        out,
    );
    push(
        p,
        "exp",
        EXP,
        vec![
            row(
                "exp-missing",
                "no exp (required for Privy)",
                "",
                Rejected("missing_claim"),
            ),
            row(
                "exp-equals-now",
                "exp equal to now",
                "${now}",
                Rejected("expired"),
            ),
            row(
                "exp-one-second-ahead",
                "exp one second ahead",
                "${now+1}",
                Verified,
            ),
            row(
                "exp-fraction",
                "exp a fraction past an hour ahead",
                "${now+3600.5}",
                Verified,
            ),
        ],
        &[checks::EXPIRY],
        out,
    );
    push(
        p,
        "exp",
        EXP,
        vec![row(
            "exp-numeric-string",
            "exp a string of digits",
            "\"${now+3600}\"",
            Rejected("claim_type"),
        )],
        &[checks::DATE_TYPES],
        out,
    );
}

fn json_claims(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const SHAPE: Want = Rejected("claim_shape");
    const TYPE: Want = Rejected("claim_type");
    push(
        p,
        "custom_metadata",
        METADATA,
        vec![
            row(
                "custom-metadata-absent",
                "no custom_metadata (it is optional)",
                "",
                Verified,
            ),
            row(
                "custom-metadata-empty-object",
                "custom_metadata the JSON text {}",
                quote("{}"),
                Verified,
            ),
            row(
                "custom-metadata-nested",
                "custom_metadata nested JSON text",
                quote(r#"{"a":[1,{"b":null}],"c":"d"}"#),
                Verified,
            ),
            row(
                "custom-metadata-unicode",
                "custom_metadata JSON text with an escaped emoji",
                quote(r#"{"icon":"\ud83d\ude00"}"#),
                Verified,
            ),
            row(
                "custom-metadata-array",
                "custom_metadata the JSON text of an array",
                quote("[1]"),
                SHAPE,
            ),
            row(
                "custom-metadata-string-json",
                "custom_metadata the JSON text of a string",
                quote("\"x\""),
                SHAPE,
            ),
            row(
                "custom-metadata-null-json",
                "custom_metadata the JSON text null",
                quote("null"),
                SHAPE,
            ),
            row(
                "custom-metadata-truncated",
                "custom_metadata truncated JSON text",
                quote(r#"{"a":1"#),
                SHAPE,
            ),
            row(
                "custom-metadata-empty-text",
                "custom_metadata the empty string",
                "\"\"",
                SHAPE,
            ),
            row(
                "custom-metadata-trailing-comma",
                "custom_metadata JSON text with a trailing comma",
                quote(r#"{"a":1,}"#),
                SHAPE,
            ),
            row(
                "custom-metadata-duplicate-member",
                "custom_metadata JSON text with a duplicate member",
                quote(r#"{"role":"user","role":"admin"}"#),
                SHAPE,
            ),
            row(
                "custom-metadata-lone-surrogate",
                "custom_metadata JSON text with a lone surrogate escape",
                quote(r#"{"a":"\ud800"}"#),
                SHAPE,
            ),
            row(
                "custom-metadata-object",
                "custom_metadata an object instead of JSON text",
                r#"{"plan":"test"}"#,
                TYPE,
            ),
            row(
                "custom-metadata-number",
                "custom_metadata a number",
                "1",
                TYPE,
            ),
            row("custom-metadata-null", "custom_metadata null", "null", TYPE),
        ],
        &[],
        out,
    );
    push(
        p,
        "linked_accounts",
        ACCOUNTS,
        vec![
            row(
                "linked-accounts-absent",
                "no linked_accounts (it is optional)",
                "",
                Verified,
            ),
            row(
                "linked-accounts-empty-array",
                "linked_accounts the JSON text []",
                quote("[]"),
                Verified,
            ),
            row(
                "linked-accounts-wallet",
                "linked_accounts JSON text with an email and a wallet account",
                quote(
                    r#"[{"type":"email","address":"user@example.test"},{"type":"wallet","address":"0x0000000000000000000000000000000000000001","chain_type":"ethereum"}]"#,
                ),
                Verified,
            ),
            row(
                "linked-accounts-object",
                "linked_accounts the JSON text of an object",
                quote("{}"),
                SHAPE,
            ),
            row(
                "linked-accounts-truncated",
                "linked_accounts truncated JSON text",
                quote("["),
                SHAPE,
            ),
            row(
                "linked-accounts-null-json",
                "linked_accounts the JSON text null",
                quote("null"),
                SHAPE,
            ),
            row(
                "linked-accounts-array",
                "linked_accounts an array instead of JSON text",
                r#"[{"type":"email"}]"#,
                TYPE,
            ),
            row(
                "linked-accounts-boolean",
                "linked_accounts a boolean",
                "true",
                TYPE,
            ),
        ],
        &[],
        out,
    );
}

fn others(p: &P, out: &mut Vec<Case>) {
    out.push(
        c(
            p,
            "binding-match",
            "The canonical token with the client claiming its user.",
            BINDING,
        )
        .features(&["binding"])
        .claimed("user-1")
        .verified(),
    );
    out.push(
        c(
            p,
            "binding-mismatch",
            "The canonical token with the client claiming another user.",
            BINDING,
        )
        .features(&["binding"])
        .claimed("user-2")
        .rejected("identity_mismatch"),
    );
    out.push(
        c(p, "seed-verify-options", "A token for the seed's audience your-privy-app-id, verified with that app id configured.", ISS)
            .features(&["seed-example"])
            .rule("iss")
            .rule("aud")
            .checks(&[checks::ISSUER, checks::AUDIENCE])
            .app_id("your-privy-app-id")
            .tok(p.tok().claim_str("aud", "your-privy-app-id"))
            .verified(),
    );
    out.push(
        c(
            p,
            "hs256-token",
            "The canonical claims as an HS256 token signed with a shared secret.",
            ALG,
        )
        .tok(
            p.tok()
                .key(Key::test_hmac("privy-key-1"))
                .header_str("alg", "HS256"),
        )
        .rejected("alg_not_allowed"),
    );
    let (k1, k2) = (p.key(1), p.key(2));
    out.push(
        c(
            p,
            "rotation-new-key",
            "Old and new verification keys configured; the canonical claims signed by the new one.",
            ROTATION,
        )
        .features(&["rotation"])
        .keys(&[k1.clone(), k2.clone()])
        .tok(p.tok_by(k2.clone()))
        .verified(),
    );
    out.push(
        c(p, "rotation-old-key-removed", "Only the new verification key configured; the canonical claims signed by the removed one.", ROTATION)
            .features(&["rotation"])
            .keys(&[k2])
            .rejected("bad_signature"),
    );
    out.push(
        c(
            p,
            "wrong-key",
            "The canonical claims signed by an EC key nobody configured.",
            ALG,
        )
        .tok(p.tok_by(p.attacker()))
        .rejected("bad_signature"),
    );
}
