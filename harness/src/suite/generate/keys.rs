//! `keys`: key confusion, key selection by `kid`, several keys, rotation, and HMAC secret sizes
//! (policy.md §3, §4, §6.8).

use p256::pkcs8::{EncodePublicKey, LineEnding};

use super::draft::{jose, Draft, P, TIMELESS};
use super::token::Tok;
use crate::contract::{checks, Jwk};
use crate::engine::keys::{Key, KeyFamily};
use crate::engine::Alg;
use crate::suite::case::{Case, SignatureForm, VectorFile};

const NS: &str = "keys";

const CONFUSION: &str =
    "policy.md §4.9 (a key of the wrong family for `alg`, such as the EC public \
key as HMAC key material in any encoding, is refused); CVE-2016-10555, CVE-2022-29217";
const PEM_VARIANT: &str = "policy.md §4.9 (the EC public key is never HMAC key material, in any \
encoding); CVE-2026-34950 and CVE-2026-107722 (fast-jwt: a PEM after whitespace or other text \
escaped its public-key test and became an HMAC secret), CVE-2026-102268 (PyJWT: the same with \
changed whitespace or line endings)";
const JWK_TEXT: &str = "policy.md §4.9 (the EC public key is never HMAC key material, in any \
encoding); CVE-2026-107724 (fast-jwt) and CVE-2026-48526 (PyJWT): the public JWK's JSON text \
used as an HMAC secret";
const KID_OTHER: &str = "policy.md §3.7 (a `kid` naming one key on a signature by another is \
refused)";
const SEVERAL: &str =
    "policy.md §3.8 (without `kid`, every configured key of the algorithm's family \
is tried) and §6.8 (a profile may hold several keys)";
const ROTATION: &str = "policy.md §6.8 (key rotation: a key taken out of the configuration \
verifies nothing)";
const EMPTY: &str =
    "policy.md §4.1 (an HS256 key is the raw secret, JWK `oct`) and §4.2 (an empty \
secret refuses every token)";
const EMPTY_SIGNATURE: &str = "policy.md §1 (an empty segment is refused before the signature \
layer) and §4.2 (an empty secret, or no key, verifies nothing): a library that compares an empty \
tag with the MAC of an empty key accepts a token anyone can write (CVE-2026-107720, fast-jwt before \
6.3.1, with an empty or null key)";
const SHORT: &str = "policy.md §4.3 (a secret under 32 bytes: either; RFC 7518 §3.2 asks for 256 \
bits and the lint warns)";
const LONG: &str = "RFC 2104 §2 / RFC 7518 §3.2: keys longer than the block size are hashed \
first; taxonomy.md §3.3 (a secret longer than 64 bytes is accepted)";
const FAMILY: &str = "policy.md §4.9 (a key of the wrong family for `alg` is refused)";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        selection(&p, &mut cases);
        match p.alg().family() {
            KeyFamily::Hmac => secrets(&p, &mut cases),
            KeyFamily::Ec => {
                confusion(&p, &mut cases);
                invalid_point(&p, &mut cases);
            }
            KeyFamily::Rsa => {
                confusion(&p, &mut cases);
                short_modulus(&p, &mut cases);
            }
        }
        wrong_family(&p, &mut cases);
    }
    jose_confusion(&mut cases);
    super::draft::file(
        NS,
        "Keys: HS256/ES256 key confusion in every encoding of the EC public key, kid naming \
         another key, several keys, rotated-out keys, empty, short and long HMAC secrets, keys of \
         the wrong family.",
        cases,
    )
}

/// The canonical token signed by `signer` with the header naming `named` (or no kid at all
/// where the profile does not require one and `named` is `None`).
fn signed(p: &P, signer: &Key, named: Option<&str>) -> Tok {
    let t = p.tok().key(signer.clone());
    match named {
        Some(kid) => t.header_str("kid", kid),
        None if p.kid_required() => t.header_str("kid", signer.kid.as_deref().expect("kid")),
        None => t.without_header("kid"),
    }
}

#[rustfmt::skip]
fn selection(p: &P, out: &mut Vec<Case>) {
    let (k1, k2, k3) = (p.key(1), p.key(2), p.key(3));
    let kid1 = k1.kid.clone().expect("kid");
    let kid2 = k2.kid.clone().expect("kid");
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };

    out.push(c("kid-names-one-signed-by-another", "Keys 1 and 2 configured; the header's kid names key 1 but key 2 signed.", KID_OTHER).checks(&[checks::KID]).keys(&[k1.clone(), k2.clone()]).tok(signed(p, &k2, Some(&kid1))).rejected("bad_signature"));
    out.push(c("kid-selects-second-key", "Keys 1 and 2 configured; the header's kid names key 2, which signed.", SEVERAL).checks(&[checks::KID]).features(&["rotation"]).keys(&[k1.clone(), k2.clone()]).tok(signed(p, &k2, Some(&kid2))).verified());
    if !p.kid_required() {
        out.push(c("no-kid-second-key-signed", "Keys 1 and 2 configured; no kid; key 2 signed, so trying every key finds it.", SEVERAL).features(&["rotation"]).keys(&[k1.clone(), k2.clone()]).tok(signed(p, &k2, None)).verified());
        out.push(c("no-kid-unconfigured-signer", "Keys 1 and 2 configured; no kid; a third, unconfigured key signed.", SEVERAL).keys(&[k1.clone(), k2.clone()]).tok(signed(p, &k3, None)).rejected("bad_signature"));
        let rotated = signed(p, &k1, None);
    let reason = p.foreign_signature_reason(&rotated, &k2);
    out.push(c("rotated-out-no-kid", "Only key 2 configured (key 1 was removed); no kid; key 1 signed.", ROTATION).features(&["rotation"]).keys(std::slice::from_ref(&k2)).tok(rotated).rejected(reason));
    }
    out.push(c("kid-names-unconfigured-signer", "Keys 1 and 2 configured; kid names key 1; a third, unconfigured key signed.", KID_OTHER).checks(&[checks::KID]).keys(&[k1.clone(), k2.clone()]).tok(signed(p, &k3, Some(&kid1))).rejected("bad_signature"));
    out.push(c("rotated-out-with-kid", "Only key 2 configured (key 1 was removed); the header's kid names key 1, which signed.", ROTATION).checks(&[checks::KID]).features(&["rotation"]).keys(std::slice::from_ref(&k2)).tok(signed(p, &k1, Some(&kid1))).rejected("unknown_kid"));
    out.push(c("old-key-still-configured", "Keys 1 and 2 configured during a rotation; key 1 signed with its kid.", ROTATION).checks(&[checks::KID]).features(&["rotation"]).keys(&[k1.clone(), k2.clone()]).tok(signed(p, &k1, Some(&kid1))).verified());
}

/// An HMAC key of `len` bytes derived from the provider's key 1 (repeated, then truncated).
fn sized_secret(p: &P, len: usize) -> Key {
    let base = p.key(1).to_jwk().k.expect("oct");
    let bytes = crate::engine::compact::decode_segment(&base, crate::verdict::Part::Signature)
        .expect("canonical k");
    let secret: Vec<u8> = bytes.iter().cycle().take(len).copied().collect();
    Key::hmac(secret, p.key(1).kid)
}

#[rustfmt::skip]
fn secrets(p: &P, out: &mut Vec<Case>) {
    let empty = Jwk {
        kty: "oct".into(),
        k: Some(String::new()),
        kid: p.key(1).kid,
        ..Jwk::default()
    };
    out.push(p.case(NS, "empty-secret-canonical-token", "An empty HMAC secret configured; the canonical token, signed by the real secret.", EMPTY).jwks(vec![empty.clone()]).rejected("empty_key"));
    out.push(p.case(NS, "empty-secret-forged-token", "An empty HMAC secret configured; the canonical token with a flipped signature bit.", EMPTY).jwks(vec![empty.clone()]).tok(p.tok().form(SignatureForm::FlipFirstBit)).rejected("empty_key"));
    // A signer that "signs" with the empty secret: anyone can compute this tag, so accepting it
    // accepts forgeries. The engine refuses to sign with an empty key, hence HMAC by hand and
    // no recipe (the token is minted with exp in 2100).
    let unsigned = p.tok();
    let input = format!(
        "{}.{}",
        crate::engine::compact::encode(unsigned.header_string().as_bytes()),
        crate::engine::compact::encode(unsigned.payload_at(TIMELESS).as_bytes())
    );
    let tag = {
        use hmac::Mac;
        hmac::Hmac::<sha2::Sha256>::new_from_slice(&[])
            .expect("HMAC takes keys of any length")
            .chain_update(input.as_bytes())
            .finalize()
            .into_bytes()
    };
    out.push(p.case(NS, "empty-secret-signed-with-empty-secret", "An empty HMAC secret configured; the canonical claims with an HMAC tag computed with the empty secret, which anyone can compute.", EMPTY).features(&["forgery"]).jwks(vec![empty.clone()]).raw(format!("{input}.{}", crate::engine::compact::encode(&tag))).rejected("empty_key"));
    // An empty signature segment is refused before any key is looked at, whatever the keys.
    let (h, pl, _) = super::token::parts(&p.tok().at(TIMELESS));
    out.push(p.case(NS, "empty-secret-empty-signature", "An empty HMAC secret configured; the canonical claims with an empty signature segment.", EMPTY_SIGNATURE).features(&["forgery"]).jwks(vec![empty]).raw(format!("{h}.{pl}.")).rejected("empty_segment"));
    out.push(p.case(NS, "no-key-empty-signature", "No key configured at all; the canonical claims with an empty signature segment.", EMPTY_SIGNATURE).features(&["forgery"]).jwks(Vec::new()).raw(format!("{h}.{pl}.")).rejected("empty_segment"));
    for (name, len) in [("short-secret-16-bytes", 16), ("short-secret-31-bytes", 31)] {
        let key = sized_secret(p, len);
        out.push(p.case(NS, name, &format!("A {len}-byte HMAC secret configured; the canonical claims signed with it."), SHORT).features(&["short-key"]).keys(std::slice::from_ref(&key)).tok(p.tok_by(key)).either());
    }
    for (name, len) in [
        ("secret-64-bytes", 64),
        ("secret-65-bytes", 65),
        ("secret-100-bytes", 100),
    ] {
        let key = sized_secret(p, len);
        out.push(p.case(NS, name, &format!("A {len}-byte HMAC secret configured; the canonical claims signed with it."), LONG).keys(std::slice::from_ref(&key)).tok(p.tok_by(key)).verified());
    }
}

/// The basis of a key-confusion case: the advisories that name its encoding, if any.
fn confusion_basis(encoding: &str) -> &'static str {
    match encoding {
        "jwk-json" => JWK_TEXT,
        e if e.starts_with("pem-") => PEM_VARIANT,
        _ => CONFUSION,
    }
}

/// Every encoding of a public key an HMAC library might be handed as a secret: the EC ones
/// below, or for an RSA key those of the `rsa` namespace.
fn encodings(key: &Key) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    match key.family() {
        KeyFamily::Rsa => super::rsa::key_encodings(key)
            .into_iter()
            .map(|(name, what, _, bytes)| (name, what, bytes))
            .collect(),
        _ => ec_encodings(key),
    }
}

/// Every encoding of an EC public key an HMAC library might be handed as a secret.
#[rustfmt::skip]
fn ec_encodings(key: &Key) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let vk = key.verifying_key().expect("an EC key");
    let public = p256::PublicKey::from(vk);
    let pem = public
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM encodes");
    let der = public.to_public_key_der().expect("DER encodes");
    let uncompressed = vk.to_encoded_point(false);
    let compressed = vk.to_encoded_point(true);
    let xy = uncompressed.as_bytes()[1..].to_vec();
    let mut jwk = key.public_jwk();
    jwk.kid = None;
    let jwk_text = serde_json::to_string(&jwk).expect("a JWK serializes");
    // Lenient PEM detection (a prefix test, a trimmed or re-wrapped text) has let these variants
    // through as HMAC secrets where the exact PEM was caught.
    let crlf = pem.replace('\n', "\r\n");
    let variants = [
        ("pem-no-trailing-newline", "the SPKI PEM text without its final newline", pem.trim_end().to_owned()),
        ("pem-leading-whitespace", "the SPKI PEM text after a space and a newline", format!(" \n{pem}")),
        ("pem-leading-text", "the SPKI PEM text after a line of explanatory text", format!("Public key:\n{pem}")),
        ("pem-crlf", "the SPKI PEM text with CR LF line endings", crlf),
    ];
    let mut rows = vec![
        ("pem", "the SPKI PEM text", pem.as_bytes().to_vec()),
        ("der-spki", "the SPKI DER bytes", der.as_bytes().to_vec()),
        ("sec1-uncompressed", "the SEC1 uncompressed point (04 ‖ x ‖ y)", uncompressed.as_bytes().to_vec()),
        ("sec1-compressed", "the SEC1 compressed point", compressed.as_bytes().to_vec()),
        ("raw-x-y", "the raw coordinates x ‖ y", xy),
        ("jwk-json", "the public JWK's JSON text", jwk_text.into_bytes()),
    ];
    rows.extend(variants.map(|(name, what, text)| (name, what, text.into_bytes())));
    rows
}

/// HS256 tokens MAC'd with the ES256 profile's own public key (CVE-2016-10555): the profile's
/// allow-list refuses HS256 before any key is touched.
#[rustfmt::skip]
fn confusion(p: &P, out: &mut Vec<Case>) {
    let key = p.key(1);
    for (name, what, secret) in encodings(&key) {
        let mac = Key::hmac(secret, None);
        let tok = p.tok().key(mac).header_str("alg", "HS256");
        out.push(p.case(NS, &format!("hs256-with-public-key-{name}"), &format!("An HS256 token whose MAC key is the configured EC public key as {what}."), confusion_basis(name)).features(&["key-confusion"]).tok(tok).rejected("alg_not_allowed"));
    }
    let (name, what, secret) = encodings(&key).remove(0);
    let tok = p
        .tok()
        .key(Key::hmac(secret, None))
        .header_str("alg", "HS256")
        .header_str("kid", key.kid.as_deref().expect("kid"));
    out.push(p.case(NS, &format!("hs256-with-public-key-{name}-and-kid"), &format!("An HS256 token whose MAC key is the configured EC public key as {what}, its kid naming that key."), CONFUSION).features(&["key-confusion"]).checks(&[checks::KID]).tok(tok).rejected("alg_not_allowed"));
}

/// A configured EC "public key" that is not a point on P-256: a configuration error, under
/// which no token can verify.
#[rustfmt::skip]
fn invalid_point(p: &P, out: &mut Vec<Case>) {
    let mut bad = p.key(1).public_jwk();
    bad.y = bad.x.clone();
    out.push(p.case(NS, "configured-point-not-on-curve", "The configured EC key's y replaced by its x, so that it names no point on P-256; the canonical token.", "policy.md §4.5 (an ES256 key must be a valid P-256 public point; anything else is a configuration error)").features(&["config-error"]).jwks(vec![bad]).rejected("invalid_key"));
}

/// A configured RSA key whose modulus is shorter than policy.md §4.10 allows: a configuration
/// error, under which no token verifies, not even one the key signed.
#[rustfmt::skip]
fn short_modulus(p: &P, out: &mut Vec<Case>) {
    let short = Key::test_rsa_sized(&format!("{}-key-1", p.id), 1024, 65_537);
    let token = super::token::sign_bytes(&short, p.tok().header_string().as_bytes(), p.tok().payload_at(TIMELESS).as_bytes());
    out.push(p.case(NS, "configured-modulus-1024-bits", "A 1024-bit RSA key configured (under the right kid); a token it signed.", "policy.md §4.10 (a modulus under 2048 bits, RFC 7518 §3.3, is a configuration error)").features(&["config-error"]).keys(&[short]).raw(token).rejected("invalid_key"));
}

/// A configured key of the other family than the profile's algorithm.
#[rustfmt::skip]
fn wrong_family(p: &P, out: &mut Vec<Case>) {
    let label = format!("{}-key-1", p.id);
    let wrong = super::draft::test_key(p.other_alg(), &label);
    out.push(p.case(NS, "configured-key-of-wrong-family", &format!("Only a {} key configured (under the right kid) for this {} profile; the canonical token.", p.other_alg(), p.alg()), FAMILY).keys(&[wrong]).rejected("key_family_mismatch"));
}

/// Provider-less: both algorithms allowed and only an EC key configured, so an HS256 token
/// reaches key selection — where the EC key must not become an HMAC secret.
#[rustfmt::skip]
fn jose_confusion(out: &mut Vec<Case>) {
    let both = [Alg::HS256, Alg::ES256];
    let key = Key::test_ec("jose-ec-key-1");
    let payload = r#"{"sub":"user-1","exp":${now+3600}}"#;
    let es = Tok {
        header: super::token::Text::Raw(r#"{"alg":"ES256"}"#.into()),
        payload: super::token::Text::Raw(payload.into()),
        alg: Alg::ES256.into(),
        key: key.clone(),
        form: SignatureForm::Valid,
    };
    out.push(jose(NS, "jose-es256-control", &both, "An ES256 token signed by the only configured key, HS256 and ES256 both allowed.", "RFC 7518 §3.4: a valid ES256 signature verifies").keys(std::slice::from_ref(&key)).tok(es.clone()).verified());
    for (name, what, secret) in encodings(&key) {
        let tok = es
            .clone()
            .header_text(r#"{"alg":"HS256"}"#)
            .key(Key::hmac(secret, None));
        out.push(jose(NS, &format!("jose-hs256-with-public-key-{name}"), &both, &format!("HS256 and ES256 allowed, only an EC key configured; an HS256 token whose MAC key is that key as {what}."), confusion_basis(name)).features(&["key-confusion"]).keys(std::slice::from_ref(&key)).tok(tok).rejected("key_family_mismatch"));
    }
    let (_, what, secret) = encodings(&key).remove(0);
    let tok = es
        .header_text(r#"{"alg":"HS256","kid":"jose-ec-key-1"}"#)
        .key(Key::hmac(secret, None));
    out.push(jose(NS, "jose-hs256-with-public-key-pem-and-kid", &both, &format!("HS256 and ES256 allowed; an HS256 token whose kid names the configured EC key and whose MAC key is that key as {what}."), CONFUSION).features(&["key-confusion"]).checks(&[checks::KID]).keys(std::slice::from_ref(&key)).tok(tok).rejected("key_family_mismatch"));
    // The mirror image: the kid names the HMAC secret on an ES256 token. Nobody needs a key to
    // write this header; a verifier that hands the secret to its ECDSA code may fail in ways
    // other than a refusal.
    let secret = super::draft::test_key(Alg::HS256, "jose-hmac-key-1");
    let es_by_kid = Tok {
        header: super::token::Text::Raw(r#"{"alg":"ES256","kid":"jose-hmac-key-1"}"#.into()),
        payload: super::token::Text::Raw(payload.into()),
        alg: Alg::ES256.into(),
        key,
        form: SignatureForm::Valid,
    };
    out.push(jose(NS, "jose-es256-with-kid-of-hmac-key", &both, "HS256 and ES256 allowed, only an HMAC secret configured; an ES256 token, signed by an EC key nobody configured, whose kid names that secret.", CONFUSION).features(&["key-confusion"]).checks(&[checks::KID]).keys(&[secret]).tok(es_by_kid).rejected("key_family_mismatch"));
}
