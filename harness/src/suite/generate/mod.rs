//! The deterministic golden-vector generator: every namespace's [`VectorFile`], built from
//! `docs/policy.md` (every verdict), `docs/taxonomy.md` (the classes) and the providers' public
//! documents named in policy.md §6 (the examples, the `seed-*` cases).
//!
//! Output is byte-for-byte stable: no randomness, no wall clock, no hash-map iteration in what is
//! produced (ES256 signatures are RFC 6979 deterministic, keys are derived from labels).
//!
//! Naming conventions:
//! - `namespace::name@provider` for a generic class run once per provider (`jws`, `json`,
//!   `header`, `keys`, `signature`, `claims`, `modes`); `namespace::name` for provider-less
//!   JOSE cases (which carry `algorithms`: `keys::jose-*`, `wycheproof::*`) and for the provider
//!   namespaces (`zendesk::kid-missing`).
//! - Names are lowercase kebab-case.
//! - Feature `rule:<claim>` (or `rule:header.typ`, `rule:header.kid`) marks a provider-namespace
//!   case that sits at the boundary of that profile rule; every rule has a verified and a
//!   rejected case (tested below).
//! - Feature `time` marks cases whose verdict is about the clock (exp/nbf/iat, expired tokens);
//!   every such case has a `mint` recipe with `${now…}` placeholders so it can be re-minted.
//!
//! Expected identities are computed by [`identity::expected`], written from policy.md §6 and
//! independent of the engine's provider layer.

mod binding;
mod braze;
mod claims;
pub(crate) mod draft;
mod drift;
mod fetch;
mod header;
mod identity;
mod intercom;
mod json;
mod jwks;
mod jws;
mod keys;
mod knock;
mod kustomer;
mod modes;
mod onesignal;
mod privy;
mod pusher;
mod rsa;
mod salesforce;
mod signature;
mod stream;
mod sunshine;
#[cfg(test)]
mod tests;
mod token;
mod userjot;
mod wycheproof;
mod zendesk;

use super::case::{Case, VectorFile};
use draft::P;

pub use draft::{APP_ID, LEEWAY, NOW, USER};

/// What writes a provider namespace's cases.
type Generator = fn(&P, &mut Vec<Case>);
/// The identity policy.md §6 says a verified token of the provider names.
type IdentityRule = fn(&serde_json::Map<String, serde_json::Value>) -> crate::verdict::Identity;

/// Each provider's own namespace: `(profile id, description, cases, identity)`. A provider's
/// module holds only what is its own: its cases and the identity its tokens name; the generic
/// namespaces reach it through the profile registry.
#[rustfmt::skip]
const PROVIDER_NAMESPACES: &[(&str, &str, Generator, IdentityRule)] = &[
    ("drift", "Drift signed identities: sub, exp, numeric user ids, the seed's example.", drift::cases, drift::identity),
    ("privy", "Privy identity tokens: sub, iss privy.io, aud = app id, exp, custom_metadata and linked_accounts as JSON text, the seed's verify options.", privy::cases, privy::identity),
    ("intercom", "Intercom Messenger JWTs: user_id, email, exp, attributes, an email posing as the user id, the seed's sample payload.", intercom::cases, intercom::identity),
    ("onesignal", "OneSignal identity verification: iss = app id, exp, identity aliases, subscriptions, OneSignal.login with an alias, the seed's examples.", onesignal::cases, onesignal::identity),
    ("zendesk", "Zendesk messaging authentication: typ and kid headers, scope, external_id length in characters, integral exp, name, email kept only when email_verified is true, the seed's examples and snippets.", zendesk::cases, zendesk::identity),
    ("stream", "Stream Chat user tokens: user_id, integral exp, iat never in the future, development tokens signed `devtoken`, connectUser binding, stream-chat-go's test tokens.", stream::cases, stream::identity),
    ("sunshine", "Sunshine Conversations v1 app user tokens: kid header, scope exactly appUser (app and account scopes refused), userId a string, exp, the guide's and the REST documentation's samples.", sunshine::cases, sunshine::identity),
    ("pusher", "Pusher Beams tokens: sub of 1 to 164 characters, iss built from the instance id, integral exp, iat never in the future, the server SDKs' tokens.", pusher::cases, pusher::identity),
    ("kustomer", "Kustomer Chat identity: typ header, externalId or email with the email taking preference, iat at most 15 minutes old and never in the future, Kustomer's samples.", kustomer::cases, kustomer::identity),
    ("userjot", "UserJot signed identity: sub, iss the project id, aud exactly userjot, exp at most an hour after iat, iat never in the future, trusted optional claims.", userjot::cases, userjot::identity),
    ("salesforce", "Salesforce Messaging for In-App and Web user verification: RS256 and RS512, kid, sub, iss the keyset's issuer, exp, the token Salesforce's signer writes.", salesforce::cases, salesforce::identity),
    ("braze", "Braze SDK authentication: RS256 only, typ JWT, sub the changeUser id, exp required, up to three keys without kid.", braze::cases, braze::identity),
    ("knock", "Knock signed user tokens: RS256, sub of 1 to 256 characters, optional iat and exp, grants and explicit_grants, the Node SDK's and the documentation's tokens.", knock::cases, knock::identity),
];

/// Every namespace's vector file, sorted by namespace.
pub fn all() -> Vec<VectorFile> {
    let mut files = vec![
        jws::file(),
        json::file(),
        header::file(),
        keys::file(),
        signature::file(),
        claims::file(),
        binding::file(),
        modes::file(),
        wycheproof::file(),
        rsa::file(),
        jwks::file(),
        fetch::file(),
    ];
    for (id, description, generate, _) in PROVIDER_NAMESPACES {
        let mut cases = Vec::new();
        generate(&P::get(id), &mut cases);
        files.push(draft::file(id, description, cases));
    }
    files.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    files
}
