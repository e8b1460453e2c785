//! Builds a token from a [`Mint`] recipe at a given time: how cases are generated, and how
//! time-relative cases are re-minted for implementations that read the system clock.

use p256::elliptic_curve::scalar::IsHigh;
use p256::elliptic_curve::PrimeField;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::hazmat::PrehashSigner;
use sha2::{Digest, Sha384, Sha512};

use super::case::{Mint, MintAlg, SignatureForm};
use crate::contract::Jwk;
use crate::engine::keys::{Key, KeyMaterial};
use crate::engine::rsa::RsaHash;
use crate::engine::{compact, signature, Alg};

/// Why a recipe could not be minted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MintError {
    /// A `${now…}` placeholder is malformed.
    #[error("bad time placeholder {0:?} in the payload")]
    Placeholder(String),
    /// The recipe's key cannot sign.
    #[error("the recipe's key cannot sign: {0}")]
    Key(String),
    /// The signature form does not apply to this algorithm.
    #[error("signature form {form:?} does not apply to {alg:?}")]
    Form { form: SignatureForm, alg: MintAlg },
}

/// The payload text with every `${now}`, `${now+N}`, `${now-N}` replaced for time `now`.
pub fn substitute_times(payload: &str, now: i64) -> Result<String, MintError> {
    let mut out = String::with_capacity(payload.len());
    let mut rest = payload;
    while let Some(start) = rest.find("${now") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 5..];
        let end = after
            .find('}')
            .ok_or_else(|| MintError::Placeholder(rest[start..].chars().take(20).collect()))?;
        let offset = &after[..end];
        let placeholder = || MintError::Placeholder(format!("${{now{offset}}}"));
        let number = if offset.is_empty() {
            now.to_string()
        } else {
            let (sign, digits) = offset.split_at(1);
            let magnitude: f64 = digits.parse().map_err(|_| placeholder())?;
            let signed = match sign {
                "+" => magnitude,
                "-" => -magnitude,
                _ => return Err(placeholder()),
            };
            if signed.fract() == 0.0 {
                (now + signed as i64).to_string()
            } else {
                format!("{}", now as f64 + signed)
            }
        };
        out.push_str(&number);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Mints the token the recipe describes at time `now`.
pub fn mint(recipe: &Mint, now: i64) -> Result<String, MintError> {
    let payload = substitute_times(&recipe.payload, now)?;
    let mut token = compact::encode(recipe.header.as_bytes());
    token.push('.');
    token.push_str(&compact::encode(payload.as_bytes()));
    let key = signing_key(&recipe.key)?;
    let sig = sign_as(recipe.alg, &key, token.as_bytes())?;
    let sig = transform(sig, recipe.signature, recipe.alg)?;
    token.push('.');
    token.push_str(&compact::encode(&sig));
    Ok(token)
}

/// The key a recipe's JWK describes. Building one costs a point multiplication (EC) or a key
/// check with a modular inversion (RSA), and thousands of recipes share a few dozen keys: the
/// first 1,024 distinct JWKs are kept for the process.
fn signing_key(jwk: &Jwk) -> Result<Key, MintError> {
    type Built = Mutex<HashMap<String, Key>>;
    static BUILT: OnceLock<Built> = OnceLock::new();
    const KEPT: usize = 1024;
    let built = BUILT.get_or_init(Default::default);
    let id = serde_json::to_string(jwk).map_err(|e| MintError::Key(e.to_string()))?;
    if let Some(key) = built.lock().ok().and_then(|b| b.get(&id).cloned()) {
        return Ok(key);
    }
    let key = Key::from_jwk(jwk).map_err(|e| MintError::Key(e.to_string()))?;
    if let Ok(mut b) = built.lock() {
        if b.len() < KEPT {
            b.insert(id, key.clone());
        }
    }
    Ok(key)
}

/// The signature of `input` under `alg` with `key`. The engine signs its own algorithms; the
/// others exist only here, for vectors that a strict verifier refuses however right their
/// signature is (and for the faulty implementation that accepts them).
pub fn sign_as(alg: MintAlg, key: &Key, input: &[u8]) -> Result<Vec<u8>, MintError> {
    let engine =
        |alg: Alg| signature::sign(alg, key, input).map_err(|e| MintError::Key(e.to_string()));
    let unfit = || MintError::Key(format!("a {:?} key cannot compute {alg:?}", key.family()));
    match (alg, &key.material) {
        (MintAlg::HS256, _) => engine(Alg::HS256),
        (MintAlg::ES256, _) => engine(Alg::ES256),
        (MintAlg::HS384, KeyMaterial::Hmac(secret)) => Ok(hmac_tag::<Hmac<Sha384>>(secret, input)),
        (MintAlg::HS512, KeyMaterial::Hmac(secret)) => Ok(hmac_tag::<Hmac<Sha512>>(secret, input)),
        (MintAlg::EcdsaP256Sha384, KeyMaterial::EcPrivate(sk)) => {
            prehashed(sk, &Sha384::digest(input))
        }
        (MintAlg::EcdsaP256Sha512, KeyMaterial::EcPrivate(sk)) => {
            prehashed(sk, &Sha512::digest(input))
        }
        (MintAlg::RS256, _) => engine(Alg::RS256),
        (MintAlg::RS512, _) => engine(Alg::RS512),
        (MintAlg::RS384, KeyMaterial::RsaPrivate(private)) => {
            private.sign_fast(RsaHash::Sha384, input).ok_or_else(unfit)
        }
        (MintAlg::PS256, KeyMaterial::RsaPrivate(private)) => {
            private.sign_pss_sha256(input).ok_or_else(unfit)
        }
        _ => Err(unfit()),
    }
}

/// The HMAC tag of `input` under any secret, the empty one included (which the engine refuses).
pub(crate) fn hmac_tag<M: Mac + hmac::digest::KeyInit>(secret: &[u8], input: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut mac = <M as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(input);
    mac.finalize().into_bytes().to_vec()
}

/// ECDSA over a digest longer than the curve, truncated to its leftmost 256 bits as FIPS 186-4
/// §6.4 says; RFC 6979 nonces keep it deterministic.
fn prehashed(sk: &p256::ecdsa::SigningKey, digest: &[u8]) -> Result<Vec<u8>, MintError> {
    let sig: p256::ecdsa::Signature = sk
        .sign_prehash(digest)
        .map_err(|e| MintError::Key(format!("ECDSA signing failed: {e}")))?;
    Ok(sig.to_bytes().to_vec())
}

fn transform(mut sig: Vec<u8>, form: SignatureForm, alg: MintAlg) -> Result<Vec<u8>, MintError> {
    let not_for = || MintError::Form { form, alg };
    match form {
        SignatureForm::Valid => Ok(sig),
        SignatureForm::FlipFirstBit => {
            if let Some(b) = sig.first_mut() {
                *b ^= 0x80;
            }
            Ok(sig)
        }
        SignatureForm::FlipLastBit => {
            if let Some(b) = sig.last_mut() {
                *b ^= 0x01;
            }
            Ok(sig)
        }
        SignatureForm::HighS | SignatureForm::LowS => {
            if alg != MintAlg::ES256 || sig.len() != 64 {
                return Err(not_for());
            }
            let s_bytes: [u8; 32] = sig[32..].try_into().map_err(|_| not_for())?;
            let s = Option::<p256::Scalar>::from(p256::Scalar::from_repr(s_bytes.into()))
                .ok_or_else(not_for)?;
            let high: bool = s.is_high().into();
            let want_high = form == SignatureForm::HighS;
            if high != want_high {
                sig[32..].copy_from_slice(&(-s).to_repr());
            }
            Ok(sig)
        }
        SignatureForm::Der => {
            if alg != MintAlg::ES256 {
                return Err(not_for());
            }
            let parsed = p256::ecdsa::Signature::from_slice(&sig).map_err(|_| not_for())?;
            Ok(parsed.to_der().as_bytes().to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::keys::KeySet;
    use crate::engine::{verify_jws, JwsOptions, Limits};

    fn recipe(alg: Alg, form: SignatureForm) -> Mint {
        let key = Key::test_for(alg, "mint");
        Mint {
            header: format!(r#"{{"alg":"{alg}"}}"#),
            payload: r#"{"sub":"u","exp":${now+60},"nbf":${now-0.5},"iat":${now}}"#.into(),
            alg: alg.into(),
            key: key.to_jwk(),
            signature: form,
        }
    }

    fn verifies(token: &str, alg: Alg) -> Result<(), String> {
        let key = Key::from_jwk(&recipe(alg, SignatureForm::Valid).key).unwrap();
        let keys = KeySet::new(vec![key.public()]);
        let opts = JwsOptions {
            algorithms: &[alg],
            keys: &keys,
            limits: Limits::default(),
        };
        verify_jws(token, &opts)
            .map(|_| ())
            .map_err(|e| e.code().to_owned())
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            substitute_times(
                r#"{"a":${now},"b":${now+5},"c":${now-5},"d":${now+0.5}}"#,
                100
            )
            .unwrap(),
            r#"{"a":100,"b":105,"c":95,"d":100.5}"#
        );
        assert!(substitute_times("${now*2}", 1).is_err());
        assert!(substitute_times("${now+x}", 1).is_err());
        assert!(substitute_times("${now+1", 1).is_err());
        assert_eq!(
            substitute_times("no placeholders", 1).unwrap(),
            "no placeholders"
        );
    }

    #[test]
    fn minting_is_deterministic_and_time_dependent() {
        for alg in Alg::ALL {
            let r = recipe(alg, SignatureForm::Valid);
            assert_eq!(mint(&r, 1000).unwrap(), mint(&r, 1000).unwrap());
            assert_ne!(mint(&r, 1000).unwrap(), mint(&r, 2000).unwrap());
            assert_eq!(verifies(&mint(&r, 1000).unwrap(), alg), Ok(()));
        }
    }

    #[test]
    fn same_family_algorithms_sign_with_their_own_hash() {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let input = b"header.payload";
        let hmac = Key::test_hmac("mint");
        let tags: Vec<Vec<u8>> = [MintAlg::HS256, MintAlg::HS384, MintAlg::HS512]
            .into_iter()
            .map(|alg| sign_as(alg, &hmac, input).unwrap())
            .collect();
        assert_eq!(tags.iter().map(Vec::len).collect::<Vec<_>>(), [32, 48, 64]);
        assert!(
            !tags[2].starts_with(&tags[1]),
            "SHA-512 is not SHA-384 extended"
        );
        let ec = Key::test_ec("mint");
        let vk = ec.verifying_key().unwrap();
        for (alg, digest) in [
            (MintAlg::EcdsaP256Sha384, Sha384::digest(input).to_vec()),
            (MintAlg::EcdsaP256Sha512, Sha512::digest(input).to_vec()),
        ] {
            let sig = sign_as(alg, &ec, input).unwrap();
            assert_eq!(
                sig,
                sign_as(alg, &ec, input).unwrap(),
                "RFC 6979: deterministic"
            );
            let sig = p256::ecdsa::Signature::from_slice(&sig).unwrap();
            assert!(vk.verify_prehash(&digest, &sig).is_ok(), "{alg:?}");
            // Not an ES256 signature of the same input.
            assert_eq!(
                signature::verify(Alg::ES256, &ec, input, &sig.to_bytes()),
                Err(crate::verdict::Reason::BadSignature)
            );
        }
        assert!(matches!(
            sign_as(MintAlg::HS384, &ec, input),
            Err(MintError::Key(_))
        ));
        assert!(matches!(
            sign_as(MintAlg::EcdsaP256Sha384, &hmac, input),
            Err(MintError::Key(_))
        ));
        let rsa = Key::test_rsa("mint");
        let public = rsa.rsa_public().unwrap();
        let rsa_sigs: Vec<Vec<u8>> = [
            MintAlg::RS256,
            MintAlg::RS384,
            MintAlg::RS512,
            MintAlg::PS256,
        ]
        .into_iter()
        .map(|alg| sign_as(alg, &rsa, input).unwrap())
        .collect();
        assert_eq!(
            rsa_sigs[3],
            sign_as(MintAlg::PS256, &rsa, input).unwrap(),
            "PS256 minting is deterministic"
        );
        for (hash, sig) in [RsaHash::Sha256, RsaHash::Sha384, RsaHash::Sha512]
            .into_iter()
            .zip(&rsa_sigs)
        {
            assert!(public.verify_rsa_crate(hash, input, sig), "{hash:?}");
        }
        for sig in &rsa_sigs[1..] {
            assert_eq!(
                signature::verify(Alg::RS256, &rsa, input, sig),
                Err(crate::verdict::Reason::BadSignature)
            );
        }
        assert!(matches!(
            sign_as(MintAlg::PS256, &ec, input),
            Err(MintError::Key(_))
        ));
    }

    #[test]
    fn signature_forms() {
        for form in [SignatureForm::HighS, SignatureForm::LowS] {
            let token = mint(&recipe(Alg::ES256, form), 7).unwrap();
            assert_eq!(verifies(&token, Alg::ES256), Ok(()), "{form:?}");
        }
        let high = mint(&recipe(Alg::ES256, SignatureForm::HighS), 7).unwrap();
        let low = mint(&recipe(Alg::ES256, SignatureForm::LowS), 7).unwrap();
        assert_ne!(high, low);
        let der = mint(&recipe(Alg::ES256, SignatureForm::Der), 7).unwrap();
        assert_eq!(verifies(&der, Alg::ES256), Err("signature_length".into()));
        for alg in Alg::ALL {
            let flipped = mint(&recipe(alg, SignatureForm::FlipLastBit), 7).unwrap();
            assert_eq!(verifies(&flipped, alg), Err("bad_signature".into()));
            if alg.family() != crate::engine::keys::KeyFamily::Rsa {
                let flipped = mint(&recipe(alg, SignatureForm::FlipFirstBit), 7).unwrap();
                assert_eq!(verifies(&flipped, alg), Err("bad_signature".into()));
            }
        }
        assert!(matches!(
            mint(&recipe(Alg::HS256, SignatureForm::HighS), 7),
            Err(MintError::Form { .. })
        ));
    }
}
