//! `privy`: every rule of the Privy profile at its boundary (`sub`, `iss`, `aud`, `exp`,
//! `custom_metadata`, `linked_accounts`) and the seed's
//! `jose.jwtVerify` options.

use super::draft::{claim_rows, Want, APP_ID, P};
use super::identity::{string, user};
use super::token::quote;
use crate::contract::checks;
use crate::suite::case::Case;
use crate::verdict::Identity;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
including their linked accounts\"; docs/decisions.md (`linked_accounts` is required: both of \
Privy's server SDKs refuse a token without it); policy.md §6.2 (a string holding the JSON text \
of an array)";
const TYP: &str = "docs/decisions.md (Privy `typ`): tokens carry `typ: JWT`, which \
@privy-io/node 0.35.0 requires and @privy-io/server-auth 1.32.5 does not look at; where the two \
SDKs disagree the case is `either`; RFC 7515 §4.1.9: `typ` compares case-insensitively";

/// Every case of the namespace, in file order.
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    out_rules(p, out);
    header(p, out);
    json_claims(p, out);
    seed(p, out);
}

#[rustfmt::skip]
fn out_rules(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    out.push(p.own("canonical", "The canonical Privy token: sub, iss privy.io, aud the app id, exp an hour ahead, custom_metadata and linked_accounts.", SUB).rule("sub").rule("iss").rule("aud").rule("exp").rule("custom_metadata").rule("linked_accounts").verified());
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-missing", "no sub", "", Rejected("missing_claim")),
        ("sub-empty", "sub the empty string", "\"\"", Rejected("claim_length")),
        ("sub-number", "sub a number", "12345", Rejected("claim_type")),
        ("sub-privy-did", "sub a Privy-style DID", "\"did:privy:cm0000000000000000000000000\"", Verified),
        ("sub-one-character", "sub a single character", "\"x\"", Verified),
    ]));
    out.extend(p.claim_cases("iss", ISS, &[checks::ISSUER], claim_rows![
        ("iss-missing", "no iss", "", Rejected("missing_claim")),
        ("iss-other-host", "iss auth.privy.io", "\"auth.privy.io\"", Rejected("issuer_mismatch")),
        ("iss-url", "iss https://privy.io", "\"https://privy.io\"", Rejected("issuer_mismatch")),
        ("iss-uppercase", "iss PRIVY.IO", "\"PRIVY.IO\"", Rejected("issuer_mismatch")),
        ("iss-number", "iss a number", "1", Rejected("claim_type")),
        ("iss-privy-io", "iss exactly privy.io", "\"privy.io\"", Verified),
    ]));
    out.extend(p.claim_cases("aud", AUD, &[checks::AUDIENCE], claim_rows![
        ("aud-missing", "no aud", "", Rejected("missing_claim")),
        ("aud-other-app", "aud another app's id", "\"other-app-id\"", Rejected("audience_mismatch")),
        ("aud-seed-placeholder", "aud the seed's placeholder your-privy-app-id, not the configured app id", "\"your-privy-app-id\"", Rejected("audience_mismatch")),
        ("aud-array-containing", "aud an array of another app id and the app id", format!("[\"other-app-id\",{}]", quote(APP_ID)), Verified),
        ("aud-array-only", "aud an array holding only the app id", format!("[{}]", quote(APP_ID)), Verified),
        ("aud-array-without", "aud an array of other app ids", "[\"other-app-id\",\"third-app-id\"]", Rejected("audience_mismatch")),
        ("aud-empty-array", "aud an empty array", "[]", Rejected("claim_type")),
        ("aud-number", "aud a number", "7", Rejected("claim_type")),
    ]));
    out.extend(p.exp_rule_cases(EXP, ("exp-missing", "no exp (required for Privy)", Rejected("missing_claim"))));
}

#[rustfmt::skip]
fn json_claims(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const SHAPE: Want = Rejected("claim_shape");
    const TYPE: Want = Rejected("claim_type");
    out.extend(p.claim_cases("custom_metadata", METADATA, &[], claim_rows![
        ("custom-metadata-absent", "no custom_metadata (it is optional)", "", Verified),
        ("custom-metadata-empty-object", "custom_metadata the JSON text {}", quote("{}"), Verified),
        ("custom-metadata-nested", "custom_metadata nested JSON text", quote(r#"{"a":[1,{"b":null}],"c":"d"}"#), Verified),
        ("custom-metadata-unicode", "custom_metadata JSON text with an escaped emoji", quote(r#"{"icon":"\ud83d\ude00"}"#), Verified),
        ("custom-metadata-array", "custom_metadata the JSON text of an array", quote("[1]"), SHAPE),
        ("custom-metadata-string-json", "custom_metadata the JSON text of a string", quote("\"x\""), SHAPE),
        ("custom-metadata-null-json", "custom_metadata the JSON text null", quote("null"), SHAPE),
        ("custom-metadata-truncated", "custom_metadata truncated JSON text", quote(r#"{"a":1"#), SHAPE),
        ("custom-metadata-empty-text", "custom_metadata the empty string", "\"\"", SHAPE),
        ("custom-metadata-trailing-comma", "custom_metadata JSON text with a trailing comma", quote(r#"{"a":1,}"#), SHAPE),
        ("custom-metadata-duplicate-member", "custom_metadata JSON text with a duplicate member", quote(r#"{"role":"user","role":"admin"}"#), SHAPE),
        ("custom-metadata-lone-surrogate", "custom_metadata JSON text with a lone surrogate escape", quote(r#"{"a":"\ud800"}"#), SHAPE),
        ("custom-metadata-object", "custom_metadata an object instead of JSON text", r#"{"plan":"test"}"#, TYPE),
        ("custom-metadata-number", "custom_metadata a number", "1", TYPE),
        ("custom-metadata-null", "custom_metadata null", "null", TYPE),
    ]));
    out.extend(p.claim_cases("linked_accounts", ACCOUNTS, &[], claim_rows![
        ("linked-accounts-absent", "no linked_accounts (both of Privy's SDKs require it)", "", Rejected("missing_claim")),
        ("linked-accounts-empty-array", "linked_accounts the JSON text []", quote("[]"), Verified),
        ("linked-accounts-wallet", "linked_accounts JSON text with an email and a wallet account", quote(r#"[{"type":"email","address":"user@example.test"},{"type":"wallet","address":"0x0000000000000000000000000000000000000001","chain_type":"ethereum"}]"#), Verified),
        ("linked-accounts-object", "linked_accounts the JSON text of an object", quote("{}"), SHAPE),
        ("linked-accounts-truncated", "linked_accounts truncated JSON text", quote("["), SHAPE),
        ("linked-accounts-null-json", "linked_accounts the JSON text null", quote("null"), SHAPE),
        ("linked-accounts-array", "linked_accounts an array instead of JSON text", r#"[{"type":"email"}]"#, TYPE),
        ("linked-accounts-boolean", "linked_accounts a boolean", "true", TYPE),
    ]));
}

#[rustfmt::skip]
fn header(p: &P, out: &mut Vec<Case>) {
    use Want::{Either, Rejected, Verified};
    // (name, what, raw text or absent, verdict): Privy's two SDKs disagree on the first two; a
    // `typ` that is no string is malformed whatever the SDKs do (RFC 7515 §4.1.9).
    let rows = [
        ("typ-missing", "no typ", None, Either),
        ("typ-jws", "typ JWS", Some("\"JWS\""), Either),
        ("typ-number", "typ a number", Some("1"), Rejected("header_member_type")),
        ("typ-lowercase", "typ jwt in lowercase", Some("\"jwt\""), Verified),
    ];
    for (name, what, raw, want) in rows {
        let tok = match raw {
            Some(raw) => p.tok().header_member("typ", raw),
            None => p.tok().without_header("typ"),
        };
        let description = format!("The canonical token with {what} in its header.");
        out.push(p.own(name, &description, TYP).rule("header.typ").tok(tok).want(want));
    }
}

#[rustfmt::skip]
fn seed(p: &P, out: &mut Vec<Case>) {
    out.push(p.own("seed-verify-options", "A token for the seed's audience your-privy-app-id, verified with that app id configured.", ISS).features(&["seed-example"]).rule("iss").rule("aud").checks(&[checks::ISSUER, checks::AUDIENCE]).app_id("your-privy-app-id").tok(p.tok().claim_str("aud", "your-privy-app-id")).verified());
}

/// The identity a verified Privy token names (policy.md §6): user id = `sub`; "parsed metadata
/// and linked accounts": both claims hold JSON text.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    let mut attributes = BTreeMap::new();
    for name in ["custom_metadata", "linked_accounts"] {
        if let Some(text) = string(claims, name) {
            let parsed: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("verified {name} is JSON text: {e}"));
            attributes.insert(name.to_owned(), parsed);
        }
    }
    Identity {
        user_id: user(claims, "sub"),
        attributes,
        ..Identity::default()
    }
}
