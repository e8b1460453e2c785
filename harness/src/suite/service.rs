//! A running verification service under test over HTTP (`--verifier-url`), as a provider-level
//! [`Subject`]: each case's token is re-signed with the service's key ([`rekey`]), posted as JSON,
//! and the answer mapped to a verdict.
//!
//! - 2xx with a JSON object naming the user (`user_id`, optional `email`, `name`, `attributes`,
//!   at the top level or under `identity`) → verified with that identity;
//! - 401 or 403 → rejected (with the body's `reason` when it is a code of [`crate::Reason`]);
//! - anything else (another status, a redirect, a body that is not such an object, a
//!   connection error, a body over the cap) → a crash naming it; no complete answer within the
//!   timeout → a hang.
//!
//! The service reads its own clock, so the runner re-mints every time-relative case at the wall
//! clock, as for libraries that read the system clock.

use serde_json::{Map, Value};

use super::case::Case;
use super::http::{exchange, HttpError, Limits, Url};
use super::signer::signing_key;
use super::subject::{Answer, Subject};
use crate::contract::{
    Clock, Decoded, Description, Failure, Jwk, Level, ProviderAnswer, SignRequest, VerifyRequest,
};
use crate::engine::keys::Key;
use crate::profile::Profile;
use crate::verdict::Identity;

/// The default request body: the token and the user the client claims.
pub const DEFAULT_BODY: &str = r#"{"token": {token}, "claimed_user": {claimed_user}}"#;

/// A verification service at a URL.
pub struct HttpVerifier {
    url: Url,
    body: String,
    limits: Limits,
    description: Description,
}

impl HttpVerifier {
    /// The service at `url` for `profile`. `body` is the JSON request body with `{token}` and
    /// `{claimed_user}` standing for those values as JSON (a string, or `null`); `name` is how
    /// reports call it.
    pub fn new(
        url: &str,
        profile: &Profile,
        name: &str,
        body: Option<&str>,
        limits: Limits,
    ) -> Result<HttpVerifier, HttpError> {
        Ok(HttpVerifier {
            url: Url::parse(url)?,
            body: body.unwrap_or(DEFAULT_BODY).to_owned(),
            limits,
            description: Description {
                name: name.to_owned(),
                version: url.to_owned(),
                algorithms: vec![profile.signing_alg().as_str().to_owned()],
                clock: Clock::System,
                level: Level::Provider,
                profiles: vec![profile.id.clone()],
                signs: false,
                ..Description::default()
            },
        })
    }

    fn body_for(&self, request: &VerifyRequest) -> String {
        let json = |v: Option<&str>| serde_json::to_string(&v).unwrap_or_else(|_| "null".into());
        let token = (!request.token.is_empty()).then_some(request.token.as_str());
        let claimed = request
            .provider
            .as_ref()
            .and_then(|p| p.claimed_user.as_deref());
        self.body
            .replace("{token}", &json(token))
            .replace("{claimed_user}", &json(claimed))
    }
}

/// A body as shown in a report: its first characters, quoted.
pub fn shown_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut shown: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// The user a 2xx answer names, or what is wrong with it.
pub fn identity_in(body: &[u8]) -> Result<Identity, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("the body is not JSON ({e}): {}", shown_body(body)))?;
    let object = match value.get("identity") {
        Some(Value::Object(inner)) => inner,
        _ => value
            .as_object()
            .ok_or_else(|| format!("the body is not a JSON object: {}", shown_body(body)))?,
    };
    let text = |name: &str| -> Result<Option<String>, String> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("`{name}` is {other}, not a string")),
        }
    };
    let user_id =
        text("user_id")?.ok_or_else(|| format!("no string `user_id` in {}", shown_body(body)))?;
    let attributes = match object.get("attributes") {
        None | Some(Value::Null) => Default::default(),
        Some(Value::Object(members)) => members.clone().into_iter().collect(),
        Some(other) => return Err(format!("`attributes` is {other}, not an object")),
    };
    Ok(Identity {
        user_id,
        email: text("email")?,
        name: text("name")?,
        attributes,
    })
}

/// A refusal's body as a failure: its `error` and `reason` when it is a JSON object.
fn refusal(status: u16, body: &[u8]) -> Failure {
    let parsed: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
    let member = |name: &str| {
        parsed
            .as_ref()
            .and_then(|m| m.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Failure {
        error: format!(
            "HTTP {status}: {}",
            member("error").unwrap_or_else(|| shown_body(body))
        ),
        reason: member("reason").filter(|r| crate::Reason::CODES.contains(&r.as_str())),
    }
}

impl Subject for HttpVerifier {
    fn description(&self) -> &Description {
        &self.description
    }

    fn sign(&self, _: &SignRequest) -> Answer<String> {
        Answer::Crash("a verification service does not sign".into())
    }

    fn verify(&self, _: &VerifyRequest) -> Answer<Decoded> {
        Answer::Crash("a verification service answers provider-level requests only".into())
    }

    fn verify_provider(&self, request: &VerifyRequest) -> Answer<ProviderAnswer> {
        let body = self.body_for(request);
        let response = match exchange(
            "POST",
            &self.url,
            Some(("application/json", body.as_bytes())),
            self.limits,
        ) {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return Answer::Hang(self.limits.timeout),
            Err(e) => return Answer::Crash(e.to_string()),
        };
        match response.status {
            200..=299 => match identity_in(&response.body) {
                Ok(identity) => Answer::Ok(ProviderAnswer::Verified(identity)),
                Err(problem) => Answer::Crash(format!("HTTP {}: {problem}", response.status)),
            },
            401 | 403 => Answer::Refused(refusal(response.status, &response.body)),
            300..=399 => Answer::Crash(format!(
                "HTTP {}: a redirect to {}, not followed",
                response.status,
                response.location.as_deref().unwrap_or("(no Location)")
            )),
            status => Answer::Crash(format!("HTTP {status}: {}", shown_body(&response.body))),
        }
    }
}

/// Why a case cannot be put to a service with its own key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NotRekeyed {
    pub case_id: String,
    pub why: &'static str,
}

/// The cases of `profile` re-keyed for a service that holds `key` (TEST or staging keys only):
/// every place the profile's test key signs or is configured now holds `key` (and its `kid`
/// replaces the test key's in the header text); tokens signed with other keys keep them, for
/// they are about keys the service must not trust. A case that configures more or other keys
/// than the profile's test key, or whose token has no recipe to re-sign, cannot be put to the
/// service and is returned with why.
///
/// A service has its own leeway and answers only verified or rejected: cases that give a leeway
/// or ask for a mode that falls back to an unverified user are left out too. With `app_id`, the
/// cases' app id is replaced by the service's wherever it stands as a whole JSON string.
pub fn rekey(
    cases: &[Case],
    profile: &Profile,
    key: &Key,
    app_id: Option<&str>,
) -> (Vec<Case>, Vec<NotRekeyed>) {
    let test_key = signing_key(profile);
    let (test_private, test_public) = (test_key.to_jwk(), test_key.public_jwk());
    let mut kept = Vec::new();
    let mut left = Vec::new();
    let not = |case: &Case, why| NotRekeyed {
        case_id: case.id.clone(),
        why,
    };
    for case in cases
        .iter()
        .filter(|c| c.provider.as_deref() == Some(&profile.id))
    {
        let configured: Vec<Jwk> = case.keys.iter().map(Jwk::public).collect();
        if case.leeway != 0 {
            left.push(not(case, "it gives a leeway, and a service has its own"));
            continue;
        }
        if case.context.mode.unwrap_or(profile.mode) != crate::profile::Mode::Required {
            left.push(not(
                case,
                "its mode falls back to an unverified user, which HTTP answers cannot say",
            ));
            continue;
        }
        if configured != [test_public.clone()] {
            left.push(not(
                case,
                "it configures other keys than the profile's one key",
            ));
            continue;
        }
        let mut rekeyed = case.clone();
        rekeyed.keys = vec![key.to_jwk()];
        let quoted = |k: &str| serde_json::to_string(k).unwrap_or_default();
        let new_app = match (app_id, &case.context.app_id) {
            (Some(new), Some(old)) if new != old => {
                rekeyed.context.app_id = Some(new.to_owned());
                Some((quoted(old), quoted(new)))
            }
            _ => None,
        };
        if case.token.is_some() {
            let Some(recipe) = rekeyed.mint.as_mut() else {
                left.push(not(
                    case,
                    "its token has no recipe to re-sign it with the service's key",
                ));
                continue;
            };
            if recipe.key == test_private {
                recipe.key = key.to_jwk();
                if let (Some(old), Some(new)) = (&test_key.kid, &key.kid) {
                    recipe.header = recipe.header.replace(&quoted(old), &quoted(new));
                }
            }
            if let Some((old, new)) = &new_app {
                recipe.payload = recipe.payload.replace(old, new);
            }
        }
        kept.push(rekeyed);
    }
    (kept, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_at_the_top_or_under_identity() {
        let top = identity_in(br#"{"user_id":"u1","email":"a@b.test","attributes":{"plan":"x"}}"#)
            .unwrap();
        assert_eq!(top.user_id, "u1");
        assert_eq!(top.email.as_deref(), Some("a@b.test"));
        assert_eq!(top.attributes["plan"], "x");
        let nested = identity_in(br#"{"ok":true,"identity":{"user_id":"u2"}}"#).unwrap();
        assert_eq!(nested.user_id, "u2");
        for (body, why) in [
            (&b"<html>"[..], "not JSON"),
            (b"[1]", "not a JSON object"),
            (b"{}", "no string `user_id`"),
            (br#"{"user_id":12345}"#, "`user_id` is 12345, not a string"),
            (
                br#"{"user_id":"u","attributes":[]}"#,
                "`attributes` is [], not an object",
            ),
        ] {
            let e = identity_in(body).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }

    #[test]
    fn refusals_keep_known_reason_codes_only() {
        let f = refusal(401, br#"{"error":"token expired","reason":"expired"}"#);
        assert_eq!(
            (f.error.as_str(), f.reason.as_deref()),
            ("HTTP 401: token expired", Some("expired"))
        );
        let f = refusal(403, br#"{"reason":"nope"}"#);
        assert_eq!(f.reason, None);
        assert!(refusal(401, b"denied").error.contains("\"denied\""));
    }
}
