//! Targets on single layers of the reference engine, fed raw bytes.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::engine::{compact, json, Limits};
use crate::verdict::{Part, Reason};

/// Layer 1 on raw bytes. A token that splits and decodes re-encodes to exactly the same text
/// (base64url is canonical: one text per byte string); one that does not is refused with a
/// reason that has a stable code.
pub fn parse_compact(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    match compact::split(token, Limits::default().max_token_bytes) {
        Ok(c) => {
            let mut again = String::with_capacity(token.len());
            compact::encode_into(&c.header, &mut again);
            again.push('.');
            compact::encode_into(&c.payload, &mut again);
            assert_eq!(again, c.signing_input, "the signing input is not canonical");
            again.push('.');
            compact::encode_into(&c.signature, &mut again);
            assert_eq!(again, token, "a decoded token does not re-encode to itself");
        }
        Err(reason) => assert_known_code(&reason),
    }
}

/// The strict JSON layer (policy.md §2) on raw bytes. The single-pass reader answers exactly as
/// the two-pass oracle does (the same members in the same order with the same numbers, or the
/// same refusal); what it accepts has no duplicate member at any depth (checked by an
/// independent serde visitor), means the same to serde_json, and survives a round trip through
/// serialisation.
pub fn claims_json(data: &[u8]) {
    let depth = Limits::default().max_json_depth;
    let parsed = json::read_against_oracle(data, Part::Payload, depth)
        .unwrap_or_else(|difference| panic!("the two readers disagree on {difference}"));
    let duplicates = serde_json::from_slice::<NoDuplicates>(data);
    match parsed {
        Ok(map) => {
            assert!(
                duplicates.is_ok(),
                "accepted JSON that an independent reader refuses: {:?}",
                duplicates.err()
            );
            let value: Value = serde_json::from_slice(data).expect("serde_json reads it");
            assert_eq!(value, Value::Object(map.clone()), "read two ways");
            let text = serde_json::to_vec(&map).expect("serialises");
            let again = json::parse_object(&text, Part::Payload, depth)
                .expect("its own serialisation is accepted");
            assert_eq!(again, map, "the round trip changed the claims");
        }
        Err(reason) => {
            assert_known_code(&reason);
            // A duplicate is what the scanner must name when nothing else is wrong: in text
            // that is also invalid, either error may be found first, and nesting past the
            // limit is refused as soon as the scanner gets there.
            if let Err(e) = &duplicates {
                // (`Value`, not `IgnoredAny`: serde_json skips UTF-8 checks in strings it ignores.)
                let otherwise_valid = serde_json::from_slice::<Value>(data).is_ok();
                if e.to_string().starts_with(DUPLICATE)
                    && otherwise_valid
                    && reason.code() != "json_too_deep"
                {
                    assert_eq!(reason.code(), "duplicate_member", "{e}");
                }
            }
        }
    }
}

pub(crate) fn assert_known_code(reason: &Reason) {
    assert!(
        Reason::CODES.contains(&reason.code()),
        "a reason without a stable code: {reason:?}"
    );
}

const DUPLICATE: &str = "duplicate member";

/// Any JSON value, refusing an object with two members of the same name (after unescaping),
/// at any depth. Written against serde's visitor API, independently of the engine's scanner.
struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicatesVisitor)
    }
}

struct NoDuplicatesVisitor;

impl<'de> Visitor<'de> for NoDuplicatesVisitor {
    type Value = NoDuplicates;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_i64<E>(self, _: i64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_u64<E>(self, _: u64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_f64<E>(self, _: f64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_str<E>(self, _: &str) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_unit<E>(self) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NoDuplicates, A::Error> {
        while seq.next_element::<NoDuplicates>()?.is_some() {}
        Ok(NoDuplicates)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NoDuplicates, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if !seen.insert(name.clone()) {
                return Err(serde::de::Error::custom(format!("{DUPLICATE} {name:?}")));
            }
            map.next_value::<NoDuplicates>()?;
        }
        Ok(NoDuplicates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_independent_reader_finds_duplicates_at_any_depth() {
        let ok = |t: &str| serde_json::from_str::<NoDuplicates>(t).is_ok();
        assert!(ok(r#"{"a":1,"b":{"a":2}}"#));
        assert!(!ok(r#"{"a":1,"a":2}"#));
        assert!(!ok(r#"{"x":[{"a":1,"\u0061":2}]}"#));
    }

    #[test]
    fn layer_targets_hold_on_typical_inputs() {
        parse_compact(b"eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        parse_compact(b"a.b");
        parse_compact(b"eyJ=.e30.c2ln");
        claims_json(br#"{"sub":"user-1","exp":1}"#);
        claims_json(br#"{"sub":"a","sub":"b"}"#);
        claims_json(br#"{"exp":1,"exp":1.7e}"#);
        claims_json(b"{\"alg\":\"HS256\",\"alg\":\"no\x90\x8d\"}");
        claims_json(br#"{"exp":1000000005736967357431662590}"#);
        claims_json(b"[1,2]");
        claims_json(b"\xff");
    }
}
