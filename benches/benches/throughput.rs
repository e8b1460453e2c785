//! Signing and verifying throughput of every implementation, next to the primitive floors.
//!
//! Run it with `cargo xtask bench` (which also writes the summary table); `cargo test --benches`
//! runs every benchmark once. Environment, all optional:
//! - `IDJWT_BENCH_IMPL`: comma-separated implementation names to measure (floors always run);
//! - `IDJWT_BENCH_SERVE`: the `idjwt-serve` binary, for the over-the-pipe figures (default: next
//!   to this benchmark's directory, where `cargo build -p idjwt` puts it);
//! - `IDJWT_BENCH_ADAPTERS`: a directory of adapters (`adapters/`) whose installed ones are
//!   measured over the pipe too.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use idjwt::contract::{KeyUse, WireRequest};
use idjwt::engine::keys::KeySet;
use idjwt::engine::{self, Alg, JwsOptions, Limits};
use idjwt::impls::{builtin, BUILTIN_NAMES};
use idjwt_benches::floors::{self, HmacFloor, P256Floor};
use idjwt_benches::pipe::{installed_adapters, request_line, Pipe, Program};
use idjwt_benches::{fixtures, unusable, wall_clock, Fixture};

fn selected(name: &str) -> bool {
    match std::env::var("IDJWT_BENCH_IMPL") {
        Ok(list) if !list.trim().is_empty() => list.split(',').any(|n| n.trim() == name),
        _ => true,
    }
}

fn load() -> Vec<Fixture> {
    fixtures(wall_clock()).unwrap_or_else(|e| panic!("benchmark fixtures: {e}"))
}

/// Every in-process implementation through the contract, on its prepared path: keys made into
/// the library's own types once, as each library's documentation recommends, for every
/// implementation alike. Preparing is measured apart (`prepare-sign-*`, `prepare-verify-*`).
fn implementations(c: &mut Criterion) {
    let fixtures = load();
    let imps: Vec<_> = BUILTIN_NAMES
        .iter()
        .filter(|n| selected(n))
        .filter_map(|n| Some((*n, builtin(n)?)))
        .collect();
    for op in ["sign", "verify"] {
        for alg in Alg::ALL {
            let mut group = c.benchmark_group(format!("{op}-{alg}"));
            group.throughput(Throughput::Elements(1));
            let mut preparing = Vec::new();
            for (name, imp) in &imps {
                for fx in fixtures.iter().filter(|f| f.alg == alg) {
                    if let Some(why) = unusable(imp.as_ref(), fx) {
                        eprintln!("skipped {op}-{alg}/{name}/{}: {why}", fx.provider);
                        continue;
                    }
                    let id = BenchmarkId::new(*name, fx.provider);
                    if op == "sign" {
                        let keys = imp.prepare(KeyUse::Sign, std::slice::from_ref(&fx.sign.key));
                        group.bench_with_input(id, fx, |b, fx| {
                            b.iter(|| imp.sign_prepared(&keys, black_box(&fx.sign)))
                        });
                    } else {
                        let keys = imp.prepare(KeyUse::Verify, &fx.verify.keys);
                        group.bench_with_input(id, fx, |b, fx| {
                            b.iter(|| imp.verify_prepared(&keys, black_box(&fx.verify)))
                        });
                    }
                    preparing.push((*name, imp, fx));
                }
            }
            group.finish();
            let mut group = c.benchmark_group(format!("prepare-{op}-{alg}"));
            group.throughput(Throughput::Elements(1));
            for (name, imp, fx) in preparing {
                let id = BenchmarkId::new(name, fx.provider);
                if op == "sign" {
                    group.bench_with_input(id, fx, |b, fx| {
                        b.iter(|| {
                            imp.prepare(KeyUse::Sign, std::slice::from_ref(black_box(&fx.sign.key)))
                        })
                    });
                } else {
                    group.bench_with_input(id, fx, |b, fx| {
                        b.iter(|| imp.prepare(KeyUse::Verify, black_box(&fx.verify.keys)))
                    });
                }
            }
            group.finish();
        }
    }
}

/// The reference engine called directly, without the contract: the contract's own overhead is
/// the difference to `sign-*/reference` and `verify-*/reference`.
fn direct(c: &mut Criterion) {
    if !selected("reference") {
        return;
    }
    let fixtures = load();
    let mut group = c.benchmark_group("direct");
    group.throughput(Throughput::Elements(1));
    for fx in &fixtures {
        group.bench_with_input(BenchmarkId::new("engine-sign", fx.provider), fx, |b, fx| {
            b.iter(|| {
                engine::sign_jwt(
                    fx.alg,
                    black_box(&fx.key),
                    black_box(&fx.header),
                    black_box(&fx.claims),
                )
            })
        });
        let keys = KeySet::new(vec![fx.key.public()]);
        let request = &fx.verify;
        let algorithms = [fx.alg];
        let options = JwsOptions {
            algorithms: &algorithms,
            keys: &keys,
            limits: Limits::default(),
        };
        let checks = request.claim_checks();
        assert!(
            engine::verify_jwt(&fx.token, &options, &checks).is_ok(),
            "{}: the reference refuses its own token",
            fx.provider
        );
        group.bench_with_input(
            BenchmarkId::new("engine-verify", fx.provider),
            fx,
            |b, fx| b.iter(|| engine::verify_jwt(black_box(&fx.token), &options, &checks)),
        );
    }
    group.finish();
}

/// The primitives nothing can do without.
fn floors(c: &mut Criterion) {
    let fixtures = load();
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(1));
    for fx in &fixtures {
        let input = fx.signing_input().as_bytes();
        let signature = fx.signature();
        if let Some(floor) = HmacFloor::new(fx) {
            assert_eq!(floor.tag(input).as_slice(), signature.as_slice());
            group.bench_with_input(
                BenchmarkId::new("hmac-sha256", fx.provider),
                input,
                |b, i| b.iter(|| floor.tag(black_box(i))),
            );
        }
        // Each public-key floor signs and verifies the fixture's input the same way.
        macro_rules! sign_and_verify {
            ($floor:expr, $name:literal) => {
                if let Some(floor) = $floor {
                    assert!(floor.verify(input, &signature));
                    group.bench_with_input(
                        BenchmarkId::new(concat!($name, "-sign"), fx.provider),
                        input,
                        |b, i| b.iter(|| floor.sign(black_box(i))),
                    );
                    group.bench_with_input(
                        BenchmarkId::new(concat!($name, "-verify"), fx.provider),
                        input,
                        |b, i| b.iter(|| floor.verify(black_box(i), black_box(&signature))),
                    );
                }
            };
        }
        sign_and_verify!(P256Floor::new(fx), "p256");
        sign_and_verify!(floors::RingFloor::new(fx), "ring");
        sign_and_verify!(floors::RingRsaFloor::new(fx), "ring");
        sign_and_verify!(floors::RsaFloor::new(fx), "rsa");
        let json = floors::claims_json(fx);
        group.bench_with_input(BenchmarkId::new("json-claims", fx.provider), fx, |b, fx| {
            b.iter(|| floors::claims_json(black_box(fx)))
        });
        group.bench_with_input(
            BenchmarkId::new("base64url-claims", fx.provider),
            &json,
            |b, j| b.iter(|| floors::base64url(black_box(j))),
        );
    }
    group.finish();
}

/// The programs measured over protocol v1: `idjwt-serve` with the reference, and the installed
/// adapters when asked for.
fn programs() -> Vec<Program> {
    let mut programs = Vec::new();
    let serve = std::env::var_os("IDJWT_BENCH_SERVE")
        .map(PathBuf::from)
        .or_else(|| {
            // target/<profile>/deps/<bench> → target/<profile>/idjwt-serve
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.join("idjwt-serve"))
        });
    match serve {
        Some(path) if path.is_file() => {
            if selected("reference") {
                programs.push(Program {
                    name: "serve-reference".to_owned(),
                    command: format!("exec '{}' --impl reference", path.display()),
                    dir: std::env::temp_dir(),
                    env: Vec::new(),
                });
            }
        }
        _ => eprintln!(
            "skipped the pipe figures of idjwt-serve: no binary (build it with \
             `cargo build --release -p idjwt --bin idjwt-serve`, or set IDJWT_BENCH_SERVE)"
        ),
    }
    if let Some(dir) = std::env::var_os("IDJWT_BENCH_ADAPTERS") {
        let (found, left_out) = installed_adapters(&PathBuf::from(dir));
        for why in left_out {
            eprintln!("skipped adapter {why}");
        }
        programs.extend(found.into_iter().filter(|p| selected(&p.name)));
    }
    programs
}

/// Over the pipe, in batches: these figures include the process boundary.
fn pipes(c: &mut Criterion) {
    let programs = programs();
    if programs.is_empty() {
        return;
    }
    let fixtures = load();
    for op in ["sign", "verify"] {
        for alg in Alg::ALL {
            let mut group = c.benchmark_group(format!("pipe-{op}-{alg}"));
            group.throughput(Throughput::Elements(1));
            for program in &programs {
                let mut pipe = match Pipe::start(program) {
                    Ok(pipe) => pipe,
                    Err(e) => {
                        eprintln!("skipped {}: cannot start it: {e}", program.name);
                        continue;
                    }
                };
                for fx in fixtures.iter().filter(|f| f.alg == alg) {
                    let request = if op == "sign" {
                        WireRequest::Sign(fx.sign.clone())
                    } else {
                        WireRequest::Verify(fx.verify.clone())
                    };
                    let answer = pipe.ask(&request);
                    if !answer.as_ref().is_ok_and(|r| r.ok) {
                        let why = match answer {
                            Ok(r) => r.error.unwrap_or_default(),
                            Err(e) => e.to_string(),
                        };
                        eprintln!(
                            "skipped pipe-{op}-{alg}/{}/{}: {why}",
                            program.name, fx.provider
                        );
                        continue;
                    }
                    let Ok(line) = request_line(&request) else {
                        continue;
                    };
                    let id = BenchmarkId::new(program.name.as_str(), fx.provider);
                    group.bench_function(id, |b| {
                        b.iter_custom(|iters| {
                            pipe.run(&line, iters)
                                .unwrap_or_else(|e| panic!("{}: {e}", program.name))
                        })
                    });
                }
            }
            group.finish();
        }
    }
}

criterion_group!(benches, floors, direct, implementations, pipes);
criterion_main!(benches);
