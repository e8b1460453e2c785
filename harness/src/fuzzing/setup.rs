//! The providers, keys and contexts every target verifies against: the golden vectors' own
//! TEST KEYS, so that tokens seeded from the vectors reach the deep layers.

use std::sync::OnceLock;

use crate::contract::{Implementation, Jwk, KeyUse, PreparedKeys};
use crate::engine::keys::{Key, KeySet};
use crate::engine::provider::Context;
use crate::engine::Alg;
use crate::impls::reference::Reference;
use crate::profile::{Config, Mode, Profile};
use crate::suite::generate::draft::{test_key, P};
use crate::suite::generate::APP_ID;

/// One built-in provider as the targets configure it.
pub(crate) struct Provider {
    pub profile: &'static Profile,
    /// The key a conformant signer uses (`<provider>-key-1`).
    pub signing: Key,
    /// The rotation key (`<provider>-key-2`), also configured.
    pub rotation: Key,
    /// A key of the other algorithm's family, also configured: the profile's algorithm list
    /// alone must keep it from verifying anything.
    pub other_family: Key,
    /// A key of the provider's family that nobody configured.
    pub attacker: Key,
    /// Every configured key.
    pub keys: KeySet,
    /// Every configured key as a JWK (what a verify request carries).
    pub jwks: Vec<Jwk>,
    /// `jwks` as the reference prepares them, once per process: loading an EC key costs more
    /// than most inputs take to refuse.
    pub reference_keys: PreparedKeys,
}

impl Provider {
    pub fn alg(&self) -> Alg {
        self.profile.signing_alg()
    }
}

/// The built-in providers, configured once per process.
pub(crate) fn providers() -> &'static [Provider] {
    static PROVIDERS_CONFIGURED: OnceLock<Vec<Provider>> = OnceLock::new();
    PROVIDERS_CONFIGURED.get_or_init(|| {
        crate::profile::builtin_ids()
            .map(|id| {
                let p = P::get(id);
                let other = test_key(p.other_alg(), &format!("{id}-other-family"));
                let configured = vec![p.key(1), p.key(2), other.clone()];
                let jwks: Vec<Jwk> = configured.iter().map(Key::to_jwk).collect();
                Provider {
                    profile: p.profile,
                    signing: p.key(1),
                    rotation: p.key(2),
                    other_family: other,
                    attacker: p.attacker(),
                    reference_keys: Reference::default().prepare(KeyUse::Verify, &jwks),
                    jwks,
                    keys: KeySet::new(configured),
                }
            })
            .collect()
    })
}

/// The configuration every target passes (the app id Privy and OneSignal take).
pub(crate) fn config() -> Config {
    Config {
        app_id: Some(APP_ID.to_owned()),
    }
}

/// A verification context at `now`.
pub(crate) fn context(now: i64, mode: Mode, leeway: u64, claimed_user_id: Option<&str>) -> Context {
    Context {
        config: config(),
        claimed_user_id: claimed_user_id.map(str::to_owned),
        mode: Some(mode),
        now,
        leeway,
    }
}

#[cfg(test)]
mod tests {
    use super::providers;

    /// A fuzz target configures every provider on its first input: an RSA key whose primes are
    /// not committed would be searched for there, for seconds in an instrumented build.
    #[test]
    fn every_rsa_key_the_targets_configure_is_committed() {
        let mut rsa_keys = 0;
        for p in providers() {
            for key in [&p.signing, &p.rotation, &p.other_family, &p.attacker] {
                let (Some(public), Some(label)) = (key.rsa_public(), key.kid.as_deref()) else {
                    continue;
                };
                let e = public.e().iter().fold(0u32, |e, b| e << 8 | u32::from(*b));
                assert!(
                    crate::engine::rsa::committed_test_primes(label, public.bits(), e).is_some(),
                    "{label}: run `cargo xtask vectors`"
                );
                rsa_keys += 1;
            }
        }
        assert!(rsa_keys >= 9, "{rsa_keys}");
    }
}
