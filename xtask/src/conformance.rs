//! `cargo xtask conformance`: every implementation × every vector × every provider, plus signer
//! conformance. Exit 0 when everything conforms, 1 when anything fails, 2 on usage or set-up
//! errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use idjwt::suite::conformance::{conformance, Config};
use idjwt::suite::report::{render, summary, Format};

use crate::args::{Arg, Args};

const HELP: &str = "usage: cargo xtask conformance [options]

Runs every built-in implementation against every golden vector and every provider, and checks
the tokens each implementation signs. The report leads with the findings: every divergence
class of vectors/exceptions/, worst impact first. Only unexpected results, panics, hangs,
crashes, cases not run and stale classes fail the run.

options:
  --impl NAME        a built-in implementation (repeatable; default: all of them)
  --adapter 'CMD'    an external program speaking protocol v1 (repeatable; with --adapter and no
                     --impl, only the adapters run)
  --external         the adapters under adapters/ (installed on first use)
  --all              every built-in implementation and every adapter under adapters/
  --provider P       only this provider's cases (drift, privy, intercom, onesignal, zendesk)
  --filter GLOB      only case ids matching GLOB (e.g. 'zendesk::*' or '*exp*')
  --format F         table (default), json, junit, markdown or html
  --output FILE      write the report to FILE instead of standard output
  --timeout SECONDS  per-request timeout (default 5)
  --describe-timeout SECONDS
                     time an implementation has to start and describe itself (default 30)
  --give-up-after N  after N consecutive hangs or crashes of one implementation, report the
                     rest of its cases as not run at once (default 3; 0: never give up)
  --vectors DIR      the vectors directory (default: vectors/ of this repository)

exit status: 0 everything conforms, 1 something failed, 2 usage or set-up error";

pub fn main(argv: &[String]) -> ExitCode {
    match parse(argv) {
        Ok(Some(parsed)) => run(parsed),
        Ok(None) => {
            println!("{HELP}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("{problem}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

struct Parsed {
    config: Config,
    /// Built-ins, adapters under adapters/, or both.
    external: bool,
    builtins_too: bool,
    format: Format,
    output: Option<PathBuf>,
}

fn parse(argv: &[String]) -> Result<Option<Parsed>, String> {
    let mut config = Config::new(crate::root().join("vectors"));
    let mut format = Format::Table;
    let mut output = None;
    let (mut external, mut builtins_too) = (false, false);
    let mut args = Args::new(argv);
    while let Some(arg) = args.next_arg() {
        let (flag, inline) = match arg {
            Arg::Flag(f, v) => (f, v),
            Arg::Positional(p) => return Err(format!("unexpected argument {p:?}")),
        };
        match flag.as_str() {
            "help" => return Ok(None),
            "external" => external = true,
            "all" => (external, builtins_too) = (true, true),
            "impl" => config.implementations.push(args.value(&flag, inline)?),
            "adapter" => config.adapters.push(args.value(&flag, inline)?),
            "provider" => config.options.provider = Some(args.value(&flag, inline)?),
            "filter" => {
                let glob = args.value(&flag, inline)?;
                let matcher = globset::Glob::new(&glob)
                    .map_err(|e| format!("--filter {glob:?}: {e}"))?
                    .compile_matcher();
                config.options.filter = Some(matcher);
            }
            "format" => format = args.value(&flag, inline)?.parse()?,
            "output" => output = Some(PathBuf::from(args.value(&flag, inline)?)),
            "timeout" => config.timeout = seconds(&flag, &args.value(&flag, inline)?)?,
            "describe-timeout" => {
                config.describe_timeout = seconds(&flag, &args.value(&flag, inline)?)?
            }
            "give-up-after" => {
                let v = args.value(&flag, inline)?;
                config.give_up_after = v
                    .parse()
                    .map_err(|_| format!("--give-up-after {v:?}: a whole number (0: never)"))?;
            }
            "vectors" => config.vectors_dir = PathBuf::from(args.value(&flag, inline)?),
            other => return Err(format!("unknown option --{other}")),
        }
    }
    Ok(Some(Parsed {
        config,
        external,
        builtins_too,
        format,
        output,
    }))
}

/// A positive, finite number of seconds (at most a day).
fn seconds(flag: &str, v: &str) -> Result<Duration, String> {
    let secs: f64 = v
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .ok_or_else(|| format!("--{flag} {v:?}: a positive number of seconds, at most 86400"))?;
    Ok(Duration::from_secs_f64(secs))
}

fn run(mut parsed: Parsed) -> ExitCode {
    if parsed.external {
        let adapters = match crate::adapters::ensure_installed(&crate::root()) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        if parsed.builtins_too && parsed.config.implementations.is_empty() {
            parsed.config.implementations = idjwt::impls::BUILTIN_NAMES
                .iter()
                .map(|s| s.to_string())
                .collect();
        }
        parsed
            .config
            .adapters
            .extend(adapters.iter().map(|a| a.command_line()));
    }
    let report = match conformance(&parsed.config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Before the report, so that the report's own closing line ends the output.
    eprintln!(
        "{} results in {} ms",
        report.results.len(),
        report.elapsed_ms
    );
    let text = render(&report, parsed.format);
    match &parsed.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
            print!("{}", summary(&report));
            println!("report written to {}", path.display());
        }
        None => print!("{text}"),
    }
    if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
