//! Publicly known HMAC secrets: a token whose HS256 tag verifies under one of them can be forged
//! by anyone, however right the rest of it is (`known_secret`, a critical finding).
//!
//! The built-in candidates are all published: jwt.io's debugger defaults, the placeholder
//! secrets in the providers' own documentation, and common words from a public list of secrets
//! found in the wild. Each row cites where it is published, and the finding prints the secret
//! with that source: it is no secret. A user's own list (`--secrets FILE`) is another matter: its
//! secrets are never printed, only their line number.
//!
//! Every candidate goes through the engine's HS256 verification, whose tag comparison is constant
//! time, like any configured key.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use zeroize::Zeroizing;

use super::error::CliError;
use super::report::{Severity, Warning};
use crate::engine::keys::Key;
use crate::engine::{compact, json, signature, Alg, Limits};
use crate::profile::builtin;
use crate::verdict::Part;

/// Where a published secret can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cite {
    /// A line of a file at a pinned commit of a public repository.
    Line(&'static str, u32),
    /// The public document a built-in profile names as its `source`, so that the provider's
    /// address is written once, in the profile.
    Profile(&'static str),
}

impl Cite {
    /// The address.
    pub fn url(self) -> String {
        match self {
            Cite::Line(file, line) => format!("{file}#L{line}"),
            Cite::Profile(id) => builtin(id)
                .ok()
                .and_then(|p| p.source.clone())
                .unwrap_or_else(|| format!("the {id} profile's source")),
        }
    }
}

/// A secret that has been published, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    pub secret: &'static str,
    /// What it is, for the finding's message.
    pub what: &'static str,
    pub at: Cite,
}

/// jwt.io's former debugger, at a commit of April 2025 (its rewrite replaced these defaults).
const JWT_IO_FORMER: &str = "https://github.com/jsonwebtoken/jsonwebtoken.github.io/blob/340d48c380b05815b7d29358686f1281479823fc/src/editor/default-tokens.js";
/// jwt.io's current debugger.
const JWT_IO: &str = "https://github.com/jsonwebtoken/jsonwebtoken.github.io/blob/d88e9709c6f463413280a7f39114523a313bdb35/src/features/common/values/default-tokens.values.ts";
/// Wallarm's list of JWT secrets found in public code and tutorials.
const WALLARM: &str = "https://github.com/wallarm/jwt-secrets/blob/99e2360ba3357d5d2ddac1f054f003945e82b9bc/jwt.secrets.list";

/// The built-in candidates, in the order they are tried. Drift's and OneSignal's documents show
/// no literal secret (Drift's sample calls `getSecretKey()`; OneSignal's reads an environment
/// variable and signs ES256).
#[rustfmt::skip]
pub const PUBLISHED: &[Published] = &[
    Published { secret: "your-256-bit-secret", what: "jwt.io's former HS256 debugger default", at: Cite::Line(JWT_IO_FORMER, 126) },
    Published { secret: "your-384-bit-secret", what: "jwt.io's former HS384 debugger default", at: Cite::Line(JWT_IO_FORMER, 130) },
    Published { secret: "your-512-bit-secret", what: "jwt.io's former HS512 debugger default", at: Cite::Line(JWT_IO_FORMER, 134) },
    Published { secret: "a-string-secret-at-least-256-bits-long", what: "jwt.io's HS256 debugger default", at: Cite::Line(JWT_IO, 174) },
    Published { secret: "a-valid-string-secret-that-is-at-least-384-bits-long", what: "jwt.io's HS384 debugger default", at: Cite::Line(JWT_IO, 180) },
    Published { secret: "a-valid-string-secret-that-is-at-least-512-bits-long-which-is-very-long", what: "jwt.io's HS512 debugger default", at: Cite::Line(JWT_IO, 187) },
    Published { secret: "YOUR_MESSENGER_SECRET_KEY", what: "the fallback secret of Intercom's Node.js sample", at: Cite::Profile("intercom") },
    Published { secret: "#{yourSecret}", what: "the shared secret of Zendesk's JavaScript snippet", at: Cite::Profile("zendesk") },
    Published { secret: "$PRIVY_APP_SECRET", what: "the app secret placeholder of Privy's server samples", at: Cite::Profile("privy") },
    Published { secret: "secret", what: "a common secret", at: Cite::Line(WALLARM, 40) },
    Published { secret: "secretkey", what: "a common secret", at: Cite::Line(WALLARM, 41) },
    Published { secret: "secret_key", what: "a common secret", at: Cite::Line(WALLARM, 2947) },
    Published { secret: "secret123", what: "a common secret", at: Cite::Line(WALLARM, 2925) },
    Published { secret: "mysecret", what: "a common secret", at: Cite::Line(WALLARM, 2650) },
    Published { secret: "supersecret", what: "a common secret", at: Cite::Line(WALLARM, 35) },
    Published { secret: "jwt-secret", what: "a common secret", at: Cite::Line(WALLARM, 52) },
    Published { secret: "jwt_secret", what: "a common secret", at: Cite::Line(WALLARM, 2422) },
    Published { secret: "your_jwt_secret", what: "a common secret", at: Cite::Line(WALLARM, 3488) },
    Published { secret: "password", what: "a common secret", at: Cite::Line(WALLARM, 51) },
    Published { secret: "changeme", what: "a common secret", at: Cite::Line(WALLARM, 47) },
    Published { secret: "changeit", what: "a common secret", at: Cite::Line(WALLARM, 1827) },
    Published { secret: "123456", what: "a common secret", at: Cite::Line(WALLARM, 159) },
    Published { secret: "shhhhh", what: "a common secret", at: Cite::Line(WALLARM, 3001) },
    Published { secret: "keyboard cat", what: "a common secret", at: Cite::Line(WALLARM, 2459) },
];

/// Where a candidate comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A published secret: it may be printed.
    Published(&'static Published),
    /// A line of a `--secrets` file (1-based, as editors count): never printed.
    Listed { file: String, line: usize },
}

/// A secret to try, keyed once.
#[derive(Clone, Debug)]
pub struct Candidate {
    key: Key,
    pub origin: Origin,
}

/// The built-in candidates, keyed on first use.
pub fn published() -> &'static [Candidate] {
    static KEYED: OnceLock<Vec<Candidate>> = OnceLock::new();
    KEYED.get_or_init(|| {
        PUBLISHED
            .iter()
            .map(|p| Candidate {
                key: Key::hmac(p.secret.as_bytes().to_vec(), None),
                origin: Origin::Published(p),
            })
            .collect()
    })
}

/// The secrets of a `--secrets` file: one per line, its bytes exactly except a final `\r`;
/// blank lines are skipped but counted, so that "line N" is the line an editor shows.
pub fn load(path: &Path) -> Result<Vec<Candidate>, CliError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?);
    let file = path.display().to_string();
    Ok(bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter_map(|(index, line)| {
            let secret = line.strip_suffix(b"\r").unwrap_or(line);
            (!secret.is_empty()).then(|| Candidate {
                key: Key::hmac(secret.to_vec(), None),
                origin: Origin::Listed {
                    file: file.clone(),
                    line: index + 1,
                },
            })
        })
        .collect())
}

/// The first candidate, of the published ones then of `extra`, under which the HS256 token's
/// signature verifies. A token that cannot be split, whose header is not strict JSON, or whose
/// `alg` is not exactly `HS256`, has none.
pub fn find<'c>(token: &str, extra: &'c [Candidate]) -> Option<&'c Candidate> {
    let limits = Limits::default();
    let compact = compact::split(token, limits.max_token_bytes).ok()?;
    let header = json::parse_object(&compact.header, Part::Header, limits.max_json_depth).ok()?;
    if header.get("alg").and_then(Value::as_str) != Some(Alg::HS256.as_str()) {
        return None;
    }
    let input = compact.signing_input.as_bytes();
    published().iter().chain(extra).find(|candidate| {
        signature::verify(Alg::HS256, &candidate.key, input, &compact.signature).is_ok()
    })
}

/// The critical finding for a token that verifies under `candidate`.
pub fn finding(candidate: &Candidate) -> Warning {
    let under = match &candidate.origin {
        Origin::Published(p) => format!(
            "the publicly known secret {:?} ({}: {})",
            p.secret,
            p.what,
            p.at.url()
        ),
        Origin::Listed { file, line } => {
            format!("the secret on line {line} of {file} (--secrets; not shown)")
        }
    };
    Warning {
        code: "known_secret",
        severity: Severity::Critical,
        message: format!(
            "the HS256 signature verifies under {under}: whoever knows it can sign any token"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sign_raw;

    /// Drift's documentation shows this token as a user's `userJwt` (a token string from a
    /// public document, used as data).
    const DRIFT_DOC_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.22H1g2b8yxmkcEY1Fhku4AhNl-M40P5Sl_B2ktSUdv8";

    /// A token whose HS256 tag is keyed with `secret`, under a header naming `alg`.
    fn token(secret: &[u8], alg: Alg) -> String {
        let key = Key::hmac(secret.to_vec(), None);
        let header = serde_json::json!({"alg": alg.as_str()});
        let payload = br#"{"sub":"u"}"#;
        sign_raw(Alg::HS256, &key, header.as_object().unwrap(), payload).unwrap()
    }

    #[test]
    fn the_drift_documentation_token_is_signed_with_jwt_io_s_default() {
        let found = find(DRIFT_DOC_TOKEN, &[]).expect("a published secret");
        let Origin::Published(p) = &found.origin else {
            panic!("{:?}", found.origin)
        };
        assert_eq!(p.secret, "your-256-bit-secret");
        let w = finding(found);
        assert_eq!((w.code, w.severity), ("known_secret", Severity::Critical));
        assert!(
            w.message.contains("\"your-256-bit-secret\""),
            "{}",
            w.message
        );
        assert!(w.message.contains(JWT_IO_FORMER), "{}", w.message);
    }

    #[test]
    fn every_published_secret_is_found_and_cited() {
        let mut seen = std::collections::HashSet::new();
        for p in PUBLISHED {
            assert!(seen.insert(p.secret), "{:?} twice", p.secret);
            let found = find(&token(p.secret.as_bytes(), Alg::HS256), &[]).expect(p.secret);
            assert_eq!(found.origin, Origin::Published(p));
            let url = p.at.url();
            assert!(url.starts_with("https://"), "{}: {url}", p.secret);
        }
        // A test key is on no list; an ES256 header is not tried at all.
        assert!(find(&token(b"idjwt-test-secret-not-published", Alg::HS256), &[]).is_none());
        assert!(find(&token(b"secret", Alg::ES256), &[]).is_none());
        for garbage in [
            "",
            "a.b",
            "a.b.c",
            "\u{0}..",
            DRIFT_DOC_TOKEN.trim_end_matches('8'),
        ] {
            assert!(find(garbage, &[]).is_none(), "{garbage:?}");
        }
    }

    #[test]
    fn a_listed_secret_is_named_by_its_line_only() {
        let dir = std::env::temp_dir().join(format!("idjwt-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("list.txt");
        std::fs::write(
            &path,
            b"first-listed-test-secret\r\n\nsecond-listed-test-secret\n",
        )
        .unwrap();
        let listed = load(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(listed.len(), 2, "the blank line is skipped");
        let found = find(&token(b"second-listed-test-secret", Alg::HS256), &listed).unwrap();
        let w = finding(found);
        assert!(w.message.contains("line 3 of"), "{}", w.message);
        assert!(!w.message.contains("second-listed"), "{}", w.message);
        assert!(!format!("{found:?}").contains("second-listed"));
        // The \r of a CRLF file is not part of the secret.
        assert!(find(&token(b"first-listed-test-secret", Alg::HS256), &listed).is_some());
        assert_eq!(
            load(&dir.join("missing")).unwrap_err().code(),
            "io",
            "an unreadable list is a usage error"
        );
    }
}
