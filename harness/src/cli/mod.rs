//! The `idjwt` command: a token debugger that says why, a conformant signer, and key tools.
//!
//! Every subcommand is a function of its arguments, the environment, standard input and two
//! output streams ([`run`]), so the binary is a thin `main` and tests can drive the same code.
//! Exit status: 0 success (or `verified`), 1 a negative answer (`rejected`, `unverified`, lint
//! warnings, a token the signer refuses to hand out), 2 a usage error, 3 `lint`: a token `verify`
//! would reject under any key, 4 a critical finding (the token verifies under a publicly known
//! secret), whatever the verdict.
//!
//! - [`verify`]: the reference engine's verdict, explained rule by rule ([`explain`]);
//! - `lint`: the same without the signature ([`keyless`]), and risky-but-valid findings
//!   ([`lint`]) including publicly known secrets ([`secrets`]);
//! - [`sign`], [`keygen`], [`providers`], [`decode`];
//! - [`keyfile`]: keys from files and `IDJWT_SECRET`; [`input`]: tokens, profiles, the clock;
//! - [`text`] and [`json`]: the two output forms (the JSON is stable, see docs/cli.md).

pub mod args;
pub mod decode;
pub mod error;
pub mod explain;
pub mod input;
pub mod json;
pub mod keyfile;
pub mod keygen;
pub mod keyless;
pub mod lint;
pub mod probe;
pub mod providers;
pub mod report;
pub mod secrets;
pub mod sign;
pub mod text;
pub mod unverified;
pub mod utc;
pub mod verify;

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::Parser;

use crate::engine::provider::Context;
use crate::engine::Alg;
use crate::profile::{Config, Mode};
use args::{Cli, Command, Format, SecretsArgs};
use error::CliError;
use explain::Layers;
use input::{now_or_clock, read_token, Profiles};

/// The process's surroundings, passed in so that tests can supply their own.
pub struct Io<'a> {
    /// Reads an environment variable.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Runs the command line `args` (the program name first) and returns the exit status.
pub fn run(args: impl IntoIterator<Item = OsString>, io: &mut Io<'_>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let shown = e.render().to_string();
            return if e.use_stderr() {
                let _ = io.stderr.write_all(shown.as_bytes());
                2
            } else {
                let _ = io.stdout.write_all(shown.as_bytes());
                0
            };
        }
    };
    match dispatch(cli, io) {
        Ok(status) => status,
        Err(e) => {
            let _ = writeln!(io.stderr, "idjwt: error: {e}");
            e.exit_code()
        }
    }
}

fn write(io: &mut Io<'_>, text: &str) -> Result<(), CliError> {
    io.stdout
        .write_all(text.as_bytes())
        .map_err(|source| CliError::Io {
            path: "<stdout>".into(),
            source,
        })
}

fn dispatch(cli: Cli, io: &mut Io<'_>) -> Result<u8, CliError> {
    let profiles = Profiles::load(&cli.profiles)?;
    match cli.command {
        Command::Verify(a) => verify_command(&profiles, a, io),
        Command::Lint(a) => lint_command(&profiles, a, io),
        Command::Sign(a) => {
            let profile = profiles.get(&a.provider)?;
            let keys = keyfile::load(&a.key, io.env)?;
            let token = sign::sign(&sign::SignInput {
                profile,
                keys: &keys,
                user: &a.user,
                claims: &a.claims,
                ttl: a.ttl,
                app_id: a.app_id,
                now: now_or_clock(a.now),
            })?;
            write(io, &format!("{token}\n"))?;
            Ok(0)
        }
        Command::Keygen(a) => {
            let profile = profiles.get(&a.provider)?;
            let kid = match a.kid {
                Some(k) => k,
                None => keygen::default_kid(profile)?,
            };
            let key = keygen::generate(profile, &kid)?;
            let prefix = a.out.unwrap_or_else(|| kid.clone().into());
            let written = keygen::write(&key, &prefix, a.force)?;
            let mut text = format!(
                "{} key for {} (kid {kid:?}), files readable by the owner only:\n",
                profile.signing_alg(),
                profile.id
            );
            let width = written
                .iter()
                .map(|w| w.path.display().to_string().chars().count())
                .max()
                .unwrap_or(0);
            for w in written {
                let path = w.path.display().to_string();
                text.push_str(&format!("  {path:width$}  {}\n", w.holds));
            }
            write(io, &text)?;
            Ok(0)
        }
        Command::Providers(a) => {
            let text = match a.name {
                Some(name) => providers::rules(profiles.get(&name)?),
                None => providers::list(&profiles.all()),
            };
            write(io, &text)?;
            Ok(0)
        }
        Command::Probe(a) => {
            let profile = profiles.get(&a.provider)?;
            let keys = keyfile::load(&a.key, io.env)?;
            let alg = profile.signing_alg();
            let key = keys
                .iter()
                .find(|k| k.fits(alg))
                .ok_or_else(|| CliError::Probe {
                    problem: format!("none of the keys given is an {alg} key"),
                })?;
            let limits = crate::suite::http::Limits {
                timeout: std::time::Duration::from_secs(a.timeout.clamp(1, 600)),
                ..Default::default()
            };
            let signer = crate::suite::probe::HttpSigner::new(
                &a.signer_url,
                a.token_member.as_deref(),
                limits,
            )
            .map_err(|e| CliError::Probe {
                problem: e.to_string(),
            })?;
            let probed = crate::suite::probe::probe(profile, key, a.app_id.as_deref(), &|user| {
                signer.fetch(user)
            });
            let text = match a.format {
                Format::Text => probe::text(profile, &a.signer_url, &probed),
                Format::Json => json::pretty(&probe::json(profile, &a.signer_url, &probed)),
            };
            write(io, &text)?;
            Ok(u8::from(probed.iter().any(|p| !p.problems.is_empty())))
        }
        Command::Decode(a) => {
            let token = read_token(a.token.as_deref(), io.stdin)?;
            match unverified::take_apart(&token) {
                Ok(parts) => {
                    let text = match a.format {
                        Format::Text => decode::text(&parts),
                        Format::Json => json::pretty(&decode::json(&parts)),
                    };
                    write(io, &text)?;
                    Ok(0)
                }
                Err(reason) => {
                    let _ = writeln!(
                        io.stderr,
                        "idjwt: cannot decode: {}: {}",
                        reason.code(),
                        report::reason_message(&reason)
                    );
                    Ok(1)
                }
            }
        }
    }
}

fn verify_command(
    profiles: &Profiles,
    a: args::VerifyArgs,
    io: &mut Io<'_>,
) -> Result<u8, CliError> {
    let mut algorithms: Vec<Alg> = a.alg.iter().map(|x| Alg::from(*x)).collect();
    algorithms.dedup();
    let layers = match &a.provider {
        Some(name) => Layers::Provider(profiles.get(name)?),
        None if a.jws_only => Layers::Jws(&algorithms),
        None => Layers::Jwt(&algorithms),
    };
    let mode = a.mode.map(Mode::from);
    let keys = keyfile::load(&a.key, io.env)?;
    let consults_token = !a.no_token
        && match layers {
            Layers::Provider(p) => mode.unwrap_or(p.mode) != Mode::Disabled,
            _ => true,
        };
    if keys.is_empty() && consults_token {
        return Err(CliError::NoKey);
    }
    let token = if a.no_token {
        None
    } else {
        Some(read_token(a.token.as_deref(), io.stdin)?)
    };
    let request = verify::Request {
        layers,
        ctx: Context {
            config: Config { app_id: a.app_id },
            claimed_user_id: a.claimed_user,
            mode,
            now: now_or_clock(a.time.now),
            leeway: a.time.leeway,
        },
        keys: keyfile::public_jwks(&keys),
        token: token.as_deref(),
    };
    let secrets = load_secrets(&a.secrets)?;
    let report = verify::verify_with(&request, &secrets)?;
    let text = match a.format {
        Format::Text => text::report(&report),
        Format::Json => json::pretty(&json::report(&report)),
    };
    write(io, &text)?;
    Ok(report.exit_code())
}

fn lint_command(profiles: &Profiles, a: args::LintArgs, io: &mut Io<'_>) -> Result<u8, CliError> {
    let profile = a.provider.as_deref().map(|n| profiles.get(n)).transpose()?;
    let secrets = load_secrets(&a.secrets)?;
    let token = read_token(a.token.as_deref(), io.stdin)?;
    let ctx = Context {
        config: Config { app_id: a.app_id },
        claimed_user_id: a.claimed_user,
        mode: None,
        now: now_or_clock(a.time.now),
        leeway: a.time.leeway,
    };
    let report = keyless::check(&keyless::Request {
        profile,
        ctx: &ctx,
        token: &token,
        secrets: &secrets,
    })?;
    let text = match a.format {
        Format::Text => text::report(&report),
        Format::Json => json::pretty(&json::lint_report(&report)),
    };
    write(io, &text)?;
    Ok(report.exit_code())
}

fn load_secrets(args: &SecretsArgs) -> Result<Vec<secrets::Candidate>, CliError> {
    let mut all = Vec::new();
    for path in &args.files {
        all.extend(secrets::load(path)?);
    }
    Ok(all)
}

/// The binary's `main`: real arguments, environment and streams.
pub fn main() -> u8 {
    let env = |name: &str| std::env::var(name).ok();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run(
        std::env::args_os(),
        &mut Io {
            env: &env,
            stdin: &mut stdin.lock(),
            stdout: &mut stdout.lock(),
            stderr: &mut stderr.lock(),
        },
    )
}
