//! Signer probing: ask a signer for tokens for user ids chosen to break signers, and check each
//! token against the profile (`idjwt probe`, `cargo xtask conformance --signer-url`).
//!
//! For every user id the profile itself decides what is right: the reference engine verifies
//! the profile's canonical token for that id. Where it would be verified, the signer's token must
//! verify under the key, name exactly that user with the claim's JSON type, and pass every rule
//! of the profile (header, required claims, integral seconds); each broken rule is named with
//! its source. Where the provider would refuse the id (an empty id, one over a length limit), the
//! signer must refuse to sign it.

use std::time::Duration;

use serde_json::Value;

use super::http::{exchange, HttpError, Limits, Url};
use super::service::shown_body;
use super::signer::signing_key;
use crate::cli::explain::{explain, Layers, Signature};
use crate::cli::report::Status;
use crate::contract::Jwk;
use crate::engine::keys::Key;
use crate::engine::provider::{judge, Context};
use crate::engine::wall_clock;
use crate::impls::reference::Reference;
use crate::profile::{Config, Profile};
use crate::verdict::Verdict;

/// The user ids a signer is asked for: each one breaks some signer that exists.
pub fn probe_users() -> Vec<(&'static str, String)> {
    vec![
        ("digits", "12345".into()),
        ("leading-zeros", "007".into()),
        ("length-255", "u".repeat(255)),
        ("length-256", "u".repeat(256)),
        ("non-ascii", "zoë-用户-😀".into()),
        ("quotes", r#"say "hi" \ 'bye'"#.into()),
        ("slashes", "team/a/../b".into()),
        ("spaces", " first last ".into()),
        ("empty", String::new()),
    ]
}

/// What a signer answered for one user id.
#[derive(Clone, Debug, PartialEq)]
pub enum Fetched {
    /// A token.
    Token(String),
    /// It refused (a 4xx status), with what it said.
    Refused(String),
    /// Anything else: a 5xx, a redirect, no token in the body, a connection error.
    Broken(String),
    /// No complete answer in time.
    Hang(Duration),
}

/// A signer endpoint: `url` holds `{user}` where the percent-encoded user id goes.
pub struct HttpSigner {
    url: String,
    member: Option<String>,
    limits: Limits,
}

impl HttpSigner {
    /// `member` names the JSON member holding the token, when the body is a JSON object.
    pub fn new(url: &str, member: Option<&str>, limits: Limits) -> Result<HttpSigner, HttpError> {
        if !url.contains("{user}") {
            return Err(HttpError::Url {
                url: url.to_owned(),
                problem: "the URL must hold `{user}` where the user id goes".into(),
            });
        }
        Url::parse(&url.replace("{user}", "x"))?;
        Ok(HttpSigner {
            url: url.to_owned(),
            member: member.map(str::to_owned),
            limits,
        })
    }

    /// Asks for a token for `user`.
    pub fn fetch(&self, user: &str) -> Fetched {
        let url = match Url::parse(&self.url.replace("{user}", &percent_encode(user))) {
            Ok(url) => url,
            Err(e) => return Fetched::Broken(e.to_string()),
        };
        let response = match exchange("GET", &url, None, self.limits) {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Fetched::Hang(self.limits.timeout),
            Err(e) => return Fetched::Broken(e.to_string()),
        };
        let status = response.status;
        match status {
            200..=299 => match token_in(&response.body, self.member.as_deref()) {
                Ok(token) => Fetched::Token(token),
                Err(problem) => Fetched::Broken(format!("HTTP {status}: {problem}")),
            },
            300..=399 => Fetched::Broken(format!(
                "HTTP {status}: a redirect to {}, not followed",
                response.location.as_deref().unwrap_or("(no Location)")
            )),
            400..=499 => Fetched::Refused(format!("HTTP {status}: {}", shown_body(&response.body))),
            _ => Fetched::Broken(format!("HTTP {status}: {}", shown_body(&response.body))),
        }
    }
}

/// Every byte but RFC 3986's unreserved characters, percent-encoded.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn looks_compact(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| !p.is_empty())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The token in a signer's body: the body itself when it is a compact JWS, else the string
/// member `member` of a JSON object body, else its one string member that is a compact JWS.
pub fn token_in(body: &[u8], member: Option<&str>) -> Result<String, String> {
    let text = String::from_utf8_lossy(body);
    if member.is_none() && looks_compact(text.trim()) {
        return Ok(text.trim().to_owned());
    }
    let object = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .ok_or_else(|| {
            format!(
                "the body is neither a compact JWS nor a JSON object: {}",
                shown_body(body)
            )
        })?;
    if let Some(name) = member {
        return match object.get(name) {
            Some(Value::String(token)) => Ok(token.clone()),
            _ => Err(format!("no string member `{name}` in {}", shown_body(body))),
        };
    }
    let mut tokens = object
        .values()
        .filter_map(Value::as_str)
        .filter(|s| looks_compact(s));
    match (tokens.next(), tokens.next()) {
        (Some(token), None) => Ok(token.to_owned()),
        (None, _) => Err(format!(
            "no member holds a compact JWS: {}",
            shown_body(body)
        )),
        (Some(_), Some(_)) => Err(format!(
            "several members hold a compact JWS; name one with the token member option: {}",
            shown_body(body)
        )),
    }
}

/// A user id as a report shows it: quoted, and shortened past 40 characters.
pub fn shown_user(user: &str) -> String {
    let n = user.chars().count();
    if n <= 40 {
        return format!("{user:?}");
    }
    let start: String = user.chars().take(12).collect();
    format!("{start:?}… ({n} characters)")
}

/// The probe's finding for one user id.
#[derive(Clone, Debug, PartialEq)]
pub struct Probed {
    /// A stable label for the id (`digits`, `length-256`, …).
    pub label: &'static str,
    pub user: String,
    /// Whether the provider takes a token for this id (its canonical token verifies).
    pub provider_accepts: bool,
    /// What the signer answered, in a few words (`a token`, `refused: HTTP 400 …`).
    pub answer: String,
    /// Every rule the answer breaks, with its source; empty when it is right.
    pub problems: Vec<String>,
    /// The signer hung (no answer in time) rather than answering wrongly.
    pub hung: bool,
}

/// The context a probe checks tokens in: the wall clock and the app id.
fn context(app_id: Option<&str>) -> Context {
    Context {
        config: Config {
            app_id: app_id.map(str::to_owned),
        },
        now: wall_clock(),
        ..Context::default()
    }
}

/// Whether the provider takes a token naming `user`: its canonical token verifies under the
/// reference. That is a property of the id, not of any key, so the profile's own test key signs
/// it (the signer's key may be given as a public key only).
fn provider_accepts(profile: &Profile, ctx: &Context, user: &str) -> bool {
    let key = &signing_key(profile);
    let signed = profile
        .signing_header(key.kid.as_deref())
        .and_then(|h| Ok((h, profile.canonical_claims(user, &ctx.config, ctx.now)?)))
        .ok()
        .and_then(|(h, c)| crate::engine::sign_jwt(profile.signing_alg(), key, &h, &c).ok());
    let Some(token) = signed else {
        return false;
    };
    matches!(
        judge(
            profile,
            ctx,
            Some(&token),
            &[key.public_jwk()],
            &Reference::default()
        ),
        Ok(Verdict::Verified { .. })
    )
}

/// Every rule `token` breaks as the token for `user`, with its source.
pub fn token_problems(
    profile: &Profile,
    keys: &[Jwk],
    ctx: &Context,
    user: &str,
    token: &str,
) -> Vec<String> {
    let mut problems: Vec<String> = explain(
        Layers::Provider(profile),
        ctx,
        Signature::Keys(keys),
        Some(token),
    )
    .into_iter()
    .filter(|c| matches!(c.status, Status::Fail))
    .map(|c| format!("{}: {} — {}", c.rule, c.message, c.basis))
    .collect();
    match judge(profile, ctx, Some(token), keys, &Reference::default()) {
        Ok(Verdict::Verified { identity }) if identity.user_id != user => problems.push(format!(
            "identity: the token names user {:?}, not {user:?} — {}",
            identity.user_id, profile.identity.user_id.basis
        )),
        _ => {}
    }
    problems
}

/// Asks `fetch` for a token for every probe user and checks each (`key`: the key that verifies
/// the signer's tokens, TEST or staging keys only; a public key is enough).
pub fn probe(
    profile: &Profile,
    key: &Key,
    app_id: Option<&str>,
    fetch: &dyn Fn(&str) -> Fetched,
) -> Vec<Probed> {
    let keys = [key.public_jwk()];
    probe_users()
        .into_iter()
        .map(|(label, user)| {
            let fetched = fetch(&user);
            let ctx = context(app_id);
            let accepts = provider_accepts(profile, &ctx, &user);
            let mut hung = false;
            let (answer, problems) = match fetched {
                Fetched::Token(token) if accepts => {
                    let problems = token_problems(profile, &keys, &ctx, &user, &token);
                    ("a token".to_owned(), problems)
                }
                Fetched::Token(_) => (
                    "a token".to_owned(),
                    vec![format!(
                        "signed a token for a user id the provider refuses (the profile's own token for it does not verify): {}",
                        refused_because(profile, &ctx, &user)
                    )],
                ),
                Fetched::Refused(why) if accepts => (
                    format!("refused: {why}"),
                    vec!["refused a user id the provider accepts".to_owned()],
                ),
                Fetched::Refused(why) => (format!("refused: {why}"), Vec::new()),
                Fetched::Broken(why) => (format!("broke: {why}"), vec![why]),
                Fetched::Hang(after) => {
                    hung = true;
                    let why = format!("no answer within {after:?}");
                    (why.clone(), vec![why])
                }
            };
            Probed {
                label,
                user,
                provider_accepts: accepts,
                answer,
                problems,
                hung,
            }
        })
        .collect()
}

/// Why the profile refuses its own token for `user`.
fn refused_because(profile: &Profile, ctx: &Context, user: &str) -> String {
    let key = &signing_key(profile);
    let claims = match profile.canonical_claims(user, &ctx.config, ctx.now) {
        Ok(c) => c,
        Err(e) => return e.to_string(),
    };
    let header = profile
        .signing_header(key.kid.as_deref())
        .unwrap_or_default();
    match crate::engine::sign_jwt(profile.signing_alg(), key, &header, &claims) {
        Ok(token) => token_problems(profile, &[key.public_jwk()], ctx, user, &token).join("; "),
        Err(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_in_bodies() {
        let jws = "eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ.c2ln";
        assert_eq!(token_in(format!("{jws}\n").as_bytes(), None).unwrap(), jws);
        assert_eq!(
            token_in(format!(r#"{{"jwt":"{jws}","n":1}}"#).as_bytes(), None).unwrap(),
            jws
        );
        assert_eq!(
            token_in(format!(r#"{{"t":"{jws}"}}"#).as_bytes(), Some("t")).unwrap(),
            jws
        );
        for (body, member, why) in [
            ("<html>", None, "neither a compact JWS"),
            (r#"{"jwt":"not a token"}"#, None, "no member holds"),
            (r#"{"a":"x.y.z","b":"x.y.z"}"#, None, "several members"),
            (
                r#"{"jwt":"x.y.z"}"#,
                Some("token"),
                "no string member `token`",
            ),
        ] {
            let e = token_in(body.as_bytes(), member).unwrap_err();
            assert!(e.contains(why), "{body}: {e}");
        }
    }

    #[test]
    fn user_ids_are_percent_encoded_whole() {
        assert_eq!(percent_encode("a/b c"), "a%2Fb%20c");
        assert_eq!(percent_encode("zoë"), "zo%C3%AB");
        assert_eq!(percent_encode("Az09-._~"), "Az09-._~");
        assert!(HttpSigner::new("http://127.0.0.1:1/jwt", None, Limits::default()).is_err());
    }

    /// The reference-provider's own tokens pass, and the classic mistakes are named.
    #[test]
    fn probe_names_each_mistake() {
        let profile = crate::profile::builtin("onesignal").unwrap();
        let key = Key::test_ec("onesignal-probe");
        let app = Some("app-1");
        let sign = |user: &str, edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
            let ctx = context(app);
            let mut claims = profile
                .canonical_claims(user, &ctx.config, ctx.now)
                .unwrap();
            edit(&mut claims);
            let header = profile.signing_header(key.kid.as_deref()).unwrap();
            crate::engine::sign_jwt(profile.signing_alg(), &key, &header, &claims).unwrap()
        };
        // The public key is enough to check a signer's tokens.
        let public = Key::from_jwk(&key.public_jwk()).unwrap();
        let right = probe(profile, &public, app, &|user| {
            if user.is_empty() {
                Fetched::Refused("HTTP 400".into())
            } else {
                Fetched::Token(sign(user, &|_| {}))
            }
        });
        for p in &right {
            assert!(p.problems.is_empty(), "{}: {:?}", p.label, p.problems);
        }
        assert!(
            !right
                .iter()
                .find(|p| p.label == "empty")
                .unwrap()
                .provider_accepts
        );
        let millis = probe(profile, &key, app, &|user| {
            Fetched::Token(sign(user, &|c| {
                c.insert("exp".into(), Value::from(wall_clock() * 1000 + 3_600_000));
            }))
        });
        let digits = millis.iter().find(|p| p.label == "digits").unwrap();
        assert!(
            digits.problems.iter().any(|p| p.contains("milliseconds")),
            "{:?}",
            digits.problems
        );
        let empty = millis.iter().find(|p| p.label == "empty").unwrap();
        assert!(
            empty.problems[0].contains("the provider refuses"),
            "{:?}",
            empty.problems
        );
        let numeric = probe(profile, &key, app, &|user| {
            Fetched::Token(sign(user, &|c| {
                if let Ok(n) = user.parse::<u64>() {
                    c.insert("identity".into(), serde_json::json!({"external_id": n}));
                }
            }))
        });
        let digits = numeric.iter().find(|p| p.label == "digits").unwrap();
        assert!(
            digits.problems.iter().any(|p| p.contains("external_id")),
            "{:?}",
            digits.problems
        );
        assert!(numeric
            .iter()
            .find(|p| p.label == "leading-zeros")
            .unwrap()
            .problems
            .iter()
            .any(|p| p.contains("external_id")));
        assert!(numeric
            .iter()
            .find(|p| p.label == "spaces")
            .unwrap()
            .problems
            .is_empty());
    }
}
