//! `cargo xtask vectors --check` as a plain test: the committed vectors are exactly what the
//! generator produces, and they load under the schema's Rust types.

use std::path::PathBuf;

use idjwt::suite::{generate, vectors};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

#[test]
fn committed_vectors_match_the_generator() {
    let problems = vectors::drift(&dir(), &generate::all()).unwrap();
    assert!(
        problems.is_empty(),
        "run `cargo xtask vectors` and commit the result:\n{}",
        problems.join("\n")
    );
}

#[test]
fn committed_vectors_load() {
    let cases = vectors::load(&dir()).unwrap();
    assert!(cases.len() >= 600, "{} cases", cases.len());
    for provider in idjwt::profile::builtin_ids() {
        let n = cases
            .iter()
            .filter(|c| c.id.starts_with(&format!("{provider}::")))
            .count();
        assert!(n >= 25, "{provider}: {n} provider-specific cases");
        let all = cases
            .iter()
            .filter(|c| c.provider.as_deref() == Some(provider));
        let n = all.count();
        assert!(n >= 300, "{provider}: {n} cases over all namespaces");
    }
}
