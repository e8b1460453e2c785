//! The `reference` implementation: the strict engine behind the contract.
//!
//! Loading a JWK is the costliest part of a request after the signature itself (an EC private
//! key's public point is recomputed and compared; an HMAC key is hashed into its keyed state), so
//! the reference prepares keys like every other implementation: loaded once into a [`KeySet`],
//! kept by whoever sends many requests with them ([`crate::contract::KeyCache`]). A request
//! whose keys are published at a URL (`jwks`) is verified with the set a client kept per URL
//! fetched ([`RemoteJwks`], policy.md §4.20).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::contract::prepared::{sign_unprepared, verify_unprepared};
use crate::contract::{
    Clock, Decoded, Description, Failure, Implementation, Jwk, JwksSource, KeyUse, PreparedKeys,
    SignRequest, VerifyMode, VerifyRequest,
};
use crate::engine::keys::{Key, KeyError, KeySet};
use crate::engine::{self, Alg, JwsOptions, Limits};
use crate::suite::remote_jwks::RemoteJwks;

/// The reference engine (the oracle), enforcing every check of policy.md.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reference {
    /// Size and depth limits.
    pub limits: Limits,
}

/// The loaded keys, or why they did not load (reported by the request that uses them).
type Loaded = Result<KeySet, Failure>;

fn key_failure(e: KeyError) -> Failure {
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
            fetches_jwks: true,
            ..Default::default()
        }
    }

    fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
        sign_unprepared(self, request)
    }

    fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
        verify_unprepared(self, request)
    }

    fn prepare(&self, key_use: KeyUse, keys: &[Jwk]) -> PreparedKeys {
        let loaded: Loaded = match key_use {
            // A signing key is named by itself, not by its place in a list.
            KeyUse::Sign => keys
                .iter()
                .map(Key::from_jwk)
                .collect::<Result<_, _>>()
                .map(KeySet::new),
            KeyUse::Verify => KeySet::from_jwks_list(keys),
        }
        .map_err(key_failure);
        PreparedKeys::new(loaded)
    }

    fn sign_prepared(&self, keys: &PreparedKeys, request: &SignRequest) -> Result<String, Failure> {
        let alg = Alg::from_name(&request.alg)
            .ok_or_else(|| Failure::message(format!("cannot sign with alg {:?}", request.alg)))?;
        let set = keys.get::<Loaded>()?.as_ref().map_err(Clone::clone)?;
        match set.keys().first() {
            Some(key) => Ok(engine::sign_jwt(
                alg,
                key,
                &request.header,
                &request.claims,
            )?),
            // A one-JWK list loads into a one-key set.
            None => Err(crate::Reason::NoKey {
                alg: alg.as_str().into(),
            }
            .into()),
        }
    }

    fn verify_prepared(
        &self,
        keys: &PreparedKeys,
        request: &VerifyRequest,
    ) -> Result<Decoded, Failure> {
        let fetched;
        let keys = match &request.jwks {
            Some(source) => {
                fetched = fetch_keys(source, &request.token)?;
                &fetched
            }
            None => keys.get::<Loaded>()?.as_ref().map_err(Clone::clone)?,
        };
        // Names the engine does not implement can never match a token's alg; drop them.
        let algorithms: Vec<Alg> = request
            .algorithms
            .iter()
            .filter_map(|name| Alg::from_name(name))
            .collect();
        let options = JwsOptions {
            algorithms: &algorithms,
            keys,
            limits: self.limits,
        };
        Ok(engine::verify_jwt(
            &request.token,
            &options,
            &request.claim_checks(),
        )?)
    }
}

/// The key set published at `source.url` for `token`, through a client kept per URL as an
/// application keeps its JWKS client: fetched on first use, and again once for a `kid` it does
/// not hold when the last fetch is `refetch_after` old (policy.md §4.20).
fn fetch_keys(source: &JwksSource, token: &str) -> Result<KeySet, Failure> {
    /// Clients kept at once; beyond that the oldest are dropped (each case has a URL of its own).
    const KEPT: usize = 256;
    static CLIENTS: Mutex<Vec<(String, Arc<RemoteJwks>)>> = Mutex::new(Vec::new());
    let unavailable = |problem: String| {
        Failure::from(crate::Reason::KeySetUnavailable {
            url: source.url.clone(),
            problem,
        })
    };
    let client = {
        let mut clients = CLIENTS.lock().unwrap_or_else(|e| e.into_inner());
        match clients.iter().find(|(url, _)| *url == source.url) {
            Some((_, client)) => Arc::clone(client),
            None => {
                let limits = crate::suite::http::Limits {
                    timeout: Duration::from_millis(source.timeout_ms),
                    ..Default::default()
                };
                let refetch_after = Duration::from_secs(source.refetch_after);
                let client = RemoteJwks::new(&source.url, limits, refetch_after)
                    .map_err(|e| unavailable(e.problem()))?;
                let client = Arc::new(client);
                if clients.len() >= KEPT {
                    clients.remove(0);
                }
                clients.push((source.url.clone(), Arc::clone(&client)));
                client
            }
        }
    };
    let header = header_of(token);
    let kid = header
        .as_ref()
        .and_then(|h| h.get("kid"))
        .and_then(|k| k.as_str());
    client
        .keys_for(kid)
        .map(|(set, _)| set)
        .map_err(|e| unavailable(e.problem()))
}

/// The token's header as JSON, if it reads as one; the verifier reports whatever does not.
fn header_of(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let segment = token.split('.').next()?;
    let bytes = engine::compact::decode_segment(segment, crate::verdict::Part::Header).ok()?;
    serde_json::from_slice(&bytes).ok()
}
