//! Key material for the signature layer (policy.md §4): HMAC secrets, EC P-256 keys and RSA
//! keys, loaded from JWKs, JWK sets and PEM, and grouped into [`KeySet`]s.
//!
//! Loading is strict: JWK members are canonical unpadded base64url, EC coordinates are exactly 32
//! bytes and name a point on P-256, a private scalar `d` must belong to the `x`/`y` it comes
//! with, and an RSA key must pass [`crate::engine::rsa::check_public`] with private members that
//! agree. No error message and no `Debug` output ever shows secret material (`k`, `d`, an RSA
//! key's primes, or bytes of them), so both are safe to log.

use std::collections::BTreeMap;
use std::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{DecodeError, Engine as _};
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::spki::SubjectPublicKeyInfoRef;
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, ObjectIdentifier, PrivateKeyInfo};
use p256::{EncodedPoint, FieldBytes};
use rsa::BigUint;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::contract::Jwk;
pub use crate::engine::backend::HmacSecret;
use crate::engine::rsa::{PrivateParts, PrivateRsa, PublicRsa};
use crate::engine::Alg;

/// Canonical unpadded base64url (RFC 7515 §2): padding and non-zero trailing bits are errors, so
/// every byte string has exactly one accepted spelling.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Byte length of a P-256 coordinate or scalar.
const P256_BYTES: usize = 32;

/// The family of a key, which decides the algorithms it may be used with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// A shared HMAC secret (JWK `oct`), for HS256.
    Hmac,
    /// An EC P-256 key, public or private (JWK `EC`), for ES256.
    Ec,
    /// An RSA key, public or private (JWK `RSA`), for RS256 and RS512.
    Rsa,
}

impl fmt::Display for KeyFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFamily::Hmac => "HMAC secret",
            KeyFamily::Ec => "EC P-256",
            KeyFamily::Rsa => "RSA",
        })
    }
}

/// The cryptographic part of a [`Key`].
#[derive(Clone)]
pub enum KeyMaterial {
    /// The raw HMAC secret bytes (possibly empty: the signature layer refuses to use it), with
    /// the HMAC state keyed once.
    Hmac(HmacSecret),
    /// A P-256 public point: verifies ES256, cannot sign.
    EcPublic(VerifyingKey),
    /// A P-256 private scalar (and its public point): signs and verifies ES256.
    EcPrivate(SigningKey),
    /// An RSA public key: verifies RS256 and RS512, cannot sign. (Boxed, as is the private key:
    /// an RSA key is several times the size of the others.)
    RsaPublic(Box<PublicRsa>),
    /// An RSA private key (and its public half): signs and verifies RS256 and RS512.
    RsaPrivate(Box<PrivateRsa>),
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyMaterial::Hmac(secret) => {
                write!(f, "Hmac(<redacted, {} bytes>)", secret.len())
            }
            KeyMaterial::EcPublic(vk) => {
                let (x, y) = coordinates(vk);
                f.debug_struct("EcPublic")
                    .field("x", &x)
                    .field("y", &y)
                    .finish()
            }
            KeyMaterial::EcPrivate(sk) => {
                let (x, y) = coordinates(sk.verifying_key());
                f.debug_struct("EcPrivate")
                    .field("x", &x)
                    .field("y", &y)
                    .field("d", &"<redacted>")
                    .finish()
            }
            KeyMaterial::RsaPublic(public) => public.fmt(f),
            KeyMaterial::RsaPrivate(private) => private.fmt(f),
        }
    }
}

/// A key with its optional key id.
#[derive(Clone)]
pub struct Key {
    /// The `kid` a token header uses to select this key.
    pub kid: Option<String>,
    /// The secret, public point or private scalar.
    pub material: KeyMaterial,
    /// What the key's JWK says it is for, when it says anything.
    pub params: Option<Box<KeyParams>>,
}

/// The JWK members that say what a key is for and where it comes from (RFC 7517 §4.2–4.4,
/// §4.7): an absent member restricts nothing. Checked when the key loads (policy.md §4.17,
/// §4.18) and honoured when a key is chosen (§4.16).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyParams {
    /// `alg`: the one algorithm the key may be used with.
    pub alg: Option<String>,
    /// `use`: `sig` for a signing key; any other value keeps it from verifying.
    pub use_: Option<String>,
    /// `key_ops`: the operations the key may perform (`sign`, `verify`, …).
    pub key_ops: Option<Vec<String>>,
    /// `x5c`: base64 DER certificates, the first one for this very key.
    pub x5c: Option<Vec<String>>,
}

/// What a key is asked to do: the `key_ops` value that permits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOp {
    /// Making a signature or MAC.
    Sign,
    /// Checking one.
    Verify,
}

impl KeyOp {
    /// The `key_ops` value (RFC 7517 §4.3).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyOp::Sign => "sign",
            KeyOp::Verify => "verify",
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("material", &self.material)
            .field("params", &self.params)
            .finish()
    }
}

impl Key {
    /// An HMAC key from raw secret bytes.
    pub fn hmac(secret: impl Into<Vec<u8>>, kid: Option<String>) -> Key {
        Key {
            kid,
            material: KeyMaterial::Hmac(HmacSecret::new(Zeroizing::new(secret.into()))),
            params: None,
        }
    }

    /// A key from a JWK: `oct` (`k`), `EC` P-256 (`x`, `y`, and `d` for a private key) or `RSA`
    /// (`n`, `e`, and `d` with optionally all of `p`, `q`, `dp`, `dq`, `qi` for a private key).
    ///
    /// Members that belong to another key type are refused rather than ignored: a JWK that is
    /// both an `oct` secret and an EC point is ambiguous, and guessing is how key confusion starts.
    pub fn from_jwk(jwk: &Jwk) -> Result<Key, KeyError> {
        let material = match jwk.kty.as_str() {
            "oct" => {
                only_members(jwk, "oct", &["k"])?;
                let k = required("oct", "k", &jwk.k)?;
                KeyMaterial::Hmac(HmacSecret::new(decode_member("k", k)?))
            }
            "RSA" => {
                only_members(jwk, "RSA", &["n", "e", "d", "p", "q", "dp", "dq", "qi"])?;
                rsa_from_jwk(jwk)?
            }
            "EC" => {
                only_members(jwk, "EC", &["crv", "x", "y", "d"])?;
                let crv = required("EC", "crv", &jwk.crv)?;
                if crv != "P-256" {
                    return Err(KeyError::UnsupportedCurve { found: clip(crv) });
                }
                let x = decode_coordinate("x", required("EC", "x", &jwk.x)?)?;
                let y = decode_coordinate("y", required("EC", "y", &jwk.y)?)?;
                let point = EncodedPoint::from_affine_coordinates(&x, &y, false);
                let public = VerifyingKey::from_encoded_point(&point)
                    .map_err(|_| KeyError::PointNotOnCurve)?;
                match &jwk.d {
                    None => KeyMaterial::EcPublic(public),
                    Some(d) => {
                        let d = decode_coordinate("d", d)?;
                        let private = SigningKey::from_bytes(&d)
                            .map_err(|_| KeyError::InvalidPrivateScalar)?;
                        if *private.verifying_key() != public {
                            return Err(KeyError::PrivateKeyMismatch);
                        }
                        KeyMaterial::EcPrivate(private)
                    }
                }
            }
            other => return Err(KeyError::UnsupportedKty { found: clip(other) }),
        };
        let mut key = Key {
            kid: jwk.kid.clone(),
            material,
            params: None,
        };
        key.params = jwk_params(jwk, &key)?;
        Ok(key)
    }

    /// Why this key's JWK forbids `op` with `alg` (policy.md §4.16), if it does.
    pub fn forbids(&self, op: KeyOp, alg: Alg) -> Option<String> {
        let params = self.params.as_deref()?;
        if let Some(own) = params.alg.as_deref().filter(|a| *a != alg.as_str()) {
            return Some(format!("its JWK has \"alg\": {:?}", clip(own)));
        }
        if let Some(used) = params.use_.as_deref().filter(|u| *u != "sig") {
            return Some(format!(
                "its JWK has \"use\": {:?}, not \"sig\"",
                clip(used)
            ));
        }
        match &params.key_ops {
            Some(ops) if !ops.iter().any(|o| o == op.as_str()) => Some(format!(
                "its JWK's \"key_ops\" do not include {:?}",
                op.as_str()
            )),
            _ => None,
        }
    }

    /// A P-256 or RSA key from PEM: `PUBLIC KEY` (SPKI) or `PRIVATE KEY` (PKCS#8) of either,
    /// `EC PRIVATE KEY` (SEC1), `RSA PUBLIC KEY` or `RSA PRIVATE KEY` (PKCS#1).
    ///
    /// A leading `EC PARAMETERS` block (what `openssl ecparam -genkey` prints before the key) is
    /// skipped: the key block carries its own curve, which is checked.
    pub fn from_pem(pem: &str, kid: Option<String>) -> Result<Key, KeyError> {
        let text = skip_ec_parameters(pem.trim())?;
        let (label, der) = p256::pkcs8::der::pem::decode_vec(text.as_bytes()).map_err(|e| {
            KeyError::InvalidPem {
                problem: e.to_string(),
            }
        })?;
        // The DER of a private key is secret; make sure it is wiped however we leave.
        let der = Zeroizing::new(der);
        let invalid = |label, problem| KeyError::InvalidPemKey { label, problem };
        let material = match label {
            "PUBLIC KEY" => spki_material(&der)?,
            "PRIVATE KEY" if is_rsa_pkcs8(&der) => {
                let info = PrivateKeyInfo::try_from(&der[..])
                    .map_err(|e| invalid("PRIVATE KEY", e.to_string()))?;
                KeyMaterial::RsaPrivate(Box::new(PrivateRsa::from_pkcs1_der(info.private_key)?))
            }
            "RSA PUBLIC KEY" => KeyMaterial::RsaPublic(Box::new(PublicRsa::from_pkcs1_der(&der)?)),
            "RSA PRIVATE KEY" => {
                KeyMaterial::RsaPrivate(Box::new(PrivateRsa::from_pkcs1_der(&der)?))
            }
            "PRIVATE KEY" => {
                let secret = p256::SecretKey::from_pkcs8_der(&der)
                    .map_err(|e| invalid("PRIVATE KEY", e.to_string()))?;
                KeyMaterial::EcPrivate(SigningKey::from(secret))
            }
            "EC PRIVATE KEY" => {
                let problem = "not a SEC1 ECPrivateKey on P-256 (or its public key does not match \
                               its private scalar)";
                let secret = p256::SecretKey::from_sec1_der(&der)
                    .map_err(|_| invalid("EC PRIVATE KEY", problem.to_owned()))?;
                KeyMaterial::EcPrivate(SigningKey::from(secret))
            }
            other => return Err(KeyError::UnsupportedPemLabel { label: clip(other) }),
        };
        Ok(Key {
            kid,
            material,
            params: None,
        })
    }

    /// The key as a JWK, secret members (`k`, `d`) included.
    pub fn to_jwk(&self) -> Jwk {
        let mut jwk = self.material_jwk();
        if let Some(params) = self.params.as_deref() {
            jwk.alg.clone_from(&params.alg);
            jwk.use_.clone_from(&params.use_);
            jwk.key_ops.clone_from(&params.key_ops);
            jwk.x5c.clone_from(&params.x5c);
        }
        jwk
    }

    /// The JWK of `material`'s public half, without `kid` or parameters.
    fn public_material_jwk(material: &KeyMaterial) -> Jwk {
        Key {
            kid: None,
            material: material.clone(),
            params: None,
        }
        .public()
        .material_jwk()
    }

    fn material_jwk(&self) -> Jwk {
        match &self.material {
            KeyMaterial::Hmac(secret) => Jwk {
                kty: "oct".to_owned(),
                k: Some(B64URL.encode(secret.as_slice())),
                kid: self.kid.clone(),
                ..Jwk::default()
            },
            KeyMaterial::EcPublic(vk) => ec_jwk(vk, None, &self.kid),
            KeyMaterial::EcPrivate(sk) => {
                let d = Zeroizing::new(sk.to_bytes());
                ec_jwk(sk.verifying_key(), Some(&d[..]), &self.kid)
            }
            KeyMaterial::RsaPublic(public) => rsa_jwk(public, None, &self.kid),
            KeyMaterial::RsaPrivate(private) => rsa_jwk(private.public(), Some(private), &self.kid),
        }
    }

    /// The key as PEM: PKCS#8 `PRIVATE KEY` for an EC or RSA private key, SPKI `PUBLIC KEY` for
    /// a public one; none for an HMAC secret, which has no PEM form.
    pub fn to_pem(&self) -> Option<Zeroizing<String>> {
        use p256::pkcs8::der::pem::{encode_string, LineEnding};
        use p256::pkcs8::{EncodePrivateKey, EncodePublicKey};
        let pem = |label: &str, der: &[u8]| encode_string(label, LineEnding::LF, der).ok();
        match &self.material {
            KeyMaterial::Hmac(_) => None,
            KeyMaterial::EcPublic(vk) => {
                let der = p256::PublicKey::from(vk).to_public_key_der().ok()?;
                pem("PUBLIC KEY", der.as_bytes()).map(Zeroizing::new)
            }
            KeyMaterial::EcPrivate(sk) => {
                let der = p256::SecretKey::from(sk).to_pkcs8_der().ok()?;
                pem("PRIVATE KEY", der.as_bytes()).map(Zeroizing::new)
            }
            KeyMaterial::RsaPublic(public) => {
                pem("PUBLIC KEY", &public.to_spki_der()).map(Zeroizing::new)
            }
            KeyMaterial::RsaPrivate(private) => {
                pem("PRIVATE KEY", &private.to_pkcs8_der()).map(Zeroizing::new)
            }
        }
    }

    /// The key as a JWK without `d`. An `oct` JWK keeps `k`: a shared secret has no public half.
    pub fn public_jwk(&self) -> Jwk {
        self.public().to_jwk()
    }

    /// The public half of an EC or RSA private key; other keys unchanged.
    pub fn public(&self) -> Key {
        let material = match &self.material {
            KeyMaterial::EcPrivate(sk) => KeyMaterial::EcPublic(*sk.verifying_key()),
            KeyMaterial::RsaPrivate(private) => {
                KeyMaterial::RsaPublic(Box::new(private.public().clone()))
            }
            _ => return self.clone(),
        };
        Key {
            kid: self.kid.clone(),
            material,
            params: self.params.clone(),
        }
    }

    /// The key's family.
    pub fn family(&self) -> KeyFamily {
        match self.material {
            KeyMaterial::Hmac(_) => KeyFamily::Hmac,
            KeyMaterial::EcPublic(_) | KeyMaterial::EcPrivate(_) => KeyFamily::Ec,
            KeyMaterial::RsaPublic(_) | KeyMaterial::RsaPrivate(_) => KeyFamily::Rsa,
        }
    }

    /// Whether this key's family is the one `alg` uses (HS256: HMAC, ES256: EC P-256, RS256 and
    /// RS512: RSA).
    pub fn fits(&self, alg: Alg) -> bool {
        self.family() == alg.family()
    }

    /// The RSA public key, for RSA keys.
    pub fn rsa_public(&self) -> Option<&PublicRsa> {
        match &self.material {
            KeyMaterial::RsaPublic(public) => Some(public),
            KeyMaterial::RsaPrivate(private) => Some(private.public()),
            _ => None,
        }
    }

    /// The P-256 public key, for EC keys.
    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        match &self.material {
            KeyMaterial::EcPublic(vk) => Some(*vk),
            KeyMaterial::EcPrivate(sk) => Some(*sk.verifying_key()),
            _ => None,
        }
    }

    /// TEST KEY ONLY: a 32-byte HMAC secret derived from `label` (anyone can recompute it).
    ///
    /// The secret is SHA-256(`"idjwt test key (not secret): hmac: "` ‖ label); `kid` = label.
    pub fn test_hmac(label: &str) -> Key {
        let secret = Sha256::new()
            .chain_update(b"idjwt test key (not secret): hmac: ")
            .chain_update(label.as_bytes())
            .finalize();
        Key::hmac(secret.to_vec(), Some(label.to_owned()))
    }

    /// TEST KEY ONLY: a P-256 private key derived from `label` (anyone can recompute it).
    ///
    /// The scalar is SHA-256(`"idjwt test key (not secret): ec: "` ‖ label); in the (about
    /// 2^-32 likely) case that is zero or not below the group order, the next candidate is
    /// SHA-256(that prefix ‖ label ‖ `"#"` ‖ counter in decimal), counter = 1, 2, …
    /// `kid` = label.
    pub fn test_ec(label: &str) -> Key {
        type Derived = std::sync::Mutex<BTreeMap<String, Key>>;
        static DERIVED: std::sync::OnceLock<Derived> = std::sync::OnceLock::new();
        let cache = DERIVED.get_or_init(Default::default);
        if let Some(key) = cache.lock().ok().and_then(|c| c.get(label).cloned()) {
            return key;
        }
        let key = Self::derive_test_ec(label);
        if let Ok(mut c) = cache.lock() {
            c.insert(label.to_owned(), key.clone());
        }
        key
    }

    /// [`Key::test_ec`], derived (a point multiplication, which vectors would repeat thousands
    /// of times).
    fn derive_test_ec(label: &str) -> Key {
        let mut counter: u64 = 0;
        loop {
            let mut hash = Sha256::new()
                .chain_update(b"idjwt test key (not secret): ec: ")
                .chain_update(label.as_bytes());
            if counter > 0 {
                hash.update(format!("#{counter}").as_bytes());
            }
            let scalar = Zeroizing::new(hash.finalize());
            if let Ok(sk) = SigningKey::from_bytes(&scalar) {
                return Key {
                    kid: Some(label.to_owned()),
                    material: KeyMaterial::EcPrivate(sk),
                    params: None,
                };
            }
            counter += 1;
        }
    }

    /// TEST KEY ONLY: the test key of `alg`'s family with this label (also its `kid`).
    pub fn test_for(alg: Alg, label: &str) -> Key {
        match alg.family() {
            KeyFamily::Hmac => Key::test_hmac(label),
            KeyFamily::Ec => Key::test_ec(label),
            KeyFamily::Rsa => Key::test_rsa(label),
        }
    }

    /// TEST KEY ONLY: a 2048-bit RSA private key with e = 65537 derived from `label` (anyone can
    /// recompute it; see [`PrivateRsa::test_key`]). `kid` = label.
    pub fn test_rsa(label: &str) -> Key {
        Key::test_rsa_sized(label, 2048, 65_537)
    }

    /// TEST KEY ONLY: [`Key::test_rsa`] with another modulus size or prime exponent, unchecked
    /// (short keys and small exponents are what some vectors are about). Each key is built once
    /// per process, from its committed primes where the vectors use it.
    pub fn test_rsa_sized(label: &str, bits: usize, e: u32) -> Key {
        let cache = rsa_test_keys();
        let id = (label.to_owned(), bits, e);
        let cached = cache.lock().ok().and_then(|c| c.get(&id).cloned());
        let private = cached.unwrap_or_else(|| {
            let derived = PrivateRsa::test_key(label, bits, e);
            if let Ok(mut c) = cache.lock() {
                c.insert(id, derived.clone());
            }
            derived
        });
        Key {
            kid: Some(label.to_owned()),
            material: KeyMaterial::RsaPrivate(Box::new(private)),
            params: None,
        }
    }
}

type RsaTestKeys = std::sync::Mutex<BTreeMap<(String, usize, u32), PrivateRsa>>;

/// Every RSA test key this process has asked for, by label, size and exponent.
fn rsa_test_keys() -> &'static RsaTestKeys {
    static DERIVED: std::sync::OnceLock<RsaTestKeys> = std::sync::OnceLock::new();
    DERIVED.get_or_init(Default::default)
}

/// The table of committed test primes (`harness/src/engine/rsa_test_primes.rs`) for every RSA
/// test key this process has asked for: `cargo xtask vectors` writes it after generating.
pub fn rsa_test_primes_source() -> String {
    let keys = rsa_test_keys().lock().unwrap_or_else(|e| e.into_inner());
    let rows: Vec<String> = keys
        .iter()
        .map(|((label, bits, e), key)| key.test_primes_row(label, *bits, *e))
        .collect();
    format!(
        "//! GENERATED by `cargo xtask vectors` (`--check` fails on drift); do not edit.\n\
         //!\n\
         //! The two primes, in hexadecimal, of every RSA TEST KEY the vectors use, as\n\
         //! [`PrivateRsa::test_key`](super::rsa::PrivateRsa::test_key) derives them: label, modulus\n\
         //! bits, public exponent, p, q. Not secret; a test derives every row again.\n\
         \n\
         #[rustfmt::skip]\n\
         pub(crate) const RSA_TEST_PRIMES: &[(&str, usize, u32, &str, &str)] = &[\n\
         {}\n\
         ];\n",
        rows.join("\n")
    )
}

/// Why a key could not be loaded. Messages name the JWK member or PEM label at fault and never
/// contain secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// `kty` is not `oct`, `EC` or `RSA`.
    #[error("unsupported kty {found:?} (expected \"oct\", \"EC\" or \"RSA\")")]
    UnsupportedKty { found: String },
    /// A member the key type needs is absent.
    #[error("JWK with kty {kty:?} is missing member {member:?}")]
    MissingMember {
        kty: &'static str,
        member: &'static str,
    },
    /// A member of the other key type is present (e.g. `k` on an EC key).
    #[error("JWK member {member:?} does not belong in a kty {kty:?} key")]
    UnexpectedMember {
        kty: &'static str,
        member: &'static str,
    },
    /// A member is not canonical unpadded base64url.
    #[error("JWK member {member:?} is not canonical base64url: {problem}")]
    InvalidBase64 {
        member: &'static str,
        problem: String,
    },
    /// A member decodes to the wrong number of bytes.
    #[error("JWK member {member:?} must decode to {expected} bytes, found {length}")]
    MemberLength {
        member: &'static str,
        length: usize,
        expected: usize,
    },
    /// `crv` is not `P-256`.
    #[error("JWK \"crv\" must be \"P-256\", found {found:?}")]
    UnsupportedCurve { found: String },
    /// `x`/`y` do not name a point on P-256.
    #[error("EC point (JWK members \"x\" and \"y\") is not on P-256")]
    PointNotOnCurve,
    /// `d` is zero or not below the group order.
    #[error(
        "JWK member \"d\" is not a valid P-256 private scalar (zero or not below the group order)"
    )]
    InvalidPrivateScalar,
    /// `d`'s public point is not `x`/`y`.
    #[error("JWK member \"d\" does not match \"x\"/\"y\" (its public point differs)")]
    PrivateKeyMismatch,
    /// A base64url integer (an RSA member) is empty or starts with a zero byte (RFC 7518
    /// §6.3.1.1 asks for the shortest encoding).
    #[error("JWK member {member:?} is not a minimal base64url integer: {problem}")]
    NotMinimalInteger {
        member: &'static str,
        problem: &'static str,
    },
    /// The RSA modulus is shorter or longer than policy.md §4.10 allows.
    #[error(
        "RSA modulus is {bits} bits; policy.md §4.10 requires {min} to {max} bits (RFC 7518 §3.3 \
         asks for at least 2048)"
    )]
    RsaModulusSize { bits: usize, min: usize, max: usize },
    /// The RSA public exponent is refused by policy.md §4.11.
    #[error("RSA public exponent e = {e} is refused (policy.md §4.11): {problem}")]
    RsaExponent { e: String, problem: String },
    /// The RSA key is malformed or its members do not agree.
    #[error("RSA key is invalid: {problem}")]
    InvalidRsaKey { problem: String },
    /// The text is not a PEM document.
    #[error("PEM is malformed: {problem}")]
    InvalidPem { problem: String },
    /// The PEM label names a kind of key this layer does not load.
    #[error(
        "PEM label {label:?} not supported (expected \"PUBLIC KEY\", \"PRIVATE KEY\", \"EC PRIVATE KEY\", \"RSA PUBLIC KEY\" or \"RSA PRIVATE KEY\")"
    )]
    UnsupportedPemLabel { label: String },
    /// The PEM block's contents are not a P-256 key of the kind its label says.
    #[error("PEM {label:?} does not hold a P-256 key: {problem}")]
    InvalidPemKey {
        label: &'static str,
        problem: String,
    },
    /// The JWK set text is not JSON of the expected shape.
    #[error("JWKS is invalid at {path}: {problem}")]
    InvalidJwks { path: String, problem: String },
    /// One key of a set failed to load.
    #[error("JWKS key #{index}: {source}")]
    InSet { index: usize, source: Box<KeyError> },
    /// Two keys of a set have the same `kid`, which then selects neither (policy.md §4.19).
    #[error("JWKS keys #{first} and #{second} both have \"kid\" {kid:?}; a kid must name one key (policy.md §4.19)")]
    DuplicateKid {
        kid: String,
        first: usize,
        second: usize,
    },
    /// The JWK's `alg` names an algorithm of another key type, or `none` (policy.md §4.17).
    #[error("JWK \"alg\" {alg:?} is not an algorithm for a kty {kty:?} key (policy.md §4.17)")]
    AlgForOtherKeyType { alg: String, kty: &'static str },
    /// The JWK's `key_ops` is malformed or contradicts its `use` (policy.md §4.17).
    #[error("JWK \"key_ops\": {problem} (policy.md §4.17)")]
    InvalidKeyOps { problem: String },
    /// The JWK's `x5c` cannot be read or holds another key than the JWK (policy.md §4.18).
    #[error("JWK \"x5c\": {problem} (policy.md §4.18)")]
    InvalidX5c { problem: String },
}

impl KeyError {
    /// A stable snake_case code for this error (for a key in a set, the code of its error).
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::UnsupportedKty { .. } => "unsupported_kty",
            KeyError::MissingMember { .. } => "missing_member",
            KeyError::UnexpectedMember { .. } => "unexpected_member",
            KeyError::InvalidBase64 { .. } => "invalid_base64",
            KeyError::MemberLength { .. } => "member_length",
            KeyError::UnsupportedCurve { .. } => "unsupported_curve",
            KeyError::PointNotOnCurve => "point_not_on_curve",
            KeyError::InvalidPrivateScalar => "invalid_private_scalar",
            KeyError::PrivateKeyMismatch => "private_key_mismatch",
            KeyError::NotMinimalInteger { .. } => "not_minimal_integer",
            KeyError::RsaModulusSize { .. } => "rsa_modulus_size",
            KeyError::RsaExponent { .. } => "rsa_exponent",
            KeyError::InvalidRsaKey { .. } => "invalid_rsa_key",
            KeyError::InvalidPem { .. } => "invalid_pem",
            KeyError::UnsupportedPemLabel { .. } => "unsupported_pem_label",
            KeyError::InvalidPemKey { .. } => "invalid_pem_key",
            KeyError::InvalidJwks { .. } => "invalid_jwks",
            KeyError::InSet { source, .. } => source.code(),
            KeyError::DuplicateKid { .. } => "duplicate_kid",
            KeyError::AlgForOtherKeyType { .. } => "alg_for_other_key_type",
            KeyError::InvalidKeyOps { .. } => "invalid_key_ops",
            KeyError::InvalidX5c { .. } => "invalid_x5c",
        }
    }
}

/// An ordered collection of keys, as configured for one provider (several keys for rotation).
///
/// A set loaded from JWKs has no two keys with one `kid`; one built with [`KeySet::new`] may,
/// and [`KeySet::by_kid`] then returns the first, in configuration order.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
}

impl KeySet {
    /// A set of these keys, in this order.
    pub fn new(keys: Vec<Key>) -> Self {
        KeySet { keys }
    }

    /// Loads `{"keys":[…]}` or a single JWK object. Every key must load; unknown members (`use`,
    /// `alg`, …) are ignored, duplicate known members are errors.
    pub fn from_jwks(text: &str) -> Result<KeySet, KeyError> {
        #[derive(Deserialize)]
        struct Probe {
            keys: Option<serde::de::IgnoredAny>,
        }
        #[derive(Deserialize)]
        struct Jwks {
            keys: Vec<Jwk>,
        }
        let probe: Probe = parse_json(text)?;
        if probe.keys.is_some() {
            let set: Jwks = parse_json(text)?;
            KeySet::from_jwks_list(&set.keys)
        } else {
            let jwk: Jwk = parse_json(text)?;
            Ok(KeySet::new(vec![Key::from_jwk(&jwk)?]))
        }
    }

    /// Loads every JWK of a list (as protocol v1 verify requests carry them). Two keys with the
    /// same `kid` are a configuration error (policy.md §4.19).
    pub fn from_jwks_list(jwks: &[Jwk]) -> Result<KeySet, KeyError> {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, kid) in jwks
            .iter()
            .enumerate()
            .filter_map(|(i, j)| Some((i, j.kid.as_deref()?)))
        {
            if let Some(first) = seen.insert(kid, index) {
                return Err(KeyError::DuplicateKid {
                    kid: clip(kid),
                    first,
                    second: index,
                });
            }
        }
        jwks.iter()
            .enumerate()
            .map(|(index, jwk)| {
                Key::from_jwk(jwk).map_err(|e| KeyError::InSet {
                    index,
                    source: Box::new(e),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(KeySet::new)
    }

    /// The keys, in configuration order.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Adds a key at the end.
    pub fn push(&mut self, key: Key) {
        self.keys.push(key);
    }

    /// The first key with exactly this `kid` (case-sensitive).
    pub fn by_kid(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid.as_deref() == Some(kid))
    }

    /// The keys whose family fits `alg`, in configuration order.
    pub fn for_alg(&self, alg: Alg) -> impl Iterator<Item = &Key> {
        self.keys.iter().filter(move |k| k.fits(alg))
    }

    /// The same set with every private key replaced by its public key (HMAC keys stay).
    pub fn public(&self) -> KeySet {
        KeySet::new(self.keys.iter().map(Key::public).collect())
    }
}

fn required<'a>(
    kty: &'static str,
    member: &'static str,
    value: &'a Option<String>,
) -> Result<&'a str, KeyError> {
    value
        .as_deref()
        .ok_or(KeyError::MissingMember { kty, member })
}

/// Decodes a base64url member; the message describes where, never which byte (it may be secret).
fn decode_member(member: &'static str, text: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    B64URL
        .decode(text)
        .map(Zeroizing::new)
        .map_err(|e| KeyError::InvalidBase64 {
            member,
            problem: match e {
                DecodeError::InvalidByte(offset, b'=') => {
                    format!("padding \"=\" at offset {offset} is not allowed")
                }
                DecodeError::InvalidByte(offset, _) => {
                    format!("the character at offset {offset} is not in the base64url alphabet")
                }
                DecodeError::InvalidLength(length) => {
                    format!("{length} characters is not a valid unpadded base64url length")
                }
                DecodeError::InvalidLastSymbol { offset, .. } => {
                    format!("the last character (offset {offset}) has non-zero trailing bits")
                }
                DecodeError::InvalidPadding => "padding is not allowed".to_owned(),
            },
        })
}

fn decode_coordinate(member: &'static str, text: &str) -> Result<Zeroizing<FieldBytes>, KeyError> {
    let bytes = decode_member(member, text)?;
    if bytes.len() != P256_BYTES {
        return Err(KeyError::MemberLength {
            member,
            length: bytes.len(),
            expected: P256_BYTES,
        });
    }
    let mut field = Zeroizing::new(FieldBytes::default());
    field.copy_from_slice(&bytes);
    Ok(field)
}

/// The base64url x and y of a public key.
fn coordinates(vk: &VerifyingKey) -> (String, String) {
    let point = vk.to_encoded_point(false);
    // An uncompressed encoding of a valid (non-identity) public key always has both coordinates.
    let x = point.x().map(|x| B64URL.encode(x)).unwrap_or_default();
    let y = point.y().map(|y| B64URL.encode(y)).unwrap_or_default();
    (x, y)
}

fn ec_jwk(vk: &VerifyingKey, d: Option<&[u8]>, kid: &Option<String>) -> Jwk {
    let (x, y) = coordinates(vk);
    Jwk {
        kty: "EC".to_owned(),
        crv: Some("P-256".to_owned()),
        x: Some(x),
        y: Some(y),
        d: d.map(|d| B64URL.encode(d)),
        kid: kid.clone(),
        ..Jwk::default()
    }
}

/// Refuses every key-material member of `jwk` that `kty` does not have.
fn only_members(jwk: &Jwk, kty: &'static str, own: &[&str]) -> Result<(), KeyError> {
    let members = [
        ("k", &jwk.k),
        ("crv", &jwk.crv),
        ("x", &jwk.x),
        ("y", &jwk.y),
        ("n", &jwk.n),
        ("e", &jwk.e),
        ("d", &jwk.d),
        ("p", &jwk.p),
        ("q", &jwk.q),
        ("dp", &jwk.dp),
        ("dq", &jwk.dq),
        ("qi", &jwk.qi),
    ];
    match members
        .into_iter()
        .find(|(name, value)| value.is_some() && !own.contains(name))
    {
        Some((member, _)) => Err(KeyError::UnexpectedMember { kty, member }),
        None => Ok(()),
    }
}

/// The JWK's `alg`, `use`, `key_ops` and `x5c`, checked against each other and against the key
/// (policy.md §4.17, §4.18); none when it has none of them.
fn jwk_params(jwk: &Jwk, key: &Key) -> Result<Option<Box<KeyParams>>, KeyError> {
    if !jwk.has_params() {
        return Ok(None);
    }
    let kty = match key.family() {
        KeyFamily::Hmac => "oct",
        KeyFamily::Ec => "EC",
        KeyFamily::Rsa => "RSA",
    };
    if let Some(alg) = &jwk.alg {
        let wanted = match alg.get(..2) {
            Some("HS") => Some("oct"),
            Some("ES") => Some("EC"),
            Some("RS" | "PS") => Some("RSA"),
            _ => None,
        };
        if alg == "none" || wanted.is_some_and(|w| w != kty) {
            return Err(KeyError::AlgForOtherKeyType {
                alg: clip(alg),
                kty,
            });
        }
    }
    if let Some(ops) = &jwk.key_ops {
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = ops.iter().find(|op| !seen.insert(op.as_str())) {
            return Err(KeyError::InvalidKeyOps {
                problem: format!("{:?} is listed twice", clip(twice)),
            });
        }
        let signing = |op: &String| op == "sign" || op == "verify";
        let contradiction = match jwk.use_.as_deref() {
            Some(used @ "sig") => ops.iter().find(|op| !signing(op)).map(|op| (op, used)),
            Some(used @ "enc") => ops.iter().find(|op| signing(op)).map(|op| (op, used)),
            _ => None,
        };
        if let Some((op, used)) = contradiction {
            return Err(KeyError::InvalidKeyOps {
                problem: format!("{:?} contradicts \"use\": {used:?}", clip(op)),
            });
        }
    }
    if let Some(chain) = &jwk.x5c {
        check_x5c(chain, key)?;
    }
    Ok(Some(Box::new(KeyParams {
        alg: jwk.alg.clone(),
        use_: jwk.use_.clone(),
        key_ops: jwk.key_ops.clone(),
        x5c: jwk.x5c.clone(),
    })))
}

/// The first certificate of `x5c` must hold the JWK's own public key. Only its
/// `subjectPublicKeyInfo` is read: no chain is built, no date or signature checked, since the
/// key is trusted because it is configured, not because of the certificate.
fn check_x5c(chain: &[String], key: &Key) -> Result<(), KeyError> {
    let invalid = |problem: String| KeyError::InvalidX5c { problem };
    if key.family() == KeyFamily::Hmac {
        return Err(invalid("an oct key has no certificate".into()));
    }
    let first = chain
        .first()
        .ok_or_else(|| invalid("the array is empty".into()))?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(first)
        .map_err(|e| {
            invalid(format!(
                "the first certificate is not base64 (RFC 7517 §4.7): {e}"
            ))
        })?;
    let spki = certificate_spki(&der)
        .map_err(|e| invalid(format!("the first certificate is not X.509 DER: {e}")))?;
    let theirs =
        spki_material(&spki).map_err(|e| invalid(format!("the first certificate's key: {e}")))?;
    if Key::public_material_jwk(&theirs) == Key::public_material_jwk(&key.material) {
        Ok(())
    } else {
        Err(invalid(
            "the first certificate holds another public key than the JWK".into(),
        ))
    }
}

/// The key of an SPKI `PUBLIC KEY`: RSA or P-256, by its algorithm's OID.
fn spki_material(der: &[u8]) -> Result<KeyMaterial, KeyError> {
    let invalid = |problem: String| KeyError::InvalidPemKey {
        label: "PUBLIC KEY",
        problem,
    };
    if is_rsa_spki(der) {
        let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|e| invalid(e.to_string()))?;
        return Ok(KeyMaterial::RsaPublic(Box::new(PublicRsa::from_pkcs1_der(
            info.subject_public_key.raw_bytes(),
        )?)));
    }
    let public = p256::PublicKey::from_public_key_der(der).map_err(|e| invalid(e.to_string()))?;
    Ok(KeyMaterial::EcPublic(VerifyingKey::from(public)))
}

/// The DER of a certificate's `subjectPublicKeyInfo`: the seventh element of `tbsCertificate`,
/// or the sixth when the optional `[0] version` is absent (RFC 5280 §4.1).
fn certificate_spki(der: &[u8]) -> Result<Vec<u8>, p256::pkcs8::der::Error> {
    use p256::pkcs8::der::asn1::AnyRef;
    use p256::pkcs8::der::{Decode, Encode, SliceReader, Tag, Tagged};
    let sequence = |any: &AnyRef<'_>| any.tag().assert_eq(Tag::Sequence);
    let certificate = AnyRef::from_der(der)?;
    sequence(&certificate)?;
    let mut outer = SliceReader::new(certificate.value())?;
    let tbs = AnyRef::decode(&mut outer)?;
    sequence(&tbs)?;
    let mut fields = SliceReader::new(tbs.value())?;
    let mut field = AnyRef::decode(&mut fields)?;
    if field.tag().is_context_specific() {
        field = AnyRef::decode(&mut fields)?; // the serial number after the version
    }
    // signature, issuer, validity, subject, then subjectPublicKeyInfo
    for _ in 0..5 {
        field = AnyRef::decode(&mut fields)?;
    }
    sequence(&field)?;
    field.to_der()
}

/// An RSA JWK: `n` and `e`; `d` makes it private, and `p`, `q`, `dp`, `dq`, `qi` come all
/// together or not at all (RFC 7518 §6.3.2, without `oth`: multi-prime keys are not loaded).
fn rsa_from_jwk(jwk: &Jwk) -> Result<KeyMaterial, KeyError> {
    let n = integer("n", required("RSA", "n", &jwk.n)?)?;
    let e = integer("e", required("RSA", "e", &jwk.e)?)?;
    let crt_members = [
        ("p", &jwk.p),
        ("q", &jwk.q),
        ("dp", &jwk.dp),
        ("dq", &jwk.dq),
        ("qi", &jwk.qi),
    ];
    let Some(d) = &jwk.d else {
        if crt_members.iter().any(|(_, v)| v.is_some()) {
            return Err(KeyError::MissingMember {
                kty: "RSA",
                member: "d",
            });
        }
        return Ok(KeyMaterial::RsaPublic(Box::new(PublicRsa::new(n, e)?)));
    };
    let crt = if crt_members.iter().all(|(_, v)| v.is_none()) {
        None
    } else {
        let member = |(name, value): (&'static str, &Option<String>)| {
            integer(name, required("RSA", name, value)?)
        };
        let [p, q, dp, dq, qi] = crt_members.map(member);
        Some([p?, q?, dp?, dq?, qi?])
    };
    let d = integer("d", d)?;
    let private = PrivateRsa::from_parts(n, e, PrivateParts { d, crt })?;
    Ok(KeyMaterial::RsaPrivate(Box::new(private)))
}

/// A base64url unsigned integer (RFC 7518 §2 "Base64urlUInt"): non-empty, no leading zero byte.
fn integer(member: &'static str, text: &str) -> Result<BigUint, KeyError> {
    let bytes = decode_member(member, text)?;
    match bytes.first() {
        None => Err(KeyError::NotMinimalInteger {
            member,
            problem: "it is empty",
        }),
        Some(0) if bytes.len() > 1 => Err(KeyError::NotMinimalInteger {
            member,
            problem: "it starts with a zero byte",
        }),
        Some(_) => Ok(BigUint::from_bytes_be(&bytes)),
    }
}

fn rsa_jwk(public: &PublicRsa, private: Option<&PrivateRsa>, kid: &Option<String>) -> Jwk {
    let mut jwk = Jwk {
        kty: "RSA".to_owned(),
        n: Some(B64URL.encode(public.n())),
        e: Some(B64URL.encode(public.e())),
        kid: kid.clone(),
        ..Jwk::default()
    };
    if let Some(private) = private {
        let [d, p, q, dp, dq, qi] = private.private_members().map(|m| Some(B64URL.encode(&*m)));
        (jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi) = (d, p, q, dp, dq, qi);
    }
    jwk
}

/// The object identifier rsaEncryption (RFC 8017 Appendix A.1).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

fn is_rsa_spki(der: &[u8]) -> bool {
    SubjectPublicKeyInfoRef::try_from(der).is_ok_and(|info| info.algorithm.oid == RSA_ENCRYPTION)
}

fn is_rsa_pkcs8(der: &[u8]) -> bool {
    PrivateKeyInfo::try_from(der).is_ok_and(|info| info.algorithm.oid == RSA_ENCRYPTION)
}

/// Shortens a value quoted in an error (they are not secret, but may be arbitrarily long).
fn clip(value: &str) -> String {
    const MAX: usize = 64;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

fn skip_ec_parameters(pem: &str) -> Result<&str, KeyError> {
    const BEGIN: &str = "-----BEGIN EC PARAMETERS-----";
    const END: &str = "-----END EC PARAMETERS-----";
    if !pem.starts_with(BEGIN) {
        return Ok(pem);
    }
    match pem.find(END) {
        Some(at) => Ok(pem[at + END.len()..].trim_start()),
        None => Err(KeyError::InvalidPem {
            problem: "\"EC PARAMETERS\" block has no end line".to_owned(),
        }),
    }
}

/// Deserializes JSON, reporting where it failed without echoing values: serde_json's messages
/// quote offending strings, and a mistyped JWKS may hold a secret in exactly that spot.
fn parse_json<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, KeyError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| json_error(e.path().to_string(), e.into_inner()))?;
    de.end().map_err(|e| json_error(".".to_owned(), e))?;
    Ok(value)
}

fn json_error(path: String, error: serde_json::Error) -> KeyError {
    use serde_json::error::Category;
    let message = error.to_string();
    // These messages carry only member names, which are safe to show.
    let names_only = ["duplicate field", "missing field"]
        .iter()
        .any(|p| message.starts_with(p));
    let what = if names_only {
        message
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned()
    } else {
        match error.classify() {
            Category::Syntax => "not valid JSON".to_owned(),
            Category::Eof => "unexpected end of input".to_owned(),
            Category::Data => {
                "a value has the wrong JSON type (JWK members are strings, \"keys\" an array of objects)"
                    .to_owned()
            }
            Category::Io => "read error".to_owned(),
        }
    };
    KeyError::InvalidJwks {
        path,
        problem: format!("{what} (line {}, column {})", error.line(), error.column()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    fn ec_jwk(label: &str) -> Jwk {
        Key::test_ec(label).to_jwk()
    }

    fn err(jwk: &Jwk) -> KeyError {
        Key::from_jwk(jwk).unwrap_err()
    }

    /// Asserts that `jwk` is refused with `code`, in a message that says `says`.
    #[track_caller]
    fn refused(jwk: &Jwk, code: &str, says: &str) {
        let e = err(jwk);
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(says), "{code}: {e}");
    }

    fn private_scalar(key: &Key) -> Vec<u8> {
        match &key.material {
            KeyMaterial::EcPrivate(sk) => sk.to_bytes().to_vec(),
            other => panic!("not an EC private key: {other:?}"),
        }
    }

    fn hmac_secret(key: &Key) -> Vec<u8> {
        match &key.material {
            KeyMaterial::Hmac(secret) => secret.to_vec(),
            other => panic!("not an HMAC key: {other:?}"),
        }
    }

    #[test]
    fn oct_jwk_round_trips() {
        let key = Key::hmac(
            b"a shared secret of some length!!".to_vec(),
            Some("h1".into()),
        );
        let jwk = key.to_jwk();
        assert_eq!(jwk.kty, "oct");
        assert_eq!(
            jwk.k.as_deref(),
            Some("YSBzaGFyZWQgc2VjcmV0IG9mIHNvbWUgbGVuZ3RoISE")
        );
        assert_eq!(jwk.kid.as_deref(), Some("h1"));
        let back = Key::from_jwk(&jwk).unwrap();
        assert_eq!(hmac_secret(&back), b"a shared secret of some length!!");
        assert_eq!(back.kid.as_deref(), Some("h1"));
        // A shared secret has no public half.
        assert_eq!(key.public_jwk(), jwk);
        assert_eq!(hmac_secret(&key.public()), hmac_secret(&key));
    }

    #[test]
    fn empty_oct_secret_loads() {
        let key = Key::from_jwk(&Jwk {
            kty: "oct".into(),
            k: Some(String::new()),
            ..Jwk::default()
        })
        .unwrap();
        assert!(hmac_secret(&key).is_empty());
        assert_eq!(key.family(), KeyFamily::Hmac);
    }

    #[test]
    fn ec_private_and_public_jwks_round_trip() {
        let key = Key::test_ec("rt");
        let jwk = key.to_jwk();
        assert_eq!(
            (jwk.kty.as_str(), jwk.crv.as_deref()),
            ("EC", Some("P-256"))
        );
        assert!(jwk.d.is_some() && jwk.k.is_none());
        for member in [&jwk.x, &jwk.y, &jwk.d] {
            assert_eq!(member.as_ref().unwrap().len(), 43, "32 bytes unpadded");
        }
        let back = Key::from_jwk(&jwk).unwrap();
        assert_eq!(back.to_jwk(), jwk);
        assert_eq!(private_scalar(&back), private_scalar(&key));

        let public = key.public_jwk();
        assert_eq!(public, jwk.public());
        assert!(public.d.is_none());
        let back = Key::from_jwk(&public).unwrap();
        assert!(matches!(back.material, KeyMaterial::EcPublic(_)));
        assert_eq!(back.verifying_key(), key.verifying_key());
        assert_eq!(back.to_jwk(), public);
        assert_eq!(key.public().to_jwk(), public);
    }

    #[test]
    fn pem_formats_give_the_same_key_as_the_jwk() {
        let key = Key::test_ec("pem");
        let KeyMaterial::EcPrivate(sk) = &key.material else {
            panic!("test_ec is private");
        };
        let from_jwk = Key::from_jwk(&key.public_jwk()).unwrap().verifying_key();

        let spki = sk
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let pkcs8 = sk.to_pkcs8_pem(LineEnding::CRLF).unwrap();
        let sec1 = p256::SecretKey::from(sk.as_nonzero_scalar())
            .to_sec1_pem(LineEnding::LF)
            .unwrap();
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));

        let public = Key::from_pem(&spki, Some("s".into())).unwrap();
        assert!(matches!(public.material, KeyMaterial::EcPublic(_)));
        assert_eq!(public.kid.as_deref(), Some("s"));
        assert_eq!(public.verifying_key(), from_jwk);

        for text in [pkcs8.as_str(), sec1.as_str()] {
            let private = Key::from_pem(text, None).unwrap();
            assert_eq!(private.verifying_key(), from_jwk);
            assert_eq!(private_scalar(&private), private_scalar(&key));
        }

        // What `openssl ecparam -genkey` prints: parameters first, then the key.
        let with_params = format!(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{}",
            sec1.as_str()
        );
        let private = Key::from_pem(&with_params, None).unwrap();
        assert_eq!(private_scalar(&private), private_scalar(&key));
    }

    #[test]
    fn bad_pem_is_refused_with_its_label() {
        let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let e = Key::from_pem(cert, None).unwrap_err();
        assert_eq!(e.code(), "unsupported_pem_label");
        assert!(e.to_string().contains("\"CERTIFICATE\""), "{e}");

        let e = Key::from_pem("not a pem", None).unwrap_err();
        assert_eq!(e.code(), "invalid_pem");

        // A well-formed PEM whose body is not a key.
        let junk = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        let e = Key::from_pem(junk, None).unwrap_err();
        assert_eq!(e.code(), "invalid_pem_key");
        assert!(e.to_string().contains("\"PUBLIC KEY\""), "{e}");
    }

    #[test]
    fn malformed_jwks_name_the_member_at_fault() {
        let good = ec_jwk("malformed").public();
        let x = good.x.clone().unwrap();

        let mut bad = good.clone();
        bad.x = Some(format!("{}!", &x[..42]));
        let e = err(&bad);
        assert_eq!(e.code(), "invalid_base64");
        assert!(
            e.to_string()
                .contains("JWK member \"x\" is not canonical base64url"),
            "{e}"
        );

        let mut padded = good.clone();
        padded.x = Some(format!("{x}="));
        assert_eq!(err(&padded).code(), "invalid_base64");

        // Non-canonical: same bytes, but the unused low bits of the last character set.
        let mut loose = good.clone();
        let last = x.as_bytes()[42];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let index = alphabet.iter().position(|&c| c == last).unwrap();
        loose.x = Some(format!("{}{}", &x[..42], alphabet[index | 1] as char));
        assert_eq!(err(&loose).code(), "invalid_base64");

        let mut short = good.clone();
        short.x = Some(B64URL.encode([7u8; 31]));
        let e = err(&short);
        assert_eq!(e.code(), "member_length");
        assert!(
            e.to_string().contains("\"x\"") && e.to_string().contains("31"),
            "{e}"
        );

        let mut off_curve = good.clone();
        let mut y = B64URL.decode(good.y.as_ref().unwrap()).unwrap();
        y[31] ^= 1;
        off_curve.y = Some(B64URL.encode(&y));
        refused(&off_curve, "point_not_on_curve", "not on P-256");

        let mut p384 = good.clone();
        p384.crv = Some("P-384".into());
        refused(
            &p384,
            "unsupported_curve",
            "\"crv\" must be \"P-256\", found \"P-384\"",
        );

        let okp = Jwk {
            kty: "OKP".into(),
            ..Jwk::default()
        };
        refused(&okp, "unsupported_kty", "unsupported kty \"OKP\"");
        let rsa = Jwk {
            kty: "RSA".into(),
            e: Some("AQAB".into()),
            ..Jwk::default()
        };
        refused(&rsa, "missing_member", "missing member \"n\"");

        let no_k = Jwk {
            kty: "oct".into(),
            ..Jwk::default()
        };
        refused(&no_k, "missing_member", "missing member \"k\"");

        let mut no_y = good.clone();
        no_y.y = None;
        refused(&no_y, "missing_member", "missing member \"y\"");

        let mut mismatched = good.clone();
        mismatched.d = ec_jwk("someone else").d;
        refused(&mismatched, "private_key_mismatch", "\"d\" does not match");

        let mut zero_d = good.clone();
        zero_d.d = Some(B64URL.encode([0u8; 32]));
        assert_eq!(err(&zero_d).code(), "invalid_private_scalar");

        let mut with_k = good.clone();
        with_k.k = Some("c2VjcmV0".into());
        refused(&with_k, "unexpected_member", "\"k\"");

        let oct_with_x = Jwk {
            kty: "oct".into(),
            k: Some("c2VjcmV0".into()),
            x: Some(x),
            ..Jwk::default()
        };
        assert_eq!(err(&oct_with_x).code(), "unexpected_member");

        // kty is case-sensitive (RFC 7517 §4.1).
        let mut lower = good;
        lower.kty = "ec".into();
        assert_eq!(err(&lower).code(), "unsupported_kty");
    }

    #[test]
    fn debug_and_errors_never_show_secrets() {
        let secret = b"hunter2-hunter2-hunter2-hunter2!";
        let key = Key::hmac(secret.to_vec(), Some("h".into()));
        let k = key.to_jwk().k.unwrap();
        let shown = format!("{key:?} {:?}", key.material);
        assert!(!shown.contains("hunter2") && !shown.contains(&k), "{shown}");
        assert!(!shown.contains("104, 117"), "no byte list: {shown}");
        assert!(shown.contains("redacted"), "{shown}");

        let ec = Key::test_ec("debug");
        let d = ec.to_jwk().d.unwrap();
        let shown = format!("{ec:?}");
        assert!(!shown.contains(&d), "{shown}");
        assert!(
            shown.contains(&ec.to_jwk().x.unwrap()),
            "public x is shown: {shown}"
        );

        // Errors about secret members describe the position, never the value.
        let bad_k = Jwk {
            kty: "oct".into(),
            k: Some("c2VjcmV0LXNlY3JldA+".into()),
            ..Jwk::default()
        };
        let e = err(&bad_k).to_string();
        assert!(e.contains("\"k\"") && !e.contains("c2VjcmV0"), "{e}");

        let mut bad_d = ec.to_jwk();
        bad_d.d = Some(format!("{}=", &d));
        let e = err(&bad_d).to_string();
        assert!(e.contains("\"d\"") && !e.contains(&d[..20]), "{e}");

        let mut wrong_d = Key::test_ec("other").to_jwk();
        wrong_d.d = Some(d.clone());
        let e = err(&wrong_d).to_string();
        assert!(!e.contains(&d), "{e}");

        // A JWKS of the wrong shape: serde_json would quote the string; we must not.
        for text in [
            r#"{"keys":"topsecretvalue"}"#,
            r#""topsecretvalue""#,
            r#"{"keys":[{"kty":"oct","k":["topsecretvalue"]}]}"#,
            r#"{"kty":"oct","k":"topsecretvalue"#,
        ] {
            let e = KeySet::from_jwks(text).unwrap_err();
            assert_eq!(e.code(), "invalid_jwks", "{text}");
            assert!(!e.to_string().contains("topsecret"), "{e}");
        }
    }

    #[test]
    fn test_keys_are_deterministic_and_documented() {
        // (family, the key of a label, its secret bytes)
        type Family = (&'static str, fn(&str) -> Key, fn(&Key) -> Vec<u8>);
        let families: [Family; 2] = [
            ("hmac", Key::test_hmac, hmac_secret),
            ("ec", Key::test_ec, private_scalar),
        ];
        for (family, key, secret) in families {
            let a = key("a");
            assert_eq!(secret(&a), secret(&key("a")), "{family}");
            assert_ne!(secret(&a), secret(&key("b")), "{family}");
            assert_eq!(a.kid.as_deref(), Some("a"));
            let expected = Sha256::digest(format!("idjwt test key (not secret): {family}: a"));
            assert_eq!(secret(&a), expected.to_vec(), "{family}");
        }
        // The two families never share bytes for one label.
        assert_ne!(
            private_scalar(&Key::test_ec("a")),
            hmac_secret(&Key::test_hmac("a"))
        );
    }

    #[test]
    fn family_and_fit() {
        let h = Key::test_hmac("f");
        let e = Key::test_ec("f");
        assert_eq!(h.family().to_string(), "HMAC secret");
        assert_eq!(e.family().to_string(), "EC P-256");
        assert!(h.fits(Alg::HS256) && !h.fits(Alg::ES256));
        assert!(e.fits(Alg::ES256) && !e.fits(Alg::HS256));
        assert!(e.public().fits(Alg::ES256));
        assert!(h.verifying_key().is_none());
        assert_eq!(e.verifying_key(), e.public().verifying_key());
    }

    #[test]
    fn key_set_lookup() {
        let mut set = KeySet::new(vec![
            Key::test_hmac("h1"),
            Key::test_ec("e1"),
            Key::test_hmac("h2"),
        ]);
        set.push(Key::test_ec("e2"));
        assert_eq!(set.keys().len(), 4);
        assert_eq!(set.by_kid("e1").map(|k| k.family()), Some(KeyFamily::Ec));
        assert!(set.by_kid("E1").is_none(), "kid is case-sensitive");
        assert!(set.by_kid("missing").is_none());
        let kids = |alg| {
            set.for_alg(alg)
                .map(|k| k.kid.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(kids(Alg::HS256), ["h1", "h2"]);
        assert_eq!(kids(Alg::ES256), ["e1", "e2"]);

        let public = set.public();
        assert!(public
            .keys()
            .iter()
            .all(|k| !matches!(k.material, KeyMaterial::EcPrivate(_))));
        assert_eq!(public.keys().len(), 4);
        assert!(KeySet::default().for_alg(Alg::HS256).next().is_none());
    }

    #[test]
    fn key_set_from_jwks() {
        let e1 = Key::test_ec("e1").public_jwk();
        let h1 = Key::test_hmac("h1").to_jwk();
        let text = serde_json::json!({"keys": [
            serde_json::to_value(&e1).unwrap(),
            serde_json::to_value(&h1).unwrap(),
        ]})
        .to_string();
        let set = KeySet::from_jwks(&text).unwrap();
        assert_eq!(set.keys().len(), 2);
        assert_eq!(set.by_kid("e1").unwrap().to_jwk(), e1);
        assert_eq!(set.by_kid("h1").unwrap().to_jwk(), h1);

        // A lone JWK, with the usual extra members, which are kept.
        let mut single = serde_json::to_value(&e1).unwrap();
        single["use"] = "sig".into();
        single["alg"] = "ES256".into();
        single["x5t"] = "ignored".into();
        let set = KeySet::from_jwks(&single.to_string()).unwrap();
        assert_eq!(set.keys().len(), 1);
        let params = set.keys()[0].params.as_deref().unwrap();
        assert_eq!(
            (params.alg.as_deref(), params.use_.as_deref()),
            (Some("ES256"), Some("sig"))
        );

        assert!(KeySet::from_jwks(r#"{"keys":[]}"#)
            .unwrap()
            .keys()
            .is_empty());

        // A bad key names its position.
        let text = r#"{"keys":[{"kty":"oct","k":"AA"},{"kty":"OKP","x":"AA"}]}"#;
        let e = KeySet::from_jwks(text).unwrap_err();
        assert_eq!(e.code(), "unsupported_kty");
        assert!(e.to_string().starts_with("JWKS key #1:"), "{e}");

        let e = KeySet::from_jwks_list(&[h1.clone(), Jwk::default()]).unwrap_err();
        assert!(matches!(e, KeyError::InSet { index: 1, .. }), "{e:?}");

        // Duplicate members are refused, not resolved last-wins.
        let e = KeySet::from_jwks(r#"{"kty":"oct","k":"AA","k":"AB"}"#).unwrap_err();
        assert_eq!(e.code(), "invalid_jwks");
        assert!(e.to_string().contains("duplicate field `k`"), "{e}");
        let e = KeySet::from_jwks(r#"{"keys":[],"keys":[]}"#).unwrap_err();
        assert_eq!(e.code(), "invalid_jwks");

        let e = KeySet::from_jwks(r#"{"keys":[{"k":"AA"}]}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `kty`"), "{e}");
        assert!(e.to_string().contains("keys[0]"), "{e}");

        let e = KeySet::from_jwks(r#"{"keys":[]} trailing"#).unwrap_err();
        assert_eq!(e.code(), "invalid_jwks");
    }

    fn with(mut jwk: Jwk, edit: impl FnOnce(&mut Jwk)) -> Jwk {
        edit(&mut jwk);
        jwk
    }

    #[test]
    fn jwk_alg_use_and_key_ops_restrict_what_a_key_verifies() {
        let rsa = Key::test_rsa("params").public_jwk();
        let load = |jwk: Jwk| Key::from_jwk(&jwk).unwrap();
        let plain = load(rsa.clone());
        assert!(plain.params.is_none());
        assert_eq!(plain.forbids(KeyOp::Verify, Alg::RS256), None);
        let rs512 = load(with(rsa.clone(), |j| j.alg = Some("RS512".into())));
        assert_eq!(rs512.forbids(KeyOp::Verify, Alg::RS512), None);
        assert_eq!(
            rs512.forbids(KeyOp::Verify, Alg::RS256).unwrap(),
            r#"its JWK has "alg": "RS512""#
        );
        let enc = load(with(rsa.clone(), |j| j.use_ = Some("enc".into())));
        assert!(enc
            .forbids(KeyOp::Verify, Alg::RS256)
            .unwrap()
            .contains("\"enc\""));
        let sig = load(with(rsa.clone(), |j| j.use_ = Some("sig".into())));
        assert_eq!(sig.forbids(KeyOp::Verify, Alg::RS256), None);
        let sign_only = load(with(rsa.clone(), |j| j.key_ops = Some(vec!["sign".into()])));
        assert!(sign_only.forbids(KeyOp::Verify, Alg::RS256).is_some());
        assert_eq!(sign_only.forbids(KeyOp::Sign, Alg::RS256), None);
        // Signing honours them too: a private JWK for verifying only signs nothing.
        let private = with(Key::test_rsa("params").to_jwk(), |j| {
            j.key_ops = Some(vec!["verify".into()])
        });
        let e = crate::engine::signature::sign(Alg::RS256, &load(private), b"x").unwrap_err();
        assert!(e.to_string().contains("may not sign RS256"), "{e}");
        let none = load(with(rsa.clone(), |j| j.key_ops = Some(vec![])));
        assert!(none.forbids(KeyOp::Verify, Alg::RS256).is_some());
        // The members survive the round trip to the JWK an adapter receives.
        let both = with(rsa, |j| {
            j.alg = Some("RS256".into());
            j.key_ops = Some(vec!["verify".into()]);
        });
        assert_eq!(load(both.clone()).to_jwk(), both);
        assert_eq!(load(both.clone()).public().to_jwk(), both);
    }

    #[test]
    fn contradictory_jwk_parameters_are_configuration_errors() {
        let rsa = Key::test_rsa("params").public_jwk();
        let code = |jwk: Jwk| Key::from_jwk(&jwk).unwrap_err().code();
        for alg in ["HS256", "ES256", "none"] {
            let e = Key::from_jwk(&with(rsa.clone(), |j| j.alg = Some(alg.into()))).unwrap_err();
            assert_eq!(e.code(), "alg_for_other_key_type", "{alg}");
            assert!(e.to_string().contains(alg), "{e}");
        }
        // An RSA algorithm the engine does not implement is allowed: the key just verifies
        // nothing else.
        assert!(Key::from_jwk(&with(rsa.clone(), |j| j.alg = Some("PS256".into()))).is_ok());
        let hmac = Key::test_hmac("params").to_jwk();
        assert_eq!(
            code(with(hmac.clone(), |j| j.alg = Some("RS256".into()))),
            "alg_for_other_key_type"
        );
        assert!(Key::from_jwk(&with(hmac, |j| j.alg = Some("HS256".into()))).is_ok());
        let twice = with(rsa.clone(), |j| {
            j.key_ops = Some(vec!["verify".into(), "verify".into()])
        });
        assert_eq!(code(twice), "invalid_key_ops");
        let contradiction = with(rsa.clone(), |j| {
            j.use_ = Some("enc".into());
            j.key_ops = Some(vec!["verify".into()]);
        });
        let e = Key::from_jwk(&contradiction).unwrap_err();
        assert!(e.to_string().contains("contradicts"), "{e}");
        let consistent = with(rsa, |j| {
            j.use_ = Some("sig".into());
            j.key_ops = Some(vec!["verify".into()]);
        });
        assert!(Key::from_jwk(&consistent).is_ok());
    }

    #[test]
    fn x5c_must_hold_the_jwks_own_key() {
        use crate::suite::certificate::self_signed;
        let b64 = |der: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(der);
        let pairs = [
            (Key::test_rsa("x5c"), Key::test_rsa("x5c-other")),
            (Key::test_ec("x5c"), Key::test_ec("x5c-other")),
        ];
        for (key, stranger) in pairs {
            let own = b64(self_signed(&key, "x5c").unwrap());
            let other = b64(self_signed(&stranger, "x5c-other").unwrap());
            let jwk = key.public_jwk();
            let load = |x5c: Vec<String>| Key::from_jwk(&with(jwk.clone(), |j| j.x5c = Some(x5c)));
            let loaded = load(vec![own.clone()]).unwrap();
            assert_eq!(
                loaded.params.unwrap().x5c.unwrap(),
                std::slice::from_ref(&own)
            );
            // Only the first certificate is read.
            assert!(load(vec![own.clone(), "not even base64".into()]).is_ok());
            for (x5c, says) in [
                (vec![other.clone()], "another public key"),
                (vec![], "empty"),
                (vec!["*".into()], "not base64"),
                (vec![b64(vec![0x30, 0x03, 0x02, 0x01, 0x01])], "not X.509"),
            ] {
                let e = load(x5c).unwrap_err();
                assert_eq!(e.code(), "invalid_x5c");
                assert!(e.to_string().contains(says), "{says}: {e}");
            }
        }
        let hmac = with(Key::test_hmac("x5c").to_jwk(), |j| {
            j.x5c = Some(vec!["AA==".into()])
        });
        assert_eq!(Key::from_jwk(&hmac).unwrap_err().code(), "invalid_x5c");
    }

    #[test]
    fn a_kid_names_one_key_of_a_set() {
        let a = Key::test_rsa("dup").public_jwk();
        let b = with(Key::test_rsa("dup-other").public_jwk(), |j| {
            j.kid = Some("dup".into())
        });
        let e = KeySet::from_jwks_list(&[a.clone(), b]).unwrap_err();
        assert_eq!(e.code(), "duplicate_kid");
        assert!(e.to_string().contains("#0 and #1"), "{e}");
        // The same key twice is as ambiguous to a reader of the set.
        assert_eq!(
            KeySet::from_jwks_list(&[a.clone(), a.clone()])
                .unwrap_err()
                .code(),
            "duplicate_kid"
        );
        let unnamed = with(a, |j| j.kid = None);
        assert!(KeySet::from_jwks_list(&[unnamed.clone(), unnamed]).is_ok());
    }
}
