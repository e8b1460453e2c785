//! `idjwt sign`: a token the provider accepts, for testing integrations.
//!
//! The token carries the profile's header members and required claims (from the profile's
//! examples, with the user id and app id substituted), an integral `exp`, and the caller's
//! `--claim`s. Before it is printed it is verified by the reference engine under the same
//! profile; a token that would be refused is never handed out.

use serde_json::{Map, Value};

use super::error::CliError;
use crate::engine::keys::{Key, KeyFamily};
use crate::engine::provider::{judge, Context};
use crate::engine::sign_jwt;
use crate::impls::reference::Reference;
use crate::profile::{Config, Profile};
use crate::verdict::{Reason, Verdict};

/// What to sign.
#[derive(Clone, Debug)]
pub struct SignInput<'a> {
    pub profile: &'a Profile,
    /// The candidate keys; exactly one must fit the profile's algorithm.
    pub keys: &'a [Key],
    pub user: &'a str,
    /// `NAME=TEXT` or `NAME:=JSON`, applied in order.
    pub claims: &'a [String],
    pub ttl: u32,
    pub app_id: Option<String>,
    pub now: i64,
}

/// `NAME=TEXT` (a string) or `NAME:=JSON` (any JSON value).
pub fn parse_claim(arg: &str) -> Result<(String, Value), CliError> {
    let bad = |problem: &str| CliError::Claim {
        arg: arg.to_owned(),
        problem: problem.to_owned(),
    };
    let (name, value) = match (arg.find(":="), arg.find('=')) {
        (Some(i), Some(j)) if i + 1 == j => {
            let value = serde_json::from_str(&arg[j + 1..])
                .map_err(|e| bad(&format!("not JSON after `:=`: {e}")))?;
            (&arg[..i], value)
        }
        (_, Some(j)) => (&arg[..j], Value::String(arg[j + 1..].to_owned())),
        (_, None) => return Err(bad("expected NAME=TEXT or NAME:=JSON")),
    };
    if name.is_empty() {
        return Err(bad("the claim name is empty"));
    }
    Ok((name.to_owned(), value))
}

/// The claims a token for `user` carries: required claims and the claim naming the user (which
/// a profile with a one-of group may not require), `exp`, then the overrides.
pub fn claims(input: &SignInput<'_>) -> Result<Map<String, Value>, CliError> {
    let config = Config {
        app_id: input.app_id.clone(),
    };
    let canonical = input
        .profile
        .canonical_claims(input.user, &config, input.now)?;
    let mut claims: Map<String, Value> = canonical
        .into_iter()
        .filter(|(name, _)| {
            input.profile.claim(name).is_some_and(|r| r.required)
                || *name == input.profile.identity.user_id.claim
        })
        .collect();
    claims.insert(
        "exp".into(),
        Value::from(input.now.saturating_add(i64::from(input.ttl))),
    );
    for arg in input.claims {
        let (name, value) = parse_claim(arg)?;
        claims.insert(name, value);
    }
    Ok(claims)
}

fn signing_key<'k>(profile: &Profile, keys: &'k [Key]) -> Result<&'k Key, CliError> {
    let alg = profile.signing_alg();
    let fitting: Vec<&Key> = keys.iter().filter(|k| k.fits(alg)).collect();
    let problem = match fitting.as_slice() {
        [] if keys.is_empty() => return Err(CliError::NoKey),
        [] => format!(
            "{} signs with {alg}; no given key is of that kind",
            profile.id
        ),
        [one] if one.family() == KeyFamily::Ec && one.to_jwk().d.is_none() => {
            "this is a public key; signing ES256 needs the private key".to_owned()
        }
        [one] => return Ok(one),
        _ => format!("{} keys fit {alg}; give exactly one", fitting.len()),
    };
    Err(CliError::SigningKey { problem })
}

/// Signs, then verifies the token under the profile before returning it.
pub fn sign(input: &SignInput<'_>) -> Result<String, CliError> {
    let profile = input.profile;
    let key = signing_key(profile, input.keys)?;
    let header = profile.signing_header(key.kid.as_deref())?;
    let claims = claims(input)?;
    let alg = profile.signing_alg();
    let token = sign_jwt(alg, key, &header, &claims).map_err(|reason| CliError::Sign { reason })?;
    let ctx = Context {
        config: Config {
            app_id: input.app_id.clone(),
        },
        now: input.now,
        ..Context::default()
    };
    let keys = [key.public_jwk()];
    let verdict =
        judge(profile, &ctx, Some(&token), &keys, &Reference::default()).map_err(|e| {
            CliError::Sign {
                reason: Reason::Implementation {
                    reported_code: None,
                    message: e.to_string(),
                },
            }
        })?;
    match verdict {
        Verdict::Verified { .. } => Ok(token),
        other => Err(CliError::Sign {
            reason: other.reason().cloned().unwrap_or(Reason::BadSignature),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_arguments() {
        assert_eq!(
            parse_claim("name=Jane Doe").unwrap(),
            ("name".into(), Value::String("Jane Doe".into()))
        );
        assert_eq!(
            parse_claim("email_verified:=true").unwrap(),
            ("email_verified".into(), Value::Bool(true))
        );
        assert_eq!(
            parse_claim("url=a:=b").unwrap(),
            ("url".into(), Value::String("a:=b".into()))
        );
        assert_eq!(
            parse_claim("x=").unwrap(),
            ("x".into(), Value::String(String::new()))
        );
        for bad in ["novalue", "=v", "n:=not json"] {
            assert_eq!(parse_claim(bad).unwrap_err().code(), "claim", "{bad}");
        }
    }
}
