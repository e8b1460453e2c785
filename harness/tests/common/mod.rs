//! Shared fixtures for the integration tests: test keys, contexts and token minting.
#![allow(dead_code)]

use idjwt::contract::{Implementation, Jwk};
use idjwt::engine::keys::Key;
use idjwt::engine::provider::{judge, Context};
use idjwt::engine::{sign_raw, Alg};
use idjwt::profile::{builtin, Config, Mode, Profile};
use idjwt::Verdict;
use serde_json::{Map, Value};

/// A pinned verification time: 2023-11-14T22:13:20Z.
pub const NOW: i64 = 1_700_000_000;
/// The app id every test context configures.
pub const APP_ID: &str = "test-app-id";
/// The user every canonical token names.
pub const USER: &str = "user-1";

/// One provider profile with test keys and a context pinned at [`NOW`].
pub struct Fixture {
    pub profile: &'static Profile,
    /// The signing key (TEST KEY: derived from a fixed label, never secret).
    pub key: Key,
    /// The configured verification keys.
    pub keys: Vec<Jwk>,
    pub ctx: Context,
}

/// A deterministic test key of the family `alg` needs.
pub fn test_key(alg: Alg, label: &str) -> Key {
    Key::test_for(alg, label)
}

impl Fixture {
    pub fn new(id: &str) -> Fixture {
        let profile = builtin(id).unwrap();
        let key = test_key(profile.signing_alg(), &format!("{id}-key-1"));
        Fixture {
            profile,
            keys: vec![key.public_jwk()],
            key,
            ctx: Context {
                config: Config {
                    app_id: Some(APP_ID.into()),
                },
                now: NOW,
                ..Context::default()
            },
        }
    }

    pub fn claims(&self) -> Map<String, Value> {
        self.profile
            .canonical_claims(USER, &self.ctx.config, self.ctx.now)
            .unwrap()
    }

    pub fn header(&self) -> Map<String, Value> {
        self.profile
            .signing_header(self.key.kid.as_deref())
            .unwrap()
    }

    /// The canonical token after `edit` changed its header members and claims.
    pub fn token_with(
        &self,
        edit: impl FnOnce(&mut Map<String, Value>, &mut Map<String, Value>),
    ) -> String {
        let alg = self.profile.signing_alg();
        let mut header = Map::new();
        header.insert("alg".into(), Value::String(alg.as_str().into()));
        header.extend(self.header());
        let mut claims = self.claims();
        edit(&mut header, &mut claims);
        let payload = serde_json::to_vec(&claims).unwrap();
        sign_raw(alg, &self.key, &header, &payload).unwrap()
    }

    pub fn token(&self) -> String {
        self.token_with(|_, _| {})
    }

    pub fn verdict_by(&self, imp: &dyn Implementation, token: Option<&str>) -> Verdict {
        judge(self.profile, &self.ctx, token, &self.keys, imp).unwrap()
    }

    pub fn verdict(&self, token: Option<&str>) -> Verdict {
        self.verdict_by(&idjwt::impls::reference::Reference::default(), token)
    }

    /// `verified`, or the rejection's reason code (`unverified:<code>` for fallbacks).
    pub fn outcome(&self, token: &str) -> String {
        outcome(&self.verdict(Some(token)))
    }

    /// The outcome of the canonical token after `edit`.
    pub fn outcome_with(
        &self,
        edit: impl FnOnce(&mut Map<String, Value>, &mut Map<String, Value>),
    ) -> String {
        self.outcome(&self.token_with(edit))
    }

    pub fn with_mode(mut self, mode: Mode) -> Fixture {
        self.ctx.mode = Some(mode);
        self
    }
}

pub fn outcome(v: &Verdict) -> String {
    match v {
        Verdict::Verified { .. } => "verified".into(),
        Verdict::Unverified { why, .. } => format!("unverified:{}", why.code()),
        Verdict::Rejected { reason } => reason.code().into(),
    }
}

/// `serde_json::json!` as an object.
pub fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

/// The report `idjwt verify` gives on a golden vector: its keys, context, clock and token, through
/// the CLI's own code path. For a case that publishes its keys they are loaded as
/// `--jwks-url` loads them (one fetch per command: a warm-up command first when the case has
/// one); `Err` is the error such a command stops with, verifying nothing (exit 2).
pub fn cli_report(case: &idjwt::suite::case::Case) -> Result<idjwt::cli::report::Report, String> {
    use idjwt::cli::explain::Layers;
    use idjwt::cli::verify::{verify, Request};
    let algorithms: Vec<Alg> = case
        .algorithms
        .iter()
        .map(|a| Alg::from_name(a).expect("a known algorithm"))
        .collect();
    let layers = match &case.provider {
        Some(p) => Layers::Provider(builtin(p).expect("a built-in profile")),
        None => Layers::Jwt(&algorithms),
    };
    let keys = match &case.published {
        None => case.keys.clone(),
        Some(_) => published_keys(case)?,
    };
    let request = Request {
        layers,
        ctx: case.context(),
        keys,
        token: case.token.as_deref(),
    };
    Ok(verify(&request).unwrap_or_else(|e| panic!("{}: {e}", case.id)))
}

/// The keys `idjwt verify --jwks-url` loads for a case that publishes its keys, or the error
/// it stops with.
fn published_keys(case: &idjwt::suite::case::Case) -> Result<Vec<idjwt::Jwk>, String> {
    use idjwt::cli::args::KeyArgs;
    use idjwt::cli::keyfile::{load, public_jwks};
    use idjwt::suite::publisher::verify_as_published;
    verify_as_published(case, case.jose_request(), |request| {
        let url = request.jwks.as_ref().expect("a published case").url.clone();
        let args = KeyArgs {
            jwks_urls: vec![url],
            jwks_timeout_ms: request.jwks.as_ref().map(|j| j.timeout_ms),
            ..Default::default()
        };
        load(&args, &|_| None).map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| panic!("{}: {e}", case.id))
    .map(|keys| public_jwks(&keys))
}
