//! Every citation in the repository resolves, and nothing points outside it.
//!
//! Citations name a numbered rule or section of a document in `docs/` (`policy.md §3.6`,
//! `taxonomy.md §2.4`); how documents number them is described at the end of this comment.
//!
//! The scan covers every file git knows (tracked, plus untracked files that are not ignored), or,
//! without git, the tree minus `target/`, `node_modules/` and dot-directories. Binary files are
//! skipped. It fails, naming `file:line`, on:
//!
//! - (a) a citation `X.md §N` or `X.md §N.M` (also the continuations `, §M`, ` and §M`, `–§M`)
//!   whose file is not in `docs/`, at the repository root or next to the citing file, or whose
//!   section or rule number that file does not define;
//! - (b) a bare mention of `policy.md` or `taxonomy.md` when that file does not exist;
//! - (c) a path outside the repository (a shared directory next to it, or an absolute home or
//!   work directory);
//! - (d) a relative markdown link `[text](path)` in a `.md` file whose target does not exist;
//! - (e) a citation of `policy.md` or `taxonomy.md` followed by a quotation: cite the numbered
//!   rule instead of copying its words.
//!
//! What a document defines: a heading whose text starts with a number (`## 3. JOSE header`
//! defines `3`, `### 3.4 Title` defines `3.4`) and a bold label (`**3.4**` or `**§3.4**`)
//! anywhere in a line. Within one document every number is defined once, and a label `N.M`
//! sits under the heading of section `N`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// This file: its self-checks hold deliberately broken citations, so the scan leaves it out.
const SELF: &str = "harness/tests/citations.rs";
/// Documents whose bare mention must resolve (b).
const BARE: [&str; 2] = ["policy.md", "taxonomy.md"];
/// Documents that may not be followed by a quotation (e).
const NO_QUOTES: [&str; 2] = ["policy.md", "taxonomy.md"];

/// Substrings that name a place outside the repository (c). Built from pieces so that a search of
/// the repository for them finds only real uses.
fn forbidden() -> Vec<String> {
    [
        ["..", "/shared"],
        ["shared", "/seeds"],
        ["shared", "/reference"],
        ["..", "/seeds/"],
        ["/work", "/"],
        ["/root", "/"],
        ["/home", "/"],
    ]
    .iter()
    .map(|p| p.concat())
    .collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the harness crate lives in the workspace")
        .to_path_buf()
}

// ---------------------------------------------------------------------------------------------
// The scanner: pure functions on text, checked on small strings in `self_check_*` below.

/// A citation `file §id` found in a text, at byte offset `at`.
#[derive(Debug, PartialEq, Eq)]
struct Citation {
    at: usize,
    file: String,
    id: String,
}

/// A mention of a `.md` file, with or without section numbers.
#[derive(Debug, PartialEq, Eq)]
struct Mention {
    at: usize,
    file: String,
    ids: Vec<String>,
    /// The mention is followed by a quotation (`: "…`).
    quoted: bool,
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// `N` or `N.M` or `N.M.K` at the start of `s`; a trailing `.` is not part of it.
fn parse_id(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let mut end = 0;
    loop {
        let start = end;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            return None;
        }
        if end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_digit() {
            end += 1;
            continue;
        }
        return Some(&s[..end]);
    }
}

/// Skips what may stand between a file name and its `§`: spaces, line breaks, a string
/// continuation backslash, a closing backtick. Returns the rest if it starts with `§`.
fn after_gap(s: &str) -> Option<&str> {
    let rest = s.trim_start_matches([' ', '\t', '\r', '\n', '\\', '`']);
    (s.len() - rest.len() <= 64 && rest.starts_with('§')).then_some(rest)
}

/// Separators that continue a citation with another number of the same file.
const CONTINUATIONS: [&str; 8] = [", §", " and §", " or §", " to §", "–§", "—§", "-§", "/§"];

fn quoted(s: &str) -> bool {
    [": \"", ": \\\"", " \"", " \\\"", ": “", " “"]
        .iter()
        .any(|q| s.starts_with(q))
}

/// Every mention of a `*.md` file in `text`.
fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for (dot, _) in text.match_indices(".md") {
        let after = &text[dot + 3..];
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue; // `.mdx`, `.md5`, …
        }
        let start = text[..dot]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_path_char(c))
            .last()
            .map_or(dot, |(i, _)| i);
        let file = &text[start..dot + 3];
        let stem = &file[..file.len() - 3];
        if stem.is_empty() || stem.chars().all(|c| c == '.' || c == '/') {
            continue;
        }
        // A URL (`https://…/README.md`) is not a repository path.
        if file.starts_with("//") || text[..start].ends_with(':') {
            continue;
        }
        let mut ids = Vec::new();
        let mut rest = after;
        if let Some(r) = after_gap(after) {
            let r = &r['§'.len_utf8()..];
            if let Some(id) = parse_id(r) {
                ids.push(id.to_string());
                rest = &r[id.len()..];
                'more: loop {
                    for sep in CONTINUATIONS {
                        if let Some(r) = rest.strip_prefix(sep) {
                            if let Some(id) = parse_id(r) {
                                ids.push(id.to_string());
                                rest = &r[id.len()..];
                                continue 'more;
                            }
                        }
                    }
                    break;
                }
            }
        }
        out.push(Mention {
            at: start,
            file: file.to_string(),
            ids,
            quoted: quoted(rest),
        });
    }
    out
}

/// Every `file §id` citation in `text` (a) .
fn citations(text: &str) -> Vec<Citation> {
    mentions(text)
        .into_iter()
        .flat_map(|m| {
            let (at, file) = (m.at, m.file);
            m.ids.into_iter().map(move |id| Citation {
                at,
                file: file.clone(),
                id,
            })
        })
        .collect()
}

/// The section and rule numbers a document defines, each with the line it is defined on, and the
/// problems with them (duplicates, a label outside its section).
fn defined_ids(doc: &str) -> (BTreeMap<String, usize>, Vec<String>) {
    let mut ids = BTreeMap::new();
    let mut problems = Vec::new();
    let mut section: Option<String> = None;
    let mut fenced = false;
    for (n, line) in doc.lines().enumerate() {
        let n = n + 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut define = |id: &str, problems: &mut Vec<String>| {
            if let Some(first) = ids.insert(id.to_string(), n) {
                problems.push(format!(
                    "line {n}: §{id} is already defined on line {first}"
                ));
            }
        };
        let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
        if hashes > 0 && trimmed[hashes..].starts_with(' ') {
            let title = trimmed[hashes..].trim_start();
            let title = title.strip_prefix('§').unwrap_or(title);
            if let Some(id) = parse_id(title) {
                let next = title[id.len()..].chars().next();
                if matches!(next, None | Some('.' | ' ' | ':')) {
                    define(id, &mut problems);
                    section = Some(id.split('.').next().unwrap_or(id).to_string());
                }
            }
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("**") {
            let inner = &rest[i + 2..];
            let inner = inner.strip_prefix('§').unwrap_or(inner);
            if let Some(id) = parse_id(inner) {
                if inner[id.len()..].starts_with("**") && id.contains('.') {
                    define(id, &mut problems);
                    let top = id.split('.').next().unwrap_or(id);
                    if section.as_deref() != Some(top) {
                        problems.push(format!(
                            "line {n}: rule **{id}** is not under the heading of section {top}"
                        ));
                    }
                }
            }
            rest = &rest[i + 2..];
        }
    }
    (ids, problems)
}

/// Relative link targets `[text](target)` in a markdown text, outside fenced code blocks, with
/// their byte offsets; URLs, mail addresses and in-page anchors are left out (d).
fn relative_links(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut fenced = false;
    for line in md.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            for (i, _) in line.match_indices("](") {
                let rest = &line[i + 2..];
                let Some(end) = rest.find(')') else { continue };
                let target = rest[..end].trim();
                let target = target.split_whitespace().next().unwrap_or("");
                let target = target.trim_start_matches('<').trim_end_matches('>');
                let path = target.split('#').next().unwrap_or("");
                if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                    continue;
                }
                out.push((offset + i, path.to_string()));
            }
        }
        offset += line.len();
    }
    out
}

/// Where a cited file name points, if it exists: next to the citing file, under `docs/`, or at
/// the repository root.
fn resolve(root: &Path, citing: &Path, file: &str) -> Option<PathBuf> {
    let file = file.trim_start_matches("./");
    let here = citing
        .parent()
        .map(|d| root.join(d))
        .unwrap_or_else(|| root.to_path_buf());
    let mut candidates = vec![here.join(file), root.join(file)];
    if !file.contains('/') {
        candidates.push(root.join("docs").join(file));
    }
    candidates.into_iter().find(|p| p.is_file())
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].bytes().filter(|&b| b == b'\n').count() + 1
}

// ---------------------------------------------------------------------------------------------
// The repository.

/// The repository's text files, relative to `root`.
fn files(root: &Path) -> Vec<PathBuf> {
    let git = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output();
    if let Ok(out) = git {
        if out.status.success() && !out.stdout.is_empty() {
            let mut list: Vec<PathBuf> = out
                .stdout
                .split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
                .filter(|p| !vendored(p))
                .collect();
            list.sort();
            list.dedup();
            return list;
        }
    }
    let mut list = Vec::new();
    walk(root, Path::new(""), &mut list);
    list.sort();
    list
}

/// Directories whose content is not the project's own: build output and installed dependencies.
fn vendored(p: &Path) -> bool {
    p.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("target" | "node_modules" | ".git" | ".deps" | ".pydeps" | ".venv" | ".bundle")
        )
    })
}

/// Without git: the tree, minus vendored directories and dot-directories other than the
/// project's own (`.ci`, `.clusterfuzzlite`, `.cargo`, `.github`).
fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = rel.join(&name);
        if vendored(&rel) {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => {
                let own = matches!(
                    name.as_str(),
                    ".ci" | ".clusterfuzzlite" | ".cargo" | ".github"
                );
                if !name.starts_with('.') || own {
                    walk(root, &rel, out);
                }
            }
            Ok(t) if t.is_file() => out.push(rel),
            _ => {}
        }
    }
}

/// The file's text, or `None` for a binary (or vanished) file.
fn text(root: &Path, rel: &Path) -> Option<String> {
    let bytes = std::fs::read(root.join(rel)).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Every problem in the repository, as `file:line: message`, and how many numbered citations
/// were checked.
fn problems(root: &Path) -> (Vec<String>, usize) {
    let forbidden = forbidden();
    let mut docs: BTreeMap<PathBuf, BTreeMap<String, usize>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    let files = files(root);
    assert!(
        files.iter().any(|f| f == Path::new("docs/policy.md")),
        "the scan must see docs/policy.md (found {} files)",
        files.len()
    );
    for rel in files.iter().filter(|f| f.as_path() != Path::new(SELF)) {
        let Some(text) = text(root, rel) else {
            continue;
        };
        let name = rel.display().to_string();
        let at = |offset: usize| format!("{name}:{}", line_of(&text, offset));

        for m in mentions(&text) {
            let base = m.file.rsplit('/').next().unwrap_or(&m.file);
            let target = resolve(root, rel, &m.file);
            if target.is_none() && (!m.ids.is_empty() || BARE.contains(&base)) {
                problems.push(format!(
                    "{}: `{}` cites a file that does not exist",
                    at(m.at),
                    m.file
                ));
                continue;
            }
            if m.quoted && NO_QUOTES.contains(&base) {
                problems.push(format!(
                    "{}: `{}` is followed by a quotation; cite the numbered rule instead",
                    at(m.at),
                    m.file
                ));
            }
            let (Some(target), false) = (target, m.ids.is_empty()) else {
                continue;
            };
            let ids = docs.entry(target.clone()).or_insert_with(|| {
                let doc = std::fs::read_to_string(&target).unwrap_or_default();
                defined_ids(&doc).0
            });
            for id in &m.ids {
                checked += 1;
                if !ids.contains_key(id) {
                    problems.push(format!(
                        "{}: `{} §{id}`: {} defines no section or rule {id}",
                        at(m.at),
                        m.file,
                        target.strip_prefix(root).unwrap_or(&target).display()
                    ));
                }
            }
        }

        for f in &forbidden {
            for (i, _) in text.match_indices(f.as_str()) {
                problems.push(format!(
                    "{}: names a path outside the repository (`{f}`)",
                    at(i)
                ));
            }
        }

        if name.ends_with(".md") {
            let here = rel
                .parent()
                .map(|d| root.join(d))
                .unwrap_or_else(|| root.to_path_buf());
            for (i, link) in relative_links(&text) {
                let target = if let Some(abs) = link.strip_prefix('/') {
                    root.join(abs)
                } else {
                    here.join(&link)
                };
                if !target.exists() {
                    problems.push(format!("{}: link to `{link}`, which does not exist", at(i)));
                }
            }
            let (_, defs) = defined_ids(&text);
            problems.extend(defs.into_iter().map(|p| format!("{name}: {p}")));
        }
    }
    (problems, checked)
}

#[test]
fn every_citation_resolves_and_nothing_points_outside_the_repository() {
    let (problems, checked) = problems(&root());
    // The vectors alone cite numbered rules well over a thousand times.
    assert!(
        checked > 1000,
        "only {checked} numbered citations found: is the scanner broken?"
    );
    let shown: Vec<&String> = problems.iter().take(200).collect();
    assert!(
        problems.is_empty(),
        "{} citation problem(s):\n{}",
        problems.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_policy_and_the_taxonomy_number_their_rules() {
    let root = root();
    for (doc, sections, some_rules) in [
        ("docs/policy.md", 7, ["1.1", "3.6", "5.12", "6.8", "7.2"]),
        ("docs/taxonomy.md", 7, ["1.1", "2.4", "3.4", "5.9", "7.3"]),
    ] {
        let text = std::fs::read_to_string(root.join(doc)).expect(doc);
        let (ids, problems) = defined_ids(&text);
        assert_eq!(problems, Vec::<String>::new(), "{doc}");
        for n in 1..=sections {
            assert!(ids.contains_key(&n.to_string()), "{doc} has no section {n}");
        }
        for id in some_rules {
            assert!(ids.contains_key(id), "{doc} has no rule {id}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The scanner on small strings, so that a scanner that finds nothing cannot pass.

#[test]
fn self_check_citations_are_found_with_their_numbers() {
    let text = "see policy.md §3.6 and `taxonomy.md` §2.4; decisions.md §7.";
    let found = citations(text);
    assert_eq!(
        found,
        vec![
            Citation {
                at: 4,
                file: "policy.md".into(),
                id: "3.6".into()
            },
            Citation {
                at: 25,
                file: "taxonomy.md".into(),
                id: "2.4".into()
            },
            Citation {
                at: 45,
                file: "decisions.md".into(),
                id: "7".into()
            },
        ]
    );
    // Continuations, a Rust string continuation between name and number, a path.
    let ids = |t: &str| citations(t).into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids("policy.md §1.2, §1.3 and §1.4 (x)"),
        ["1.2", "1.3", "1.4"]
    );
    assert_eq!(ids("policy.md §3.5–§3.8"), ["3.5", "3.8"]);
    assert_eq!(ids("\"policy.md \\\n    §6.6 (binding)\""), ["6.6"]);
    assert_eq!(citations("docs/policy.md §2")[0].file, "docs/policy.md");
    // Not citations: RFC sections, a bare mention, a URL.
    assert!(ids("RFC 7515 §4.1.9; policy.md; https://x.test/policy.md §1").is_empty());
    assert_eq!(mentions("policy.md")[0].ids, Vec::<String>::new());
    assert!(mentions("file.mdx §1").is_empty());
}

#[test]
fn self_check_quotations_are_noticed() {
    assert!(mentions("policy.md §3: \"unknown kid\"")[0].quoted);
    assert!(mentions("policy.md §3: \\\"unknown kid\\\"")[0].quoted);
    assert!(mentions("taxonomy.md: \"megabyte headers\"")[0].quoted);
    assert!(!mentions("policy.md §3.6 (unknown kid)")[0].quoted);
    assert!(!mentions("policy.md §6: enforcement modes")[0].quoted);
}

#[test]
fn self_check_documents_define_headings_and_labels() {
    let doc = "# Title\n\n## 1. First\n- **1.1** a\n- **§1.2** b\n## 2. Second\n### 2.1 Sub\n\
               - **Bold words.** not a label\n```\n## 9. in a code block\n```\n";
    let (ids, problems) = defined_ids(doc);
    assert_eq!(
        ids.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1", "1.1", "1.2", "2", "2.1"]
    );
    assert_eq!(problems, Vec::<String>::new());
    let (_, problems) = defined_ids("## 1. A\n- **1.1** a\n- **1.1** again\n- **2.1** misplaced\n");
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn self_check_links_and_outside_paths() {
    let md = "[a](docs/x.md) [b](https://x.test/y) [c](#anchor) [d](y.md#part \"title\")\n\
              ```\n[e](not-a-link)\n```\n";
    let links: Vec<String> = relative_links(md).into_iter().map(|(_, l)| l).collect();
    assert_eq!(links, ["docs/x.md", "y.md"]);
    let outside = ["see ../", "shared", "/seeds/000.txt"].concat();
    assert!(forbidden().iter().any(|f| outside.contains(f.as_str())));
    assert!(!forbidden()
        .iter()
        .any(|f| "fuzz/seeds/parse_compact".contains(f.as_str())));
}

#[test]
fn self_check_a_missing_rule_is_reported() {
    // A scratch repository: one document and one file citing it, well and badly.
    let dir = std::env::temp_dir().join(format!("idjwt-citations-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/policy.md"), "## 1. One\n- **1.1** rule\n").unwrap();
    std::fs::write(dir.join("docs/taxonomy.md"), "## 1. One\n").unwrap();
    let bad = "ok: policy.md §1.1, §1\nbad: policy.md §1.2 and nosuch.md §1\n[x](gone.md)\n";
    std::fs::write(dir.join("notes.md"), bad).unwrap();
    // Not a git repository: the scan falls back to walking the tree (unless `dir` sits inside
    // one, in which case git lists the untracked files just the same).
    let (mut found, _) = problems(&dir);
    found.retain(|p| p.starts_with("notes.md"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("notes.md:2:") && found[0].contains("§1.2"),
        "{found:#?}"
    );
    assert!(found.iter().any(|p| p.contains("nosuch.md")), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("notes.md:3:") && p.contains("gone.md")),
        "{found:#?}"
    );
}
