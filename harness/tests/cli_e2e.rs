//! The built `idjwt` binary end to end: exit statuses, standard input, secrets from the
//! environment and from files (never echoed), key files with owner-only permissions, and
//! sign → verify for every provider.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use idjwt::engine::keys::Key;

const BIN: &str = env!("CARGO_BIN_EXE_idjwt");
/// 2023-11-14T22:13:20Z.
const NOW: &str = "1700000000";
/// A TEST secret (not secret at all): distinctive so that any echo of it is found.
const SECRET: &str = "test-secret-zq9vX3kLm2Pw8Rt5Yb7Nc4Hd6Jf1Gs0A";

/// A fresh directory for one test, removed when the test ends.
struct Dir(PathBuf);

impl std::ops::Deref for Dir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dir(name: &str) -> Dir {
    let d = std::env::temp_dir().join(format!("idjwt-cli-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Dir(d)
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn finish(out: Output) -> Run {
    Run {
        status: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary with `args`, `stdin`, and `env` added to an environment without IDJWT_SECRET.
fn idjwt_in(cwd: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("IDJWT_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    finish(child.wait_with_output().unwrap())
}

/// Runs the binary in `cwd` with `args`, no standard input and no variables added.
fn idjwt_at(cwd: &Path, args: &[&str]) -> Run {
    idjwt_in(cwd, args, "", &[])
}

fn idjwt(args: &[&str]) -> Run {
    idjwt_at(&std::env::temp_dir(), args)
}

fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A zendesk token signed with [`SECRET`] under kid `k1`, by the binary itself, and the path of
/// the file holding the secret.
fn zendesk_token(d: &Path, extra: &[&str]) -> (String, String) {
    let secret = write(&d.join("secret.txt"), &format!("{SECRET}\n"));
    #[rustfmt::skip]
    let mut args = vec!["sign", "--provider", "zendesk", "--secret-file", &secret, "--kid", "k1", "--user", "12345678", "--now", NOW];
    args.extend_from_slice(extra);
    let r = idjwt(&args);
    assert_eq!(r.status, 0, "{}", r.stderr);
    (r.stdout.trim().to_owned(), secret)
}

#[test]
fn help_and_version_exit_zero() {
    let r = idjwt(&["--help"]);
    assert_eq!(r.status, 0);
    for sub in ["verify", "lint", "sign", "keygen", "providers", "decode"] {
        assert!(r.stdout.contains(sub), "{sub} missing from help");
    }
    assert_eq!(idjwt(&["verify", "--help"]).status, 0);
    assert!(idjwt(&["--version"]).stdout.starts_with("idjwt "));
}

#[test]
fn exit_statuses_verified_rejected_usage() {
    let d = dir("exit");
    let (token, secret) = zendesk_token(&d, &[]);
    let secret = secret.as_str();
    #[rustfmt::skip]
    let base = ["verify", "--provider", "zendesk", "--secret-file", secret, "--kid", "k1"];

    let ok = idjwt(&[&base[..], &["--now", NOW, &token]].concat());
    assert_eq!(ok.status, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.starts_with("verdict   verified"), "{}", ok.stdout);
    assert!(ok.stdout.contains("user id   \"12345678\""));

    // An hour later the token has expired: rejected, exit 1, the rule and its source named.
    let late = idjwt(&[&base[..], &["--now", "1700003600", &token]].concat());
    assert_eq!(late.status, 1);
    assert!(
        late.stdout.contains("reason    expired:"),
        "{}",
        late.stdout
    );
    assert!(late.stdout.contains("FAIL  claim.exp.expiry"));
    assert!(late
        .stdout
        .contains("source: \"exp: (optional) Integer value"));

    // enabled mode falls back: unverified is exit 1 too.
    #[rustfmt::skip]
    let fallback = idjwt(&[&base[..], &["--now", "1700003600", "--mode", "enabled", "--claimed-user", "12345678", &token]].concat());
    assert_eq!(fallback.status, 1);
    assert!(fallback.stdout.starts_with("verdict   unverified"));

    // Usage errors: exit 2 with a message on stderr.
    #[rustfmt::skip]
    let usage: Vec<Vec<&str>> = vec![
        vec!["verify", "--provider", "slack", "--secret-file", secret, &token],
        vec!["verify", "--provider", "zendesk", &token],
        vec!["verify", "--provider", "zendesk", "--key", "/nonexistent/key.jwk", &token],
        vec!["verify", "--provider", "zendesk", "--mode", "sometimes", &token],
        vec!["verify", &token],
        vec!["frobnicate"],
        vec!["sign", "--provider", "zendesk", "--user", "u"],
    ];
    for args in usage {
        let r = idjwt(&args);
        assert_eq!(r.status, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
    let unknown = idjwt(&["providers", "slack"]);
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.contains("unknown provider `slack`"));
}

#[test]
fn a_bad_key_file_is_a_usage_error_that_does_not_echo_it() {
    let d = dir("badkey");
    let (token, _) = zendesk_token(&d, &[]);
    // A raw secret passed where a JWK or PEM is expected: refused, and never shown.
    let raw = write(&d.join("raw.key"), SECRET);
    let r = idjwt(&["verify", "--provider", "zendesk", "--key", &raw, &token]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("neither a JWK"), "{}", r.stderr);
    assert!(!r.stderr.contains(SECRET) && !r.stdout.contains(SECRET));
    // A JWK whose secret member is not base64url.
    let broken = write(
        &d.join("broken.jwk"),
        &format!(r#"{{"kty":"oct","k":"{SECRET}=="}}"#),
    );
    let r = idjwt(&["verify", "--provider", "zendesk", "--key", &broken, &token]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("not canonical base64url"), "{}", r.stderr);
    assert!(!r.stderr.contains(SECRET) && !r.stdout.contains(SECRET));
}

#[test]
fn token_from_stdin_and_secret_from_env() {
    let d = dir("stdin");
    let (token, _) = zendesk_token(&d, &[]);
    for token_arg in [None, Some("-")] {
        #[rustfmt::skip]
        let mut args = vec!["verify", "--provider", "zendesk", "--kid", "k1", "--now", NOW];
        args.extend(token_arg);
        let r = idjwt_in(
            &d,
            &args,
            &format!("{token}\n"),
            &[("IDJWT_SECRET", SECRET)],
        );
        assert_eq!(r.status, 0, "{}{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET));
    }
    // The wrong secret: the signature fails, and neither secret is printed.
    #[rustfmt::skip]
    let r = idjwt_in(&d, &["verify", "--provider", "zendesk", "--kid", "k1", "--now", NOW, &token], "", &[("IDJWT_SECRET", "another-test-secret-Qw3Er5Ty7Ui9Op")]);
    assert_eq!(r.status, 1);
    assert!(r.stdout.contains("reason    bad_signature"), "{}", r.stdout);
    assert!(!r.stdout.contains("another-test-secret") && !r.stdout.contains(SECRET));
}

#[test]
fn the_secret_never_appears_in_any_output() {
    let d = dir("noleak");
    let (token, secret) = zendesk_token(&d, &[]);
    let secret = secret.as_str();
    #[rustfmt::skip]
    let runs = [
        vec!["verify", "--provider", "zendesk", "--secret-file", secret, "--kid", "k1", &token],
        vec!["verify", "--provider", "zendesk", "--secret-file", secret, "--kid", "k1", "--format", "json", &token],
        vec!["verify", "--provider", "zendesk", "--secret-file", secret, "--kid", "nope", &token],
        vec!["verify", "--provider", "drift", "--secret-file", secret, &token],
        vec!["decode", &token],
        vec!["lint", "--provider", "zendesk", &token],
    ];
    for args in runs {
        let r = idjwt(&args);
        assert!(
            !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
            "{args:?} printed the secret"
        );
        assert!(
            !r.stdout.contains(
                &Key::hmac(SECRET.as_bytes().to_vec(), None)
                    .to_jwk()
                    .k
                    .unwrap()
            ),
            "{args:?} printed the secret's base64url"
        );
    }
}

#[test]
fn verify_json_has_the_documented_shape() {
    let d = dir("json");
    #[rustfmt::skip]
    let (token, secret) = zendesk_token(&d, &["--claim", "email=a@b.test", "--claim", "email_verified:=false"]);
    #[rustfmt::skip]
    let r = idjwt(&["verify", "--provider", "zendesk", "--secret-file", &secret, "--kid", "k1", "--now", NOW, "--format", "json", &token]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["verdict", "reason", "identity", "checks", "warnings"]
    );
    assert_eq!(v["verdict"], "verified");
    assert!(v["reason"].is_null());
    assert_eq!(v["identity"]["user_id"], "12345678");
    // email_verified is false: Zendesk drops the email.
    assert!(v["identity"].get("email").is_none());
    for check in v["checks"].as_array().unwrap() {
        let members: Vec<&str> = check
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(members, ["rule", "status", "message"]);
        assert!(["pass", "fail", "warning"].contains(&check["status"].as_str().unwrap()));
    }
    let email = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "identity.email")
        .unwrap();
    assert_eq!(email["status"], "warning");
    assert_eq!(v["warnings"][0]["code"], "email_unverified");
}

#[test]
fn keygen_writes_owner_only_files_and_refuses_to_overwrite() {
    let d = dir("keygen");
    let r = idjwt_at(&d, &["keygen", "--provider", "privy", "--kid", "p1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let files = ["p1.jwk", "p1.pem", "p1.pub.jwk", "p1.pub.pem"];
    for f in files {
        let path = d.join(f);
        assert!(path.exists(), "{f}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{f}: {mode:o}");
        }
    }
    let pem = std::fs::read_to_string(d.join("p1.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let jwk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("p1.pub.jwk")).unwrap()).unwrap();
    assert!(jwk.get("d").is_none() && jwk["crv"] == "P-256" && jwk["kid"] == "p1");
    // Stdout lists the files and shows no private material.
    let private: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("p1.jwk")).unwrap()).unwrap();
    assert!(!r.stdout.contains(private["d"].as_str().unwrap()));

    let before = std::fs::read(d.join("p1.jwk")).unwrap();
    let again = idjwt_at(&d, &["keygen", "--provider", "privy", "--kid", "p1"]);
    assert_eq!(again.status, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(std::fs::read(d.join("p1.jwk")).unwrap(), before);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("p1.pem"), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let forced = idjwt_at(
        &d,
        &["keygen", "--provider", "privy", "--kid", "p1", "--force"],
    );
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    assert_ne!(
        std::fs::read(d.join("p1.jwk")).unwrap(),
        before,
        "a fresh key"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("p1.pem"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "old permissions survived --force");
    }

    // HS256 providers get a 32-byte secret as an oct JWK, and a default kid.
    let r = idjwt_at(&d, &["keygen", "--provider", "drift", "--out", "drift-key"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let set = idjwt::engine::keys::KeySet::from_jwks(
        &std::fs::read_to_string(d.join("drift-key.jwk")).unwrap(),
    )
    .unwrap();
    let jwk = set.keys()[0].to_jwk();
    assert_eq!(jwk.kty, "oct");
    assert!(jwk.kid.unwrap().starts_with("drift-"));
    assert_eq!(jwk.k.unwrap().len(), 43, "32 bytes in base64url");
}

#[test]
fn sign_then_verify_round_trips_for_every_provider() {
    let d = dir("roundtrip");
    for provider in idjwt::profile::builtin_ids() {
        let kid = format!("{provider}-1");
        let r = idjwt_at(&d, &["keygen", "--provider", provider, "--kid", &kid]);
        assert_eq!(r.status, 0, "{provider}: {}", r.stderr);
        let es = d.join(format!("{kid}.pem")).exists();
        // Sign with the private JWK; verify with the public key (PEM for ES256 pairs).
        let private = format!("{kid}.jwk");
        let public = if es {
            format!("{kid}.pub.pem")
        } else {
            private.clone()
        };
        let (p, key) = (provider, public.as_str());
        #[rustfmt::skip]
        let (sign_args, verify_args, other_app_args) = (
            ["sign", "--provider", p, "--key", &private, "--user", "user-42", "--app-id", "app-7", "--now", NOW],
            ["verify", "--provider", p, "--key", key, "--kid", &kid, "--app-id", "app-7", "--claimed-user", "user-42", "--now", "1700000060", "--format", "json"],
            ["verify", "--provider", p, "--key", key, "--kid", &kid, "--app-id", "app-8", "--now", "1700000060"],
        );
        let sign = idjwt_at(&d, &sign_args);
        assert_eq!(sign.status, 0, "{provider}: {}", sign.stderr);
        let token = sign.stdout.trim();
        let verify = idjwt_at(&d, &[&verify_args[..], &[token]].concat());
        assert_eq!(
            verify.status, 0,
            "{provider}: {}{}",
            verify.stdout, verify.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&verify.stdout).unwrap();
        assert_eq!(v["verdict"], "verified", "{provider}");
        assert_eq!(v["identity"]["user_id"], "user-42", "{provider}");
        // exp is integral: now + the default TTL of one hour.
        let decoded = idjwt(&["decode", "--format", "json", token]);
        let claims = &serde_json::from_str::<serde_json::Value>(&decoded.stdout).unwrap()["claims"];
        assert_eq!(
            claims["exp"],
            serde_json::json!(1_700_003_600),
            "{provider}"
        );
        // Another app id: refused for the providers that bind one (Privy aud, OneSignal iss,
        // Pusher's issuer built from the instance id, UserJot's project id).
        let other = idjwt_at(&d, &[&other_app_args[..], &[token]].concat());
        let profile = idjwt::profile::builtin(provider).unwrap();
        let binds_app = profile
            .issuer_and_audience(&idjwt::profile::Config::default())
            .is_err();
        assert_eq!(
            other.status,
            i32::from(binds_app),
            "{provider}: {}",
            other.stdout
        );
    }
}

#[test]
fn sign_refuses_to_hand_out_a_token_the_provider_would_refuse() {
    let d = dir("signcheck");
    let secret = write(&d.join("s"), SECRET);
    #[rustfmt::skip]
    let r = idjwt(&["sign", "--provider", "zendesk", "--secret-file", &secret, "--kid", "k1", "--user", "u1", "--claim", "scope=admin"]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("claim_value") || r.stderr.contains("\"scope\""),
        "{}",
        r.stderr
    );
    // Zendesk needs a kid; a raw secret has none unless --kid gives it.
    #[rustfmt::skip]
    let r = idjwt(&["sign", "--provider", "zendesk", "--secret-file", &secret, "--user", "u1"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("kid"), "{}", r.stderr);
}

#[test]
fn lint_needs_no_key_and_decode_says_unverified() {
    let d = dir("lint");
    // exp in milliseconds: the signer refuses it, so build it from the library's test key.
    let key = Key::test_hmac("lint-key");
    let header = serde_json::json!({"typ": "JWT"});
    let claims = serde_json::json!({"sub": "u", "exp": 1_767_225_600_000u64, "iat": 1_800_000_000});
    let token = idjwt::engine::sign_jwt(
        idjwt::Alg::HS256,
        &key,
        header.as_object().unwrap(),
        claims.as_object().unwrap(),
    )
    .unwrap();
    // exp in milliseconds is beyond year 9999: a rule broken under any key (exit 3), named by
    // verify's rule name, beside the lint warnings.
    let r = idjwt_at(&d, &["lint", "--provider", "zendesk", "--now", NOW, &token]);
    assert_eq!(r.status, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("verdict   rejected"), "{}", r.stdout);
    assert!(r.stdout.contains("FAIL  claim.exp.type"), "{}", r.stdout);
    assert!(r.stdout.contains("skip  signature"), "{}", r.stdout);
    for code in [
        "exp_milliseconds",
        "iat_in_future",
        "kid_missing",
        "ignored_claim",
    ] {
        assert!(r.stdout.contains(code), "{code} missing:\n{}", r.stdout);
    }
    let (clean, _) = zendesk_token(&d, &[]);
    let r = idjwt(&["lint", "--provider", "zendesk", "--now", NOW, &clean]);
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert!(r.stdout.starts_with("verdict   passes"), "{}", r.stdout);
    assert!(!r.stdout.contains("FAIL") && !r.stdout.contains("warnings"));
    // Warnings alone: exit 1.
    let (noisy, _) = zendesk_token(&d, &["--claim", "email=a@b.test"]);
    let r = idjwt(&["lint", "--provider", "zendesk", "--now", NOW, &noisy]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    assert!(r.stdout.contains("email_unverified"), "{}", r.stdout);
    let garbage = idjwt(&["lint", "not-a-token"]);
    assert_eq!(garbage.status, 3);
    assert!(garbage.stdout.contains("segment_count"));
    let json = idjwt(&["lint", "--format", "json", "not-a-token"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (v["verdict"].as_str(), v["decodable"].as_bool()),
        (Some("rejected"), Some(false))
    );

    let r = idjwt(&["decode", &token]);
    assert_eq!(r.status, 0);
    assert!(r.stdout.starts_with("UNVERIFIED"));
    assert!(r.stdout.contains("2026-01-01T00:00:00Z"), "{}", r.stdout);
}

#[test]
fn jws_only_checks_the_signature_layers_of_any_payload() {
    let key = Key::test_hmac("jws-key");
    let header = serde_json::Map::new();
    let token = idjwt::engine::sign_jws(idjwt::Alg::HS256, &key, &header, b"not json").unwrap();
    let d = dir("jws");
    let jwk = write(
        &d.join("k.jwk"),
        &serde_json::to_string(&key.to_jwk()).unwrap(),
    );
    #[rustfmt::skip]
    let ok = idjwt(&["verify", "--alg", "HS256", "--jws-only", "--key", &jwk, &token]);
    assert_eq!(ok.status, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("payload"));
    // Without --jws-only the payload must be JWT claims.
    let jwt = idjwt(&["verify", "--alg", "HS256", "--key", &jwk, &token]);
    assert_eq!(jwt.status, 1);
    assert!(jwt.stdout.contains("invalid_json"), "{}", jwt.stdout);
    // ES256 only: the HS256 token is refused.
    #[rustfmt::skip]
    let es = idjwt(&["verify", "--alg", "ES256", "--jws-only", "--key", &jwk, &token]);
    assert_eq!(es.status, 1);
    assert!(es.stdout.contains("alg_not_allowed"));
}

#[test]
fn user_profiles_load_with_profile() {
    let d = dir("profile");
    let profile = write(
        &d.join("acme.json"),
        r#"{"id": "acme", "title": "Acme widget",
            "algorithms": {"allowed": ["HS256"], "basis": "acme docs: HS256"},
            "claims": [{"name": "uid", "required": true, "shape": {"type": "string", "min_chars": 1},
                        "example": "${user_id}", "basis": "acme docs: uid is the user"}],
            "identity": {"user_id": {"claim": "uid", "basis": "acme docs"}, "binding": "acme docs"}}"#,
    );
    let r = idjwt(&["providers", "--profile", &profile]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("acme ")),
        "{}",
        r.stdout
    );
    let r = idjwt(&["providers", "acme", "--profile", &profile]);
    assert!(
        r.stdout.contains("source: acme docs: uid is the user"),
        "{}",
        r.stdout
    );
    let secret = write(&d.join("s"), SECRET);
    #[rustfmt::skip]
    let sign = idjwt(&["--profile", &profile, "sign", "--provider", "acme", "--secret-file", &secret, "--user", "u9"]);
    assert_eq!(sign.status, 0, "{}", sign.stderr);
    #[rustfmt::skip]
    let verify = idjwt(&["--profile", &profile, "verify", "--provider", "acme", "--secret-file", &secret, sign.stdout.trim()]);
    assert_eq!(verify.status, 0, "{}", verify.stdout);
    let broken = write(&d.join("broken.json"), r#"{"id": "x"}"#);
    let r = idjwt(&["providers", "--profile", &broken]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("profile field"), "{}", r.stderr);
}

#[test]
fn lint_leaves_app_id_rules_unchecked_without_one() {
    // An ES256 Privy token from the library's test key, with an audience.
    let key = Key::test_ec("privy-lint");
    let header = serde_json::json!({"typ": "JWT"})
        .as_object()
        .cloned()
        .unwrap();
    #[rustfmt::skip]
    let claims = serde_json::json!({"sub": "u1", "iss": "privy.io", "aud": "app-7", "exp": 1_700_003_600, "linked_accounts": "[]"});
    let token = idjwt::engine::sign_jwt(
        idjwt::Alg::ES256,
        &key,
        &header,
        claims.as_object().unwrap(),
    )
    .unwrap();
    let r = idjwt(&["lint", "--provider", "privy", "--now", NOW, &token]);
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("skip  claim.aud.audience"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("pass  claim.iss.issuer"), "{}", r.stdout);
    #[rustfmt::skip]
    let other = idjwt(&["lint", "--provider", "privy", "--app-id", "app-8", "--now", NOW, &token]);
    assert_eq!(other.status, 3, "{}", other.stdout);
    assert!(
        other.stdout.contains("reason    audience_mismatch"),
        "{}",
        other.stdout
    );
    #[rustfmt::skip]
    let bound = idjwt(&["lint", "--provider", "privy", "--app-id", "app-7", "--claimed-user", "u2", "--now", NOW, &token]);
    assert_eq!(bound.status, 3, "{}", bound.stdout);
    assert!(
        bound.stdout.contains("FAIL  identity.binding"),
        "{}",
        bound.stdout
    );
}

/// Drift's documentation shows this token as a user's `userJwt`; it is signed with jwt.io's
/// former default secret `your-256-bit-secret` (a token from a public document, used as data).
const DRIFT_DOC_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.22H1g2b8yxmkcEY1Fhku4AhNl-M40P5Sl_B2ktSUdv8";

#[test]
fn a_token_signed_with_a_published_secret_is_critical_whatever_the_verdict() {
    let d = dir("known");
    // The matching key: verified, and still critical (exit 4).
    let public = write(&d.join("public.txt"), "your-256-bit-secret\n");
    #[rustfmt::skip]
    let r = idjwt(&["verify", "--provider", "drift", "--secret-file", &public, "--now", NOW, DRIFT_DOC_TOKEN]);
    assert_eq!(r.status, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("verdict   verified"), "{}", r.stdout);
    assert!(r.stdout.contains("user id   \"12345\""), "{}", r.stdout);
    assert!(
        r.stdout.contains("CRIT  known_secret")
            && r.stdout
                .contains("\"your-256-bit-secret\" (jwt.io's former HS256 debugger default"),
        "{}",
        r.stdout
    );
    // Another key: rejected, and critical all the same.
    let other = write(&d.join("other.txt"), SECRET);
    #[rustfmt::skip]
    let r = idjwt(&["verify", "--provider", "drift", "--secret-file", &other, "--now", NOW, "--format", "json", DRIFT_DOC_TOKEN]);
    assert_eq!(r.status, 4, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "rejected");
    assert_eq!(v["reason"]["code"], "bad_signature");
    assert_eq!(v["warnings"][0]["code"], "known_secret");
    assert_eq!(v["warnings"][0]["severity"], "critical");
    assert!(!r.stdout.contains(SECRET));
    // Lint needs no key to find it.
    let r = idjwt(&["lint", "--provider", "drift", "--now", NOW, DRIFT_DOC_TOKEN]);
    assert_eq!(r.status, 4, "{}", r.stdout);
    assert!(r.stdout.contains("known_secret"), "{}", r.stdout);
    // A token signed with a secret of nobody's list: nothing critical.
    let (token, secret) = zendesk_token(&d, &[]);
    #[rustfmt::skip]
    let r = idjwt(&["verify", "--provider", "zendesk", "--secret-file", &secret, "--kid", "k1", "--now", NOW, &token]);
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("known_secret"));
}

#[test]
fn a_secret_of_the_users_own_list_is_named_by_its_line_only() {
    let d = dir("listed");
    let (token, secret) = zendesk_token(&d, &[]);
    let list = write(
        &d.join("leaked.txt"),
        &format!("not-this-one\r\n\n{SECRET}\r\n"),
    );
    #[rustfmt::skip]
    let runs = [
        vec!["lint", "--provider", "zendesk", "--now", NOW, "--secrets", &list, &token],
        vec!["verify", "--provider", "zendesk", "--secret-file", &secret, "--kid", "k1", "--now", NOW, "--secrets", &list, &token],
        vec!["verify", "--provider", "zendesk", "--secret-file", &secret, "--kid", "k1", "--now", NOW, "--secrets", &list, "--format", "json", &token],
    ];
    for args in runs {
        let r = idjwt(&args);
        assert_eq!(r.status, 4, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("known_secret"), "{}", r.stdout);
        assert!(r.stdout.contains("line 3 of"), "{}", r.stdout);
        assert!(
            !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
            "{args:?} printed the secret"
        );
    }
    #[rustfmt::skip]
    let missing = idjwt(&["lint", "--secrets", "no-such-list.txt", &token]);
    assert_eq!(missing.status, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("no-such-list.txt"),
        "{}",
        missing.stderr
    );
}

/// The rule names `idjwt verify` shows for a token of `provider` signed with `extra` claims.
fn verified_rules(d: &Path, provider: &str, extra: &[&str]) -> Vec<String> {
    let kid = format!("{provider}-rules");
    let r = idjwt_at(d, &["keygen", "--provider", provider, "--kid", &kid]);
    assert_eq!(r.status, 0, "{provider}: {}", r.stderr);
    let private = format!("{kid}.jwk");
    let public = if d.join(format!("{kid}.pem")).exists() {
        format!("{kid}.pub.pem")
    } else {
        private.clone()
    };
    #[rustfmt::skip]
    let mut sign = vec!["sign", "--provider", provider, "--key", &private, "--user", "user-42", "--app-id", "app-7", "--now", NOW];
    for claim in extra {
        sign.extend(["--claim", claim]);
    }
    let signed = idjwt_at(d, &sign);
    assert_eq!(signed.status, 0, "{provider}: {}", signed.stderr);
    #[rustfmt::skip]
    let verify = ["verify", "--provider", provider, "--key", &public, "--kid", &kid, "--app-id", "app-7", "--now", "1700000060", "--format", "json", signed.stdout.trim()];
    let v = idjwt_at(d, &verify);
    assert_eq!(v.status, 0, "{provider}: {}{}", v.stdout, v.stderr);
    let json: serde_json::Value = serde_json::from_str(&v.stdout).unwrap();
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn verify_explains_every_rule_of_every_profile_by_name() {
    use idjwt::engine::provider::rule_names;
    let d = dir("every-rule");
    for profile in idjwt::profile::builtins() {
        // An iat now makes every time rule of the profile apply.
        let iat = format!("iat:={NOW}");
        let extra: Vec<&str> = match profile.claim("iat") {
            Some(_) => vec![&iat],
            None => vec![],
        };
        let shown = verified_rules(&d, &profile.id, &extra);
        let mut expected: Vec<String> = profile
            .claims
            .iter()
            .map(|c| format!("claim.{}", c.name))
            .collect();
        expected.extend(profile.one_of.iter().map(|g| rule_names::one_of(&g.claims)));
        let time = [
            (
                rule_names::IAT_FUTURE,
                profile.time.iat_max_future.is_some(),
            ),
            (rule_names::IAT_AGE, profile.time.iat_max_age.is_some()),
            (rule_names::LIFETIME, profile.time.max_lifetime.is_some()),
            (
                rule_names::FORBIDDEN_SIGNATURE,
                !profile.forbidden_signatures.is_empty(),
            ),
            ("header.typ", profile.header.typ.is_some()),
            ("header.kid", profile.header.kid.is_some()),
            ("claim.iss.issuer", profile.issuer.is_some()),
            ("claim.aud.audience", profile.audience.is_some()),
        ];
        expected.extend(time.iter().filter(|t| t.1).map(|t| t.0.to_owned()));
        expected.push("identity.user_id".to_owned());
        for rule in expected {
            assert!(
                shown.contains(&rule),
                "{}: no {rule} in {shown:?}",
                profile.id
            );
        }
    }
}

#[test]
fn the_new_rule_kinds_are_explained_when_they_fail() {
    let d = dir("rule-kinds");
    let secret = write(&d.join("s"), SECRET);
    // (provider, claims, the rule that fails, its code)
    let rows = [
        (
            "kustomer",
            r#"{"externalId":"u1","iat":1699999000}"#,
            "claim.iat.age",
            "token_too_old",
        ),
        (
            "kustomer",
            r#"{"iat":1700000000}"#,
            "claims.one_of(externalId|email)",
            "missing_one_of",
        ),
        (
            "userjot",
            r#"{"sub":"u1","iss":"app-7","aud":"userjot","iat":1700000000,"exp":1700003601}"#,
            "claim.exp.lifetime",
            "lifetime_too_long",
        ),
        (
            "stream",
            r#"{"user_id":"u1","iat":1700000061}"#,
            "claim.iat.future",
            "issued_in_future",
        ),
    ];
    for (provider, claims, rule, code) in rows {
        let header = match provider {
            "kustomer" => r#"{"alg":"HS256","typ":"JWT"}"#,
            _ => r#"{"alg":"HS256"}"#,
        };
        let b64 = |s: &str| {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
        };
        let input = format!("{}.{}", b64(header), b64(claims));
        let mac = {
            use hmac::Mac as _;
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            m.update(input.as_bytes());
            b64_bytes(&m.finalize().into_bytes())
        };
        let token = format!("{input}.{mac}");
        #[rustfmt::skip]
        let r = idjwt_at(&d, &["verify", "--provider", provider, "--secret-file", &secret, "--app-id", "app-7", "--now", "1700000060", "--format", "json", &token]);
        assert_eq!(r.status, 1, "{provider}: {}{}", r.stdout, r.stderr);
        let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(json["reason"]["code"], code, "{provider}: {}", r.stdout);
        let failed = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule"] == rule)
            .unwrap_or_else(|| panic!("{provider}: no {rule}: {}", r.stdout));
        assert_eq!(failed["status"], "fail", "{provider}");
        let message = failed["message"].as_str().unwrap();
        assert!(message.contains("(source: "), "{provider}: {message}");
    }
}

fn b64_bytes(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Serves `answers` to successive connections on 127.0.0.1, each after reading the request head.
fn serve(answers: Vec<String>) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (stream, answer) in listener.incoming().zip(answers) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

fn ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A Salesforce test key and a token it signed for `user-42` of `app-7` (made in directory
/// `name`).
fn salesforce_token(name: &str) -> (Key, String) {
    let d = dir(name);
    let key = Key::test_rsa("salesforce-key-1");
    let private = write(
        &d.join("private.jwk"),
        &serde_json::to_string(&key.to_jwk()).unwrap(),
    );
    #[rustfmt::skip]
    let sign = idjwt(&["sign", "--provider", "salesforce", "--key", &private, "--user", "user-42", "--app-id", "app-7", "--now", NOW]);
    assert_eq!(sign.status, 0, "{}", sign.stderr);
    (key, sign.stdout.trim().to_owned())
}

#[test]
fn verify_fetches_a_jwks_url_under_the_key_set_rules() {
    let (key, token) = salesforce_token("jwks-url");
    let token = token.as_str();
    let set = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut jwk = serde_json::to_value(key.public_jwk()).unwrap();
        edit(&mut jwk);
        serde_json::json!({ "keys": [jwk] }).to_string()
    };
    let published = set(&|_| {});
    let encryption_only = set(&|j| j["use"] = "enc".into());
    let redirect = "HTTP/1.1 301 Moved\r\nLocation: http://elsewhere.test/jwks.json\r\nContent-Length: 0\r\n\r\n";
    let url = serve(vec![
        ok(&published),
        ok(&encryption_only),
        redirect.to_owned(),
    ]);
    #[rustfmt::skip]
    let verify = ["verify", "--provider", "salesforce", "--jwks-url", &url, "--app-id", "app-7", "--claimed-user", "user-42", "--now", "1700000060", token];
    let verified = idjwt(&verify);
    assert_eq!(verified.status, 0, "{}{}", verified.stdout, verified.stderr);
    let refused = idjwt(&verify);
    assert_eq!(refused.status, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stdout.contains("key_not_permitted"),
        "{}",
        refused.stdout
    );
    let moved = idjwt(&verify);
    assert_eq!(moved.status, 2, "{}", moved.stdout);
    assert!(moved.stderr.contains("not followed"), "{}", moved.stderr);
    let https = idjwt(&[
        "verify",
        "--provider",
        "salesforce",
        "--jwks-url",
        "https://example.test/jwks.json",
        token,
    ]);
    assert_eq!(https.status, 2);
    assert!(https.stderr.contains("only http://"), "{}", https.stderr);
}

#[test]
fn jwks_timeout_bounds_the_fetch() {
    use std::io::Read;
    let (key, token) = salesforce_token("jwks-timeout");
    let set = serde_json::json!({ "keys": [key.public_jwk()] }).to_string();
    // A publisher that answers every request, two seconds late.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.read(&mut [0u8; 1024]);
            std::thread::sleep(std::time::Duration::from_secs(2));
            let _ = stream.write_all(ok(&set).as_bytes());
        }
    });
    #[rustfmt::skip]
    let verify = |timeout: &str| idjwt(&["verify", "--provider", "salesforce", "--jwks-url", &url, "--jwks-timeout", timeout, "--app-id", "app-7", "--claimed-user", "user-42", "--now", "1700000060", &token]);
    let waited = verify("10000");
    assert_eq!(waited.status, 0, "{}{}", waited.stdout, waited.stderr);
    let gave_up = verify("300");
    assert_eq!(gave_up.status, 2, "{}{}", gave_up.stdout, gave_up.stderr);
    assert!(gave_up.stderr.contains(&url), "{}", gave_up.stderr);
    let zero = verify("0");
    assert_eq!(zero.status, 2, "{}", zero.stderr);
}
