//! Self-signed X.509 certificates for TEST KEYS: what a JWKS's `x5c` carries and what some
//! libraries take as a verification key, built here so that vectors can hold one.
//!
//! The certificate is the smallest RFC 5280 v3 certificate: a serial number from the label, the
//! subject and issuer `CN=idjwt test key (not secret): <label>`, valid from 2023 to 2049, no
//! extensions, signed with the key itself (sha256WithRSAEncryption or ecdsa-with-SHA256).
//! Nothing in idjwt trusts a certificate; it is only ever compared with the key it holds.

use sha2::{Digest, Sha256};

use crate::engine::keys::{Key, KeyFamily};
use crate::engine::{signature, Alg};

/// sha256WithRSAEncryption (1.2.840.113549.1.1.11) with its NULL parameters.
const SHA256_WITH_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
/// ecdsa-with-SHA256 (1.2.840.10045.4.3.2), without parameters.
const ECDSA_WITH_SHA256: &[u8] = &[
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
];
/// The commonName attribute type (2.5.4.3).
const COMMON_NAME: &[u8] = &[0x06, 0x03, 0x55, 0x04, 0x03];

/// The DER certificate of `key`'s public key, self-signed with it; none for an HMAC secret or
/// a public key (which cannot sign).
pub fn self_signed(key: &Key, label: &str) -> Option<Vec<u8>> {
    let (alg, algorithm) = match key.family() {
        KeyFamily::Rsa => (Alg::RS256, SHA256_WITH_RSA),
        KeyFamily::Ec => (Alg::ES256, ECDSA_WITH_SHA256),
        KeyFamily::Hmac => return None,
    };
    let spki = spki_der(key)?;
    let serial: [u8; 8] = Sha256::digest(label.as_bytes())[..8].try_into().ok()?;
    // A leading 0x01 keeps the serial positive and minimal.
    let serial = [&[0x01][..], &serial].concat();
    let name = tlv(
        0x30,
        &tlv(
            0x31,
            &tlv(
                0x30,
                &[
                    COMMON_NAME,
                    &tlv(
                        0x0c,
                        format!("idjwt test key (not secret): {label}").as_bytes(),
                    ),
                ]
                .concat(),
            ),
        ),
    );
    let validity = tlv(
        0x30,
        &[tlv(0x17, b"230101000000Z"), tlv(0x17, b"491231235959Z")].concat(),
    );
    let tbs = tlv(
        0x30,
        &[
            tlv(0xa0, &tlv(0x02, &[0x02])),
            tlv(0x02, &serial),
            algorithm.to_vec(),
            name.clone(),
            validity,
            name,
            spki,
        ]
        .concat(),
    );
    let raw = signature::sign(alg, key, &tbs).ok()?;
    let signature = match alg {
        Alg::ES256 => p256::ecdsa::Signature::from_slice(&raw)
            .ok()?
            .to_der()
            .as_bytes()
            .to_vec(),
        _ => raw,
    };
    let bits = [&[0x00][..], &signature].concat();
    Some(tlv(
        0x30,
        &[tbs, algorithm.to_vec(), tlv(0x03, &bits)].concat(),
    ))
}

/// The certificate as PEM (`CERTIFICATE`).
pub fn self_signed_pem(key: &Key, label: &str) -> Option<String> {
    use p256::pkcs8::der::pem::{encode_string, LineEnding};
    encode_string("CERTIFICATE", LineEnding::LF, &self_signed(key, label)?).ok()
}

/// The SPKI DER of `key`'s public half.
fn spki_der(key: &Key) -> Option<Vec<u8>> {
    use p256::pkcs8::der::pem::decode_vec;
    let pem = key.public().to_pem()?;
    decode_vec(pem.as_bytes()).ok().map(|(_, der)| der)
}

/// One DER element: `tag`, the definite length, `content`.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_definite_and_minimal() {
        assert_eq!(tlv(0x04, &[]), [0x04, 0x00]);
        assert_eq!(tlv(0x04, &[7; 127])[..2], [0x04, 0x7f]);
        assert_eq!(tlv(0x04, &[7; 128])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(tlv(0x04, &[7; 256])[..4], [0x04, 0x82, 0x01, 0x00]);
    }

    #[test]
    fn only_private_asymmetric_keys_make_certificates() {
        assert!(self_signed(&Key::test_hmac("c"), "c").is_none());
        assert!(self_signed(&Key::test_ec("c").public(), "c").is_none());
        assert!(self_signed(&Key::test_ec("c"), "c").is_some());
        let pem = self_signed_pem(&Key::test_rsa("jose-rsa-key-1"), "jose-rsa-key-1").unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    }
}
