//! `cargo xtask props [--cases N] [--debug] [FILTER]`: the property tests, with more cases.

use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::args::{Arg, Args};

const HELP: &str = "usage: cargo xtask props [--cases N] [--debug] [FILTER]

Runs the property tests (harness/tests/properties.rs) against every built-in implementation,
in release mode. `cargo test` runs the same tests at proptest's default case count.

options:
  --cases N   cases per property (sets PROPTEST_CASES; default: proptest's, 256)
  --debug     build without optimisation, as `cargo test` does
  FILTER      only the tests whose name contains FILTER (e.g. tamper)

A new failure is written to harness/proptest-regressions/ and replayed first by every later
run: commit it with the fix.";

struct Parsed {
    cases: Option<u32>,
    release: bool,
    filter: Option<String>,
}

fn parse(argv: &[String]) -> Result<Option<Parsed>, String> {
    let mut parsed = Parsed {
        cases: None,
        release: true,
        filter: None,
    };
    let mut args = Args::new(argv);
    while let Some(arg) = args.next_arg() {
        match arg {
            Arg::Flag(f, _) if f == "help" => return Ok(None),
            Arg::Flag(f, inline) if f == "cases" => {
                let value = args.value(&f, inline)?;
                let n = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--cases needs a positive number, not {value:?}"))?;
                parsed.cases = Some(n);
            }
            Arg::Flag(f, None) if f == "debug" => parsed.release = false,
            Arg::Flag(f, _) => return Err(format!("unknown option --{f}")),
            Arg::Positional(p) if parsed.filter.is_none() => parsed.filter = Some(p),
            Arg::Positional(p) => return Err(format!("unexpected argument {p:?}")),
        }
    }
    Ok(Some(parsed))
}

pub fn main(argv: &[String]) -> ExitCode {
    let parsed = match crate::args::options_or_exit(parse(argv), HELP) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(crate::root())
        .args(["test", "-p", "idjwt", "--test", "properties"]);
    if parsed.release {
        command.arg("--release");
    }
    if let Some(filter) = &parsed.filter {
        command.args(["--", filter]);
    }
    let shown = match parsed.cases {
        Some(n) => {
            command.env("PROPTEST_CASES", n.to_string());
            format!("PROPTEST_CASES={n} ")
        }
        None => String::new(),
    };
    let rendered: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    eprintln!("{shown}cargo {}", rendered.join(" "));
    let started = Instant::now();
    let status = match command.status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!(
        "property tests {} in {:.1}s",
        if status.success() { "passed" } else { "failed" },
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
