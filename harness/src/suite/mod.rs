//! The conformance suite: golden-vector cases, the runner with its named outcomes, signer
//! conformance, known divergences, and reports.

pub mod case;
pub mod certificate;
pub mod conformance;
pub mod exceptions;
pub mod external;
pub mod generate;
pub mod http;
pub mod mint;
pub mod options;
pub mod outcome;
pub mod probe;
pub mod publisher;
pub mod remote_jwks;
pub mod report;
pub mod run;
pub mod service;
pub mod signer;
pub mod subject;
pub mod vectors;

pub use case::{Case, CaseContext, Expectation, Mint, SignatureForm, VectorFile};
pub use outcome::{
    Actual, CaseResult, ClassInfo, ImplementationInfo, Outcome, Report, StaleException,
};

/// The `*.json` files directly in `dir`, sorted by path; a directory that does not exist holds
/// none.
pub(crate) fn json_files(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    Ok(paths)
}
