//! What every property shares: the implementations under test, test keys, contexts, the run
//! configuration, and judging one token through the contract.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use idjwt::contract::{Description, Failure, Implementation, Jwk};
use idjwt::engine::keys::Key;
use idjwt::engine::provider::{verify_through, Context, NoVerdict};
use idjwt::engine::Alg;
use idjwt::guard;
use idjwt::impls::builtins;
use idjwt::profile::{Config, Profile};
use idjwt::{Reason, Verdict};
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, TestCaseError};

/// The application id every context configures (Privy's audience, OneSignal's issuer).
pub const APP_ID: &str = "properties-app";

/// The run configuration of a property: the case count and every other knob come from
/// proptest's defaults and its `PROPTEST_*` environment variables; only where failures are
/// kept is fixed (`harness/proptest-regressions/<name>.txt`, committed).
pub fn config(regressions: &'static str) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..ProptestConfig::default()
    }
}

/// One built-in implementation and what it says about itself.
pub struct Subject {
    pub imp: Box<dyn Implementation>,
    pub desc: Description,
}

impl Subject {
    pub fn name(&self) -> &str {
        &self.desc.name
    }

    /// Why this implementation is left out of a check it declared it cannot enforce.
    pub fn cannot(&self, check: Option<&str>) -> bool {
        check.is_some_and(|c| self.desc.limitation(c).is_some())
    }
}

/// Every built-in implementation compiled in, the reference first.
pub fn subjects() -> &'static [Subject] {
    static ALL: OnceLock<Vec<Subject>> = OnceLock::new();
    ALL.get_or_init(|| {
        builtins()
            .into_iter()
            .map(|imp| Subject {
                desc: imp.describe(),
                imp,
            })
            .collect()
    })
}

/// The reference engine behind the contract.
pub fn reference() -> &'static Subject {
    &subjects()[0]
}

/// The current time in whole seconds: implementations with a system clock verify against it.
pub fn wall_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// TEST KEY: the deterministic key of `alg`'s family a profile's tokens are signed with.
pub fn test_key(alg: Alg, profile: &Profile) -> Key {
    Key::test_for(alg, &format!("properties-{}", profile.id))
}

/// The configured verification keys of a profile: its test key, public half only.
pub fn configured_keys(profile: &Profile) -> Vec<Jwk> {
    vec![test_key(profile.signing_alg(), profile).public_jwk()]
}

/// An algorithm the profile does not allow, if the engine has one.
pub fn disallowed_alg(profile: &Profile) -> Option<Alg> {
    Alg::ALL
        .into_iter()
        .find(|a| !profile.algorithms.allowed.contains(a))
}

/// A context at `now` with the test app id.
pub fn context(now: i64, leeway: u64, claimed_user_id: Option<String>) -> Context {
    Context {
        config: Config {
            app_id: Some(APP_ID.to_owned()),
        },
        claimed_user_id,
        now,
        leeway,
        ..Context::default()
    }
}

/// What one implementation made of one token.
#[derive(Debug)]
pub struct Judged {
    /// The implementation's own answer, before the profile layer.
    pub answer: Result<(), Failure>,
    /// The verdict after the profile layer and the enforcement mode.
    pub verdict: Verdict,
}

impl Judged {
    /// The rejection code, if rejected.
    pub fn code(&self) -> Option<&str> {
        self.verdict.reason().map(Reason::code)
    }
}

/// Verifies `token` through `subject` under `profile` and applies the profile, as
/// [`idjwt::engine::provider::judge`] does, keeping the implementation's own answer too. A
/// panic is a test failure.
pub fn judge(
    subject: &Subject,
    profile: &Profile,
    ctx: &Context,
    token: &str,
    keys: &[Jwk],
) -> Result<Judged, TestCaseError> {
    let mut answer = None;
    let judged = verify_through(profile, ctx, "property", Some(token), keys, |request| {
        let got = guard::catch(|| subject.imp.verify(request))?;
        answer = Some(got.as_ref().map(|_| ()).map_err(Clone::clone));
        Ok(got)
    })
    .map_err(|e: NoVerdict<String>| match e {
        NoVerdict::Profile(e) => TestCaseError::fail(format!("profile {}: {e}", profile.id)),
        NoVerdict::Broke(panic) => TestCaseError::fail(format!(
            "{} panicked verifying {token:?}: {panic}",
            subject.name()
        )),
    })?;
    Ok(Judged {
        answer: answer.unwrap_or_else(|| {
            Err(Failure::message(
                "the enforcement mode decided without consulting the token",
            ))
        }),
        verdict: judged.verdict,
    })
}
