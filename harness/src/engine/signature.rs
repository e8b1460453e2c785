//! The signature layer (policy.md §4): HS256, ES256, RS256 and RS512 signing and verification
//! over a JWS signing input (`BASE64URL(header) "." BASE64URL(payload)`).
//!
//! Every check that decides between "malformed" and "wrong" happens here, before any library
//! sees the bytes: the key family must fit the algorithm (no key confusion), an HMAC secret must
//! not be empty, the signature must have its algorithm's exact length (ES256 is 64-byte R‖S, never
//! DER; RSA is the modulus length), ES256 `r` and `s` must lie in [1, n−1] (CVE-2022-21449), and
//! an RSA signature must be below the modulus. Nothing here panics on any input.

use hmac::{Hmac, Mac};
use p256::elliptic_curve::{Field, PrimeField};
use p256::{FieldBytes, Scalar};
use sha2::Sha256;

use crate::engine::backend::{self, HmacSecret};
use crate::engine::keys::{Key, KeyMaterial, KeyOp};
use crate::engine::rsa::RsaHash;
use crate::engine::Alg;
use crate::verdict::Reason;

/// Length of an HS256 tag (the full SHA-256 output; truncated tags are refused).
const HS256_TAG_BYTES: usize = 32;
/// Length of an ES256 signature: R and S, 32 bytes each, big-endian (RFC 7518 §3.4).
const ES256_SIGNATURE_BYTES: usize = 64;

/// A signature: a 32-byte HS256 tag or a 64-byte ES256 R‖S held without a heap allocation, or
/// an RSA signature as long as its modulus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureBytes {
    /// Up to 64 bytes, the first `len` of `bytes`.
    Inline {
        bytes: [u8; ES256_SIGNATURE_BYTES],
        len: usize,
    },
    /// An RSA signature.
    Heap(Vec<u8>),
}

impl AsRef<[u8]> for SignatureBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            SignatureBytes::Inline { bytes, len } => &bytes[..*len],
            SignatureBytes::Heap(bytes) => bytes,
        }
    }
}

/// The RSASSA-PKCS1-v1_5 hash of an RSA algorithm.
fn rsa_hash(alg: Alg) -> Option<RsaHash> {
    match alg {
        Alg::RS256 => Some(RsaHash::Sha256),
        Alg::RS512 => Some(RsaHash::Sha512),
        Alg::HS256 | Alg::ES256 => None,
    }
}

/// Signs `signing_input` with `key` under `alg`.
///
/// ES256 signatures are deterministic (RFC 6979) in every build, on `p256` even with the `ring`
/// feature: the same key and input always give the same 64 bytes, which keeps generated vectors
/// reproducible. RSA signatures (PKCS#1 v1.5) are deterministic on either backend, and any RSA
/// private key signs, short ones included (on RustCrypto `rsa` where ring does not hold it).
pub fn sign(alg: Alg, key: &Key, signing_input: &[u8]) -> Result<Vec<u8>, Reason> {
    sign_with(alg, key, signing_input, Backend::Deterministic).map(|s| s.as_ref().to_vec())
}

/// Signs like [`sign`], on the compiled-in backend: with the `ring` feature, ES256 signatures
/// use a random nonce (equally valid, not reproducible) and RSA signs on ring.
pub fn sign_fast(alg: Alg, key: &Key, signing_input: &[u8]) -> Result<SignatureBytes, Reason> {
    sign_with(alg, key, signing_input, Backend::Fast)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Deterministic,
    Fast,
}

fn sign_with(
    alg: Alg,
    key: &Key,
    signing_input: &[u8],
    backend: Backend,
) -> Result<SignatureBytes, Reason> {
    check_family(alg, key)?;
    if let Some(why) = key.forbids(KeyOp::Sign, alg) {
        return Err(Reason::InvalidKey {
            problem: format!("the key may not sign {alg}: {why}"),
        });
    }
    let public_only = |family: &str, member: &str| Reason::InvalidKey {
        problem: format!(
            "signing {alg} needs an {family} private key (JWK member \"{member}\"); this key is \
             public only"
        ),
    };
    match (alg, &key.material) {
        (Alg::HS256, KeyMaterial::Hmac(secret)) => {
            let tag = hs256(secret, signing_input)?.finalize().into_bytes();
            let mut bytes = [0u8; ES256_SIGNATURE_BYTES];
            bytes[..HS256_TAG_BYTES].copy_from_slice(&tag);
            Ok(SignatureBytes::Inline {
                bytes,
                len: HS256_TAG_BYTES,
            })
        }
        (Alg::ES256, KeyMaterial::EcPrivate(sk)) => {
            let es256 = match backend {
                Backend::Deterministic => backend::sign_deterministic,
                Backend::Fast => backend::sign_fast,
            };
            let bytes = es256(sk, signing_input).ok_or_else(|| Reason::InvalidKey {
                problem: "ECDSA signing failed with this P-256 key".to_owned(),
            })?;
            Ok(SignatureBytes::Inline {
                bytes,
                len: ES256_SIGNATURE_BYTES,
            })
        }
        (Alg::ES256, KeyMaterial::EcPublic(_)) => Err(public_only("EC P-256", "d")),
        (Alg::RS256 | Alg::RS512, KeyMaterial::RsaPrivate(private)) => {
            let hash = rsa_hash(alg).ok_or_else(|| mismatch(alg, key))?;
            // PKCS#1 v1.5 is deterministic: both backends make these bytes.
            private
                .sign_fast(hash, signing_input)
                .map(SignatureBytes::Heap)
                .ok_or_else(|| Reason::InvalidKey {
                    problem: format!(
                        "RSA signing failed with this {}-bit key",
                        private.public().bits()
                    ),
                })
        }
        (Alg::RS256 | Alg::RS512, KeyMaterial::RsaPublic(_)) => Err(public_only("RSA", "d")),
        // check_family has already refused every other pairing.
        (alg, _) => Err(mismatch(alg, key)),
    }
}

/// The first of `keys` under which `signature` verifies; otherwise the first key's reason, or
/// `no_key` when there is no key to try.
pub fn verify_any<'k>(
    alg: Alg,
    keys: impl IntoIterator<Item = &'k Key>,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<&'k Key, Reason> {
    let mut first_error = None;
    for key in keys {
        match verify(alg, key, signing_input, signature) {
            Ok(()) => return Ok(key),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(Reason::NoKey {
        alg: alg.as_str().into(),
    }))
}

/// Verifies `signature` over `signing_input` with `key` under `alg`.
pub fn verify(alg: Alg, key: &Key, signing_input: &[u8], signature: &[u8]) -> Result<(), Reason> {
    check_family(alg, key)?;
    match (alg, &key.material) {
        (Alg::HS256, KeyMaterial::Hmac(secret)) => {
            // The secret is checked before the tag's shape: with an empty secret nothing can be
            // trusted, whatever the token looks like.
            let mac = hs256(secret, signing_input)?;
            if signature.len() != HS256_TAG_BYTES {
                return Err(Reason::SignatureLength {
                    alg: Alg::HS256.as_str().to_owned(),
                    length: signature.len(),
                    expected: HS256_TAG_BYTES,
                });
            }
            // `verify_slice` compares in constant time (subtle), so timing reveals nothing about
            // how many leading bytes of a forged tag were right.
            mac.verify_slice(signature)
                .map_err(|_| Reason::BadSignature)
        }
        (Alg::ES256, KeyMaterial::EcPublic(vk)) => es256_verify(vk, signing_input, signature),
        (Alg::ES256, KeyMaterial::EcPrivate(sk)) => {
            es256_verify(sk.verifying_key(), signing_input, signature)
        }
        (Alg::RS256 | Alg::RS512, _) => match (rsa_hash(alg), key.rsa_public()) {
            (Some(hash), Some(public)) => {
                public.verify(hash, alg.as_str(), signing_input, signature)
            }
            _ => Err(mismatch(alg, key)),
        },
        (alg, _) => Err(mismatch(alg, key)),
    }
}

fn es256_verify(
    vk: &p256::ecdsa::VerifyingKey,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<(), Reason> {
    es256_signature(signature)?;
    if backend::verify(vk, signing_input, signature) {
        Ok(())
    } else {
        Err(Reason::BadSignature)
    }
}

fn check_family(alg: Alg, key: &Key) -> Result<(), Reason> {
    if key.fits(alg) {
        Ok(())
    } else {
        Err(mismatch(alg, key))
    }
}

fn mismatch(alg: Alg, key: &Key) -> Reason {
    Reason::KeyFamilyMismatch {
        alg: alg.as_str().to_owned(),
        key: key.family().to_string(),
    }
}

/// An HMAC-SHA-256 state keyed with `secret` (a clone of the state keyed when the key was
/// loaded) and fed `signing_input`.
fn hs256(secret: &HmacSecret, signing_input: &[u8]) -> Result<Hmac<Sha256>, Reason> {
    // HMAC itself accepts an empty key, which would make every tag forgeable by anyone.
    if secret.is_empty() {
        return Err(Reason::EmptyKey);
    }
    let mut mac = secret.mac();
    mac.update(signing_input);
    Ok(mac)
}

/// Checks a 64-byte R‖S signature, refusing out-of-range scalars before the backend sees them.
///
/// The backends would refuse them too, but doing it here gives the specific reason and keeps the
/// CVE-2022-21449 guard independent of the library and its version.
fn es256_signature(signature: &[u8]) -> Result<(), Reason> {
    if signature.len() != ES256_SIGNATURE_BYTES {
        return Err(Reason::SignatureLength {
            alg: Alg::ES256.as_str().to_owned(),
            length: signature.len(),
            expected: ES256_SIGNATURE_BYTES,
        });
    }
    let (r, s) = signature.split_at(ES256_SIGNATURE_BYTES / 2);
    scalar_in_range(r, "r")?;
    scalar_in_range(s, "s")
}

/// A big-endian 32-byte scalar in [1, n−1].
fn scalar_in_range(bytes: &[u8], component: &str) -> Result<(), Reason> {
    let out_of_range = || Reason::SignatureScalarOutOfRange {
        component: component.to_owned(),
    };
    let mut repr = FieldBytes::default();
    if bytes.len() != repr.len() {
        return Err(out_of_range());
    }
    repr.copy_from_slice(bytes);
    // `from_repr` refuses values ≥ n; zero is in range for it but not for ECDSA.
    let scalar: Option<Scalar> = Scalar::from_repr(repr).into();
    match scalar {
        Some(scalar) if !bool::from(scalar.is_zero()) => Ok(()),
        _ => Err(out_of_range()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Jwk;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use p256::ecdsa::Signature;
    use p256::pkcs8::{EncodePublicKey, LineEnding};

    /// The P-256 group order n, big-endian.
    const N: [u8; 32] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63,
        0x25, 0x51,
    ];
    /// (n − 1) / 2: an s above this is "high".
    const HALF_N: [u8; 32] = [
        0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31,
        0x92, 0xA8,
    ];

    // RFC 7515 Appendix A.1 (HS256).
    const A1_K: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    const A1_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.\
        eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.\
        dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    // RFC 7515 Appendix A.3 (ES256).
    const A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    const A3_D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
    const A3_TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.\
        eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.\
        DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    /// The signing input and decoded signature of a compact token.
    fn split(token: &str) -> (Vec<u8>, Vec<u8>) {
        let dot = token.rfind('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(&token[dot + 1..]).unwrap();
        (token.as_bytes()[..dot].to_vec(), signature)
    }

    fn a1_key() -> Key {
        Key::from_jwk(&Jwk {
            kty: "oct".into(),
            k: Some(A1_K.into()),
            ..Jwk::default()
        })
        .unwrap()
    }

    fn a3_key(private: bool) -> Key {
        Key::from_jwk(&Jwk {
            kty: "EC".into(),
            crv: Some("P-256".into()),
            x: Some(A3_X.into()),
            y: Some(A3_Y.into()),
            d: private.then(|| A3_D.into()),
            ..Jwk::default()
        })
        .unwrap()
    }

    fn code(result: Result<impl std::fmt::Debug, Reason>) -> String {
        result.unwrap_err().code().to_owned()
    }

    /// (r, n − s): the other valid signature for the same (r) nonce point.
    fn s_twin(signature: &[u8]) -> Vec<u8> {
        let mut repr = FieldBytes::default();
        repr.copy_from_slice(&signature[32..]);
        let s: Scalar = Option::from(Scalar::from_repr(repr)).unwrap();
        let mut twin = signature[..32].to_vec();
        twin.extend_from_slice(&(-s).to_repr());
        twin
    }

    fn is_high(s: &[u8]) -> bool {
        s > &HALF_N[..]
    }

    /// `n + delta` (delta small enough not to overflow 256 bits).
    fn n_plus(delta: u8) -> [u8; 32] {
        let mut out = N;
        let (low, carry) = out[31].overflowing_add(delta);
        out[31] = low;
        assert!(!carry, "test helper only adds small deltas");
        out
    }

    #[test]
    fn rfc7515_a1_hs256_verifies_and_resigns_identically() {
        let key = a1_key();
        let (input, signature) = split(A1_TOKEN);
        assert_eq!(verify(Alg::HS256, &key, &input, &signature), Ok(()));
        assert_eq!(sign(Alg::HS256, &key, &input).unwrap(), signature);
        // Sanity: the vector's bytes are what the RFC prints.
        assert_eq!(
            signature[..4],
            [0x74, 0x18, 0xdf, 0xb4],
            "dBjftJeZ decodes to 74 18 df b4"
        );
    }

    #[test]
    fn rfc7515_a3_es256_high_s_verifies() {
        let (input, signature) = split(A3_TOKEN);
        assert_eq!(signature.len(), 64);
        // The RFC's own example is high-S, so accepting it proves high-S acceptance.
        assert!(is_high(&signature[32..]), "A.3's s should be above n/2");
        for key in [a3_key(false), a3_key(true)] {
            assert_eq!(verify(Alg::ES256, &key, &input, &signature), Ok(()));
        }
        // The low-S twin verifies too.
        let twin = s_twin(&signature);
        assert!(!is_high(&twin[32..]));
        assert_eq!(verify(Alg::ES256, &a3_key(false), &input, &twin), Ok(()));
    }

    #[test]
    fn rfc7515_a3_any_bit_flip_fails() {
        let key = a3_key(false);
        let (input, signature) = split(A3_TOKEN);
        for bit in 0..signature.len() * 8 {
            let mut bad = signature.clone();
            bad[bit / 8] ^= 0x80 >> (bit % 8);
            let err = verify(Alg::ES256, &key, &input, &bad).unwrap_err();
            // A flip can push r or s to ≥ n; otherwise the signature is simply wrong.
            assert!(
                matches!(
                    err,
                    Reason::BadSignature | Reason::SignatureScalarOutOfRange { .. }
                ),
                "bit {bit}: {err:?}"
            );
        }
        let mut bad = signature.clone();
        bad[40] ^= 1;
        assert_eq!(
            code(verify(Alg::ES256, &key, &input, &bad)),
            "bad_signature"
        );
    }

    #[test]
    fn es256_round_trip_and_determinism() {
        let key = Key::test_ec("round-trip");
        let input = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0";
        let first = sign(Alg::ES256, &key, input).unwrap();
        let second = sign(Alg::ES256, &key, input).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(first, second, "RFC 6979 signing is deterministic");
        assert_eq!(verify(Alg::ES256, &key, input, &first), Ok(()));
        assert_eq!(verify(Alg::ES256, &key.public(), input, &first), Ok(()));
        // A different input signs differently and does not verify the first signature.
        let other = sign(Alg::ES256, &key, b"other").unwrap();
        assert_ne!(first, other);
        assert_eq!(
            code(verify(Alg::ES256, &key, b"other", &first)),
            "bad_signature"
        );
        // A different key does not verify it.
        let stranger = Key::test_ec("stranger");
        assert_eq!(
            code(verify(Alg::ES256, &stranger, input, &first)),
            "bad_signature"
        );
    }

    #[test]
    fn es256_low_s_twin_of_a_valid_signature_verifies() {
        let key = Key::test_ec("twin");
        for input in [&b"a"[..], b"b", b"c", b"d"] {
            let signature = sign(Alg::ES256, &key, input).unwrap();
            let twin = s_twin(&signature);
            assert_ne!(signature, twin);
            assert_eq!(verify(Alg::ES256, &key, input, &twin), Ok(()));
        }
    }

    #[test]
    fn es256_scalars_out_of_range_are_refused() {
        let key = Key::test_ec("range");
        let input = b"input";
        let valid = sign(Alg::ES256, &key, input).unwrap();
        let (r, s) = valid.split_at(32);
        let zero = [0u8; 32];
        let max = [0xFF; 32];
        let cases: [(&str, &[u8], &[u8], &str); 8] = [
            ("r = 0", &zero, s, "r"),
            ("s = 0", r, &zero, "s"),
            ("r = n", &N, s, "r"),
            ("s = n", r, &N, "s"),
            ("r = n + 1", &n_plus(1), s, "r"),
            ("s = n + 7", r, &n_plus(7), "s"),
            ("r = 2^256 - 1", &max, s, "r"),
            ("s = 2^256 - 1", r, &max, "s"),
        ];
        for (name, r, s, component) in cases {
            let signature = [r, s].concat();
            assert_eq!(
                verify(Alg::ES256, &key, input, &signature),
                Err(Reason::SignatureScalarOutOfRange {
                    component: component.into()
                }),
                "{name}"
            );
        }
        // CVE-2022-21449, the "psychic signature": r = s = 0 must never verify.
        assert_eq!(
            verify(Alg::ES256, &key, input, &[0u8; 64]),
            Err(Reason::SignatureScalarOutOfRange {
                component: "r".into()
            })
        );
        // n − 1 is in range: the signature is merely wrong.
        let mut n_minus_1 = N;
        n_minus_1[31] -= 1;
        let signature = [r, &n_minus_1[..]].concat();
        assert_eq!(
            code(verify(Alg::ES256, &key, input, &signature)),
            "bad_signature"
        );
    }

    #[test]
    fn es256_wrong_lengths_and_der_are_refused() {
        let key = Key::test_ec("length");
        let input = b"input";
        let valid = sign(Alg::ES256, &key, input).unwrap();
        let mut longer = valid.clone();
        longer.push(0);
        let mut longest = longer.clone();
        longest.push(0);
        let der = Signature::from_slice(&valid).unwrap().to_der();
        let der = der.as_bytes().to_vec();
        assert_eq!(der[0], 0x30, "a DER SEQUENCE");
        for signature in [vec![], vec![1], valid[..63].to_vec(), longer, longest, der] {
            assert_eq!(
                verify(Alg::ES256, &key, input, &signature),
                Err(Reason::SignatureLength {
                    alg: "ES256".into(),
                    length: signature.len(),
                    expected: 64
                })
            );
        }
    }

    #[test]
    fn es256_signing_needs_a_private_key() {
        let key = Key::test_ec("public-only").public();
        assert_eq!(code(sign(Alg::ES256, &key, b"x")), "invalid_key");
    }

    #[test]
    fn hs256_every_bit_flip_fails() {
        let key = Key::test_hmac("flip");
        let input = b"eyJhbGciOiJIUzI1NiJ9.e30";
        let tag = sign(Alg::HS256, &key, input).unwrap();
        assert_eq!(tag.len(), 32);
        assert_eq!(verify(Alg::HS256, &key, input, &tag), Ok(()));
        for bit in 0..256 {
            let mut bad = tag.clone();
            bad[bit / 8] ^= 0x80 >> (bit % 8);
            assert_eq!(
                verify(Alg::HS256, &key, input, &bad),
                Err(Reason::BadSignature),
                "bit {bit}"
            );
        }
    }

    #[test]
    fn hs256_constant_tags_fail() {
        let key = Key::test_hmac("constant");
        assert_eq!(
            code(verify(Alg::HS256, &key, b"x", &[0u8; 32])),
            "bad_signature"
        );
        assert_eq!(
            code(verify(Alg::HS256, &key, b"x", &[0xFF; 32])),
            "bad_signature"
        );
    }

    #[test]
    fn hs256_truncated_and_extended_tags_are_refused() {
        let key = Key::test_hmac("length");
        let tag = sign(Alg::HS256, &key, b"x").unwrap();
        let mut extended = tag.clone();
        extended.extend_from_slice(&tag[..8]);
        for (bad, length) in [(&tag[..16], 16), (&extended[..], 40), (&[][..], 0)] {
            assert_eq!(
                verify(Alg::HS256, &key, b"x", bad),
                Err(Reason::SignatureLength {
                    alg: "HS256".into(),
                    length,
                    expected: 32
                })
            );
        }
    }

    #[test]
    fn hs256_empty_key_refuses_everything() {
        let key = Key::hmac(Vec::new(), None);
        assert_eq!(sign(Alg::HS256, &key, b"x"), Err(Reason::EmptyKey));
        // The tag anyone could compute with an empty HMAC key must not verify.
        let forged = {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"").unwrap();
            mac.update(b"x");
            mac.finalize().into_bytes().to_vec()
        };
        assert_eq!(
            verify(Alg::HS256, &key, b"x", &forged),
            Err(Reason::EmptyKey)
        );
        assert_eq!(verify(Alg::HS256, &key, b"x", b""), Err(Reason::EmptyKey));
    }

    #[test]
    fn hs256_long_key_works_and_is_hashed() {
        let secret: Vec<u8> = (0..100u8).collect();
        let key = Key::hmac(secret.clone(), None);
        let tag = sign(Alg::HS256, &key, b"x").unwrap();
        assert_eq!(verify(Alg::HS256, &key, b"x", &tag), Ok(()));
        // RFC 2104: a key longer than the block (64 bytes) is replaced by its hash.
        use sha2::Digest;
        let hashed = Key::hmac(Sha256::digest(&secret).to_vec(), None);
        assert_eq!(sign(Alg::HS256, &hashed, b"x").unwrap(), tag);
        let shorter = Key::hmac(secret[..99].to_vec(), None);
        assert_ne!(sign(Alg::HS256, &shorter, b"x").unwrap(), tag);
    }

    #[test]
    fn key_family_mismatch_both_ways() {
        let ec = Key::test_ec("ec");
        let hmac = Key::test_hmac("hmac");
        let hs_tag = sign(Alg::HS256, &hmac, b"x").unwrap();
        let es_sig = sign(Alg::ES256, &ec, b"x").unwrap();
        let ec_with_hs = Reason::KeyFamilyMismatch {
            alg: "HS256".into(),
            key: "EC P-256".into(),
        };
        let hmac_with_es = Reason::KeyFamilyMismatch {
            alg: "ES256".into(),
            key: "HMAC secret".into(),
        };
        assert_eq!(sign(Alg::HS256, &ec, b"x"), Err(ec_with_hs.clone()));
        assert_eq!(
            verify(Alg::HS256, &ec, b"x", &hs_tag),
            Err(ec_with_hs.clone())
        );
        assert_eq!(
            verify(Alg::HS256, &ec.public(), b"x", &hs_tag),
            Err(ec_with_hs)
        );
        assert_eq!(sign(Alg::ES256, &hmac, b"x"), Err(hmac_with_es.clone()));
        assert_eq!(verify(Alg::ES256, &hmac, b"x", &es_sig), Err(hmac_with_es));
    }

    #[test]
    fn ec_public_key_bytes_as_hmac_secret_do_not_verify() {
        // The classic key-confusion attack: the attacker HMACs a token with the public key's
        // bytes (in some encoding) and sets alg to HS256.
        let ec = Key::test_ec("victim").public();
        let vk = ec.verifying_key().unwrap();
        let encodings: Vec<Vec<u8>> = vec![
            serde_json::to_string(&ec.public_jwk())
                .unwrap()
                .into_bytes(),
            vk.to_encoded_point(false).as_bytes().to_vec(),
            vk.to_encoded_point(true).as_bytes().to_vec(),
            vk.to_public_key_pem(LineEnding::LF).unwrap().into_bytes(),
            vk.to_public_key_der().unwrap().as_bytes().to_vec(),
        ];
        let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9";
        for secret in encodings {
            let forger = Key::hmac(secret, None);
            let tag = sign(Alg::HS256, &forger, input).unwrap();
            // The tag is a good HMAC under those bytes…
            assert_eq!(verify(Alg::HS256, &forger, input, &tag), Ok(()));
            // …and worthless against the EC key.
            assert_eq!(
                code(verify(Alg::HS256, &ec, input, &tag)),
                "key_family_mismatch"
            );
        }
    }

    #[test]
    fn arbitrary_signatures_never_panic() {
        let keys = [
            Key::test_ec("p"),
            Key::test_ec("p").public(),
            Key::test_hmac("p"),
            Key::hmac(Vec::new(), None),
        ];
        let mut sample = [0u8; 64];
        for i in 0..=255u8 {
            sample.iter_mut().enumerate().for_each(|(j, b)| {
                *b = i.wrapping_mul(31).wrapping_add(j as u8);
            });
            for key in &keys {
                for alg in Alg::ALL {
                    for len in [0, 31, 32, 33, 63, 64, 65] {
                        assert!(verify(alg, key, &sample, &sample[..len.min(64)]).is_err());
                    }
                }
            }
        }
    }
}
