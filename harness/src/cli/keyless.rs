//! `idjwt lint`: what `verify` would say of a token, minus the signature, for want of a key.
//!
//! The verdict comes from the pipeline `verify` runs
//! ([`crate::engine::provider::verify_through`]: the request the profile delegates, then the
//! profile's own rules, the identity and the binding) with an answer from the engine's layers in
//! which only key selection and the signature are left out; the checks are `verify`'s
//! explanation with the signature reported as not checked. No rule is written twice.
//!
//! Two things are different by necessity. Lint judges as in mode `required`: whether a token
//! would be refused is a question about the token, and what a mode does with a refusal is not.
//! An issuer or audience taken from `--app-id` is not checked without one.

use super::explain::{explain, Layers, Signature};
use super::lint::{lint, LintInput};
use super::report::Report;
use super::secrets::Candidate;
use super::verify::VerifyError;
use crate::contract::{Decoded, Failure, VerifyMode, VerifyRequest};
use crate::engine::provider::{verify_through, Context, NoVerdict};
use crate::engine::{claims, compact, header, json, Alg, Limits};
use crate::guard;
use crate::profile::{Config, ExpectedValue, Mode, Profile};
use crate::verdict::{Identity, Part, Verdict};

/// Everything a keyless check needs besides the command line.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The provider whose rules apply; without one, the registered claims under any algorithm
    /// the engine implements.
    pub profile: Option<&'a Profile>,
    /// Time, leeway, app id, claimed user id (the mode is ignored).
    pub ctx: &'a Context,
    pub token: &'a str,
    /// Secrets to try besides the published ones (`--secrets`).
    pub secrets: &'a [Candidate],
}

/// The verdict without the signature, every rule checked, and the lint warnings.
pub fn check(request: &Request<'_>) -> Result<Report, VerifyError> {
    let ctx = Context {
        mode: Some(Mode::Required),
        ..request.ctx.clone()
    };
    let token = request.token;
    let (verdict, layers, scope) = match request.profile {
        Some(profile) => {
            let checkable = without_missing_config(profile, &ctx.config);
            let judged = verify_through(&checkable, &ctx, "lint", Some(token), &[], |r| {
                guard::catch(|| without_signature(r))
            });
            let verdict = match judged {
                Ok(judged) => judged.verdict,
                Err(NoVerdict::Profile(e)) => return Err(e.into()),
                Err(NoVerdict::Broke(message)) => return Err(VerifyError::Panicked { message }),
            };
            (verdict, Layers::Provider(profile), profile.id.clone())
        }
        None => {
            let request = VerifyRequest {
                id: "lint".into(),
                token: token.to_owned(),
                algorithms: Alg::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
                keys: Vec::new(),
                now: ctx.now,
                leeway: ctx.leeway,
                required: Vec::new(),
                issuer: None,
                audience: None,
                mode: VerifyMode::Configured,
                provider: None,
                jwks: None,
            };
            let verdict = match guard::catch(|| without_signature(&request)) {
                Ok(Ok(_)) => Verdict::Verified {
                    identity: Identity::default(),
                },
                Ok(Err(failure)) => Verdict::Rejected {
                    reason: failure.into(),
                },
                Err(message) => return Err(VerifyError::Panicked { message }),
            };
            (verdict, Layers::Jwt(&Alg::ALL), "jwt".to_owned())
        }
    };
    let checks = explain(layers, &ctx, Signature::NotChecked, Some(token));
    let warnings = lint(&LintInput {
        token,
        profile: request.profile,
        now: ctx.now,
        leeway: ctx.leeway,
        keys: None,
        secrets: request.secrets,
    });
    Ok(Report {
        scope,
        verdict,
        // Claims nobody has vouched for name nobody.
        has_identity: false,
        checks,
        warnings,
        signature_checked: false,
    })
}

/// The reference engine's layers 1–5 as the `reference` implementation runs them
/// ([`crate::engine::verify_jwt`]), except the two that need a key: key selection and the
/// signature.
fn without_signature(request: &VerifyRequest) -> Result<Decoded, Failure> {
    let limits = Limits::default();
    let algorithms: Vec<Alg> = request
        .algorithms
        .iter()
        .filter_map(|name| Alg::from_name(name))
        .collect();
    let compact = compact::split(&request.token, limits.max_token_bytes)?;
    let header = json::parse_object(&compact.header, Part::Header, limits.max_json_depth)?;
    header::check(&header, &algorithms)?;
    let claims = json::parse_object(&compact.payload, Part::Payload, limits.max_json_depth)?;
    claims::check(&claims, &request.claim_checks())?;
    Ok(Decoded { header, claims })
}

/// The profile without the issuer or audience rules whose value the configuration lacks, so that
/// the rest can be judged; the explanation reports those rules as not checked.
fn without_missing_config(profile: &Profile, config: &Config) -> Profile {
    let resolvable =
        |rule: &Option<ExpectedValue>| rule.as_ref().filter(|e| e.resolve(config).is_ok()).cloned();
    Profile {
        issuer: resolvable(&profile.issuer),
        audience: resolvable(&profile.audience),
        ..profile.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::report::Status;
    use crate::cli::verify::{verify, Request as VerifyRequestOfCli};
    use crate::profile::builtin;
    use crate::suite::vectors;

    /// Every golden vector of a provider: lint may only refuse what verify refuses, may not
    /// refuse what verify accepts, and says exactly what verify says once verify's signature
    /// passed; its reason is always the code of a failed check.
    #[test]
    fn lint_agrees_with_verify_on_every_golden_vector() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
        let cases = vectors::load(&dir).unwrap();
        let (mut compared, mut refused) = (0, 0);
        let mut wrong = Vec::new();
        for case in &cases {
            let Some(token) = &case.token else { continue };
            // Without a provider every token still gets an answer (and no panic).
            let ctx = case.context();
            let bare = Request {
                profile: None,
                ctx: &ctx,
                token,
                secrets: &[],
            };
            assert!(check(&bare).is_ok(), "{}", case.id);
            let Some(provider) = &case.provider else {
                continue;
            };
            let profile = builtin(provider).unwrap();
            let ctx = Context {
                mode: Some(Mode::Required),
                ..case.context()
            };
            let verified = verify(&VerifyRequestOfCli {
                layers: Layers::Provider(profile),
                ctx: ctx.clone(),
                keys: case.keys.clone(),
                token: Some(token),
            })
            .unwrap();
            let linted = check(&Request {
                profile: Some(profile),
                ctx: &ctx,
                token,
                secrets: &[],
            })
            .unwrap();
            compared += 1;
            let (v, l) = (&verified.verdict, &linted.verdict);
            refused += usize::from(matches!(l, Verdict::Rejected { .. }));
            let signature_passed = verified
                .checks
                .iter()
                .any(|c| c.rule == "signature" && c.status == Status::Pass);
            let code = |v: &Verdict| v.reason().map(|r| r.code().to_owned());
            let problem = match (v, l) {
                (Verdict::Verified { .. }, Verdict::Rejected { .. }) => Some("lint refuses it"),
                (_, Verdict::Rejected { .. }) if !matches!(v, Verdict::Rejected { .. }) => {
                    Some("lint refuses what verify does not")
                }
                _ if signature_passed && code(v) != code(l) => Some("another reason"),
                _ => None,
            };
            let explained = match l.reason() {
                None => !linted.checks.iter().any(|c| c.status == Status::Fail),
                Some(r) => linted
                    .checks
                    .iter()
                    .any(|c| c.status == Status::Fail && c.code.as_deref() == Some(r.code())),
            };
            let problem = problem.or((!explained).then_some("the checks do not explain it"));
            if let Some(problem) = problem {
                wrong.push(format!(
                    "{}: {problem} (verify {:?}, lint {:?})",
                    case.id,
                    code(v),
                    code(l)
                ));
            }
        }
        assert!(compared > 1000, "only {compared} cases compared");
        assert!(
            refused > compared / 4 && refused < compared,
            "lint refused {refused} of {compared}"
        );
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
