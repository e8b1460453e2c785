//! The identity a verified token yields, written from policy.md §6 — deliberately not by calling
//! the engine's provider layer, so that the vectors state the policy independently of the code
//! they test. Only representation details (attribute names) follow the engine.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::verdict::Identity;

/// RFC 7519 §4.1: the registered claim names (never Intercom attributes).
const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// The identity policy.md §6 says a verified token with these claims names, for `provider`.
pub(crate) fn expected(provider: &str, claims: &Map<String, Value>) -> Identity {
    let string = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let user = |name: &str| {
        string(name)
            .unwrap_or_else(|| panic!("a verified {provider} token names its user in {name:?}"))
    };
    match provider {
        // "sub ... needs to be set to userId": the user id and nothing else.
        "drift" => Identity {
            user_id: user("sub"),
            ..Identity::default()
        },
        // user id = sub; "parsed metadata and linked accounts": both claims hold JSON text.
        "privy" => {
            let mut attributes = BTreeMap::new();
            for name in ["custom_metadata", "linked_accounts"] {
                if let Some(text) = string(name) {
                    let parsed: Value = serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("verified {name} is JSON text: {e}"));
                    attributes.insert(name.to_owned(), parsed);
                }
            }
            Identity {
                user_id: user("sub"),
                attributes,
                ..Identity::default()
            }
        }
        // user id = user_id; "email and other attributes": every claim that is neither
        // registered nor already used becomes an attribute.
        "intercom" => Identity {
            user_id: user("user_id"),
            email: string("email"),
            attributes: claims
                .iter()
                .filter(|(k, _)| {
                    !REGISTERED.contains(&k.as_str())
                        && k.as_str() != "user_id"
                        && k.as_str() != "email"
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ..Identity::default()
        },
        // user id = identity.external_id, else the aliases (the first by name, labelled
        // `alias:value` so it cannot pose as an external id); identity and subscriptions kept.
        "onesignal" => {
            let aliases = claims
                .get("identity")
                .and_then(Value::as_object)
                .expect("a verified OneSignal token has an identity object");
            let user_id = match aliases.get("external_id").and_then(Value::as_str) {
                Some(id) => id.to_owned(),
                None => {
                    let first = aliases
                        .keys()
                        .min()
                        .expect("a verified identity is non-empty");
                    let value = aliases[first].as_str().expect("aliases are strings");
                    format!("{first}:{value}")
                }
            };
            let mut attributes = BTreeMap::new();
            for name in ["identity", "subscriptions"] {
                if let Some(v) = claims.get(name) {
                    attributes.insert(name.to_owned(), v.clone());
                }
            }
            Identity {
                user_id,
                attributes,
                ..Identity::default()
            }
        }
        // user id = external_id; name; email only when email_verified is the JSON boolean true.
        "zendesk" => Identity {
            user_id: user("external_id"),
            name: string("name"),
            email: if claims.get("email_verified") == Some(&Value::Bool(true)) {
                string("email")
            } else {
                None
            },
            ..Identity::default()
        },
        other => panic!("no identity rule for provider {other}"),
    }
}
