//! The single-pass reader: one walk over the bytes that enforces what the strict scan enforces
//! and builds serde_json's values as it goes.
//!
//! It must answer exactly as the two-pass reader does (scan, then `serde_json::from_slice`),
//! refusals included, so it moves the scan's own cursor ([`Scanner`]) and lets it word every
//! refusal. Two answers of the two-pass reader come only after the whole text has scanned
//! cleanly, and are held back here until then: a top level that is not an object, and a number
//! out of `f64` range (serde_json's first one, at the position serde_json gives).

use serde_json::{Map, Number, Value};

use crate::verdict::{Part, Reason};

use super::from_serde;
use super::path::{push_index, push_name};
use super::scan::{Kind, Next, Scanner};

/// One open container and what has been read of it.
enum Open {
    Object {
        members: Map<String, Value>,
        /// The name of the member whose value is being read.
        name: String,
    },
    Array(Vec<Value>),
}

impl Open {
    fn into_value(self) -> Value {
        match self {
            Open::Object { members, .. } => Value::Object(members),
            Open::Array(items) => Value::Array(items),
        }
    }
}

/// Up to this many members, a new name is compared with each one: cheaper than hashing it for
/// the short objects of a token. Longer objects use the map's index, so that an object of many
/// members costs linear time.
const FEW_MEMBERS: usize = 16;

/// Reads `bytes` as one JSON text whose top level must be an object, nesting at most `limit`
/// containers deep.
pub(super) fn object(bytes: &[u8], part: Part, limit: usize) -> Result<Map<String, Value>, Reason> {
    let mut s = Scanner::new(bytes, part)?;
    s.skip_ws();
    let top = Kind::starting_with(s.peek());
    let mut out_of_range = None;
    let value = whole_text(&mut s, limit, &mut out_of_range)?;
    match (value, out_of_range) {
        (Value::Object(members), None) => Ok(members),
        (_, Some(reason)) if top == Kind::Object => Err(reason),
        _ => Err(Reason::NotAnObject {
            part,
            found: top.describe().to_owned(),
        }),
    }
}

/// Reads the whole text as one value. A number serde_json would refuse is recorded in
/// `out_of_range` (the first one only) and read as `null`, so that reading goes on and a later
/// refusal of the scan takes precedence, as it does in the two-pass reader.
fn whole_text(
    s: &mut Scanner<'_>,
    limit: usize,
    out_of_range: &mut Option<Reason>,
) -> Result<Value, Reason> {
    let mut stack: Vec<Open> = Vec::new();
    'value: loop {
        s.skip_ws();
        let mut value = match s.peek() {
            Some(b'{') => {
                s.enter(stack.len(), limit)?;
                s.skip_ws();
                if s.peek() == Some(b'}') {
                    s.pos += 1;
                    Value::Object(Map::new())
                } else {
                    stack.push(Open::Object {
                        members: Map::new(),
                        name: String::new(),
                    });
                    member_name(s, &mut stack)?;
                    continue 'value;
                }
            }
            Some(b'[') => {
                s.enter(stack.len(), limit)?;
                s.skip_ws();
                if s.peek() == Some(b']') {
                    s.pos += 1;
                    Value::Array(Vec::new())
                } else {
                    stack.push(Open::Array(Vec::new()));
                    continue 'value;
                }
            }
            Some(b'"') => Value::String(string(s)?),
            Some(b'-' | b'0'..=b'9') => number(s, limit, out_of_range)?,
            Some(b't') => {
                s.literal(b"true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                s.literal(b"false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                s.literal(b"null")?;
                Value::Null
            }
            _ => return Err(s.unexpected_value()),
        };
        // A value is complete: it joins its container, and every container the input closes
        // here becomes a complete value in turn. The container is popped while it takes the
        // value so that closing it needs no second look at the stack; it goes back when the
        // input continues it.
        loop {
            let Some(mut open) = stack.pop() else {
                s.end()?;
                return Ok(value);
            };
            let in_object = match &mut open {
                Open::Object { members, name } => {
                    members.insert(std::mem::take(name), value);
                    true
                }
                Open::Array(items) => {
                    items.push(value);
                    false
                }
            };
            match s.after_value(in_object)? {
                Next::Another => {
                    stack.push(open);
                    if in_object {
                        member_name(s, &mut stack)?;
                    }
                    continue 'value;
                }
                Next::Close => value = open.into_value(),
            }
        }
    }
}

/// Reads `"name" :` for the object on top of `stack`, refusing a name the object already has
/// before anything after the name is looked at (where the scan refuses it too).
fn member_name(s: &mut Scanner<'_>, stack: &mut [Open]) -> Result<(), Reason> {
    s.expect_name()?;
    let new_name = string(s)?;
    if let Some((Open::Object { members, name }, outer)) = stack.split_last_mut() {
        let taken = if members.len() <= FEW_MEMBERS {
            members.keys().any(|k| *k == new_name)
        } else {
            members.contains_key(&new_name)
        };
        if taken {
            return Err(Reason::DuplicateMember {
                part: s.part,
                name: new_name,
                path: path_of(outer),
            });
        }
        *name = new_name;
    }
    s.colon()
}

/// Reads the string whose opening quote is at the current position.
fn string(s: &mut Scanner<'_>) -> Result<String, Reason> {
    let open = s.pos;
    let start = open + 1;
    let rest = s.bytes.get(start..).unwrap_or_default();
    let plain = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(rest.len());
    let end = start + plain;
    // `end` is at an ASCII byte or the end of the text, so the slice keeps whole characters.
    let head = s.text.get(start..end).unwrap_or_default();
    if s.bytes.get(end) == Some(&b'"') {
        s.pos = end + 1;
        return Ok(String::from(head));
    }
    // An escape, a control character or the end of the input: the scan decodes the rest, or
    // words the refusal.
    let mut decoded = String::with_capacity(head.len() + 16);
    decoded.push_str(head);
    s.pos = end;
    s.string_rest(open, Some(&mut decoded))?;
    Ok(decoded)
}

/// Reads the number at the current position as serde_json stores it.
fn number(
    s: &mut Scanner<'_>,
    limit: usize,
    out_of_range: &mut Option<Reason>,
) -> Result<Value, Reason> {
    let start = s.pos;
    s.number()?;
    let literal = s.text.get(start..s.pos).unwrap_or_default();
    if let Some(n) = small_integer(literal) {
        return Ok(Value::Number(n));
    }
    // Fractions, exponents and long integers: serde_json's own parser, on the number alone,
    // gives the same value (and the same refusal) as on the whole text, since reading a number
    // looks at nothing past its last digit.
    match serde_json::from_str::<Number>(literal) {
        Ok(n) => Ok(Value::Number(n)),
        Err(e) => {
            if out_of_range.is_none() {
                *out_of_range = Some(shift(
                    from_serde(literal.as_bytes(), s.part, limit, &e),
                    start,
                ));
            }
            Ok(Value::Null)
        }
    }
}

/// An integer of at most 19 digits (so that it fits a `u64`), stored as serde_json stores it:
/// `u64` when not negative, `i64` when negative, except that `-0` and negatives below
/// `i64::MIN` become floats. `None` for any other number.
fn small_integer(literal: &str) -> Option<Number> {
    let (negative, digits) = match literal.as_bytes() {
        [b'-', digits @ ..] => (true, digits),
        digits => (false, digits),
    };
    if digits.len() > 19 {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude * 10 + u64::from(d - b'0');
    }
    if !negative {
        return Some(Number::from(magnitude));
    }
    // serde_json's rule, written its way: negate in i64 and keep the result if it is negative.
    let negated = (magnitude as i64).wrapping_neg();
    if negated < 0 {
        Some(Number::from(negated))
    } else {
        Number::from_f64(-(magnitude as f64))
    }
}

/// A refusal found on the number alone, moved to the number's place (`start`) in the whole text.
///
/// serde_json names the byte it stopped at by line and column, and [`from_serde`] turns that
/// into the offset of the byte before. On the number alone the column is the byte's index in
/// the number; in the whole text the same byte is `start` bytes further, on the same line as
/// the number's first digit (which precedes it), so its offset is `start` more too.
fn shift(reason: Reason, start: usize) -> Reason {
    match reason {
        Reason::InvalidJson {
            part,
            offset,
            problem,
        } => Reason::InvalidJson {
            part,
            offset: start + offset,
            problem,
        },
        other => other,
    }
}

/// The JSONPath-like location of the container on top of `outer`.
fn path_of(outer: &[Open]) -> String {
    let mut path = String::from("$");
    for open in outer {
        match open {
            Open::Array(items) => push_index(&mut path, items.len()),
            Open::Object { name, .. } => push_name(&mut path, name),
        }
    }
    path
}
