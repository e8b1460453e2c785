//! RSA keys and RSASSA-PKCS1-v1_5 for the signature layer (policy.md §4.10–4.15).
//!
//! Every RSA key the engine holds has passed [`check_public`]: a modulus of 2048 to 8192 bits
//! that is odd, and a public exponent that is odd, at least 3 and below 2^32. A private key's
//! components must agree with each other (RustCrypto `rsa` validates them, and `dp`, `dq`, `qi`
//! are compared with the values they must have). A signature must be exactly as long as the
//! modulus and, read as a number, below it.
//!
//! Verification and signing run on ring with the `ring` feature (2048–4096-bit private keys with
//! e ≥ 65537 sign there), on RustCrypto `rsa` otherwise. `rsa` 0.9 does not sign in constant
//! time (RUSTSEC-2023-0071): it signs only where ring cannot, and is meant for test keys.
//! PKCS#1 v1.5 signatures are deterministic, so both backends give the same bytes.

use std::fmt;
#[cfg(feature = "ring")]
use std::sync::Arc;

use num_bigint_dig::prime::probably_prime;
use rsa::pkcs1::der::Decode;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::engine::keys::KeyError;
use crate::verdict::Reason;

/// The shortest modulus accepted, in bits (RFC 7518 §3.3).
pub const MIN_MODULUS_BITS: usize = 2048;
/// The longest modulus accepted, in bits: longer keys are not in use, and each doubling of the
/// modulus makes every verification several times slower.
pub const MAX_MODULUS_BITS: usize = 8192;
/// The largest public exponent accepted (2^32 − 1).
pub const MAX_EXPONENT: u64 = u32::MAX as u64;

/// The hash of an RSASSA-PKCS1-v1_5 signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaHash {
    /// SHA-256 (RS256).
    Sha256,
    /// SHA-384 (RS384: only minted, for vectors a strict RS256 verifier refuses).
    Sha384,
    /// SHA-512 (RS512).
    Sha512,
}

impl RsaHash {
    fn scheme(self) -> Pkcs1v15Sign {
        match self {
            RsaHash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            RsaHash::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
            RsaHash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }

    fn digest(self, input: &[u8]) -> Vec<u8> {
        match self {
            RsaHash::Sha256 => Sha256::digest(input).to_vec(),
            RsaHash::Sha384 => Sha384::digest(input).to_vec(),
            RsaHash::Sha512 => Sha512::digest(input).to_vec(),
        }
    }
}

/// Checks the public half of an RSA key against policy.md §4.10–4.11.
pub fn check_public(n: &BigUint, e: &BigUint) -> Result<(), KeyError> {
    let bits = n.bits();
    if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
        return Err(KeyError::RsaModulusSize {
            bits,
            min: MIN_MODULUS_BITS,
            max: MAX_MODULUS_BITS,
        });
    }
    if !is_odd(n) {
        return Err(KeyError::InvalidRsaKey {
            problem: "the modulus n is even, so it is not a product of two odd primes".into(),
        });
    }
    let exponent_error = |problem: &str| KeyError::RsaExponent {
        e: if e.bits() <= 64 {
            e.to_string()
        } else {
            format!("a {}-bit number", e.bits())
        },
        problem: problem.to_owned(),
    };
    if *e < BigUint::from(3u8) {
        return Err(exponent_error(
            "it must be at least 3 (with e = 1 the signature is the padded message itself, which \
             anyone can write)",
        ));
    }
    if !is_odd(e) {
        return Err(exponent_error("it must be odd"));
    }
    if *e > BigUint::from(MAX_EXPONENT) {
        return Err(exponent_error("it must be below 2^32"));
    }
    Ok(())
}

/// An RSA public key that passed [`check_public`], with its big-endian `n` and `e` kept for
/// the backends and for writing JWKs.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicRsa {
    key: RsaPublicKey,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl fmt::Debug for PublicRsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicRsa")
            .field("bits", &self.bits())
            .field("e", &self.key.e().to_string())
            .finish()
    }
}

impl PublicRsa {
    /// The key `(n, e)`, checked.
    pub fn new(n: BigUint, e: BigUint) -> Result<PublicRsa, KeyError> {
        check_public(&n, &e)?;
        let key = RsaPublicKey::new_with_max_size(n, e, MAX_MODULUS_BITS).map_err(|e| {
            KeyError::InvalidRsaKey {
                problem: e.to_string(),
            }
        })?;
        Ok(PublicRsa::wrap(key))
    }

    fn wrap(key: RsaPublicKey) -> PublicRsa {
        PublicRsa {
            n: key.n().to_bytes_be(),
            e: key.e().to_bytes_be(),
            key,
        }
    }

    /// A PKCS#1 `RSAPublicKey` (DER).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<PublicRsa, KeyError> {
        let parsed = rsa::pkcs1::RsaPublicKey::from_der(der).map_err(|e| der_error(&e))?;
        PublicRsa::new(
            BigUint::from_bytes_be(parsed.modulus.as_bytes()),
            BigUint::from_bytes_be(parsed.public_exponent.as_bytes()),
        )
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }

    /// The modulus length in bytes: the length of every signature under this key.
    pub fn modulus_len(&self) -> usize {
        self.key.size()
    }

    /// `n`, big-endian, without leading zeros.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// `e`, big-endian, without leading zeros.
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// The PKCS#1 `RSAPublicKey` DER.
    pub fn to_pkcs1_der(&self) -> Vec<u8> {
        use rsa::pkcs1::EncodeRsaPublicKey;
        self.key
            .to_pkcs1_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// The SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> Vec<u8> {
        use rsa::pkcs8::EncodePublicKey;
        self.key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// Verifies an RSASSA-PKCS1-v1_5 `signature` over `input` (policy.md §4.12–4.13).
    pub fn verify(
        &self,
        hash: RsaHash,
        alg: &str,
        input: &[u8],
        signature: &[u8],
    ) -> Result<(), Reason> {
        if signature.len() != self.modulus_len() {
            return Err(Reason::SignatureLength {
                alg: alg.to_owned(),
                length: signature.len(),
                expected: self.modulus_len(),
            });
        }
        // Both are big-endian and as long as the modulus (`n` has no leading zero byte and
        // fills `len()` bytes), so comparing the bytes compares the numbers.
        if signature >= self.n.as_slice() {
            return Err(Reason::SignatureScalarOutOfRange {
                component: "s (the RSA signature as a number is not below the modulus)".into(),
            });
        }
        if self.verify_backend(hash, input, signature) {
            Ok(())
        } else {
            Err(Reason::BadSignature)
        }
    }

    #[cfg(feature = "ring")]
    fn verify_backend(&self, hash: RsaHash, input: &[u8], signature: &[u8]) -> bool {
        use ring::signature as rs;
        let params = match hash {
            RsaHash::Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
            RsaHash::Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
            RsaHash::Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
        };
        rs::RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(params, input, signature)
        .is_ok()
    }

    #[cfg(not(feature = "ring"))]
    fn verify_backend(&self, hash: RsaHash, input: &[u8], signature: &[u8]) -> bool {
        self.verify_rsa_crate(hash, input, signature)
    }

    /// Verification on RustCrypto `rsa`, compiled in every build.
    pub fn verify_rsa_crate(&self, hash: RsaHash, input: &[u8], signature: &[u8]) -> bool {
        self.key
            .verify(hash.scheme(), &hash.digest(input), signature)
            .is_ok()
    }
}

/// An RSA private key whose components agree, its checked public half, and (with the `ring`
/// feature) ring's key pair when ring can sign with it.
#[derive(Clone)]
pub struct PrivateRsa {
    key: Box<RsaPrivateKey>,
    public: PublicRsa,
    #[cfg(feature = "ring")]
    pair: Option<Arc<ring::rsa::KeyPair>>,
}

impl fmt::Debug for PrivateRsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateRsa")
            .field("public", &self.public)
            .field("private", &"<redacted>")
            .finish()
    }
}

/// The private members of an RSA JWK (RFC 7518 §6.3.2), as numbers.
pub struct PrivateParts {
    /// The private exponent.
    pub d: BigUint,
    /// `p`, `q`, `dp`, `dq`, `qi`, when given (all five or none).
    pub crt: Option<[BigUint; 5]>,
}

impl PrivateRsa {
    /// A private key from `n`, `e`, `d` and, optionally, its CRT members, all checked.
    pub fn from_parts(n: BigUint, e: BigUint, parts: PrivateParts) -> Result<PrivateRsa, KeyError> {
        check_public(&n, &e)?;
        let invalid = |problem: String| KeyError::InvalidRsaKey { problem };
        let primes = match &parts.crt {
            Some([p, q, ..]) => vec![p.clone(), q.clone()],
            None => Vec::new(),
        };
        let key = RsaPrivateKey::from_components(n, e, parts.d, primes)
            .map_err(|e| invalid(format!("its private members do not form a key: {e}")))?;
        if let Some([_, _, dp, dq, qi]) = &parts.crt {
            let matches = key.dp() == Some(dp)
                && key.dq() == Some(dq)
                && PrivateRsa::precomputed_qi(&key).as_ref() == Some(qi);
            if !matches {
                return Err(invalid(
                    "\"dp\", \"dq\" or \"qi\" do not agree with \"p\", \"q\" and \"d\"".into(),
                ));
            }
        }
        Ok(PrivateRsa::wrap(key))
    }

    fn wrap(key: RsaPrivateKey) -> PrivateRsa {
        let public = PublicRsa::wrap(key.to_public_key());
        PrivateRsa {
            #[cfg(feature = "ring")]
            pair: ring_pair(&key),
            key: Box::new(key),
            public,
        }
    }

    /// A PKCS#1 `RSAPrivateKey` (DER).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<PrivateRsa, KeyError> {
        let parsed = rsa::pkcs1::RsaPrivateKey::from_der(der).map_err(|e| der_error(&e))?;
        let int = |u: rsa::pkcs1::UintRef<'_>| BigUint::from_bytes_be(u.as_bytes());
        PrivateRsa::from_parts(
            int(parsed.modulus),
            int(parsed.public_exponent),
            PrivateParts {
                d: int(parsed.private_exponent),
                crt: Some([
                    int(parsed.prime1),
                    int(parsed.prime2),
                    int(parsed.exponent1),
                    int(parsed.exponent2),
                    int(parsed.coefficient),
                ]),
            },
        )
    }

    /// The public half.
    pub fn public(&self) -> &PublicRsa {
        &self.public
    }

    /// The private members `d`, `p`, `q`, `dp`, `dq`, `qi`, big-endian.
    pub fn private_members(&self) -> [Zeroizing<Vec<u8>>; 6] {
        let bytes =
            |n: Option<&BigUint>| Zeroizing::new(n.map(BigUint::to_bytes_be).unwrap_or_default());
        let primes = self.key.primes();
        let qi = self.crt_coefficient();
        [
            bytes(Some(self.key.d())),
            bytes(primes.first()),
            bytes(primes.get(1)),
            bytes(self.key.dp()),
            bytes(self.key.dq()),
            bytes(qi.as_ref()),
        ]
    }

    /// q⁻¹ mod p (the JWK's `qi`).
    fn crt_coefficient(&self) -> Option<BigUint> {
        Self::precomputed_qi(&self.key)
    }

    /// q⁻¹ mod p as `rsa` precomputed it when the key was built (computing it again is a
    /// modular inversion per call).
    fn precomputed_qi(key: &RsaPrivateKey) -> Option<BigUint> {
        use num_bigint_dig::ToBigUint;
        key.qinv()
            .and_then(ToBigUint::to_biguint)
            .or_else(|| key.crt_coefficient())
    }

    /// The PKCS#1 `RSAPrivateKey` DER (secret).
    pub fn to_pkcs1_der(&self) -> Zeroizing<Vec<u8>> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        Zeroizing::new(
            self.key
                .to_pkcs1_der()
                .map(|d| d.as_bytes().to_vec())
                .unwrap_or_default(),
        )
    }

    /// The PKCS#8 `PrivateKeyInfo` DER (secret).
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        use rsa::pkcs8::EncodePrivateKey;
        Zeroizing::new(
            self.key
                .to_pkcs8_der()
                .map(|d| d.as_bytes().to_vec())
                .unwrap_or_default(),
        )
    }

    /// A fresh random key of `bits` bits with e = 65537, from the operating system's generator.
    pub fn generate(bits: usize) -> Result<PrivateRsa, String> {
        let key = RsaPrivateKey::new(&mut OsRandom, bits).map_err(|e| e.to_string())?;
        Ok(PrivateRsa::wrap(key))
    }

    /// Signs on RustCrypto `rsa`, whatever the build: what tests compare ring's signatures
    /// with, and the backend for keys ring does not hold.
    pub fn sign_rsa_crate(&self, hash: RsaHash, input: &[u8]) -> Option<Vec<u8>> {
        self.key.sign(hash.scheme(), &hash.digest(input)).ok()
    }

    /// Signs on ring where ring holds this key, else on RustCrypto `rsa`.
    pub fn sign_fast(&self, hash: RsaHash, input: &[u8]) -> Option<Vec<u8>> {
        #[cfg(feature = "ring")]
        if let Some(pair) = &self.pair {
            let encoding: &'static dyn ring::signature::RsaEncoding = match hash {
                RsaHash::Sha256 => &ring::signature::RSA_PKCS1_SHA256,
                RsaHash::Sha384 => &ring::signature::RSA_PKCS1_SHA384,
                RsaHash::Sha512 => &ring::signature::RSA_PKCS1_SHA512,
            };
            let mut signature = vec![0u8; pair.public().modulus_len()];
            let rng = ring::rand::SystemRandom::new();
            return pair
                .sign(encoding, &rng, input, &mut signature)
                .ok()
                .map(|()| signature);
        }
        self.sign_rsa_crate(hash, input)
    }

    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (PS256), the salt drawn from a
    /// SHA-256 stream seeded with the modulus and `input`: deterministic, for vectors only (the
    /// engine never accepts PS256 where RS256 is allowed, policy.md §4.14).
    pub fn sign_pss_sha256(&self, input: &[u8]) -> Option<Vec<u8>> {
        use rsa::signature::{RandomizedSigner, SignatureEncoding};
        let seed: [u8; 32] = Sha256::new()
            .chain_update(self.public.n())
            .chain_update(input)
            .finalize()
            .into();
        let mut rng = HashStream { seed, counter: 0 };
        let signer = rsa::pss::SigningKey::<Sha256>::new((*self.key).clone());
        signer
            .try_sign_with_rng(&mut rng, input)
            .ok()
            .map(|s| s.to_vec())
    }

    /// `m^d mod n` as a modulus-length big-endian string, for any `m` below `n`: the raw
    /// private operation, with which vectors build signatures over malformed encodings.
    pub fn raw_private(&self, m: &[u8]) -> Option<Vec<u8>> {
        let m = BigUint::from_bytes_be(m);
        if m >= *self.key.n() {
            return None;
        }
        Some(left_pad(
            &m.modpow(self.key.d(), self.key.n()).to_bytes_be(),
            self.public.modulus_len(),
        ))
    }

    /// TEST KEY ONLY: an RSA key derived from `label`, `bits` long, with the prime public
    /// exponent `e` (anyone can recompute it).
    ///
    /// Each prime is the first probable prime p ≥ c with p − 1 not divisible by e, where c is
    /// the first `bits / 2` bits of SHA-256(`"idjwt test key (not secret): rsa: "` ‖ label ‖
    /// `": p"` or `": q"` ‖ counter byte), counter = 0, 1, …, concatenated, with its two top bits
    /// and its lowest bit set (so that n has exactly `bits` bits, `bits` even). The key is not
    /// checked against the policy: tests also need short keys and small exponents.
    ///
    /// The primes of every key the vectors use are committed in `rsa_test_primes.rs` and read
    /// from there (a test derives each row again): the search costs seconds per key in a
    /// sanitizer-instrumented fuzz build.
    pub fn test_key(label: &str, bits: usize, e: u32) -> PrivateRsa {
        let (p, q) = match committed_test_primes(label, bits, e) {
            Some((p, q)) => (hex_uint(p), hex_uint(q)),
            None => Self::derive_test_primes(label, bits, e),
        };
        let key = RsaPrivateKey::from_p_q(p, q, BigUint::from(e))
            .expect("two distinct primes with gcd(p - 1, e) = gcd(q - 1, e) = 1 form a key");
        PrivateRsa::wrap(key)
    }

    /// The two primes of [`test_key`](Self::test_key), searched for.
    fn derive_test_primes(label: &str, bits: usize, e: u32) -> (BigUint, BigUint) {
        let prime = |which: &str| {
            let half = bits / 2;
            let bytes = half.div_ceil(8);
            let mut stream = Vec::with_capacity(bytes + 32);
            let mut counter = 0u8;
            while stream.len() < bytes {
                stream.extend(
                    Sha256::new()
                        .chain_update(b"idjwt test key (not secret): rsa: ")
                        .chain_update(label.as_bytes())
                        .chain_update(format!(": {which}").as_bytes())
                        .chain_update([counter])
                        .finalize(),
                );
                counter = counter.wrapping_add(1);
            }
            stream.truncate(bytes);
            let top_two = BigUint::from(3u8) << (half - 2);
            let mut candidate = (BigUint::from_bytes_be(&stream) >> (bytes * 8 - half))
                | top_two
                | BigUint::from(1u8);
            let e = BigUint::from(e);
            let one = BigUint::from(1u8);
            loop {
                if (&candidate - &one) % &e != BigUint::from(0u8) && probably_prime(&candidate, 20)
                {
                    return candidate;
                }
                candidate += 2u8;
            }
        };
        (prime("p"), prime("q"))
    }

    /// One row of the committed table of test primes, as `cargo xtask vectors` writes it.
    pub fn test_primes_row(&self, label: &str, bits: usize, e: u32) -> String {
        let primes: Vec<String> = self
            .key
            .primes()
            .iter()
            .map(|p| p.to_str_radix(16))
            .collect();
        format!(
            "    ({label:?}, {bits}, {e}, \"{}\"),",
            primes.join("\", \"")
        )
    }
}

/// The committed primes of the test key `(label, bits, e)`, if the vectors use it.
pub(crate) fn committed_test_primes(
    label: &str,
    bits: usize,
    e: u32,
) -> Option<(&'static str, &'static str)> {
    super::rsa_test_primes::RSA_TEST_PRIMES
        .iter()
        .find(|row| row.0 == label && row.1 == bits && row.2 == e)
        .map(|row| (row.3, row.4))
}

/// A committed prime, written by [`PrivateRsa::test_primes_row`].
fn hex_uint(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).expect("the committed test primes are hexadecimal")
}

fn is_odd(x: &BigUint) -> bool {
    x.to_bytes_le().first().is_some_and(|low| low & 1 == 1)
}

/// SHA-256(seed ‖ counter) blocks: a reproducible byte stream where `rsa` wants randomness.
struct HashStream {
    seed: [u8; 32],
    counter: u64,
}

impl rsa::rand_core::RngCore for HashStream {
    fn next_u32(&mut self) -> u32 {
        rsa::rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rsa::rand_core::impls::next_u64_via_fill(self)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(32) {
            let block = Sha256::new()
                .chain_update(self.seed)
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            self.counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for HashStream {}

/// The operating system's random generator, for `rsa`'s key generation.
struct OsRandom;

impl rsa::rand_core::RngCore for OsRandom {
    fn next_u32(&mut self) -> u32 {
        rsa::rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rsa::rand_core::impls::next_u64_via_fill(self)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // The trait cannot return an error; a system without randomness cannot make keys at all.
        getrandom::fill(dest).expect("the operating system's random generator");
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        getrandom::fill(dest).map_err(|e| {
            rsa::rand_core::Error::from(
                std::num::NonZeroU32::new(e.raw_os_error().unwrap_or(1).unsigned_abs())
                    .unwrap_or(std::num::NonZeroU32::MIN),
            )
        })
    }
}

impl rsa::rand_core::CryptoRng for OsRandom {}

/// `bytes` with zeros in front up to `len`.
pub fn left_pad(bytes: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes);
    out
}

/// ring's key pair for `key`, where ring signs with it (2048–4096 bits, e ≥ 65537).
#[cfg(feature = "ring")]
fn ring_pair(key: &RsaPrivateKey) -> Option<Arc<ring::rsa::KeyPair>> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let der = key.to_pkcs1_der().ok()?;
    ring::rsa::KeyPair::from_der(der.as_bytes())
        .ok()
        .map(Arc::new)
}

fn der_error(e: &rsa::pkcs1::der::Error) -> KeyError {
    KeyError::InvalidRsaKey {
        problem: format!("its DER does not parse: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Jwk;
    use crate::engine::keys::{Key, KeyFamily, KeyMaterial};
    use crate::engine::{signature, Alg};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    // RFC 7515 Appendix A.2 (RS256): the key's n, e and d, and the example token.
    const A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
    const A2_D: &str = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
    const A2_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

    fn a2_jwk(private: bool) -> Jwk {
        Jwk {
            kty: "RSA".into(),
            n: Some(A2_N.into()),
            e: Some("AQAB".into()),
            d: private.then(|| A2_D.into()),
            ..Jwk::default()
        }
    }

    fn split(token: &str) -> (&[u8], Vec<u8>) {
        let dot = token.rfind('.').unwrap();
        (
            &token.as_bytes()[..dot],
            URL_SAFE_NO_PAD.decode(&token[dot + 1..]).unwrap(),
        )
    }

    fn code<T: std::fmt::Debug>(r: Result<T, Reason>) -> String {
        r.unwrap_err().code().to_owned()
    }

    #[test]
    fn rfc7515_a2_verifies_and_resigns_identically() {
        let (input, sig) = split(A2_TOKEN);
        let public = Key::from_jwk(&a2_jwk(false)).unwrap();
        assert_eq!(signature::verify(Alg::RS256, &public, input, &sig), Ok(()));
        // The private key from n, e, d alone: its primes are recovered and checked.
        let private = Key::from_jwk(&a2_jwk(true)).unwrap();
        assert_eq!(signature::sign(Alg::RS256, &private, input).unwrap(), sig);
        assert_eq!(
            signature::sign_fast(Alg::RS256, &private, input)
                .unwrap()
                .as_ref(),
            &sig[..]
        );
        assert_eq!(
            code(signature::verify(Alg::RS512, &public, input, &sig)),
            "bad_signature"
        );
        // With its CRT members written out, the JWK loads back to the same key.
        let full = private.to_jwk();
        assert!(full.p.is_some() && full.qi.is_some());
        let again = Key::from_jwk(&full).unwrap();
        assert_eq!(signature::sign(Alg::RS256, &again, input).unwrap(), sig);
    }

    #[test]
    fn lengths_and_range_are_checked_before_the_backend() {
        let (input, sig) = split(A2_TOKEN);
        let key = Key::from_jwk(&a2_jwk(false)).unwrap();
        let verify = |s: &[u8]| code(signature::verify(Alg::RS256, &key, input, s));
        assert_eq!(verify(&sig[1..]), "signature_length");
        assert_eq!(verify(&[&[0u8][..], &sig].concat()), "signature_length");
        assert_eq!(verify(&[]), "signature_length");
        let n = URL_SAFE_NO_PAD.decode(A2_N).unwrap();
        assert_eq!(verify(&n), "signature_scalar_out_of_range");
        assert_eq!(verify(&[0xff; 256]), "signature_scalar_out_of_range");
        assert_eq!(verify(&[0u8; 256]), "bad_signature");
        let mut one = [0u8; 256];
        one[255] = 1;
        assert_eq!(verify(&one), "bad_signature");
        for bit in (0..2048).step_by(61) {
            let mut s = sig.clone();
            s[bit / 8] ^= 1 << (bit % 8);
            let c = verify(&s);
            assert!(
                c == "bad_signature" || c == "signature_scalar_out_of_range",
                "{bit}: {c}"
            );
        }
    }

    #[test]
    fn public_key_rules() {
        let load = |n: &BigUint, e: u64| {
            let jwk = Jwk {
                kty: "RSA".into(),
                n: Some(URL_SAFE_NO_PAD.encode(n.to_bytes_be())),
                e: Some(URL_SAFE_NO_PAD.encode(BigUint::from(e).to_bytes_be())),
                ..Jwk::default()
            };
            Key::from_jwk(&jwk)
                .map(|_| ())
                .map_err(|e| (e.code(), e.to_string()))
        };
        let key = Key::test_rsa("rules");
        let public = key.rsa_public().unwrap();
        let n = BigUint::from_bytes_be(public.n());
        assert_eq!(load(&n, 65_537), Ok(()));
        assert_eq!(load(&n, 3), Ok(()));
        for (e, says) in [
            (1, "at least 3"),
            (2, "at least 3"),
            (65_536, "odd"),
            (MAX_EXPONENT + 2, "below 2^32"),
        ] {
            let (code, message) = load(&n, e).unwrap_err();
            assert_eq!(code, "rsa_exponent", "{e}");
            assert!(
                message.contains(says) && message.contains("§4.11"),
                "{message}"
            );
        }
        let short = Key::test_rsa_sized("rules-short", 1024, 65_537);
        let short_n = BigUint::from_bytes_be(short.rsa_public().unwrap().n());
        let (code, message) = load(&short_n, 65_537).unwrap_err();
        assert_eq!(code, "rsa_modulus_size");
        assert!(
            message.contains("1024 bits") && message.contains("§4.10"),
            "{message}"
        );
        assert_eq!(
            load(&(n.clone() + 1u8), 65_537).unwrap_err().0,
            "invalid_rsa_key"
        );
        // A 2047-bit modulus is short, however close.
        assert_eq!(
            load(&(n >> 1usize), 65_537).unwrap_err().0,
            "rsa_modulus_size"
        );
    }

    #[test]
    fn jwk_members_are_strict() {
        let private = Key::test_rsa("strict").to_jwk();
        let refused = |jwk: Jwk, code: &str| {
            let e = Key::from_jwk(&jwk).unwrap_err();
            assert_eq!(e.code(), code, "{e}");
        };
        let mut padded = private.public();
        padded.n = Some(
            URL_SAFE_NO_PAD.encode(
                [
                    &[0u8][..],
                    &URL_SAFE_NO_PAD.decode(padded.n.unwrap()).unwrap(),
                ]
                .concat(),
            ),
        );
        refused(padded, "not_minimal_integer");
        refused(
            Jwk {
                e: Some(String::new()),
                ..private.public()
            },
            "not_minimal_integer",
        );
        refused(
            Jwk {
                k: Some("AA".into()),
                ..private.public()
            },
            "unexpected_member",
        );
        refused(
            Jwk {
                crv: Some("P-256".into()),
                ..private.public()
            },
            "unexpected_member",
        );
        refused(
            Jwk {
                d: None,
                ..private.clone()
            },
            "missing_member",
        );
        refused(
            Jwk {
                qi: None,
                ..private.clone()
            },
            "missing_member",
        );
        refused(
            Jwk {
                dp: private.dq.clone(),
                ..private.clone()
            },
            "invalid_rsa_key",
        );
        let other = Key::test_rsa("strict-other").to_jwk();
        refused(
            Jwk {
                d: other.d.clone(),
                p: None,
                q: None,
                dp: None,
                dq: None,
                qi: None,
                ..private.clone()
            },
            "invalid_rsa_key",
        );
        refused(
            Jwk {
                p: other.p.clone(),
                ..private.clone()
            },
            "invalid_rsa_key",
        );
        // An EC or oct JWK with RSA members is refused too.
        let ec = Key::test_ec("strict").to_jwk();
        refused(
            Jwk {
                n: private.n.clone(),
                ..ec
            },
            "unexpected_member",
        );
    }

    #[test]
    fn every_committed_test_key_is_the_one_its_label_derives() {
        let rows = super::super::rsa_test_primes::RSA_TEST_PRIMES;
        assert!(!rows.is_empty());
        for &(label, bits, e, p, q) in rows {
            let (dp, dq) = PrivateRsa::derive_test_primes(label, bits, e);
            assert_eq!((dp, dq), (hex_uint(p), hex_uint(q)), "{label} {bits} {e}");
            let key = PrivateRsa::test_key(label, bits, e);
            assert_eq!(key.public().bits(), bits, "{label}");
        }
    }

    #[test]
    fn test_keys_are_deterministic_and_the_right_size() {
        let a = PrivateRsa::test_key("determinism", 2048, 65_537);
        let b = PrivateRsa::test_key("determinism", 2048, 65_537);
        assert_eq!(a.public(), b.public());
        assert_eq!(a.public().bits(), 2048);
        assert_ne!(
            PrivateRsa::test_key("determinism-2", 2048, 65_537).public(),
            a.public()
        );
        let e3 = Key::test_rsa_sized("determinism", 2048, 3);
        assert_eq!(e3.rsa_public().unwrap().e(), [3]);
        assert_eq!(
            Key::test_rsa_sized("determinism", 1024, 65_537)
                .rsa_public()
                .unwrap()
                .bits(),
            1024
        );
        assert_eq!(
            Key::test_rsa("determinism").kid.as_deref(),
            Some("determinism")
        );
    }

    #[test]
    fn pem_encodings_load_the_same_key() {
        let key = Key::test_rsa("pem");
        let public = key.rsa_public().unwrap().clone();
        let pem = |label: &str, der: &[u8]| {
            rsa::pkcs8::der::pem::encode_string(label, rsa::pkcs8::der::pem::LineEnding::LF, der)
                .unwrap()
        };
        let KeyMaterial::RsaPrivate(private) = &key.material else {
            panic!()
        };
        for text in [
            key.to_pem().unwrap().to_string(),
            key.public().to_pem().unwrap().to_string(),
            pem("RSA PUBLIC KEY", &public.to_pkcs1_der()),
            pem("RSA PRIVATE KEY", &private.to_pkcs1_der()),
        ] {
            let loaded = Key::from_pem(&text, None).unwrap();
            assert_eq!(loaded.family(), KeyFamily::Rsa);
            assert_eq!(
                loaded.rsa_public(),
                Some(&public),
                "{}",
                text.lines().next().unwrap()
            );
        }
        let short = Key::test_rsa_sized("pem-short", 1024, 65_537);
        let e = Key::from_pem(&short.public().to_pem().unwrap(), None).unwrap_err();
        assert_eq!(e.code(), "rsa_modulus_size");
    }

    #[test]
    fn rsa_keys_never_serve_another_family() {
        let rsa = Key::test_rsa("family");
        let input = b"h.p";
        for alg in [Alg::HS256, Alg::ES256] {
            assert_eq!(
                code(signature::sign(alg, &rsa, input)),
                "key_family_mismatch"
            );
            assert_eq!(
                code(signature::verify(alg, &rsa, input, &[0; 32])),
                "key_family_mismatch"
            );
        }
        for other in [Key::test_hmac("family"), Key::test_ec("family")] {
            let sig = signature::sign(Alg::RS256, &rsa, input).unwrap();
            assert_eq!(
                code(signature::verify(Alg::RS256, &other, input, &sig)),
                "key_family_mismatch"
            );
        }
        assert_eq!(
            code(signature::sign(Alg::RS256, &rsa.public(), input)),
            "invalid_key"
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let key = Key::test_rsa("debug");
        let jwk = key.to_jwk();
        let shown = format!("{key:?} {jwk:?}");
        for secret in [&jwk.d, &jwk.p, &jwk.q, &jwk.dp, &jwk.dq, &jwk.qi] {
            let secret = secret.as_deref().unwrap();
            assert!(!shown.contains(&secret[..16]), "{shown}");
        }
    }

    /// ring and RustCrypto `rsa` agree on valid signatures and on every change tried; ring's
    /// signatures are byte for byte those of `rsa` (PKCS#1 v1.5 is deterministic).
    #[cfg(feature = "ring")]
    #[test]
    fn ring_and_rsa_crate_agree() {
        let mut checked = 0;
        for (label, bits) in [("agree-1", 2048), ("agree-2", 2048), ("agree-3", 3072)] {
            let key = Key::test_rsa_sized(label, bits, 65_537);
            let KeyMaterial::RsaPrivate(private) = &key.material else {
                panic!()
            };
            let public = private.public();
            for hash in [RsaHash::Sha256, RsaHash::Sha512] {
                for len in [0usize, 1, 100] {
                    let input: Vec<u8> = (0..len).map(|i| i as u8).collect();
                    let sig = private.sign_rsa_crate(hash, &input).unwrap();
                    assert_eq!(private.sign_fast(hash, &input).unwrap(), sig);
                    let mut variants = vec![sig.clone()];
                    for bit in (0..bits).step_by(97) {
                        let mut s = sig.clone();
                        s[bit / 8] ^= 1 << (bit % 8);
                        variants.push(s);
                    }
                    for s in variants {
                        if BigUint::from_bytes_be(&s) >= BigUint::from_bytes_be(public.n()) {
                            continue;
                        }
                        assert_eq!(
                            public.verify_backend(hash, &input, &s),
                            public.verify_rsa_crate(hash, &input, &s),
                            "{label} {hash:?} {len}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 150, "{checked}");
    }
}
