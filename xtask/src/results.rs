//! `cargo xtask results [--check]`: regenerate `docs/results.md` and `docs/results/*.md` from a
//! run of every built-in implementation and every adapter, or fail when a committed page differs.

use std::process::ExitCode;

use idjwt::suite::conformance::{conformance, Config};
use idjwt::suite::report::{render, Format};

/// Regenerate docs/results.md from a run of everything, and the README's findings block from
/// vectors/exceptions/; --check fails on drift.
///
/// Runs every built-in implementation and every adapter under adapters/ (installing them on
/// first use), each in both verify modes, and writes the Markdown report to docs/results.md (the
/// findings matrix) and docs/results/<implementation>.md (one page each), and the README's
/// findings block from the divergence classes in vectors/exceptions/.
///
/// Exit status: 0 written or up to date and the run passed, 1 drift found by --check, a
/// failing run or a page over 150 KiB, 2 usage or set-up error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; exit 1 if either differs from what it should be.
    #[arg(long)]
    pub check: bool,
}

/// A findings page is read by people: past this size it is a data dump (#11).
const MAX_PAGE_BYTES: usize = 150 * 1024;

/// The pages of the report: `docs/results.md` (the summary and the findings matrix, then a link
/// to each implementation's page) and `docs/results/<implementation>.md` (its sections in both
/// modes), as (path relative to `docs/`, text). One page per implementation keeps every page a
/// size a person reads however many implementations are tested.
fn pages(report: &str) -> Vec<(String, String)> {
    let mut index = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in report.split_inclusive('\n') {
        match line.strip_prefix("## ") {
            Some(title) if title.trim() != "Findings" => {
                let name = title.trim().trim_end_matches(" (defaults)").to_owned();
                if sections.last().is_none_or(|(n, _)| *n != name) {
                    sections.push((name, String::new()));
                }
            }
            _ => {}
        }
        match sections.last_mut() {
            Some((_, text)) => text.push_str(line),
            None => index.push_str(line),
        }
    }
    let mut out = Vec::new();
    index.push_str("\n## Per implementation\n\nEach page lists an implementation's classes, limitations and reason mismatches, as configured and in defaults mode:\n");
    for (i, (name, text)) in sections.into_iter().enumerate() {
        let sep = if i == 0 { "\n" } else { ", " };
        index.push_str(&format!("{sep}[{name}](results/{name}.md)"));
        let page = format!(
            "# Conformance results: {name}\n\nPart of [the conformance results](../results.md).\n\n{text}"
        );
        out.push((format!("results/{name}.md"), page));
    }
    index.push_str(".\n");
    out.insert(0, ("results.md".to_owned(), index));
    out
}

/// The committed pages under `docs/results/` that a run would not write.
fn stale_pages(docs: &std::path::Path, pages: &[(String, String)]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(docs.join("results")) else {
        return Vec::new();
    };
    let mut stale: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| format!("results/{}", e.file_name().to_string_lossy()))
        .filter(|name| !pages.iter().any(|(p, _)| p == name))
        .collect();
    stale.sort();
    stale
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
    let docs = root.join("docs");
    let pages = pages(&text);
    if check {
        let mut drift: Vec<String> = pages
            .iter()
            .filter(|(path, page)| {
                std::fs::read_to_string(docs.join(path)).unwrap_or_default() != *page
            })
            .map(|(path, _)| format!("docs/{path}"))
            .collect();
        drift.extend(
            stale_pages(&docs, &pages)
                .into_iter()
                .map(|p| format!("docs/{p} (not written by a run)")),
        );
        if !drift.is_empty() {
            eprintln!(
                "these pages differ from the results of this run; run `cargo xtask results` and commit them: {}",
                drift.join(", ")
            );
            return ExitCode::from(1);
        }
        println!(
            "docs/results.md and {} implementation pages are up to date",
            pages.len() - 1
        );
    } else {
        let _ = std::fs::create_dir_all(docs.join("results"));
        for stale in stale_pages(&docs, &pages) {
            let _ = std::fs::remove_file(docs.join(&stale));
        }
        for (path, page) in &pages {
            if let Err(e) = std::fs::write(docs.join(path), page) {
                eprintln!("error: cannot write docs/{path}: {e}");
                return ExitCode::from(2);
            }
        }
        println!(
            "wrote docs/results.md and {} implementation pages",
            pages.len() - 1
        );
    }
    if report.failed() {
        eprintln!("the run has failures; see the report");
        return ExitCode::from(1);
    }
    let oversized: Vec<&(String, String)> = pages
        .iter()
        .filter(|(_, page)| page.len() > MAX_PAGE_BYTES)
        .collect();
    for (path, page) in &oversized {
        eprintln!(
            "docs/{path} is {} bytes, over the {MAX_PAGE_BYTES} a person reads: show less \
             (per-case data belongs in the JSON and HTML reports)",
            page.len()
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
    fn one_page_per_implementation_both_modes_together() {
        let report = "# R\n\n**1 passed**\n\n## Findings\n\n| m |\n\n## a\n\nA\n\n## a (defaults)\n\nAD\n\n## b\n\nB\n";
        let pages = pages(report);
        let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["results.md", "results/a.md", "results/b.md"]);
        assert!(
            pages[0].1.contains("## Findings")
                && pages[0].1.contains("[a](results/a.md), [b](results/b.md).")
        );
        assert!(!pages[0].1.contains("AD"));
        assert!(pages[1].1.contains("## a\n\nA") && pages[1].1.contains("## a (defaults)\n\nAD"));
        assert!(pages[1]
            .1
            .contains("[the conformance results](../results.md)"));
        // The committed pages keep to the bound.
        let docs = crate::root().join("docs");
        for name in std::iter::once("results.md".to_owned()).chain(stale_pages(&docs, &[])) {
            let page = std::fs::read_to_string(docs.join(&name)).unwrap();
            assert!(page.len() <= MAX_PAGE_BYTES, "{name}: {}", page.len());
        }
    }
}
