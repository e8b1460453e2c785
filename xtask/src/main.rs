//! `cargo xtask <task>`: the project's tasks, one module each. Thin: the library does the work.

/// In a test: the arguments of `cargo xtask LINE` when it names the task `$task`, or the usage
/// error.
#[cfg(test)]
macro_rules! task_args {
    ($task:ident, $line:expr) => {
        match crate::parse($line)? {
            crate::Task::$task(args) => Ok(args),
            other => panic!("not {}: {other:?}", stringify!($task)),
        }
    };
}

mod adapters;
mod bench;
mod conformance;
mod fuzz;
mod props;
mod readme;
mod results;
mod vectors;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// The project's tasks: conformance runs, regenerated files, benchmarks, property tests and
/// fuzzing. `cargo xtask <task> --help` describes each.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    max_term_width = 100,
    subcommand_required = true,
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// The tasks, one module each.
#[derive(Debug, Subcommand)]
enum Task {
    Conformance(Box<conformance::Args>),
    Bench(bench::Args),
    Adapters(adapters::Args),
    Props(props::Args),
    Fuzz(fuzz::Args),
    Results(results::Args),
    Vectors(vectors::Args),
}

/// Prints `message` as a usage error of the (sub)command `path` (e.g. `["adapters", "install"]`),
/// with its usage line, and returns exit status 2, as clap does for the errors it finds itself.
pub fn usage_error(path: &[&str], message: impl std::fmt::Display) -> ExitCode {
    let mut command = Cli::command();
    command.build();
    for name in path {
        match command.find_subcommand(name) {
            Some(sub) => command = sub.clone(),
            None => break,
        }
    }
    let _ = command
        .error(clap::error::ErrorKind::InvalidValue, message)
        .print();
    ExitCode::from(2)
}

/// The workspace root, whatever directory cargo was started from.
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The tasks that run the JWT libraries. xtask builds the `idjwt` crate without them, so that
/// the other tasks build quickly and without OpenSSL's headers; these re-run xtask with its
/// `libraries` feature.
const NEEDS_LIBRARIES: &[&str] = &["conformance", "results"];

/// Runs `task` again in an xtask built with the `libraries` feature, passing its exit status on.
fn with_libraries(task: &str, rest: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--package", "xtask", "--features", "libraries", "--"])
        .arg(task)
        .args(rest)
        .current_dir(root())
        .status();
    match status {
        Ok(s) => ExitCode::from(s.code().map_or(2, |c| c.clamp(0, 255) as u8)),
        Err(e) => {
            eprintln!("error: cannot run cargo for `{task}` with the JWT libraries: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    // Decided on the raw arguments, before clap: the re-run gets them exactly as they came.
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if let Some((task, rest)) = raw.split_first() {
        if !cfg!(feature = "libraries") && NEEDS_LIBRARIES.contains(&task.as_str()) {
            return with_libraries(task, rest);
        }
    }
    // Usage errors exit with 2, --help with 0.
    match Cli::parse().task {
        Task::Conformance(args) => conformance::main(*args),
        Task::Bench(args) => bench::main(args),
        Task::Adapters(args) => adapters::main(args),
        Task::Props(args) => props::main(args),
        Task::Fuzz(args) => fuzz::main(args),
        Task::Results(args) => results::main(args),
        Task::Vectors(args) => vectors::main(args),
    }
}

/// `cargo xtask` followed by `line`, parsed as the command line would be.
#[cfg(test)]
fn parse(line: &str) -> Result<Task, clap::Error> {
    let argv = std::iter::once("cargo-xtask").chain(line.split_whitespace());
    Cli::try_parse_from(argv).map(|cli| cli.task)
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;

    use super::*;

    #[test]
    fn results_and_vectors_take_only_check() {
        let check = |line: &str| -> Result<bool, clap::Error> {
            match parse(line)? {
                Task::Results(args) => Ok(args.check),
                Task::Vectors(args) => Ok(args.check),
                other => panic!("{line}: {other:?}"),
            }
        };
        for task in ["results", "vectors"] {
            assert!(!check(task).unwrap());
            assert!(check(&format!("{task} --check")).unwrap());
            for wrong in ["--check=yes", "--force", "check"] {
                let e = check(&format!("{task} {wrong}")).unwrap_err();
                assert_eq!(e.exit_code(), 2, "{task} {wrong}");
            }
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_task_is_a_subcommand() {
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        for task in [
            "conformance",
            "bench",
            "adapters",
            "props",
            "fuzz",
            "results",
            "vectors",
        ] {
            assert!(names.iter().any(|n| n == task), "{task} in {names:?}");
        }
        for task in NEEDS_LIBRARIES {
            assert!(names.iter().any(|n| n == task), "{task} in {names:?}");
        }
    }

    /// Every invocation in .ci/run, README.md and docs/.
    #[test]
    fn documented_invocations_parse() {
        for line in [
            "conformance",
            "conformance --all",
            "conformance --external",
            "results",
            "results --check",
            "vectors",
            "vectors --check",
            "adapters",
            "adapters list",
            "adapters install",
            "bench",
            "bench --quick",
            "bench --impl reference",
            "bench --external",
            "bench --quick --impl reference",
            "props --cases 2560",
            "props --debug tamper",
            "fuzz list",
            "fuzz corpus",
            "fuzz corpus --check",
            "fuzz parse_compact --time 600",
            "fuzz --time 60 --jobs 2",
            "fuzz parse_compact --sanitizer none",
        ] {
            if let Err(e) = parse(line) {
                panic!("cargo xtask {line}: {e}");
            }
        }
        let adapter = [
            "cargo-xtask",
            "conformance",
            "--adapter",
            "python3 adapters/my-lib/adapter.py",
        ];
        assert!(matches!(
            Cli::try_parse_from(adapter).map(|c| c.task),
            Ok(Task::Conformance(_))
        ));
    }

    #[test]
    fn usage_errors_and_help() {
        let kind = |line: &str| parse(line).err().map(|e| (e.kind(), e.exit_code()));
        assert_eq!(
            kind(""),
            Some((ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, 2))
        );
        assert_eq!(kind("nope"), Some((ErrorKind::InvalidSubcommand, 2)));
        assert_eq!(kind("--help"), Some((ErrorKind::DisplayHelp, 0)));
        assert_eq!(kind("vectors --help"), Some((ErrorKind::DisplayHelp, 0)));
        assert_eq!(kind("fuzz corpus -h"), Some((ErrorKind::DisplayHelp, 0)));
        assert_eq!(
            kind("vectors --chek"),
            Some((ErrorKind::UnknownArgument, 2))
        );
    }
}
