//! The HTTP bridges against real servers started on 127.0.0.1: the example verification service
//! and signer endpoint under `examples/`, each correct and with a typical mistake, and a
//! misbehaving server for the bad answers a bridge must name (a 500, a redirect, a huge or
//! non-JSON body, a reset, no answer). Each server stops by itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use idjwt::engine::keys::Key;
use idjwt::suite::conformance::{conformance, Config, Services};
use idjwt::suite::http::Limits;
use idjwt::suite::outcome::Outcome;
use idjwt::suite::probe::{probe, HttpSigner};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Whether `program` runs here; in CI a missing one is a failure, elsewhere the test is skipped.
fn available(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{program} is needed"
    );
    found
}

/// A started example server and its base URL; killed when dropped.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(program: &str, args: &[&str]) -> Server {
    let mut child = Command::new(program)
        .args(args)
        .args(["--port", "0", "--idle-seconds", "60"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{program} wrote {line:?}"))
        .to_owned();
    Server(child, url)
}

/// A fresh temporary directory for this test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idjwt-services-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A key file in `dir` (TEST KEY ONLY).
fn key_file(key: &Key, dir: &Path) -> PathBuf {
    let path = dir.join("key.jwk");
    std::fs::write(&path, serde_json::to_string(&key.to_jwk()).unwrap()).unwrap();
    path
}

fn service_run(
    profile: &str,
    key: Key,
    verifier: Option<String>,
    signer: Option<String>,
) -> idjwt::suite::outcome::Report {
    let mut config = Config::new(root().join("vectors"));
    config.options.provider = Some(profile.into());
    config.services = Some(Services {
        profile: profile.into(),
        key,
        app_id: Some("app-1".into()),
        verifier_url: verifier,
        body: None,
        signer_url: signer,
        token_member: None,
    });
    conformance(&config).unwrap()
}

fn failures(report: &idjwt::suite::outcome::Report) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|r| r.outcome.is_failure())
        .map(|r| format!("{} {:?}", r.case_id, r.outcome))
        .collect()
}

#[test]
fn the_example_verifier_passes_and_its_mistake_is_caught() {
    if !available("python3") {
        return;
    }
    let dir = temp_dir("verifier");
    let key = Key::test_hmac("intercom-service");
    let file = key_file(&key, &dir);
    let file = file.to_str().unwrap();
    let script = "examples/verifier-service/server.py";

    let right = start("python3", &[script, "--key-file", file]);
    let report = service_run(
        "intercom",
        key.clone(),
        Some(format!("{}/verify", right.1)),
        None,
    );
    assert!(report.results.len() > 200, "{}", report.results.len());
    assert!(!report.left_out.is_empty());
    assert_eq!(failures(&report), Vec::<String>::new());

    let wrong = start(
        "python3",
        &[script, "--key-file", file, "--mistake", "exp-milliseconds"],
    );
    let report = service_run("intercom", key, Some(format!("{}/verify", wrong.1)), None);
    let failed = failures(&report);
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("intercom::exp-equals-now ")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .all(|f| f.contains("exp") && f.contains("UnexpectedAccept")),
        "{failed:?}"
    );
}

#[test]
fn the_example_signer_passes_and_each_mistake_is_named_per_user() {
    if !available("node") {
        return;
    }
    let dir = temp_dir("signer");
    let key = Key::test_ec("onesignal-signer");
    let file = key_file(&key, &dir);
    let file = file.to_str().unwrap();
    let script = "examples/signer-endpoint/server.js";
    let args = |mistake: Option<&'static str>| {
        let mut a = vec![script, "--key-file", file, "--app-id", "app-1"];
        a.extend(mistake.map(|m| ["--mistake", m]).into_iter().flatten());
        a
    };

    let right = start("node", &args(None));
    let report = service_run(
        "onesignal",
        key.clone(),
        None,
        Some(format!("{}/generate-jwt/{{user}}", right.1)),
    );
    assert_eq!(report.results.len(), 9);
    assert_eq!(failures(&report), Vec::<String>::new());

    let profile = idjwt::profile::builtin("onesignal").unwrap();
    let millis = start("node", &args(Some("exp-milliseconds")));
    let signer = HttpSigner::new(
        &format!("{}/generate-jwt/{{user}}", millis.1),
        None,
        Limits::default(),
    )
    .unwrap();
    let probed = probe(profile, &key, Some("app-1"), &|u| signer.fetch(u));
    for p in &probed {
        if p.provider_accepts {
            assert!(
                p.problems
                    .iter()
                    .any(|x| x.contains("claim.exp") && x.contains("milliseconds")),
                "{}: {:?}",
                p.label,
                p.problems
            );
        } else {
            assert!(p.problems.is_empty(), "{}: {:?}", p.label, p.problems);
        }
    }

    // The command line names the fault per user id and exits 1; the right endpoint exits 0.
    let idjwt = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_idjwt"))
            .args([
                "probe",
                "--provider",
                "onesignal",
                "--app-id",
                "app-1",
                "--key",
                file,
            ])
            .args(["--signer-url", &format!("{url}/generate-jwt/{{user}}")])
            .output()
            .unwrap()
    };
    let out = idjwt(&millis.1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("9 user ids, 1 right, 8 wrong"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("WRONG  digits")),
        "{text}"
    );
    assert!(text.contains("milliseconds"), "{text}");
    assert!(
        !text.contains(&key.to_jwk().d.unwrap()),
        "the key is never printed"
    );
    let out = idjwt(&right.1);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let numeric = start("node", &args(Some("numeric-id")));
    let report = service_run(
        "onesignal",
        key,
        None,
        Some(format!("{}/generate-jwt/{{user}}", numeric.1)),
    );
    let failed = failures(&report);
    assert_eq!(failed.len(), 2, "{failed:?}");
    for label in ["digits", "leading-zeros"] {
        let f = failed
            .iter()
            .find(|f| f.starts_with(&format!("probe::onesignal::{label} ")))
            .unwrap();
        assert!(
            f.contains("identity.external_id") && f.contains("number"),
            "{f}"
        );
    }
}

/// Reads one whole request (head and `Content-Length` body) so that closing the connection
/// afterwards cannot reset it before the client has read the answer.
fn read_request(stream: &mut std::net::TcpStream) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buf[..n]);
        let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
        let body_len = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if request.len() >= end + 4 + body_len {
            return;
        }
    }
}

/// A server on 127.0.0.1 that answers every connection with `answer`, for `count` connections.
fn misbehaving(answer: &'static [u8], count: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            read_request(&mut stream);
            if answer == b"HANG" {
                std::thread::sleep(Duration::from_secs(3));
                continue;
            }
            if answer == b"BIG" {
                let _ =
                    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n");
                let chunk = vec![b' '; 1 << 20];
                for _ in 0..100 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
                continue;
            }
            let _ = stream.write_all(answer);
        }
    });
    url
}

#[test]
fn bad_answers_are_named_never_a_panic() {
    let key = Key::test_ec("onesignal-signer");
    let profile = idjwt::profile::builtin("onesignal").unwrap();
    let limits = Limits {
        timeout: Duration::from_millis(800),
        ..Limits::default()
    };
    let cases: [(&'static [u8], &str); 6] = [
        (
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops",
            "HTTP 500",
        ),
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere.test/\r\nContent-Length: 0\r\n\r\n",
            "redirect to http://elsewhere.test/, not followed",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<html>",
            "neither a compact JWS nor a JSON object",
        ),
        (b"", "connection"),
        (b"BIG", "longer than 1048576 bytes"),
        (b"HANG", "no answer within"),
    ];
    for (answer, named) in cases {
        let url = misbehaving(answer, 9);
        let signer = HttpSigner::new(&format!("{url}/jwt/{{user}}"), None, limits).unwrap();
        let probed = probe(profile, &key, Some("app-1"), &|u| signer.fetch(u));
        assert_eq!(probed.len(), 9);
        for p in probed.iter().filter(|p| p.provider_accepts) {
            assert!(
                p.problems.iter().any(|x| x.contains(named)),
                "{named}: {:?}",
                p.problems
            );
        }
    }
    // Nothing listens: connecting fails, and the probe says so for every id.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let signer = HttpSigner::new(&format!("http://{closed}/jwt/{{user}}"), None, limits).unwrap();
    let probed = probe(profile, &key, Some("app-1"), &|u| signer.fetch(u));
    assert!(
        probed
            .iter()
            .all(|p| p.problems.iter().all(|x| x.contains("cannot connect"))),
        "{probed:?}"
    );
    // A verifier answering 500 to everything: each case a crash naming the status, none a pass.
    let url = misbehaving(
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
        5,
    );
    let report = service_run(
        "intercom",
        Key::test_hmac("k"),
        Some(format!("{url}/verify")),
        None,
    );
    let crashes = report
        .results
        .iter()
        .filter(
            |r| matches!(&r.outcome, Outcome::Crash { message } if message.contains("HTTP 500")),
        )
        .count();
    assert!(
        crashes >= 3,
        "{crashes}: {:?}",
        report
            .results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Crash { .. }))
            .take(6)
            .map(|r| &r.outcome)
            .collect::<Vec<_>>()
    );
    assert!(report.results.iter().all(
        |r| r.outcome != Outcome::Pass || r.expected == idjwt::suite::case::Expectation::Either
    ));
}
