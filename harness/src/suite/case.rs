//! The golden-vector case schema: the single source of truth for `vectors/*.json`, whose JSON
//! Schema (`vectors/schema.json`) is generated from these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::contract::{Jwk, VerifyRequest};
use crate::engine::provider::Context;
use crate::engine::Alg;
use crate::profile::{Config, Mode};
use crate::verdict::Identity;

/// One file of golden vectors: the cases of one namespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    /// The namespace every case id in this file starts with.
    pub namespace: String,
    /// What the namespace covers.
    pub description: String,
    pub cases: Vec<Case>,
}

/// One golden vector: a token, everything needed to verify it, and the policy's verdict.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// `namespace::name`, unique across all files (e.g. `zendesk::kid-missing`).
    pub id: String,
    pub description: String,
    /// Where the expected verdict comes from: an RFC section, a CVE, or a seed sentence.
    pub basis: String,
    /// Labels for filtering (`dos`, `low-s-only`, `time`, `seed-example`, …);
    /// `configured-only` marks a case about a setting that defaults mode does not give the
    /// implementation, which is skipped in that mode.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// The checks (codes of `idjwt::contract::checks`) this case exercises: an implementation
    /// that declares it cannot enforce one of them skips the case, with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// The provider profile, or none for JOSE-level cases.
    pub provider: Option<String>,
    /// JOSE-level cases only: the `alg` allow-list (profiles bring their own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub algorithms: Vec<String>,
    /// The pinned verification time, seconds since the epoch.
    pub now: i64,
    /// Clock skew allowed, seconds.
    pub leeway: u64,
    /// The configured keys (TEST KEYS ONLY; private parts are present so cases can be re-minted,
    /// and are never sent to a verifier).
    pub keys: Vec<Jwk>,
    /// The token, or none when the client presents no token.
    pub token: Option<String>,
    /// The request context besides token and keys.
    #[serde(default, skip_serializing_if = "CaseContext::is_empty")]
    pub context: CaseContext,
    pub expected: Expectation,
    /// The canonical reason code for `rejected` and `unverified` cases (one of
    /// `idjwt::Reason::CODES`).
    // Optional: the schema is written by hand, so schemars must be told it may be absent.
    #[serde(default)]
    #[schemars(schema_with = "crate::verdict::optional_code_schema")]
    pub expected_reason: Option<String>,
    /// For `verified` cases: the identity that must come out (user id, trusted email, …).
    pub expected_identity: Option<Identity>,
    /// How the token was built, so that it can be rebuilt at another time for implementations
    /// whose clock cannot be injected.
    pub mint: Option<Mint>,
    /// JOSE-level cases only: the keys are not configured but published at a URL, which the
    /// implementation fetches with its own JWKS client (policy.md §4.20).
    pub published: Option<Publication>,
}

/// How the harness's loopback publisher serves a case's key set, and how the client that
/// fetches it is set up.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// What the publisher answers, fetch after fetch; the last answer repeats.
    pub answers: Vec<PublisherAnswer>,
    /// A token verified first, without being judged, so that the client has fetched and cached
    /// the set before `token` arrives (key rotation). It carries no date: it is never re-minted.
    pub warm_up: Option<String>,
    /// The client's least time between fetches caused by unknown `kid`s, seconds.
    pub refetch_after: u64,
    /// The most one fetch may take, milliseconds.
    pub timeout_ms: u64,
}

/// One answer of the publisher. Keys are named by their place in the case's `keys`; only their
/// public halves are published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PublisherAnswer {
    /// `200` with the key set `{"keys":[…]}`.
    KeySet { keys: Vec<usize> },
    /// `200` with that key set and one more member that brings the document to `bytes` bytes.
    Oversized { keys: Vec<usize>, bytes: usize },
    /// `302` to the same path on another host name (`localhost` for `127.0.0.1`), where this
    /// key set is served.
    Redirect { keys: Vec<usize> },
    /// This status with a short HTML body.
    Status { status: u16 },
    /// `200` with a body that is not JSON.
    NotJson,
    /// The connection is accepted and nothing is said for `millis`; then `200` with the key
    /// set of these keys, for a client still waiting.
    Slow { millis: u64, keys: Vec<usize> },
}

impl Case {
    /// The verification context the case pins: app id, claimed user, mode, time and leeway.
    pub fn context(&self) -> Context {
        Context {
            config: Config {
                app_id: self.context.app_id.clone(),
            },
            claimed_user_id: self.context.claimed_user_id.clone(),
            mode: self.context.mode,
            now: self.now,
            leeway: self.leeway,
        }
    }

    /// The verify request of a JOSE-level case (one without a provider): its algorithms, the
    /// public halves of its keys and its time, with no claim, issuer or audience required.
    pub fn jose_request(&self) -> VerifyRequest {
        VerifyRequest {
            id: self.id.clone(),
            token: self.token.clone().unwrap_or_default(),
            algorithms: self.algorithms.clone(),
            keys: self.keys.iter().map(Jwk::public).collect(),
            now: self.now,
            leeway: self.leeway,
            required: Vec::new(),
            issuer: None,
            audience: None,
            mode: Default::default(),
            provider: None,
            jwks: None,
        }
    }
}

/// What the client supplies besides the token.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseContext {
    /// The provider app id (Privy `aud`, OneSignal `iss`).
    pub app_id: Option<String>,
    /// The user id the client claims beside the token.
    pub claimed_user_id: Option<String>,
    /// The enforcement mode (the profile's default, `required`, when absent).
    pub mode: Option<Mode>,
}

impl CaseContext {
    fn is_empty(&self) -> bool {
        *self == CaseContext::default()
    }
}

/// The verdict policy.md gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    Verified,
    Unverified,
    Rejected,
    /// The policy allows either answer; no implementation fails for it.
    Either,
}

impl Expectation {
    /// `verified`, `unverified`, `rejected` or `either`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expectation::Verified => "verified",
            Expectation::Unverified => "unverified",
            Expectation::Rejected => "rejected",
            Expectation::Either => "either",
        }
    }
}

/// A recipe for a token: exact header and payload JSON texts, signed by a key.
///
/// The payload may hold the placeholders `${now}`, `${now+N}` and `${now-N}` (N in seconds,
/// possibly fractional), replaced by the verification time's number when minted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mint {
    /// The header JSON text, exactly.
    pub header: String,
    /// The payload JSON text, exactly, with time placeholders.
    pub payload: String,
    /// The algorithm that computes the signature (which need not be the header's `alg`).
    pub alg: MintAlg,
    /// The signing key (TEST KEY ONLY).
    pub key: Jwk,
    /// How the signature bytes are derived from the valid signature.
    #[serde(default, skip_serializing_if = "SignatureForm::is_valid")]
    pub signature: SignatureForm,
}

/// How a recipe's signature is computed: the engine's two algorithms, and the same-family ones
/// a strict HS256 or ES256 profile must refuse even when the signature is right, so that a
/// verifier that accepts any HMAC or any ECDSA hash shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MintAlg {
    /// HMAC-SHA-256 (RFC 7518 §3.2).
    HS256,
    /// HMAC-SHA-384 with the key's secret.
    HS384,
    /// HMAC-SHA-512 with the key's secret.
    HS512,
    /// ECDSA P-256 with SHA-256, 64-byte `R ‖ S` (RFC 7518 §3.4).
    ES256,
    /// ECDSA on the P-256 key over a SHA-384 digest (what a verifier that takes the hash from
    /// the header's `ES384` and the curve from the key computes), 64-byte `R ‖ S`.
    #[serde(rename = "ECDSA-P256-SHA384")]
    EcdsaP256Sha384,
    /// ECDSA on the P-256 key over a SHA-512 digest, 64-byte `R ‖ S`.
    #[serde(rename = "ECDSA-P256-SHA512")]
    EcdsaP256Sha512,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384 and the RSA key.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (RFC 7518 §3.3).
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (RFC 7518 §3.5), the salt
    /// derived from the key and input so that minting stays deterministic.
    PS256,
}

impl From<Alg> for MintAlg {
    fn from(alg: Alg) -> MintAlg {
        match alg {
            Alg::HS256 => MintAlg::HS256,
            Alg::ES256 => MintAlg::ES256,
            Alg::RS256 => MintAlg::RS256,
            Alg::RS512 => MintAlg::RS512,
        }
    }
}

/// Signature transformations that keep a case meaningful when it is re-minted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureForm {
    /// The signature as computed.
    #[default]
    Valid,
    /// ES256: `s` replaced by `n − s` when it is low, so the signature is high-S (still valid).
    HighS,
    /// ES256: `s` replaced by `n − s` when it is high, so the signature is low-S.
    LowS,
    /// ES256: the signature DER-encoded instead of R‖S (invalid in JWS).
    Der,
    /// The first bit of the signature flipped (invalid).
    FlipFirstBit,
    /// The last bit of the signature flipped (invalid): for RSA, where flipping the first bit
    /// may lift the signature above the modulus and so change the reason it is refused for.
    FlipLastBit,
}

impl SignatureForm {
    fn is_valid(&self) -> bool {
        *self == SignatureForm::Valid
    }
}
