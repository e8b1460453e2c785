//! Signer conformance: every implementation signs every profile's canonical claims; each token
//! is checked byte by byte and by the reference, then verified by every implementation (N×N).

use serde_json::{Map, Value};

use super::case::Expectation;
use super::options::RunOptions;
use super::outcome::{clip_detail, Actual, CaseResult, Outcome};
use super::probe::token_problems;
use super::run::identity_agrees;
use super::subject::Subject;
use crate::contract::{Decoded, Description, ProviderSign, SignRequest};
use crate::engine::keys::Key;
use crate::engine::provider::{
    apply, judge, verify_at_provider_level, verify_through, Context, Judged, NoVerdict,
};
use crate::engine::{claims::DATE_CLAIMS, compact, json, wall_clock, Alg};
use crate::impls::reference::Reference;
use crate::profile::{Config, Profile};
use crate::verdict::{Identity, Part, Verdict};

/// The user every canonical token names: digits, so that a signer that writes a numeric-looking
/// string as a JSON number (another user for a verifier that reads the id's type) shows it.
pub const SIGNER_USER: &str = "12345";
/// The app id canonical tokens are made for.
pub const SIGNER_APP_ID: &str = "test-app-id";

const BASIS: &str = "policy.md §6 and taxonomy.md §6.1 (signer conformance): the required header, \
integral epoch-second dates, the required claims with the right JSON types, a 64-byte R||S \
ES256 signature, canonical base64url, and verification under the reference; \
docs/adapter-protocol.md (sign): the header is `alg` and the requested members, the claims are \
the requested ones exactly, nothing added or retyped";

/// Whether `id` names a signer-conformance result.
pub fn is_signer_id(id: &str) -> bool {
    id.starts_with("signer::") || id.starts_with("interop::")
}

/// The signing key for a profile's canonical token (TEST KEY ONLY).
pub fn signing_key(profile: &Profile) -> Key {
    Key::test_for(profile.signing_alg(), &format!("{}-key-1", profile.id))
}

struct Canonical<'p> {
    profile: &'p Profile,
    key: Key,
    ctx: Context,
    header: Map<String, Value>,
    claims: Map<String, Value>,
    identity: Identity,
}

fn canonical(profile: &Profile) -> Result<Canonical<'_>, String> {
    let key = signing_key(profile);
    let ctx = Context {
        config: Config {
            app_id: Some(SIGNER_APP_ID.into()),
        },
        now: wall_clock(),
        ..Context::default()
    };
    let header = profile
        .signing_header(key.kid.as_deref())
        .map_err(|e| e.to_string())?;
    let claims = profile
        .canonical_claims(SIGNER_USER, &ctx.config, ctx.now)
        .map_err(|e| e.to_string())?;
    let mut full_header = Map::new();
    full_header.insert(
        "alg".into(),
        Value::String(profile.signing_alg().as_str().into()),
    );
    full_header.extend(header.clone());
    let decoded = Decoded {
        header: full_header,
        claims: claims.clone(),
    };
    // The identity the profile gives the claims as intended, independent of any signer.
    let identity = apply(profile, &ctx, None, &decoded).map_err(|e| e.to_string())?;
    Ok(Canonical {
        profile,
        key,
        ctx,
        header,
        claims,
        identity,
    })
}

fn supports(d: &Description, alg: Alg) -> bool {
    d.algorithms.iter().any(|a| a == alg.as_str())
}

fn result(
    id: String,
    implementation: &str,
    provider: &str,
    outcome: Outcome,
    actual: Actual,
) -> CaseResult {
    CaseResult {
        case_id: id,
        implementation: implementation.to_owned(),
        mode: Default::default(),
        provider: Some(provider.to_owned()),
        expected: Expectation::Verified,
        expected_reason: None,
        actual,
        outcome,
        reason_mismatch: None,
        reminted: false,
        basis: BASIS.to_owned(),
        class: None,
        impact: None,
    }
}

/// Signer conformance and N×N interop for the selected profiles.
pub fn run(
    subjects: &[Box<dyn Subject>],
    options: &RunOptions,
    profiles: &[&Profile],
) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for profile in profiles {
        if !options.selects(&format!("signer::{}", profile.id), Some(&profile.id))
            && !subjects.iter().any(|s| {
                options.selects(
                    &format!("interop::{}@{}", profile.id, s.description().name),
                    Some(&profile.id),
                )
            })
        {
            continue;
        }
        let canon = match canonical(profile) {
            Ok(c) => c,
            Err(e) => {
                for s in subjects {
                    out.push(result(
                        format!("signer::{}", profile.id),
                        &s.description().name,
                        &profile.id,
                        Outcome::Crash {
                            message: format!("no canonical token: {e}"),
                        },
                        Actual::default(),
                    ));
                }
                continue;
            }
        };
        let alg = profile.signing_alg();
        let serves = |d: &Description| d.runs_profile(Some(&profile.id));
        for signer in subjects {
            let name = &signer.description().name;
            // An implementation that only verifies is no signer; a provider-level one is asked
            // only about its own profiles.
            if !signer.description().signs || !serves(signer.description()) {
                continue;
            }
            let signer_id = format!("signer::{}", profile.id);
            let interop_id = format!("interop::{}@{name}", profile.id);
            if !supports(signer.description(), alg) {
                let skip = Outcome::Skip {
                    reason: format!("does not implement {alg}"),
                };
                out.push(result(
                    signer_id,
                    name,
                    &profile.id,
                    skip,
                    Actual::default(),
                ));
                continue;
            }
            // A provider-level signer is told whom to sign for and builds the token itself; it
            // is held to the profile's rules rather than to the canonical bytes.
            let provider_level = signer.description().is_provider_level();
            let request = SignRequest {
                id: signer_id.clone(),
                alg: alg.as_str().into(),
                key: canon.key.to_jwk(),
                header: canon.header.clone(),
                claims: canon.claims.clone(),
                provider: provider_level.then(|| ProviderSign {
                    profile: profile.id.clone(),
                    user_id: SIGNER_USER.into(),
                    app_id: canon.ctx.config.app_id.clone(),
                    attributes: Map::new(),
                }),
            };
            let signed = signer.sign(&request).into_result().and_then(|answer| {
                answer.map_err(|f| Outcome::NonConformantToken {
                    problem: format!("refused to sign: {}", f.error),
                })
            });
            let token = match signed {
                Ok(token) => token,
                Err(outcome) => {
                    let actual = Actual::of_breakdown(&outcome);
                    out.push(result(signer_id, name, &profile.id, outcome, actual));
                    continue;
                }
            };
            if options.selects(&signer_id, Some(&profile.id)) {
                let problems = if provider_level {
                    let keys = [canon.key.public_jwk()];
                    token_problems(profile, &keys, &canon.ctx, SIGNER_USER, &token)
                } else {
                    conformance_problems(&canon, &token)
                };
                let outcome = if problems.is_empty() {
                    Outcome::Pass
                } else {
                    Outcome::NonConformantToken {
                        problem: problems.join("; "),
                    }
                };
                let actual = Actual {
                    verdict: "signed".into(),
                    reason: None,
                    detail: Some(token.chars().take(120).collect()),
                };
                out.push(result(signer_id, name, &profile.id, outcome, actual));
            }
            if !options.selects(&interop_id, Some(&profile.id)) {
                continue;
            }
            for verifier in subjects.iter().filter(|v| serves(v.description())) {
                let vname = &verifier.description().name;
                if !supports(verifier.description(), alg) {
                    let skip = Outcome::Skip {
                        reason: format!("does not implement {alg}"),
                    };
                    out.push(result(
                        interop_id.clone(),
                        vname,
                        &profile.id,
                        skip,
                        Actual::default(),
                    ));
                    continue;
                }
                let (outcome, actual) = interop(&canon, &token, verifier.as_ref());
                out.push(result(
                    interop_id.clone(),
                    vname,
                    &profile.id,
                    outcome,
                    actual,
                ));
            }
        }
    }
    out
}

fn interop(canon: &Canonical<'_>, token: &str, verifier: &dyn Subject) -> (Outcome, Actual) {
    let mut ctx = canon.ctx.clone();
    // Verify when the token is fresh for this verifier's clock too.
    ctx.now = ctx.now.max(wall_clock());
    let keys = [canon.key.public_jwk()];
    let provider_level = verifier.description().is_provider_level();
    let judged = if provider_level {
        verify_at_provider_level(canon.profile, &ctx, "interop", Some(token), &keys, |r| {
            verifier.verify_provider(r).into_result()
        })
    } else {
        verify_through(canon.profile, &ctx, "interop", Some(token), &keys, |r| {
            verifier.verify(r).into_result()
        })
    };
    let verified = || Actual {
        verdict: "verified".into(),
        ..Actual::default()
    };
    match judged {
        Ok(Judged {
            verdict: Verdict::Verified { identity },
            ..
        }) if identity_agrees(&canon.identity, &identity, provider_level) => {
            (Outcome::Pass, verified())
        }
        Ok(Judged {
            verdict: Verdict::Verified { identity },
            ..
        }) => (
            Outcome::WrongIdentity {
                expected: canon.identity.user_id.clone(),
                actual: identity.user_id,
            },
            verified(),
        ),
        Ok(Judged { verdict, .. }) => {
            let (code, detail) = verdict
                .reason()
                .map(|r| (r.code().to_owned(), r.to_string()))
                .unwrap_or_default();
            (Outcome::UnexpectedReject, rejected(&code, detail))
        }
        Err(NoVerdict::Profile(e)) => (
            Outcome::Crash {
                message: e.to_string(),
            },
            Actual::default(),
        ),
        Err(NoVerdict::Broke(breakdown)) => {
            let actual = Actual::of_breakdown(&breakdown);
            (breakdown, actual)
        }
    }
}

fn rejected(code: &str, detail: String) -> Actual {
    Actual {
        verdict: "rejected".into(),
        reason: Some(code.to_owned()),
        detail: Some(clip_detail(detail)),
    }
}

/// The JSON type of a value, as a signer problem names it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Everything wrong with a signer's token, byte by byte and under the reference.
fn conformance_problems(canon: &Canonical<'_>, token: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let segments: Vec<&str> = token.split('.').collect();
    let [h, p, s] = segments.as_slice() else {
        return vec![format!("{} segments instead of 3", segments.len())];
    };
    let decode = |seg: &str, part| compact::decode_segment(seg, part).map_err(|e| e.to_string());
    let (header, payload, sig) = match (
        decode(h, Part::Header),
        decode(p, Part::Payload),
        decode(s, Part::Signature),
    ) {
        (Ok(h), Ok(p), Ok(s)) => (h, p, s),
        (h, p, s) => {
            return [h.err(), p.err(), s.err()].into_iter().flatten().collect();
        }
    };
    let alg = canon.profile.signing_alg();
    match json::parse_object(&header, Part::Header, 64) {
        Err(e) => problems.push(e.to_string()),
        Ok(header) => {
            if header.get("alg") != Some(&Value::String(alg.as_str().into())) {
                problems.push(format!("header alg is {:?}, not {alg}", header.get("alg")));
            }
            for (name, wanted) in &canon.header {
                if header.get(name) != Some(wanted) {
                    problems.push(format!(
                        "header {name} is {:?}, not {wanted}",
                        header.get(name)
                    ));
                }
            }
            for (name, value) in &header {
                if name != "alg" && !canon.header.contains_key(name) {
                    problems.push(format!("header member {name} = {value} was added"));
                }
            }
        }
    }
    match json::parse_object(&payload, Part::Payload, 64) {
        Err(e) => problems.push(e.to_string()),
        Ok(claims) => {
            for (name, wanted) in &canon.claims {
                match claims.get(name) {
                    None => problems.push(format!("claim {name} is missing (requested {wanted})")),
                    Some(got) if json_type(got) != json_type(wanted) => problems.push(format!(
                        "claim {name} is the {} {got}, requested as the {} {wanted}",
                        json_type(got),
                        json_type(wanted)
                    )),
                    Some(got) if got != wanted => {
                        problems.push(format!("claim {name} is {got}, requested as {wanted}"))
                    }
                    Some(_) => {}
                }
            }
            for (name, value) in &claims {
                if !canon.claims.contains_key(name) {
                    problems.push(format!("claim {name} = {value} was added"));
                }
            }
            for name in DATE_CLAIMS {
                if let Some(Value::Number(n)) = claims.get(name) {
                    if !(n.is_i64() || n.is_u64()) {
                        problems.push(format!(
                            "{name} is written as {n}, not as an integer of seconds"
                        ));
                    }
                }
            }
        }
    }
    if alg == Alg::ES256 && sig.len() != 64 {
        problems.push(format!(
            "ES256 signature is {} bytes, not 64 (R||S)",
            sig.len()
        ));
    }
    let keys = [canon.key.public_jwk()];
    match judge(
        canon.profile,
        &canon.ctx,
        Some(token),
        &keys,
        &Reference::default(),
    ) {
        Ok(v) if v.identity() == Some(&canon.identity) => {}
        Ok(v) => problems.push(format!(
            "the reference does not verify it to the canonical identity: {}",
            match v.reason() {
                Some(r) => r.to_string(),
                None => "another identity".into(),
            }
        )),
        Err(e) => problems.push(e.to_string()),
    }
    problems
}
