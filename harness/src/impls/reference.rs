//! The `reference` implementation: the strict engine behind the contract.

use crate::contract::{
    Clock, Decoded, Description, Failure, Implementation, SignRequest, VerifyRequest,
};
use crate::engine::claims::ClaimChecks;
use crate::engine::keys::{Key, KeySet};
use crate::engine::{self, Alg, JwsOptions, Limits};

/// The reference engine (the oracle), enforcing every check of policy.md.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reference {
    /// Size and depth limits.
    pub limits: Limits,
}

fn key_failure(e: engine::keys::KeyError) -> Failure {
    Failure {
        error: e.to_string(),
        reason: Some("invalid_key".into()),
    }
}

impl Implementation for Reference {
    fn describe(&self) -> Description {
        Description {
            name: "reference".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            algorithms: Alg::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
            clock: Clock::Injected,
            cannot_enforce: Vec::new(),
        }
    }

    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        let alg = Alg::from_name(&request.alg)
            .ok_or_else(|| Failure::message(format!("cannot sign with alg {:?}", request.alg)))?;
        let key = Key::from_jwk(&request.key).map_err(key_failure)?;
        Ok(engine::sign_jwt(
            alg,
            &key,
            &request.header,
            &request.claims,
        )?)
    }

    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        // Names the engine does not implement can never match a token's alg; drop them.
        let algorithms: Vec<Alg> = request
            .algorithms
            .iter()
            .filter_map(|name| Alg::from_name(name))
            .collect();
        let keys = KeySet::from_jwks_list(&request.keys).map_err(key_failure)?;
        let options = JwsOptions {
            algorithms: &algorithms,
            keys: &keys,
            limits: self.limits,
        };
        let checks = ClaimChecks {
            now: request.now,
            leeway: request.leeway,
            required: &request.required,
            issuer: request.issuer.as_deref(),
            audience: request.audience.as_deref(),
        };
        Ok(engine::verify_jwt(&request.token, &options, &checks)?)
    }
}
