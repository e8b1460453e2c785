//! Key state prepared once per key, and the ES256 backend behind the signature layer.
//!
//! An HMAC key is keyed once, when the key is loaded: every later tag starts from a clone of
//! that state instead of hashing the padded secret twice again. ES256 verification and
//! [`sign_fast`] run on ring with the `ring` feature (the default), on RustCrypto `p256`
//! without it. Ring signs with
//! a random nonce, so [`sign_deterministic`] (RFC 6979) stays on `p256` in every build: the
//! generated vectors depend on its bytes. Ring's key pairs are kept per thread, a few at most:
//! they hold the private scalar, which is in memory anyway while its key is in use.

use std::fmt;
use std::ops::Deref;

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The name of the ES256 backend compiled in: `p256` or `ring`.
pub const ES256_BACKEND: &str = if cfg!(feature = "ring") {
    "ring"
} else {
    "p256"
};

/// An HMAC secret and the HMAC-SHA-256 state keyed with it.
///
/// The keyed state is as secret as the secret (it computes every tag). Like the per-call states
/// it replaces, it is not wiped when dropped: the `hmac` crate offers no way to.
#[derive(Clone)]
pub struct HmacSecret {
    bytes: Zeroizing<Vec<u8>>,
    /// Boxed: a keyed state is a few hundred bytes, and keys are moved around by value.
    keyed: Box<Hmac<Sha256>>,
}

impl HmacSecret {
    /// Keys a state with `bytes` (an empty secret is kept: the signature layer refuses it).
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> HmacSecret {
        // HMAC takes keys of any length; the error branch cannot happen.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(&bytes)
            .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
        HmacSecret {
            bytes,
            keyed: Box::new(keyed),
        }
    }

    /// The secret bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// A fresh HMAC-SHA-256 state keyed with the secret.
    pub fn mac(&self) -> Hmac<Sha256> {
        Hmac::clone(&self.keyed)
    }
}

impl Deref for HmacSecret {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HmacSecret(<redacted, {} bytes>)", self.bytes.len())
    }
}

/// RFC 6979 ES256 on `p256`: the same key and input always give the same 64 bytes.
pub fn sign_deterministic(key: &SigningKey, input: &[u8]) -> Option<[u8; 64]> {
    let signature: Signature = key.try_sign(input).ok()?;
    Some(signature.to_bytes().into())
}

/// ES256 on the compiled-in backend (random nonces on ring).
#[cfg(not(feature = "ring"))]
pub fn sign_fast(key: &SigningKey, input: &[u8]) -> Option<[u8; 64]> {
    sign_deterministic(key, input)
}

/// ES256 on the compiled-in backend (random nonces on ring).
#[cfg(feature = "ring")]
pub fn sign_fast(key: &SigningKey, input: &[u8]) -> Option<[u8; 64]> {
    ring_pairs::with_pair(key, |pair| {
        let signature = pair.sign(&ring::rand::SystemRandom::new(), input).ok()?;
        signature.as_ref().try_into().ok()
    })
}

/// ring key pairs, built once per private key and thread.
///
/// Building one checks the public point against the scalar (a full scalar multiplication), which
/// would double the cost of every signature. A key's pair is found by its public point, which
/// names exactly one private scalar; at most `CAPACITY` pairs are kept per thread.
#[cfg(feature = "ring")]
mod ring_pairs {
    use std::cell::RefCell;

    use p256::ecdsa::{SigningKey, VerifyingKey};
    use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    use zeroize::Zeroizing;

    const CAPACITY: usize = 8;

    thread_local! {
        static PAIRS: RefCell<Vec<(VerifyingKey, EcdsaKeyPair)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn with_pair<T>(key: &SigningKey, f: impl FnOnce(&EcdsaKeyPair) -> Option<T>) -> Option<T> {
        PAIRS.with(|pairs| {
            let mut pairs = pairs.borrow_mut();
            let public = key.verifying_key();
            let index = match pairs.iter().position(|(vk, _)| vk == public) {
                Some(index) => index,
                None => {
                    let point = public.to_encoded_point(false);
                    let d = Zeroizing::new(key.to_bytes());
                    let pair = EcdsaKeyPair::from_private_key_and_public_key(
                        &ECDSA_P256_SHA256_FIXED_SIGNING,
                        &d,
                        point.as_bytes(),
                        &ring::rand::SystemRandom::new(),
                    )
                    .ok()?;
                    if pairs.len() == CAPACITY {
                        pairs.remove(0);
                    }
                    pairs.push((*public, pair));
                    pairs.len() - 1
                }
            };
            f(&pairs[index].1)
        })
    }
}

/// Whether a 64-byte R‖S `signature` (scalars already checked to lie in [1, n−1]) verifies, on
/// the compiled-in backend.
pub fn verify(key: &VerifyingKey, input: &[u8], signature: &[u8]) -> bool {
    #[cfg(feature = "ring")]
    return verify_ring(key, input, signature);
    #[cfg(not(feature = "ring"))]
    return verify_p256(key, input, signature);
}

/// [`verify`] on RustCrypto `p256`, compiled in every build.
pub fn verify_p256(key: &VerifyingKey, input: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier;
    // p256 0.13 (ecdsa 0.16 `hazmat::verify_prehashed`) accepts high-S signatures as they are,
    // which RFC 7515 A.3 requires (its example's s is above n/2); no normalization is needed.
    Signature::from_slice(signature).is_ok_and(|s| key.verify(input, &s).is_ok())
}

/// [`verify`] on ring.
#[cfg(feature = "ring")]
pub fn verify_ring(key: &VerifyingKey, input: &[u8], signature: &[u8]) -> bool {
    // ring, like p256, accepts high-S signatures (RFC 7515 A.3 needs it).
    let point = key.to_encoded_point(false);
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        point.as_bytes(),
    )
    .verify(input, signature)
    .is_ok()
}

/// The two backends give the same verdict on the same bytes: valid signatures, their high-S
/// twins, and every single-bit change of signature or input. (The vectors run on the default
/// backend; this keeps the other one honest without a second build.)
#[cfg(all(test, feature = "ring"))]
mod tests {
    use super::*;

    /// The group order n of P-256, big-endian.
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];

    /// n − s, for the high-S twin of a signature.
    fn negate(s: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let d = i16::from(N[i]) - i16::from(s[i]) - borrow;
            (out[i], borrow) = if d < 0 {
                ((d + 256) as u8, 1)
            } else {
                (d as u8, 0)
            };
        }
        out
    }

    #[test]
    fn ring_and_p256_agree() {
        let mut checked = 0;
        for k in 1..=8u8 {
            let key = SigningKey::from_slice(&[k; 32]).expect("a scalar below n");
            let public = key.verifying_key();
            for len in [0usize, 1, 31, 64, 200] {
                let input: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(k)).collect();
                let sig = sign_deterministic(&key, &input).expect("signs");
                let high = [&sig[..32], &negate(&sig[32..])[..]].concat();
                let mut variants = vec![(sig.to_vec(), input.clone()), (high, input.clone())];
                for bit in (0..512).step_by(37) {
                    let mut s = sig.to_vec();
                    s[bit / 8] ^= 1 << (bit % 8);
                    variants.push((s, input.clone()));
                }
                if let Some(first) = input.first() {
                    let mut changed = input.clone();
                    changed[0] = first ^ 1;
                    variants.push((sig.to_vec(), changed));
                }
                for (signature, message) in variants {
                    assert_eq!(
                        verify_p256(public, &message, &signature),
                        verify_ring(public, &message, &signature),
                        "key {k}, input of {len} bytes"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }
}
