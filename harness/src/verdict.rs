//! Verdicts, identities and the reasons a token is rejected.
//!
//! Every [`Reason`] has a stable snake_case [`code`](Reason::code) (what golden vectors and
//! reports compare) and a [`Display`](std::fmt::Display) message for people. No variant carries
//! key material: messages are safe to log.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// The outcome of checking one token under a provider profile (policy.md §7).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The token is valid and names this identity.
    Verified { identity: Identity },
    /// The enforcement mode fell back to the client's claimed identity, which is not verified.
    Unverified {
        claimed: Option<String>,
        why: Reason,
    },
    /// The token (or its absence) is refused.
    Rejected { reason: Reason },
}

impl Verdict {
    /// `verified`, `unverified` or `rejected`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Verified { .. } => "verified",
            Verdict::Unverified { .. } => "unverified",
            Verdict::Rejected { .. } => "rejected",
        }
    }

    /// The rejection (or fallback) reason, if any.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Verdict::Verified { .. } => None,
            Verdict::Unverified { why, .. } => Some(why),
            Verdict::Rejected { reason } => Some(reason),
        }
    }

    /// The verified identity, if any.
    pub fn identity(&self) -> Option<&Identity> {
        match self {
            Verdict::Verified { identity } => Some(identity),
            _ => None,
        }
    }
}

/// Who a verified token says the user is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The provider's user id (`sub`, `user_id`, `external_id`, …).
    pub user_id: String,
    /// The display name, where the profile takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The email, only where the profile trusts it (Zendesk: only with `email_verified: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Further attributes the profile extracts (parsed JSON-in-string claims, aliases, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
}

/// Which part of a compact token a reason is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The JOSE header (first segment).
    Header,
    /// The payload / JWT claims set (second segment).
    Payload,
    /// The signature (third segment).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// The engine layer a reason comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Compact serialization and base64url (policy.md §1).
    Compact,
    /// Strict JSON (policy.md §2).
    Json,
    /// JOSE header and key selection (policy.md §3).
    Header,
    /// Keys and signatures (policy.md §4).
    Signature,
    /// Registered JWT claims (policy.md §5).
    Claims,
    /// Provider profile rules, identity and binding (policy.md §6).
    Profile,
    /// Enforcement mode (missing token, disabled verification).
    Mode,
    /// An implementation under test refused for a reason the harness cannot classify.
    Implementation,
}

/// Why a token was rejected (or why a mode fell back to an unverified identity).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    // ---- compact serialization ----
    /// The token is longer than the configured size limit; nothing was decoded.
    TokenTooLarge { size: usize, limit: usize },
    /// The token is not three `.`-separated segments (JWE has five, JSON serialization has none).
    SegmentCount { found: usize },
    /// A segment of the compact serialization is empty.
    EmptySegment { part: Part },
    /// A segment is not canonical unpadded base64url (RFC 7515 §2).
    InvalidBase64 {
        part: Part,
        offset: usize,
        problem: String,
    },

    // ---- JSON ----
    /// The header or payload is not valid strict JSON (RFC 8259).
    InvalidJson {
        part: Part,
        offset: usize,
        problem: String,
    },
    /// The header or payload is valid JSON but not an object.
    NotAnObject { part: Part, found: String },
    /// A member name occurs twice in one object, at any depth.
    DuplicateMember {
        part: Part,
        name: String,
        path: String,
    },
    /// Nesting deeper than the limit.
    JsonTooDeep { part: Part, limit: usize },
    /// A `\u` escape holds a UTF-16 surrogate without its pair.
    LoneSurrogate { part: Part, offset: usize },

    // ---- JOSE header ----
    /// The header has no `alg`.
    AlgMissing,
    /// `alg` is `none` (in any spelling).
    AlgNone { alg: String },
    /// `alg` is not on the profile's allow-list (compared case-sensitively).
    AlgNotAllowed { alg: String, allowed: Vec<String> },
    /// A header member has the wrong JSON type.
    HeaderMemberType {
        member: String,
        expected: String,
        found: String,
    },
    /// `crit` is present; no extension is understood.
    CritPresent,
    /// `b64` is present (RFC 7797 unencoded payloads are not accepted).
    B64Present,
    /// `zip` is present (compression is a JWE feature).
    ZipPresent,
    /// `cty` is `JWT`: a nested token.
    NestedJwt,
    /// `kid` names no configured key.
    UnknownKid { kid: String },
    /// No configured key can verify this algorithm.
    NoKey { alg: String },
    /// A required header member is missing (profile rule).
    HeaderMissing { member: String },
    /// A header member has the wrong value (profile rule).
    HeaderValue {
        member: String,
        expected: String,
        found: String,
    },

    // ---- keys and signatures ----
    /// The signature does not verify under any candidate key.
    BadSignature,
    /// The signature has the wrong length for its algorithm (ES256 wants 64-byte R‖S).
    SignatureLength {
        alg: String,
        length: usize,
        expected: usize,
    },
    /// ES256 `r` or `s` is zero or not below the group order (CVE-2022-21449).
    SignatureScalarOutOfRange { component: String },
    /// The HMAC secret is empty; no token can be trusted.
    EmptyKey,
    /// A key of the wrong family for the algorithm.
    KeyFamilyMismatch { alg: String, key: String },
    /// A key could not be used (invalid point, bad encoding, …).
    InvalidKey { problem: String },

    // ---- registered claims ----
    /// A required claim is missing.
    MissingClaim { claim: String },
    /// A claim has the wrong JSON type.
    ClaimType {
        claim: String,
        expected: String,
        found: String,
    },
    /// A NumericDate outside 0 ..= 253402300799 (year 9999).
    DateOutOfRange {
        claim: String,
        value: String,
        looks_like_milliseconds: bool,
    },
    /// `now ≥ exp + leeway`.
    Expired { exp: f64, now: i64, leeway: u64 },
    /// `now + leeway < nbf`.
    NotYetValid { nbf: f64, now: i64, leeway: u64 },
    /// `iss` differs from the expected issuer.
    IssuerMismatch { expected: String, found: String },
    /// `aud` does not contain the expected audience.
    AudienceMismatch { expected: String, found: String },

    // ---- provider profile ----
    /// A claim's value breaks a profile rule (fixed value, allowed values).
    ClaimValue {
        claim: String,
        expected: String,
        found: String,
    },
    /// A string claim's length (in Unicode scalar values) is out of bounds.
    ClaimLength {
        claim: String,
        length: usize,
        min: Option<usize>,
        max: Option<usize>,
    },
    /// A NumericDate that the profile wants integral has a fraction.
    NotIntegral { claim: String, value: String },
    /// A claim's structure breaks the profile (object members, array items, JSON-in-string).
    ClaimShape { claim: String, problem: String },
    /// The token's user id differs from the user id the client claimed.
    IdentityMismatch { claimed: String, token: String },

    // ---- enforcement mode ----
    /// No token was presented.
    TokenMissing,
    /// The enforcement mode is `disabled`: tokens are not consulted.
    VerificationDisabled,

    // ---- implementations under test ----
    /// An implementation refused the token; `code` is its own classification, if it gave one.
    Implementation {
        reported_code: Option<String>,
        message: String,
    },
}

impl Reason {
    /// The stable snake_case code of this reason.
    pub fn code(&self) -> &str {
        use Reason::*;
        match self {
            TokenTooLarge { .. } => "token_too_large",
            SegmentCount { .. } => "segment_count",
            EmptySegment { .. } => "empty_segment",
            InvalidBase64 { .. } => "invalid_base64",
            InvalidJson { .. } => "invalid_json",
            NotAnObject { .. } => "not_an_object",
            DuplicateMember { .. } => "duplicate_member",
            JsonTooDeep { .. } => "json_too_deep",
            LoneSurrogate { .. } => "lone_surrogate",
            AlgMissing => "alg_missing",
            AlgNone { .. } => "alg_none",
            AlgNotAllowed { .. } => "alg_not_allowed",
            HeaderMemberType { .. } => "header_member_type",
            CritPresent => "crit_present",
            B64Present => "b64_present",
            ZipPresent => "zip_present",
            NestedJwt => "nested_jwt",
            UnknownKid { .. } => "unknown_kid",
            NoKey { .. } => "no_key",
            HeaderMissing { .. } => "header_missing",
            HeaderValue { .. } => "header_value",
            BadSignature => "bad_signature",
            SignatureLength { .. } => "signature_length",
            SignatureScalarOutOfRange { .. } => "signature_scalar_out_of_range",
            EmptyKey => "empty_key",
            KeyFamilyMismatch { .. } => "key_family_mismatch",
            InvalidKey { .. } => "invalid_key",
            MissingClaim { .. } => "missing_claim",
            ClaimType { .. } => "claim_type",
            DateOutOfRange { .. } => "date_out_of_range",
            Expired { .. } => "expired",
            NotYetValid { .. } => "not_yet_valid",
            IssuerMismatch { .. } => "issuer_mismatch",
            AudienceMismatch { .. } => "audience_mismatch",
            ClaimValue { .. } => "claim_value",
            ClaimLength { .. } => "claim_length",
            NotIntegral { .. } => "not_integral",
            ClaimShape { .. } => "claim_shape",
            IdentityMismatch { .. } => "identity_mismatch",
            TokenMissing => "token_missing",
            VerificationDisabled => "verification_disabled",
            Implementation { reported_code, .. } => {
                reported_code.as_deref().unwrap_or("implementation_error")
            }
        }
    }

    /// Every code a harness-produced reason can have (for schemas and reports).
    pub const CODES: &'static [&'static str] = &[
        "token_too_large",
        "segment_count",
        "empty_segment",
        "invalid_base64",
        "invalid_json",
        "not_an_object",
        "duplicate_member",
        "json_too_deep",
        "lone_surrogate",
        "alg_missing",
        "alg_none",
        "alg_not_allowed",
        "header_member_type",
        "crit_present",
        "b64_present",
        "zip_present",
        "nested_jwt",
        "unknown_kid",
        "no_key",
        "header_missing",
        "header_value",
        "bad_signature",
        "signature_length",
        "signature_scalar_out_of_range",
        "empty_key",
        "key_family_mismatch",
        "invalid_key",
        "missing_claim",
        "claim_type",
        "date_out_of_range",
        "expired",
        "not_yet_valid",
        "issuer_mismatch",
        "audience_mismatch",
        "claim_value",
        "claim_length",
        "not_integral",
        "claim_shape",
        "identity_mismatch",
        "token_missing",
        "verification_disabled",
        "implementation_error",
    ];

    /// The engine layer this reason belongs to.
    pub fn layer(&self) -> Layer {
        use Reason::*;
        match self {
            TokenTooLarge { .. }
            | SegmentCount { .. }
            | EmptySegment { .. }
            | InvalidBase64 { .. } => Layer::Compact,
            InvalidJson { .. }
            | NotAnObject { .. }
            | DuplicateMember { .. }
            | JsonTooDeep { .. }
            | LoneSurrogate { .. } => Layer::Json,
            AlgMissing
            | AlgNone { .. }
            | AlgNotAllowed { .. }
            | HeaderMemberType { .. }
            | CritPresent
            | B64Present
            | ZipPresent
            | NestedJwt
            | UnknownKid { .. }
            | NoKey { .. } => Layer::Header,
            BadSignature
            | SignatureLength { .. }
            | SignatureScalarOutOfRange { .. }
            | EmptyKey
            | KeyFamilyMismatch { .. }
            | InvalidKey { .. } => Layer::Signature,
            MissingClaim { .. }
            | ClaimType { .. }
            | DateOutOfRange { .. }
            | Expired { .. }
            | NotYetValid { .. }
            | IssuerMismatch { .. }
            | AudienceMismatch { .. } => Layer::Claims,
            HeaderMissing { .. }
            | HeaderValue { .. }
            | ClaimValue { .. }
            | ClaimLength { .. }
            | NotIntegral { .. }
            | ClaimShape { .. }
            | IdentityMismatch { .. } => Layer::Profile,
            TokenMissing | VerificationDisabled => Layer::Mode,
            Implementation { .. } => Layer::Implementation,
        }
    }
}

impl Layer {
    /// The layer a reason code belongs to (`None` for codes the harness does not define).
    pub fn of_code(code: &str) -> Option<Layer> {
        Some(match code {
            "token_too_large" | "segment_count" | "empty_segment" | "invalid_base64" => {
                Layer::Compact
            }
            "invalid_json" | "not_an_object" | "duplicate_member" | "json_too_deep"
            | "lone_surrogate" => Layer::Json,
            "alg_missing" | "alg_none" | "alg_not_allowed" | "header_member_type"
            | "crit_present" | "b64_present" | "zip_present" | "nested_jwt" | "unknown_kid"
            | "no_key" => Layer::Header,
            "bad_signature"
            | "signature_length"
            | "signature_scalar_out_of_range"
            | "empty_key"
            | "key_family_mismatch"
            | "invalid_key" => Layer::Signature,
            "missing_claim" | "claim_type" | "date_out_of_range" | "expired" | "not_yet_valid"
            | "issuer_mismatch" | "audience_mismatch" => Layer::Claims,
            "header_missing" | "header_value" | "claim_value" | "claim_length" | "not_integral"
            | "claim_shape" | "identity_mismatch" => Layer::Profile,
            "token_missing" | "verification_disabled" => Layer::Mode,
            "implementation_error" => Layer::Implementation,
            _ => return None,
        })
    }

    /// Whether a verify request asks the implementation itself to enforce this layer's rules
    /// (as opposed to the harness's profile layer or the enforcement mode).
    pub fn is_delegated(self) -> bool {
        matches!(
            self,
            Layer::Compact | Layer::Json | Layer::Header | Layer::Signature | Layer::Claims
        )
    }
}

fn bounds(min: &Option<usize>, max: &Option<usize>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any number of".to_owned(),
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason::*;
        match self {
            TokenTooLarge { size, limit } => write!(
                f,
                "token is {size} bytes, above the {limit}-byte limit; it was not decoded"
            ),
            SegmentCount { found } => write!(
                f,
                "a compact JWS has exactly 3 dot-separated segments, this token has {found}{}",
                if *found == 5 { " (a JWE?)" } else { "" }
            ),
            EmptySegment { part } => write!(f, "the {part} segment is empty"),
            InvalidBase64 {
                part,
                offset,
                problem,
            } => write!(
                f,
                "the {part} segment is not canonical unpadded base64url at byte {offset}: {problem}"
            ),
            InvalidJson {
                part,
                offset,
                problem,
            } => write!(
                f,
                "the {part} is not strict JSON at byte {offset}: {problem}"
            ),
            NotAnObject { part, found } => {
                write!(f, "the {part} must be a JSON object, found {found}")
            }
            DuplicateMember { part, name, path } => write!(
                f,
                "the {part} has the member {name:?} twice in the object at {path}"
            ),
            JsonTooDeep { part, limit } => {
                write!(f, "the {part} nests deeper than {limit} levels")
            }
            LoneSurrogate { part, offset } => write!(
                f,
                "the {part} has a lone UTF-16 surrogate escape at byte {offset}"
            ),
            AlgMissing => f.write_str("the header has no \"alg\""),
            AlgNone { alg } => write!(f, "\"alg\" is {alg:?}: unsigned tokens are never accepted"),
            AlgNotAllowed { alg, allowed } => write!(
                f,
                "\"alg\" {alg:?} is not allowed here (allowed: {})",
                allowed.join(", ")
            ),
            HeaderMemberType {
                member,
                expected,
                found,
            } => write!(
                f,
                "header member {member:?} must be {expected}, found {found}"
            ),
            CritPresent => f.write_str("the header has \"crit\"; no JWS extension is understood"),
            B64Present => f.write_str("the header has \"b64\"; unencoded payloads are refused"),
            ZipPresent => {
                f.write_str("the header has \"zip\"; compression is not allowed on a JWS")
            }
            NestedJwt => f.write_str("\"cty\" is \"JWT\"; nested tokens are refused"),
            UnknownKid { kid } => write!(f, "no configured key has \"kid\" {kid:?}"),
            NoKey { alg } => write!(f, "no configured key can verify {alg}"),
            HeaderMissing { member } => {
                write!(f, "the header must carry {member:?} for this provider")
            }
            HeaderValue {
                member,
                expected,
                found,
            } => write!(
                f,
                "header member {member:?} must be {expected}, found {found}"
            ),
            BadSignature => f.write_str("the signature does not verify under any configured key"),
            SignatureLength {
                alg,
                length,
                expected,
            } => write!(
                f,
                "a {alg} signature is {expected} bytes, this one is {length}{}",
                if alg == "ES256" && *length != 64 {
                    " (ES256 wants R||S, not DER)"
                } else {
                    ""
                }
            ),
            SignatureScalarOutOfRange { component } => write!(
                f,
                "ES256 signature component {component} is zero or not below the group order"
            ),
            EmptyKey => f.write_str("the HMAC secret is empty; no token can be trusted with it"),
            KeyFamilyMismatch { alg, key } => {
                write!(f, "a {key} key cannot be used with {alg}")
            }
            InvalidKey { problem } => write!(f, "unusable key: {problem}"),
            MissingClaim { claim } => write!(f, "the required claim {claim:?} is missing"),
            ClaimType {
                claim,
                expected,
                found,
            } => write!(f, "claim {claim:?} must be {expected}, found {found}"),
            DateOutOfRange {
                claim,
                value,
                looks_like_milliseconds,
            } => write!(
                f,
                "claim {claim:?} = {value} is outside 0..=253402300799 seconds{}",
                if *looks_like_milliseconds {
                    "; it looks like milliseconds, NumericDate is in seconds"
                } else {
                    ""
                }
            ),
            Expired { exp, now, leeway } => write!(
                f,
                "token expired: exp {exp} + leeway {leeway}s is not after now {now}"
            ),
            NotYetValid { nbf, now, leeway } => write!(
                f,
                "token not yet valid: nbf {nbf} is after now {now} + leeway {leeway}s"
            ),
            IssuerMismatch { expected, found } => {
                write!(f, "\"iss\" must be {expected:?}, found {found}")
            }
            AudienceMismatch { expected, found } => {
                write!(f, "\"aud\" must be or contain {expected:?}, found {found}")
            }
            ClaimValue {
                claim,
                expected,
                found,
            } => write!(f, "claim {claim:?} must be {expected}, found {found}"),
            ClaimLength {
                claim,
                length,
                min,
                max,
            } => write!(
                f,
                "claim {claim:?} must have {} characters, it has {length}",
                bounds(min, max)
            ),
            NotIntegral { claim, value } => write!(
                f,
                "claim {claim:?} = {value} must be a whole number of seconds for this provider"
            ),
            ClaimShape { claim, problem } => write!(f, "claim {claim:?}: {problem}"),
            IdentityMismatch { claimed, token } => write!(
                f,
                "the token is for user {token:?} but the client claimed {claimed:?}"
            ),
            TokenMissing => f.write_str("no token was presented"),
            VerificationDisabled => {
                f.write_str("signed identities are disabled; the claimed identity is unverified")
            }
            Implementation {
                reported_code,
                message,
            } => match reported_code {
                Some(code) => write!(f, "{message} ({code})"),
                None => f.write_str(message),
            },
        }
    }
}

impl std::error::Error for Reason {}

/// A short description of a JSON value's type, for messages ("a string", "the number 3", …).
pub fn describe_json(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let shown: String = s.chars().take(64).collect();
            if shown.len() < s.len() {
                format!("the string {shown:?}…")
            } else {
                format!("the string {shown:?}")
            }
        }
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Reason::CODES {
            assert!(seen.insert(*code), "duplicate code {code}");
            assert!(code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()));
        }
    }

    #[test]
    fn code_matches_serialized_tag() {
        let samples = [
            Reason::Expired {
                exp: 10.0,
                now: 10,
                leeway: 0,
            },
            Reason::AlgNotAllowed {
                alg: "hs256".into(),
                allowed: vec!["HS256".into()],
            },
            Reason::TokenMissing,
            Reason::ClaimLength {
                claim: "external_id".into(),
                length: 256,
                min: Some(1),
                max: Some(255),
            },
        ];
        for r in samples {
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(v["code"], r.code());
            assert!(Reason::CODES.contains(&r.code()));
        }
    }

    #[test]
    fn every_code_has_a_layer() {
        for code in Reason::CODES {
            assert!(Layer::of_code(code).is_some(), "{code}");
        }
        let r = Reason::ClaimLength {
            claim: "x".into(),
            length: 0,
            min: Some(1),
            max: None,
        };
        assert_eq!(Layer::of_code(r.code()), Some(r.layer()));
        assert_eq!(Layer::of_code("bogus"), None);
    }

    #[test]
    fn messages_carry_context() {
        let r = Reason::Expired {
            exp: 1_700_000_000.0,
            now: 1_700_000_000,
            leeway: 5,
        };
        let msg = r.to_string();
        assert!(
            msg.contains("1700000000") && msg.contains("leeway 5"),
            "{msg}"
        );
        let r = Reason::DateOutOfRange {
            claim: "exp".into(),
            value: "1767225600000".into(),
            looks_like_milliseconds: true,
        };
        assert!(r.to_string().contains("milliseconds"));
    }
}
