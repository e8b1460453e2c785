//! Fixtures for the criterion benchmarks (`benches/throughput.rs`, run by `cargo xtask bench`).
//!
//! Every measured operation works on one provider's typical token: the profile's canonical
//! claims for a fixed user, its signing header and its TEST signing key, exactly as signer
//! conformance builds them. Fixtures are checked once before anything is timed, so that no
//! benchmark ever measures an error path.

pub mod floors;
pub mod pipe;

use idjwt::contract::{Implementation, Jwk, KeyUse, SignRequest, VerifyRequest};
use idjwt::engine::keys::Key;
use idjwt::engine::provider::{verify_request, Context};
use idjwt::engine::{compact, sign_jwt, Alg};
use idjwt::profile::{builtins, Config, Profile};
use idjwt::suite::signer::{signing_key, SIGNER_APP_ID, SIGNER_USER};
use serde_json::{Map, Value};

/// One provider's typical token and everything needed to sign and verify it.
pub struct Fixture {
    /// The provider id (`drift`, `privy`, …).
    pub provider: &'static str,
    /// The provider's signing algorithm.
    pub alg: Alg,
    /// The TEST signing key (private for ES256).
    pub key: Key,
    /// Header members besides `alg`, as the profile writes them.
    pub header: Map<String, Value>,
    /// The canonical claims.
    pub claims: Map<String, Value>,
    /// The reference's token for these claims.
    pub token: String,
    /// The protocol v1 sign request for these claims.
    pub sign: SignRequest,
    /// The protocol v1 verify request for `token`, as the profile asks for it.
    pub verify: VerifyRequest,
}

impl Fixture {
    /// `BASE64URL(header) "." BASE64URL(payload)` of [`Fixture::token`].
    pub fn signing_input(&self) -> &str {
        self.token
            .rfind('.')
            .map_or(self.token.as_str(), |dot| &self.token[..dot])
    }

    /// The decoded signature of [`Fixture::token`].
    pub fn signature(&self) -> Vec<u8> {
        let encoded = self.token.rsplit('.').next().unwrap_or_default();
        compact::decode_segment(encoded, idjwt::verdict::Part::Signature).unwrap_or_default()
    }

    /// The verify request's keys, for implementations measured without the contract.
    pub fn public_jwks(&self) -> &[Jwk] {
        &self.verify.keys
    }
}

/// The fixtures of every built-in provider, valid for an hour from `now` (seconds since the
/// epoch): implementations that read the system clock verify them too.
pub fn fixtures(now: i64) -> Result<Vec<Fixture>, String> {
    builtins().iter().map(|p| fixture(p, now)).collect()
}

fn fixture(profile: &'static Profile, now: i64) -> Result<Fixture, String> {
    let key = signing_key(profile);
    let alg = profile.signing_alg();
    let ctx = Context {
        config: Config {
            app_id: Some(SIGNER_APP_ID.into()),
        },
        now,
        ..Context::default()
    };
    let header = profile
        .signing_header(key.kid.as_deref())
        .map_err(|e| format!("{}: {e}", profile.id))?;
    let claims = profile
        .canonical_claims(SIGNER_USER, &ctx.config, now)
        .map_err(|e| format!("{}: {e}", profile.id))?;
    let token =
        sign_jwt(alg, &key, &header, &claims).map_err(|e| format!("{}: {e}", profile.id))?;
    let sign = SignRequest {
        id: format!("bench-sign-{}", profile.id),
        alg: alg.as_str().to_owned(),
        key: key.to_jwk(),
        header: header.clone(),
        claims: claims.clone(),
        provider: None,
    };
    let verify = verify_request(
        profile,
        &ctx,
        &format!("bench-verify-{}", profile.id),
        &token,
        &[key.to_jwk()],
    )
    .map_err(|e| format!("{}: {e}", profile.id))?;
    Ok(Fixture {
        provider: builtin_id(profile),
        alg,
        key,
        header,
        claims,
        token,
        sign,
        verify,
    })
}

/// The `'static` id of a built-in profile (criterion ids and the summary use it).
fn builtin_id(profile: &Profile) -> &'static str {
    idjwt::profile::builtin_ids()
        .find(|id| *id == profile.id)
        .unwrap_or("custom")
}

/// Why `imp` cannot be measured on `fixture` (its sign or verify fails), if it cannot.
///
/// A library that refuses a provider's typical token is reported, not timed: timing an error
/// path would flatter it.
pub fn unusable(imp: &dyn Implementation, fixture: &Fixture) -> Option<String> {
    let description = imp.describe();
    if !description
        .algorithms
        .iter()
        .any(|a| a == fixture.alg.as_str())
    {
        return Some(format!("does not implement {}", fixture.alg));
    }
    // The prepared path, which the benchmarks time.
    let keys = imp.prepare(KeyUse::Sign, std::slice::from_ref(&fixture.sign.key));
    if let Err(e) = imp.sign_prepared(&keys, &fixture.sign) {
        return Some(format!("sign failed: {}", e.error));
    }
    let keys = imp.prepare(KeyUse::Verify, &fixture.verify.keys);
    if let Err(e) = imp.verify_prepared(&keys, &fixture.verify) {
        return Some(format!("verify failed: {}", e.error));
    }
    None
}

/// The seconds since the epoch now (the fixtures' `now`).
pub fn wall_clock() -> i64 {
    idjwt::engine::wall_clock()
}
