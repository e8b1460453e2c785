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
use idjwt::suite::signer::is_signer_id;
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
            ..RunOptions::default()
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
    ("faulty-any-hash", "-signed@"),
    ("faulty-positional-header", "positional"),
];

#[test]
fn a_signer_that_adds_or_retypes_claims_is_caught() {
    let signer = faulty::by_name("faulty-loose-signer").unwrap();
    let report = run(
        &[],
        &[subject(signer)],
        &Exceptions::default(),
        &RunOptions {
            filter: only("signer::*"),
            provider: None,
            ..RunOptions::default()
        },
    );
    let mut seen = 0;
    for r in report
        .results
        .iter()
        .filter(|r| r.case_id.starts_with("signer::"))
    {
        let provider = r.provider.as_deref().unwrap();
        let Outcome::NonConformantToken { problem } = &r.outcome else {
            panic!("{}: {:?}", r.case_id, r.outcome);
        };
        let profile = idjwt::profile::builtin(provider).unwrap();
        // What the profile asks for itself is not added.
        if profile
            .claim("iat")
            .and_then(|r| r.example.as_ref())
            .is_none()
        {
            assert!(problem.contains("claim iat = "), "{problem}");
        }
        if profile.header.typ.is_none() {
            assert!(
                problem.contains(r#"header member typ = "JWT" was added"#),
                "{problem}"
            );
        }
        // A user id read at the top level of the claims is retyped (OneSignal's is nested).
        let uid = &profile.identity.user_id;
        if uid.member.is_none() {
            let claim = &uid.claim;
            let retyped =
                format!(r#"claim {claim} is the number 12345, requested as the string "12345""#);
            assert!(problem.contains(&retyped), "{problem}");
        }
        seen += 1;
    }
    assert_eq!(seen, idjwt::profile::builtin_ids().count());
}

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
            // The loose signer's fault is its tokens (a_signer_that_adds_or_retypes_claims_is_caught).
            .filter(|r| name != "faulty-loose-signer" || !is_signer_id(&r.case_id))
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
        mode: None,
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
        not_inherited: Vec::new(),
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
        not_inherited: Vec::new(),
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

const NBF_AHEAD: &str = "claims::nbf-one-second-ahead@drift";
const PRIVY: &str = "privy::canonical";

/// The run of jsonwebtoken on two cases it passes as configured, in both verify modes.
fn jsonwebtoken_in_both_modes(exceptions: &Exceptions) -> Report {
    let selected: Vec<Case> = cases()
        .iter()
        .filter(|c| c.id == NBF_AHEAD || c.id == PRIVY)
        .cloned()
        .collect();
    assert_eq!(selected.len(), 2, "both cases exist");
    let options = RunOptions {
        filter: only(&format!("{{{NBF_AHEAD},{PRIVY}}}")),
        defaults_mode: true,
        ..RunOptions::default()
    };
    let jsonwebtoken = subject(Box::new(idjwt::impls::jsonwebtoken::JsonWebToken));
    run(&selected, &[jsonwebtoken], exceptions, &options)
}

#[test]
fn defaults_mode_shows_what_the_configuration_hides() {
    use idjwt::contract::VerifyMode::{Configured, Defaults};
    // Given only the key, jsonwebtoken compares no `nbf` (`validate_nbf: false`) and refuses
    // any `aud` (no audience set): two cases it passes as configured diverge in defaults mode,
    // on a row of its own.
    let report = jsonwebtoken_in_both_modes(&Exceptions::default());
    let outcome = |mode, id: &str| {
        report
            .results
            .iter()
            .find(|r| r.mode == mode && r.case_id == id)
            .map(|r| r.outcome.clone())
    };
    assert_eq!(outcome(Configured, NBF_AHEAD), Some(Outcome::Pass));
    assert_eq!(outcome(Configured, PRIVY), Some(Outcome::Pass));
    assert_eq!(
        outcome(Defaults, NBF_AHEAD),
        Some(Outcome::UnexpectedAccept)
    );
    assert_eq!(outcome(Defaults, PRIVY), Some(Outcome::UnexpectedReject));
    let modes: Vec<_> = report.implementations.iter().map(|i| i.mode).collect();
    assert_eq!(modes, [Configured, Defaults]);
    let table = render(&report, Format::Table);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("FAIL  jsonwebtoken (defaults)") && l.contains(NBF_AHEAD)),
        "{table}"
    );

    // The committed classes record both as defaults-mode findings, and the run passes.
    let committed = Exceptions::load_dir(&vectors_dir().join("exceptions")).unwrap();
    let report = jsonwebtoken_in_both_modes(&committed);
    assert!(!report.failed(), "{}", render(&report, Format::Table));
    let class = |id: &str| {
        report
            .results
            .iter()
            .find(|r| r.mode == Defaults && r.case_id == id)
            .and_then(|r| r.class.clone())
    };
    assert_eq!(
        class(NBF_AHEAD).as_deref(),
        Some("jsonwebtoken::default-skips-nbf")
    );
    assert_eq!(
        class(PRIVY).as_deref(),
        Some("jsonwebtoken::default-refuses-any-aud")
    );
    let markdown = render(&report, Format::Markdown);
    assert!(
        markdown.contains("\n## jsonwebtoken (defaults)\n"),
        "{markdown}"
    );
    assert!(markdown.contains("| Defaults mode |"), "{markdown}");
}

#[test]
fn an_adapter_without_defaults_mode_is_not_run_in_it() {
    use idjwt::contract::VerifyMode::{Configured, Defaults};
    // The faulty implementations describe no `modes`: over protocol v1 such an adapter answers
    // configured requests only, and its defaults row is marked not run, which fails nothing.
    let serve = env!("CARGO_BIN_EXE_idjwt-serve");
    let mut config = Config::new(vectors_dir());
    config.adapters = vec![format!("'{serve}' --impl faulty-accepts-none")];
    config.options.filter = only("claims::exp-one-second-ago@drift");
    config.options.defaults_mode = true;
    let report = conformance(&config).unwrap();
    assert!(!report.failed(), "{}", render(&report, Format::Table));
    assert!(!report.results.is_empty());
    assert!(report.results.iter().all(|r| r.mode == Configured));
    let rows: Vec<_> = report
        .implementations
        .iter()
        .map(|i| (i.name.as_str(), i.mode, i.not_run.is_some()))
        .collect();
    assert_eq!(
        rows,
        [
            ("faulty-accepts-none", Configured, false),
            ("faulty-accepts-none", Defaults, true),
        ]
    );
    let table = render(&report, Format::Table);
    assert!(
        table.contains("faulty-accepts-none (defaults)  0 results; not run in defaults mode"),
        "{table}"
    );
    assert!(table.ends_with(" passed, 0 failed\n"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
    let summary = &json["summary"]["implementations"][1];
    assert_eq!(summary["mode"], "defaults");
    assert!(summary["not_run"].is_string(), "{summary}");
}
