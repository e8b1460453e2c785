//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::Alg;
use crate::profile::Mode;

/// Offline, strict, provider-aware debugging, signing and key generation for signed-identity
/// JWTs (Drift, Privy, Intercom, OneSignal, Zendesk, or your own profile).
#[derive(Debug, Parser)]
#[command(name = "idjwt", version, max_term_width = 100)]
pub struct Cli {
    /// Load a provider profile from a JSON file (repeatable); its id can then be used with
    /// --provider, and it shadows a built-in profile of the same id.
    #[arg(long = "profile", value_name = "FILE", global = true)]
    pub profiles: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify a token with the reference engine and explain every rule it was checked against.
    ///
    /// Exit status: 0 verified, 1 rejected or unverified, 2 usage error, 4 the token verifies
    /// under a publicly known secret (whatever the verdict).
    Verify(VerifyArgs),
    /// Check every rule that needs no key, as verify would, and warn about risky tokens; the
    /// signature is not checked.
    ///
    /// Exit status: 0 passes without warnings, 1 passes with warnings, 2 usage error, 3 would be
    /// rejected under any key, 4 the token verifies under a publicly known secret.
    Lint(LintArgs),
    /// Sign a token the provider accepts (its header, required claims, integral exp), for
    /// testing integrations.
    Sign(SignArgs),
    /// Generate a fresh key of the provider's kind into files readable by the owner only.
    Keygen(KeygenArgs),
    /// List the provider profiles, or one profile's rules with their sources.
    Providers(ProvidersArgs),
    /// Print a token's header and claims WITHOUT verifying anything.
    Decode(DecodeArgs),
    /// Ask a running signer endpoint for tokens for user ids chosen to break signers, and name
    /// per user id every rule its token breaks.
    ///
    /// Exit status: 0 every answer is right, 1 something is wrong, 2 usage error.
    Probe(ProbeArgs),
}

/// Text for people or JSON for programs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text.
    #[default]
    Text,
    /// One JSON document (see docs/cli.md for the stable schema).
    Json,
}

/// Where the keys come from.
#[derive(Clone, Debug, Default, Args)]
pub struct KeyArgs {
    /// A key file: a JWK, a JWK set ({"keys":[…]}) or PEM (SPKI or PKCS#8 of a P-256 or RSA
    /// key, SEC1, PKCS#1). Repeatable.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
    /// A JWK set to fetch, under the same rules as a --key file: http:// only (serve a copy
    /// locally; https is not spoken), within --jwks-timeout, 1 MiB, redirects reported and not
    /// followed. Repeatable.
    #[arg(long = "jwks-url", value_name = "URL")]
    pub jwks_urls: Vec<String>,
    /// How long fetching one --jwks-url may take, in milliseconds (default 5000).
    #[arg(long = "jwks-timeout", value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub jwks_timeout_ms: Option<u64>,
    /// A file holding a raw HMAC secret (its bytes, one trailing newline removed). Without
    /// --key and --secret-file, the IDJWT_SECRET environment variable is used.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// The key id given to keys that carry none (PEM, raw secrets, JWKs without "kid").
    #[arg(long, value_name = "ID")]
    pub kid: Option<String>,
}

/// Secrets to try besides the published ones.
#[derive(Clone, Debug, Default, Args)]
pub struct SecretsArgs {
    /// A file of known HMAC secrets, one per line, tried on HS256 tokens after the built-in list
    /// of published ones; a match is reported by line number, never shown. Repeatable.
    #[arg(long = "secrets", value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The clock.
#[derive(Clone, Debug, Default, Args)]
pub struct TimeArgs {
    /// The verification time in seconds since the epoch (default: now).
    #[arg(long, value_name = "EPOCH", allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Clock skew allowed for exp and nbf, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub leeway: u64,
}

/// `idjwt verify`.
#[derive(Clone, Debug, Args)]
pub struct VerifyArgs {
    /// The provider profile whose rules apply.
    #[arg(long, value_name = "NAME", required_unless_present_any = ["alg"])]
    pub provider: Option<String>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// The provider application id (Privy audience, OneSignal issuer).
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
    /// The user id the client claims beside the token; the token's must equal it.
    #[arg(long, value_name = "ID")]
    pub claimed_user: Option<String>,
    /// The enforcement mode (default: the profile's, `required` for every built-in).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    #[command(flatten)]
    pub time: TimeArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Without a provider: the `alg` allow-list (repeatable). The payload must still be JWT
    /// claims, whose registered members are checked, unless --jws-only is given.
    #[arg(long, value_enum, value_name = "ALG", conflicts_with = "provider")]
    pub alg: Vec<AlgArg>,
    /// Check only the JWS layers (encoding, header, key, signature); the payload may be
    /// anything. Needs --alg.
    #[arg(long, requires = "alg", conflicts_with = "provider")]
    pub jws_only: bool,
    /// Verify as if the client presented no token at all (to see what the mode does).
    #[arg(long, conflicts_with = "token")]
    pub no_token: bool,
    #[command(flatten)]
    pub secrets: SecretsArgs,
    /// The token, or `-` (the default) to read it from standard input.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

/// `idjwt lint`.
#[derive(Clone, Debug, Args)]
pub struct LintArgs {
    /// The provider whose rules apply (without one: the registered claims, HS256 or ES256).
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// The provider application id (Privy audience, OneSignal issuer); without it, those rules
    /// are not checked.
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
    /// The user id the client claims beside the token; the token's must equal it.
    #[arg(long, value_name = "ID")]
    pub claimed_user: Option<String>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub secrets: SecretsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The token, or `-` (the default) to read it from standard input.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

/// `idjwt sign`.
#[derive(Clone, Debug, Args)]
pub struct SignArgs {
    /// The provider profile the token is for.
    #[arg(long, value_name = "NAME")]
    pub provider: String,
    #[command(flatten)]
    pub key: KeyArgs,
    /// The user id the token names.
    #[arg(long, value_name = "ID")]
    pub user: String,
    /// An extra claim: NAME=TEXT for a string, NAME:=JSON for any JSON value. Repeatable;
    /// replaces a claim of the same name.
    #[arg(long = "claim", value_name = "NAME=TEXT|NAME:=JSON")]
    pub claims: Vec<String>,
    /// Lifetime in seconds: exp = now + TTL.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub ttl: u32,
    /// The provider application id (Privy audience, OneSignal issuer).
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
    /// The signing time in seconds since the epoch (default: now).
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<i64>,
}

/// `idjwt keygen`.
#[derive(Clone, Debug, Args)]
pub struct KeygenArgs {
    /// The provider whose kind of key to generate (HS256 secret or P-256 pair).
    #[arg(long, value_name = "NAME")]
    pub provider: String,
    /// The key id (default: `<provider>-` and 8 random hex digits).
    #[arg(long, value_name = "ID")]
    pub kid: Option<String>,
    /// File name prefix (default: the key id, in the current directory).
    #[arg(long, value_name = "PREFIX")]
    pub out: Option<PathBuf>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// `idjwt providers`.
#[derive(Clone, Debug, Args)]
pub struct ProvidersArgs {
    /// Show this profile's rules; without it, list every profile.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// `idjwt decode`.
#[derive(Clone, Debug, Args)]
pub struct DecodeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The token, or `-` (the default) to read it from standard input.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

/// `idjwt probe`.
#[derive(Clone, Debug, Args)]
pub struct ProbeArgs {
    /// The provider profile the signer signs for.
    #[arg(long, value_name = "NAME")]
    pub provider: String,
    /// The signer's URL, with {user} where the percent-encoded user id goes, e.g.
    /// 'http://127.0.0.1:3000/generate-jwt/{user}' (plain http only).
    #[arg(long, value_name = "URL")]
    pub signer_url: String,
    /// The key that verifies the signer's tokens.
    #[command(flatten)]
    pub key: KeyArgs,
    /// The provider application id the signer uses (Privy audience, OneSignal issuer).
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
    /// The JSON member of the answer that holds the token (default: the body itself when it
    /// is a token, else the one member that is).
    #[arg(long, value_name = "NAME")]
    pub token_member: Option<String>,
    /// Seconds each request may take, connecting and reading included.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `--mode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// A missing or invalid token is rejected.
    Required,
    /// A missing or invalid token falls back to the claimed user id, unverified.
    Enabled,
    /// Tokens are not consulted; the claimed user id is unverified.
    Disabled,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Required => Mode::Required,
            ModeArg::Enabled => Mode::Enabled,
            ModeArg::Disabled => Mode::Disabled,
        }
    }
}

/// `--alg` values (case-sensitive, as in a JOSE header).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AlgArg {
    /// HMAC with SHA-256.
    #[value(name = "HS256")]
    Hs256,
    /// ECDSA with P-256 and SHA-256.
    #[value(name = "ES256")]
    Es256,
}

impl From<AlgArg> for Alg {
    fn from(a: AlgArg) -> Alg {
        match a {
            AlgArg::Hs256 => Alg::HS256,
            AlgArg::Es256 => Alg::ES256,
        }
    }
}
