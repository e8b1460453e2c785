//! `cargo xtask <task>`: the project's tasks, one module each. Thin: the library does the work.

mod adapters;
mod args;
mod bench;
mod conformance;
mod fuzz;
mod props;
mod readme;
mod results;
mod vectors;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task> [options]

tasks:
  conformance   run implementations against the golden vectors (see --help)
  bench         criterion benchmarks against the primitive floors (--quick, --impl NAME)
  adapters      list or install the external adapters under adapters/
  props         the property tests in release mode (--cases N sets PROPTEST_CASES)
  fuzz          fuzz seeds (`fuzz corpus`) and cargo-fuzz campaigns with progress
  results       regenerate docs/results.md from a run of everything and the README's findings
                block from vectors/exceptions/; --check fails on drift
  vectors       regenerate vectors/ from code; --check fails on drift";

/// The workspace root, whatever directory cargo was started from.
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let task = argv.next();
    let rest: Vec<String> = argv.collect();
    match task.as_deref() {
        Some("conformance") => conformance::main(&rest),
        Some("bench") => bench::main(&rest),
        Some("fuzz") => fuzz::main(&rest),
        Some("props") => props::main(&rest),
        Some("adapters") => adapters::main(&rest),
        Some("results") => results::main(&rest),
        Some("vectors") => vectors::main(&rest),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown task {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
