//! `cargo xtask fuzz`: seed corpora, and fuzzing campaigns with cargo-fuzz (nightly).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use idjwt::fuzzing::{self, seeds};
use idjwt::suite::vectors;

/// Fuzz seeds (`fuzz corpus`) and cargo-fuzz campaigns with progress.
///
/// Runs the fuzz targets of fuzz/ with cargo-fuzz (`cargo +nightly fuzz`; install it with
/// `cargo install cargo-fuzz --locked`). Each target starts from fuzz/seeds/TARGET (generated
/// from the golden vectors) and fuzz/regressions/TARGET, and keeps what it finds in
/// fuzz/corpus/TARGET. Progress (executions per second, coverage, corpus, crashes) is printed
/// every few seconds; the full libFuzzer log and a summary go to target/idjwt-fuzz/. Crashes are
/// stored under fuzz/artifacts/TARGET/, and the commands to reproduce and minimise each are
/// printed.
///
/// Exit status: 0 when no crash was found, 1 when one was, 2 on misuse or a missing tool.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    campaign: Campaign,
}

/// What else `fuzz` does than a campaign.
#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Regenerate fuzz/seeds/ from vectors/; --check fails when it is stale.
    Corpus {
        /// Change nothing; exit 1 if the committed seeds differ.
        #[arg(long)]
        check: bool,
    },
    /// The targets and what each asserts.
    List,
}

/// A campaign's options.
#[derive(Debug, clap::Args)]
struct Campaign {
    /// One of `cargo xtask fuzz list`, or `all` (the default): each in turn.
    #[arg(value_name = "TARGET", value_parser = target)]
    target: Option<&'static str>,
    /// How long to fuzz each target, in seconds.
    #[arg(long = "time", value_name = "SECONDS", default_value_t = 60, value_parser = whole_seconds, allow_negative_numbers = true)]
    seconds: u64,
    /// Parallel fuzzing processes per target (libFuzzer -fork=N).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = at_least_one, allow_negative_numbers = true)]
    jobs: u32,
    /// The sanitizer: address (as OSS-Fuzz builds), none (several times the executions per second: the
    /// library has no unsafe code, its dependencies do), memory, …
    #[arg(long, value_name = "S", default_value = "address")]
    sanitizer: String,
}

/// A target's name, or `all`.
fn target(v: &str) -> Result<&'static str, String> {
    if v == "all" {
        return Ok("all");
    }
    fuzzing::target(v)
        .map(|t| t.name)
        .ok_or_else(|| "unknown target; `cargo xtask fuzz list` shows them".to_owned())
}

fn whole_seconds(v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| "a whole number of seconds".to_owned())
}

fn at_least_one(v: &str) -> Result<u32, String> {
    v.parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| "a number of at least 1".to_owned())
}

/// What a campaign runs.
struct Options {
    targets: Vec<&'static str>,
    seconds: u64,
    jobs: u32,
    sanitizer: String,
}

impl From<Campaign> for Options {
    fn from(c: Campaign) -> Options {
        let targets = match c.target {
            None | Some("all") => fuzzing::TARGETS.iter().map(|t| t.name).collect(),
            Some(t) => vec![t],
        };
        Options {
            targets,
            seconds: c.seconds,
            jobs: c.jobs,
            sanitizer: c.sanitizer,
        }
    }
}

pub fn main(args: Args) -> ExitCode {
    match args.command {
        Some(Sub::Corpus { check }) => corpus(check),
        Some(Sub::List) => {
            for t in fuzzing::TARGETS {
                println!("{:<18} {}", t.name, t.about);
            }
            ExitCode::SUCCESS
        }
        None => campaign(&args.campaign.into()),
    }
}

fn corpus(check: bool) -> ExitCode {
    let root = crate::root();
    let cases = match vectors::load(&root.join("vectors")) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let all = seeds::seeds(&cases);
    let dir = root.join("fuzz").join("seeds");
    if check {
        return match seeds::drift(&dir, &all) {
            Ok(problems) if problems.is_empty() => {
                println!("fuzz seeds are up to date ({} files)", all.len());
                ExitCode::SUCCESS
            }
            Ok(problems) => {
                for p in problems {
                    eprintln!("{p}");
                }
                eprintln!("run `cargo xtask fuzz corpus` and commit the result");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match seeds::write(&dir, &all) {
        Ok(n) => {
            for t in fuzzing::TARGETS {
                let count = all.iter().filter(|s| s.target == t.name).count();
                println!("{:<18} {count} seeds", t.name);
            }
            println!("wrote {n} files to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `cargo +nightly fuzz`, with the variables `cargo xtask` itself runs under removed so that
/// cargo-fuzz's own cargo calls use the nightly toolchain.
fn cargo_fuzz(root: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root).args(["+nightly", "fuzz"]);
    for var in [
        "CARGO",
        "RUSTC",
        "RUSTUP_TOOLCHAIN",
        "RUSTC_WRAPPER",
        "CARGO_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn campaign(options: &Options) -> ExitCode {
    let root = crate::root();
    let ready = cargo_fuzz(&root)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        eprintln!(
            "error: `cargo +nightly fuzz` is not available; install a nightly toolchain \
             (`rustup toolchain install nightly`) and cargo-fuzz (`cargo install cargo-fuzz --locked`)"
        );
        return ExitCode::from(2);
    }
    let out = root.join("target").join("idjwt-fuzz");
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let mut crashed = false;
    let mut rows = Vec::new();
    for target in &options.targets {
        match run(&root, &out, target, options) {
            Ok(summary) => {
                crashed |= !summary.crashes.is_empty();
                rows.push(summary);
            }
            Err(e) => {
                eprintln!("error: {target}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    println!(
        "\ntarget              seconds  jobs      execs   exec/s    cov     ft  corpus  crashes"
    );
    for s in &rows {
        println!(
            "{:<18} {:>8} {:>5} {:>10} {:>8} {:>6} {:>6} {:>7} {:>8}",
            s.target,
            s.seconds,
            s.jobs,
            s.execs,
            s.execs_per_sec,
            s.cov,
            s.ft,
            s.corpus,
            s.crashes.len()
        );
    }
    if crashed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What one campaign found.
#[derive(Default, serde::Serialize)]
struct Summary {
    target: String,
    seconds: u64,
    jobs: u32,
    sanitizer: String,
    execs: u64,
    execs_per_sec: u64,
    cov: u64,
    ft: u64,
    corpus: u64,
    peak_rss_mb: u64,
    crashes: Vec<String>,
}

fn files(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// The number after `key` in a libFuzzer status line (`cov: 123`, `corp: 45/6789b`).
fn field(line: &str, key: &str) -> Option<u64> {
    let mut words = line.split_whitespace();
    words.find(|w| *w == key)?;
    let value = words.next()?;
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn run(root: &Path, out: &Path, target: &str, options: &Options) -> Result<Summary, String> {
    let fuzz = root.join("fuzz");
    let corpus = fuzz.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let artifacts = fuzz.join("artifacts").join(target);
    let before = files(&artifacts);
    let mut cmd = cargo_fuzz(root);
    // The same build as .clusterfuzzlite/build.sh: debug assertions on.
    cmd.args(["run", "--release", "--debug-assertions", "--sanitizer"])
        .arg(&options.sanitizer)
        .arg(target)
        .arg(&corpus);
    for kind in ["seeds", "regressions"] {
        let dir = fuzz.join(kind).join(target);
        if dir.is_dir() {
            cmd.arg(dir);
        }
    }
    cmd.arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-print_final_stats=1");
    if options.jobs > 1 {
        cmd.arg(format!("-fork={}", options.jobs));
    }
    let log_path = out.join(format!("{target}.log"));
    let mut log = std::fs::File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    println!(
        "== {target}: {} s, {} job(s), sanitizer {}; log {}",
        options.seconds,
        options.jobs,
        options.sanitizer,
        log_path.display()
    );
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let mut summary = Summary {
        target: target.to_owned(),
        seconds: options.seconds,
        jobs: options.jobs,
        sanitizer: options.sanitizer.clone(),
        ..Summary::default()
    };
    let started = Instant::now();
    let mut fuzzing_since = None;
    let mut shown = Instant::now();
    let stderr = child.stderr.take().expect("piped");
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        let _ = writeln!(log, "{line}");
        if line.contains("cov:") {
            fuzzing_since.get_or_insert_with(Instant::now);
            summary.cov = field(&line, "cov:").unwrap_or(summary.cov);
            summary.ft = field(&line, "ft:").unwrap_or(summary.ft);
            summary.corpus = field(&line, "corp:").unwrap_or(summary.corpus);
            summary.execs_per_sec = field(&line, "exec/s:").unwrap_or(summary.execs_per_sec);
            if let Some(n) = line
                .strip_prefix('#')
                .and_then(|l| l.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            {
                summary.execs = n;
            }
            if shown.elapsed() >= Duration::from_secs(5) {
                shown = Instant::now();
                println!(
                    "  {target} {:>5} s  execs {:>10}  exec/s {:>7}  cov {:>5}  ft {:>6}  corpus {:>5}",
                    started.elapsed().as_secs(),
                    summary.execs,
                    summary.execs_per_sec,
                    summary.cov,
                    summary.ft,
                    summary.corpus
                );
            }
        } else if let Some(v) = line.strip_prefix("stat::number_of_executed_units:") {
            summary.execs = v.trim().parse().unwrap_or(summary.execs);
        } else if let Some(v) = line.strip_prefix("stat::average_exec_per_sec:") {
            summary.execs_per_sec = v.trim().parse().unwrap_or(summary.execs_per_sec);
        } else if let Some(v) = line.strip_prefix("stat::peak_rss_mb:") {
            summary.peak_rss_mb = v.trim().parse().unwrap_or(0);
        } else if line.contains("ERROR:")
            || line.starts_with("SUMMARY:")
            || line.starts_with("error")
        {
            println!("  {target}: {line}");
        }
    }
    let status = child.wait().map_err(|e| format!("cargo fuzz: {e}"))?;
    if fuzzing_since.is_some() && options.jobs > 1 && summary.execs_per_sec == 0 {
        // Fork mode reports no final stats; its last status line has the rate.
        summary.execs_per_sec = summary.execs / options.seconds.max(1);
    }
    summary.crashes = files(&artifacts)
        .difference(&before)
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    if fuzzing_since.is_none() && summary.crashes.is_empty() {
        return Err(format!(
            "cargo fuzz exited with {status} before fuzzing; see {}",
            log_path.display()
        ));
    }
    for crash in &summary.crashes {
        println!("  crash: {crash}");
        println!("    reproduce: cargo +nightly fuzz run {target} {crash}");
        println!("    minimise:  cargo +nightly fuzz tmin {target} {crash}");
        println!(
            "    then fix it and commit the minimised input as fuzz/regressions/{target}/<name>: `cargo test` replays it"
        );
    }
    let json = serde_json::to_string_pretty(&summary).expect("serialises");
    let path = out.join(format!("{target}.json"));
    std::fs::write(&path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_are_read() {
        let line =
            "#262144\tpulse  cov: 345 ft: 678 corp: 90/1234b lim: 4096 exec/s: 87381 rss: 45Mb";
        assert_eq!(field(line, "cov:"), Some(345));
        assert_eq!(field(line, "corp:"), Some(90));
        assert_eq!(field(line, "exec/s:"), Some(87381));
        let fork = "#52: cov: 347 ft: 701 corp: 95 exec/s: 1042 oom/timeout/crash: 0/0/0 time: 3s";
        assert_eq!(field(fork, "ft:"), Some(701));
        assert_eq!(field(fork, "rss:"), None);
    }

    fn fuzz(line: &str) -> Result<Args, clap::Error> {
        task_args!(Fuzz, &format!("fuzz {line}"))
    }

    fn options(line: &str) -> Options {
        let args = fuzz(line).unwrap();
        assert!(args.command.is_none(), "{line}: {args:?}");
        args.campaign.into()
    }

    #[test]
    fn options_are_parsed() {
        let o = options("parse_compact --time 5 --jobs=2 --sanitizer none");
        assert_eq!(
            (o.targets, o.seconds, o.jobs, o.sanitizer.as_str()),
            (vec!["parse_compact"], 5, 2, "none")
        );
        let o = options("");
        assert_eq!(o.targets.len(), fuzzing::TARGETS.len());
        assert_eq!(
            (o.seconds, o.jobs, o.sanitizer.as_str()),
            (60, 1, "address")
        );
        assert_eq!(options("all").targets.len(), fuzzing::TARGETS.len());
        assert_eq!(options("--time 60 --jobs 2").jobs, 2);
        let e = fuzz("nope").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("cargo xtask fuzz list"), "{e}");
        for line in ["--jobs 0", "--jobs -2"] {
            assert!(fuzz(line).unwrap_err().to_string().contains("at least 1"));
        }
        assert!(fuzz("--time soon").is_err());
        assert!(fuzz("parse_compact verify_reference").is_err());
    }

    #[test]
    fn subcommands_are_parsed() {
        assert!(matches!(fuzz("list").unwrap().command, Some(Sub::List)));
        assert!(matches!(
            fuzz("corpus").unwrap().command,
            Some(Sub::Corpus { check: false })
        ));
        assert!(matches!(
            fuzz("corpus --check").unwrap().command,
            Some(Sub::Corpus { check: true })
        ));
        assert!(fuzz("corpus --time 5").is_err());
        assert!(fuzz("--time 5 list").is_err());
        assert!(fuzz("list parse_compact").is_err());
    }

    /// The `--check` mode as a test.
    #[test]
    fn committed_seeds_are_up_to_date() {
        let root = crate::root();
        let cases = vectors::load(&root.join("vectors")).expect("the golden vectors");
        let drift = seeds::drift(&root.join("fuzz").join("seeds"), &seeds::seeds(&cases));
        assert_eq!(drift.expect("readable seeds"), Vec::<String>::new());
    }
}
