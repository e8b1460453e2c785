//! `cargo xtask fuzz`: seed corpora, and fuzzing campaigns with cargo-fuzz (nightly).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use idjwt::fuzzing::{self, seeds};
use idjwt::suite::vectors;

use crate::args::{Arg, Args};

const HELP: &str =
    "usage: cargo xtask fuzz [TARGET|all] [--time SECONDS] [--jobs N] [--sanitizer NAME]
       cargo xtask fuzz corpus [--check]
       cargo xtask fuzz list

Runs the fuzz targets of fuzz/ with cargo-fuzz (`cargo +nightly fuzz`; install it with
`cargo install cargo-fuzz --locked`). Each target starts from fuzz/seeds/TARGET (generated from
the golden vectors) and fuzz/regressions/TARGET, and keeps what it finds in fuzz/corpus/TARGET.
Progress (executions per second, coverage, corpus, crashes) is printed every few seconds; the
full libFuzzer log and a summary go to target/idjwt-fuzz/. Crashes are stored under
fuzz/artifacts/TARGET/, and the commands to reproduce and minimise each are printed.

  TARGET         one of `cargo xtask fuzz list`, or `all` (the default): each in turn
  --time SECONDS how long to fuzz each target (default 60)
  --jobs N       parallel fuzzing processes per target (libFuzzer -fork=N; default 1)
  --sanitizer S  address (the default, as OSS-Fuzz builds), none (several times the executions
                 per second: the library has no unsafe code, its dependencies do), memory, …
  corpus         regenerate fuzz/seeds/ from vectors/; --check fails when it is stale
  list           the targets and what each asserts

Exit status: 0 when no crash was found, 1 when one was, 2 on misuse or a missing tool.";

pub fn main(argv: &[String]) -> ExitCode {
    match argv.first().map(String::as_str) {
        Some("corpus") => corpus(&argv[1..]),
        Some("list") => {
            for t in fuzzing::TARGETS {
                println!("{:<18} {}", t.name, t.about);
            }
            ExitCode::SUCCESS
        }
        _ => match crate::args::options_or_exit(parse(argv), HELP) {
            Ok(options) => campaign(&options),
            Err(code) => code,
        },
    }
}

struct Options {
    targets: Vec<&'static str>,
    seconds: u64,
    jobs: u32,
    sanitizer: String,
}

fn parse(argv: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options {
        targets: fuzzing::TARGETS.iter().map(|t| t.name).collect(),
        seconds: 60,
        jobs: 1,
        sanitizer: "address".to_owned(),
    };
    let mut args = Args::new(argv);
    while let Some(arg) = args.next_arg() {
        match arg {
            Arg::Flag(f, _) if f == "help" => return Ok(None),
            Arg::Flag(f, v) if f == "time" => {
                options.seconds = args
                    .value(&f, v)?
                    .parse()
                    .map_err(|_| "--time needs a whole number of seconds".to_owned())?;
            }
            Arg::Flag(f, v) if f == "jobs" => {
                options.jobs = args
                    .value(&f, v)?
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or("--jobs needs a number of at least 1")?;
            }
            Arg::Flag(f, v) if f == "sanitizer" => options.sanitizer = args.value(&f, v)?,
            Arg::Flag(f, _) => return Err(format!("unknown option --{f}")),
            Arg::Positional(p) if p == "all" => {}
            Arg::Positional(p) => {
                let t = fuzzing::target(&p).ok_or_else(|| {
                    format!("unknown target {p:?}; `cargo xtask fuzz list` shows them")
                })?;
                options.targets = vec![t.name];
            }
        }
    }
    Ok(Some(options))
}

fn corpus(argv: &[String]) -> ExitCode {
    let help = "usage: cargo xtask fuzz corpus [--check]\n\nRegenerates fuzz/seeds/ from vectors/.\n--check  change nothing; exit 1 if the committed seeds differ";
    let check = match crate::args::check_only(argv, help) {
        Ok(check) => check,
        Err(code) => return code,
    };
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

    #[test]
    fn options_are_parsed() {
        let argv = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = parse(&argv("parse_compact --time 5 --jobs=2"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (o.targets, o.seconds, o.jobs),
            (vec!["parse_compact"], 5, 2)
        );
        assert_eq!(
            parse(&argv("all")).unwrap().unwrap().targets.len(),
            fuzzing::TARGETS.len()
        );
        assert!(parse(&argv("nope")).is_err());
        assert!(parse(&argv("--jobs 0")).is_err());
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
