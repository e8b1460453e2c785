//! The conformance runner end to end: the default run conforms, its summary is a committed
//! snapshot, and deliberately broken implementations — in-process and over protocol v1 — are
//! caught case by case.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use idjwt::impls::faulty;
use idjwt::suite::conformance::{conformance, Config};
use idjwt::suite::exceptions::{Class, Exceptions, ExceptionsFile, Impact};
use idjwt::suite::options::RunOptions;
use idjwt::suite::report::{render, summary, Format};
use idjwt::suite::run::run;
use idjwt::suite::subject::{InProcess, Subject};
use idjwt::suite::{vectors, Case, Outcome, Report};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| vectors::load(&vectors_dir()).unwrap())
}

fn default_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| conformance(&Config::new(vectors_dir())).unwrap())
}

/// The filter that runs only the cases whose ids match `pattern`.
fn only(pattern: &str) -> Option<globset::GlobMatcher> {
    Some(globset::Glob::new(pattern).unwrap().compile_matcher())
}

#[test]
fn the_default_run_conforms() {
    let report = default_report();
    assert!(!report.failed(), "{}", render(report, Format::Table));
    let names: Vec<&str> = report
        .implementations
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names, idjwt::impls::BUILTIN_NAMES);
    assert!(
        names.len() >= 6,
        "the reference and five Rust libraries: {names:?}"
    );
}

#[test]
fn the_reference_passes_every_case() {
    let report = default_report();
    let not_passing: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.implementation == "reference" && r.outcome != Outcome::Pass)
        .map(|r| format!("{} {:?}", r.case_id, r.outcome))
        .collect();
    assert!(not_passing.is_empty(), "{not_passing:#?}");
}

#[test]
fn summary_snapshot() {
    insta::assert_snapshot!("default_run_summary", summary(default_report()));
}

fn subject(imp: Box<dyn idjwt::Implementation>) -> Box<dyn Subject> {
    Box::new(InProcess::new(Arc::from(imp), Duration::from_secs(5)).unwrap())
}

/// The results of one faulty implementation on the cases whose id contains `needle`.
fn caught(name: &str, needle: &str) -> (usize, usize) {
    let imp = faulty::by_name(name).unwrap();
    let selected: Vec<Case> = cases()
        .iter()
        .filter(|c| c.id.contains(needle))
        .cloned()
        .collect();
    assert!(!selected.is_empty(), "no case matches {needle}");
    let report = run(
        &selected,
        &[subject(imp)],
        &Exceptions::default(),
        &RunOptions {
            filter: only(&format!("*{needle}*")),
            provider: None,
        },
    );
    let accepts = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::UnexpectedAccept)
        .count();
    (
        accepts,
        report
            .results
            .iter()
            .filter(|r| !r.case_id.starts_with("signer::") && !r.case_id.starts_with("interop::"))
            .count(),
    )
}

/// Each deliberately faulty implementation, with a word of the case ids its fault shows in.
const FAULTS: &[(&str, &str)] = &[
    ("faulty-accepts-none", "none"),
    ("faulty-ignores-exp", "exp"),
    ("faulty-key-confusion", "with-public-key"),
];

#[test]
fn each_faulty_implementation_is_caught() {
    for (name, cases) in FAULTS {
        let (accepts, total) = caught(name, cases);
        assert!(
            accepts >= 5,
            "{name}: {accepts} unexpected accepts of {total}"
        );
    }
}

#[test]
fn faulty_implementations_still_pass_ordinary_cases() {
    for name in faulty::NAMES {
        let imp = faulty::by_name(name).unwrap();
        let ordinary: Vec<Case> = cases()
            .iter()
            .filter(|c| c.id.starts_with("zendesk::") || c.id.starts_with("privy::"))
            .filter(|c| {
                !c.id.contains("none") && !c.id.contains("exp") && !c.id.contains("with-public-key")
            })
            .cloned()
            .collect();
        let report = run(
            &ordinary,
            &[subject(imp)],
            &Exceptions::default(),
            &RunOptions::default(),
        );
        let failures: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.outcome.is_failure())
            .map(|r| format!("{} {:?}", r.case_id, r.outcome))
            .collect();
        assert!(failures.is_empty(), "{name}: {failures:#?}");
    }
}

#[test]
fn an_adapter_is_judged_case_by_case() {
    let serve = env!("CARGO_BIN_EXE_idjwt-serve");
    let mut config = Config::new(vectors_dir());
    config.adapters = vec![format!("'{serve}' --impl faulty-accepts-none")];
    config.options.filter = only("header::*none*");
    let report = conformance(&config).unwrap();
    assert_eq!(report.implementations.len(), 1);
    assert_eq!(report.implementations[0].name, "faulty-accepts-none");
    assert!(report.failed());
    let accepted: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::UnexpectedAccept)
        .map(|r| r.case_id.as_str())
        .collect();
    assert!(accepted.len() >= 5, "{accepted:?}");
    let table = render(&report, Format::Table);
    for id in &accepted {
        assert!(table.contains(id), "{id} not named in the table");
    }
}

fn class(id: &str, impact: Impact, cases: &[&str]) -> Class {
    Class {
        id: id.into(),
        impact,
        reason: format!("{id} for the test"),
        basis: "test".into(),
        cases: cases.iter().map(|c| c.to_string()).collect(),
        when: None,
    }
}

#[test]
fn a_stale_class_fails_the_run() {
    let selected: Vec<Case> = cases()
        .iter()
        .filter(|c| c.id.starts_with("drift::"))
        .cloned()
        .collect();
    let first = selected[0].id.clone();
    let file = ExceptionsFile {
        implementation: "reference".into(),
        inherits: None,
        classes: vec![
            class("reference::passes", Impact::LetsForgedThrough, &[&first]),
            class(
                "reference::nothing",
                Impact::RejectsValid,
                &["drift::no-such-*"],
            ),
        ],
    };
    let exceptions = Exceptions::from_files(vec![("reference.json".into(), file)]).unwrap();
    let reference = subject(Box::new(idjwt::impls::reference::Reference::default()));
    let report = run(&selected, &[reference], &exceptions, &RunOptions::default());
    assert!(report.failed());
    let stale: Vec<(&str, &str)> = report
        .stale_exceptions
        .iter()
        .map(|s| (s.class.as_str(), s.why.as_str()))
        .collect();
    assert_eq!(
        stale,
        [
            (
                "reference::passes",
                "its cases pass now; remove the class or narrow its globs"
            ),
            ("reference::nothing", "its case globs match no case"),
        ]
    );
}

#[test]
fn a_class_covers_its_cases_by_glob_and_impact() {
    // faulty-ignores-exp accepts expired tokens: a lets-expired-through class over the expiry
    // cases covers them; a rejects-valid class over the same globs covers nothing and is stale.
    let selected: Vec<Case> = cases()
        .iter()
        .filter(|c| c.id.starts_with("claims::exp-") && c.provider.as_deref() == Some("drift"))
        .cloned()
        .collect();
    let faulty = faulty::by_name("faulty-ignores-exp").expect("a faulty built-in");
    let file = ExceptionsFile {
        implementation: "faulty-ignores-exp".into(),
        inherits: None,
        classes: vec![
            class(
                "faulty-ignores-exp::accepts-expired",
                Impact::LetsExpiredThrough,
                &["claims::exp-*@*"],
            ),
            class(
                "faulty-ignores-exp::refuses",
                Impact::RejectsValid,
                &["claims::exp-*@*"],
            ),
        ],
    };
    let exceptions = Exceptions::from_files(vec![("x.json".into(), file)]).unwrap();
    let report = run(
        &selected,
        &[subject(faulty)],
        &exceptions,
        &RunOptions::default(),
    );
    let covered: Vec<&idjwt::suite::CaseResult> = report
        .results
        .iter()
        .filter(|r| r.class.as_deref() == Some("faulty-ignores-exp::accepts-expired"))
        .collect();
    assert!(!covered.is_empty());
    for r in &covered {
        assert_eq!(
            r.outcome,
            Outcome::KnownDivergence {
                observed: "unexpected_accept".into()
            }
        );
        assert_eq!(r.impact, Some(Impact::LetsExpiredThrough));
    }
    let stale: Vec<&str> = report
        .stale_exceptions
        .iter()
        .map(|s| s.class.as_str())
        .collect();
    assert_eq!(stale, ["faulty-ignores-exp::refuses"]);
}
