//! Prepared keys: an implementation turns a request's JWKs into its library's own key types once,
//! and signs or verifies many requests with them, as each library's documentation recommends.
//!
//! Preparation is part of the contract so that every implementation is measured alike on its
//! prepared path (the benchmarks time preparation as a row of its own), and so that a caller that
//! sends many requests with the same keys ([`KeyCache`]: `idjwt-serve`, the conformance runner)
//! prepares them once for every implementation, not only for the reference.
//!
//! Preparing never fails: a key that the library cannot read keeps its failure inside the
//! prepared value, and the request that needs that key reports it, at the point and in the words
//! the unprepared call would. A prepared call therefore answers exactly as `sign`/`verify` do.

use std::any::Any;
use std::sync::{Arc, Mutex};

use super::{Decoded, Failure, Implementation, Jwk, SignRequest, VerifyRequest};

/// What a key list is prepared for: signing needs the private half, verifying the public one,
/// and libraries keep them in different types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyUse {
    /// One key, to sign with ([`SignRequest::key`]).
    Sign,
    /// The configured keys, to verify with ([`VerifyRequest::keys`]).
    Verify,
}

/// Keys in an implementation's own types, made by [`Implementation::prepare`].
pub struct PreparedKeys {
    keys: Box<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for PreparedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Prepared keys hold secrets in library types; nothing of them is printed.
        f.write_str("PreparedKeys(<redacted>)")
    }
}

/// What an implementation that prepares nothing hands back.
struct NothingPrepared;

impl PreparedKeys {
    /// Wraps an implementation's prepared keys.
    pub fn new<T: Any + Send + Sync>(keys: T) -> PreparedKeys {
        PreparedKeys {
            keys: Box::new(keys),
        }
    }

    /// The prepared value of an implementation that prepares nothing (the trait's default).
    pub fn nothing() -> PreparedKeys {
        PreparedKeys::new(NothingPrepared)
    }

    /// The keys as the implementation that prepared them stored them; a failure if another
    /// implementation (or another type) prepared them.
    pub fn get<T: Any>(&self) -> Result<&T, Failure> {
        self.keys.downcast_ref::<T>().ok_or_else(|| {
            Failure::message(format!(
                "these keys were prepared by another implementation (expected {})",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// Signs `request` after preparing its key: what `sign` is for an implementation that prepares.
pub fn sign_unprepared(imp: &dyn Implementation, request: &SignRequest) -> Result<String, Failure> {
    let keys = imp.prepare(KeyUse::Sign, std::slice::from_ref(&request.key));
    imp.sign_prepared(&keys, request)
}

/// Verifies `request` after preparing its keys: what `verify` is for an implementation that
/// prepares.
pub fn verify_unprepared(
    imp: &dyn Implementation,
    request: &VerifyRequest,
) -> Result<Decoded, Failure> {
    let keys = imp.prepare(KeyUse::Verify, &request.keys);
    imp.verify_prepared(&keys, request)
}

/// A key list, its use, and what the implementation made of it.
type Entry = (KeyUse, Vec<Jwk>, Arc<PreparedKeys>);

/// How many key lists a [`KeyCache`] keeps prepared.
pub const CACHED_KEY_LISTS: usize = 16;

/// The prepared keys of the last few distinct key lists one implementation was sent, found again
/// by comparing the JWKs in full. Preparation is a pure function of the key list and its use, so
/// a cached value is exactly what preparing again gives. Shared by the threads of one caller; the
/// lock is never held while an implementation runs.
#[derive(Default)]
pub struct KeyCache {
    /// Most recently used last. The JWKs (secret members included) live as long as their entry.
    entries: Mutex<Vec<Entry>>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("entries", &self.lock().len())
            .finish()
    }
}

impl KeyCache {
    /// An empty cache.
    pub fn new() -> KeyCache {
        KeyCache::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        // A panic elsewhere cannot leave an entry half-written (entries are pushed whole), so a
        // poisoned lock still guards a sound list.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `imp`'s prepared keys for `jwks`, preparing them unless this cache has them.
    pub fn prepared(
        &self,
        imp: &dyn Implementation,
        key_use: KeyUse,
        jwks: &[Jwk],
    ) -> Arc<PreparedKeys> {
        {
            let mut entries = self.lock();
            if let Some(index) = entries
                .iter()
                .rposition(|(u, list, _)| *u == key_use && list.as_slice() == jwks)
            {
                let entry = entries.remove(index);
                let keys = Arc::clone(&entry.2);
                entries.push(entry);
                return keys;
            }
        }
        // Prepared outside the lock: a library that panics or hangs while reading a key must not
        // take the cache with it.
        let keys = Arc::new(imp.prepare(key_use, jwks));
        let mut entries = self.lock();
        if entries.len() >= CACHED_KEY_LISTS {
            entries.remove(0);
        }
        entries.push((key_use, jwks.to_vec(), Arc::clone(&keys)));
        keys
    }

    /// `imp.sign(request)`, on keys prepared once per key.
    pub fn sign(&self, imp: &dyn Implementation, request: &SignRequest) -> Result<String, Failure> {
        let keys = self.prepared(imp, KeyUse::Sign, std::slice::from_ref(&request.key));
        imp.sign_prepared(&keys, request)
    }

    /// `imp.verify(request)`, on keys prepared once per key list.
    pub fn verify(
        &self,
        imp: &dyn Implementation,
        request: &VerifyRequest,
    ) -> Result<Decoded, Failure> {
        let keys = self.prepared(imp, KeyUse::Verify, &request.keys);
        imp.verify_prepared(&keys, request)
    }

    /// How many key lists are prepared.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is prepared yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::keys::Key;
    use crate::impls::reference::Reference;
    use serde_json::{json, Map, Value};

    fn sign_request(key: &Key) -> SignRequest {
        let claims: Map<String, Value> = json!({"sub": "u", "exp": 2_000_000_000})
            .as_object()
            .cloned()
            .unwrap();
        SignRequest {
            id: "s".into(),
            alg: "HS256".into(),
            key: key.to_jwk(),
            header: Map::new(),
            claims,
            provider: None,
        }
    }

    #[test]
    fn a_cache_prepares_each_key_list_once_per_use_and_answers_as_the_plain_call() {
        let reference = Reference::default();
        let cache = KeyCache::new();
        let key = Key::test_hmac("cache");
        let request = sign_request(&key);
        let token = reference.sign(&request).unwrap();
        assert_eq!(cache.sign(&reference, &request).unwrap(), token);
        assert_eq!(cache.sign(&reference, &request).unwrap(), token);
        assert_eq!(cache.len(), 1);

        let verify = VerifyRequest {
            id: "v".into(),
            token: token.clone(),
            algorithms: vec!["HS256".into()],
            keys: vec![key.public_jwk()],
            now: 1_700_000_000,
            leeway: 0,
            required: vec!["sub".into()],
            issuer: None,
            audience: None,
            mode: Default::default(),
            provider: None,
            jwks: None,
        };
        assert_eq!(cache.verify(&reference, &verify), reference.verify(&verify));
        assert_eq!(
            cache.verify(&reference, &verify).unwrap().claims["sub"],
            "u"
        );
        // The same oct JWK prepared for verifying is a second entry: uses never share one.
        assert_eq!(cache.len(), 2);

        // A key that does not load keeps its failure: every request that uses it gets it.
        let mut broken = request.clone();
        broken.key.k = Some("not base64!".into());
        for _ in 0..2 {
            let failure = cache.sign(&reference, &broken).unwrap_err();
            assert_eq!(failure, reference.sign(&broken).unwrap_err());
            assert_eq!(failure.reason.as_deref(), Some("invalid_key"));
        }
        assert_eq!(cache.len(), 3);

        // Beyond the bound the least recently used list goes, and answers do not change.
        for n in 0..CACHED_KEY_LISTS {
            let other = sign_request(&Key::test_hmac(&format!("cache-{n}")));
            cache.sign(&reference, &other).unwrap();
        }
        assert_eq!(cache.len(), CACHED_KEY_LISTS);
        assert_eq!(cache.sign(&reference, &request).unwrap(), token);
    }

    #[test]
    fn keys_prepared_by_another_implementation_are_refused() {
        let reference = Reference::default();
        let request = sign_request(&Key::test_hmac("other"));
        let failure = reference
            .sign_prepared(&PreparedKeys::nothing(), &request)
            .unwrap_err();
        assert!(failure.error.contains("prepared by another implementation"));
    }
}
