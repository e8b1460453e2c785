//! `binding`: identity binding for every provider (policy.md §6.6). The client asserts a user id
//! (`drift.identify(userId, …)`, `OneSignal.login(externalId, jwt)`, a widget's user id) and the
//! token's user id must equal it exactly: no case folding, trimming or Unicode normalisation.
//! Bindings that only one provider's ids invite (Drift's numeric ids, an Intercom email where the
//! user id belongs, a OneSignal alias) stay in that provider's namespace.

use super::draft::{Want, P, USER};
use crate::suite::case::{Case, VectorFile};

const NS: &str = "binding";

const BINDING: &str = "policy.md §6.6 (the token's user id must equal the one the client asserts, \
byte for byte; otherwise the token is refused)";

/// `(name, the token's user id, the id the client asserts, what that is, verdict)`.
#[rustfmt::skip]
const ROWS: &[(&str, &str, &str, &str, Want)] = &[
    ("match", USER, USER, "the token's own user id", Want::Verified),
    ("mismatch", USER, "user-2", "another user's id", Want::Rejected("identity_mismatch")),
    ("other-case", USER, "USER-1", "the token's user id in uppercase", Want::Rejected("identity_mismatch")),
    ("trailing-space", USER, "user-1 ", "the token's user id followed by a space", Want::Rejected("identity_mismatch")),
    ("empty", USER, "", "the empty string", Want::Rejected("identity_mismatch")),
    ("unicode-normalization", "caf\u{e9}", "cafe\u{301}", "é decomposed (e + U+0301) while the token has it precomposed (U+00E9)", Want::Rejected("identity_mismatch")),
];

pub(super) fn file() -> VectorFile {
    let mut cases: Vec<Case> = Vec::new();
    for p in P::all() {
        for &(name, user, claimed, what, want) in ROWS {
            let description = format!("A token for {user:?} with the client asserting {what}.");
            let draft = p.case(NS, name, &description, BINDING);
            cases.push(
                draft
                    .features(&["binding"])
                    .claimed(claimed)
                    .tok(p.tok_for(user))
                    .want(want),
            );
        }
    }
    super::draft::file(
        NS,
        "Identity binding: the user id a client asserts against the token's, compared exactly.",
        cases,
    )
}
