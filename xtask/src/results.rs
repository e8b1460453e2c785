//! `cargo xtask results [--check]`: regenerate `docs/results.md` from a run of every built-in
//! implementation and every adapter, or fail when the committed page differs.

use std::process::ExitCode;

use idjwt::suite::conformance::{conformance, Config};
use idjwt::suite::report::{render, Format};

/// Regenerate docs/results.md from a run of everything, and the README's findings block from
/// vectors/exceptions/; --check fails on drift.
///
/// Runs every built-in implementation and every adapter under adapters/ (installing them on
/// first use), each in both verify modes, and writes the Markdown report to docs/results.md, and
/// the README's findings block from the divergence classes in vectors/exceptions/.
///
/// Exit status: 0 written or up to date and the run passed, 1 drift found by --check, a
/// failing run or a page over 150 KiB, 2 usage or set-up error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; exit 1 if either differs from what it should be.
    #[arg(long)]
    pub check: bool,
}

/// The findings page is read by people: past this size it is a data dump.
const MAX_PAGE_BYTES: usize = 150 * 1024;

pub fn main(Args { check }: Args) -> ExitCode {
    let root = crate::root();
    let readme = match crate::readme::expected(&root) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if readme.0 != readme.1 {
        if check {
            eprintln!("README.md's findings block differs from vectors/exceptions/; run `cargo xtask results` and commit it");
            return ExitCode::from(1);
        }
        if let Err(e) = std::fs::write(root.join("README.md"), &readme.1) {
            eprintln!("error: cannot write README.md: {e}");
            return ExitCode::from(2);
        }
        println!("wrote the findings block of README.md");
    }
    let adapters = match crate::adapters::ensure_installed(&root) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut config = Config::new(root.join("vectors"));
    config.implementations = idjwt::impls::BUILTIN_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    config.adapters = adapters.iter().map(|a| a.command_line()).collect();
    config.options.defaults_mode = true;
    let report = match conformance(&config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let text = render(&report, Format::Markdown);
    let path = root.join("docs/results.md");
    if check {
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != text {
            eprintln!(
                "{} differs from the results of this run; run `cargo xtask results` and commit it",
                path.display()
            );
            return ExitCode::from(1);
        }
        println!("{} is up to date", path.display());
    } else {
        if let Err(e) = std::fs::write(&path, &text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("wrote {}", path.display());
    }
    if report.failed() {
        eprintln!("the run has failures; see the report");
        return ExitCode::from(1);
    }
    if text.len() > MAX_PAGE_BYTES {
        eprintln!(
            "{} is {} bytes, over the {MAX_PAGE_BYTES} a person reads: show less per section \
             (per-case data belongs in the JSON and HTML reports)",
            path.display(),
            text.len()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
