//! Every committed fuzz input (`fuzz/seeds/` and `fuzz/regressions/`) replayed through the fuzz
//! targets' bodies on stable, so that CI without nightly still runs them; and the seeds checked
//! against what `cargo xtask fuzz corpus` generates from the golden vectors.

use std::path::{Path, PathBuf};

use idjwt::fuzzing::{self, seeds};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Runs every committed input of `target`; returns how many there were.
fn replay(target: &str) -> usize {
    let body = fuzzing::target(target).expect("a fuzz target").run;
    let mut count = 0;
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind).join(target)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .map(|e| e.expect("a directory entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("a readable corpus file");
            let outcome = std::panic::catch_unwind(|| body(&bytes));
            assert!(outcome.is_ok(), "{} fails on {}", target, path.display());
            count += 1;
        }
    }
    count
}

macro_rules! replays {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            let count = replay(stringify!($target));
            assert!(count > 0, "no committed inputs for {}", stringify!($target));
        }
    )*};
}

replays!(
    parse_compact,
    verify_reference,
    claims_json,
    structured,
    differential
);

#[test]
fn every_target_is_replayed_here_and_has_a_fuzz_target_file() {
    let replayed = [
        "parse_compact",
        "verify_reference",
        "claims_json",
        "structured",
        "differential",
    ];
    for target in fuzzing::TARGETS {
        assert!(
            replayed.contains(&target.name),
            "{} is not replayed",
            target.name
        );
        let file = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        let text = std::fs::read_to_string(&file).expect("a fuzz target file");
        assert!(
            text.contains(&format!("idjwt::fuzzing::{}(", target.name)),
            "{} is not a one-line call into idjwt::fuzzing",
            file.display()
        );
    }
}

#[test]
fn seeds_are_what_the_golden_vectors_generate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cases = idjwt::suite::vectors::load(&root.join("vectors")).expect("the golden vectors");
    let seeds = seeds::seeds(&cases);
    for target in fuzzing::TARGETS {
        assert!(
            seeds.iter().any(|s| s.target == target.name),
            "no seeds for {}",
            target.name
        );
    }
    let drift = seeds::drift(&fuzz_dir().join("seeds"), &seeds).expect("readable seeds");
    assert!(
        drift.is_empty(),
        "fuzz/seeds/ is stale; run `cargo xtask fuzz corpus`:\n{}",
        drift.join("\n")
    );
}
