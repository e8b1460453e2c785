//! Layer 6: a provider profile applied to a decoded token — the rules no JWT library can
//! express (header `typ`/`kid` requirements, fixed values, length bounds, integral dates,
//! JSON-in-string claims, the `email_verified` rule), identity extraction, binding, and modes.
//!
//! What a verify request already asked the implementation to check (algorithms, signature,
//! presence of required claims, date types and times, issuer, audience) is deliberately not
//! checked again here: re-checking would hide an implementation's bugs.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use serde_json::{Map, Value};

use super::claims::REGISTERED;
use super::json;
use crate::contract::{
    Decoded, Failure, Implementation, Jwk, PreparedKeys, ProviderAnswer, ProviderVerify,
    VerifyRequest,
};
use crate::guard;
use crate::profile::{Config, Mode, Profile, ProfileError, Shape, ValueType};
use crate::verdict::{describe_json, Identity, Part, Reason, Verdict};

/// Everything about one verification besides the token and keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Configuration values the profile takes (`app_id`).
    pub config: Config,
    /// The user id the client claims beside the token (`drift.identify(userId, …)`).
    pub claimed_user_id: Option<String>,
    /// The enforcement mode; the profile's default when `None`.
    pub mode: Option<Mode>,
    /// The verification time, seconds since the epoch.
    pub now: i64,
    /// Clock skew allowed for `exp` and `nbf`, in seconds.
    pub leeway: u64,
}

/// A failure of the harness itself, as opposed to a verdict about the token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JudgeError {
    /// The profile cannot be used with this context (a missing `app_id`, …).
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The implementation under test panicked.
    #[error("implementation {implementation} panicked: {message}")]
    Panicked {
        implementation: String,
        message: String,
    },
}

/// The protocol v1 verify request that asks an implementation to enforce this profile's
/// delegated rules.
pub fn verify_request(
    profile: &Profile,
    ctx: &Context,
    id: &str,
    token: &str,
    keys: &[Jwk],
) -> Result<VerifyRequest, ProfileError> {
    let (issuer, audience) = profile.issuer_and_audience(&ctx.config)?;
    Ok(VerifyRequest {
        id: id.to_owned(),
        token: token.to_owned(),
        algorithms: profile
            .algorithms
            .allowed
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        keys: keys.iter().map(Jwk::public).collect(),
        now: ctx.now,
        leeway: ctx.leeway,
        required: profile.required_claims(),
        issuer,
        audience,
        mode: Default::default(),
        provider: None,
        jwks: None,
    })
}

/// The verify request that asks a provider-level implementation for the whole verification:
/// the v1 fields as [`verify_request`] writes them (for reference) and the provider context.
/// No token at all is sent as the empty string.
pub fn provider_request(
    profile: &Profile,
    ctx: &Context,
    id: &str,
    token: Option<&str>,
    keys: &[Jwk],
) -> Result<VerifyRequest, ProfileError> {
    let mut request = verify_request(profile, ctx, id, token.unwrap_or_default(), keys)?;
    request.provider = Some(ProviderVerify {
        profile: profile.id.clone(),
        app_id: ctx.config.app_id.clone(),
        claimed_user: ctx.claimed_user_id.clone(),
        mode: ctx.mode.unwrap_or(profile.mode),
    });
    Ok(request)
}

/// The provider-level pipeline, beside [`verify_through`]: the request with the provider
/// context, the implementation's answer (from `call`, which may break down), and its verdict
/// taken as it is, for the harness applies no rule of its own at this level.
pub fn verify_at_provider_level<E>(
    profile: &Profile,
    ctx: &Context,
    id: &str,
    token: Option<&str>,
    keys: &[Jwk],
    call: impl FnOnce(&VerifyRequest) -> Result<Result<ProviderAnswer, Failure>, E>,
) -> Result<Judged, NoVerdict<E>> {
    let request = provider_request(profile, ctx, id, token, keys).map_err(NoVerdict::Profile)?;
    let verdict = provider_verdict(ctx, call(&request).map_err(NoVerdict::Broke)?);
    Ok(Judged {
        accepted: verdict.identity().is_some(),
        verdict,
    })
}

/// A provider-level implementation's answer as a verdict.
pub fn provider_verdict(ctx: &Context, answer: Result<ProviderAnswer, Failure>) -> Verdict {
    match answer {
        Ok(ProviderAnswer::Verified(identity)) => Verdict::Verified { identity },
        Ok(ProviderAnswer::Unverified(why)) => Verdict::Unverified {
            claimed: ctx.claimed_user_id.clone(),
            why: why.into(),
        },
        Err(refusal) => Verdict::Rejected {
            reason: refusal.into(),
        },
    }
}

/// What one verification came to, and whether the implementation itself accepted the token
/// (the profile layer may still have refused what it decoded).
#[derive(Clone, Debug, PartialEq)]
pub struct Judged {
    pub verdict: Verdict,
    /// The implementation answered with a decoded token rather than a refusal.
    pub accepted: bool,
}

/// Why [`verify_through`] reached no verdict.
#[derive(Debug)]
pub enum NoVerdict<E> {
    /// The profile cannot be used with this context (a missing `app_id`, …).
    Profile(ProfileError),
    /// The implementation call broke down (a panic, a hang, a crash: whatever `E` the caller's
    /// call reports).
    Broke(E),
}

/// The one verification pipeline, which the runner, signer interop, [`judge`], the CLI, the
/// fuzzers and the tests all go through: the enforcement mode and the token's presence, the
/// verify request that delegates layers 1–5 to the implementation, the implementation's answer
/// (from `call`, which may contain panics or time out), then the profile's own rules, the
/// identity, the binding and the mode's fallback.
pub fn verify_through<E>(
    profile: &Profile,
    ctx: &Context,
    id: &str,
    token: Option<&str>,
    keys: &[Jwk],
    call: impl FnOnce(&VerifyRequest) -> Result<Result<Decoded, Failure>, E>,
) -> Result<Judged, NoVerdict<E>> {
    let token = match token_to_verify(profile, ctx, token) {
        Ok(token) => token,
        Err(verdict) => {
            return Ok(Judged {
                verdict,
                accepted: false,
            })
        }
    };
    let request = verify_request(profile, ctx, id, token, keys).map_err(NoVerdict::Profile)?;
    let answer = call(&request).map_err(NoVerdict::Broke)?;
    Ok(Judged {
        accepted: answer.is_ok(),
        verdict: conclude(
            profile,
            ctx,
            token.rsplit('.').next(),
            answer.map_err(Reason::from),
        ),
    })
}

/// Verifies a token (or its absence) through `imp` and applies the profile and the mode; a
/// panic of the implementation is an error, not a verdict.
pub fn judge(
    profile: &Profile,
    ctx: &Context,
    token: Option<&str>,
    keys: &[Jwk],
    imp: &dyn Implementation,
) -> Result<Verdict, JudgeError> {
    judge_with(profile, ctx, token, keys, imp, |request| {
        imp.verify(request)
    })
}

/// [`judge`] with `keys` already prepared by `imp` ([`Implementation::prepare`] for
/// [`KeyUse::Verify`](crate::contract::KeyUse::Verify)), for callers that judge many tokens
/// with the same keys.
pub fn judge_prepared(
    profile: &Profile,
    ctx: &Context,
    token: Option<&str>,
    (keys, prepared): (&[Jwk], &PreparedKeys),
    imp: &dyn Implementation,
) -> Result<Verdict, JudgeError> {
    judge_with(profile, ctx, token, keys, imp, |request| {
        imp.verify_prepared(prepared, request)
    })
}

fn judge_with(
    profile: &Profile,
    ctx: &Context,
    token: Option<&str>,
    keys: &[Jwk],
    imp: &dyn Implementation,
    verify: impl Fn(&VerifyRequest) -> Result<Decoded, Failure>,
) -> Result<Verdict, JudgeError> {
    let judged = verify_through(profile, ctx, "judge", token, keys, |request| {
        guard::catch(|| verify(request))
    });
    match judged {
        Ok(judged) => Ok(judged.verdict),
        Err(NoVerdict::Profile(e)) => Err(e.into()),
        Err(NoVerdict::Broke(message)) => Err(JudgeError::Panicked {
            implementation: imp.describe().name,
            message,
        }),
    }
}

/// What the enforcement mode makes of a refusal (or of no token at all): `required` rejects,
/// `enabled` and `disabled` fall back to the client's claimed identity, unverified.
pub fn fall_back(profile: &Profile, ctx: &Context, why: Reason) -> Verdict {
    match ctx.mode.unwrap_or(profile.mode) {
        Mode::Required => Verdict::Rejected { reason: why },
        Mode::Enabled | Mode::Disabled => Verdict::Unverified {
            claimed: ctx.claimed_user_id.clone(),
            why,
        },
    }
}

/// The token an implementation must verify, or the verdict reached without one: the mode is
/// `disabled` (tokens are not consulted) or no token was presented.
pub fn token_to_verify<'t>(
    profile: &Profile,
    ctx: &Context,
    token: Option<&'t str>,
) -> Result<&'t str, Verdict> {
    if ctx.mode.unwrap_or(profile.mode) == Mode::Disabled {
        return Err(fall_back(profile, ctx, Reason::VerificationDisabled));
    }
    token.ok_or_else(|| fall_back(profile, ctx, Reason::TokenMissing))
}

/// The verdict on an implementation's answer: the profile's own rules and identity on what it
/// decoded, the mode's fallback on what it refused. `signature` is the token's third segment,
/// for the profile's forbidden values.
pub fn conclude(
    profile: &Profile,
    ctx: &Context,
    signature: Option<&str>,
    answer: Result<Decoded, Reason>,
) -> Verdict {
    match answer.and_then(|d| apply(profile, ctx, signature, &d)) {
        Ok(identity) => Verdict::Verified { identity },
        Err(reason) => fall_back(profile, ctx, reason),
    }
}

/// Applies the profile's own rules to a decoded token and extracts the bound identity.
pub fn apply(
    profile: &Profile,
    ctx: &Context,
    signature: Option<&str>,
    decoded: &Decoded,
) -> Result<Identity, Reason> {
    let mut first_failure = Ok(());
    profile_rules(
        profile,
        ctx,
        signature,
        &decoded.header,
        &decoded.claims,
        &mut |rule| match rule.result {
            Ok(()) => ControlFlow::Continue(()),
            Err(reason) => {
                first_failure = Err(reason);
                ControlFlow::Break(())
            }
        },
    );
    first_failure?;
    let identity = extract_identity(profile, &decoded.claims)?;
    if let Some(claimed) = &ctx.claimed_user_id {
        if *claimed != identity.user_id {
            return Err(Reason::IdentityMismatch {
                claimed: claimed.clone(),
                token: identity.user_id,
            });
        }
    }
    Ok(identity)
}

/// The names of the profile rules beyond header and claim shapes, as `idjwt verify` and
/// `idjwt providers` show them.
pub mod rule_names {
    /// A forbidden signature value.
    pub const FORBIDDEN_SIGNATURE: &str = "signature.forbidden";
    /// `iat` not in the future.
    pub const IAT_FUTURE: &str = "claim.iat.future";
    /// The maximum age `now − iat`.
    pub const IAT_AGE: &str = "claim.iat.age";
    /// The maximum lifetime `exp − iat`.
    pub const LIFETIME: &str = "claim.exp.lifetime";

    /// A one-of group: `claims.one_of(externalId|email)`.
    pub fn one_of(claims: &[String]) -> String {
        super::RuleName::OneOf(claims).to_string()
    }
}

/// A rule's name as `idjwt verify` shows it, written out only when shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleName<'a> {
    /// A name of its own (`header.typ`, `claim.iat.age`).
    Fixed(&'a str),
    /// The rule for a claim: `claim.<name>`.
    Claim(&'a str),
    /// A one-of group: `claims.one_of(<a>|<b>)`.
    OneOf(&'a [String]),
}

impl std::fmt::Display for RuleName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleName::Fixed(name) => f.write_str(name),
            RuleName::Claim(claim) => write!(f, "claim.{claim}"),
            RuleName::OneOf(claims) => write!(f, "claims.one_of({})", claims.join("|")),
        }
    }
}

/// One of the profile's own rules, checked on its own.
pub struct Rule<'a> {
    /// The rule's name.
    pub name: RuleName<'a>,
    pub result: Result<(), Reason>,
    /// What a passing check says (built only when asked for).
    pub passed: &'a dyn Fn() -> String,
    /// Where the rule comes from.
    pub basis: &'a str,
}

/// Every rule of the profile layer before the identity, in order, each checked on its own and
/// handed to `sink` until it breaks: the forbidden signature values, header `typ` and `kid`,
/// each claim present (an absent optional claim passes; an absent required one is the claims
/// layer's), the one-of groups, then the time rules on the dates present. [`apply`] stops at
/// the first failure; `idjwt verify` shows them all.
pub fn profile_rules(
    profile: &Profile,
    ctx: &Context,
    signature: Option<&str>,
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    sink: &mut dyn FnMut(Rule<'_>) -> ControlFlow<()>,
) {
    macro_rules! emit {
        ($name:expr, $result:expr, $passed:expr, $basis:expr) => {
            if sink(Rule {
                name: $name,
                result: $result,
                passed: &|| $passed,
                basis: $basis,
            })
            .is_break()
            {
                return;
            }
        };
    }
    if let Some(signature) = signature {
        for forbidden in &profile.forbidden_signatures {
            let result = if signature == forbidden.value {
                Err(Reason::ForbiddenSignature {
                    value: forbidden.value.clone(),
                })
            } else {
                Ok(())
            };
            emit!(
                RuleName::Fixed(rule_names::FORBIDDEN_SIGNATURE),
                result,
                format!("the signature is not the literal {:?}", forbidden.value),
                &forbidden.basis
            );
        }
    }
    if let Some(typ) = &profile.header.typ {
        emit!(
            RuleName::Fixed("header.typ"),
            check_typ(&typ.value, header),
            format!("typ is {:?}", typ.value),
            &typ.basis
        );
    }
    if let Some(kid) = profile.header.kid.as_ref().filter(|k| k.required) {
        let result = if header.contains_key("kid") {
            Ok(())
        } else {
            Err(Reason::HeaderMissing {
                member: "kid".into(),
            })
        };
        emit!(
            RuleName::Fixed("header.kid"),
            result,
            "kid is present".to_owned(),
            &kid.basis
        );
    }
    for rule in &profile.claims {
        let name = RuleName::Claim(&rule.name);
        match claims.get(&rule.name) {
            Some(value) => emit!(
                name,
                check_shape(&rule.name, &rule.shape, value),
                format!(
                    "{} = {}",
                    rule.name,
                    super::header::shorten(&value.to_string())
                ),
                &rule.basis
            ),
            None if rule.required => {}
            None => emit!(name, Ok(()), "absent (optional)".to_owned(), &rule.basis),
        }
    }
    for group in &profile.one_of {
        let present = || group.claims.iter().filter(|c| claims.contains_key(*c));
        let result = if present().next().is_none() {
            Err(Reason::MissingOneOf {
                claims: group.claims.clone(),
            })
        } else {
            Ok(())
        };
        emit!(
            RuleName::OneOf(&group.claims),
            result,
            format!(
                "{} present",
                present().cloned().collect::<Vec<_>>().join(" and ")
            ),
            &group.basis
        );
    }
    // The time rules, on the dates present and numeric (presence and type are layer 5's).
    let date = |name: &str| claims.get(name).and_then(Value::as_f64);
    let (now, leeway) = (ctx.now, ctx.leeway);
    let time = &profile.time;
    if let (Some(rule), Some(iat)) = (&time.iat_max_future, date("iat")) {
        let allowed = rule.seconds;
        let result = if iat > (now as f64) + (allowed + leeway) as f64 {
            Err(Reason::IssuedInFuture {
                iat,
                now,
                allowed,
                leeway,
            })
        } else {
            Ok(())
        };
        emit!(
            RuleName::Fixed(rule_names::IAT_FUTURE),
            result,
            format!("iat {iat} is not after now {now} + {allowed}s + leeway {leeway}s"),
            &rule.basis
        );
    }
    if let (Some(rule), Some(iat)) = (&time.iat_max_age, date("iat")) {
        let (max_age, age) = (rule.seconds, (now as f64) - iat);
        let result = if age > (max_age + leeway) as f64 {
            Err(Reason::TooOld {
                iat,
                now,
                max_age,
                leeway,
            })
        } else {
            Ok(())
        };
        emit!(
            RuleName::Fixed(rule_names::IAT_AGE),
            result,
            format!("issued {age}s before now, at most {max_age}s + leeway {leeway}s"),
            &rule.basis
        );
    }
    if let (Some(rule), Some(exp)) = (&time.max_lifetime, date("exp")) {
        let max = rule.seconds;
        let (from, start) = match date("iat") {
            Some(iat) => ("iat", iat),
            None => ("now", now as f64),
        };
        let result = if exp - start > max as f64 {
            Err(Reason::LifetimeTooLong {
                exp,
                from: from.to_owned(),
                start,
                max,
            })
        } else {
            Ok(())
        };
        emit!(
            RuleName::Fixed(rule_names::LIFETIME),
            result,
            format!("exp is {}s after {from}, at most {max}s", exp - start),
            &rule.basis
        );
    }
}

/// The header's `typ` against the value the profile requires (RFC 7515 §4.1.9: compared
/// case-insensitively).
fn check_typ(expected: &str, header: &Map<String, Value>) -> Result<(), Reason> {
    match header.get("typ") {
        None => Err(Reason::HeaderMissing {
            member: "typ".into(),
        }),
        Some(Value::String(found)) if found.eq_ignore_ascii_case(expected) => Ok(()),
        Some(Value::String(found)) => Err(Reason::HeaderValue {
            member: "typ".into(),
            expected: format!("{expected:?}"),
            found: format!("{found:?}"),
        }),
        Some(other) => Err(Reason::HeaderMemberType {
            member: "typ".into(),
            expected: "a string".into(),
            found: describe_json(other),
        }),
    }
}

/// The profile's header rules (`typ`, `kid`) alone.
pub fn check_header(profile: &Profile, header: &Map<String, Value>) -> Result<(), Reason> {
    if let Some(typ) = &profile.header.typ {
        check_typ(&typ.value, header)?;
    }
    if profile.header.kid.as_ref().is_some_and(|k| k.required) && !header.contains_key("kid") {
        return Err(Reason::HeaderMissing {
            member: "kid".into(),
        });
    }
    Ok(())
}

fn type_error(path: &str, expected: &str, found: &Value) -> Reason {
    Reason::ClaimType {
        claim: path.to_owned(),
        expected: expected.to_owned(),
        found: describe_json(found),
    }
}

/// Checks `value` against `shape`; `path` names it in reasons (`subscriptions[1].type`).
pub fn check_shape(path: &str, shape: &Shape, value: &Value) -> Result<(), Reason> {
    match shape.kind {
        ValueType::Any => Ok(()),
        // Type and range are the claims layer's (delegated); only integrality is the profile's.
        ValueType::NumericDate => match value.as_f64() {
            Some(v) if shape.integral && v.fract() != 0.0 => Err(Reason::NotIntegral {
                claim: path.to_owned(),
                value: value.to_string(),
            }),
            _ => Ok(()),
        },
        ValueType::Boolean if value.is_boolean() => Ok(()),
        ValueType::Boolean => Err(type_error(path, "a boolean", value)),
        ValueType::Number if value.is_number() => Ok(()),
        ValueType::Number => Err(type_error(path, "a number", value)),
        ValueType::String => match value {
            Value::String(s) => check_string(path, shape, s),
            other => Err(type_error(path, "a string", other)),
        },
        ValueType::JsonText => match value {
            Value::String(text) => {
                let inner = parse_json_text(path, text)?;
                match &shape.json {
                    Some(inner_shape) => check_shape(path, inner_shape, &inner),
                    None => Ok(()),
                }
                .map_err(|e| as_embedded(path, e))
            }
            other => Err(type_error(path, "a string holding JSON text", other)),
        },
        ValueType::Array => match value {
            Value::Array(items) => match &shape.items {
                Some(item_shape) => items.iter().enumerate().try_for_each(|(i, item)| {
                    check_shape(&format!("{path}[{i}]"), item_shape, item)
                }),
                None => Ok(()),
            },
            other => Err(type_error(path, "an array", other)),
        },
        ValueType::Object => match value {
            Value::Object(members) => check_object(path, shape, members),
            other => Err(type_error(path, "an object", other)),
        },
    }
}

fn check_string(path: &str, shape: &Shape, s: &str) -> Result<(), Reason> {
    let length = s.chars().count();
    if shape.min_chars.is_some_and(|min| length < min)
        || shape.max_chars.is_some_and(|max| length > max)
    {
        return Err(Reason::ClaimLength {
            claim: path.to_owned(),
            length,
            min: shape.min_chars,
            max: shape.max_chars,
        });
    }
    if let Some(values) = &shape.values {
        if !values.iter().any(|v| v == s) {
            let expected = match values.as_slice() {
                [one] => format!("exactly {one:?}"),
                many => format!("one of {many:?}"),
            };
            return Err(Reason::ClaimValue {
                claim: path.to_owned(),
                expected,
                found: describe_json(&Value::String(s.to_owned())),
            });
        }
    }
    Ok(())
}

fn check_object(path: &str, shape: &Shape, members: &Map<String, Value>) -> Result<(), Reason> {
    if let Some(min) = shape.min_members {
        if members.len() < min {
            return Err(Reason::ClaimShape {
                claim: path.to_owned(),
                problem: format!(
                    "must have at least {min} member(s), it has {}",
                    members.len()
                ),
            });
        }
    }
    for rule in &shape.members {
        match members.get(&rule.name) {
            Some(v) => check_shape(&format!("{path}.{}", rule.name), &rule.shape, v)?,
            None if rule.required => {
                return Err(Reason::ClaimShape {
                    claim: path.to_owned(),
                    problem: format!("member {:?} is missing", rule.name),
                })
            }
            None => {}
        }
    }
    if let Some(other) = &shape.other_members {
        for (name, v) in members {
            if !shape.members.iter().any(|m| &m.name == name) {
                check_shape(&format!("{path}.{name}"), other, v)?;
            }
        }
    }
    Ok(())
}

/// Embedded JSON gets the same strictness as the payload (duplicates, depth, surrogates).
fn parse_json_text(path: &str, text: &str) -> Result<Value, Reason> {
    let problem = |detail: String| Reason::ClaimShape {
        claim: path.to_owned(),
        problem: format!("does not hold valid JSON text: {detail}"),
    };
    json::validate(
        text.as_bytes(),
        Part::Payload,
        crate::engine::Limits::default().max_json_depth,
    )
    .map_err(|e| problem(e.to_string()))?;
    serde_json::from_str(text).map_err(|e| problem(e.to_string()))
}

/// A shape error inside JSON text is reported as the claim's shape problem.
fn as_embedded(path: &str, e: Reason) -> Reason {
    match e {
        Reason::ClaimShape { .. } => e,
        other => Reason::ClaimShape {
            claim: path.to_owned(),
            problem: format!("its JSON text is of the wrong shape: {other}"),
        },
    }
}

/// The identity the profile extracts from verified claims, before any binding to a claimed id.
pub fn extract_identity(
    profile: &Profile,
    claims: &Map<String, Value>,
) -> Result<Identity, Reason> {
    let rule = &profile.identity;
    let uid = &rule.user_id;
    let missing = |claim: String| Reason::MissingClaim { claim };
    let preferred = uid
        .preferred_claims
        .iter()
        .find_map(|name| claims.get(name).map(|value| (name, value)));
    let user_id = match (&uid.member, preferred) {
        (_, Some((name, Value::String(s)))) => format!("{name}:{s}"),
        (_, Some((name, other))) => return Err(type_error(name, "a string", other)),
        (None, None) => match claims.get(&uid.claim) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => return Err(type_error(&uid.claim, "a string", other)),
            None => return Err(missing(uid.claim.clone())),
        },
        (Some(member), None) => {
            let object = match claims.get(&uid.claim) {
                Some(Value::Object(o)) => o,
                Some(other) => return Err(type_error(&uid.claim, "an object", other)),
                None => return Err(missing(uid.claim.clone())),
            };
            match object.get(member) {
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    return Err(type_error(
                        &format!("{}.{member}", uid.claim),
                        "a string",
                        other,
                    ))
                }
                None if uid.fallback_to_other_members => {
                    // Label the alias so an alias value can never pose as an external id.
                    let mut aliases: Vec<(&String, &Value)> = object.iter().collect();
                    aliases.sort_by(|a, b| a.0.cmp(b.0));
                    match aliases.first() {
                        Some((label, Value::String(v))) => format!("{label}:{v}"),
                        _ => return Err(missing(format!("{}.{member}", uid.claim))),
                    }
                }
                None => return Err(missing(format!("{}.{member}", uid.claim))),
            }
        }
    };

    let string_claim = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let name = rule.name.as_deref().and_then(string_claim);
    let email = rule.email.as_ref().and_then(|e| {
        let trusted = match &e.only_if_true {
            Some(flag) => claims.get(flag) == Some(&Value::Bool(true)),
            None => true,
        };
        if trusted {
            string_claim(&e.claim)
        } else {
            None
        }
    });

    let mut attributes = BTreeMap::new();
    for claim in &rule.attributes {
        if let Some(v) = claims.get(claim) {
            let parsed = match (profile.claim(claim).map(|r| r.shape.kind), v) {
                (Some(ValueType::JsonText), Value::String(text)) => parse_json_text(claim, text)?,
                _ => v.clone(),
            };
            attributes.insert(claim.clone(), parsed);
        }
    }
    if rule.other_claims_as_attributes {
        let used: Vec<&str> = [Some(uid.claim.as_str()), rule.name.as_deref()]
            .into_iter()
            .chain(uid.preferred_claims.iter().map(|c| Some(c.as_str())))
            .chain(
                rule.email
                    .iter()
                    .flat_map(|e| [Some(e.claim.as_str()), e.only_if_true.as_deref()]),
            )
            .flatten()
            .collect();
        for (k, v) in claims {
            if !REGISTERED.contains(&k.as_str()) && !used.contains(&k.as_str()) {
                attributes.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Identity {
        user_id,
        name,
        email,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile with a lifetime bound, no `iat` rule and a preferred user-id claim.
    const PROFILE: &str = r#"{
        "id": "acme", "title": "Acme",
        "algorithms": {"allowed": ["HS256"], "basis": "acme docs"},
        "claims": [
            {"name": "uid", "shape": {"type": "string"}, "basis": "acme docs"},
            {"name": "email", "shape": {"type": "string"}, "basis": "acme docs"},
            {"name": "exp", "shape": {"type": "numeric_date"}, "basis": "acme docs"}
        ],
        "one_of": [{"claims": ["uid", "email"], "basis": "acme docs"}],
        "time": {"max_lifetime": {"seconds": 60, "basis": "acme docs"}},
        "identity": {"user_id": {"claim": "uid", "preferred_claims": ["email"], "basis": "acme docs"},
                     "binding": "acme docs"}
    }"#;

    fn applied(claims: Value) -> Result<Identity, Reason> {
        let profile = Profile::from_json(PROFILE).expect("valid profile");
        let ctx = Context {
            now: 1_000,
            ..Context::default()
        };
        let decoded = Decoded {
            header: Map::new(),
            claims: claims.as_object().cloned().expect("object"),
        };
        apply(&profile, &ctx, None, &decoded)
    }

    #[test]
    fn a_lifetime_without_iat_counts_from_now() {
        let ok = applied(serde_json::json!({"uid": "u", "exp": 1_060}));
        assert_eq!(ok.map(|i| i.user_id), Ok("u".to_owned()));
        let long = applied(serde_json::json!({"uid": "u", "exp": 1_061})).unwrap_err();
        assert_eq!(long.code(), "lifetime_too_long");
        assert!(long.to_string().contains("after now 1000"), "{long}");
    }

    #[test]
    fn a_preferred_claim_names_the_user_labelled() {
        let both = applied(serde_json::json!({"uid": "u", "email": "a@example.test"}));
        assert_eq!(
            both.map(|i| i.user_id),
            Ok("email:a@example.test".to_owned())
        );
        let neither = applied(serde_json::json!({})).unwrap_err();
        assert_eq!(neither.code(), "missing_one_of");
        let wrong = applied(serde_json::json!({"uid": "u", "email": 7})).unwrap_err();
        assert_eq!(wrong.code(), "claim_type");
    }
}
