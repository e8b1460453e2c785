//! Canonical claims from the examples in a profile: what a conformant signer produces.

use serde_json::{Map, Value};

use super::{Config, Profile, ProfileError, APP_ID_PLACEHOLDER};

pub(super) fn canonical_claims(
    profile: &Profile,
    user_id: &str,
    config: &Config,
    now: i64,
) -> Result<Map<String, Value>, ProfileError> {
    let mut claims = Map::new();
    for rule in &profile.claims {
        if let Some(example) = &rule.example {
            let value = substitute(example, user_id, config, now, &rule.name)?;
            claims.insert(rule.name.clone(), value);
        }
    }
    Ok(claims)
}

fn substitute(
    template: &Value,
    user_id: &str,
    config: &Config,
    now: i64,
    claim: &str,
) -> Result<Value, ProfileError> {
    Ok(match template {
        Value::String(s) => match s.as_str() {
            "${user_id}" => Value::String(user_id.to_owned()),
            with_app_id if with_app_id.contains(APP_ID_PLACEHOLDER) => {
                let app_id = config
                    .app_id
                    .as_deref()
                    .ok_or(ProfileError::MissingConfig {
                        key: super::ConfigKey::AppId,
                    })?;
                Value::String(with_app_id.replace(APP_ID_PLACEHOLDER, app_id))
            }
            other => match other
                .strip_prefix("${now+")
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(offset) => {
                    let offset: i64 = offset.parse().map_err(|_| ProfileError::Invalid {
                        field: format!("claims.{claim}.example"),
                        problem: format!("bad template {other:?}"),
                    })?;
                    Value::from(now.saturating_add(offset))
                }
                None => Value::String(other.to_owned()),
            },
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, user_id, config, now, claim))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| Ok((k.clone(), substitute(v, user_id, config, now, claim)?)))
                .collect::<Result<_, ProfileError>>()?,
        ),
        other => other.clone(),
    })
}
