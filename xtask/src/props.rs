//! `cargo xtask props [--cases N] [--debug] [FILTER]`: the property tests, with more cases.

use std::process::{Command, ExitCode};
use std::time::Instant;

/// The property tests in release mode, with more cases (--cases N sets PROPTEST_CASES).
///
/// Runs the property tests (harness/tests/properties.rs) against every built-in implementation,
/// in release mode. `cargo test` runs the same tests at proptest's default case count.
///
/// A new failure is written to harness/proptest-regressions/ and replayed first by every later
/// run: commit it with the fix.
///
/// Exit status: 0 passed, 1 failed, 2 usage error or cargo not runnable.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cases per property (sets PROPTEST_CASES; default: proptest's, 256).
    #[arg(long, value_name = "N", value_parser = positive, allow_negative_numbers = true)]
    pub cases: Option<u32>,
    /// Build without optimisation, as `cargo test` does.
    #[arg(long)]
    pub debug: bool,
    /// Only the tests whose name contains FILTER (e.g. tamper).
    pub filter: Option<String>,
}

/// A positive whole number.
fn positive(v: &str) -> Result<u32, String> {
    v.parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "a positive whole number".to_owned())
}

pub fn main(parsed: Args) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(crate::root())
        .args(["test", "-p", "idjwt", "--test", "properties"]);
    if !parsed.debug {
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

#[cfg(test)]
mod tests {
    use crate::{parse, Task};

    fn props(line: &str) -> Result<super::Args, clap::Error> {
        match parse(&format!("props {line}"))? {
            Task::Props(args) => Ok(args),
            other => panic!("not props: {other:?}"),
        }
    }

    #[test]
    fn options_are_parsed() {
        let a = props("").unwrap();
        assert_eq!((a.cases, a.debug, a.filter), (None, false, None));
        let a = props("--cases 2560").unwrap();
        assert_eq!(a.cases, Some(2560));
        let a = props("--cases=10 --debug tamper").unwrap();
        assert_eq!((a.cases, a.debug), (Some(10), true));
        assert_eq!(a.filter.as_deref(), Some("tamper"));
        for line in ["--cases 0", "--cases -1", "--cases many"] {
            let e = props(line).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains("a positive whole number"), "{e}");
        }
        assert!(props("--cases").is_err());
        assert!(props("tamper extra").is_err());
        assert!(props("--release").is_err());
    }
}
