//! idjwt: a conformance, fuzzing and benchmarking harness for signed-identity JWTs.
//!
//! Data flows one way: **profile + keys + token → engine layers → verdict**. The pieces:
//! - [`profile`]: the provider rules table (ten built-in profiles, or your own file);
//! - [`engine`]: the strict reference engine, one module per layer, usable one at a time;
//! - [`contract`]: the one trait any implementation is plugged in through (protocol v1 types);
//! - [`impls`]: the built-in implementations;
//! - [`fuzzing`]: the bodies of the fuzz targets (`fuzz/`), also replayed by `cargo test`;
//! - [`cli`]: the `idjwt` command (verify and explain, lint, sign, keygen, providers, decode);
//! - [`verdict`]: verdicts, identities and reasons with stable codes.
#![forbid(unsafe_code)]

pub mod cli;
pub mod contract;
pub mod engine;
pub mod fuzzing;
pub mod guard;
pub mod impact;
pub mod impls;
pub mod profile;
pub mod suite;
pub mod verdict;

pub use contract::{
    Decoded, Description, Failure, Implementation, Jwk, SignRequest, VerifyRequest,
};
pub use engine::Alg;

pub use verdict::{Identity, Reason, Verdict};

/// The README's example runs as a doctest so that it cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExample;
