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
/// failing run or a section of the page over 16 KiB, 2 usage or set-up error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; exit 1 if either differs from what it should be.
    #[arg(long)]
    pub check: bool,
}

/// The findings page is read by people, one implementation's section at a time: past this size
/// a section is a data dump. (The page grows with the implementations tested; each section
/// must not.)
const MAX_SECTION_BYTES: usize = 16 * 1024;

/// The page's `## ` sections over [`MAX_SECTION_BYTES`], with their sizes.
fn oversized_sections(page: &str) -> Vec<(String, usize)> {
    let mut sections: Vec<(String, usize)> = Vec::new();
    for line in page.split_inclusive('\n') {
        match line.strip_prefix("## ") {
            Some(title) => sections.push((title.trim().to_owned(), line.len())),
            None => {
                if let Some((_, size)) = sections.last_mut() {
                    *size += line.len();
                }
            }
        }
    }
    sections.retain(|(_, size)| *size > MAX_SECTION_BYTES);
    sections
}

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
    let oversized = oversized_sections(&text);
    for (title, size) in &oversized {
        eprintln!(
            "{}: section {title:?} is {size} bytes, over the {MAX_SECTION_BYTES} a person reads: \
             show less in it (per-case data belongs in the JSON and HTML reports)",
            path.display()
        );
    }
    if !oversized.is_empty() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_measured_one_by_one() {
        let small = format!("# t\n\n## a\n{}\n## b\nx\n", "y".repeat(100));
        assert!(oversized_sections(&small).is_empty());
        let big = format!("## a\nx\n## b\n{}\n", "y".repeat(MAX_SECTION_BYTES));
        let over = oversized_sections(&big);
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].0, "b");
        // The committed page keeps to the bound.
        let page = std::fs::read_to_string(crate::root().join("docs/results.md")).unwrap();
        assert_eq!(oversized_sections(&page), Vec::new());
    }
}
