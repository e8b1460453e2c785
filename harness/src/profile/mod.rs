//! The provider rules table: each provider is a declarative profile, loaded from JSON.
//!
//! The ten built-in profiles (policy.md §6) are data files embedded in the binary
//! ([`builtin`]); a user's own profile loads from a file with [`Profile::from_file`]. Every rule
//! carries a `basis`: the seed sentence (or RFC section) it comes from.

mod builtin;
mod example;
mod load;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::Alg;

pub use builtin::{builtin, builtin_ids, builtins};
pub use load::ProfileError;

/// One provider's rules.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short id used on the command line and in case ids (`zendesk`).
    pub id: String,
    /// Human title.
    pub title: String,
    /// The public address of the provider document the rules come from.
    pub source: Option<String>,
    /// The `alg` allow-list.
    pub algorithms: AlgorithmRule,
    /// Header requirements (`typ`, `kid`).
    #[serde(default)]
    pub header: HeaderRules,
    /// The exact `iss` expected, if the provider fixes one.
    pub issuer: Option<ExpectedValue>,
    /// The audience `aud` must be or contain, if the provider fixes one.
    pub audience: Option<ExpectedValue>,
    /// Per-claim rules, in the order they are checked.
    pub claims: Vec<ClaimRule>,
    /// Groups of claims of which at least one must be present (Kustomer: `externalId` or
    /// `email`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<OneOfRule>,
    /// Bounds on `iat` against the clock and on `exp − iat`.
    #[serde(default, skip_serializing_if = "TimeRules::is_empty")]
    pub time: TimeRules,
    /// Signature segments that never verify, whatever the key (Stream's development token).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_signatures: Vec<ForbiddenSignature>,
    /// How the identity is extracted and bound.
    pub identity: IdentityRule,
    /// The enforcement mode when the caller does not choose one.
    #[serde(default)]
    pub mode: Mode,
}

/// The algorithms a provider accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlgorithmRule {
    pub allowed: Vec<Alg>,
    pub basis: String,
}

/// What the JOSE header must carry beyond `alg`.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderRules {
    /// `typ` must be present with this value (compared case-insensitively, RFC 7515 §4.1.9).
    pub typ: Option<TypRule>,
    /// `kid` must be present.
    pub kid: Option<KidRule>,
}

/// A required `typ` value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypRule {
    pub value: String,
    pub basis: String,
}

/// Whether `kid` is required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KidRule {
    pub required: bool,
    pub basis: String,
}

/// A value fixed by the provider (`privy.io`), taken from the caller's configuration, or built
/// from it (`https://${app_id}.pushnotifications.pusher.com`): exactly one of the three.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedValue {
    /// A constant.
    pub fixed: Option<String>,
    /// A configuration key whose value the caller supplies.
    pub config: Option<ConfigKey>,
    /// A string in which `${app_id}` stands for the configured app id.
    pub template: Option<String>,
    pub basis: String,
}

/// Claims of which at least one must be present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOfRule {
    /// Two or more claims, each with a rule in `claims`.
    pub claims: Vec<String>,
    pub basis: String,
}

/// A bound in seconds, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondsRule {
    pub seconds: u64,
    pub basis: String,
}

/// The profile's own rules about time, beyond `exp` and `nbf` (which are the claims layer's).
/// Each is checked only on dates present and numeric: presence and type are the claims
/// layer's, so a token that lacks a date is refused there or not at all.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRules {
    /// `iat` may be at most this far in the future (plus the verifier's leeway).
    pub iat_max_future: Option<SecondsRule>,
    /// `now − iat` may be at most this (plus the verifier's leeway).
    pub iat_max_age: Option<SecondsRule>,
    /// `exp − iat` may be at most this; with no `iat`, `exp − now`.
    pub max_lifetime: Option<SecondsRule>,
}

impl TimeRules {
    /// No time rule at all.
    pub fn is_empty(&self) -> bool {
        self == &TimeRules::default()
    }
}

/// A signature segment value that is refused as such.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForbiddenSignature {
    /// The exact third segment of the compact token.
    pub value: String,
    pub basis: String,
}

/// Configuration a profile can take values from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigKey {
    /// The provider's application id (Privy app id, OneSignal app id).
    AppId,
}

/// A rule for one top-level claim.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRule {
    pub name: String,
    #[serde(default)]
    pub required: bool,
    pub shape: Shape,
    /// The value a conformant signer puts here in the canonical token; strings `${user_id}`,
    /// `${app_id}` and `${now+N}` are substituted.
    pub example: Option<Value>,
    pub basis: String,
}

/// The JSON type a claim (or a member, item or embedded document) must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    String,
    Boolean,
    Number,
    /// A NumericDate (RFC 7519 §2); its type and range belong to the claims layer.
    NumericDate,
    Object,
    Array,
    /// A string holding JSON text (Privy's `custom_metadata`).
    JsonText,
    /// Anything.
    Any,
}

/// A structural rule, nestable for objects, arrays and JSON-in-string.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: ValueType,
    /// Strings: at least this many Unicode scalar values.
    pub min_chars: Option<usize>,
    /// Strings: at most this many Unicode scalar values.
    pub max_chars: Option<usize>,
    /// Strings: the only values allowed (exact, case-sensitive).
    pub values: Option<Vec<String>>,
    /// NumericDates: no fractional part.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integral: bool,
    /// Objects: named members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberRule>,
    /// Objects: the shape every member not named in `members` must have.
    pub other_members: Option<Box<Shape>>,
    /// Objects: at least this many members.
    pub min_members: Option<usize>,
    /// Arrays: the shape of every item.
    pub items: Option<Box<Shape>>,
    /// JSON text: the shape of the embedded document.
    pub json: Option<Box<Shape>>,
}

/// A named member of an object shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRule {
    pub name: String,
    #[serde(default)]
    pub required: bool,
    pub shape: Shape,
}

/// How a verified token becomes an [`Identity`](crate::Identity).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRule {
    pub user_id: UserIdRule,
    /// The claim holding the display name.
    pub name: Option<String>,
    pub email: Option<EmailRule>,
    /// Claims copied into the identity's attributes (JSON-in-string claims are parsed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// Copy every claim that is neither registered (RFC 7519 §4.1) nor used above.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub other_claims_as_attributes: bool,
    /// Where the client also claims a user id, the token's must equal it exactly.
    pub binding: String,
}

/// Where the user id is.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserIdRule {
    pub claim: String,
    /// A member of an object claim (OneSignal `identity.external_id`).
    pub member: Option<String>,
    /// Without `member`, use the first other member (by name) as `name:value`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fallback_to_other_members: bool,
    /// String claims that, when present, name the user instead of `claim` (the first present
    /// wins: Kustomer's `email` over `externalId`), written `name:value` so that such a value
    /// can never pose as a value of `claim`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_claims: Vec<String>,
    pub basis: String,
}

/// Where the email is, and when it is trusted.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailRule {
    pub claim: String,
    /// The email is kept only when this claim is the JSON boolean `true`.
    pub only_if_true: Option<String>,
    pub basis: String,
}

/// Drift's enforcement modes, applied to every provider (policy.md §6).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A missing or invalid token is rejected.
    #[default]
    Required,
    /// A missing or invalid token falls back to the claimed identity, marked unverified.
    Enabled,
    /// Tokens are not consulted; the identity is unverified.
    Disabled,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Required, Mode::Enabled, Mode::Disabled];

    /// `required`, `enabled` or `disabled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Required => "required",
            Mode::Enabled => "enabled",
            Mode::Disabled => "disabled",
        }
    }
}

/// What the caller of a verification supplies besides the token and keys.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The provider application id, for profiles that take `iss` or `aud` from it.
    pub app_id: Option<String>,
}

impl Config {
    fn get(&self, key: ConfigKey) -> Option<&str> {
        match key {
            ConfigKey::AppId => self.app_id.as_deref(),
        }
    }
}

/// What stands for the configured app id in templates and examples.
pub const APP_ID_PLACEHOLDER: &str = "${app_id}";

impl ExpectedValue {
    /// The value, resolved against the configuration.
    pub fn resolve(&self, config: &Config) -> Result<String, ProfileError> {
        let app_id = || {
            config
                .get(ConfigKey::AppId)
                .ok_or(ProfileError::MissingConfig {
                    key: ConfigKey::AppId,
                })
        };
        match (&self.fixed, self.config, &self.template) {
            (Some(v), _, _) => Ok(v.clone()),
            (None, Some(key), _) => config
                .get(key)
                .map(str::to_owned)
                .ok_or(ProfileError::MissingConfig { key }),
            (None, None, Some(template)) => Ok(template.replace(APP_ID_PLACEHOLDER, app_id()?)),
            (None, None, None) => Err(ProfileError::MissingConfig {
                key: ConfigKey::AppId,
            }),
        }
    }
}

impl Profile {
    /// The algorithm a conformant signer uses: the first allowed.
    pub fn signing_alg(&self) -> Alg {
        self.algorithms.allowed[0]
    }

    /// The rule for a top-level claim.
    pub fn claim(&self, name: &str) -> Option<&ClaimRule> {
        self.claims.iter().find(|c| c.name == name)
    }

    /// The claims a verifier is asked to require (protocol v1 `required`).
    pub fn required_claims(&self) -> Vec<String> {
        self.claims
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name.clone())
            .collect()
    }

    /// The issuer and audience, resolved against the configuration.
    pub fn issuer_and_audience(
        &self,
        config: &Config,
    ) -> Result<(Option<String>, Option<String>), ProfileError> {
        let resolve = |v: &Option<ExpectedValue>| v.as_ref().map(|e| e.resolve(config)).transpose();
        Ok((resolve(&self.issuer)?, resolve(&self.audience)?))
    }

    /// The header members besides `alg` a conformant signer writes, in order: `typ`, then `kid`.
    pub fn signing_header(&self, kid: Option<&str>) -> Result<Map<String, Value>, ProfileError> {
        let mut header = Map::new();
        if let Some(typ) = &self.header.typ {
            header.insert("typ".into(), Value::String(typ.value.clone()));
        }
        if self.header.kid.as_ref().is_some_and(|k| k.required) {
            let kid = kid.ok_or(ProfileError::KeyNeedsKid)?;
            header.insert("kid".into(), Value::String(kid.to_owned()));
        }
        Ok(header)
    }

    /// The canonical claims set for a user: every claim rule with an example, in rule order.
    pub fn canonical_claims(
        &self,
        user_id: &str,
        config: &Config,
        now: i64,
    ) -> Result<Map<String, Value>, ProfileError> {
        example::canonical_claims(self, user_id, config, now)
    }
}
