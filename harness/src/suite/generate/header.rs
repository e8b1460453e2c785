//! `header`: the JOSE header (policy.md §3) for every provider: `alg`, `crit`/`b64`/`zip`/`cty`,
//! `kid` (types, unknown ids, injection strings), `typ`, and key-bearing members.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::draft::{Draft, Want, P, TIMELESS};
use super::token::{b64, parts, quote, Tok};
use crate::contract::checks;
use crate::engine::keys::{Key, KeyFamily};
use crate::suite::case::{Case, MintAlg, VectorFile};

const NS: &str = "header";

const ALG: &str = "policy.md §3.1 (`alg` is a string matched case-sensitively against the \
profile's one algorithm, HS256 or ES256); RFC 8725 §3.1; CVE-2015-9235";
const SAME_FAMILY: &str = "policy.md §3.1 (the profile's one algorithm, nothing else of its \
family); RFC 8725 §3.1 (each key is used with exactly one algorithm): a signature that is right \
under HS384, HS512 or ECDSA with another hash does not make the algorithm allowed";
const NONE: &str =
    "policy.md §3.2 (`none` is refused in any spelling); RFC 8725 §3.1; CVE-2015-9235";
const CRIT: &str = "policy.md §3.3 (`crit` is refused in any form, `[]` included: no extension is \
supported); RFC 7515 §4.1.11";
const B64: &str = "policy.md §3.3 (`b64` is refused); RFC 7797";
const ZIP: &str = "policy.md §3.3 (`zip` is refused); RFC 7516 §4.1.3 (zip is a JWE member)";
const CTY: &str = "policy.md §3.3 (`cty: \"JWT\"`, a nested token, is refused); RFC 7519 §5.2 and \
RFC 7515 §4.1.10 (media types compare case-insensitively)";
const KID: &str = "policy.md §3.5 (a present `kid` is a string naming a configured key) and §3.6 \
(an unknown `kid` is refused); RFC 7515 §4.1.4";
const INJECTION: &str = "policy.md §3.6 (an unknown `kid` is refused); RFC 8725 §3.10 (kid values \
are attacker-chosen and must not reach file paths, SQL or shells); taxonomy.md §2.4 (hostile kid \
values)";
const KEY_BEARING: &str =
    "policy.md §3.4 (`jwk`, `jku`, `x5u`, `x5c` and `x5t` never supply a key; a \
token signed by the configured key that carries one: either)";
const ATTACKER: &str = "policy.md §3.4 (no key is ever taken, looked up or fetched through `jwk`, \
`jku`, `x5u`, `x5c` or `x5t`); CVE-2018-0114; RFC 8725 §3.10";
const MEMBER_TYPE: &str = "RFC 7515 §4.1.9 and §4.1.10: `typ` and `cty` are media type strings; \
policy.md is silent on other types, decided in docs/decisions.md (refused, like a non-string `kid`)";
const TYP: &str = "policy.md §3.9 (`typ` is not checked by this layer; a profile may require it)";
const UNKNOWN_MEMBER: &str = "RFC 7515 §4: header parameters that are not understood are ignored \
unless listed in `crit`; policy.md §3 rejects only the members it names";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        alg(&p, &mut cases);
        extensions(&p, &mut cases);
        kid(&p, &mut cases);
        typ_and_others(&p, &mut cases);
        key_bearing(&p, &mut cases);
    }
    super::draft::file(
        NS,
        "The JOSE header: alg allow-list and none, crit/b64/zip/cty, kid types and injection \
         strings, typ, unknown members, and key-bearing members (jwk, jku, x5u, x5c, x5t).",
        cases,
    )
}

#[rustfmt::skip]
fn alg(p: &P, out: &mut Vec<Case>) {
    let t = p.tok();
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };
    let mine = p.alg().as_str();
    let other = p.other_alg().as_str();

    out.push(c("alg-missing", "The canonical token with no alg member in its header.", ALG).tok(t.clone().without_header("alg")).rejected("alg_missing"));
    for (name, raw) in [
        ("alg-null", "null".to_owned()),
        ("alg-number", "256".to_owned()),
        ("alg-array", format!("[{}]", quote(mine))),
        ("alg-object", format!(r#"{{"name":{}}}"#, quote(mine))),
        ("alg-boolean", "true".to_owned()),
    ] {
        out.push(c(name, &format!("The canonical token with alg set to the non-string {raw}."), ALG).tok(t.clone().header_member("alg", raw.clone())).rejected("header_member_type"));
    }
    for (name, spelling) in [
        ("alg-none", "none"),
        ("alg-none-capitalized", "None"),
        ("alg-none-uppercase", "NONE"),
        ("alg-none-mixed-case", "nOnE"),
    ] {
        out.push(c(name, &format!("The canonical claims under alg {spelling:?}, still carrying a valid signature by the configured key."), NONE).features(&["alg-none"]).tok(t.clone().header_str("alg", spelling)).rejected("alg_none"));
    }
    // Without a signature the empty third segment is refused first (policy.md §1).
    for (name, spelling) in [
        ("alg-none-unsigned", "none"),
        ("alg-none-unsigned-uppercase", "NONE"),
    ] {
        let signed = t.clone().header_str("alg", spelling).at(TIMELESS);
        let (h, pl, _) = parts(&signed);
        out.push(c(name, &format!("An unsigned token: alg {spelling:?} and an empty signature segment."), NONE).features(&["alg-none"]).raw(format!("{h}.{pl}.")).rejected("empty_segment"));
    }
    let lower = mine.to_lowercase();
    let mixed: String = mine
        .chars()
        .enumerate()
        .map(|(i, ch)| if i == 0 { ch } else { ch.to_ascii_lowercase() })
        .collect();
    let mut variants = vec![
        ("alg-lowercase".to_owned(), lower),
        ("alg-mixed-case".to_owned(), mixed),
        ("alg-trailing-space".to_owned(), format!("{mine} ")),
        ("alg-empty".to_owned(), String::new()),
        ("alg-other-family".to_owned(), other.to_owned()),
    ];
    let allowed = |a: &str| p.profile.algorithms.allowed.iter().any(|x| x.as_str() == a);
    for a in [
        "HS384", "HS512", "RS256", "PS256", "ES384", "ES512", "EdDSA",
    ] {
        if allowed(a) {
            continue;
        }
        variants.push((format!("alg-{}", a.to_lowercase()), a.to_owned()));
    }
    for (name, value) in variants {
        out.push(c(&name, &format!("The canonical token signed as usual but with header alg {value:?}."), ALG).tok(t.clone().header_str("alg", &value)).rejected("alg_not_allowed"));
    }
    // Signed for real under the header's algorithm with the configured key: a verifier that
    // takes the hash from the header accepts these, the ones above fail on their signature.
    let same_family: &[(&str, &str, MintAlg, &str)] = match p.alg().family() {
        KeyFamily::Hmac => &[
            ("alg-hs384-signed", "HS384", MintAlg::HS384, "HMAC-SHA-384 under the configured secret"),
            ("alg-hs512-signed", "HS512", MintAlg::HS512, "HMAC-SHA-512 under the configured secret"),
        ],
        KeyFamily::Ec => &[
            ("alg-es384-signed", "ES384", MintAlg::EcdsaP256Sha384, "ECDSA with the configured P-256 key over a SHA-384 digest"),
            ("alg-es512-signed", "ES512", MintAlg::EcdsaP256Sha512, "ECDSA with the configured P-256 key over a SHA-512 digest"),
        ],
        KeyFamily::Rsa => &[
            ("alg-rs384-signed", "RS384", MintAlg::RS384, "RSASSA-PKCS1-v1_5 with SHA-384 under the configured RSA key"),
            ("alg-rs512-signed", "RS512", MintAlg::RS512, "RSASSA-PKCS1-v1_5 with SHA-512 under the configured RSA key"),
            ("alg-ps256-signed", "PS256", MintAlg::PS256, "RSASSA-PSS with SHA-256 under the configured RSA key"),
        ],
    };
    for (name, header_alg, signing, what) in same_family.iter().filter(|row| !allowed(row.1)) {
        out.push(c(name, &format!("The canonical claims with header alg {header_alg}, signed for real: {what}."), SAME_FAMILY).features(&["alg-confusion"]).tok(t.clone().header_str("alg", header_alg).signed_as(*signing)).rejected("alg_not_allowed"));
    }
}

#[rustfmt::skip]
fn extensions(p: &P, out: &mut Vec<Case>) {
    let t = p.tok();
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };
    let rows: Vec<(&str, &str, &str, Tok, Want)> = vec![
        ("crit-registered-name", "The canonical token with crit naming the registered header alg.", CRIT, t.clone().header_member("crit", r#"["alg"]"#), Want::Rejected("crit_present")),
        ("crit-unknown-extension", "The canonical token with crit naming an unknown extension that is present.", CRIT, t.clone().header_member("https://example.invalid/ext", "true").header_member("crit", r#"["https://example.invalid/ext"]"#), Want::Rejected("crit_present")),
        ("crit-empty", "The canonical token with crit as an empty array.", CRIT, t.clone().header_member("crit", "[]"), Want::Rejected("crit_present")),
        ("crit-not-an-array", "The canonical token with crit as a string.", CRIT, t.clone().header_member("crit", r#""exp""#), Want::Rejected("crit_present")),
        ("crit-with-b64", "The canonical token with b64 false listed in crit, as RFC 7797 requires.", CRIT, t.clone().header_member("b64", "false").header_member("crit", r#"["b64"]"#), Want::Rejected("crit_present")),
        ("b64-false", "The canonical token with b64 false and no crit.", B64, t.clone().header_member("b64", "false"), Want::Rejected("b64_present")),
        ("b64-true", "The canonical token with b64 true (the default spelled out).", B64, t.clone().header_member("b64", "true"), Want::Rejected("b64_present")),
        ("zip-deflate", "The canonical token with zip DEF on a JWS.", ZIP, t.clone().header_str("zip", "DEF"), Want::Rejected("zip_present")),
        ("cty-jwt", "The canonical token with cty JWT, declaring a nested token.", CTY, t.clone().header_str("cty", "JWT"), Want::Rejected("nested_jwt")),
        ("cty-jwt-lowercase", "The canonical token with cty jwt in lowercase: the same media type.", CTY, t.clone().header_str("cty", "jwt"), Want::Rejected("nested_jwt")),
        ("cty-number", "The canonical token with cty the number 1: RFC 7515 makes cty a media type string.", MEMBER_TYPE, t.clone().header_member("cty", "1"), Want::Rejected("header_member_type")),
        ("typ-number", "The canonical token with typ the number 1: RFC 7515 makes typ a media type string.", MEMBER_TYPE, t.clone().header_member("typ", "1"), Want::Rejected("header_member_type")),
        ("cty-json", "The canonical token with cty json, which declares no nesting.", "policy.md §3 rejects only `cty: \"JWT\"`; RFC 7515 §4.1.10", t.clone().header_str("cty", "json"), Want::Verified),
        ("cty-other-media-type", "The canonical token with cty text/plain, a media type that declares no nesting.", "policy.md §3 rejects only `cty: \"JWT\"`; RFC 7515 §4.1.10", t.clone().header_str("cty", "text/plain"), Want::Verified),
    ];
    for (name, description, basis, tok, want) in rows {
        let mut d = c(name, description, basis).tok(tok);
        if name.starts_with("crit") {
            d = d.checks(&[checks::CRIT]);
        }
        out.push(d.want(want));
    }
}

#[rustfmt::skip]
fn kid(p: &P, out: &mut Vec<Case>) {
    let t = p.tok();
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis).checks(&[checks::KID])
    };
    let configured = p.key(1).kid.expect("test keys have a kid");

    for (name, raw) in [
        ("kid-number", "1"),
        ("kid-null", "null"),
        ("kid-array", r#"["k"]"#),
        ("kid-object", r#"{"kid":"k"}"#),
        ("kid-boolean", "true"),
    ] {
        out.push(c(name, &format!("The canonical token with kid set to the non-string {raw}."), KID).tok(t.clone().header_member("kid", raw)).rejected("header_member_type"));
    }
    out.push(c("kid-configured", "The canonical token whose kid names the configured key that signed it.", KID).tok(t.clone().header_str("kid", &configured)).verified());
    let ten_kb = "A".repeat(10_000);
    let rows: Vec<(&str, &str, String, &str)> = vec![
        ("kid-unknown", "a key id nobody configured", "no-such-key".into(), KID),
        ("kid-empty-string", "the empty string", String::new(), KID),
        ("kid-case-variant", "the configured key id in uppercase", configured.to_uppercase(), KID),
        ("kid-nul-suffix", "the configured key id followed by a NUL character", format!("{configured}\u{0}"), INJECTION),
        ("kid-nul", "a single NUL character", "\u{0}".into(), INJECTION),
        ("kid-path-traversal", "a relative path climbing to /dev/null", "../../../../../../../../dev/null".into(), INJECTION),
        ("kid-absolute-path", "an absolute file path", "/etc/passwd".into(), INJECTION),
        ("kid-url", "a URL", "https://attacker.invalid/key.pem".into(), INJECTION),
        ("kid-sql-tautology", "an SQL tautology", "' OR '1'='1".into(), INJECTION),
        ("kid-sql-union", "an SQL UNION selecting a known secret", "x' UNION SELECT 'secret' -- ".into(), INJECTION),
        ("kid-shell-substitution", "a shell command substitution", "$(touch /tmp/pwned)".into(), INJECTION),
        ("kid-shell-backticks", "a backtick shell command", "`id`".into(), INJECTION),
        ("kid-shell-pipe", "a shell pipe", "k | cat /etc/passwd".into(), INJECTION),
        ("kid-ten-kilobytes", "10,000 characters (within the token size limit)", ten_kb, INJECTION),
    ];
    for (name, what, kid, basis) in rows {
        let mut d = c(
            name,
            &format!("The canonical token whose kid is {what}."),
            basis,
        );
        if basis == INJECTION {
            d = d.features(&["kid-injection"]);
        }
        out.push(d.tok(t.clone().header_str("kid", &kid)).rejected("unknown_kid"));
    }
}

#[rustfmt::skip]
fn typ_and_others(p: &P, out: &mut Vec<Case>) {
    let t = p.tok();
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };
    // Zendesk requires typ: its typ cases are in the zendesk namespace.
    if p.profile.header.typ.is_none() {
        out.push(c("typ-jwt", "The canonical token with typ JWT, which this profile does not require.", TYP).tok(t.clone().header_str("typ", "JWT")).verified());
        out.push(c("typ-other-value", "The canonical token with typ JOSE, which this profile does not check.", TYP).tok(t.clone().header_str("typ", "JOSE")).verified());
    }
    out.push(c("unknown-member", "The canonical token with an unregistered header member.", UNKNOWN_MEMBER).tok(t.clone().header_str("x-custom", "value")).verified());
}

/// The attacker's public key as SPKI DER (what an `x5c` certificate would wrap): RSA for an RSA
/// profile, EC otherwise.
fn attacker_spki_der(p: &P) -> Vec<u8> {
    use p256::pkcs8::EncodePublicKey;
    if p.alg().family() == KeyFamily::Rsa {
        return p.attacker().rsa_public().expect("an RSA key").to_spki_der();
    }
    let vk = Key::test_ec("attacker-1")
        .verifying_key()
        .expect("an EC key");
    p256::PublicKey::from(vk)
        .to_public_key_der()
        .expect("SPKI encodes")
        .as_bytes()
        .to_vec()
}

#[rustfmt::skip]
fn key_bearing(p: &P, out: &mut Vec<Case>) {
    let attacker = p.attacker();
    let attacker_jwk = {
        let mut jwk = attacker.public_jwk();
        jwk.kid = None;
        serde_json::to_string(&jwk).expect("a JWK serializes")
    };
    let x5c = format!("[{}]", quote(&STANDARD.encode(attacker_spki_der(p))));
    let x5t = quote(&b64(&Sha256::digest(attacker_spki_der(p))[..20]));
    let members: Vec<(&str, String)> = vec![
        ("jwk", attacker_jwk),
        ("jku", quote("https://attacker.invalid/jwks.json")),
        ("x5u", quote("https://attacker.invalid/cert.pem")),
        ("x5c", x5c),
        ("x5t", x5t),
    ];
    for (member, raw) in &members {
        // Signed by the configured key: the member is merely carried (policy: either).
        out.push(p.case(NS, &format!("{member}-carried"), &format!("The canonical token, signed by the configured key, carrying an attacker's {member} header member."), KEY_BEARING).features(&["key-bearing"]).tok(p.tok().header_member(member, raw.clone())).either());
        // Signed by the key the member points at: trusting it would accept a forgery. The
        // header keeps the canonical kid (where there is one) so the signature is what fails.
        out.push(p.case(NS, &format!("{member}-attacker-signed"), &format!("The canonical claims signed by an attacker's key that the header's {member} member carries or points at."), ATTACKER).features(&["key-bearing", "forgery"]).tok(p.tok().key(attacker.clone()).header_member(member, raw.clone())).rejected("bad_signature"));
    }
    out.push(p.case(NS, "jwk-attacker-signed-own-kid", "The canonical claims signed by an attacker's key embedded as jwk, the header's kid naming that key.", ATTACKER).features(&["key-bearing", "forgery"]).checks(&[checks::KID]).tok(p.tok().key(attacker.clone()).header_member("jwk", members[0].1.clone()).header_str("kid", "attacker-1")).rejected("unknown_kid"));
}
