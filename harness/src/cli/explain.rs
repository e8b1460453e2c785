//! The rules a token was checked against, one at a time, beside the engine's verdict.
//!
//! Each rule runs the engine's own function for its layer on just the part of the token it is
//! about (the `exp` check sees only `exp`), so one report can show every problem at once where
//! the engine stops at the first. The verdict is never derived from this list: it is the
//! reference engine's, and a test holds the two together on every golden vector.
//!
//! With keys (`verify`), nothing in the payload is examined before the signature verifies. Without
//! (`lint`), nothing is verified at all, so every rule is examined as far as the token decodes,
//! and the signature is reported as not checked.

use std::ops::ControlFlow;

use serde_json::{Map, Value};

use super::report::{reason_message, Check, Status};
use crate::contract::Jwk;
use crate::engine::claims::{self, ClaimChecks, DATE_CLAIMS};
use crate::engine::keys::KeySet;
use crate::engine::provider::{self, Context};
use crate::engine::{compact, header, json, signature, Alg, Limits};
use crate::profile::{Mode, Profile};
use crate::verdict::{describe_json, Part, Reason};

const SIZE_BASIS: &str =
    "policy.md §1: tokens above the size limit are rejected before any decoding work";
const SEGMENTS_BASIS: &str =
    "RFC 7515 §7.1; policy.md §1: exactly three non-empty segments separated by `.`";
const BASE64_BASIS: &str =
    "RFC 7515 §2; policy.md §1: unpadded, canonical base64url, no whitespace";
const JSON_BASIS: &str = "RFC 8259; policy.md §2: a UTF-8 JSON object, no duplicate member \
                          names at any depth, no lone surrogates";
const ALG_BASIS: &str = "RFC 8725 §3.1; policy.md §3: `alg` is compared case-sensitively \
                         against the verifier's allow-list; `none` is never accepted";
const EXTENSIONS_BASIS: &str = "policy.md §3: `crit`, `b64`, `zip` and `cty: JWT` are refused; \
                                `kid` is a string when present";
const KEY_BASIS: &str = "RFC 7515 §4.1.4; policy.md §3–§4: `kid` selects a configured key \
                         (unknown → reject); the key family must fit `alg`";
const SIGNATURE_BASIS: &str = "RFC 7518 §3.2 (HS256), §3.4 (ES256: 64-byte R‖S); \
                               CVE-2022-21449; policy.md §4";
const DATE_BASIS: &str = "RFC 7519 §2; policy.md §5: a NumericDate is a JSON number of seconds \
                          in 0..=253402300799";
const EXP_BASIS: &str = "RFC 7519 §4.1.4; policy.md §5: expired when now ≥ exp + leeway";
const NBF_BASIS: &str = "RFC 7519 §4.1.5; policy.md §5: not yet valid when now + leeway < nbf";
const STRING_BASIS: &str = "RFC 7519 §4.1; policy.md §5: `iss`, `sub` and `jti` are strings";
const AUD_BASIS: &str =
    "RFC 7519 §4.1.3; policy.md §5: `aud` is a string or a non-empty array of strings";
const MODE_BASIS: &str = "policy.md §6: enforcement modes `required`, `enabled`, `disabled`";
const JWS_ONLY_BASIS: &str = "--jws-only: the payload is not interpreted";

/// What the checks are run against.
#[derive(Clone, Copy, Debug)]
pub enum Layers<'a> {
    /// A provider profile: every layer, the profile's rules, identity, binding and mode.
    Provider(&'a Profile),
    /// JWT claims without a provider: layers 1–5 under this `alg` allow-list.
    Jwt(&'a [Alg]),
    /// Only the JWS layers 1–4 under this `alg` allow-list.
    Jws(&'a [Alg]),
}

/// What the signature is checked with.
#[derive(Clone, Copy, Debug)]
pub enum Signature<'a> {
    /// The configured keys (`verify`): once the header, the key or the signature fails, nothing
    /// later is examined.
    Keys(&'a [Jwk]),
    /// No key (`lint`): the signature is not checked, and the header's failures do not stop the
    /// rules that follow.
    NotChecked,
}

/// The rules checked for `token`, in the engine's order.
pub fn explain(
    layers: Layers<'_>,
    ctx: &Context,
    signature: Signature<'_>,
    token: Option<&str>,
) -> Vec<Check> {
    let mut out = Checks::default();
    if let Layers::Provider(profile) = layers {
        let mode = ctx.mode.unwrap_or(profile.mode);
        if mode == Mode::Disabled {
            let why = Reason::VerificationDisabled;
            out.warn("mode", why.code(), reason_message(&why), MODE_BASIS);
            return out.0;
        }
    }
    let Some(token) = token else {
        out.push("token.present", Err(Reason::TokenMissing), "", MODE_BASIS);
        return out.0;
    };
    if let Some((header, claims)) = jws_layers(&mut out, layers, signature, token) {
        match layers {
            Layers::Provider(profile) => {
                claims_layer(&mut out, Some(profile), ctx, &claims);
                let signature = token.rsplit('.').next();
                profile_layer(&mut out, profile, ctx, signature, &header, &claims);
            }
            Layers::Jwt(_) => claims_layer(&mut out, None, ctx, &claims),
            Layers::Jws(_) => {}
        }
    }
    out.0
}

#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    /// Records a rule; returns whether it passed.
    fn push(&mut self, rule: &str, result: Result<(), Reason>, passed: &str, basis: &str) -> bool {
        let ok = result.is_ok();
        self.0.push(match result {
            Ok(()) => Check {
                rule: rule.to_owned(),
                status: Status::Pass,
                message: passed.to_owned(),
                code: None,
                basis: basis.to_owned(),
            },
            Err(reason) => Check {
                rule: rule.to_owned(),
                status: Status::Fail,
                message: reason_message(&reason),
                code: Some(reason.code().to_owned()),
                basis: basis.to_owned(),
            },
        });
        ok
    }

    fn not_checked(&mut self, rule: &str, message: String, basis: &str) {
        self.0.push(Check {
            rule: rule.to_owned(),
            status: Status::NotChecked,
            message,
            code: None,
            basis: basis.to_owned(),
        });
    }

    fn warn(&mut self, rule: &str, code: &str, message: String, basis: &str) {
        self.0.push(Check {
            rule: rule.to_owned(),
            status: Status::Warning,
            message,
            code: Some(code.to_owned()),
            basis: basis.to_owned(),
        });
    }
}

type HeaderAndClaims = (Map<String, Value>, Map<String, Value>);

/// Layers 1–4 (and, beyond `--jws-only`, the payload's JSON); the header and claims when they
/// can be examined further.
fn jws_layers(
    out: &mut Checks,
    layers: Layers<'_>,
    signature: Signature<'_>,
    token: &str,
) -> Option<HeaderAndClaims> {
    let limits = Limits::default();
    let (allowed, alg_basis): (&[Alg], &str) = match layers {
        Layers::Provider(p) => (&p.algorithms.allowed, &p.algorithms.basis),
        Layers::Jwt(a) | Layers::Jws(a) => (a, ALG_BASIS),
    };

    let split = compact::split(token, limits.max_token_bytes);
    let code = split.as_ref().err().map(|r| r.code().to_owned());
    let size = match &code {
        Some(c) if c == "token_too_large" => split.clone().map(|_| ()),
        _ => Ok(()),
    };
    let size_msg = format!("{} bytes (limit {})", token.len(), limits.max_token_bytes);
    if !out.push("token.size", size, &size_msg, SIZE_BASIS) {
        return None;
    }
    let segments = match &code {
        Some(c) if c == "segment_count" || c == "empty_segment" => split.clone().map(|_| ()),
        _ => Ok(()),
    };
    if !out.push(
        "token.segments",
        segments,
        "three non-empty segments",
        SEGMENTS_BASIS,
    ) {
        return None;
    }
    let compact = match split {
        Ok(c) => c,
        Err(reason) => {
            out.push("token.base64url", Err(reason), "", BASE64_BASIS);
            return None;
        }
    };
    out.push(
        "token.base64url",
        Ok(()),
        "canonical unpadded base64url",
        BASE64_BASIS,
    );

    let header = match json::parse_object(&compact.header, Part::Header, limits.max_json_depth) {
        Ok(h) => h,
        Err(reason) => {
            out.push("header.json", Err(reason), "", JSON_BASIS);
            return None;
        }
    };
    out.push("header.json", Ok(()), "a strict JSON object", JSON_BASIS);

    let mut alg_only = Map::new();
    if let Some(alg) = header.get("alg") {
        alg_only.insert("alg".into(), alg.clone());
    }
    let alg = header::check(&alg_only, allowed);
    let allowed_names: Vec<&str> = allowed.iter().map(|a| a.as_str()).collect();
    let alg_msg = match &alg {
        Ok(a) => format!("{a} is allowed ({})", allowed_names.join(", ")),
        Err(_) => String::new(),
    };
    out.push("header.alg", alg.clone().map(|_| ()), &alg_msg, alg_basis);
    let mut rest = header.clone();
    if let Some(first) = allowed.first() {
        let stand_in = alg.clone().unwrap_or(*first);
        rest.insert("alg".into(), Value::String(stand_in.as_str().into()));
    }
    let extensions_ok = out.push(
        "header.extensions",
        header::check(&rest, allowed).map(|_| ()),
        "no crit, b64, zip or nested cty; kid, if any, is a string",
        EXTENSIONS_BASIS,
    );
    match (signature, alg) {
        (Signature::Keys(keys), Ok(alg)) if extensions_ok => {
            if !signature_layer(out, &header, alg, keys, &compact) {
                return None;
            }
        }
        (Signature::Keys(_), _) => return None,
        (Signature::NotChecked, _) => {
            out.not_checked("signature", "not checked: no key".into(), SIGNATURE_BASIS);
        }
    }

    if let Layers::Jws(_) = layers {
        let msg = format!("{} bytes, not interpreted", compact.payload.len());
        out.push("payload", Ok(()), &msg, JWS_ONLY_BASIS);
        return None;
    }
    match json::parse_object(&compact.payload, Part::Payload, limits.max_json_depth) {
        Ok(claims) => {
            out.push("payload.json", Ok(()), "a strict JSON object", JSON_BASIS);
            Some((header, claims))
        }
        Err(reason) => {
            out.push("payload.json", Err(reason), "", JSON_BASIS);
            None
        }
    }
}

/// Layer 4: the key the header selects and the signature under it; whether both passed.
fn signature_layer(
    out: &mut Checks,
    header: &Map<String, Value>,
    alg: Alg,
    keys: &[Jwk],
    compact: &compact::Compact<'_>,
) -> bool {
    let set = match KeySet::from_jwks_list(keys) {
        Ok(set) => set,
        Err(e) => {
            let reason = Reason::InvalidKey {
                problem: e.to_string(),
            };
            out.push("header.key", Err(reason), "", KEY_BASIS);
            return false;
        }
    };
    let candidates = match header::select_keys(header, alg, &set) {
        Ok(c) => c,
        Err(reason) => {
            out.push("header.key", Err(reason), "", KEY_BASIS);
            return false;
        }
    };
    let key_msg = match header.get("kid").and_then(Value::as_str) {
        Some(kid) => format!("kid {kid:?} selects a configured {} key", alg),
        None => format!("{} configured key(s) fit {alg}", candidates.len()),
    };
    out.push("header.key", Ok(()), &key_msg, KEY_BASIS);

    let input = compact.signing_input.as_bytes();
    let key =
        match signature::verify_any(alg, candidates.iter().copied(), input, &compact.signature) {
            Ok(key) => key,
            Err(reason) => {
                out.push("signature", Err(reason), "", SIGNATURE_BASIS);
                return false;
            }
        };
    let sig_msg = match &key.kid {
        Some(kid) => format!("{alg} signature verifies under key {kid:?}"),
        None => format!("{alg} signature verifies under a configured key"),
    };
    out.push("signature", Ok(()), &sig_msg, SIGNATURE_BASIS);
    true
}

/// Only the named claims, so that one rule's check cannot fail on another's value.
fn only(claims: &Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|n| claims.get(*n).map(|v| ((*n).to_owned(), v.clone())))
        .collect()
}

fn shown(claims: &Map<String, Value>, name: &str) -> String {
    claims
        .get(name)
        .map(|v| format!("{name} = {}", header::shorten(&v.to_string())))
        .unwrap_or_default()
}

/// Layer 5: the registered claims, under what the profile delegates to it.
fn claims_layer(
    out: &mut Checks,
    profile: Option<&Profile>,
    ctx: &Context,
    claims: &Map<String, Value>,
) {
    let required = profile.map(Profile::required_claims).unwrap_or_default();
    let basis_of = |name: &str, fallback: &'static str| -> String {
        profile
            .and_then(|p| p.claim(name))
            .map(|r| r.basis.clone())
            .unwrap_or_else(|| fallback.to_owned())
    };
    for name in &required {
        let result = if claims.contains_key(name) {
            Ok(())
        } else {
            Err(Reason::MissingClaim {
                claim: name.clone(),
            })
        };
        out.push(
            &format!("claim.{name}.required"),
            result,
            "present",
            &basis_of(name, "the profile requires it"),
        );
    }
    let at = |now, leeway| ClaimChecks {
        now,
        leeway,
        ..ClaimChecks::default()
    };
    for name in DATE_CLAIMS {
        if claims.contains_key(name) {
            let result = claims::numeric_date(claims, name).map(|_| ());
            out.push(
                &format!("claim.{name}.type"),
                result,
                &format!("{} is a NumericDate", shown(claims, name)),
                DATE_BASIS,
            );
        }
    }
    for name in ["iss", "sub", "jti", "aud"] {
        if claims.contains_key(name) {
            let result = claims::check(&only(claims, &[name]), &at(ctx.now, ctx.leeway));
            let basis = if name == "aud" {
                AUD_BASIS
            } else {
                STRING_BASIS
            };
            out.push(
                &format!("claim.{name}.type"),
                result,
                &format!("{} has the right type", shown(claims, name)),
                basis,
            );
        }
    }
    // The clock checks, on the dates present: (claim, rule, how it must relate to now).
    let clock = [
        ("exp", "claim.exp.expiry", "is after", EXP_BASIS),
        ("nbf", "claim.nbf.not_before", "is not after", NBF_BASIS),
    ];
    for (name, rule, relation, basis) in clock {
        if claims::numeric_date(claims, name).is_ok_and(|d| d.is_some()) {
            let result = claims::check(&only(claims, &[name]), &at(ctx.now, ctx.leeway));
            let (now, leeway) = (ctx.now, ctx.leeway);
            let message = format!(
                "{} {relation} now {now} + leeway {leeway}s",
                shown(claims, name)
            );
            out.push(rule, result, &message, &basis_of(name, basis));
        }
    }
    let Some(p) = profile else { return };
    // The fixed values: (claim, where the profile says what it must be, its rule, the relation).
    let fixed = [
        ("iss", &p.issuer, "claim.iss.issuer", "is"),
        ("aud", &p.audience, "claim.aud.audience", "is or contains"),
    ];
    for (claim, rule, id, what) in fixed {
        let Some(rule) = rule else { continue };
        if !claims.contains_key(claim) && required.iter().any(|r| r == claim) {
            continue; // reported by claim.<name>.required
        }
        let basis = rule.basis.as_str();
        // Only `lint` gets here without the configuration: `verify` refuses to run without it.
        let Ok(expected) = rule.resolve(&ctx.config) else {
            let message = format!("not checked without --app-id: {claim} {what} the app id");
            out.not_checked(id, message, basis);
            continue;
        };
        let mut checks = at(ctx.now, ctx.leeway);
        if claim == "iss" {
            checks.issuer = Some(&expected);
        } else {
            checks.audience = Some(&expected);
        }
        let result = claims::check(&only(claims, &[claim]), &checks);
        out.push(id, result, &format!("{claim} {what} {expected:?}"), basis);
    }
}

/// Layer 6: the profile's own rules, identity, binding and mode.
fn profile_layer(
    out: &mut Checks,
    profile: &Profile,
    ctx: &Context,
    signature: Option<&str>,
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
) {
    provider::profile_rules(profile, ctx, signature, header, claims, &mut |rule| {
        let passed = if rule.result.is_ok() {
            (rule.passed)()
        } else {
            String::new()
        };
        out.push(&rule.name.to_string(), rule.result, &passed, rule.basis);
        ControlFlow::Continue(())
    });
    let identity = provider::extract_identity(profile, claims);
    let id_rule = &profile.identity.user_id;
    let id_msg = match &identity {
        Ok(i) => format!("user id {}", header::shorten(&format!("{:?}", i.user_id))),
        Err(_) => String::new(),
    };
    out.push(
        "identity.user_id",
        identity.clone().map(|_| ()),
        &id_msg,
        &id_rule.basis,
    );
    if let Some(email) = &profile.identity.email {
        if let Some(value) = claims.get(&email.claim) {
            match &email.only_if_true {
                Some(flag) if claims.get(flag) != Some(&Value::Bool(true)) => {
                    let found = claims
                        .get(flag)
                        .map(describe_json)
                        .unwrap_or_else(|| "absent".to_owned());
                    out.warn(
                        "identity.email",
                        "email_ignored",
                        format!(
                            "{} {} is ignored: {flag} is {found}, not true",
                            email.claim,
                            header::shorten(&value.to_string())
                        ),
                        &email.basis,
                    );
                }
                _ => {
                    out.push(
                        "identity.email",
                        Ok(()),
                        &format!(
                            "{} {} is kept",
                            email.claim,
                            header::shorten(&value.to_string())
                        ),
                        &email.basis,
                    );
                }
            }
        }
    }
    if let (Some(claimed), Ok(identity)) = (&ctx.claimed_user_id, &identity) {
        let result = if *claimed == identity.user_id {
            Ok(())
        } else {
            Err(Reason::IdentityMismatch {
                claimed: claimed.clone(),
                token: identity.user_id.clone(),
            })
        };
        out.push(
            "identity.binding",
            result,
            &format!("the token's user id equals the claimed {claimed:?}"),
            &profile.identity.binding,
        );
    }
}

/// The mode's own entry, once the verdict is known: what `enabled` did with a refusal.
pub fn mode_check(profile: &Profile, ctx: &Context, verdict: &crate::Verdict) -> Option<Check> {
    let mode = ctx.mode.unwrap_or(profile.mode);
    let (status, message) = match (mode, verdict) {
        (Mode::Disabled | Mode::Required, _) => return None,
        (Mode::Enabled, crate::Verdict::Unverified { claimed, .. }) => (
            Status::Warning,
            match claimed {
                Some(c) => format!("enabled: fell back to the claimed user id {c:?}, unverified"),
                None => {
                    "enabled: fell back to an unverified identity (none was claimed)".to_owned()
                }
            },
        ),
        (Mode::Enabled, _) => (
            Status::Pass,
            "enabled: the token verified, no fallback".to_owned(),
        ),
    };
    Some(Check {
        rule: "mode".into(),
        status,
        message,
        code: None,
        basis: MODE_BASIS.into(),
    })
}
