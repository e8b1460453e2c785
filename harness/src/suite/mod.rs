//! The conformance suite: golden-vector cases, the runner with its named outcomes, signer
//! conformance, known divergences, and reports.

pub mod case;
pub mod conformance;
pub mod exceptions;
pub mod external;
pub mod generate;
pub mod mint;
pub mod options;
pub mod outcome;
pub mod report;
pub mod run;
pub mod signer;
pub mod subject;
pub mod vectors;

pub use case::{Case, CaseContext, Expectation, Mint, SignatureForm, VectorFile};
pub use outcome::{
    Actual, CaseResult, ClassInfo, ImplementationInfo, Outcome, Report, StaleException,
};
