//! `idjwt verify`'s text and JSON output for a representative set of golden vectors, and
//! `idjwt lint`'s for tokens that break rules needing no key, pinned by insta snapshots (each
//! case pins its own `now`, so the output is stable).

use std::ffi::OsString;
use std::path::PathBuf;

mod common;

use idjwt::cli::{json, text};
use idjwt::engine::keys::Key;
use idjwt::engine::{sign_raw, Alg};
use idjwt::suite::case::Case;
use idjwt::suite::vectors;
use serde_json::{json, Value};

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
        let report = common::cli_report(case).expect(id);
        let name: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        insta::assert_snapshot!(format!("{name}.text"), text::report(&report));
        insta::assert_snapshot!(format!("{name}.json"), json::pretty(&json::report(&report)));
    }
}

/// `idjwt lint ARGS…` run in-process: the exit status, then what it printed.
fn lint(args: &[&str]) -> String {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut stdin: &[u8] = b"";
    let status = idjwt::cli::run(
        ["idjwt", "lint"].iter().chain(args).map(OsString::from),
        &mut idjwt::cli::Io {
            env: &|_| None,
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
        },
    );
    assert!(stderr.is_empty(), "{}", String::from_utf8_lossy(&stderr));
    format!(
        "exit status {status}\n\n{}",
        String::from_utf8_lossy(&stdout)
    )
}

/// A token signed with a TEST key (derived from a label, never secret) under exactly `header`.
fn test_token(alg: Alg, header: Value, claims: Value) -> String {
    let key = Key::test_hmac("lint-snapshot");
    let payload = serde_json::to_vec(&claims).unwrap();
    sign_raw(alg, &key, header.as_object().unwrap(), &payload).unwrap()
}

/// Without a key, `lint` names every rule a token breaks that needs none, with `verify`'s names,
/// values and sources: for Zendesk the missing `scope` and header members, a 300-character
/// `external_id` and a fractional `exp`; for Privy an HS256 token (Privy is ES256-only) without
/// `iss` and `aud`.
#[test]
fn lint_names_every_rule_broken_without_a_key() {
    let zendesk = test_token(
        Alg::HS256,
        json!({"alg": "HS256"}),
        json!({"external_id": "x".repeat(300), "exp": 1_700_000_000.5, "email": "jane@example.test"}),
    );
    let privy = test_token(
        Alg::HS256,
        json!({"alg": "HS256", "typ": "JWT"}),
        json!({"sub": "did:privy:test-user", "exp": 1_700_003_600, "plan": "pro"}),
    );
    #[rustfmt::skip]
    let runs = [
        ("lint_zendesk.text", vec!["--provider", "zendesk", "--now", "1699999000", &zendesk]),
        ("lint_zendesk.json", vec!["--provider", "zendesk", "--now", "1699999000", "--format", "json", &zendesk]),
        ("lint_privy.text", vec!["--provider", "privy", "--now", "1700000000", &privy]),
        ("lint_privy.json", vec!["--provider", "privy", "--now", "1700000000", "--format", "json", &privy]),
    ];
    for (name, args) in runs {
        insta::assert_snapshot!(name, lint(&args));
    }
}
