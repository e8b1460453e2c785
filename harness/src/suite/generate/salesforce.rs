//! `salesforce`: the Salesforce Messaging for In-App and Web user-verification profile at each
//! rule's boundary (RS256 and RS512, `kid`, `sub`, `iss` the keyset's issuer, `exp`), and the
//! token Salesforce's own signer writes.

use super::draft::{claim_rows, Want, APP_ID, P};
use super::identity::user;
use super::token::quote;
use crate::contract::checks;
use crate::suite::case::{Case, MintAlg};
use crate::verdict::Identity;
use serde_json::{Map, Value};

const ALG: &str = "\"We support the RS256 and RS512 algorithms.\"; policy.md §6.15";
const KID: &str = "policy.md §6.15 (a kid is required: keyset keys are uploaded with one and \
Salesforce's signer always writes it); docs/decisions.md";
const SUB: &str = "Salesforce's signer: \"-subject Subject, required for generateJwt command\"; \
policy.md §6.15";
const ISS: &str = "\"Enter an issuer that matches the iss parameter value in the JWT payload.\"; \
policy.md §5.9 and §6.15 (exactly the keyset's issuer)";
const EXP: &str = "Salesforce's signer: \"-expiry JWT expiry in seconds, required for generateJwt \
command\"; policy.md §6.15; docs/decisions.md";
const IAT: &str = "policy.md §6.15 (iat optional: Salesforce's signer writes it, no document \
requires it)";
const SIGNER: &str = "Salesforce's key-command-line-utility README: `--generateJwt -kid 12345 \
-issuer testIssuer -subject user1 -expiry 6000 -alg RS256`, whose JwtUtil.java writes the header \
alg and kid and the claims sub, iss, exp and iat (issuer and key id here the configured ones)";
const BINDING: &str = "policy.md §6.6 (identity binding)";

/// Every case of the namespace, in file order.
#[rustfmt::skip]
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.push(p.own("canonical", "The canonical Salesforce token: RS256 with a kid, sub, iss the keyset's issuer and exp an hour on.", ALG).rule("sub").rule("iss").rule("exp").rule("iat").verified());
    out.push(p.own("rs512", "The canonical claims signed with RS512, which Salesforce also accepts.", ALG).tok(p.tok().header_str("alg", "RS512").signed_as(MintAlg::RS512)).verified());
    out.push(p.own("rs512-header-over-rs256-signature", "An RS512 header over the canonical RS256 signature.", ALG).tok(p.tok().header_str("alg", "RS512")).rejected("bad_signature"));
    let signer = p.tok().payload_text(format!(r#"{{"sub":"user1","iss":{},"exp":${{now+6000}},"iat":${{now}}}}"#, quote(APP_ID)));
    out.push(p.own("seed-signer-utility", "The token Salesforce's key utility writes for subject user1 with a 6000-second expiry.", SIGNER).features(&["seed-example"]).tok(signer).verified());
    out.extend(p.header_cases("kid", KID, &[
        ("kid-missing", "no kid", None, Rejected("header_missing")),
        ("kid-unknown", "a kid no keyset key has", Some("\"12345\""), Rejected("unknown_kid")),
        ("kid-configured", "the kid of the configured keyset key", Some("\"salesforce-key-1\""), Verified),
        ("kid-number", "the kid as a number", Some("12345"), Rejected("header_member_type")),
    ]));
    out.push(p.own("rs512-by-another-key", "An RS512 token signed by an RSA key outside the keyset, under the keyset key's kid.", ALG).tok(p.tok().header_str("alg", "RS512").signed_as(MintAlg::RS512).key(p.attacker()).header_str("kid", "salesforce-key-1")).rejected(p.foreign_signature_reason(&p.tok().header_str("alg", "RS512").signed_as(MintAlg::RS512).key(p.attacker()), &p.key(1))));
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-missing", "no sub", "", Rejected("missing_claim")),
        ("sub-empty", "sub the empty string", "\"\"", Rejected("claim_length")),
        ("sub-number", "sub the number 42", "42", TYPE),
        ("sub-email", "sub an email address", "\"user-1@example.test\"", Verified),
    ]));
    out.extend(p.claim_cases("iss", ISS, &[checks::ISSUER], claim_rows![
        ("iss-missing", "no iss", "", Rejected("missing_claim")),
        ("iss-other-keyset", "iss another keyset's issuer", "\"testIssuer\"", Rejected("issuer_mismatch")),
        ("iss-trailing-slash", "iss the issuer with a slash added", quote(&format!("{APP_ID}/")), Rejected("issuer_mismatch")),
        ("iss-keyset", "iss exactly the keyset's issuer", quote(APP_ID), Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[checks::REQUIRED_CLAIMS], claim_rows![("exp-missing", "no exp", "", Rejected("missing_claim"))]));
    out.extend(p.claim_cases("exp", EXP, &[checks::EXPIRY], claim_rows![
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-one-second-left", "exp one second from now", "${now+1}", Verified),
        ("exp-a-day-on", "exp a day from now (Salesforce sets no maximum)", "${now+86400}", Verified),
    ]));
    out.extend(p.claim_cases("iat", IAT, &[], claim_rows![("iat-absent", "no iat", "", Verified)]));
    out.extend(p.claim_cases("iat", IAT, &[checks::DATE_TYPES], claim_rows![("iat-string", "iat a numeric string", "\"1700000000\"", TYPE)]));
    out.push(p.own("binding-same-user", "A client that names user-1 beside a token for user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "A client that names user-2 beside a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));
}

/// The identity a verified Salesforce token names (policy.md §6.15): the user id in `sub`.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "sub"),
        ..Identity::default()
    }
}
