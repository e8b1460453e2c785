//! The HTML report in a real browser: a small conformance run (the reference and
//! `jsonwebtoken` on the key cases and the `exp == now` cases) is rendered, opened in headless
//! Chromium with an impact filter in the URL fragment, and the DOM the page's script leaves
//! behind is checked: the forged finding shows, the findings of other impacts are hidden.
//!
//! Without `/usr/bin/chromium` the test notes it and passes, unless `IDJWT_REQUIRE_BROWSER` is
//! set (CI sets it and installs Debian's `chromium`), when it fails.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use idjwt::impact::Impact;
use idjwt::suite::conformance::{conformance, Config};
use idjwt::suite::report::{render, Format};
use idjwt::suite::Report;

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);
const FORGED_CLASS: &str = "jsonwebtoken::empty-secret-accepted";

fn workspace() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The key cases hold the empty-secret class (lets-forged-through); the `exp == now` cases add
/// a class of another impact for the filter to hide.
fn small_run() -> Report {
    let mut config = Config::new(workspace().join("vectors"));
    config.implementations = vec!["reference".into(), "jsonwebtoken".into()];
    let glob = globset::Glob::new("{keys::*,claims::exp-equals-now*}").unwrap();
    config.options.filter = Some(glob.compile_matcher());
    conformance(&config).expect("the run starts")
}

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("idjwt-html-report-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The DOM after the page's script ran, or why there is none.
fn dump_dom(page: &Path, fragment: &str, dir: &Path) -> Result<String, String> {
    let profile = dir.join("profile");
    let dom_path = dir.join("dom.html");
    let log_path = dir.join("chromium.log");
    // Output goes to files, not pipes: a DOM larger than a pipe's buffer would block the
    // browser while this waits for it to exit.
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--virtual-time-budget=2000")
        .arg("--dump-dom")
        .arg(format!("file://{}#{fragment}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&dom_path).unwrap())
        .stderr(File::create(&log_path).unwrap())
        .spawn()
        .map_err(|e| format!("cannot start {CHROMIUM}: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{CHROMIUM} gave no DOM within {BROWSER_TIMEOUT:?}; its log:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let dom = std::fs::read_to_string(&dom_path).map_err(|e| e.to_string())?;
    if !status.success() || dom.is_empty() {
        return Err(format!(
            "{CHROMIUM} exited with {status} and {} bytes of DOM; its log:\n{}",
            dom.len(),
            std::fs::read_to_string(&log_path).unwrap_or_default()
        ));
    }
    Ok(dom)
}

/// The start tags in `dom` that begin with `prefix`, up to their `>`.
fn start_tags<'d>(dom: &'d str, prefix: &str) -> Vec<&'d str> {
    dom.match_indices(prefix)
        .map(|(at, _)| {
            let tag = &dom[at..];
            &tag[..tag.find('>').map_or(tag.len(), |end| end + 1)]
        })
        .collect()
}

fn is_hidden(tag: &str) -> bool {
    tag.contains(" hidden")
}

/// The case-matrix row of the case whose id starts with `case`.
fn case_row<'d>(dom: &'d str, case: &str) -> &'d str {
    let at = dom
        .find(&format!("\">{case}"))
        .unwrap_or_else(|| panic!("no case-matrix row for {case}"));
    let start = dom[..at].rfind("<tr ").expect("the cell is in a row");
    let tag = &dom[start..];
    &tag[..tag.find('>').unwrap() + 1]
}

#[test]
fn an_impact_filter_in_the_fragment_shows_only_that_impact() {
    let report = small_run();
    let forged = report
        .results
        .iter()
        .find(|r| r.class.as_deref() == Some(FORGED_CLASS))
        .expect("the run covers a case with the empty-secret class");
    assert_eq!(forged.impact, Some(Impact::LetsForgedThrough));
    assert!(
        report
            .results
            .iter()
            .any(|r| r.impact.is_some_and(|i| i != Impact::LetsForgedThrough)),
        "the run has a finding of another impact to hide"
    );
    let page = render(&report, Format::Html);
    eprintln!("page of the small run: {} bytes", page.len());

    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var_os("IDJWT_REQUIRE_BROWSER").is_none(),
            "IDJWT_REQUIRE_BROWSER is set but {CHROMIUM} is missing (Debian: apt-get install chromium)"
        );
        eprintln!("note: {CHROMIUM} is missing, so the HTML report was not opened in a browser");
        return;
    }
    let dir = TempDir::new();
    let path = dir.0.join("report.html");
    std::fs::write(&path, &page).unwrap();
    let dom =
        dump_dom(&path, "impact=lets-forged-through", &dir.0).unwrap_or_else(|e| panic!("{e}"));

    let body = start_tags(&dom, "<body");
    assert!(
        body.first().is_some_and(|b| b.contains("data-ready=\"1\"")),
        "the page's script did not run: {body:?}"
    );
    let findings = start_tags(&dom, "<tr class=\"finding\"");
    let (shown, hidden): (Vec<&str>, Vec<&str>) = findings.iter().partition(|tag| !is_hidden(tag));
    assert_eq!(
        shown,
        ["<tr class=\"finding\" data-impl=\"jsonwebtoken\" data-impact=\"lets-forged-through\">"],
        "only the forged finding shows"
    );
    assert!(
        !hidden.is_empty(),
        "no finding of another impact: {findings:?}"
    );
    for tag in start_tags(&dom, "<th data-impact=") {
        let forged = tag.contains("data-impact=\"lets-forged-through\"");
        assert_eq!(is_hidden(tag), !forged, "impact-matrix column {tag}");
    }
    let forged_row = case_row(&dom, "keys::empty-secret-signed-with-empty-secret");
    assert!(!is_hidden(forged_row), "{forged_row}");
    let expired_row = case_row(&dom, "claims::exp-equals-now");
    assert!(is_hidden(expired_row), "{expired_row}");
    assert!(dom.contains(" cases shown"), "the case count was written");
}
