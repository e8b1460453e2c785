//! `idjwt verify`'s text and JSON output for a representative set of golden vectors, pinned by
//! insta snapshots (each case pins its own `now`, so the output is stable).

use std::path::PathBuf;

mod common;

use idjwt::cli::{json, text};
use idjwt::suite::case::Case;
use idjwt::suite::vectors;

/// One of each kind of answer: verified with identity, each layer's refusal, fallbacks, lints.
const CASES: &[&str] = &[
    "zendesk::canonical",
    "zendesk::kid-missing",
    "zendesk::email-verified-false",
    "privy::aud-other-app",
    "onesignal::identity-without-external-id",
    "intercom::attribute-string",
    "binding::mismatch@drift",
    "claims::exp-milliseconds@drift",
    "header::alg-none@drift",
    "signature::es256-high-s@onesignal",
    "modes::enabled-expired@drift",
    "modes::disabled-valid@privy",
    "keys::jose-hs256-with-public-key-pem",
];

#[test]
fn verify_output_for_representative_vectors() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let all = vectors::load(&dir).unwrap();
    for id in CASES {
        let case: &Case = all.iter().find(|c| c.id == *id).expect(id);
        let report = common::cli_report(case);
        let name: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        insta::assert_snapshot!(format!("{name}.text"), text::report(&report));
        insta::assert_snapshot!(format!("{name}.json"), json::pretty(&json::report(&report)));
    }
}
