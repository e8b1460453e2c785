//! The `reference` implementation: the strict engine behind the contract.
//!
//! Protocol v1 carries the keys as JWKs in every request. Loading one is the costliest part of a
//! request after the signature itself (an EC private key's public point is recomputed and
//! compared; an HMAC key is hashed into its keyed state), so each thread keeps the key sets of
//! its last few distinct key lists, found again by comparing the JWKs in full. Loading is a pure
//! function of the JWKs, so a cached set is exactly what loading again would give; failures are
//! not cached.

use std::cell::RefCell;

use crate::contract::{
    Clock, Decoded, Description, Failure, Implementation, Jwk, SignRequest, VerifyMode,
    VerifyRequest,
};
use crate::engine::keys::{Key, KeyError, KeySet};
use crate::engine::{self, Alg, JwsOptions, Limits};

/// How many key lists each thread keeps loaded.
const CACHED_KEY_SETS: usize = 16;

thread_local! {
    /// The most recently used key lists and their loaded sets, oldest first. The JWK texts
    /// (secret members included) live here as long as their sets.
    static KEY_SETS: RefCell<Vec<(Vec<Jwk>, KeySet)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the key set of `jwks`, loading it with `load` unless this thread has it.
fn with_key_set<T>(
    jwks: &[Jwk],
    load: impl FnOnce(&[Jwk]) -> Result<KeySet, KeyError>,
    f: impl FnOnce(&KeySet) -> T,
) -> Result<T, KeyError> {
    KEY_SETS.with(|cell| {
        let mut sets = cell.borrow_mut();
        let index = match sets.iter().rposition(|(list, _)| list.as_slice() == jwks) {
            Some(index) => index,
            None => {
                let set = load(jwks)?;
                if sets.len() == CACHED_KEY_SETS {
                    sets.remove(0);
                }
                sets.push((jwks.to_vec(), set));
                sets.len() - 1
            }
        };
        Ok(f(&sets[index].1))
    })
}

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
            // Its defaults are the policy: `verify` does the same in both modes.
            modes: VerifyMode::ALL.to_vec(),
            defaults_clock: None,
            ..Default::default()
        }
    }

    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        let alg = Alg::from_name(&request.alg)
            .ok_or_else(|| Failure::message(format!("cannot sign with alg {:?}", request.alg)))?;
        let load = |jwks: &[Jwk]| -> Result<KeySet, KeyError> {
            jwks.iter()
                .map(Key::from_jwk)
                .collect::<Result<_, _>>()
                .map(KeySet::new)
        };
        let signed = with_key_set(std::slice::from_ref(&request.key), load, |set| {
            match set.keys().first() {
                Some(key) => engine::sign_jwt(alg, key, &request.header, &request.claims),
                // A one-JWK list loads into a one-key set.
                None => Err(crate::Reason::NoKey {
                    alg: alg.as_str().into(),
                }),
            }
        })
        .map_err(key_failure)?;
        Ok(signed?)
    }

    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        // Names the engine does not implement can never match a token's alg; drop them.
        let algorithms: Vec<Alg> = request
            .algorithms
            .iter()
            .filter_map(|name| Alg::from_name(name))
            .collect();
        let checks = request.claim_checks();
        let verified = with_key_set(&request.keys, KeySet::from_jwks_list, |keys| {
            let options = JwsOptions {
                algorithms: &algorithms,
                keys,
                limits: self.limits,
            };
            engine::verify_jwt(&request.token, &options, &checks)
        })
        .map_err(key_failure)?;
        Ok(verified?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    fn cached() -> Vec<Vec<Jwk>> {
        KEY_SETS.with(|c| c.borrow().iter().map(|(list, _)| list.clone()).collect())
    }

    #[test]
    fn key_sets_are_loaded_once_per_thread_and_bounded() {
        let reference = Reference::default();
        let key = Key::test_hmac("cache");
        let claims: Map<String, serde_json::Value> = json!({"sub": "u", "exp": 2_000_000_000})
            .as_object()
            .cloned()
            .unwrap();
        let request = SignRequest {
            id: "s".into(),
            alg: "HS256".into(),
            key: key.to_jwk(),
            header: Map::new(),
            claims,
            provider: None,
        };
        let first = reference.sign(&request).unwrap();
        assert_eq!(reference.sign(&request).unwrap(), first);
        assert_eq!(cached(), vec![vec![key.to_jwk()]]);

        let verify = VerifyRequest {
            id: "v".into(),
            token: first.clone(),
            algorithms: vec!["HS256".into()],
            keys: vec![key.public_jwk()],
            now: 1_700_000_000,
            leeway: 0,
            required: vec!["sub".into()],
            issuer: None,
            audience: None,
            mode: Default::default(),
            provider: None,
        };
        assert_eq!(reference.verify(&verify).unwrap().claims["sub"], "u");
        assert_eq!(reference.verify(&verify).unwrap().claims["sub"], "u");
        // An oct JWK is its own public form: sign and verify share one entry.
        assert_eq!(cached().len(), 1);

        // A key that fails to load is refused every time and never cached.
        let mut broken = request.clone();
        broken.key.k = Some("not base64!".into());
        for _ in 0..2 {
            let failure = reference.sign(&broken).unwrap_err();
            assert_eq!(failure.reason.as_deref(), Some("invalid_key"));
        }
        assert_eq!(cached().len(), 1);

        // Other keys push out the oldest beyond the bound, and results do not change.
        for n in 0..CACHED_KEY_SETS {
            let mut other = request.clone();
            other.key = Key::test_hmac(&format!("cache-{n}")).to_jwk();
            reference.sign(&other).unwrap();
        }
        assert_eq!(cached().len(), CACHED_KEY_SETS);
        assert!(!cached().contains(&vec![key.to_jwk()]));
        assert_eq!(reference.sign(&request).unwrap(), first);
    }
}
