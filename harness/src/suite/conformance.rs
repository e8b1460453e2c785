//! The main job as a library call: pick implementations, load vectors and exceptions, run.
//! `cargo xtask conformance` only parses arguments and prints what this returns.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::case::Expectation;
use super::exceptions::{Exceptions, ExceptionsError};
use super::external::{AdapterError, External};
use super::http::Limits;
use super::options::RunOptions;
use super::outcome::Report;
use super::outcome::{clip_detail, Actual, CaseResult, ImplementationInfo, Outcome};
use super::probe::{probe, shown_user, HttpSigner};
use super::run::run;
use super::service::{rekey, HttpVerifier, NotRekeyed};
use super::subject::{
    Breaker, InProcess, Subject, DEFAULT_DESCRIBE_TIMEOUT, DEFAULT_GIVE_UP_AFTER, DEFAULT_TIMEOUT,
};
use super::vectors::{load, VectorsError};
use crate::engine::keys::Key;
use crate::impls;

/// Running services under test over HTTP, for one provider, with the key they use (TEST or
/// staging keys only; it is never printed).
#[derive(Clone, Debug)]
pub struct Services {
    /// The profile id.
    pub profile: String,
    /// The signing key: cases are re-signed with it, a signer's tokens verified with it.
    pub key: Key,
    /// The service's app id, where the profile takes one.
    pub app_id: Option<String>,
    /// A verification service (`--verifier-url`).
    pub verifier_url: Option<String>,
    /// The verify request body template (`{token}`, `{claimed_user}`); the default otherwise.
    pub body: Option<String>,
    /// A signer endpoint, with `{user}` for the user id (`--signer-url`).
    pub signer_url: Option<String>,
    /// The JSON member of a signer's answer that holds the token.
    pub token_member: Option<String>,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Built-in implementations by name; empty means all of them unless adapters are given.
    pub implementations: Vec<String>,
    /// External adapter command lines (protocol v1).
    pub adapters: Vec<String>,
    /// The vectors directory (`vectors/`); exceptions are read from its `exceptions/`.
    pub vectors_dir: PathBuf,
    /// Case selection.
    pub options: RunOptions,
    /// Per-request timeout.
    pub timeout: Duration,
    /// How long an implementation may take to start and describe itself.
    pub describe_timeout: Duration,
    /// Give an implementation up after this many consecutive hangs or crashes (0: never).
    pub give_up_after: u32,
    /// Running services under test over HTTP.
    pub services: Option<Services>,
}

impl Config {
    /// Everything built in, against the given vectors directory.
    pub fn new(vectors_dir: PathBuf) -> Config {
        Config {
            implementations: Vec::new(),
            adapters: Vec::new(),
            vectors_dir,
            options: RunOptions::default(),
            timeout: DEFAULT_TIMEOUT,
            describe_timeout: DEFAULT_DESCRIBE_TIMEOUT,
            give_up_after: DEFAULT_GIVE_UP_AFTER,
            services: None,
        }
    }
}

/// Why a run could not start (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// No built-in implementation has this name.
    #[error("no built-in implementation {name:?} (built-in: {known})")]
    UnknownImplementation { name: String, known: String },
    /// No built-in profile has this id.
    #[error("no provider {name:?} (built-in: {known})")]
    UnknownProvider { name: String, known: String },
    /// An adapter could not be started or described itself wrongly.
    #[error(transparent)]
    Adapter(#[from] AdapterError),
    /// An implementation's describe panicked.
    #[error("implementation {name}: {problem}")]
    Describe { name: String, problem: String },
    /// Two implementations describe themselves with the same name.
    #[error("two implementations are both called {0:?}; results would be ambiguous")]
    DuplicateName(String),
    /// The vectors could not be loaded.
    #[error(transparent)]
    Vectors(#[from] VectorsError),
    /// The exceptions could not be loaded.
    #[error(transparent)]
    Exceptions(#[from] ExceptionsError),
    /// The vectors directory holds no case.
    #[error("no vectors in {0}; run `cargo xtask vectors` to generate them")]
    NoVectors(String),
    /// A service URL or its options cannot be used.
    #[error("{0}")]
    Service(String),
}

impl SetupError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            SetupError::UnknownImplementation { .. } => "unknown_implementation",
            SetupError::UnknownProvider { .. } => "unknown_provider",
            SetupError::Adapter(_) => "adapter",
            SetupError::Describe { .. } => "describe",
            SetupError::DuplicateName(_) => "duplicate_name",
            SetupError::Vectors(_) => "vectors",
            SetupError::Exceptions(_) => "exceptions",
            SetupError::NoVectors(_) => "no_vectors",
            SetupError::Service(_) => "service",
        }
    }
}

/// The subjects a configuration names, in order: built-ins, then adapters.
pub fn subjects(config: &Config) -> Result<Vec<Box<dyn Subject>>, SetupError> {
    let only_services = config.services.is_some();
    let names: Vec<String> =
        if config.implementations.is_empty() && config.adapters.is_empty() && !only_services {
            impls::BUILTIN_NAMES.iter().map(|s| s.to_string()).collect()
        } else {
            config.implementations.clone()
        };
    let mut out: Vec<Box<dyn Subject>> = Vec::new();
    for name in &names {
        let imp = impls::builtin(name).ok_or_else(|| SetupError::UnknownImplementation {
            name: name.clone(),
            known: impls::BUILTIN_NAMES.join(", "),
        })?;
        let started = InProcess::start(Arc::from(imp), config.timeout, config.describe_timeout);
        let subject = started.map_err(|problem| SetupError::Describe {
            name: name.clone(),
            problem,
        })?;
        out.push(Box::new(Breaker::new(
            Box::new(subject),
            config.give_up_after,
        )));
    }
    for command in &config.adapters {
        let external = External::spawn_with(command, config.timeout, config.describe_timeout)?;
        out.push(Box::new(Breaker::new(
            Box::new(external),
            config.give_up_after,
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in &out {
        if !seen.insert(s.description().name.clone()) {
            return Err(SetupError::DuplicateName(s.description().name.clone()));
        }
    }
    Ok(out)
}

/// Loads everything and runs.
pub fn conformance(config: &Config) -> Result<Report, SetupError> {
    if let Some(p) = &config.options.provider {
        crate::profile::builtin(p).map_err(|_| SetupError::UnknownProvider {
            name: p.clone(),
            known: crate::profile::builtin_ids().collect::<Vec<_>>().join(", "),
        })?;
    }
    let cases = load(&config.vectors_dir)?;
    if cases.is_empty() {
        return Err(SetupError::NoVectors(
            config.vectors_dir.display().to_string(),
        ));
    }
    let exceptions = Exceptions::load_dir(&config.vectors_dir.join("exceptions"))?;
    let mut subjects = subjects(config)?;
    let Some(services) = &config.services else {
        return Ok(run(&cases, &subjects, &exceptions, &config.options));
    };
    let profile =
        crate::profile::builtin(&services.profile).map_err(|_| SetupError::UnknownProvider {
            name: services.profile.clone(),
            known: crate::profile::builtin_ids().collect::<Vec<_>>().join(", "),
        })?;
    let limits = Limits {
        timeout: config.timeout,
        ..Limits::default()
    };
    let (cases, left_out) = rekey(&cases, profile, &services.key, services.app_id.as_deref());
    if let Some(url) = &services.verifier_url {
        let verifier = HttpVerifier::new(
            url,
            profile,
            "verifier-service",
            services.body.as_deref(),
            limits,
        )
        .map_err(|e| SetupError::Service(e.to_string()))?;
        subjects.push(Box::new(Breaker::new(
            Box::new(verifier),
            config.give_up_after,
        )));
    }
    let mut options = config.options.clone();
    options.provider = Some(profile.id.clone());
    let mut report = run(&cases, &subjects, &exceptions, &options);
    report.left_out = left_out;
    if let Some(url) = &services.signer_url {
        let signer = HttpSigner::new(url, services.token_member.as_deref(), limits)
            .map_err(|e| SetupError::Service(e.to_string()))?;
        report.implementations.push(ImplementationInfo {
            name: SIGNER_ENDPOINT.into(),
            mode: Default::default(),
            version: url.clone(),
            clock: "system".into(),
            cannot_enforce: Vec::new(),
            not_run: None,
        });
        let probed = probe(
            profile,
            &services.key,
            services.app_id.as_deref(),
            &|user| signer.fetch(user),
        );
        report.results.extend(probed.into_iter().map(|p| CaseResult {
            case_id: format!("probe::{}::{}", profile.id, p.label),
            implementation: SIGNER_ENDPOINT.into(),
            mode: Default::default(),
            provider: Some(profile.id.clone()),
            expected: if p.provider_accepts {
                Expectation::Verified
            } else {
                Expectation::Rejected
            },
            expected_reason: None,
            actual: Actual {
                verdict: p.answer.split(':').next().unwrap_or_default().to_owned(),
                reason: None,
                detail: Some(clip_detail(p.answer.clone())),
            },
            outcome: match (p.hung, p.problems.is_empty()) {
                (true, _) => Outcome::Hang {
                    timeout_ms: limits.timeout.as_millis() as u64,
                },
                (false, true) => Outcome::Pass,
                (false, false) => Outcome::NonConformantToken {
                    problem: format!("user {}: {}", shown_user(&p.user), p.problems.join("; ")),
                },
            },
            reason_mismatch: None,
            reminted: false,
            basis: "signer probe: the token a signer hands out for a user id must verify under its key, name exactly that user, and follow every rule of the profile; an id the provider refuses must be refused".into(),
            class: None,
            impact: None,
        }));
    }
    Ok(report)
}

/// How reports name a signer endpoint under test.
pub const SIGNER_ENDPOINT: &str = "signer-endpoint";

/// Why cases were left out of a service run, one line per reason with its count.
pub fn left_out_summary(left_out: &[NotRekeyed]) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for n in left_out {
        *counts.entry(n.why).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(why, n)| format!("{n} case(s) not sent: {why}"))
        .collect()
}
