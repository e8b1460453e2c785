//! The main job as a library call: pick implementations, load vectors and exceptions, run.
//! `cargo xtask conformance` only parses arguments and prints what this returns.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::exceptions::{Exceptions, ExceptionsError};
use super::external::{AdapterError, External};
use super::options::RunOptions;
use super::outcome::Report;
use super::run::run;
use super::subject::{
    Breaker, InProcess, Subject, DEFAULT_DESCRIBE_TIMEOUT, DEFAULT_GIVE_UP_AFTER, DEFAULT_TIMEOUT,
};
use super::vectors::{load, VectorsError};
use crate::impls;

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
        }
    }
}

/// The subjects a configuration names, in order: built-ins, then adapters.
pub fn subjects(config: &Config) -> Result<Vec<Box<dyn Subject>>, SetupError> {
    let names: Vec<String> = if config.implementations.is_empty() && config.adapters.is_empty() {
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
    let subjects = subjects(config)?;
    Ok(run(&cases, &subjects, &exceptions, &config.options))
}
