//! The identity a verified token yields, written from policy.md §6 — deliberately not by calling
//! the engine's provider layer, so that the vectors state the policy independently of the code
//! they test. Only representation details (attribute names) follow the engine. Each provider's
//! rule is in its own module (its `identity`), registered with its namespace.

use serde_json::{Map, Value};

use crate::verdict::Identity;

/// RFC 7519 §4.1: the registered claim names (never Intercom attributes).
pub(super) const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// The identity policy.md §6 says a verified token with these claims names, for `provider`.
pub(crate) fn expected(provider: &str, claims: &Map<String, Value>) -> Identity {
    let rule = super::PROVIDER_NAMESPACES
        .iter()
        .find(|row| row.0 == provider);
    let (_, _, _, identity) =
        rule.unwrap_or_else(|| panic!("no identity rule for provider {provider}"));
    identity(claims)
}

/// The string claim `name`, if the claims hold one.
pub(super) fn string(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// The user id in the string claim `name`, which a verified token must hold.
pub(super) fn user(claims: &Map<String, Value>, name: &str) -> String {
    string(claims, name).unwrap_or_else(|| panic!("a verified token names its user in {name:?}"))
}
