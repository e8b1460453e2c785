//! `cargo xtask vectors [--check]`: regenerate `vectors/` from code, or fail on drift.

use std::process::ExitCode;

use idjwt::suite::{generate, vectors};

/// Regenerate vectors/ from code; --check fails on drift.
///
/// Regenerates vectors/*.json and the schemas from the generator in harness/src/suite/generate.
///
/// Exit status: 0 written or up to date, 1 drift found by --check, 2 usage or I/O error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; exit 1 if the committed files differ from what the generator makes.
    #[arg(long)]
    pub check: bool,
}

pub fn main(Args { check }: Args) -> ExitCode {
    let dir = crate::root().join("vectors");
    let files = generate::all();
    let cases: usize = files.iter().map(|f| f.cases.len()).sum();
    if check {
        return match vectors::drift(&dir, &files) {
            Ok(problems) if problems.is_empty() => {
                println!(
                    "vectors are up to date ({cases} cases in {} files)",
                    files.len()
                );
                ExitCode::SUCCESS
            }
            Ok(problems) => {
                for p in problems {
                    eprintln!("{p}");
                }
                eprintln!("run `cargo xtask vectors` and commit the result");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match vectors::write(&dir, &files) {
        Ok(n) => {
            println!("wrote {n} files ({cases} cases) to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
