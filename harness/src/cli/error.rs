//! Why a command could not do what it was asked (exit status 2), as opposed to a verdict.

use std::path::PathBuf;

use crate::engine::keys::KeyError;
use crate::profile::ProfileError;
use crate::verdict::Reason;

/// A failure of the command itself. Messages name files and options, never key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The command line could not be parsed (clap's own message, help and version included).
    #[error("{message}")]
    Arguments { message: String },
    /// A profile file could not be loaded, or a profile cannot be used as configured.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// No built-in or loaded profile has this id.
    #[error("unknown provider `{name}` (known: {known})")]
    UnknownProvider { name: String, known: String },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Standard input could not be read.
    #[error("cannot read standard input: {source}")]
    Stdin { source: std::io::Error },
    /// A key file holds JSON or PEM that is not a usable key.
    #[error("key file {path}: {source}")]
    Key { path: PathBuf, source: KeyError },
    /// A `--jwks-url` key set could not be fetched or is not a usable key set.
    #[error(transparent)]
    Jwks(#[from] crate::suite::remote_jwks::JwksFetchError),
    /// A `--key` file is neither a JWK / JWK set (JSON) nor PEM.
    #[error(
        "key file {path} is neither a JWK / JWK set (JSON) nor PEM; \
         give a raw HMAC secret with --secret-file or IDJWT_SECRET"
    )]
    KeyFormat { path: PathBuf },
    /// The command needs a key and none was given.
    #[error(
        "no key: give --key FILE, --jwks-url URL, --secret-file FILE or the IDJWT_SECRET \
         environment variable"
    )]
    NoKey,
    /// `sign` was given keys it cannot choose between, or a key that cannot sign.
    #[error("signing key: {problem}")]
    SigningKey { problem: String },
    /// A `--claim` argument is not `NAME=TEXT` or `NAME:=JSON`.
    #[error("--claim {arg:?}: {problem}")]
    Claim { arg: String, problem: String },
    /// `keygen` would overwrite a file and `--force` was not given.
    #[error("{path} exists; pass --force to overwrite it")]
    Exists { path: PathBuf },
    /// The operating system's random number generator failed.
    #[error("no randomness from the operating system: {problem}")]
    Random { problem: String },
    /// A generated key could not be encoded as PKCS#8 or SPKI PEM.
    #[error("cannot encode the key: {problem}")]
    Encode { problem: String },
    /// The verification could not run (missing configuration, an engine defect).
    #[error(transparent)]
    Verify(#[from] super::verify::VerifyError),
    /// The engine refused to sign, or the token it signed does not verify under the profile.
    #[error("cannot sign: {reason}")]
    Sign { reason: Reason },
    /// `probe` was given a signer URL it cannot use, or no key that verifies the profile's
    /// algorithm.
    #[error("probe: {problem}")]
    Probe { problem: String },
}

impl CliError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Arguments { .. } => "arguments",
            CliError::Profile(e) => e.code(),
            CliError::UnknownProvider { .. } => "unknown_provider",
            CliError::Io { .. } => "io",
            CliError::Stdin { .. } => "stdin",
            CliError::Key { .. } => "key",
            CliError::KeyFormat { .. } => "key_format",
            CliError::Jwks(_) => "jwks",
            CliError::NoKey => "no_key",
            CliError::SigningKey { .. } => "signing_key",
            CliError::Claim { .. } => "claim",
            CliError::Exists { .. } => "exists",
            CliError::Random { .. } => "random",
            CliError::Encode { .. } => "encode",
            CliError::Verify(e) => e.code(),
            CliError::Sign { .. } => "sign",
            CliError::Probe { .. } => "probe",
        }
    }

    /// The exit status: 1 when the signer's own check refused the token, 2 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Sign { .. } => 1,
            _ => 2,
        }
    }
}
