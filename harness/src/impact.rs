//! What a divergence from the policy does to the party relying on the token, as a closed,
//! ordered set: every finding the harness reports carries one, and reports sort by it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The impact of a divergence class or of a declared limitation, worst first.
///
/// The order is the order of [`Impact::ALL`] and of `Ord`: a report that sorts by impact puts
/// forgeries before cosmetic gaps.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Impact {
    /// A token nobody holding a configured key signed verifies, or one signed for another key
    /// or app (empty secret, `alg: none`, a key confusion).
    LetsForgedThrough,
    /// A token verifies with another identity than its own, or the binding to the claimed
    /// user, issuer or audience is ignored.
    LetsWrongUserThrough,
    /// An expired or not-yet-valid token verifies.
    LetsExpiredThrough,
    /// The implementation panics, aborts, hangs or dies on a token: anyone who can send one
    /// can take the verifier down.
    Crashes,
    /// A malformed or ambiguous token verifies: two parsers may read it two ways.
    LetsMalformedThrough,
    /// A token the policy accepts is refused: an interoperability problem, not a hole.
    RejectsValid,
    /// The verdict is right; only the reason or the form differs.
    Cosmetic,
}

/// One row per impact: the impact, its stable name, what it means in one line, and the
/// observed outcomes a class of that impact covers unless it names one itself.
#[rustfmt::skip]
const TABLE: &[(Impact, &str, &str, &[&str])] = &[
    (Impact::LetsForgedThrough, "lets-forged-through", "a token not signed by a configured key (or signed for another key or app) verifies", &["unexpected_accept", "wrong_identity"]),
    (Impact::LetsWrongUserThrough, "lets-wrong-user-through", "a token verifies with another identity, or the user, issuer or audience binding is ignored", &["unexpected_accept", "wrong_identity"]),
    (Impact::LetsExpiredThrough, "lets-expired-through", "an expired or not-yet-valid token verifies", &["unexpected_accept", "wrong_identity"]),
    (Impact::Crashes, "crashes", "the implementation panics, hangs or dies on a token", &["panic", "hang", "crash"]),
    (Impact::LetsMalformedThrough, "lets-malformed-through", "a malformed or ambiguous token verifies", &["unexpected_accept", "wrong_identity"]),
    (Impact::RejectsValid, "rejects-valid", "a valid token is refused", &["unexpected_reject"]),
    (Impact::Cosmetic, "cosmetic", "the verdict is right; the reason or the form differs", &["reason_mismatch", "non_conformant_token"]),
];

impl Impact {
    /// Every impact, worst first.
    pub const ALL: [Impact; 7] = [
        Impact::LetsForgedThrough,
        Impact::LetsWrongUserThrough,
        Impact::LetsExpiredThrough,
        Impact::Crashes,
        Impact::LetsMalformedThrough,
        Impact::RejectsValid,
        Impact::Cosmetic,
    ];

    fn row(self) -> &'static (Impact, &'static str, &'static str, &'static [&'static str]) {
        TABLE
            .iter()
            .find(|row| row.0 == self)
            .expect("every impact has a row")
    }

    /// The stable kebab-case name used in exceptions files and reports.
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// What the impact means, in one line.
    pub fn meaning(self) -> &'static str {
        self.row().2
    }

    /// The observed outcomes (names from [`crate::suite::Outcome::NAMES`], or
    /// `reason_mismatch`) that a class of this impact covers when it names none itself.
    pub fn default_outcomes(self) -> &'static [&'static str] {
        self.row().3
    }
}

impl std::fmt::Display for Impact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_row_per_impact_in_order() {
        assert_eq!(TABLE.len(), Impact::ALL.len());
        for (row, impact) in TABLE.iter().zip(Impact::ALL) {
            assert_eq!(row.0, impact);
            let json = serde_json::to_string(&impact).unwrap();
            assert_eq!(json, format!("\"{}\"", impact.name()));
        }
        assert!(Impact::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn only_crashes_cover_breakdowns() {
        for impact in Impact::ALL {
            let breakdown = impact
                .default_outcomes()
                .iter()
                .any(|o| ["panic", "hang", "crash"].contains(o));
            assert_eq!(breakdown, impact == Impact::Crashes, "{impact}");
        }
    }
}
