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
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The provider's user id (`sub`, `user_id`, `external_id`, …).
    pub user_id: String,
    /// The display name, where the profile takes one.
    pub name: Option<String>,
    /// The email, only where the profile trusts it (Zendesk: only with `email_verified: true`).
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

/// Defines [`Reason`] from one table: each row is a variant with its doc comment, its fields,
/// its stable code (also its serialized `code` tag), its layer and its message. `code()`,
/// [`Reason::CODES`], `layer()`, [`Layer::of_code`] and `Display` are all generated from it.
macro_rules! reasons {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $({ $($field:ident: $ty:ty),* $(,)? })? => $code:literal, $layer:ident, $msg:expr;
    )*) => {
        /// Why a token was rejected (or why a mode fell back to an unverified identity).
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "code")]
        #[non_exhaustive]
        pub enum Reason {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $code)]
                $variant $({ $($field: $ty),* })?,
            )*
        }

        impl Reason {
            /// Every code a harness-produced reason can have, in table order (for schemas and
            /// reports).
            pub const CODES: &'static [&'static str] = &[$($code),*];

            const LAYERS: &'static [(&'static str, Layer)] = &[$(($code, Layer::$layer)),*];

            /// The stable snake_case code of this reason: the table's, except that an
            /// implementation's refusal carries the code it reported, if any.
            pub fn code(&self) -> &str {
                if let Reason::Implementation { reported_code: Some(code), .. } = self {
                    return code;
                }
                match self {
                    $(Reason::$variant { .. } => $code,)*
                }
            }

            /// The engine layer this reason belongs to.
            pub fn layer(&self) -> Layer {
                match self {
                    $(Reason::$variant { .. } => Layer::$layer,)*
                }
            }
        }

        impl fmt::Display for Reason {
            #[allow(unused_variables)]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(Reason::$variant $({ $($field),* })? => fmt::Display::fmt(&$msg, f),)*
                }
            }
        }
    };
}

// One row per reason; rustfmt leaves macro bodies alone, so each row stays on its lines.
reasons! {
    // ---- compact serialization (policy.md §1) ----
    /// The token is longer than the configured size limit; nothing was decoded.
    TokenTooLarge { size: usize, limit: usize } => "token_too_large", Compact,
        format_args!("token is {size} bytes, above the {limit}-byte limit; it was not decoded");
    /// The token is not three `.`-separated segments (JWE has five, JSON serialization has none).
    SegmentCount { found: usize } => "segment_count", Compact,
        format_args!("a compact JWS has exactly 3 dot-separated segments, this token has {found}{}", if *found == 5 { " (a JWE?)" } else { "" });
    /// A segment of the compact serialization is empty.
    EmptySegment { part: Part } => "empty_segment", Compact,
        format_args!("the {part} segment is empty");
    /// A segment is not canonical unpadded base64url (RFC 7515 §2).
    InvalidBase64 { part: Part, offset: usize, problem: String } => "invalid_base64", Compact,
        format_args!("the {part} segment is not canonical unpadded base64url at byte {offset}: {problem}");

    // ---- JSON (policy.md §2) ----
    /// The header or payload is not valid strict JSON (RFC 8259).
    InvalidJson { part: Part, offset: usize, problem: String } => "invalid_json", Json,
        format_args!("the {part} is not strict JSON at byte {offset}: {problem}");
    /// The header or payload is valid JSON but not an object.
    NotAnObject { part: Part, found: String } => "not_an_object", Json,
        format_args!("the {part} must be a JSON object, found {found}");
    /// A member name occurs twice in one object, at any depth.
    DuplicateMember { part: Part, name: String, path: String } => "duplicate_member", Json,
        format_args!("the {part} has the member {name:?} twice in the object at {path}");
    /// Nesting deeper than the limit.
    JsonTooDeep { part: Part, limit: usize } => "json_too_deep", Json,
        format_args!("the {part} nests deeper than {limit} levels");
    /// A `\u` escape holds a UTF-16 surrogate without its pair.
    LoneSurrogate { part: Part, offset: usize } => "lone_surrogate", Json,
        format_args!("the {part} has a lone UTF-16 surrogate escape at byte {offset}");

    // ---- JOSE header (policy.md §3) ----
    /// The header has no `alg`.
    AlgMissing => "alg_missing", Header,
        "the header has no \"alg\"";
    /// `alg` is `none` (in any spelling).
    AlgNone { alg: String } => "alg_none", Header,
        format_args!("\"alg\" is {alg:?}: unsigned tokens are never accepted");
    /// `alg` is not on the profile's allow-list (compared case-sensitively).
    AlgNotAllowed { alg: String, allowed: Vec<String> } => "alg_not_allowed", Header,
        format_args!("\"alg\" {alg:?} is not allowed here (allowed: {})", allowed.join(", "));
    /// A header member has the wrong JSON type.
    HeaderMemberType { member: String, expected: String, found: String } => "header_member_type", Header,
        format_args!("header member {member:?} must be {expected}, found {found}");
    /// `crit` is present; no extension is understood.
    CritPresent => "crit_present", Header,
        "the header has \"crit\"; no JWS extension is understood";
    /// `b64` is present (RFC 7797 unencoded payloads are not accepted).
    B64Present => "b64_present", Header,
        "the header has \"b64\"; unencoded payloads are refused";
    /// `zip` is present (compression is a JWE feature).
    ZipPresent => "zip_present", Header,
        "the header has \"zip\"; compression is not allowed on a JWS";
    /// `cty` is `JWT`: a nested token.
    NestedJwt => "nested_jwt", Header,
        "\"cty\" is \"JWT\"; nested tokens are refused";
    /// `kid` names no configured key.
    UnknownKid { kid: String } => "unknown_kid", Header,
        format_args!("no configured key has \"kid\" {kid:?}");
    /// No configured key can verify this algorithm.
    NoKey { alg: String } => "no_key", Header,
        format_args!("no configured key can verify {alg}");
    /// The key set could not be fetched from its URL, or what came back is not a key set the
    /// rules accept (policy.md §4.20); nothing verifies until it can be.
    KeySetUnavailable { url: String, problem: String } => "key_set_unavailable", Header,
        format_args!("no key set from {url}: {problem}");
    /// A required header member is missing (a profile rule, checked by the profile layer).
    HeaderMissing { member: String } => "header_missing", Profile,
        format_args!("the header must carry {member:?} for this provider");
    /// A header member has the wrong value (a profile rule, checked by the profile layer).
    HeaderValue { member: String, expected: String, found: String } => "header_value", Profile,
        format_args!("header member {member:?} must be {expected}, found {found}");

    // ---- keys and signatures (policy.md §4) ----
    /// The signature does not verify under any candidate key.
    BadSignature => "bad_signature", Signature,
        "the signature does not verify under any configured key";
    /// The signature has the wrong length for its algorithm (ES256 wants 64-byte R‖S).
    SignatureLength { alg: String, length: usize, expected: usize } => "signature_length", Signature,
        format_args!("a {alg} signature is {expected} bytes, this one is {length}{}", if alg == "ES256" && *length != 64 { " (ES256 wants R||S, not DER)" } else { "" });
    /// ES256 `r` or `s` is zero or not below the group order (CVE-2022-21449).
    SignatureScalarOutOfRange { component: String } => "signature_scalar_out_of_range", Signature,
        format_args!("ES256 signature component {component} is zero or not below the group order");
    /// The HMAC secret is empty; no token can be trusted.
    EmptyKey => "empty_key", Signature,
        "the HMAC secret is empty; no token can be trusted with it";
    /// A key of the wrong family for the algorithm.
    KeyFamilyMismatch { alg: String, key: String } => "key_family_mismatch", Signature,
        format_args!("a {key} key cannot be used with {alg}");
    /// The key the token selects has a JWK `alg`, `use` or `key_ops` that forbids verifying
    /// this algorithm with it (policy.md §4.16).
    KeyNotPermitted { alg: String, why: String } => "key_not_permitted", Signature,
        format_args!("the configured key may not verify {alg}: {why}");
    /// A key could not be used (invalid point, bad encoding, …).
    InvalidKey { problem: String } => "invalid_key", Signature,
        format_args!("unusable key: {problem}");

    // ---- registered claims (policy.md §5) ----
    /// A required claim is missing.
    MissingClaim { claim: String } => "missing_claim", Claims,
        format_args!("the required claim {claim:?} is missing");
    /// A claim has the wrong JSON type.
    ClaimType { claim: String, expected: String, found: String } => "claim_type", Claims,
        format_args!("claim {claim:?} must be {expected}, found {found}");
    /// A NumericDate outside 0 ..= 253402300799 (year 9999).
    DateOutOfRange { claim: String, value: String, looks_like_milliseconds: bool } => "date_out_of_range", Claims,
        format_args!("claim {claim:?} = {value} is outside 0..=253402300799 seconds{}", if *looks_like_milliseconds { "; it looks like milliseconds, NumericDate is in seconds" } else { "" });
    /// `now ≥ exp + leeway`.
    Expired { exp: f64, now: i64, leeway: u64 } => "expired", Claims,
        format_args!("token expired: exp {exp} + leeway {leeway}s is not after now {now}");
    /// `now + leeway < nbf`.
    NotYetValid { nbf: f64, now: i64, leeway: u64 } => "not_yet_valid", Claims,
        format_args!("token not yet valid: nbf {nbf} is after now {now} + leeway {leeway}s");
    /// `iss` differs from the expected issuer.
    IssuerMismatch { expected: String, found: String } => "issuer_mismatch", Claims,
        format_args!("\"iss\" must be {expected:?}, found {found}");
    /// `aud` does not contain the expected audience.
    AudienceMismatch { expected: String, found: String } => "audience_mismatch", Claims,
        format_args!("\"aud\" must be or contain {expected:?}, found {found}");

    // ---- provider profile (policy.md §6) ----
    /// A claim's value breaks a profile rule (fixed value, allowed values).
    ClaimValue { claim: String, expected: String, found: String } => "claim_value", Profile,
        format_args!("claim {claim:?} must be {expected}, found {found}");
    /// A string claim's length (in Unicode scalar values) is out of bounds.
    ClaimLength { claim: String, length: usize, min: Option<usize>, max: Option<usize> } => "claim_length", Profile,
        format_args!("claim {claim:?} must have {} characters, it has {length}", bounds(min, max));
    /// A NumericDate that the profile wants integral has a fraction.
    NotIntegral { claim: String, value: String } => "not_integral", Profile,
        format_args!("claim {claim:?} = {value} must be a whole number of seconds for this provider");
    /// A claim's structure breaks the profile (object members, array items, JSON-in-string).
    ClaimShape { claim: String, problem: String } => "claim_shape", Profile,
        format_args!("claim {claim:?}: {problem}");
    /// None of a group of claims of which the profile requires one is present.
    MissingOneOf { claims: Vec<String> } => "missing_one_of", Profile,
        format_args!("the token must carry at least one of {}", claims.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", "));
    /// `iat` is further in the future than the profile allows.
    IssuedInFuture { iat: f64, now: i64, allowed: u64, leeway: u64 } => "issued_in_future", Profile,
        format_args!("\"iat\" {iat} is in the future: after now {now} + {allowed}s allowed + leeway {leeway}s");
    /// The token was issued longer ago than the profile allows.
    TooOld { iat: f64, now: i64, max_age: u64, leeway: u64 } => "token_too_old", Profile,
        format_args!("the token is too old: issued at {iat}, now {now}, at most {max_age}s + leeway {leeway}s allowed");
    /// `exp` is further after `iat` (or now, without `iat`) than the profile allows.
    LifetimeTooLong { exp: f64, from: String, start: f64, max: u64 } => "lifetime_too_long", Profile,
        format_args!("the token lives too long: exp {exp} is {}s after {from} {start}, at most {max}s allowed", exp - start);
    /// The signature segment is a value the profile refuses outright (a development token).
    ForbiddenSignature { value: String } => "forbidden_signature", Profile,
        format_args!("the signature is the literal {value:?}: a development token, never valid");
    /// The token's user id differs from the user id the client claimed.
    IdentityMismatch { claimed: String, token: String } => "identity_mismatch", Profile,
        format_args!("the token is for user {token:?} but the client claimed {claimed:?}");

    // ---- enforcement mode ----
    /// No token was presented.
    TokenMissing => "token_missing", Mode,
        "no token was presented";
    /// The enforcement mode is `disabled`: tokens are not consulted.
    VerificationDisabled => "verification_disabled", Mode,
        "signed identities are disabled; the claimed identity is unverified";

    // ---- implementations under test ----
    /// An implementation refused the token; `reported_code` is its own classification, if it
    /// gave one (then [`Reason::code`] is that code).
    Implementation { reported_code: Option<String>, message: String } => "implementation_error", Implementation,
        match reported_code { Some(code) => format!("{message} ({code})"), None => message.clone() };
}

impl Layer {
    /// The layer a reason code belongs to (`None` for codes the harness does not define).
    pub fn of_code(code: &str) -> Option<Layer> {
        Reason::LAYERS
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, layer)| *layer)
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

impl std::error::Error for Reason {}

/// The JSON Schema of a reason code field (`null` or one of [`Reason::CODES`]), for schemas
/// that carry codes as strings (`vectors/schema.json`'s `expected_reason`).
pub fn optional_code_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut codes: Vec<Value> = Reason::CODES.iter().map(|c| Value::from(*c)).collect();
    codes.push(Value::Null);
    schemars::json_schema!({ "type": ["string", "null"], "enum": codes })
}

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
