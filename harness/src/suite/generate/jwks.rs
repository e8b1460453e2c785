//! `jwks`: key sets as providers publish them (policy.md §4.16–4.19), provider-less: a JWK's
//! `alg`, `use` and `key_ops` keep it from verifying what they exclude, a JWK that contradicts
//! itself or whose `x5c` certificate holds another key is a configuration error, and two keys
//! with one `kid` make the whole set one.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::draft::jose;
use super::token::{signed_jws, Text, Tok};
use crate::contract::{checks, Jwk};
use crate::engine::keys::Key;
use crate::engine::Alg;
use crate::suite::case::{Case, MintAlg, SignatureForm, VectorFile};
use crate::suite::certificate::self_signed;

const NS: &str = "jwks";

/// The claims of every token.
const PAYLOAD: &str = r#"{"sub":"user-1","exp":${now+3600}}"#;

const PERMITTED: &str = "policy.md §4.16 (a JWK's alg, use and key_ops, where present, permit \
the operation; RFC 7517 §4.2–4.4)";
const FORBIDDEN: &str = "policy.md §4.16 (a JWK whose alg is another algorithm, whose use is \
not sig or whose key_ops lack verify verifies nothing; RFC 7517 §4.2–4.4)";
const SET_ASIDE: &str = "policy.md §4.16 and §3.8 (without a kid, a key that may not verify is \
not among the keys tried)";
const CONTRADICTION: &str = "policy.md §4.17 (a JWK that contradicts itself is a configuration \
error, under which no token verifies; RFC 7517 §4.3)";
const TYPE_CONFUSION: &str = "policy.md §4.17 and §4.15 (an RSA JWK labelled for HS256 is the \
key-confusion setup: a configuration error, never an HMAC secret)";
const X5C_SAME: &str = "policy.md §4.18 (the first x5c certificate holds the JWK's own key; \
RFC 7517 §4.7)";
const X5C_OTHER: &str = "policy.md §4.18 (an x5c certificate holding another key than the JWK, \
or none that can be read, is a configuration error; RFC 7517 §4.7)";
const X5C_FORGED: &str = "policy.md §4.18; a verifier that takes the key from the certificate \
instead of n and e verifies tokens of whoever made the certificate";
const DUPLICATE_KID: &str = "policy.md §4.19 (two keys of a set with one kid are a \
configuration error: a kid names one key)";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    key_use(&mut cases, Alg::RS256);
    key_use(&mut cases, Alg::ES256);
    contradictions(&mut cases);
    x5c(&mut cases, Alg::RS256);
    x5c(&mut cases, Alg::ES256);
    duplicate_kids(&mut cases);
    super::draft::file(
        NS,
        "Key sets: a JWK's alg, use and key_ops restrict what it verifies, with and without a \
         kid; self-contradicting JWKs; x5c certificates that hold the JWK's key, another key \
         or nothing readable; two keys with one kid.",
        cases,
    )
}

/// The configured key `n` of `alg`'s family (`jwks-rs256-key-1`, …).
fn key(alg: Alg, n: u32) -> Key {
    let label = format!("jwks-{}-key-{n}", alg.as_str().to_ascii_lowercase());
    Key::test_for(alg, &label)
}

/// `key`'s public JWK, edited.
fn jwk(key: &Key, edit: impl FnOnce(&mut Jwk)) -> Jwk {
    let mut jwk = key.public_jwk();
    edit(&mut jwk);
    jwk
}

/// A token signed by `key`, with its kid in the header when `with_kid`.
fn signed(alg: Alg, key: &Key, with_kid: bool) -> Tok {
    signed_jws(alg, key, with_kid, PAYLOAD)
}

/// A case named `<alg>-<name>` with `alg` and `more` allowed.
fn case(alg: Alg, name: &str, more: &[Alg], description: &str, basis: &str) -> super::draft::Draft {
    let allowed: Vec<Alg> = std::iter::once(alg).chain(more.iter().copied()).collect();
    let id = format!("{}-{name}", alg.as_str().to_ascii_lowercase());
    jose(NS, &id, &allowed, description, basis)
}

#[rustfmt::skip]
fn key_use(out: &mut Vec<Case>, alg: Alg) {
    let (k1, k2) = (key(alg, 1), key(alg, 2));
    // Another algorithm of the key's own type: the JWK loads, and verifies nothing else.
    let other = match alg { Alg::ES256 => "ES384", _ => "RS512" };
    let use_ = |value: &str| { let v = value.to_owned(); move |j: &mut Jwk| j.use_ = Some(v.clone()) };
    let ops = |values: &[&str]| { let v: Vec<String> = values.iter().map(|s| (*s).to_owned()).collect(); move |j: &mut Jwk| j.key_ops = Some(v.clone()) };
    let named = |edit: &dyn Fn(&mut Jwk)| vec![jwk(&k1, edit)];
    let with_alg = |value: &str| { let v = value.to_owned(); move |j: &mut Jwk| j.alg = Some(v.clone()) };
    let a = alg.as_str();
    let rows: Vec<(&str, String, Vec<Jwk>, bool)> = vec![
        ("alg-matches", format!("The configured JWK has \"alg\": \"{a}\"; a {a} token it signed, with its kid."), named(&with_alg(a)), true),
        ("use-sig", format!("The configured JWK has \"use\": \"sig\"; a {a} token it signed, with its kid."), named(&use_("sig")), true),
        ("key-ops-verify", format!("The configured JWK has \"key_ops\": [\"verify\"]; a {a} token it signed, with its kid."), named(&ops(&["verify"])), true),
        ("key-ops-sign-and-verify", format!("The configured JWK has \"key_ops\": [\"sign\", \"verify\"]; a {a} token it signed, with its kid."), named(&ops(&["sign", "verify"])), true),
        ("alg-other", format!("The configured JWK has \"alg\": \"{other}\"; a {a} token it signed, with its kid."), named(&with_alg(other)), false),
        ("use-enc", format!("The configured JWK has \"use\": \"enc\"; a {a} token it signed, with its kid."), named(&use_("enc")), false),
        ("use-unknown", format!("The configured JWK has \"use\": \"tls\" (a value RFC 7517 does not define); a {a} token it signed, with its kid."), named(&use_("tls")), false),
        ("key-ops-sign-only", format!("The configured JWK has \"key_ops\": [\"sign\"]; a {a} token it signed, with its kid."), named(&ops(&["sign"])), false),
        ("key-ops-empty", format!("The configured JWK has \"key_ops\": []; a {a} token it signed, with its kid."), named(&ops(&[])), false),
        ("key-ops-encrypt-only", format!("The configured JWK has \"key_ops\": [\"encrypt\"]; a {a} token it signed, with its kid."), named(&ops(&["encrypt"])), false),
    ];
    for (name, description, keys, permitted) in rows {
        let d = case(alg, name, &[], &description, if permitted { PERMITTED } else { FORBIDDEN }).checks(&[checks::KEY_USE]).jwks(keys).tok(signed(alg, &k1, true));
        out.push(if permitted { d.verified() } else { d.rejected("key_not_permitted") });
    }
    // Without a kid: the forbidden key is set aside, and the permitted one is tried alone.
    let enc_and_plain = vec![jwk(&k1, use_("enc")), jwk(&k2, |_| {})];
    out.push(case(alg, "use-enc-no-kid-signed-by-it", &[], &format!("Two keys configured, the first with \"use\": \"enc\"; a {a} token without kid signed by that first key."), SET_ASIDE).checks(&[checks::KEY_USE]).jwks(enc_and_plain.clone()).tok(signed(alg, &k1, false)).rejected("bad_signature"));
    out.push(case(alg, "use-enc-no-kid-signed-by-the-other", &[], &format!("Two keys configured, the first with \"use\": \"enc\"; a {a} token without kid signed by the second."), SET_ASIDE).checks(&[checks::KEY_USE]).jwks(enc_and_plain).tok(signed(alg, &k2, false)).verified());
    out.push(case(alg, "alg-other-no-kid", &[], &format!("The only configured JWK has \"alg\": \"{other}\"; a {a} token without kid that it signed."), SET_ASIDE).checks(&[checks::KEY_USE]).jwks(vec![jwk(&k1, with_alg(other))]).tok(signed(alg, &k1, false)).rejected("key_not_permitted"));
}

#[rustfmt::skip]
fn contradictions(out: &mut Vec<Case>) {
    let k = key(Alg::RS256, 1);
    let rs = Alg::RS256;
    let rows: Vec<(&str, &str, Jwk, &str)> = vec![
        ("alg-none-on-key", "The configured RSA JWK has \"alg\": \"none\"; an RS256 token it signed.", jwk(&k, |j| j.alg = Some("none".into())), CONTRADICTION),
        ("alg-es256-on-rsa-key", "The configured RSA JWK has \"alg\": \"ES256\"; an RS256 token it signed.", jwk(&k, |j| j.alg = Some("ES256".into())), CONTRADICTION),
        ("key-ops-twice", "The configured JWK has \"key_ops\": [\"verify\", \"verify\"]; an RS256 token it signed.", jwk(&k, |j| j.key_ops = Some(vec!["verify".into(), "verify".into()])), CONTRADICTION),
        ("use-enc-with-key-ops-verify", "The configured JWK has \"use\": \"enc\" and \"key_ops\": [\"verify\"]; an RS256 token it signed.", jwk(&k, |j| { j.use_ = Some("enc".into()); j.key_ops = Some(vec!["verify".into()]); }), CONTRADICTION),
    ];
    for (name, description, key_jwk, basis) in rows {
        out.push(case(rs, name, &[], description, basis).features(&["config-error"]).checks(&[checks::KEY_USE]).jwks(vec![key_jwk]).tok(signed(rs, &k, false)).rejected("invalid_key"));
    }
    // The key-confusion setup written into the JWK: an RSA key labelled for HS256, and an
    // HS256 token MAC'd with its public key's PEM text.
    let labelled = jwk(&k, |j| j.alg = Some("HS256".into()));
    let pem = k.public().to_pem().expect("an RSA key has a PEM form").to_string();
    let hs = Tok { header: Text::Raw(r#"{"alg":"HS256"}"#.into()), payload: Text::Raw(PAYLOAD.into()), alg: MintAlg::HS256, key: Key::hmac(pem.into_bytes(), None), form: SignatureForm::Valid };
    out.push(case(rs, "alg-hs256-on-rsa-key-hs256-token", &[Alg::HS256], "HS256 and RS256 allowed; the configured RSA JWK has \"alg\": \"HS256\"; an HS256 token whose MAC key is the JWK's public key as SPKI PEM text.", TYPE_CONFUSION).features(&["config-error", "key-confusion"]).checks(&[checks::KEY_USE]).jwks(vec![labelled.clone()]).tok(hs).rejected("invalid_key"));
    out.push(case(rs, "alg-hs256-on-rsa-key-rs256-token", &[Alg::HS256], "HS256 and RS256 allowed; the configured RSA JWK has \"alg\": \"HS256\"; an RS256 token it signed.", TYPE_CONFUSION).features(&["config-error"]).checks(&[checks::KEY_USE]).jwks(vec![labelled]).tok(signed(rs, &k, false)).rejected("invalid_key"));
}

#[rustfmt::skip]
fn x5c(out: &mut Vec<Case>, alg: Alg) {
    let k = key(alg, 1);
    let attacker = Key::test_for(alg, "jwks-attacker");
    let certificate = |of: &Key, label: &str| STANDARD.encode(self_signed(of, label).expect("a private test key makes a certificate"));
    let own = certificate(&k, k.kid.as_deref().unwrap_or_default());
    let theirs = certificate(&attacker, "jwks-attacker");
    let with_x5c = |chain: Vec<String>| jwk(&k, move |j| j.x5c = Some(chain));
    let a = alg.as_str();
    out.push(case(alg, "x5c-matches", &[], &format!("The configured JWK's x5c holds a self-signed certificate of its own key; a {a} token it signed."), X5C_SAME).checks(&[checks::X5C]).jwks(vec![with_x5c(vec![own.clone()])]).tok(signed(alg, &k, true)).verified());
    out.push(case(alg, "x5c-other-key", &[], &format!("The configured JWK's x5c holds a certificate of another key; a {a} token signed by the JWK's own key."), X5C_OTHER).features(&["config-error"]).checks(&[checks::X5C]).jwks(vec![with_x5c(vec![theirs.clone()])]).tok(signed(alg, &k, true)).rejected("invalid_key"));
    out.push(case(alg, "x5c-other-key-token-by-certificate-key", &[], &format!("The configured JWK's x5c holds a certificate of another key; a {a} token signed by the certificate's key, with the JWK's kid."), X5C_FORGED).features(&["config-error"]).checks(&[checks::X5C]).jwks(vec![with_x5c(vec![theirs])]).tok(signed(alg, &Key { kid: k.kid.clone(), ..attacker }, true)).rejected("invalid_key"));
    out.push(case(alg, "x5c-not-a-certificate", &[], &format!("The configured JWK's x5c holds base64 that is not a certificate; a {a} token signed by the JWK's key."), X5C_OTHER).features(&["config-error"]).checks(&[checks::X5C]).jwks(vec![with_x5c(vec![STANDARD.encode(b"not a certificate")])]).tok(signed(alg, &k, true)).rejected("invalid_key"));
    out.push(case(alg, "x5c-empty", &[], &format!("The configured JWK has \"x5c\": []; a {a} token signed by its key."), X5C_OTHER).features(&["config-error"]).checks(&[checks::X5C]).jwks(vec![with_x5c(vec![])]).tok(signed(alg, &k, true)).rejected("invalid_key"));
}

#[rustfmt::skip]
fn duplicate_kids(out: &mut Vec<Case>) {
    let rs = Alg::RS256;
    let (k1, k2) = (key(rs, 1), key(rs, 2));
    let renamed = jwk(&k2, |j| j.kid.clone_from(&k1.kid));
    let two = vec![jwk(&k1, |_| {}), renamed];
    out.push(case(rs, "duplicate-kid-signed-by-first", &[], "Two different keys configured with the same kid; an RS256 token with that kid signed by the first.", DUPLICATE_KID).features(&["config-error"]).checks(&[checks::KID]).jwks(two.clone()).tok(signed(rs, &k1, true)).rejected("invalid_key"));
    out.push(case(rs, "duplicate-kid-signed-by-second", &[], "Two different keys configured with the same kid; an RS256 token with that kid signed by the second.", DUPLICATE_KID).features(&["config-error"]).checks(&[checks::KID]).jwks(two).tok(signed(rs, &Key { kid: k1.kid.clone(), ..k2 }, true)).rejected("invalid_key"));
    out.push(case(rs, "duplicate-kid-same-key-twice", &[], "The same key configured twice under one kid; an RS256 token with that kid signed by it.", DUPLICATE_KID).features(&["config-error"]).checks(&[checks::KID]).jwks(vec![jwk(&k1, |_| {}), jwk(&k1, |_| {})]).tok(signed(rs, &k1, true)).rejected("invalid_key"));
}
