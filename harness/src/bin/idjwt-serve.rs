//! `idjwt-serve`: serves a built-in (or deliberately faulty) implementation over adapter
//! protocol v1 on stdin/stdout, one JSON response line per request line.
//!
//! `--fault` makes the process itself misbehave, to test how the harness contains adapters that
//! hang, die or write garbage (see [`idjwt::impls::faulty::ProcessFault`]).

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

use idjwt::contract::{serve_line, KeyCache, WireRequest};
use idjwt::impls::{self, faulty, faulty::ProcessFault, provider_level};

const USAGE: &str = "\
usage: idjwt-serve [--impl NAME] [--fault KIND [--fault-id TEXT]]

Serves an implementation over adapter protocol v1: one JSON request per line on stdin, one
JSON response per line on stdout. Exits 0 at the end of stdin.

  --impl NAME       the implementation (default: reference): a built-in
                    (reference, jsonwebtoken, …), a deliberately faulty one
                    (faulty-accepts-none, faulty-ignores-exp, faulty-key-confusion, …),
                    or the provider-level reference-provider
  --fault KIND      make the process misbehave on verify requests, for testing the
                    harness's containment of adapters:
                      hang-on-verify     sleep forever, never answer
                      exit-on-verify     exit with status 3, without answering
                      garbage-on-verify  write the line `this is not json` instead of the
                                         response, then go on serving
                      panic-on-verify    panic (the process dies with status 101)
  --fault-id TEXT   the fault fires only on verify requests whose id contains TEXT
                    (default: on every verify request). The rule depends only on the request,
                    so it fires the same way after the harness restarts the process.
  -h, --help        show this help
";

struct Options {
    implementation: String,
    fault: Option<ProcessFault>,
    fault_id: String,
}

/// `Ok(None)` means `--help`.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        implementation: "reference".to_owned(),
        fault: None,
        fault_id: String::new(),
    };
    let mut fault_id = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--impl" => options.implementation = value("--impl")?,
            "--fault" => {
                let name = value("--fault")?;
                options.fault = Some(ProcessFault::from_name(&name).ok_or_else(|| {
                    let known: Vec<&str> = ProcessFault::ALL.iter().map(|f| f.name()).collect();
                    format!("unknown fault {name:?} (known: {})", known.join(", "))
                })?);
            }
            "--fault-id" => fault_id = Some(value("--fault-id")?),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    if let Some(text) = fault_id {
        if options.fault.is_none() {
            return Err("--fault-id needs --fault".to_owned());
        }
        options.fault_id = text;
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("idjwt-serve: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(imp) = impls::builtin(&options.implementation)
        .or_else(|| faulty::by_name(&options.implementation))
        .or_else(|| provider_level::by_name(&options.implementation))
    else {
        let known: Vec<&str> = impls::BUILTIN_NAMES
            .iter()
            .chain(faulty::NAMES.iter())
            .copied()
            .collect();
        eprintln!(
            "idjwt-serve: no implementation {:?} (known: {})\n\n{USAGE}",
            options.implementation,
            known.join(", ")
        );
        return ExitCode::from(2);
    };

    // Requests carry their keys; each distinct key list is prepared once, whichever
    // implementation is served.
    let keys = KeyCache::new();
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut output = io::stdout().lock();
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match input.read_until(b'\n', &mut buffer) {
            Ok(0) => return ExitCode::SUCCESS,
            Ok(_) => {}
            Err(e) => {
                eprintln!("idjwt-serve: cannot read stdin: {e}");
                return ExitCode::FAILURE;
            }
        }
        let text = String::from_utf8_lossy(&buffer);
        let line = text.trim_end_matches(['\n', '\r']);
        if let Some(fault) = options.fault {
            if let Ok(request) = serde_json::from_str::<WireRequest>(line) {
                if ProcessFault::fires(&request, &options.fault_id) {
                    let id = match &request {
                        WireRequest::Verify(v) => v.id.as_str(),
                        _ => "",
                    };
                    if act(fault, id, &mut output).is_err() {
                        return ExitCode::FAILURE;
                    }
                    continue;
                }
            }
        }
        let response = serde_json::to_string(&serve_line(imp.as_ref(), &keys, line))
            .unwrap_or_else(|e| {
                format!(
                    "{{\"ok\":false,\"error\":{}}}",
                    serde_json::Value::String(format!("cannot encode the response: {e}"))
                )
            });
        if writeln!(output, "{response}")
            .and_then(|()| output.flush())
            .is_err()
        {
            // The harness is gone.
            return ExitCode::FAILURE;
        }
    }
}

/// Misbehaves as `fault` says on request `id`; returns only for garbage.
fn act(fault: ProcessFault, id: &str, output: &mut impl Write) -> io::Result<()> {
    match fault {
        ProcessFault::HangOnVerify => {
            eprintln!("idjwt-serve: --fault hang-on-verify: hanging on request {id:?}");
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        ProcessFault::ExitOnVerify => {
            eprintln!(
                "idjwt-serve: --fault exit-on-verify: exiting with status {} on request {id:?}",
                ProcessFault::EXIT_STATUS
            );
            std::process::exit(ProcessFault::EXIT_STATUS);
        }
        ProcessFault::GarbageOnVerify => {
            writeln!(output, "{}", ProcessFault::GARBAGE)?;
            output.flush()
        }
        ProcessFault::PanicOnVerify => {
            panic!("--fault panic-on-verify: deliberate panic on request {id:?}")
        }
    }
}
