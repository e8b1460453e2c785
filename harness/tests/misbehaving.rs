//! A run survives implementations that misbehave: an adapter that hangs, one that exits
//! mid-run, one that prints garbage, and an in-process implementation that panics. Each is
//! recorded on the case where it happened, and every other case still runs and passes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use idjwt::contract::{Decoded, Description, Failure, Implementation, SignRequest, VerifyRequest};
use idjwt::impls::reference::Reference;
use idjwt::suite::conformance::{conformance, Config};
use idjwt::suite::exceptions::Exceptions;
use idjwt::suite::options::RunOptions;
use idjwt::suite::run::run;
use idjwt::suite::subject::{InProcess, Subject};
use idjwt::suite::{vectors, CaseResult, Outcome, Report};

const VICTIM: &str = "claims::exp-equals-now@drift";
const FILTER: &str = "claims::exp-*@drift";

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

/// A run of `idjwt-serve ARGS` as an adapter over the cases whose ids match `pattern`.
fn served(args: &str, pattern: &str) -> Config {
    let serve = env!("CARGO_BIN_EXE_idjwt-serve");
    let mut config = Config::new(vectors_dir());
    config.adapters = vec![format!("RUST_BACKTRACE=0 exec '{serve}' {args}")];
    config.options.filter = only(pattern);
    config
}

fn adapter_run(fault: &str) -> Report {
    let mut config = served(&format!("--fault {fault} --fault-id '{VICTIM}'"), FILTER);
    config.timeout = Duration::from_secs(2);
    conformance(&config).unwrap()
}

/// The victim's outcome, after checking that every other case passed.
fn victim(report: &Report) -> &CaseResult {
    let cases: Vec<&CaseResult> = report
        .results
        .iter()
        .filter(|r| r.case_id.starts_with("claims::"))
        .collect();
    assert!(cases.len() >= 5, "{} cases ran", cases.len());
    for r in &cases {
        if r.case_id != VICTIM {
            assert_eq!(r.outcome, Outcome::Pass, "{} after the fault", r.case_id);
        }
    }
    cases
        .into_iter()
        .find(|r| r.case_id == VICTIM)
        .expect("the victim ran")
}

/// The filter that runs only the cases whose ids match `pattern`.
fn only(pattern: &str) -> Option<globset::GlobMatcher> {
    Some(globset::Glob::new(pattern).unwrap().compile_matcher())
}

#[test]
fn an_adapter_that_hangs() {
    let report = adapter_run("hang-on-verify");
    assert_eq!(victim(&report).outcome, Outcome::Hang { timeout_ms: 2000 });
    assert!(report.failed());
}

#[test]
fn an_adapter_that_exits_or_prints_garbage_mid_run() {
    for (fault, says) in [("exit-on-verify", "exit"), ("garbage-on-verify", "garbage")] {
        let report = adapter_run(fault);
        match &victim(&report).outcome {
            Outcome::Crash { message } => assert!(message.contains(says), "{fault}: {message}"),
            other => panic!("{fault}: expected a crash, got {other:?}"),
        }
    }
}

/// The reference, except that it panics on one case.
struct PanicsOnce;

impl Implementation for PanicsOnce {
    fn describe(&self) -> Description {
        Description {
            name: "panics-once".into(),
            ..Reference::default().describe()
        }
    }
    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        Reference::default().sign(request)
    }
    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        if request.id == VICTIM {
            panic!("deliberate panic on {}", request.id);
        }
        Reference::default().verify(request)
    }
}

#[test]
fn an_implementation_that_panics_in_process() {
    let cases = vectors::load(&vectors_dir()).unwrap();
    let subject: Box<dyn Subject> =
        Box::new(InProcess::new(Arc::new(PanicsOnce), Duration::from_secs(5)).unwrap());
    let options = RunOptions {
        filter: only(FILTER),
        provider: None,
        ..RunOptions::default()
    };
    let report = run(&cases, &[subject], &Exceptions::default(), &options);
    match &victim(&report).outcome {
        Outcome::Panic { message } => assert!(message.contains("deliberate panic"), "{message}"),
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn a_panic_is_a_finding_and_a_crashes_class_records_it() {
    use idjwt::suite::exceptions::{Class, ExceptionsFile, Impact, When};
    use idjwt::suite::report::{render, Format};
    let cases = vectors::load(&vectors_dir()).unwrap();
    let options = RunOptions {
        filter: only(FILTER),
        provider: None,
        ..RunOptions::default()
    };
    let subject = || -> Box<dyn Subject> {
        Box::new(InProcess::new(Arc::new(PanicsOnce), Duration::from_secs(5)).unwrap())
    };
    // Unrecorded, the panic fails the run and the table names it.
    let report = run(&cases, &[subject()], &Exceptions::default(), &options);
    assert!(report.failed());
    let table = render(&report, Format::Table);
    assert!(
        table.contains(&format!("panics-once  {VICTIM}  panic: deliberate panic")),
        "{table}"
    );
    // Recorded as a `crashes` class, the run passes and the panic leads the findings.
    let class = Class {
        id: "panics-once::panics-on-exp-now".into(),
        impact: Impact::Crashes,
        reason: "panics when exp equals now".into(),
        basis: "the test's own implementation".into(),
        cases: vec![VICTIM.into()],
        when: Some(When {
            outcome: Some("panic".into()),
            reason: None,
        }),
        mode: None,
    };
    let file = ExceptionsFile {
        implementation: "panics-once".into(),
        inherits: None,
        not_inherited: Vec::new(),
        classes: vec![class],
    };
    let exceptions = Exceptions::from_files(vec![("panics-once.json".into(), file)]).unwrap();
    let report = run(&cases, &[subject()], &exceptions, &options);
    assert!(!report.failed(), "{}", render(&report, Format::Table));
    let r = victim(&report);
    assert_eq!(
        r.outcome,
        Outcome::KnownDivergence {
            observed: "panic".into()
        }
    );
    assert!(r
        .actual
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("deliberate panic")));
    let table = render(&report, Format::Table);
    assert!(
        table.starts_with("FIND  crashes  panics-once  panics-once::panics-on-exp-now  1 case"),
        "{table}"
    );
    assert!(table.contains("worst crashes, 1 class"), "{table}");
}

#[test]
fn the_circuit_breaker_ends_a_hung_adapters_run_in_seconds() {
    // Hangs on every verify request.
    let mut config = served("--fault hang-on-verify", "claims::*@drift");
    config.timeout = Duration::from_millis(500);
    config.give_up_after = 3;
    let started = std::time::Instant::now();
    let report = conformance(&config).unwrap();
    let elapsed = started.elapsed();
    let hangs = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Hang { .. }))
        .count();
    let not_run: Vec<&CaseResult> = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::NotRun { .. }))
        .collect();
    assert_eq!(hangs, 3);
    assert!(not_run.len() > 50, "{} not run", not_run.len());
    for r in &not_run {
        assert!(
            matches!(&r.outcome, Outcome::NotRun { reason } if reason.contains("unresponsive")),
            "{:?}",
            r.outcome
        );
    }
    assert!(report.failed());
    // Without the breaker this would be a timeout per case: 0.5 s × every case.
    assert!(
        elapsed < Duration::from_secs(20),
        "took {elapsed:?} for {} cases",
        report.results.len()
    );
}
