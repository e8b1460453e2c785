//! External adapters (protocol v1 over stdin/stdout), exercised through `idjwt-serve`: the
//! description, sign → verify round trips, refusals, and containment of adapter processes that
//! hang, exit, panic or write garbage (each followed by a restart and a normal answer).

use std::time::Duration;

use idjwt::contract::{Clock, Jwk, SignRequest, VerifyRequest};
use idjwt::engine::keys::Key;
use idjwt::suite::external::{AdapterError, External};
use idjwt::suite::subject::{Answer, Subject};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_700_000_000;
const TIMEOUT: Duration = Duration::from_secs(10);
const HANG_TIMEOUT: Duration = Duration::from_secs(1);

/// `idjwt-serve` with these arguments, as a `sh -c` command line.
fn serve(args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_idjwt-serve");
    assert!(!bin.contains('\''), "{bin}");
    format!("'{bin}' {args}")
}

fn spawn(args: &str, timeout: Duration) -> External {
    External::spawn(&serve(args), timeout).unwrap_or_else(|e| panic!("{e}"))
}

fn claims() -> Map<String, Value> {
    json!({"sub": "u", "exp": NOW + 60})
        .as_object()
        .unwrap()
        .clone()
}

fn key(alg: &str) -> Key {
    match alg {
        "HS256" => Key::test_hmac("adapter"),
        _ => Key::test_ec("adapter"),
    }
}

fn sign_request(id: &str, alg: &str) -> SignRequest {
    SignRequest {
        id: id.into(),
        alg: alg.into(),
        key: key(alg).to_jwk(),
        header: Map::new(),
        claims: claims(),
        provider: None,
    }
}

fn verify_request(id: &str, alg: &str, token: &str, keys: Vec<Jwk>) -> VerifyRequest {
    VerifyRequest {
        id: id.into(),
        token: token.into(),
        algorithms: vec![alg.into()],
        keys,
        now: NOW,
        leeway: 0,
        required: Vec::new(),
        issuer: None,
        audience: None,
        mode: Default::default(),
        provider: None,
        jwks: None,
    }
}

fn signed(subject: &External, id: &str, alg: &str) -> String {
    match subject.sign(&sign_request(id, alg)) {
        Answer::Ok(token) => token,
        other => panic!("sign {id}: {other:?}"),
    }
}

/// Signs and verifies one HS256 token: the adapter answers normally.
fn assert_answers_normally(subject: &External, id: &str) {
    let token = signed(subject, &format!("{id}-sign"), "HS256");
    let request = verify_request(id, "HS256", &token, vec![key("HS256").public_jwk()]);
    match subject.verify(&request) {
        Answer::Ok(decoded) => assert_eq!(decoded.claims, claims()),
        other => panic!("verify {id}: {other:?}"),
    }
}

/// A verify request the fault fires on (`--fault-id fault`).
fn faulty_verify(subject: &External) -> Answer<idjwt::Decoded> {
    let token = signed(subject, "before-fault", "HS256");
    subject.verify(&verify_request(
        "fault-1",
        "HS256",
        &token,
        vec![key("HS256").public_jwk()],
    ))
}

fn crash_message<T: std::fmt::Debug>(answer: Answer<T>) -> String {
    match answer {
        Answer::Crash(message) => message,
        other => panic!("expected a crash, got {other:?}"),
    }
}

#[test]
fn describes_itself() {
    let subject = spawn("", TIMEOUT);
    let d = subject.description();
    assert_eq!(d.name, "reference");
    assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(d.algorithms, ["HS256", "ES256", "RS256", "RS512"]);
    assert_eq!(d.clock, Clock::Injected);
    assert!(d.cannot_enforce.is_empty());

    let faulty = spawn("--impl faulty-ignores-exp", TIMEOUT);
    assert_eq!(faulty.description().name, "faulty-ignores-exp");
    let other = spawn("--impl=jsonwebtoken", TIMEOUT);
    assert_eq!(other.description().name, "jsonwebtoken");
}

#[test]
fn sign_verify_round_trip() {
    let subject = spawn("", TIMEOUT);
    for alg in ["HS256", "ES256"] {
        let token = signed(&subject, &format!("sign-{alg}"), alg);
        let request = verify_request(
            &format!("verify-{alg}"),
            alg,
            &token,
            vec![key(alg).public_jwk()],
        );
        match subject.verify(&request) {
            Answer::Ok(decoded) => {
                assert_eq!(decoded.header["alg"], alg);
                assert_eq!(decoded.claims, claims());
            }
            other => panic!("{alg}: {other:?}"),
        }
    }
}

#[test]
fn refusals_carry_reason_codes() {
    let subject = spawn("", TIMEOUT);
    let token = signed(&subject, "s", "HS256");
    let mut late = verify_request("late", "HS256", &token, vec![key("HS256").public_jwk()]);
    late.now = NOW + 3600;
    match subject.verify(&late) {
        Answer::Refused(f) => assert_eq!(f.reason.as_deref(), Some("expired"), "{}", f.error),
        other => panic!("{other:?}"),
    }
    let wrong_key = verify_request(
        "wrong-key",
        "HS256",
        &token,
        vec![Key::test_hmac("other").to_jwk()],
    );
    match subject.verify(&wrong_key) {
        Answer::Refused(f) => assert_eq!(f.reason.as_deref(), Some("bad_signature")),
        other => panic!("{other:?}"),
    }
    let mut bad_sign = sign_request("bad-sign", "HS256");
    bad_sign.alg = "none".into();
    assert!(matches!(subject.sign(&bad_sign), Answer::Refused(_)));
    // A refusal is a normal answer: the same process goes on.
    assert_answers_normally(&subject, "after-refusals");
}

#[test]
fn hang_is_contained_and_the_adapter_restarts() {
    let subject = spawn("--fault hang-on-verify --fault-id fault", HANG_TIMEOUT);
    assert_answers_normally(&subject, "before");
    assert_eq!(faulty_verify(&subject), Answer::Hang(HANG_TIMEOUT));
    assert_answers_normally(&subject, "after");
    // And again: the fault is deterministic across restarts.
    assert_eq!(faulty_verify(&subject), Answer::Hang(HANG_TIMEOUT));
    assert_answers_normally(&subject, "after-again");
}

/// Each fault that ends the adapter mid-request, with how its crash message starts and what it
/// quotes from the adapter's output.
#[rustfmt::skip]
const CRASHES: &[(&str, &str, &str)] = &[
    ("exit-on-verify", "exited: status 3", "exit-on-verify"),
    ("garbage-on-verify", "wrote garbage", "this is not json"),
    // Without a backtrace, the panic message is among the last lines of stderr.
    ("panic-on-verify", "exited: status 101", "deliberate panic"),
];

#[test]
fn a_crash_is_reported_with_its_status_and_output_and_the_adapter_restarts() {
    for (fault, starts, quotes) in CRASHES {
        let command = format!(
            "RUST_BACKTRACE=0 {}",
            serve(&format!("--fault {fault} --fault-id fault"))
        );
        let subject = External::spawn(&command, TIMEOUT).unwrap();
        let message = crash_message(faulty_verify(&subject));
        assert!(message.starts_with(starts), "{fault}: {message}");
        assert!(message.contains(quotes), "{fault}: {message}");
        assert_answers_normally(&subject, "after");
    }
}

#[test]
fn every_verify_faults_without_fault_id() {
    let subject = spawn("--fault exit-on-verify", TIMEOUT);
    let token = signed(&subject, "s", "HS256");
    for id in ["v1", "v2"] {
        let request = verify_request(id, "HS256", &token, vec![key("HS256").public_jwk()]);
        assert!(matches!(subject.verify(&request), Answer::Crash(_)));
    }
    // Signing still works, after a restart.
    signed(&subject, "s2", "ES256");
}

/// A shell-script adapter that describes itself as `scripted`, then runs `answers`.
fn scripted(answers: &str) -> External {
    let describe =
        r#"{"ok":true,"name":"scripted","version":"1","algorithms":["HS256"],"clock":"injected"}"#;
    External::spawn(&format!("read l; echo '{describe}'; {answers}"), TIMEOUT).unwrap()
}

#[test]
fn wrong_id_and_missing_fields_are_garbage() {
    let subject = scripted(r#"read l; echo '{"id":"other","ok":true,"token":"a.b.c"}';"#);
    assert_eq!(subject.description().name, "scripted");
    let m = crash_message(subject.sign(&sign_request("s", "HS256")));
    assert!(m.contains("answered id \"other\" to request \"s\""), "{m}");
    // Restarted: the script starts over and answers the next request with the wrong id again.
    let m = crash_message(subject.sign(&sign_request("s", "HS256")));
    assert!(m.starts_with("wrote garbage"), "{m}");
}

#[test]
fn ok_without_result_is_garbage() {
    let subject = scripted(r#"while read l; do echo '{"id":"v","ok":true,"claims":{}}'; done"#);
    let request = verify_request("v", "HS256", "a.b.c", Vec::new());
    let m = crash_message(subject.verify(&request));
    assert!(m.contains("without \"header\""), "{m}");
}

/// The error starting `command` as an adapter fails with, whose message says each of `says`.
#[track_caller]
fn spawn_error(command: &str, says: &[&str]) -> AdapterError {
    let err = External::spawn(command, TIMEOUT).unwrap_err();
    let message = err.to_string();
    for said in says {
        assert!(message.contains(said), "{command}: {message}");
    }
    err
}

#[test]
fn missing_command_fails_at_spawn() {
    let program = "idjwt-no-such-adapter-program";
    let err = spawn_error(
        &format!("{program} --serve"),
        &["command not found", program],
    );
    assert!(matches!(err, AdapterError::Exited { .. }), "{err:?}");
    assert!(matches!(
        External::spawn("  ", TIMEOUT),
        Err(AdapterError::EmptyCommand)
    ));
}

#[test]
fn garbage_description_fails_at_spawn() {
    let err = spawn_error("echo nope", &["wrote garbage", "\"nope\""]);
    assert!(matches!(err, AdapterError::Describe { .. }), "{err:?}");

    let no_clock = r#"echo '{"ok":true,"name":"x","version":"1","algorithms":["HS256"]}'"#;
    let err = External::spawn(no_clock, TIMEOUT).unwrap_err();
    assert!(matches!(err, AdapterError::Describe { .. }), "{err:?}");
    assert!(err.to_string().contains("`clock`"), "{err}");
}

#[test]
fn silent_describe_is_a_timeout() {
    let err = External::spawn("sleep 30", Duration::from_millis(300)).unwrap_err();
    assert!(matches!(err, AdapterError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("describe"), "{err}");
}

#[test]
fn a_slow_start_has_its_own_timeout() {
    // Starts in about a second, then answers at once: the per-request timeout of 300 ms does
    // not apply to start-up when the describe timeout is given separately.
    let slow = format!("sleep 1; exec {}", serve(""));
    let started = External::spawn_with(&slow, Duration::from_millis(300), TIMEOUT)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(started.timeout(), Duration::from_millis(300));
    let err = External::spawn(&slow, Duration::from_millis(300)).unwrap_err();
    assert!(matches!(err, AdapterError::Timeout { .. }), "{err:?}");
}

#[test]
fn bad_flags_exit_2_with_usage() {
    let bin = env!("CARGO_BIN_EXE_idjwt-serve");
    for args in [
        &["--bogus"][..],
        &["--fault", "explode"],
        &["--impl", "nope"],
        &["--fault-id", "x"],
    ] {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: idjwt-serve"));
    }
    let out = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--fault-id"));
}

#[test]
fn hang_behind_a_shell_is_contained() {
    // A compound command keeps `sh` as the parent: the whole process group must be ended.
    let command = format!(
        "{} ; exit 0",
        serve("--fault hang-on-verify --fault-id fault")
    );
    let subject = External::spawn(&command, HANG_TIMEOUT).unwrap();
    assert_eq!(faulty_verify(&subject), Answer::Hang(HANG_TIMEOUT));
    assert_answers_normally(&subject, "after");
}

/// The provider level over the protocol: `idjwt-serve --impl reference-provider` describes
/// itself with its profiles, answers with the user, the mode's fallback or a refusal, and signs
/// for a user it is told about.
#[test]
fn provider_level_answers_with_the_user() {
    use idjwt::contract::{Level, ProviderAnswer, ProviderSign, ProviderVerify};
    use idjwt::profile::Mode;
    let adapter = spawn("--impl reference-provider", TIMEOUT);
    let d = adapter.description();
    assert_eq!(d.level, Level::Provider);
    assert!(d.profiles.iter().any(|p| p == "drift") && d.signs);
    let key = Key::test_hmac("intercom-provider");
    let sign = SignRequest {
        id: "s".into(),
        alg: "HS256".into(),
        key: key.to_jwk(),
        header: Map::new(),
        claims: Map::new(),
        provider: Some(ProviderSign {
            profile: "intercom".into(),
            user_id: "12345".into(),
            app_id: None,
            attributes: json!({"name": "Ada"}).as_object().cloned().unwrap(),
        }),
    };
    let Answer::Ok(token) = adapter.sign(&sign) else {
        panic!("no token");
    };
    let request = |token: &str, mode, claimed: Option<&str>| VerifyRequest {
        id: "v".into(),
        token: token.into(),
        algorithms: vec!["HS256".into()],
        keys: vec![key.public_jwk()],
        now: idjwt::engine::wall_clock(),
        leeway: 0,
        required: vec!["user_id".into()],
        issuer: None,
        audience: None,
        mode: Default::default(),
        provider: Some(ProviderVerify {
            profile: "intercom".into(),
            app_id: None,
            claimed_user: claimed.map(str::to_owned),
            mode,
        }),
        jwks: None,
    };
    match adapter.verify_provider(&request(&token, Mode::Required, None)) {
        Answer::Ok(ProviderAnswer::Verified(identity)) => {
            assert_eq!(identity.user_id, "12345");
            assert_eq!(identity.attributes["name"], "Ada", "{identity:?}");
        }
        other => panic!("{other:?}"),
    }
    let tampered = format!("{token}x");
    match adapter.verify_provider(&request(&tampered, Mode::Enabled, Some("12345"))) {
        Answer::Ok(ProviderAnswer::Unverified(why)) => {
            assert!(why.reason.is_some(), "{why:?}")
        }
        other => panic!("{other:?}"),
    }
    match adapter.verify_provider(&request(&token, Mode::Required, Some("someone-else"))) {
        Answer::Refused(f) => assert_eq!(f.reason.as_deref(), Some("identity_mismatch")),
        other => panic!("{other:?}"),
    }
    // A library-level request to it is refused, not answered with a guess.
    let mut jose = request(&token, Mode::Required, None);
    jose.provider = None;
    assert!(matches!(adapter.verify(&jose), Answer::Refused(_)));
}

/// A provider-level description must say which profiles it serves.
#[test]
fn a_provider_level_description_without_profiles_is_refused() {
    let line = r#"{"ok":true,"name":"x","version":"1","algorithms":["HS256"],"clock":"system","level":"provider"}"#;
    let command = format!("printf '%s\\n' '{line}'; cat >/dev/null");
    let e = External::spawn(&command, TIMEOUT).unwrap_err();
    assert!(matches!(e, AdapterError::Describe { .. }), "{e}");
    assert!(e.to_string().contains("profiles"), "{e}");
}
