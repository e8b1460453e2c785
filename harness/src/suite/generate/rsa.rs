//! `rsa`: RS256 and RS512 provider-less (policy.md §4.10–4.15): the algorithms and their
//! swaps, signature lengths and ranges, key sizes and exponents, encoded messages that only a
//! parsing verifier accepts (e = 3 forgeries included), and the RSA public key as an HMAC
//! secret in every encoding.

use rsa::BigUint;
use sha2::{Digest, Sha256};

use super::draft::{jose, TIMELESS};
use super::token::{b64, sig_bytes, sign_bytes, with_sig, Text, Tok};
use crate::contract::{checks, Jwk};
use crate::engine::keys::{Key, KeyMaterial};
use crate::engine::rsa::{left_pad, PrivateRsa};
use crate::engine::Alg;
use crate::suite::case::{Case, MintAlg, SignatureForm, VectorFile};

const NS: &str = "rsa";

/// The claims of every token.
const PAYLOAD: &str = r#"{"sub":"user-1","exp":${now+3600}}"#;
/// The configured key of most cases.
const KEY: &str = "jose-rsa-key-1";

const VALID: &str = "RFC 7518 §3.3 and policy.md §4.12 (RSASSA-PKCS1-v1_5 with the algorithm's \
hash verifies)";
const SWAP: &str = "policy.md §3.1 and §4.14 (RS256, RS512 and PS256 are three algorithms: the \
allow-list decides, whatever the key)";
const WRONG_HASH: &str = "policy.md §4.14 (an RS256 header over a signature with another hash or \
with PSS does not verify); RFC 8017 §8.2.2";
const LENGTH: &str = "policy.md §4.12 (the signature is exactly as long as the modulus; RFC 8017 \
§8.2.2 step 1)";
const RANGE: &str = "policy.md §4.12 (the signature, read as a number, is below the modulus; \
RFC 8017 §5.2.2 step 1): a verifier that reduces it mod n first accepts s + n";
const SIZE: &str = "policy.md §4.10 (a modulus of 2048 to 8192 bits; RFC 7518 §3.3 asks for at \
least 2048): a configuration error, under which no token verifies";
const EXPONENT: &str = "policy.md §4.11 (e odd, at least 3 and below 2^32): a configuration \
error, under which no token verifies";
const E_ONE: &str = "policy.md §4.11 (e = 1 is refused: the signature is then the padded \
message itself, which anyone can compute from the token)";
const E_THREE: &str = "policy.md §4.11 (e = 3 is accepted; RFC 8017 §3.1 allows it)";
const ENCODING: &str = "policy.md §4.13 (the encoded message is compared byte for byte with the \
one RFC 8017 §9.2 builds); the malformations of Project Wycheproof's RSA PKCS#1 v1.5 signature \
tests and of Bleichenbacher's 2006 forgery, rebuilt over the token's signing input with the \
configured key";
const MISSING_NULL: &str = "policy.md §4.13 (a DigestInfo without its NULL parameters: either); \
RFC 8017 §9.2 note 1 lists the DigestInfo with NULL";
const BLEICHENBACHER: &str = "policy.md §4.13 (a verifier that parses the encoded message \
accepts bytes after the hash; with e = 3 anyone can then write a signature as a cube root: \
Bleichenbacher 2006, CVE-2006-4339, CVE-2016-1494)";
const MINIMAL: &str = "RFC 7518 §6.3.1.1 (n is the minimal big-endian encoding); decisions.md \
(a leading zero byte: either)";
const CONFUSION: &str = "policy.md §4.15 (an RSA key is never HMAC key material, in any \
encoding); CVE-2015-9235 (node jsonwebtoken), CVE-2016-10555";
const PEM_VARIANT: &str = "policy.md §4.15; CVE-2015-9235 and CVE-2016-10555, and the variants \
in which a PEM after whitespace or other text, or with other line endings, escaped a public-key \
test and became an HMAC secret (CVE-2026-34950 and CVE-2026-107722 in fast-jwt, CVE-2026-102268 \
in PyJWT)";
const JWK_TEXT: &str = "policy.md §4.15; CVE-2026-107724 (fast-jwt) and CVE-2026-48526 (PyJWT): \
the public JWK's JSON text used as an HMAC secret";
const FAMILY: &str = "policy.md §4.9 (a key of the wrong family for `alg` is refused)";

/// The DigestInfo prefixes of RFC 8017 §9.2 note 1 (before the hash).
const SHA256_INFO: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
/// SHA-256's DigestInfo without the NULL parameters.
const SHA256_INFO_NO_NULL: &[u8] = &[
    0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x04,
    0x20,
];
/// SHA-256's DigestInfo with the outer length in BER long form (`81 31`).
const SHA256_INFO_LONG_LENGTH: &[u8] = &[
    0x30, 0x81, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    0x05, 0x00, 0x04, 0x20,
];
/// SHA-1's DigestInfo, around a SHA-256 hash (the lengths say 20 bytes).
const SHA1_INFO: &[u8] = &[
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    algorithms(&mut cases);
    lengths(&mut cases);
    keys(&mut cases);
    encodings(&mut cases);
    confusion(&mut cases);
    super::draft::file(
        NS,
        "RS256 and RS512: algorithm swaps with PS256 and other hashes, signature lengths and \
         ranges, key sizes, exponents (e = 1, e = 3 and its forgery), malformed PKCS#1 v1.5 \
         encodings, and HS256 keyed with the RSA public key in every encoding.",
        cases,
    )
}

fn key() -> Key {
    Key::test_rsa(KEY)
}

/// A recipe signing [`PAYLOAD`] under `header` with `alg` and `key`.
fn tok(header: &str, alg: MintAlg, key: Key) -> Tok {
    Tok {
        header: Text::Raw(header.into()),
        payload: Text::Raw(PAYLOAD.into()),
        alg,
        key,
        form: SignatureForm::Valid,
    }
}

fn rs256() -> Tok {
    tok(r#"{"alg":"RS256"}"#, MintAlg::RS256, key())
}

#[rustfmt::skip]
fn algorithms(out: &mut Vec<Case>) {
    let rs = [Alg::RS256];
    let both = [Alg::RS256, Alg::RS512];
    out.push(jose(NS, "rs256-control", &rs, "An RS256 token signed by the configured 2048-bit key.", VALID).keys(&[key()]).tok(rs256()).verified());
    out.push(jose(NS, "rs256-with-kid", &rs, "An RS256 token whose kid names the configured key.", VALID).checks(&[checks::KID]).keys(&[key()]).tok(tok(r#"{"alg":"RS256","kid":"jose-rsa-key-1"}"#, MintAlg::RS256, key())).verified());
    out.push(jose(NS, "rs512-control", &[Alg::RS512], "An RS512 token signed by the configured key, RS512 allowed.", VALID).keys(&[key()]).tok(tok(r#"{"alg":"RS512"}"#, MintAlg::RS512, key())).verified());
    out.push(jose(NS, "rs512-with-both-allowed", &both, "An RS512 token, RS256 and RS512 both allowed.", VALID).keys(&[key()]).tok(tok(r#"{"alg":"RS512"}"#, MintAlg::RS512, key())).verified());
    out.push(jose(NS, "rs512-where-rs256-allowed", &rs, "A right RS512 signature by the configured key, only RS256 allowed.", SWAP).keys(&[key()]).tok(tok(r#"{"alg":"RS512"}"#, MintAlg::RS512, key())).rejected("alg_not_allowed"));
    out.push(jose(NS, "rs256-where-rs512-allowed", &[Alg::RS512], "A right RS256 signature by the configured key, only RS512 allowed.", SWAP).keys(&[key()]).tok(rs256()).rejected("alg_not_allowed"));
    out.push(jose(NS, "ps256-where-rs256-allowed", &rs, "A right PS256 (RSASSA-PSS) signature by the configured key, only RS256 allowed.", SWAP).keys(&[key()]).tok(tok(r#"{"alg":"PS256"}"#, MintAlg::PS256, key())).rejected("alg_not_allowed"));
    out.push(jose(NS, "rs384-where-rs256-allowed", &rs, "A right RS384 signature by the configured key, only RS256 allowed.", SWAP).keys(&[key()]).tok(tok(r#"{"alg":"RS384"}"#, MintAlg::RS384, key())).rejected("alg_not_allowed"));
    for (name, what, alg) in [
        ("rs256-header-over-pss-signature", "an RSASSA-PSS (PS256) signature", MintAlg::PS256),
        ("rs256-header-over-sha384-signature", "a PKCS#1 v1.5 signature over the SHA-384 hash", MintAlg::RS384),
        ("rs256-header-over-sha512-signature", "a PKCS#1 v1.5 signature over the SHA-512 hash", MintAlg::RS512),
    ] {
        out.push(jose(NS, name, &rs, &format!("An RS256 header over {what} by the configured key."), WRONG_HASH).keys(&[key()]).tok(tok(r#"{"alg":"RS256"}"#, alg, key())).rejected("bad_signature"));
    }
    let mut flipped = rs256();
    flipped.form = SignatureForm::FlipLastBit;
    out.push(jose(NS, "rs256-last-bit-flipped", &rs, "The RS256 control with the last bit of its signature flipped.", VALID).keys(&[key()]).tok(flipped).rejected("bad_signature"));
    out.push(jose(NS, "rs256-by-another-key", &rs, "An RS256 token signed by an RSA key nobody configured.", VALID).keys(&[key()]).tok(tok(r#"{"alg":"RS256"}"#, MintAlg::RS256, Key::test_rsa("attacker-rsa-1"))).rejected("bad_signature"));
}

/// The control token at [`TIMELESS`] with the first `jti` (0, 1, …) whose signature satisfies
/// `wanted`: byte-level cases need a signature of a particular shape.
fn control_where(wanted: impl Fn(&[u8]) -> bool) -> String {
    (0u32..)
        .map(|jti| {
            let t = rs256().payload_text(format!(
                r#"{{"sub":"user-1","jti":"{jti}","exp":${{now+3600}}}}"#
            ));
            t.at(TIMELESS)
        })
        .find(|token| wanted(&sig_bytes(token)))
        .expect("some jti gives such a signature")
}

#[rustfmt::skip]
fn lengths(out: &mut Vec<Case>) {
    let rs = [Alg::RS256];
    let c = |name: &str, what: &str, basis: &str| jose(NS, name, &rs, what, basis).keys(&[key()]);
    let n = key().rsa_public().expect("an RSA key").n().to_vec();
    let n_int = BigUint::from_bytes_be(&n);
    // A signature that starts with a zero byte, without it: a verifier that pads short
    // signatures with zeros accepts it.
    let leading_zero = control_where(|s| s[0] == 0);
    let s = sig_bytes(&leading_zero);
    out.push(c("signature-leading-zero-dropped", "A valid signature that starts with a zero byte, sent without that byte (255 bytes under a 256-byte modulus).", LENGTH).raw(with_sig(&leading_zero, &s[1..])).rejected("signature_length"));
    let token = rs256().at(TIMELESS);
    let s = sig_bytes(&token);
    out.push(c("signature-zero-byte-prepended", "A valid signature with a zero byte put in front (257 bytes).", LENGTH).raw(with_sig(&token, &[&[0u8][..], &s].concat())).rejected("signature_length"));
    out.push(c("signature-truncated", "A valid signature without its last byte.", LENGTH).raw(with_sig(&token, &s[..s.len() - 1])).rejected("signature_length"));
    out.push(c("signature-doubled", "A valid signature written twice (512 bytes).", LENGTH).raw(with_sig(&token, &[&s[..], &s].concat())).rejected("signature_length"));
    out.push(c("signature-one-byte", "A one-byte signature (1).", LENGTH).raw(with_sig(&token, &[1])).rejected("signature_length"));
    // s + n: the same residue, not below the modulus (only where s + n still fits the length).
    let fits = control_where(|s| BigUint::from_bytes_be(s) + &n_int < BigUint::from(1u8) << (8 * n.len()));
    let plus_n = (BigUint::from_bytes_be(&sig_bytes(&fits)) + &n_int).to_bytes_be();
    out.push(c("signature-plus-modulus", "A valid signature s sent as s + n, still 256 bytes long: the same value mod n.", RANGE).raw(with_sig(&fits, &left_pad(&plus_n, n.len()))).rejected("signature_scalar_out_of_range"));
    out.push(c("signature-equal-to-modulus", "The modulus itself as the signature.", RANGE).raw(with_sig(&token, &n)).rejected("signature_scalar_out_of_range"));
    out.push(c("signature-all-ff", "256 bytes of FF as the signature (above the modulus).", RANGE).raw(with_sig(&token, &vec![0xff; n.len()])).rejected("signature_scalar_out_of_range"));
    out.push(c("signature-zero", "256 zero bytes as the signature (0^e = 0).", VALID).raw(with_sig(&token, &vec![0; n.len()])).rejected("bad_signature"));
    out.push(c("signature-one", "The number 1 in 256 bytes as the signature (1^e = 1).", VALID).raw(with_sig(&token, &left_pad(&[1], n.len()))).rejected("bad_signature"));
    out.push(c("signature-modulus-minus-one", "n − 1 as the signature ((−1)^e = −1 mod n).", VALID).raw(with_sig(&token, &left_pad(&(n_int.clone() - 1u8).to_bytes_be(), n.len()))).rejected("bad_signature"));
}

#[rustfmt::skip]
fn keys(out: &mut Vec<Case>) {
    let rs = [Alg::RS256];
    let header = r#"{"alg":"RS256"}"#;
    let payload = |now: i64| rs256().payload_at(now);
    // Keys the engine will not load can still sign (the engine's `sign` takes any RSA key).
    let signed_by = |key: &Key| sign_bytes(key, header.as_bytes(), payload(TIMELESS).as_bytes());
    for (name, bits, what) in [("512", 512, "a 512-bit key (factored in hours on rented machines)"), ("1024", 1024, "a 1024-bit key"), ("2040", 2040, "a 2040-bit key (eight bits short)")] {
        let short = Key::test_rsa_sized(&format!("jose-rsa-{bits}"), bits, 65_537);
        out.push(jose(NS, &format!("key-{name}-bits"), &rs, &format!("Only {what} configured; a token it signed."), SIZE).features(&["config-error"]).keys(std::slice::from_ref(&short)).raw(signed_by(&short)).rejected("invalid_key"));
    }
    let big = Key::test_rsa_sized("jose-rsa-4096", 4096, 65_537);
    out.push(jose(NS, "key-4096-bits", &rs, "Only a 4096-bit key configured; a token it signed.", VALID).keys(std::slice::from_ref(&big)).tok(tok(header, MintAlg::RS256, big)).verified());
    let e3 = Key::test_rsa_sized("jose-rsa-e3", 2048, 3);
    out.push(jose(NS, "key-exponent-3", &rs, "Only a 2048-bit key with e = 3 configured; a token it signed.", E_THREE).keys(std::slice::from_ref(&e3)).tok(tok(header, MintAlg::RS256, e3.clone())).verified());
    let forged = bleichenbacher(&e3, &rs256().at(TIMELESS));
    out.push(jose(NS, "exponent-3-forgery-garbage-after-hash", &rs, "Only the e = 3 key configured; a signature nobody with the key made: the cube root of 00 01 FF×8 00, the DigestInfo and hash, then garbage.", BLEICHENBACHER).features(&["forgery"]).keys(&[e3]).raw(forged).rejected("bad_signature"));
    // e = 1: the "signature" is the encoded message, written without any key.
    let token = rs256().at(TIMELESS);
    let (input, _) = token.rsplit_once('.').expect("three segments");
    let public = key().rsa_public().expect("RSA").clone();
    let em = encoded(SHA256_INFO, &Sha256::digest(input.as_bytes()), public.modulus_len(), 0);
    let with_e = |e: &[u8]| Jwk { e: Some(b64(e)), ..key().public_jwk() };
    out.push(jose(NS, "key-exponent-1", &rs, "The configured key's e replaced by 1; the signature is the PKCS#1 v1.5 encoding of the token's hash, which needs no key.", E_ONE).features(&["config-error", "forgery"]).jwks(vec![with_e(&[1])]).raw(with_sig(&token, &em)).rejected("invalid_key"));
    for (name, e, what) in [("key-exponent-even", &[1u8, 0, 0][..], "65536 (even)"), ("key-exponent-above-2-32", &[1, 0, 0, 0, 1][..], "2^32 + 1")] {
        out.push(jose(NS, name, &rs, &format!("The configured key's e replaced by {what}; the control token."), EXPONENT).features(&["config-error"]).jwks(vec![with_e(e)]).raw(token.clone()).rejected("invalid_key"));
    }
    let mut padded = key().public_jwk();
    padded.n = Some(b64(&[&[0u8][..], public.n()].concat()));
    out.push(jose(NS, "key-modulus-leading-zero", &rs, "The configured key's n written with a leading zero byte; a token the key signed.", MINIMAL).features(&["config-error"]).jwks(vec![padded]).tok(rs256()).either());
}

/// Bleichenbacher's e = 3 forgery on `token`'s signing input: the cube root of a number that
/// starts `00 01 FF×8 00 DigestInfo hash` and ends in whatever the root gives.
fn bleichenbacher(e3: &Key, token: &str) -> String {
    let (input, _) = token.rsplit_once('.').expect("three segments");
    let k = e3.rsa_public().expect("RSA").modulus_len();
    let prefix = [
        &[0x00, 0x01][..],
        &[0xff; 8],
        &[0x00],
        SHA256_INFO,
        &Sha256::digest(input.as_bytes()),
    ]
    .concat();
    let garbage = k - prefix.len();
    let low = BigUint::from_bytes_be(&prefix) << (8 * garbage);
    let high = &low + ((BigUint::from(1u8) << (8 * garbage)) - 1u8);
    let root = high.cbrt();
    let cube = &root * &root * &root;
    assert!(cube >= low && cube <= high, "the cube keeps the prefix");
    with_sig(token, &left_pad(&root.to_bytes_be(), k))
}

/// `00 01 FF… 00 info hash` of `len` bytes; `short_padding` moves that many FF bytes to the
/// end, after the hash.
fn encoded(info: &[u8], hash: &[u8], len: usize, short_padding: usize) -> Vec<u8> {
    let ff = len - 3 - info.len() - hash.len() - short_padding;
    [
        &[0x00, 0x01][..],
        &vec![0xff; ff],
        &[0x00],
        info,
        hash,
        &vec![0xff; short_padding],
    ]
    .concat()
}

/// Signatures over malformed encoded messages, made with the configured key's private
/// exponent: only a verifier that parses the encoding instead of comparing it accepts them.
#[rustfmt::skip]
fn encodings(out: &mut Vec<Case>) {
    let rs = [Alg::RS256];
    let key = key();
    let KeyMaterial::RsaPrivate(private) = &key.material else { unreachable!("a private test key") };
    let token = rs256().at(TIMELESS);
    let (input, _) = token.rsplit_once('.').expect("three segments");
    let hash = Sha256::digest(input.as_bytes());
    let k = private.public().modulus_len();
    let well_formed = encoded(SHA256_INFO, &hash, k, 0);
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut em = well_formed.clone();
        f(&mut em);
        em
    };
    let rows: Vec<(&str, &str, Vec<u8>)> = vec![
        ("encoding-garbage-after-hash", "eight FF bytes moved from the padding to after the hash", encoded(SHA256_INFO, &hash, k, 8)),
        ("encoding-padding-of-zeros", "the padding written with 00 bytes instead of FF", edit(&|em| em[2..k - 52].fill(0))),
        ("encoding-block-type-2", "block type 02 (encryption padding) instead of 01", edit(&|em| em[1] = 2)),
        ("encoding-first-byte-1", "a first byte of 01 instead of 00", edit(&|em| em[0] = 1)),
        ("encoding-no-separator", "the 00 between padding and DigestInfo replaced by FF", edit(&|em| em[k - 52] = 0xff)),
        ("encoding-digest-info-long-length", "the DigestInfo's outer length in BER long form (81 31)", encoded(SHA256_INFO_LONG_LENGTH, &hash, k, 0)),
        ("encoding-sha1-digest-info", "SHA-1's DigestInfo around the SHA-256 hash", encoded(SHA1_INFO, &hash, k, 0)),
        ("encoding-hash-bit-flipped", "the hash with its last bit flipped", edit(&|em| em[k - 1] ^= 1)),
        ("encoding-no-padding-bytes", "no padding at all: the DigestInfo and hash right-aligned after 00 01 00 and zeros", {
            let mut em = vec![0u8; k];
            em[1] = 1;
            em[k - 51..k - 32].copy_from_slice(SHA256_INFO);
            em[k - 32..].copy_from_slice(&hash);
            em
        }),
    ];
    for (name, what, em) in rows {
        let signature = private_op(private, &em);
        out.push(jose(NS, name, &rs, &format!("A signature by the configured key's private exponent over an encoded message with {what}."), ENCODING).features(&["pkcs1-encoding"]).keys(std::slice::from_ref(&key)).raw(with_sig(&token, &signature)).rejected("bad_signature"));
    }
    let no_null = private_op(private, &encoded(SHA256_INFO_NO_NULL, &hash, k, 0));
    out.push(jose(NS, "encoding-digest-info-without-null", &rs, "A signature by the configured key over an encoded message whose DigestInfo leaves out the NULL parameters.", MISSING_NULL).features(&["pkcs1-encoding"]).keys(std::slice::from_ref(&key)).raw(with_sig(&token, &no_null)).either());
}

fn private_op(private: &PrivateRsa, em: &[u8]) -> Vec<u8> {
    private
        .raw_private(em)
        .expect("an encoded message is below the modulus")
}

/// Every encoding of an RSA public key an HMAC library might be handed as a secret.
#[rustfmt::skip]
pub(super) fn key_encodings(key: &Key) -> Vec<(&'static str, &'static str, &'static str, Vec<u8>)> {
    use rsa::pkcs8::der::pem::{encode_string, LineEnding};
    let public = key.rsa_public().expect("an RSA key");
    let spki = key.public().to_pem().expect("PEM").to_string();
    let pkcs1 = encode_string("RSA PUBLIC KEY", LineEnding::LF, &public.to_pkcs1_der()).expect("PEM");
    let mut jwk = key.public_jwk();
    jwk.kid = None;
    let jwk_text = serde_json::to_string(&jwk).expect("a JWK serializes");
    let label = key.kid.as_deref().unwrap_or_default();
    let certificate_der = crate::suite::certificate::self_signed(key, label).expect("a private RSA key makes a certificate");
    let certificate_pem = crate::suite::certificate::self_signed_pem(key, label).expect("a private RSA key makes a certificate");
    vec![
        ("pem", "the SPKI PEM text", CONFUSION, spki.clone().into_bytes()),
        ("pem-no-trailing-newline", "the SPKI PEM text without its final newline", PEM_VARIANT, spki.trim_end().as_bytes().to_vec()),
        ("pem-leading-whitespace", "the SPKI PEM text after a space and a newline", PEM_VARIANT, format!(" \n{spki}").into_bytes()),
        ("pem-leading-text", "the SPKI PEM text after a line of explanatory text", PEM_VARIANT, format!("Public key:\n{spki}").into_bytes()),
        ("pem-crlf", "the SPKI PEM text with CR LF line endings", PEM_VARIANT, spki.replace('\n', "\r\n").into_bytes()),
        ("pkcs1-pem", "the PKCS#1 PEM text (RSA PUBLIC KEY)", CONFUSION, pkcs1.clone().into_bytes()),
        ("pkcs1-pem-no-trailing-newline", "the PKCS#1 PEM text without its final newline", PEM_VARIANT, pkcs1.trim_end().as_bytes().to_vec()),
        ("der-spki", "the SPKI DER bytes", CONFUSION, public.to_spki_der()),
        ("der-pkcs1", "the PKCS#1 DER bytes", CONFUSION, public.to_pkcs1_der()),
        ("modulus", "the modulus bytes", CONFUSION, public.n().to_vec()),
        ("jwk-json", "the public JWK's JSON text", JWK_TEXT, jwk_text.into_bytes()),
        ("certificate-pem", "the PEM text of a self-signed certificate holding it", CONFUSION, certificate_pem.into_bytes()),
        ("certificate-der", "the DER bytes of a self-signed certificate holding it", CONFUSION, certificate_der),
    ]
}

/// HS256 tokens MAC'd with the configured RSA public key (CVE-2015-9235): with both algorithms
/// allowed they reach key selection, where the RSA key must not become an HMAC secret.
#[rustfmt::skip]
fn confusion(out: &mut Vec<Case>) {
    let both = [Alg::HS256, Alg::RS256];
    let key = key();
    let hs = |header: &str, secret: Vec<u8>| tok(header, MintAlg::HS256, Key::hmac(secret, None));
    out.push(jose(NS, "confusion-rs256-control", &both, "HS256 and RS256 allowed, only the RSA key configured; an RS256 token it signed.", VALID).keys(std::slice::from_ref(&key)).tok(rs256()).verified());
    for (name, what, basis, secret) in key_encodings(&key) {
        out.push(jose(NS, &format!("hs256-with-public-key-{name}"), &both, &format!("HS256 and RS256 allowed, only the RSA key configured; an HS256 token whose MAC key is {what}."), basis).features(&["key-confusion"]).keys(std::slice::from_ref(&key)).tok(hs(r#"{"alg":"HS256"}"#, secret)).rejected("key_family_mismatch"));
    }
    let (_, what, _, pem) = key_encodings(&key).remove(0);
    out.push(jose(NS, "hs256-with-public-key-pem-and-kid", &both, &format!("HS256 and RS256 allowed; an HS256 token whose kid names the configured RSA key and whose MAC key is {what}."), CONFUSION).features(&["key-confusion"]).checks(&[checks::KID]).keys(std::slice::from_ref(&key)).tok(hs(r#"{"alg":"HS256","kid":"jose-rsa-key-1"}"#, pem.clone())).rejected("key_family_mismatch"));
    out.push(jose(NS, "hs256-with-public-key-pem-rs256-only", &[Alg::RS256], &format!("Only RS256 allowed and the RSA key configured; an HS256 token whose MAC key is {what}."), CONFUSION).features(&["key-confusion"]).keys(std::slice::from_ref(&key)).tok(hs(r#"{"alg":"HS256"}"#, pem)).rejected("alg_not_allowed"));
    // The mirror image: the kid names an HMAC secret on an RS256 token nobody configured.
    let secret = Key::test_hmac("jose-hmac-key-1");
    out.push(jose(NS, "rs256-with-kid-of-hmac-key", &both, "HS256 and RS256 allowed, only an HMAC secret configured; an RS256 token, signed by an RSA key nobody configured, whose kid names that secret.", FAMILY).features(&["key-confusion"]).checks(&[checks::KID]).keys(&[secret]).tok(tok(r#"{"alg":"RS256","kid":"jose-hmac-key-1"}"#, MintAlg::RS256, Key::test_rsa("attacker-rsa-1"))).rejected("key_family_mismatch"));
    let ec = Key::test_ec("jose-ec-key-1");
    out.push(jose(NS, "rs256-with-only-ec-key", &[Alg::RS256, Alg::ES256], "RS256 and ES256 allowed, only an EC key configured; an RS256 token by an RSA key nobody configured.", FAMILY).keys(&[ec]).tok(tok(r#"{"alg":"RS256"}"#, MintAlg::RS256, Key::test_rsa("attacker-rsa-1"))).rejected("key_family_mismatch"));
}
