//! `idjwt verify`: the reference engine's verdict, with the rules checked and the lint warnings.
//!
//! [`verify`] is the function the command calls once its arguments are read; the golden-vector
//! test calls it directly for every case.

use super::explain::{explain, mode_check, Layers, Signature};
use super::lint::{lint, LintInput};
use super::report::Report;
use super::secrets::Candidate;
use crate::contract::{Implementation, Jwk, VerifyRequest};
use crate::engine::keys::KeySet;
use crate::engine::provider::{judge, Context, JudgeError};
use crate::engine::{self, Alg, JwsOptions, Limits};
use crate::impls::reference::Reference;
use crate::profile::{Profile, ProfileError};
use crate::verdict::{Identity, Reason, Verdict};

/// Everything a verification needs besides the command line.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// Which layers apply.
    pub layers: Layers<'a>,
    /// Time, leeway, app id, claimed user id, mode.
    pub ctx: Context,
    /// The configured keys (public or shared; private parts are never sent to the verifier).
    pub keys: Vec<Jwk>,
    /// The token, or none when the client presents none.
    pub token: Option<&'a str>,
}

/// Why a verification could not run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The profile needs configuration the request lacks (`--app-id`).
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The reference engine panicked (a defect of this crate).
    #[error("the reference engine panicked: {message}")]
    Panicked { message: String },
}

impl VerifyError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Profile(e) => e.code(),
            VerifyError::Panicked { .. } => "panicked",
        }
    }
}

/// Runs the reference engine and explains its verdict; the token is also tried under the
/// published secrets.
pub fn verify(request: &Request<'_>) -> Result<Report, VerifyError> {
    verify_with(request, &[])
}

/// [`verify`], trying `secrets` (`--secrets`) after the published secrets.
pub fn verify_with(request: &Request<'_>, secrets: &[Candidate]) -> Result<Report, VerifyError> {
    let keys: Vec<Jwk> = request.keys.iter().map(Jwk::public).collect();
    let ctx = &request.ctx;
    let (verdict, scope) = match request.layers {
        Layers::Provider(profile) => {
            let verdict = judge(profile, ctx, request.token, &keys, &Reference::default())
                .map_err(|e| match e {
                    JudgeError::Profile(p) => VerifyError::Profile(p),
                    other => VerifyError::Panicked {
                        message: other.to_string(),
                    },
                })?;
            (verdict, profile.id.clone())
        }
        Layers::Jwt(algorithms) => (
            jwt_verdict(algorithms, ctx, &keys, request.token),
            "jwt".into(),
        ),
        Layers::Jws(algorithms) => (jws_verdict(algorithms, &keys, request.token), "jws".into()),
    };
    let mut checks = explain(request.layers, ctx, Signature::Keys(&keys), request.token);
    let profile: Option<&Profile> = match request.layers {
        Layers::Provider(p) => Some(p),
        _ => None,
    };
    if let Some(check) = profile.and_then(|p| mode_check(p, ctx, &verdict)) {
        checks.push(check);
    }
    let warnings = match request.token {
        Some(token) => lint(&LintInput {
            token,
            profile,
            now: ctx.now,
            leeway: ctx.leeway,
            keys: Some(&request.keys),
            secrets,
        }),
        None => Vec::new(),
    };
    Ok(Report {
        scope,
        has_identity: profile.is_some(),
        verdict,
        checks,
        warnings,
        signature_checked: true,
    })
}

fn verified_without_identity() -> Verdict {
    Verdict::Verified {
        identity: Identity::default(),
    }
}

/// Layers 1–5 through the reference implementation, as the runner does for JOSE-level cases.
fn jwt_verdict(algorithms: &[Alg], ctx: &Context, keys: &[Jwk], token: Option<&str>) -> Verdict {
    let Some(token) = token else {
        return Verdict::Rejected {
            reason: Reason::TokenMissing,
        };
    };
    let request = VerifyRequest {
        id: "idjwt".into(),
        token: token.to_owned(),
        algorithms: algorithms.iter().map(|a| a.as_str().to_owned()).collect(),
        keys: keys.to_vec(),
        now: ctx.now,
        leeway: ctx.leeway,
        required: Vec::new(),
        issuer: None,
        audience: None,
        mode: Default::default(),
        provider: None,
        jwks: None,
    };
    match Reference::default().verify(&request) {
        Ok(_) => verified_without_identity(),
        Err(f) => Verdict::Rejected { reason: f.into() },
    }
}

/// Layers 1–4 only.
fn jws_verdict(algorithms: &[Alg], keys: &[Jwk], token: Option<&str>) -> Verdict {
    let Some(token) = token else {
        return Verdict::Rejected {
            reason: Reason::TokenMissing,
        };
    };
    let set = match KeySet::from_jwks_list(keys) {
        Ok(set) => set,
        Err(e) => {
            return Verdict::Rejected {
                reason: Reason::InvalidKey {
                    problem: e.to_string(),
                },
            }
        }
    };
    let options = JwsOptions {
        algorithms,
        keys: &set,
        limits: Limits::default(),
    };
    match engine::verify_jws(token, &options) {
        Ok(_) => verified_without_identity(),
        Err(reason) => Verdict::Rejected { reason },
    }
}
