//! A grammar of identity tokens driven by fuzzer bytes.
//!
//! A token starts as the provider's canonical one (its header and claims, as a conformant
//! signer writes them) and takes a few edits, each a way real tokens go wrong: a member
//! removed, a value of the wrong type or at a date boundary, a header that lies about its
//! algorithm or key. Its JSON text may then be rewritten without changing what it means to a
//! strict reader (whitespace, escapes) or in a way lenient readers see differently (a duplicate
//! member). Finally it is signed, by a configured key or by someone else's.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value};

use super::setup::{config, providers, Provider};
use crate::engine::keys::Key;
use crate::engine::{compact, signature, Alg};
use crate::suite::generate::{APP_ID, USER};

/// A token built from the grammar, with what went into it.
pub(crate) struct Built {
    pub provider: &'static Provider,
    /// The claims as built (before the text was rewritten).
    pub claims: Map<String, Value>,
    /// Who signed it.
    pub signer: Signer,
    /// The compact token.
    pub token: String,
    /// The token touches a rule where policy.md allows either answer (`jku` and friends, an
    /// `aud` nobody configured, `typ` in another case).
    pub either: bool,
}

/// Who signed a built token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signer {
    /// The provider's key 1.
    Configured,
    /// The provider's rotation key (also configured).
    Rotation,
    /// The configured key of the other algorithm's family.
    OtherFamily,
    /// A key of the provider's family nobody configured.
    Attacker,
    /// HMAC keyed with the provider's public JWK text (classic key confusion).
    PublicKeyAsSecret,
    /// Nobody: the signature is arbitrary bytes.
    Nobody,
}

impl Signer {
    /// Whether a token signed this way may verify at all.
    pub fn is_trusted(self) -> bool {
        matches!(self, Signer::Configured | Signer::Rotation)
    }
}

const HEADER_NAMES: &[&str] = &[
    "alg", "typ", "kid", "cty", "crit", "jku", "jwk", "x5u", "x5c", "x5t", "b64", "zip",
];
/// Header members that point at keys: policy.md lets a verifier refuse them or ignore them.
const KEY_POINTERS: &[&str] = &["jku", "jwk", "x5u", "x5c", "x5t"];
const ALGS: &[&str] = &[
    "HS256", "ES256", "none", "None", "hs256", "RS256", "HS384", "ES256K", "",
];
const TYPS: &[&str] = &["JWT", "jwt", "Jwt", "at+jwt", "JOSE", "application/jwt"];
const CLAIM_NAMES: &[&str] = &[
    "sub",
    "exp",
    "nbf",
    "iat",
    "iss",
    "aud",
    "jti",
    "user_id",
    "external_id",
    "scope",
    "email",
    "email_verified",
    "name",
    "identity",
    "subscriptions",
    "custom_metadata",
    "linked_accounts",
    "company",
];
const MEMBER_NAMES: &[&str] = &["external_id", "email", "type", "token", "onesignal_id", "a"];
const STRINGS: &[&str] = &[
    USER,
    "",
    "user-2",
    " user-1",
    "user-1\u{0}",
    "privy.io",
    APP_ID,
    "user",
    "admin",
    "JWT",
    "true",
    "{}",
    "[]",
    "{\"a\":1}",
    "[{\"type\":\"email\",\"address\":\"a@example.com\"}]",
    "Email",
    "SMS",
    "a@example.com",
];
/// Offsets from `now` at the date rules' boundaries (leeway 0 and 30) and far away.
const OFFSETS: &[i64] = &[
    -31_536_000,
    -3_600,
    -61,
    -60,
    -31,
    -30,
    -1,
    0,
    1,
    29,
    30,
    31,
    60,
    3_600,
    3_153_600_000,
];

/// Builds one token at time `now`.
pub(crate) fn build(u: &mut Unstructured<'_>, now: i64) -> Result<Built> {
    let provider = u.choose(providers())?;
    let profile = provider.profile;
    let user = string(u)?;
    let mut claims = profile
        .canonical_claims(&user, &config(), now)
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let mut header = profile
        .signing_header(provider.signing.kid.as_deref())
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let mut named_alg = profile.signing_alg();
    for _ in 0..u.int_in_range(0..=2u8)? {
        let name = *u.choose(HEADER_NAMES)?;
        if u.ratio(1, 4)? {
            header.shift_remove(name);
            continue;
        }
        let value = match name {
            "alg" => {
                let alg = *u.choose(ALGS)?;
                if let Some(a) = Alg::from_name(alg) {
                    named_alg = a;
                }
                Value::from(alg)
            }
            "typ" => Value::from(*u.choose(TYPS)?),
            "kid" => Value::from(match u.int_in_range(0..=3u8)? {
                0 => provider.rotation.kid.clone().unwrap_or_default(),
                1 => provider.other_family.kid.clone().unwrap_or_default(),
                2 => "attacker-1".to_owned(),
                _ => string(u)?,
            }),
            _ => value(u, now, 0)?,
        };
        header.insert(name.to_owned(), value);
    }
    for _ in 0..u.int_in_range(0..=4u8)? {
        let name = *u.choose(CLAIM_NAMES)?;
        if u.ratio(1, 4)? {
            claims.shift_remove(name);
        } else {
            claims.insert(name.to_owned(), value(u, now, 0)?);
        }
    }
    let (_, audience) = profile
        .issuer_and_audience(&config())
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let either = KEY_POINTERS.iter().any(|k| header.contains_key(*k))
        || (audience.is_none() && claims.contains_key("aud"))
        || header
            .get("typ")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "JWT" && t.eq_ignore_ascii_case("JWT"));

    let mut header_text = serde_json::to_string(&header).expect("serialises");
    let mut payload_text = serde_json::to_string(&claims).expect("serialises");
    let text = if u.arbitrary()? {
        &mut header_text
    } else {
        &mut payload_text
    };
    rewrite(u, text, now)?;

    let signer = *u.choose(&[
        Signer::Configured,
        Signer::Configured,
        Signer::Configured,
        Signer::Configured,
        Signer::Configured,
        Signer::Configured,
        Signer::Rotation,
        Signer::OtherFamily,
        Signer::Attacker,
        Signer::PublicKeyAsSecret,
        Signer::Nobody,
    ])?;
    let mut token = compact::encode(header_text.as_bytes());
    token.push('.');
    token.push_str(&compact::encode(payload_text.as_bytes()));
    let sig = match signing_key(provider, signer, named_alg) {
        Some((alg, key)) => signature::sign(alg, &key, token.as_bytes())
            .map_err(|_| arbitrary::Error::IncorrectFormat)?,
        None => {
            let len = u.int_in_range(0..=72usize)?;
            u.bytes(len)?.to_vec()
        }
    };
    token.push('.');
    token.push_str(&compact::encode(&sig));
    Ok(Built {
        provider,
        claims,
        signer,
        token,
        either,
    })
}

/// The algorithm and key a signer uses; `None` when nobody signs.
fn signing_key(provider: &Provider, signer: Signer, named_alg: Alg) -> Option<(Alg, Key)> {
    let family = |key: &Key| {
        Alg::ALL
            .into_iter()
            .find(|alg| key.fits(*alg))
            .unwrap_or(Alg::HS256)
    };
    let key = match signer {
        Signer::Configured if named_alg != provider.alg() => provider.other_family.clone(),
        Signer::Configured => provider.signing.clone(),
        Signer::Rotation => provider.rotation.clone(),
        Signer::OtherFamily => provider.other_family.clone(),
        Signer::Attacker => provider.attacker.clone(),
        Signer::PublicKeyAsSecret => {
            let public = serde_json::to_vec(&provider.signing.public_jwk()).expect("serialises");
            Key::hmac(public, None)
        }
        Signer::Nobody => return None,
    };
    Some((family(&key), key))
}

/// Rewrites JSON text: whitespace and escapes keep its meaning for a strict reader; a
/// duplicate member or a date written as a float change it.
fn rewrite(u: &mut Unstructured<'_>, text: &mut String, now: i64) -> Result<()> {
    match u.int_in_range(0..=5u8)? {
        1 => {
            text.insert_str(1, " \n\t");
            let end = text.len() - 1;
            text.insert_str(end, "\r\n ");
        }
        2 => {
            // The first member name's first character as a \u escape.
            if let Some(c) = text[2..]
                .chars()
                .next()
                .filter(|c| c.is_ascii_alphanumeric())
            {
                text.replace_range(2..3, &format!("\\u{:04x}", u32::from(c)));
            }
        }
        3 => {
            let name = *u.choose(CLAIM_NAMES)?;
            let member = format!(
                "{}{}:{}",
                if text.len() > 2 { "," } else { "" },
                Value::from(name),
                value(u, now, 0)?
            );
            let end = text.len() - 1;
            text.insert_str(end, &member);
        }
        4 => *text = text.replacen(&now.to_string(), &format!("{now}.0"), 1),
        5 => text.push(' '),
        _ => {}
    }
    Ok(())
}

/// A short string: usually one that means something to some provider.
fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => "a".repeat(255),
        1 => "é".repeat(u.int_in_range(254..=256usize)?),
        2 => {
            let len = u.int_in_range(0..=24usize)?;
            String::from_utf8_lossy(u.bytes(len)?).into_owned()
        }
        _ => (*u.choose(STRINGS)?).to_owned(),
    })
}

/// A JSON value for a claim or header member.
fn value(u: &mut Unstructured<'_>, now: i64, depth: u8) -> Result<Value> {
    let nested = depth < 2;
    Ok(match u.int_in_range(0..=10u8)? {
        0 | 1 => Value::from(string(u)?),
        2 | 3 => Value::from(now + *u.choose(OFFSETS)?),
        4 => Value::from(now * 1000),
        5 => Value::from(*u.choose(&[now as f64 + 0.5, now as f64, -0.0, 1e300, 9.3e18])?),
        6 => Value::from(u.arbitrary::<i64>()?),
        7 => Value::from(u.arbitrary::<bool>()?),
        8 if nested => {
            let len = u.int_in_range(0..=3usize)?;
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(value(u, now, depth + 1)?);
            }
            Value::Array(items)
        }
        9 if nested => {
            let mut object = Map::new();
            for _ in 0..u.int_in_range(0..=3u8)? {
                let name = *u.choose(MEMBER_NAMES)?;
                object.insert(name.to_owned(), value(u, now, depth + 1)?);
            }
            Value::Object(object)
        }
        _ => Value::Null,
    })
}

/// A change of a few bytes to a signed token. Only ASCII is written, so the result stays text.
pub(crate) fn mutate(u: &mut Unstructured<'_>, token: &str) -> Result<String> {
    let mut bytes = token.as_bytes().to_vec();
    if bytes.is_empty() {
        return Ok(token.to_owned());
    }
    let at = u.choose_index(bytes.len())?;
    match u.int_in_range(0..=6u8)? {
        0 => bytes[at] ^= 1 << u.int_in_range(0..=6u8)?,
        1 => bytes[at] = *u.choose(b"AQgw_-.=+/ 0aZ")?,
        2 => {
            bytes.remove(at);
        }
        3 => bytes.insert(at, *u.choose(b"A_-.=")?),
        4 => bytes.truncate(at),
        5 => {
            let parts: Vec<&str> = token.split('.').collect();
            if parts.len() == 3 {
                bytes = format!("{}.{}.{}", parts[1], parts[0], parts[2]).into_bytes();
            }
        }
        _ => bytes.extend_from_slice(b".e30"),
    }
    Ok(String::from_utf8(bytes).expect("ASCII edits of ASCII text"))
}
