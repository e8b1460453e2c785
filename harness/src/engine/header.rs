//! Layer 3: the JOSE header (policy.md §3): the `alg` allow-list, refused extensions, and `kid`
//! key selection from a configured key set.
//!
//! Header members that point at keys (`jwk`, `jku`, `x5u`, `x5c`, `x5t`) are deliberately never
//! read: a key the token brings with it proves nothing.

use serde_json::{Map, Value};

use super::keys::{Key, KeyOp, KeySet};
use super::Alg;
use crate::verdict::{describe_json, Reason};

/// Checks `alg` against `allowed` (case-sensitively) and refuses `crit`, `b64`, `zip`, `cty: JWT`,
/// and `typ`, `cty` or `kid` that are not strings. Returns the algorithm to verify with.
pub fn check(header: &Map<String, Value>, allowed: &[Alg]) -> Result<Alg, Reason> {
    let alg = match header.get("alg") {
        None => return Err(Reason::AlgMissing),
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(Reason::HeaderMemberType {
                member: "alg".into(),
                expected: "a string".into(),
                found: describe_json(other),
            })
        }
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(Reason::AlgNone { alg: alg.clone() });
    }
    let alg = match Alg::from_name(alg).filter(|a| allowed.contains(a)) {
        Some(a) => a,
        None => {
            return Err(Reason::AlgNotAllowed {
                alg: alg.clone(),
                allowed: allowed.iter().map(|a| a.as_str().to_owned()).collect(),
            })
        }
    };
    if header.contains_key("crit") {
        return Err(Reason::CritPresent);
    }
    if header.contains_key("b64") {
        return Err(Reason::B64Present);
    }
    if header.contains_key("zip") {
        return Err(Reason::ZipPresent);
    }
    // RFC 7515 §4.1.9 and §4.1.10: `typ` and `cty` are media type strings. One of another type
    // is a header no reader understands the same way (a typed library refuses it, an untyped
    // one ignores it), so it is refused like a non-string `kid`.
    for member in ["typ", "cty"] {
        match header.get(member) {
            None | Some(Value::String(_)) => {}
            Some(other) => {
                return Err(Reason::HeaderMemberType {
                    member: member.into(),
                    expected: "a string".into(),
                    found: describe_json(other),
                })
            }
        }
    }
    // RFC 7515 §4.1.10: media type values compare case-insensitively.
    if let Some(Value::String(cty)) = header.get("cty") {
        if cty.eq_ignore_ascii_case("JWT") {
            return Err(Reason::NestedJwt);
        }
    }
    kid(header)?;
    Ok(alg)
}

/// The header's `kid`, which must be a string when present.
pub fn kid(header: &Map<String, Value>) -> Result<Option<&str>, Reason> {
    match header.get("kid") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Reason::HeaderMemberType {
            member: "kid".into(),
            expected: "a string".into(),
            found: describe_json(other),
        }),
    }
}

/// The keys to try for a token: the one its `kid` names, or every key of the algorithm's family.
pub fn select_keys<'k>(
    header: &Map<String, Value>,
    alg: Alg,
    keys: &'k KeySet,
) -> Result<Vec<&'k Key>, Reason> {
    if let Some(kid) = kid(header)? {
        let key = keys
            .by_kid(kid)
            .ok_or_else(|| Reason::UnknownKid { kid: shorten(kid) })?;
        if !key.fits(alg) {
            return Err(Reason::KeyFamilyMismatch {
                alg: alg.as_str().into(),
                key: key.family().to_string(),
            });
        }
        if let Some(why) = key.forbids(KeyOp::Verify, alg) {
            return Err(Reason::KeyNotPermitted {
                alg: alg.as_str().into(),
                why,
            });
        }
        return Ok(vec![key]);
    }
    let fitting: Vec<&Key> = keys.for_alg(alg).collect();
    let mut refusal = None;
    let permitted: Vec<&Key> = fitting
        .iter()
        .copied()
        .filter(|k| match k.forbids(KeyOp::Verify, alg) {
            Some(why) => {
                refusal.get_or_insert(why);
                false
            }
            None => true,
        })
        .collect();
    if let (Some(why), true) = (refusal, permitted.is_empty()) {
        return Err(Reason::KeyNotPermitted {
            alg: alg.as_str().into(),
            why,
        });
    }
    if fitting.is_empty() {
        return Err(match keys.keys().first() {
            Some(other) => Reason::KeyFamilyMismatch {
                alg: alg.as_str().into(),
                key: other.family().to_string(),
            },
            None => Reason::NoKey {
                alg: alg.as_str().into(),
            },
        });
    }
    Ok(permitted)
}

/// Attacker-chosen text (a 10 kB `kid`, a claim's value) cut to 80 characters and an ellipsis, so
/// that messages stay readable.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn header(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn code(v: Value, allowed: &[Alg]) -> String {
        match check(&header(v), allowed) {
            Ok(a) => a.as_str().to_owned(),
            Err(e) => e.code().to_owned(),
        }
    }

    #[test]
    fn alg_allow_list_is_case_sensitive() {
        let hs = [Alg::HS256];
        assert_eq!(code(json!({"alg":"HS256"}), &hs), "HS256");
        assert_eq!(code(json!({"alg":"hs256"}), &hs), "alg_not_allowed");
        assert_eq!(code(json!({"alg":"ES256"}), &hs), "alg_not_allowed");
        assert_eq!(
            code(json!({"alg":"HS256"}), &[Alg::ES256]),
            "alg_not_allowed"
        );
        for other in [
            "HS384", "HS512", "RS256", "PS256", "ES384", "ES512", "EdDSA", "",
        ] {
            assert_eq!(code(json!({ "alg": other }), &hs), "alg_not_allowed");
        }
    }

    #[test]
    fn alg_none_in_every_spelling() {
        for none in ["none", "None", "NONE", "nOnE"] {
            assert_eq!(code(json!({ "alg": none }), &[Alg::HS256]), "alg_none");
        }
    }

    #[test]
    fn alg_missing_or_mistyped() {
        assert_eq!(code(json!({}), &[Alg::HS256]), "alg_missing");
        for v in [
            json!(null),
            json!(256),
            json!(["HS256"]),
            json!({"a":1}),
            json!(true),
        ] {
            assert_eq!(
                code(json!({ "alg": v }), &[Alg::HS256]),
                "header_member_type"
            );
        }
    }

    #[test]
    fn refused_extensions() {
        let hs = [Alg::HS256];
        assert_eq!(code(json!({"alg":"HS256","crit":[]}), &hs), "crit_present");
        assert_eq!(
            code(json!({"alg":"HS256","crit":["exp"]}), &hs),
            "crit_present"
        );
        assert_eq!(
            code(json!({"alg":"HS256","crit":"b64"}), &hs),
            "crit_present"
        );
        assert_eq!(code(json!({"alg":"HS256","b64":false}), &hs), "b64_present");
        assert_eq!(code(json!({"alg":"HS256","b64":true}), &hs), "b64_present");
        assert_eq!(code(json!({"alg":"HS256","zip":"DEF"}), &hs), "zip_present");
        assert_eq!(code(json!({"alg":"HS256","cty":"JWT"}), &hs), "nested_jwt");
        assert_eq!(code(json!({"alg":"HS256","cty":"jwt"}), &hs), "nested_jwt");
        assert_eq!(code(json!({"alg":"HS256","cty":"json"}), &hs), "HS256");
        assert_eq!(
            code(json!({"alg":"HS256","kid":7}), &hs),
            "header_member_type"
        );
        // Key-bearing members are ignored here, never trusted.
        assert_eq!(
            code(
                json!({"alg":"HS256","jku":"https://attacker.invalid/k","x5c":["AA"]}),
                &hs
            ),
            "HS256"
        );
    }

    fn keyset() -> KeySet {
        KeySet::new(vec![
            Key::test_hmac("hs-a"),
            Key::test_hmac("hs-b"),
            Key::test_ec("ec-a"),
        ])
    }

    #[test]
    fn kid_selects_exactly_one_key() {
        let ks = keyset();
        let h = header(json!({"alg":"HS256","kid":"hs-b"}));
        let keys = select_keys(&h, Alg::HS256, &ks).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("hs-b"));
    }

    #[test]
    fn unknown_kid_rejected_and_shortened() {
        let ks = keyset();
        let long = "../".repeat(4000);
        let h = header(json!({"alg":"HS256","kid":long}));
        let err = select_keys(&h, Alg::HS256, &ks).unwrap_err();
        assert_eq!(err.code(), "unknown_kid");
        assert!(err.to_string().len() < 300);
    }

    #[test]
    fn kid_naming_a_key_of_the_other_family() {
        let ks = keyset();
        let h = header(json!({"alg":"HS256","kid":"ec-a"}));
        assert_eq!(
            select_keys(&h, Alg::HS256, &ks).unwrap_err().code(),
            "key_family_mismatch"
        );
    }

    #[test]
    fn no_kid_tries_every_key_of_the_family() {
        let ks = keyset();
        let h = header(json!({"alg":"HS256"}));
        assert_eq!(select_keys(&h, Alg::HS256, &ks).unwrap().len(), 2);
        let h = header(json!({"alg":"ES256"}));
        assert_eq!(select_keys(&h, Alg::ES256, &ks).unwrap().len(), 1);
        let only_ec = KeySet::new(vec![Key::test_ec("e")]);
        let h = header(json!({"alg":"HS256"}));
        assert_eq!(
            select_keys(&h, Alg::HS256, &only_ec).unwrap_err().code(),
            "key_family_mismatch"
        );
        assert_eq!(
            select_keys(&h, Alg::HS256, &KeySet::default())
                .unwrap_err()
                .code(),
            "no_key"
        );
    }

    #[test]
    fn a_key_whose_jwk_forbids_the_algorithm_is_never_chosen() {
        let jwk = |label: &str, edit: &dyn Fn(&mut crate::contract::Jwk)| {
            let mut j = Key::test_rsa(label).public_jwk();
            edit(&mut j);
            j
        };
        let rs512 = jwk("a", &|j| j.alg = Some("RS512".into()));
        let enc = jwk("b", &|j| j.use_ = Some("enc".into()));
        let plain = jwk("c", &|_| {});
        let set = |jwks: &[crate::contract::Jwk]| KeySet::from_jwks_list(jwks).unwrap();
        let with_kid = |kid: &str| header(json!({"alg":"RS256","kid":kid}));
        let both = set(&[rs512.clone(), enc.clone(), plain]);
        for kid in ["a", "b"] {
            let e = select_keys(&with_kid(kid), Alg::RS256, &both).unwrap_err();
            assert_eq!(e.code(), "key_not_permitted", "{kid}");
        }
        assert_eq!(
            select_keys(&with_kid("a"), Alg::RS512, &both)
                .unwrap()
                .len(),
            1
        );
        // Without a kid, only the permitted key is tried; with none permitted, the refusal says
        // why.
        let tried = select_keys(&header(json!({"alg":"RS256"})), Alg::RS256, &both).unwrap();
        assert_eq!(
            tried.iter().map(|k| k.kid.as_deref()).collect::<Vec<_>>(),
            [Some("c")]
        );
        let none = set(&[rs512, enc]);
        let e = select_keys(&header(json!({"alg":"RS256"})), Alg::RS256, &none).unwrap_err();
        assert_eq!(e.code(), "key_not_permitted");
        assert!(e.to_string().contains("\"RS512\""), "{e}");
    }
}
