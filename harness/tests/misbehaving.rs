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
use idjwt::suite::run::{run, RunOptions};
use idjwt::suite::subject::{InProcess, Subject};
use idjwt::suite::{vectors, CaseResult, Outcome, Report};

const VICTIM: &str = "claims::exp-equals-now@drift";
const FILTER: &str = "claims::exp-*@drift";

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

fn adapter_run(fault: &str) -> Report {
    let serve = env!("CARGO_BIN_EXE_idjwt-serve");
    let mut config = Config::new(vectors_dir());
    config.adapters = vec![format!(
        "RUST_BACKTRACE=0 exec '{serve}' --fault {fault} --fault-id '{VICTIM}'"
    )];
    config.options.filter = Some(globset::Glob::new(FILTER).unwrap().compile_matcher());
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

#[test]
fn an_adapter_that_hangs() {
    let report = adapter_run("hang-on-verify");
    assert_eq!(victim(&report).outcome, Outcome::Hang { timeout_ms: 2000 });
    assert!(report.failed());
}

#[test]
fn an_adapter_that_exits_mid_run() {
    let report = adapter_run("exit-on-verify");
    match &victim(&report).outcome {
        Outcome::Crash { message } => assert!(message.contains("exit"), "{message}"),
        other => panic!("expected a crash, got {other:?}"),
    }
}

#[test]
fn an_adapter_that_prints_garbage() {
    let report = adapter_run("garbage-on-verify");
    match &victim(&report).outcome {
        Outcome::Crash { message } => assert!(message.contains("garbage"), "{message}"),
        other => panic!("expected a crash, got {other:?}"),
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
        filter: Some(globset::Glob::new(FILTER).unwrap().compile_matcher()),
        provider: None,
    };
    let report = run(&cases, &[subject], &Exceptions::default(), &options);
    match &victim(&report).outcome {
        Outcome::Panic { message } => assert!(message.contains("deliberate panic"), "{message}"),
        other => panic!("expected a panic, got {other:?}"),
    }
}
