//! The one contract through which any JWT implementation is plugged in.
//!
//! The request and response types carry exactly the fields of adapter protocol v1 (JSON lines,
//! see `docs/adapter-protocol.md`), so an in-process implementation and an external program are
//! interchangeable. Fields beyond v1 are optional extensions (`cannot_enforce`, `modes`,
//! `defaults_clock`, a verify request's `mode`, and the provider level: a description's `level`,
//! `profiles` and `signs`, a request's `provider`, an answer's `identity` or `unverified`): an
//! adapter that does not know them keeps working.

pub mod prepared;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use prepared::{KeyCache, KeyUse, PreparedKeys};

/// The protocol version these types implement.
pub const PROTOCOL_VERSION: u32 = 1;

/// A JSON Web Key as protocol v1 exchanges it: `oct` (HS256), `EC` P-256 (ES256) or `RSA`
/// (RS256, RS512).
///
/// `Debug` never prints the secret members (`k`, `d`, and an RSA key's `p`, `q`, `dp`, `dq`,
/// `qi`).
#[serde_with::skip_serializing_none]
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Jwk {
    /// `oct`, `EC` or `RSA`.
    pub kty: String,
    /// The HMAC secret, base64url (oct keys).
    pub k: Option<String>,
    /// `P-256` (EC keys).
    pub crv: Option<String>,
    /// The public point's x coordinate, base64url (EC keys).
    pub x: Option<String>,
    /// The public point's y coordinate, base64url (EC keys).
    pub y: Option<String>,
    /// The modulus, base64url of its minimal big-endian bytes (RSA keys).
    pub n: Option<String>,
    /// The public exponent, base64url of its minimal big-endian bytes (RSA keys).
    pub e: Option<String>,
    /// The private scalar (EC) or private exponent (RSA), base64url (signing only).
    pub d: Option<String>,
    /// RSA private keys: the first prime factor.
    pub p: Option<String>,
    /// RSA private keys: the second prime factor.
    pub q: Option<String>,
    /// RSA private keys: d mod (p − 1).
    pub dp: Option<String>,
    /// RSA private keys: d mod (q − 1).
    pub dq: Option<String>,
    /// RSA private keys: q⁻¹ mod p.
    pub qi: Option<String>,
    /// The key id.
    pub kid: Option<String>,
    /// The one algorithm the key is for (RFC 7517 §4.4); policy.md §4.16 keeps it from any
    /// other.
    pub alg: Option<String>,
    /// `sig` or `enc` (RFC 7517 §4.2): a key whose `use` is not `sig` verifies nothing.
    #[serde(rename = "use")]
    pub use_: Option<String>,
    /// The operations the key may perform (RFC 7517 §4.3): without `verify`, it verifies
    /// nothing.
    pub key_ops: Option<Vec<String>>,
    /// Base64 (not base64url) DER certificates, the first for this key (RFC 7517 §4.7): only
    /// checked to hold the same public key (policy.md §4.18).
    pub x5c: Option<Vec<String>>,
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("k", &redact(&self.k))
            .field("crv", &self.crv)
            .field("x", &self.x)
            .field("y", &self.y)
            .field("n", &self.n)
            .field("e", &self.e)
            .field("d", &redact(&self.d))
            .field("p", &redact(&self.p))
            .field("q", &redact(&self.q))
            .field("dp", &redact(&self.dp))
            .field("dq", &redact(&self.dq))
            .field("qi", &redact(&self.qi))
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("use", &self.use_)
            .field("key_ops", &self.key_ops)
            .field("x5c", &self.x5c.as_ref().map(Vec::len))
            .finish()
    }
}

impl Jwk {
    /// Whether the JWK says what its key is for or carries a certificate (`alg`, `use`,
    /// `key_ops`, `x5c`).
    pub fn has_params(&self) -> bool {
        self.alg.is_some() || self.use_.is_some() || self.key_ops.is_some() || self.x5c.is_some()
    }

    /// The same key without its private parts (`k` stays: an HMAC key has no public half).
    pub fn public(&self) -> Jwk {
        Jwk {
            d: None,
            p: None,
            q: None,
            dp: None,
            dq: None,
            qi: None,
            ..self.clone()
        }
    }
}

/// Whether an implementation verifies against the `now` it is given or its own clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// `now` in a verify request is honoured.
    Injected,
    /// The implementation reads the system clock; time-relative cases must be re-minted.
    System,
}

/// How a verify request asks the implementation to set its library up.
///
/// `configured` is what protocol v1 always meant: every rule of the request (issuer, audience,
/// required claims, leeway, the clock where the library takes one) configured as the library's
/// documentation recommends. `defaults` shows what a user meets who hands the library only the
/// keys and the algorithm allow-list: the call that verifies the signature, every option at the
/// library's default, and no further check the library leaves to the caller.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMode {
    /// Configured from the request, as the library's documentation recommends.
    #[default]
    Configured,
    /// Only the keys and the algorithm allow-list; every other option at the library's default.
    Defaults,
}

impl VerifyMode {
    /// Every mode, configured first.
    pub const ALL: [VerifyMode; 2] = [VerifyMode::Configured, VerifyMode::Defaults];

    /// `configured` or `defaults`, as the protocol spells it.
    pub fn name(self) -> &'static str {
        match self {
            VerifyMode::Configured => "configured",
            VerifyMode::Defaults => "defaults",
        }
    }

    /// Whether this is the mode a request without `mode` asks for (serde's skip test).
    pub fn is_configured(&self) -> bool {
        *self == VerifyMode::Configured
    }
}

impl fmt::Display for VerifyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an implementation under test is: a JWT library, to which the harness hands the provider
/// rules it can express and applies the rest itself, or a whole provider-level verifier (a
/// provider's SDK, a team's verification service) that answers with an identity, to which the
/// harness applies no rule of its own.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A JWT library: it verifies and returns the decoded header and claims.
    #[default]
    Jose,
    /// A provider-level verifier: it is told the profile and returns the user.
    Provider,
}

impl Level {
    /// Whether this is the default, `jose` (serde's skip test).
    pub fn is_jose(&self) -> bool {
        *self == Level::Jose
    }
}

fn yes() -> bool {
    true
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

/// Checks an implementation may be unable to enforce, named by stable codes.
pub mod checks {
    use crate::impact::Impact;

    /// `iss` equals the requested issuer.
    pub const ISSUER: &str = "issuer";
    /// `aud` equals or contains the requested audience.
    pub const AUDIENCE: &str = "audience";
    /// The requested claims are present.
    pub const REQUIRED_CLAIMS: &str = "required_claims";
    /// `exp` against `now` and `leeway`.
    pub const EXPIRY: &str = "exp";
    /// `nbf` against `now` and `leeway`.
    pub const NOT_BEFORE: &str = "nbf";
    /// NumericDate JSON types and range.
    pub const DATE_TYPES: &str = "date_types";
    /// `kid` selects exactly one configured key.
    pub const KID: &str = "kid";
    /// Duplicate JSON member names are rejected.
    pub const DUPLICATE_MEMBERS: &str = "duplicate_members";
    /// `crit` is rejected.
    pub const CRIT: &str = "crit";
    /// A configured JWK's `alg`, `use` and `key_ops` keep it from verifying what they exclude.
    pub const KEY_USE: &str = "key_use";
    /// A configured JWK's `x5c` must hold the JWK's own key.
    pub const X5C: &str = "x5c";

    /// Every check code, in a stable order, with the impact a verifier that cannot enforce
    /// it leaves open: what a token breaking that check gets through.
    #[rustfmt::skip]
    pub const TABLE: &[(&str, Impact)] = &[
        (ISSUER, Impact::LetsWrongUserThrough),
        (AUDIENCE, Impact::LetsWrongUserThrough),
        (REQUIRED_CLAIMS, Impact::LetsMalformedThrough),
        (EXPIRY, Impact::LetsExpiredThrough),
        (NOT_BEFORE, Impact::LetsExpiredThrough),
        (DATE_TYPES, Impact::LetsMalformedThrough),
        (KID, Impact::LetsForgedThrough),
        (DUPLICATE_MEMBERS, Impact::LetsMalformedThrough),
        (CRIT, Impact::LetsMalformedThrough),
        (KEY_USE, Impact::LetsMalformedThrough),
        (X5C, Impact::LetsMalformedThrough),
    ];

    /// Whether `check` is a check code of [`TABLE`].
    pub fn is_known(check: &str) -> bool {
        open_impact(check).is_some()
    }

    /// The impact left open by not enforcing `check`.
    pub fn open_impact(check: &str) -> Option<Impact> {
        TABLE.iter().find(|(c, _)| *c == check).map(|(_, i)| *i)
    }
}

/// A check an implementation declares it cannot enforce, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Limitation {
    /// A code from [`checks`].
    pub check: String,
    /// Why the implementation cannot enforce it.
    pub why: String,
}

/// `{"op":"describe"}` → this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Description {
    pub name: String,
    pub version: String,
    /// The JWS algorithms it signs and verifies, e.g. `["HS256","ES256"]`.
    pub algorithms: Vec<String>,
    pub clock: Clock,
    /// Extension: checks it cannot enforce. Absent means it claims to enforce them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cannot_enforce: Vec<Limitation>,
    /// Extension: the verify modes it serves. Absent means `configured` only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes: Vec<VerifyMode>,
    /// Extension: the clock it compares dates with in `defaults` mode, when that is not
    /// `clock` (a library whose clock is injected only through an option reads its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults_clock: Option<Clock>,
    /// Extension: `provider` for a provider-level verifier. Absent means `jose`.
    #[serde(default, skip_serializing_if = "Level::is_jose")]
    pub level: Level,
    /// Extension, provider level: the profile ids it serves; it runs only their cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    /// Extension: `false` for an implementation that only verifies (signer conformance leaves
    /// it out as a signer). Absent means it signs.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub signs: bool,
    /// Extension: `true` for an implementation that fetches a key set from a verify request's
    /// `jwks.url` itself, with its library's own JWKS client. Absent means it takes `keys` only,
    /// and cases that publish their keys at a URL are skipped.
    #[serde(default, skip_serializing_if = "is_false")]
    pub fetches_jwks: bool,
}

impl Default for Description {
    fn default() -> Self {
        Description {
            name: String::new(),
            version: String::new(),
            algorithms: Vec::new(),
            clock: Clock::Injected,
            cannot_enforce: Vec::new(),
            modes: Vec::new(),
            defaults_clock: None,
            level: Level::Jose,
            profiles: Vec::new(),
            signs: true,
            fetches_jwks: false,
        }
    }
}

impl Description {
    /// Whether it is a provider-level verifier.
    pub fn is_provider_level(&self) -> bool {
        self.level == Level::Provider
    }

    /// Whether it runs the cases of `profile` (`None`: JOSE-level cases, which a provider-level
    /// verifier cannot be asked about).
    pub fn runs_profile(&self, profile: Option<&str>) -> bool {
        match self.level {
            Level::Jose => true,
            Level::Provider => profile.is_some_and(|p| self.profiles.iter().any(|q| q == p)),
        }
    }

    /// Whether it serves verify requests in `mode` (`configured` always).
    pub fn serves(&self, mode: VerifyMode) -> bool {
        mode == VerifyMode::Configured || self.modes.contains(&mode)
    }

    /// The clock it compares dates with in `mode`.
    pub fn clock_in(&self, mode: VerifyMode) -> Clock {
        match mode {
            VerifyMode::Configured => self.clock,
            VerifyMode::Defaults => self.defaults_clock.unwrap_or(self.clock),
        }
    }

    /// Why this implementation cannot enforce `check`, if it declared so.
    pub fn limitation(&self, check: &str) -> Option<&str> {
        self.cannot_enforce
            .iter()
            .find(|l| l.check == check)
            .map(|l| l.why.as_str())
    }
}

/// `{"op":"sign",…}`: sign these claims with this header and key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignRequest {
    pub id: String,
    pub alg: String,
    pub key: Jwk,
    /// Header members besides `alg` (such as `kid`, `typ`), in the order wanted.
    #[serde(default)]
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// Extension, provider level: whom to sign for. A provider-level signer builds the header
    /// and claims itself; `header` and `claims` then show the canonical ones, for reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderSign>,
}

/// A provider-level sign request's subject: the profile and the user.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProviderSign {
    /// The profile id (`onesignal`, …).
    pub profile: String,
    /// The user id the token must name.
    pub user_id: String,
    /// The app id the profile takes, where it takes one.
    #[serde(default)]
    pub app_id: Option<String>,
    /// Further claims the token should carry, named as the profile names them (a display name,
    /// an email); none when empty.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub attributes: Map<String, Value>,
}

/// A provider-level verify request's context: what a whole verifier needs besides the token.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProviderVerify {
    /// The profile id (`privy`, …).
    pub profile: String,
    /// The app id the profile takes (Privy's `aud`, OneSignal's `iss`), if any.
    #[serde(default)]
    pub app_id: Option<String>,
    /// The user id the client claims beside the token, if any.
    #[serde(default)]
    pub claimed_user: Option<String>,
    /// The enforcement mode: `required` rejects a bad token; `enabled` and `disabled` fall back
    /// to the claimed user, unverified.
    pub mode: crate::profile::Mode,
}

/// `{"op":"verify",…}`: verify this token under these rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifyRequest {
    pub id: String,
    pub token: String,
    /// The allow-list of `alg` values.
    pub algorithms: Vec<String>,
    /// The public (or shared) keys to verify with.
    pub keys: Vec<Jwk>,
    /// The verification time, seconds since the epoch.
    pub now: i64,
    /// Clock-skew allowance in seconds for `exp` and `nbf`.
    pub leeway: u64,
    /// Claims that must be present.
    #[serde(default)]
    pub required: Vec<String>,
    /// The exact `iss` expected, if any.
    #[serde(default)]
    pub issuer: Option<String>,
    /// The audience that `aud` must be or contain, if any.
    #[serde(default)]
    pub audience: Option<String>,
    /// Extension: how to set the library up. Absent means `configured`; in `defaults` mode the
    /// fields above still say what the policy expects, but only `token`, `algorithms` and
    /// `keys` are handed to the library.
    #[serde(default, skip_serializing_if = "VerifyMode::is_configured")]
    pub mode: VerifyMode,
    /// Extension, provider level: the profile and context. Sent only to provider-level
    /// implementations, which answer with an identity instead of the decoded token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderVerify>,
    /// Extension: fetch the keys from this key set URL instead (`keys` is then empty). Sent
    /// only to implementations that declare `fetches_jwks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<JwksSource>,
}

/// Where a verify request's keys are published, and how the fetching client is set up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JwksSource {
    /// An `http://` URL on the loopback interface serving a JWK set (RFC 7517 §5). The same
    /// URL is never sent for two cases: a client kept per URL starts with an empty cache.
    pub url: String,
    /// The least time, in seconds, between a fetch and the next one that a token with an
    /// unknown `kid` causes (a client's cooldown); 0 lets every unknown `kid` fetch again.
    pub refetch_after: u64,
    /// The most one fetch may take, in milliseconds.
    pub timeout_ms: u64,
}

impl VerifyRequest {
    /// What the reference engine's claims layer checks for this request.
    pub fn claim_checks(&self) -> crate::engine::claims::ClaimChecks<'_> {
        crate::engine::claims::ClaimChecks {
            now: self.now,
            leeway: self.leeway,
            required: &self.required,
            issuer: self.issuer.as_deref(),
            audience: self.audience.as_deref(),
        }
    }
}

/// A verified token as an implementation decoded it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

/// A provider-level verifier's answer to a token it did not refuse.
#[derive(Clone, Debug, PartialEq)]
pub enum ProviderAnswer {
    /// The token verified and names this user.
    Verified(crate::verdict::Identity),
    /// The token (or its absence) did not verify, and the mode falls back to the claimed user,
    /// unverified: why.
    Unverified(Failure),
}

/// An implementation's refusal or failure: `{"ok":false,"error","reason"?}`.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Failure {
    /// Human-readable text.
    pub error: String,
    /// A reason code from [`crate::Reason::CODES`], where the implementation can tell.
    // Optional: the schema is written by hand, so schemars must be told it may be absent.
    #[serde(default)]
    #[schemars(schema_with = "crate::verdict::optional_code_schema")]
    pub reason: Option<String>,
}

impl Failure {
    /// A failure with a message and no classification.
    pub fn message(error: impl Into<String>) -> Self {
        Failure {
            error: error.into(),
            reason: None,
        }
    }
}

impl From<crate::Reason> for Failure {
    fn from(reason: crate::Reason) -> Self {
        Failure {
            error: reason.to_string(),
            reason: Some(reason.code().to_owned()),
        }
    }
}

impl From<Failure> for crate::Reason {
    fn from(f: Failure) -> Self {
        crate::Reason::Implementation {
            reported_code: f.reason,
            message: f.error,
        }
    }
}

/// A JWT implementation under test.
///
/// Implementations are configured per request as well as the library allows. The harness never
/// re-checks what it asked an implementation to check; only rules no JWT library can express are
/// applied afterwards by the profile layer ([`crate::engine::provider`]).
///
/// Keys: an implementation that can keep its library's key objects between calls prepares them
/// once in [`Implementation::prepare`] and signs and verifies with them in
/// [`Implementation::sign_prepared`] and [`Implementation::verify_prepared`]; its `sign` and
/// `verify` then prepare and call those ([`prepared::sign_unprepared`],
/// [`prepared::verify_unprepared`]). An implementation that prepares nothing (an adapter program,
/// a service) keeps the three defaults, which hand the request to `sign` and `verify`.
pub trait Implementation: Send + Sync {
    /// Name, version, algorithms, clock and limitations.
    fn describe(&self) -> Description;
    /// Sign `request.claims` and return a compact token.
    fn sign(&self, request: &SignRequest) -> Result<String, Failure>;
    /// Verify a token and return its decoded header and claims.
    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure>;
    /// Turns `keys` into the library's own key types for `key_use`, as its documentation
    /// recommends doing once. Never fails (a key the library cannot read keeps its failure for
    /// the request that uses it) and depends on nothing but `key_use` and `keys`, so callers may
    /// keep the result for any later request with the same keys ([`KeyCache`]).
    fn prepare(&self, key_use: KeyUse, keys: &[Jwk]) -> PreparedKeys {
        let _ = (key_use, keys);
        PreparedKeys::nothing()
    }
    /// [`Implementation::sign`] with `keys` prepared from `[request.key]` for
    /// [`KeyUse::Sign`]; the answer is the one `sign` gives.
    fn sign_prepared(&self, keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
        let _ = keys;
        self.sign(request)
    }
    /// [`Implementation::verify`] with `keys` prepared from `request.keys` for
    /// [`KeyUse::Verify`]; the answer is the one `verify` gives.
    fn verify_prepared(
        &self,
        keys: &PreparedKeys,
        request: &VerifyRequest,
    ) -> Result<Decoded, Failure> {
        let _ = keys;
        self.verify(request)
    }
    /// Provider level ([`Level::Provider`]): verify a token under `request.provider` and
    /// return the user. JWT libraries keep the default, which refuses.
    fn verify_provider(&self, request: &VerifyRequest) -> Result<ProviderAnswer, Failure> {
        let _ = request;
        Err(Failure::message("not a provider-level implementation"))
    }
}

/// Any line of protocol v1: a request the harness writes or the response an adapter answers.
/// Only its JSON Schema is used ([`protocol_schema`]).
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ProtocolLine {
    Request(Box<WireRequest>),
    Response(Box<WireResponse>),
}

/// The JSON Schema of protocol v1's lines (committed as `vectors/protocol.schema.json`).
pub fn protocol_schema() -> schemars::Schema {
    let mut schema = schemars::schema_for!(ProtocolLine);
    schema.insert(
        "title".into(),
        "idjwt adapter protocol v1: one JSON object per line".into(),
    );
    schema
}

/// One protocol v1 request line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
// One line is parsed at a time; boxing a variant would only change the serde shape's code.
#[allow(clippy::large_enum_variant)]
pub enum WireRequest {
    Describe,
    Sign(SignRequest),
    Verify(VerifyRequest),
}

/// One protocol v1 response line, for any op.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WireResponse {
    pub id: Option<String>,
    pub ok: bool,
    // describe
    pub name: Option<String>,
    pub version: Option<String>,
    pub algorithms: Option<Vec<String>>,
    pub clock: Option<Clock>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cannot_enforce: Vec<Limitation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes: Vec<VerifyMode>,
    pub defaults_clock: Option<Clock>,
    #[serde(default, skip_serializing_if = "Level::is_jose")]
    pub level: Level,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub signs: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub fetches_jwks: bool,
    // sign
    pub token: Option<String>,
    // verify
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    // verify, provider level: the user, or the mode's fallback
    pub identity: Option<crate::verdict::Identity>,
    pub unverified: Option<Failure>,
    // failure
    pub error: Option<String>,
    // Optional: the schema is written by hand, so schemars must be told it may be absent.
    #[serde(default)]
    #[schemars(schema_with = "crate::verdict::optional_code_schema")]
    pub reason: Option<String>,
}

impl Default for WireResponse {
    fn default() -> Self {
        WireResponse {
            id: None,
            ok: false,
            name: None,
            version: None,
            algorithms: None,
            clock: None,
            cannot_enforce: Vec::new(),
            modes: Vec::new(),
            defaults_clock: None,
            level: Level::Jose,
            profiles: Vec::new(),
            signs: true,
            fetches_jwks: false,
            token: None,
            header: None,
            claims: None,
            identity: None,
            unverified: None,
            error: None,
            reason: None,
        }
    }
}

impl WireResponse {
    /// The response to a describe request.
    pub fn describe(d: Description) -> Self {
        WireResponse {
            ok: true,
            name: Some(d.name),
            version: Some(d.version),
            algorithms: Some(d.algorithms),
            clock: Some(d.clock),
            cannot_enforce: d.cannot_enforce,
            modes: d.modes,
            defaults_clock: d.defaults_clock,
            level: d.level,
            profiles: d.profiles,
            signs: d.signs,
            fetches_jwks: d.fetches_jwks,
            ..Default::default()
        }
    }

    /// The response to a sign request.
    pub fn signed(id: &str, result: Result<String, Failure>) -> Self {
        match result {
            Ok(token) => WireResponse {
                id: Some(id.to_owned()),
                ok: true,
                token: Some(token),
                ..Default::default()
            },
            Err(f) => Self::failed(id, f),
        }
    }

    /// The response to a verify request.
    pub fn verified(id: &str, result: Result<Decoded, Failure>) -> Self {
        match result {
            Ok(d) => WireResponse {
                id: Some(id.to_owned()),
                ok: true,
                header: Some(d.header),
                claims: Some(d.claims),
                ..Default::default()
            },
            Err(f) => Self::failed(id, f),
        }
    }

    /// The response to a provider-level verify request.
    pub fn judged(id: &str, result: Result<ProviderAnswer, Failure>) -> Self {
        let answered = |identity, unverified| WireResponse {
            id: Some(id.to_owned()),
            ok: true,
            identity,
            unverified,
            ..Default::default()
        };
        match result {
            Ok(ProviderAnswer::Verified(identity)) => answered(Some(identity), None),
            Ok(ProviderAnswer::Unverified(why)) => answered(None, Some(why)),
            Err(f) => Self::failed(id, f),
        }
    }

    fn failed(id: &str, f: Failure) -> Self {
        WireResponse {
            id: Some(id.to_owned()),
            ok: false,
            error: Some(f.error),
            reason: f.reason,
            ..Default::default()
        }
    }
}

/// Runs one protocol v1 request line against an in-process implementation.
///
/// This is what makes an in-process implementation and an adapter program interchangeable: the
/// same line goes to either. A line that is not a v1 request gets `{"ok":false,"error":…}`.
/// Keys are prepared once per key list in `keys`, which must serve `imp` alone.
pub fn serve_line(imp: &dyn Implementation, keys: &KeyCache, line: &str) -> WireResponse {
    match serde_json::from_str::<WireRequest>(line) {
        Ok(WireRequest::Describe) => WireResponse::describe(imp.describe()),
        Ok(WireRequest::Sign(r)) => WireResponse::signed(&r.id, keys.sign(imp, &r)),
        Ok(WireRequest::Verify(r)) if r.provider.is_some() => {
            WireResponse::judged(&r.id, imp.verify_provider(&r))
        }
        Ok(WireRequest::Verify(r)) => WireResponse::verified(&r.id, keys.verify(imp, &r)),
        Err(e) => WireResponse {
            ok: false,
            error: Some(format!("not a protocol v1 request: {e}")),
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verify_request_has_exactly_the_v1_fields() {
        let line = json!({"op":"verify","id":"c1","token":"a.b.c","algorithms":["HS256"],
            "keys":[{"kty":"oct","k":"c2VjcmV0","kid":"k1"}],"now":1700000000,"leeway":30,
            "required":["sub"],"issuer":null,"audience":"app"});
        let req: WireRequest = serde_json::from_value(line.clone()).unwrap();
        let back = serde_json::to_value(&req).unwrap();
        assert_eq!(back, line);
    }

    #[test]
    fn sign_request_round_trips() {
        let line = json!({"op":"sign","id":"s1","alg":"ES256",
            "key":{"kty":"EC","crv":"P-256","x":"eA","y":"eQ","d":"ZA"},
            "header":{"typ":"JWT"},"claims":{"sub":"u"}});
        let req: WireRequest = serde_json::from_value(line.clone()).unwrap();
        assert_eq!(serde_json::to_value(&req).unwrap(), line);
    }

    #[test]
    fn describe_response_shape() {
        let r = WireResponse::describe(Description {
            name: "x".into(),
            version: "1".into(),
            algorithms: vec!["HS256".into()],
            clock: Clock::Injected,
            cannot_enforce: vec![],
            modes: vec![],
            defaults_clock: None,
            ..Default::default()
        });
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            json!({"ok":true,"name":"x","version":"1","algorithms":["HS256"],"clock":"injected"})
        );
    }

    #[test]
    fn modes_are_optional_extensions() {
        // A request without `mode` is configured, and writing it back leaves `mode` out, so an
        // adapter that predates defaults mode sees exactly the lines it always saw.
        let line = json!({"op":"verify","id":"c1","token":"a.b.c","algorithms":["HS256"],
            "keys":[],"now":1,"leeway":0});
        let WireRequest::Verify(req) = serde_json::from_value(line).unwrap() else {
            panic!("not a verify request");
        };
        assert_eq!(req.mode, VerifyMode::Configured);
        let back = serde_json::to_value(WireRequest::Verify(req.clone())).unwrap();
        assert!(back.get("mode").is_none(), "{back}");
        let defaults = VerifyRequest {
            mode: VerifyMode::Defaults,
            ..req
        };
        let back = serde_json::to_value(WireRequest::Verify(defaults)).unwrap();
        assert_eq!(back["mode"], "defaults");

        let described = Description {
            name: "x".into(),
            version: "1".into(),
            algorithms: vec!["HS256".into()],
            clock: Clock::Injected,
            cannot_enforce: vec![],
            modes: vec![VerifyMode::Configured, VerifyMode::Defaults],
            defaults_clock: Some(Clock::System),
            ..Default::default()
        };
        let line = serde_json::to_value(WireResponse::describe(described.clone())).unwrap();
        assert_eq!(line["modes"], json!(["configured", "defaults"]));
        assert_eq!(line["defaults_clock"], "system");
        assert!(described.serves(VerifyMode::Defaults));
        assert_eq!(described.clock_in(VerifyMode::Defaults), Clock::System);
        assert_eq!(described.clock_in(VerifyMode::Configured), Clock::Injected);
        let old = Description {
            modes: vec![],
            defaults_clock: None,
            ..described
        };
        assert!(old.serves(VerifyMode::Configured) && !old.serves(VerifyMode::Defaults));
        assert_eq!(old.clock_in(VerifyMode::Defaults), Clock::Injected);
    }

    #[test]
    fn jwk_debug_redacts_secrets() {
        let k = Jwk {
            kty: "oct".into(),
            k: Some("c2VjcmV0LXNlY3JldA".into()),
            d: Some("ZA-private".into()),
            ..Default::default()
        };
        let shown = format!("{k:?}");
        assert!(
            !shown.contains("c2VjcmV0") && !shown.contains("ZA-private"),
            "{shown}"
        );
    }

    #[test]
    fn failure_carries_reason_code() {
        let f = Failure::from(crate::Reason::BadSignature);
        let line = serde_json::to_value(WireResponse::verified("v", Err(f))).unwrap();
        assert_eq!(
            line,
            json!({"id":"v","ok":false,"error":"the signature does not verify under any configured key","reason":"bad_signature"})
        );
    }
}
