//! `braze`: the Braze SDK-authentication profile at each rule's boundary (RS256 only, `typ`
//! JWT, `sub` the `changeUser` id, `exp` required), several keys without `kid`, and the token
//! the documentation's tables describe.

use super::draft::{claim_rows, Want, P};
use super::identity::user;
use crate::contract::checks;
use crate::suite::case::{Case, MintAlg};
use crate::verdict::Identity;
use serde_json::{Map, Value};

const ALG: &str = "\"alg | Yes | The supported algorithm is RS256.\"; error 24 \
\"INCORRECT_ALGORITHM\"; policy.md §6.16";
const TYP: &str = "\"typ | Yes | The type should equal JWT.\"; policy.md §3.10 and §6.16";
const SUB: &str =
    "\"sub | Yes | The \\\"subject\\\" should equal the User ID you supply Braze SDK \
when calling changeUser\"; policy.md §6.16";
const EXP: &str = "\"exp | Yes | The \\\"expiration\\\" of when you want this token to expire.\"; \
error 10 \"EXPIRATION_REQUIRED\", error 22 \"EXPIRED\"; policy.md §6.16";
const KEYS: &str = "\"You can add up to three public keys for each app: a primary, a secondary, \
and a tertiary.\"; error 27 \"NO_MATCHING_PUBLIC_KEYS\"; policy.md §3.8 and §6.16 (no kid: every \
key is tried)";
const TYP_CASE: &str =
    "policy.md §3.10 (typ is compared ignoring case: accepting jwt where JWT is \
required is either)";
const KID: &str = "policy.md §3.6 (a kid that names no configured key is refused, also where the \
provider's keys are tried without one)";
const AUD: &str =
    "policy.md §5.11 (an aud where the profile expects none: either); Braze documents \
only alg, typ, sub and exp";
const DOC: &str = "The documentation's header and payload tables: {\"alg\":\"RS256\",\
\"typ\":\"JWT\"} and {\"sub\":…,\"exp\":…}, nothing else";
const BINDING: &str = "error 21 \"SUBJECT_MISMATCH | The expected and actual subjects are not the \
same.\"; policy.md §6.6";

/// Every case of the namespace, in file order.
#[rustfmt::skip]
pub(super) fn cases(p: &P, out: &mut Vec<Case>) {
    use Want::{Rejected, Verified};
    const TYPE: Want = Rejected("claim_type");
    out.push(p.own("canonical", "The canonical Braze token: RS256, typ JWT, sub and exp.", DOC).features(&["seed-example"]).rule("sub").rule("exp").verified());
    out.push(p.own("rs512", "The canonical claims signed with RS512.", ALG).tok(p.tok().header_str("alg", "RS512").signed_as(MintAlg::RS512)).rejected("alg_not_allowed"));
    out.extend(p.header_cases("typ", TYP, &[
        ("typ-missing", "no typ", None, Rejected("header_missing")),
        ("typ-jose", "typ JOSE", Some("\"JOSE\""), Rejected("header_value")),
        ("typ-jwt", "typ exactly JWT", Some("\"JWT\""), Verified),
        ("typ-number", "typ the number 1", Some("1"), Rejected("header_member_type")),
    ]));
    out.extend(p.header_cases("typ", TYP_CASE, &[("typ-lowercase", "typ jwt in lowercase", Some("\"jwt\""), Want::Either)]));
    out.extend(p.header_cases("kid", KID, &[("kid-unknown", "a kid that names no configured key", Some("\"12345\""), Rejected("unknown_kid"))]));
    out.extend(p.claim_cases("sub", SUB, &[], claim_rows![
        ("sub-missing", "no sub", "", Rejected("missing_claim")),
        ("sub-empty", "sub the empty string", "\"\"", Rejected("claim_length")),
        ("sub-number", "sub the number 42", "42", TYPE),
        ("sub-uuid", "sub a UUID, as the documentation recommends for user ids", "\"9f2b6c1e-4d3a-4b7e-8f0a-1c2d3e4f5a6b\"", Verified),
        ("sub-non-ascii", "sub with non-ASCII letters", "\"Zoë\"", Verified),
        ("sub-email", "sub an email address", "\"user-1@example.test\"", Verified),
    ]));
    out.extend(p.claim_cases("exp", EXP, &[checks::REQUIRED_CLAIMS], claim_rows![("exp-missing", "no exp", "", Rejected("missing_claim"))]));
    out.extend(p.claim_cases("exp", EXP, &[checks::EXPIRY], claim_rows![
        ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
        ("exp-one-second-left", "exp one second from now", "${now+1}", Verified),
        ("exp-a-day-on", "exp a day from now (Braze sets no maximum)", "${now+86400}", Verified),
    ]));
    out.extend(p.claim_cases("aud", AUD, &[], claim_rows![("aud-present", "an aud, which Braze does not document", "\"braze\"", Want::Either)]));
    out.extend(p.claim_cases("exp", EXP, &[checks::DATE_TYPES], claim_rows![("exp-string", "exp a numeric string", "\"1700003600\"", TYPE)]));
    let (k1, k2, k3) = (p.key(1), p.key(2), p.key(3));
    out.push(p.own("third-key-signs", "Three keys configured, none with a kid in the token; the tertiary key signed it.", KEYS).keys(&[k1.clone(), k2.clone(), k3.clone()]).tok(p.tok_by(k3)).verified());
    out.push(p.own("second-key-signs", "Three keys configured, none with a kid in the token; the secondary key signed it.", KEYS).keys(&[p.key(1), p.key(2), p.key(3)]).tok(p.tok_by(p.key(2))).verified());
    out.push(p.own("unconfigured-key-signs", "Two keys configured; a third key, not configured, signed the token.", KEYS).keys(&[k1, k2]).tok(p.tok_by(p.key(3))).rejected("bad_signature"));
    out.push(p.own("binding-same-user", "The changeUser id user-1 beside a token for user-1.", BINDING).features(&["binding"]).claimed("user-1").verified());
    out.push(p.own("binding-other-user", "The changeUser id user-2 beside a token for user-1.", BINDING).features(&["binding"]).claimed("user-2").rejected("identity_mismatch"));
}

/// The identity a verified Braze token names (policy.md §6.16): the user id in `sub`.
pub(super) fn identity(claims: &Map<String, Value>) -> Identity {
    Identity {
        user_id: user(claims, "sub"),
        ..Identity::default()
    }
}
