//! `cargo xtask bench`: runs the criterion benchmarks of `benches/`, then reads criterion's
//! estimates back and writes the summary table (`target/idjwt-bench/summary.json` and
//! `summary.md`), each figure next to its primitive floor.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

use serde_json::{json, Value};

/// Criterion benchmarks against the primitive floors (--quick, --impl NAME).
///
/// Measures signing and verifying throughput of every in-process implementation through the
/// contract (each provider's typical token), the primitive floors (HMAC-SHA-256 from a keyed
/// state, ECDSA P-256 sign and verify, base64url, JSON), the reference engine called without the
/// contract, and idjwt-serve over protocol v1 (including the process boundary). Writes
/// target/idjwt-bench/summary.json and summary.md and prints the table; criterion's own report
/// is in target/criterion/report/index.html.
///
/// Exit status: 0 measured, 1 a build or benchmark failed, 2 usage error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Short measurements (about 2 minutes once built; no plots).
    #[arg(long)]
    quick: bool,
    /// Only this implementation (repeatable; the floors always run).
    #[arg(long = "impl", value_name = "NAME")]
    implementations: Vec<String>,
    /// Also measure the installed adapters under adapters/ over their pipes.
    #[arg(long)]
    external: bool,
}

pub fn main(options: Args) -> ExitCode {
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("xtask bench: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("target"))
}

fn cargo(args: &[&str], env: &[(&str, String)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(crate::root())
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn run(options: &Args) -> Result<(), String> {
    // The server the pipe figures use, optimised like the benchmarks.
    let build = ["build", "--release", "-p", "idjwt", "--bin", "idjwt-serve"];
    cargo(&build, &[])?;

    let mut bench = vec![
        "bench",
        "-p",
        "idjwt-benches",
        "--bench",
        "throughput",
        "--",
    ];
    if options.quick {
        bench.extend_from_slice(&[
            "--warm-up-time",
            "0.1",
            "--measurement-time",
            "0.25",
            "--sample-size",
            "10",
            // Criterion's statistics (100,000 bootstrap resamples each) would take longer than
            // the measurements.
            "--nresamples",
            "1000",
            "--noplot",
        ]);
    } else {
        bench.extend_from_slice(&["--warm-up-time", "1", "--measurement-time", "3"]);
    }
    let target = target_dir();
    let mut env = vec![
        ("IDJWT_BENCH_IMPL", options.implementations.join(",")),
        (
            "IDJWT_BENCH_SERVE",
            target.join("release/idjwt-serve").display().to_string(),
        ),
    ];
    if options.external {
        env.push((
            "IDJWT_BENCH_ADAPTERS",
            crate::root().join("adapters").display().to_string(),
        ));
    }
    let started = SystemTime::now();
    cargo(&bench, &env)?;

    let estimates = read_estimates(&target.join("criterion"), started);
    if estimates.is_empty() {
        return Err("criterion wrote no estimates".to_owned());
    }
    let summary = summarise(&estimates, options);
    let markdown = markdown(&summary);
    let out = target.join("idjwt-bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let json_text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    for (name, text) in [
        ("summary.json", json_text),
        ("summary.md", markdown.clone()),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("{markdown}");
    println!("written: {}", out.join("summary.{json,md}").display());
    Ok(())
}

/// One benchmark's median, from criterion's `<group>/<function>/<parameter>/new/estimates.json`.
#[derive(Debug)]
struct Estimate {
    group: String,
    function: String,
    parameter: String,
    median_ns: f64,
}

/// The estimates criterion wrote since `since` (older files belong to other runs).
fn read_estimates(criterion: &Path, since: SystemTime) -> Vec<Estimate> {
    let mut found = Vec::new();
    let dirs = |p: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.retain(|p| p.is_dir());
        v.sort();
        v
    };
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    for group in dirs(criterion) {
        for function in dirs(&group) {
            for parameter in dirs(&function) {
                let file = parameter.join("new/estimates.json");
                let fresh = std::fs::metadata(&file)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= since);
                if !fresh {
                    continue;
                }
                let median = std::fs::read_to_string(&file)
                    .ok()
                    .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                    .and_then(|v| v["median"]["point_estimate"].as_f64());
                if let (Some(g), Some(f), Some(p), Some(median_ns)) =
                    (name(&group), name(&function), name(&parameter), median)
                {
                    found.push(Estimate {
                        group: g,
                        function: f,
                        parameter: p,
                        median_ns,
                    });
                }
            }
        }
    }
    found
}

fn lookup(estimates: &[Estimate], group: &str, function: &str, parameter: &str) -> Option<f64> {
    estimates
        .iter()
        .find(|e| e.group == group && e.function == function && e.parameter == parameter)
        .map(|e| e.median_ns)
}

/// The reference engine's ES256 and RS256 backend in the benchmarks, which build `idjwt` with its
/// default features (`ring`); every other library is compared with the pure-Rust floor (`p256`
/// for ES256, `rsa` for RS256).
const REFERENCE_ES256: &str = "ring";

/// The pure-Rust floor of a public-key algorithm.
fn rust_floor(alg: &str) -> &'static str {
    if alg == "RS256" {
        "rsa"
    } else {
        "p256"
    }
}

/// The floor of an operation: HMAC for HS256; for ES256 and RS256 the backend the
/// implementation uses (the reference's is the one compiled in, ring by default; every other
/// library is compared with the pure-Rust floor).
fn floor_of(
    estimates: &[Estimate],
    implementation: &str,
    alg: &str,
    op: &str,
    provider: &str,
) -> Option<(String, f64)> {
    let name = match alg {
        "HS256" => "hmac-sha256".to_owned(),
        _ => {
            let reference = implementation == "reference" || implementation == "serve-reference";
            let backend = if reference {
                REFERENCE_ES256
            } else {
                rust_floor(alg)
            };
            format!("{backend}-{op}")
        }
    };
    lookup(estimates, "floor", &name, provider).map(|ns| (name, ns))
}

fn summarise(estimates: &[Estimate], options: &Args) -> Value {
    let mut rows = Vec::new();
    for e in estimates {
        let (kind, op, alg) = match e.group.split('-').collect::<Vec<_>>().as_slice() {
            [op @ ("sign" | "verify"), alg] => ("in-process", *op, (*alg).to_owned()),
            ["pipe", op, alg] => ("pipe", *op, (*alg).to_owned()),
            ["prepare", op, alg] => ("prepare", *op, (*alg).to_owned()),
            ["direct"] => {
                let op = e.function.trim_start_matches("engine-");
                let alg = if lookup(estimates, "floor", "hmac-sha256", &e.parameter).is_some() {
                    "HS256"
                } else if lookup(estimates, "floor", "rsa-sign", &e.parameter).is_some() {
                    "RS256"
                } else {
                    "ES256"
                };
                (
                    "direct",
                    if op == "sign" { "sign" } else { "verify" },
                    alg.to_owned(),
                )
            }
            _ => continue,
        };
        let implementation = match kind {
            "direct" => "reference".to_owned(),
            _ => e.function.clone(),
        };
        // Preparing keys has no primitive floor: it is reported in time only.
        let floor = match kind {
            "prepare" => None,
            _ => floor_of(estimates, &implementation, &alg, op, &e.parameter),
        };
        rows.push(json!({
            "implementation": implementation,
            "via": match kind {
                "in-process" => "contract",
                "direct" => "engine (no contract)",
                "prepare" => "prepare (keys made once)",
                _ => "pipe (protocol v1, includes the process boundary)",
            },
            "provider": e.parameter,
            "alg": alg,
            "op": op,
            "ns_per_op": round(e.median_ns),
            "ops_per_s": round(1e9 / e.median_ns),
            "floor": floor.as_ref().map(|(n, _)| n.clone()),
            "floor_ns_per_op": floor.as_ref().map(|(_, ns)| round(*ns)),
            "ratio_to_floor": floor.as_ref().map(|(_, ns)| round3(e.median_ns / ns)),
        }));
    }
    rows.sort_by_key(|r| {
        (
            r["via"] != "contract",
            r["via"].as_str().unwrap_or_default().to_owned(),
            r["alg"].as_str().unwrap_or_default().to_owned(),
            r["op"].as_str().unwrap_or_default().to_owned(),
            r["implementation"] != "reference",
            r["implementation"].as_str().unwrap_or_default().to_owned(),
            r["provider"].as_str().unwrap_or_default().to_owned(),
        )
    });
    let floors: Vec<Value> = estimates
        .iter()
        .filter(|e| e.group == "floor")
        .map(|e| {
            json!({"floor": e.function, "provider": e.parameter,
                   "ns_per_op": round(e.median_ns), "ops_per_s": round(1e9 / e.median_ns)})
        })
        .collect();
    json!({
        "date": today(),
        "quick": options.quick,
        "es256_backend": REFERENCE_ES256,
        "machine": machine(),
        "goals": goals(&rows, estimates),
        "ranking": ranking(&rows, estimates),
        "rows": rows,
        "floors": floors,
    })
}

/// The performance goals: what, algorithm, operation, the limit of the worst provider's ratio
/// to its floor, and the ratio hoped for.
#[rustfmt::skip]
const GOALS: &[(&str, &str, &str, f64, Option<f64>)] = &[
    ("reference HS256 sign / HMAC floor", "HS256", "sign", 1.5, Some(1.3)),
    ("reference HS256 verify / HMAC floor", "HS256", "verify", 3.0, Some(2.0)),
    ("reference ES256 sign / backend floor", "ES256", "sign", 1.1, None),
    ("reference ES256 verify / backend floor", "ES256", "verify", 1.1, None),
    ("reference RS256 sign / backend floor", "RS256", "sign", 1.1, None),
    ("reference RS256 verify / backend floor", "RS256", "verify", 1.1, None),
];

/// Every implementation measured through the contract, ranked per algorithm and operation by
/// the median over providers of its ratio to the fastest floor of the operation measured here
/// (lower is faster), with its worst. Each row's own ratio is to the floor of its backend; a
/// rank compares implementations on different backends, so it needs one yardstick for all.
fn ranking(rows: &[Value], estimates: &[Estimate]) -> Vec<Value> {
    let mut ranked = Vec::new();
    for alg in ["HS256", "ES256", "RS256"] {
        for op in ["sign", "verify"] {
            let mut by_impl: Vec<(String, Vec<f64>)> = Vec::new();
            for r in rows
                .iter()
                .filter(|r| r["via"] == "contract" && r["alg"] == alg && r["op"] == op)
            {
                let (Some(name), Some(ns), Some(provider)) = (
                    r["implementation"].as_str(),
                    r["ns_per_op"].as_f64(),
                    r["provider"].as_str(),
                ) else {
                    continue;
                };
                let Some(floor) = fastest_floor(estimates, alg, op, provider) else {
                    continue;
                };
                let ratio = ns / floor;
                match by_impl.iter_mut().find(|(n, _)| n == name) {
                    Some((_, ratios)) => ratios.push(ratio),
                    None => by_impl.push((name.to_owned(), vec![ratio])),
                }
            }
            let mut summary: Vec<(String, f64, f64, usize)> = by_impl
                .into_iter()
                .map(|(name, mut ratios)| {
                    ratios.sort_by(f64::total_cmp);
                    let median = ratios[ratios.len() / 2];
                    let worst = ratios[ratios.len() - 1];
                    (name, median, worst, ratios.len())
                })
                .collect();
            summary.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            for (rank, (name, median, worst, providers)) in summary.into_iter().enumerate() {
                ranked.push(
                    json!({"alg": alg, "op": op, "rank": rank + 1, "implementation": name,
                                   "median_ratio": round3(median), "worst_ratio": round3(worst),
                                   "providers": providers}),
                );
            }
        }
    }
    ranked
}

/// The fastest floor of an operation for a provider: HMAC for HS256; for ES256 and RS256 the
/// faster of the ring and pure-Rust floors.
fn fastest_floor(estimates: &[Estimate], alg: &str, op: &str, provider: &str) -> Option<f64> {
    let names = match alg {
        "HS256" => vec!["hmac-sha256".to_owned()],
        _ => vec![format!("ring-{op}"), format!("{}-{op}", rust_floor(alg))],
    };
    names
        .iter()
        .filter_map(|name| lookup(estimates, "floor", name, provider))
        .min_by(f64::total_cmp)
}

/// The goals as measured: the worst provider of each.
fn goals(rows: &[Value], estimates: &[Estimate]) -> Vec<Value> {
    let reference = |alg: &str, op: &str| -> Vec<f64> {
        rows.iter()
            .filter(|r| {
                r["implementation"] == "reference"
                    && r["via"] == "contract"
                    && r["alg"] == alg
                    && r["op"] == op
            })
            .filter_map(|r| r["ratio_to_floor"].as_f64())
            .collect()
    };
    let worst = |v: Vec<f64>| {
        v.into_iter()
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
    };
    let mut goals = Vec::new();
    for (what, alg, op, limit, moonshot) in GOALS {
        let measured = worst(reference(alg, op));
        goals.push(json!({"goal": what, "limit": limit, "moonshot": moonshot,
                          "measured_worst": measured, "met": measured.map(|m| m <= *limit)}));
    }
    // The contract's overhead: the reference through the trait (JWK in the request) against the
    // engine called with a loaded key.
    let overheads: Vec<f64> = estimates
        .iter()
        .filter(|e| e.group == "sign-HS256" && e.function == "reference")
        .filter_map(|e| {
            let direct = lookup(estimates, "direct", "engine-sign", &e.parameter)?;
            Some((e.median_ns - direct) / e.median_ns)
        })
        .collect();
    let measured = worst(overheads).map(round3);
    goals.push(
        json!({"goal": "contract overhead / reference HS256 sign", "limit": 0.02,
                      "measured_worst": measured, "met": measured.map(|m| m <= 0.02)}),
    );
    goals
}

fn markdown(summary: &Value) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## idjwt benchmarks ({}, {}{}, ES256 backend of the reference: {})\n",
        summary["date"].as_str().unwrap_or_default(),
        summary["machine"].as_str().unwrap_or_default(),
        if summary["quick"] == true {
            ", quick"
        } else {
            ""
        },
        summary["es256_backend"].as_str().unwrap_or_default(),
    );
    md.push_str(
        "| goal | limit | moonshot | measured (worst provider) | met |\n|---|---|---|---|---|\n",
    );
    for g in summary["goals"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            g["goal"].as_str().unwrap_or_default(),
            g["limit"],
            g["moonshot"]
                .as_f64()
                .map_or("–".to_owned(), |m| m.to_string()),
            g["measured_worst"],
            match g["met"].as_bool() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "n/a",
            }
        );
    }
    md.push_str(
        "\n| alg | op | rank | implementation | median ratio to the fastest floor | worst | providers |\n\
         |---|---|---:|---|---:|---:|---:|\n",
    );
    for r in summary["ranking"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r["alg"].as_str().unwrap_or_default(),
            r["op"].as_str().unwrap_or_default(),
            r["rank"],
            r["implementation"].as_str().unwrap_or_default(),
            r["median_ratio"],
            r["worst_ratio"],
            r["providers"],
        );
    }
    md.push_str(
        "\n| implementation | via | provider | alg | op | ns/op | ops/s | floor | floor ns/op | ratio |\n\
         |---|---|---|---|---|---:|---:|---|---:|---:|\n",
    );
    for r in summary["rows"].as_array().into_iter().flatten() {
        let text = |k: &str| {
            r[k].as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| "–".to_owned())
        };
        let num = |k: &str| r[k].as_f64().map_or("–".to_owned(), |v| format!("{v}"));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            text("implementation"),
            text("via"),
            text("provider"),
            text("alg"),
            text("op"),
            num("ns_per_op"),
            num("ops_per_s"),
            text("floor"),
            num("floor_ns_per_op"),
            num("ratio_to_floor"),
        );
    }
    md.push_str("\n| floor | provider | ns/op | ops/s |\n|---|---|---:|---:|\n");
    for f in summary["floors"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            f["floor"].as_str().unwrap_or_default(),
            f["provider"].as_str().unwrap_or_default(),
            f["ns_per_op"],
            f["ops_per_s"],
        );
    }
    md
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The CPU model and core count, from /proc/cpuinfo where there is one.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // The date part of `2026-12-06T19:38:40Z`.
    idjwt::cli::utc::format(seconds as f64)[..10].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bench(line: &str) -> Result<Args, clap::Error> {
        task_args!(Bench, &format!("bench {line}"))
    }

    #[test]
    fn options_parse() {
        let o = bench("--quick --impl reference --impl=jsonwebtoken").unwrap();
        assert!(o.quick && !o.external);
        assert_eq!(o.implementations, ["reference", "jsonwebtoken"]);
        let o = bench("").unwrap();
        assert!(!o.quick && !o.external && o.implementations.is_empty());
        assert_eq!(bench("--ring").unwrap_err().exit_code(), 2);
        assert!(bench("--external").unwrap().external);
        assert_eq!(bench("--fast").unwrap_err().exit_code(), 2);
        assert_eq!(bench("--impl").unwrap_err().exit_code(), 2);
        assert_eq!(bench("--quick=yes").unwrap_err().exit_code(), 2);
        assert_eq!(bench("reference").unwrap_err().exit_code(), 2);
        assert_eq!(bench("--help").unwrap_err().exit_code(), 0);
    }

    #[test]
    fn goals_use_the_worst_provider_and_the_direct_call() {
        let e = |group: &str, function: &str, parameter: &str, median_ns: f64| Estimate {
            group: group.into(),
            function: function.into(),
            parameter: parameter.into(),
            median_ns,
        };
        let estimates = vec![
            e("floor", "hmac-sha256", "drift", 100.0),
            e("floor", "hmac-sha256", "zendesk", 200.0),
            e("sign-HS256", "reference", "drift", 120.0),
            e("sign-HS256", "reference", "zendesk", 320.0),
            e("sign-HS256", "jsonwebtoken", "drift", 110.0),
            e("sign-HS256", "jsonwebtoken", "zendesk", 200.0),
            e("prepare-sign-HS256", "jsonwebtoken", "drift", 900.0),
            e("direct", "engine-sign", "drift", 114.0),
            e("direct", "engine-sign", "zendesk", 316.8),
        ];
        let options = Args {
            quick: true,
            implementations: Vec::new(),
            external: false,
        };
        let summary = summarise(&estimates, &options);
        let goals = summary["goals"].as_array().unwrap();
        assert_eq!(goals[0]["measured_worst"], 1.6);
        assert_eq!(goals[0]["met"], false);
        assert_eq!(goals[0]["moonshot"], 1.3);
        assert_eq!(goals[2]["measured_worst"], Value::Null);
        assert_eq!(goals[6]["measured_worst"], 0.05);
        let direct = summary["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["via"] == "engine (no contract)" && r["provider"] == "drift")
            .unwrap();
        assert_eq!(direct["alg"], "HS256");
        assert_eq!(direct["ratio_to_floor"], 1.14);
        assert!(
            markdown(&summary).contains("| reference | contract | drift | HS256 | sign | 120 |")
        );
        // Ranked by the median over providers: jsonwebtoken 1.1 and 1.0, the reference 1.2 and
        // 1.6; preparing is a row of its own, with no floor, and never ranked.
        let ranking = summary["ranking"].as_array().unwrap();
        assert_eq!(ranking.len(), 2);
        assert_eq!(ranking[0]["implementation"], "jsonwebtoken");
        assert_eq!(ranking[0]["rank"], 1);
        assert_eq!(ranking[0]["median_ratio"], 1.1);
        assert_eq!(ranking[1]["implementation"], "reference");
        assert_eq!(ranking[1]["worst_ratio"], 1.6);
        let prepare = summary["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["via"] == "prepare (keys made once)")
            .unwrap();
        assert_eq!(prepare["ns_per_op"], 900.0);
        assert_eq!(prepare["ratio_to_floor"], Value::Null);
        assert!(markdown(&summary).contains("| HS256 | sign | 1 | jsonwebtoken | 1.1 | 1.1 | 2 |"));
    }

    #[test]
    fn ranks_compare_every_backend_with_the_fastest_floor() {
        let e = |group: &str, function: &str, median_ns: f64| Estimate {
            group: group.into(),
            function: function.into(),
            parameter: "privy".into(),
            median_ns,
        };
        // A row's own ratio is to ring's floor for the reference and to p256's for every other
        // library (biscuit signs on ring all the same); the rank is to the faster floor, ring's.
        let estimates = vec![
            e("floor", "ring-sign", 17.0),
            e("floor", "p256-sign", 160.0),
            e("sign-ES256", "reference", 17.0),
            e("sign-ES256", "biscuit", 20.0),
            e("sign-ES256", "jwt-compact", 163.0),
        ];
        let options = Args {
            quick: true,
            implementations: Vec::new(),
            external: false,
        };
        let summary = summarise(&estimates, &options);
        let order: Vec<(&str, f64)> = summary["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["implementation"].as_str().unwrap(),
                    r["median_ratio"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            order,
            [
                ("reference", 1.0),
                ("biscuit", 1.176),
                ("jwt-compact", 9.588)
            ]
        );
        let biscuit = summary["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["implementation"] == "biscuit")
            .unwrap();
        assert_eq!(biscuit["ratio_to_floor"], 0.125);
    }

    #[test]
    fn dates() {
        assert_eq!(today().len(), 10);
        assert!(today().starts_with("20"));
    }
}
