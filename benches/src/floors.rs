//! The primitive floors: what signing or verifying a fixture's token cannot cost less than on
//! its backend, with every key already set up.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use idjwt::engine::keys::KeyMaterial;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use sha2::Sha256;

use crate::Fixture;

/// HMAC-SHA-256 of the exact signing input, from a state keyed once.
pub struct HmacFloor {
    keyed: Hmac<Sha256>,
}

impl HmacFloor {
    /// The floor for an HS256 fixture; `None` for other keys.
    pub fn new(fixture: &Fixture) -> Option<HmacFloor> {
        let KeyMaterial::Hmac(secret) = &fixture.key.material else {
            return None;
        };
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_slice()).ok()?;
        Some(HmacFloor { keyed })
    }

    /// The 32-byte tag of `input`.
    pub fn tag(&self, input: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(input);
        mac.finalize().into_bytes().into()
    }
}

/// ECDSA P-256 with SHA-256 on RustCrypto `p256` (deterministic nonces, RFC 6979).
pub struct P256Floor {
    signing: SigningKey,
    verifying: VerifyingKey,
}

impl P256Floor {
    /// The floor for an ES256 fixture; `None` for other keys.
    pub fn new(fixture: &Fixture) -> Option<P256Floor> {
        let KeyMaterial::EcPrivate(sk) = &fixture.key.material else {
            return None;
        };
        let signing: SigningKey = SigningKey::clone(sk);
        let verifying = *signing.verifying_key();
        Some(P256Floor { signing, verifying })
    }

    /// A 64-byte R‖S signature of `input`.
    pub fn sign(&self, input: &[u8]) -> Option<[u8; 64]> {
        let signature: Signature = self.signing.try_sign(input).ok()?;
        Some(signature.to_bytes().into())
    }

    /// Whether `signature` (64-byte R‖S) verifies over `input`.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature)
            .and_then(|s| self.verifying.verify(input, &s))
            .is_ok()
    }
}

/// ECDSA P-256 with SHA-256 on ring (random nonces).
pub struct RingFloor {
    pair: ring::signature::EcdsaKeyPair,
    public: Vec<u8>,
    rng: ring::rand::SystemRandom,
}

impl RingFloor {
    /// The floor for an ES256 fixture; `None` for other keys.
    pub fn new(fixture: &Fixture) -> Option<RingFloor> {
        use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
        let KeyMaterial::EcPrivate(sk) = &fixture.key.material else {
            return None;
        };
        let public = sk
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec();
        let rng = ring::rand::SystemRandom::new();
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &sk.to_bytes(),
            &public,
            &rng,
        )
        .ok()?;
        Some(RingFloor { pair, public, rng })
    }

    /// A 64-byte R‖S signature of `input`.
    pub fn sign(&self, input: &[u8]) -> Option<ring::signature::Signature> {
        self.pair.sign(&self.rng, input).ok()
    }

    /// Whether `signature` (64-byte R‖S) verifies over `input`.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::ECDSA_P256_SHA256_FIXED,
            &self.public,
        )
        .verify(input, signature)
        .is_ok()
    }
}

/// RSASSA-PKCS1-v1_5 with SHA-256 (RS256) on ring: the reference engine's RSA backend.
pub struct RingRsaFloor {
    pair: ring::rsa::KeyPair,
    n: Vec<u8>,
    e: Vec<u8>,
    rng: ring::rand::SystemRandom,
}

impl RingRsaFloor {
    /// The floor for an RS256 fixture; `None` for other keys.
    pub fn new(fixture: &Fixture) -> Option<RingRsaFloor> {
        let KeyMaterial::RsaPrivate(private) = &fixture.key.material else {
            return None;
        };
        let pair = ring::rsa::KeyPair::from_der(&private.to_pkcs1_der()).ok()?;
        Some(RingRsaFloor {
            pair,
            n: private.public().n().to_vec(),
            e: private.public().e().to_vec(),
            rng: ring::rand::SystemRandom::new(),
        })
    }

    /// The signature of `input`, as long as the modulus.
    pub fn sign(&self, input: &[u8]) -> Option<Vec<u8>> {
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &self.rng,
                input,
                &mut signature,
            )
            .ok()?;
        Some(signature)
    }

    /// Whether `signature` verifies over `input`.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        ring::signature::RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            input,
            signature,
        )
        .is_ok()
    }
}

/// RSASSA-PKCS1-v1_5 with SHA-256 (RS256) on RustCrypto `rsa`, the backend of the Rust libraries
/// that do not use ring or OpenSSL.
pub struct RsaFloor {
    signing: rsa::pkcs1v15::SigningKey<Sha256>,
    verifying: rsa::pkcs1v15::VerifyingKey<Sha256>,
}

impl RsaFloor {
    /// The floor for an RS256 fixture; `None` for other keys.
    pub fn new(fixture: &Fixture) -> Option<RsaFloor> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let KeyMaterial::RsaPrivate(private) = &fixture.key.material else {
            return None;
        };
        let key = rsa::RsaPrivateKey::from_pkcs1_der(&private.to_pkcs1_der()).ok()?;
        use rsa::signature::Keypair;
        let signing = rsa::pkcs1v15::SigningKey::<Sha256>::new(key);
        let verifying = signing.verifying_key();
        Some(RsaFloor { signing, verifying })
    }

    /// The signature of `input`, as long as the modulus.
    pub fn sign(&self, input: &[u8]) -> Option<Vec<u8>> {
        use rsa::signature::{SignatureEncoding, Signer as _};
        self.signing.try_sign(input).ok().map(|s| s.to_vec())
    }

    /// Whether `signature` verifies over `input`.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        use rsa::signature::Verifier as _;
        rsa::pkcs1v15::Signature::try_from(signature)
            .and_then(|s| self.verifying.verify(input, &s))
            .is_ok()
    }
}

/// The claims as JSON bytes (serde_json, the serialiser every Rust library here uses).
pub fn claims_json(fixture: &Fixture) -> Vec<u8> {
    serde_json::to_vec(&fixture.claims).unwrap_or_default()
}

/// Unpadded base64url of `bytes`.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}
