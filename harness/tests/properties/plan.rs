//! A token to be made: profile, algorithm, header, claims and the client's claimed user id.
//!
//! Strategies build plans at a pinned time, [`BASE_NOW`]; a property moves the dates to the
//! time it verifies at ([`Plan::claims_at`]), so implementations that read the system clock see
//! the same token, relative to their `now`, as those that are given one.

use std::fmt;

use idjwt::contract::{Jwk, SignRequest};
use idjwt::engine::keys::Key;
use idjwt::engine::{compact, signature, Alg};
use idjwt::profile::Profile;
use serde_json::{Map, Value};

use crate::support::test_key;

/// The time strategies build dates around: 2023-11-14T22:13:20Z.
pub const BASE_NOW: i64 = 1_700_000_000;

/// Dates further than this from [`BASE_NOW`] are not moved: they stand for themselves
/// (out-of-range values, dates far in the past or future).
const MOVABLE: f64 = 20.0 * 366.0 * 86_400.0;

/// The registered NumericDate claims (RFC 7519 §4.1.4–6).
pub const DATE_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

#[derive(Clone)]
pub struct Plan {
    pub profile: &'static Profile,
    /// The algorithm the header names and the token is signed with.
    pub alg: Alg,
    /// The header members besides `alg`, in order.
    pub header: Map<String, Value>,
    /// The claims, with dates relative to [`BASE_NOW`].
    pub claims: Map<String, Value>,
    /// The user id the client claims beside the token.
    pub claimed_user_id: Option<String>,
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("profile", &self.profile.id)
            .field("alg", &self.alg)
            .field("header", &Value::Object(self.header.clone()).to_string())
            .field("claims", &Value::Object(self.claims.clone()).to_string())
            .field("claimed_user_id", &self.claimed_user_id)
            .finish()
    }
}

impl Plan {
    /// The plan of a canonical token: the profile's signing algorithm and header.
    pub fn new(profile: &'static Profile, claims: Map<String, Value>) -> Plan {
        let alg = profile.signing_alg();
        let key = test_key(alg, profile);
        let header = profile
            .signing_header(key.kid.as_deref())
            .unwrap_or_default();
        Plan {
            profile,
            alg,
            header,
            claims,
            claimed_user_id: None,
        }
    }

    /// The signing key: the profile's test key of the algorithm's family (TEST KEY).
    pub fn key(&self) -> Key {
        test_key(self.alg, self.profile)
    }

    /// The full header, `alg` first.
    pub fn full_header(&self) -> Map<String, Value> {
        let mut header = Map::new();
        header.insert("alg".into(), Value::String(self.alg.as_str().into()));
        header.extend(self.header.clone());
        header
    }

    /// The claims with every movable date moved from [`BASE_NOW`] to `now`.
    pub fn claims_at(&self, now: i64) -> Map<String, Value> {
        let mut claims = self.claims.clone();
        move_dates(&mut claims, now - BASE_NOW);
        claims
    }

    /// The token signed by the engine, with the header and claims serialised compactly.
    pub fn sign_at(&self, now: i64) -> String {
        let header = Value::Object(self.full_header()).to_string();
        let claims = Value::Object(self.claims_at(now)).to_string();
        sign_texts(self.alg, &self.key(), &header, &claims)
    }

    /// The protocol v1 request that asks an implementation to sign this plan at `now`.
    pub fn sign_request(&self, now: i64) -> SignRequest {
        SignRequest {
            id: "property-sign".into(),
            alg: self.alg.as_str().into(),
            key: self.key().to_jwk(),
            header: self.header.clone(),
            claims: self.claims_at(now),
            provider: None,
        }
    }

    /// The public key the verifier is configured with: the profile's, whatever signed.
    pub fn configured_keys(&self) -> Vec<Jwk> {
        crate::support::configured_keys(self.profile)
    }
}

/// A compact JWS over exactly these header and payload texts.
pub fn sign_texts(alg: Alg, key: &Key, header: &str, payload: &str) -> String {
    let mut token = compact::encode(header.as_bytes());
    token.push('.');
    token.push_str(&compact::encode(payload.as_bytes()));
    // Test keys always fit their own algorithm; a failure here is a broken fixture.
    let sig = signature::sign(alg, key, token.as_bytes()).expect("test key signs");
    token.push('.');
    token.push_str(&compact::encode(&sig));
    token
}

/// Moves the registered dates within [`MOVABLE`] of [`BASE_NOW`] by `delta` seconds, keeping
/// integers integers and fractions (quarters, exact in an f64) as they are.
pub fn move_dates(claims: &mut Map<String, Value>, delta: i64) {
    for name in DATE_CLAIMS {
        let Some(Value::Number(n)) = claims.get(name) else {
            continue;
        };
        let Some(v) = n.as_f64() else { continue };
        if (v - BASE_NOW as f64).abs() > MOVABLE {
            continue;
        }
        let moved = match n.as_i64() {
            Some(i) => Value::from(i + delta),
            None => Value::from(v + delta as f64),
        };
        claims.insert(name.to_owned(), moved);
    }
}
