//! JSON values from the profile model's [`Shape`]s: values that fit a shape, values of every
//! other JSON type, strings of a given length, dates around [`BASE_NOW`].

use idjwt::profile::{Shape, ValueType};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::plan::BASE_NOW;

/// Ten years, in seconds.
pub const DECADE: i64 = 10 * 365 * 86_400;

/// A string of `min..=max` Unicode scalar values, any of them; long strings are rarer.
pub fn string_of(min: usize, max: Option<usize>) -> BoxedStrategy<String> {
    let short_max = max.unwrap_or(usize::MAX).min(min + 24);
    let short = proptest::collection::vec(any::<char>(), min..=short_max);
    let chars = match max {
        Some(max) if max > short_max => prop_oneof![
            4 => short,
            1 => proptest::collection::vec(any::<char>(), min..=max),
        ]
        .boxed(),
        _ => short.boxed(),
    };
    chars.prop_map(String::from_iter).boxed()
}

/// A NumericDate `offset` seconds from [`BASE_NOW`] (`lo..=hi`), integral or a quarter off.
pub fn date(lo: i64, hi: i64, integral: bool) -> BoxedStrategy<Value> {
    let whole = (lo..=hi).prop_map(|o| Value::from(BASE_NOW + o));
    if integral {
        return whole.boxed();
    }
    let quarter = (lo..hi, 1..4u8)
        .prop_map(|(o, q)| Value::from(BASE_NOW as f64 + o as f64 + f64::from(q) / 4.0));
    prop_oneof![3 => whole, 1 => quarter].boxed()
}

/// A valid value of a registered date claim: `exp` at least a minute ahead, `nbf` and `iat`
/// (and any other date) now or earlier.
pub fn valid_date(claim: &str, integral: bool) -> BoxedStrategy<Value> {
    match claim {
        "exp" => prop_oneof![date(60, 3_600, integral), date(3_600, DECADE, integral)].boxed(),
        _ => date(-DECADE, 0, integral),
    }
}

/// A JSON number that is not a date anyone would mistake for one: small integers and quarters.
fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::from),
        (any::<i16>(), 1..4u8).prop_map(|(i, q)| Value::from(f64::from(i) + f64::from(q) / 4.0)),
    ]
    .boxed()
}

/// The JSON types, for choosing one a shape does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

const ALL_TYPES: [JsonType; 6] = [
    JsonType::Null,
    JsonType::Boolean,
    JsonType::Number,
    JsonType::String,
    JsonType::Array,
    JsonType::Object,
];

/// A small value of one JSON type.
pub fn of_type(t: JsonType) -> BoxedStrategy<Value> {
    match t {
        JsonType::Null => Just(Value::Null).boxed(),
        JsonType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        JsonType::Number => number(),
        JsonType::String => string_of(0, Some(12)).prop_map(Value::String).boxed(),
        JsonType::Array => proptest::collection::vec(leaf(), 0..3)
            .prop_map(Value::Array)
            .boxed(),
        JsonType::Object => proptest::collection::btree_map("[a-z]{1,6}", leaf(), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
    }
}

/// A scalar: null, boolean, number or string.
pub fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        string_of(0, Some(12)).prop_map(Value::String),
    ]
    .boxed()
}

/// Any small JSON value.
pub fn any_json() -> BoxedStrategy<Value> {
    proptest::sample::select(ALL_TYPES.to_vec())
        .prop_flat_map(of_type)
        .boxed()
}

/// The JSON types a shape's `type` rule admits (`None`: every type).
pub fn admitted(kind: ValueType) -> Option<&'static [JsonType]> {
    Some(match kind {
        ValueType::Any => return None,
        ValueType::String | ValueType::JsonText => &[JsonType::String],
        ValueType::Boolean => &[JsonType::Boolean],
        ValueType::Number | ValueType::NumericDate => &[JsonType::Number],
        ValueType::Object => &[JsonType::Object],
        ValueType::Array => &[JsonType::Array],
    })
}

/// A value of a JSON type the shape does not admit, if it restricts the type at all.
pub fn wrong_type(kind: ValueType) -> Option<BoxedStrategy<Value>> {
    let admitted = admitted(kind)?;
    let others: Vec<JsonType> = ALL_TYPES
        .into_iter()
        .filter(|t| !admitted.contains(t))
        .collect();
    Some(
        proptest::sample::select(others)
            .prop_flat_map(of_type)
            .boxed(),
    )
}

/// A value that satisfies every rule of `shape`; `claim` names a top-level date claim.
pub fn fitting(shape: &Shape, claim: &str) -> BoxedStrategy<Value> {
    match shape.kind {
        ValueType::Any => any_json(),
        ValueType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        ValueType::Number => number(),
        ValueType::NumericDate => valid_date(claim, shape.integral),
        ValueType::String => fitting_string(shape).prop_map(Value::String).boxed(),
        ValueType::JsonText => {
            let inner = shape
                .json
                .as_deref()
                .map_or_else(any_json, |s| fitting(s, ""));
            inner.prop_map(|v| Value::String(v.to_string())).boxed()
        }
        ValueType::Array => {
            let item = shape
                .items
                .as_deref()
                .map_or_else(any_json, |s| fitting(s, ""));
            proptest::collection::vec(item, 0..3)
                .prop_map(Value::Array)
                .boxed()
        }
        ValueType::Object => fitting_object(shape, Map::new()),
    }
}

/// A string that satisfies a string shape: one of its values, or any string of its length.
pub fn fitting_string(shape: &Shape) -> BoxedStrategy<String> {
    match &shape.values {
        Some(values) => proptest::sample::select(values.clone()).boxed(),
        None => string_of(shape.min_chars.unwrap_or(0), shape.max_chars),
    }
}

/// Names for members beyond the named ones: never one of them.
pub fn extra_name(shape: &Shape) -> BoxedStrategy<String> {
    let named: Vec<String> = shape.members.iter().map(|m| m.name.clone()).collect();
    "[a-z][a-z0-9_]{0,7}"
        .prop_filter("not a named member", move |n| !named.contains(n))
        .boxed()
}

/// An object that satisfies `shape`, starting from `fixed` members (kept as given).
pub fn fitting_object(shape: &Shape, fixed: Map<String, Value>) -> BoxedStrategy<Value> {
    let mut parts: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for m in &shape.members {
        if fixed.contains_key(&m.name) {
            continue;
        }
        let name = m.name.clone();
        let value = fitting(&m.shape, "").prop_map(move |v| (name.clone(), v));
        parts.push(if m.required {
            value.prop_map(Some).boxed()
        } else {
            proptest::option::of(value).boxed()
        });
    }
    let min = shape.min_members.unwrap_or(0);
    let extras = match &shape.other_members {
        Some(other) => {
            let pair = (extra_name(shape), fitting(other, ""));
            proptest::collection::vec(pair, min..min + 3).boxed()
        }
        None => Just(Vec::new()).boxed(),
    };
    (parts, extras)
        .prop_map(move |(named, extras)| {
            let mut object = fixed.clone();
            for (k, v) in named.into_iter().flatten().chain(extras) {
                object.entry(k).or_insert(v);
            }
            Value::Object(object)
        })
        .prop_filter("enough members", move |v| {
            v.as_object().is_some_and(|o| o.len() >= min)
        })
        .boxed()
}
