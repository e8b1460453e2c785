//! The reference engine as a provider-level implementation: it is told the profile and answers
//! with the user, as a provider's SDK or a team's verification service does.
//!
//! It exists so that the provider level of the protocol has an implementation that is right by
//! construction (`idjwt-serve --impl reference-provider`), against which the harness's own side
//! of that level is tested, and as a model for adapters that wrap a whole verifier.

use crate::contract::{
    Description, Failure, Implementation, Level, ProviderAnswer, SignRequest, VerifyRequest,
};
use crate::engine::keys::Key;
use crate::engine::provider::{verify_through, Context, NoVerdict};
use crate::engine::{self, wall_clock};
use crate::guard;
use crate::impls::reference::Reference;
use crate::profile::{builtin, builtins, Config};
use crate::verdict::Verdict;

/// The names of the provider-level implementations.
pub const NAMES: [&str; 1] = ["reference-provider"];

/// The provider-level implementation with this name (see [`NAMES`]).
pub fn by_name(name: &str) -> Option<Box<dyn Implementation>> {
    match name {
        "reference-provider" => Some(Box::new(ReferenceProvider)),
        _ => None,
    }
}

/// The reference engine behind the provider-level protocol, for every built-in profile.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReferenceProvider;

impl Implementation for ReferenceProvider {
    fn describe(&self) -> Description {
        Description {
            name: "reference-provider".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            algorithms: engine::Alg::ALL
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            level: Level::Provider,
            profiles: builtins().iter().map(|p| p.id.clone()).collect(),
            ..Description::default()
        }
    }

    /// Signs the profile's canonical claims for the requested user at the wall clock, with the
    /// requested attributes as further claims.
    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        let Some(subject) = &request.provider else {
            return Err(Failure::message(
                "a provider-level signer needs the request's `provider`",
            ));
        };
        let profile = builtin(&subject.profile).map_err(|e| Failure::message(e.to_string()))?;
        let key = Key::from_jwk(&request.key).map_err(|e| Failure::message(e.to_string()))?;
        let config = Config {
            app_id: subject.app_id.clone(),
        };
        let header = profile
            .signing_header(key.kid.as_deref())
            .map_err(|e| Failure::message(e.to_string()))?;
        let mut claims = profile
            .canonical_claims(&subject.user_id, &config, wall_clock())
            .map_err(|e| Failure::message(e.to_string()))?;
        claims.extend(subject.attributes.clone());
        engine::sign_jwt(profile.signing_alg(), &key, &header, &claims).map_err(Failure::from)
    }

    fn verify(&self, _: &VerifyRequest) -> Result<crate::contract::Decoded, Failure> {
        Err(Failure::message(
            "reference-provider answers provider-level requests only",
        ))
    }

    fn verify_provider(&self, request: &VerifyRequest) -> Result<ProviderAnswer, Failure> {
        let Some(given) = &request.provider else {
            return Err(Failure::message("the request has no `provider`"));
        };
        let profile = builtin(&given.profile).map_err(|e| Failure::message(e.to_string()))?;
        let ctx = Context {
            config: Config {
                app_id: given.app_id.clone(),
            },
            claimed_user_id: given.claimed_user.clone(),
            mode: Some(given.mode),
            now: request.now,
            leeway: request.leeway,
        };
        let token = (!request.token.is_empty()).then_some(request.token.as_str());
        let judged = verify_through(profile, &ctx, &request.id, token, &request.keys, |r| {
            guard::catch(|| Reference::default().verify(r))
        });
        match judged {
            Ok(judged) => match judged.verdict {
                Verdict::Verified { identity } => Ok(ProviderAnswer::Verified(identity)),
                Verdict::Unverified { why, .. } => Ok(ProviderAnswer::Unverified(why.into())),
                Verdict::Rejected { reason } => Err(reason.into()),
            },
            Err(NoVerdict::Profile(e)) => Err(Failure::message(e.to_string())),
            Err(NoVerdict::Broke(message)) => Err(Failure::message(message)),
        }
    }
}
