//! Property 6: the same header and claims written another way (member order, whitespace,
//! string escapes) never turn a rejection into an acceptance, or one identity into another.
//! For the reference the spelling changes nothing at all: same verdict, same reason code.
//!
//! The other spelling is driven by a tape of bytes: each choice (whitespace at a slot, the
//! position of a member, how a character is written) takes the next byte, and an exhausted
//! tape means "as serde_json writes it", so shrinking the tape shrinks the difference.

use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::broken::any_broken;
use crate::divergences;
use crate::plan::{sign_texts, Plan};
use crate::support::{config, context, judge, reference, subjects, wall_clock};
use crate::valid::any_valid;

struct Tape<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Tape<'_> {
    fn next(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn ws(&mut self, out: &mut String) {
        out.push_str(match self.next() % 8 {
            5 => " ",
            6 => "\n\t",
            7 => "\r\n  ",
            _ => "",
        });
    }
}

/// `value` as JSON text, spelled as the tape says.
fn write(value: &Value, tape: &mut Tape<'_>, out: &mut String) {
    match value {
        Value::Object(members) => write_object(members, tape, out),
        Value::Array(items) => {
            out.push('[');
            list(items, tape, out, write);
            out.push(']');
        }
        Value::String(s) => write_string(s, tape, out),
        other => out.push_str(&other.to_string()),
    }
}

/// `items` separated by commas, each written by `one` between whitespace the tape chooses.
fn list<T>(
    items: impl IntoIterator<Item = T>,
    tape: &mut Tape<'_>,
    out: &mut String,
    mut one: impl FnMut(T, &mut Tape<'_>, &mut String),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        tape.ws(out);
        one(item, tape, out);
        tape.ws(out);
    }
}

fn write_object(members: &Map<String, Value>, tape: &mut Tape<'_>, out: &mut String) {
    let mut order: Vec<(&String, &Value)> = members.iter().collect();
    for i in 0..order.len() {
        let j = i + usize::from(tape.next()) % (order.len() - i);
        order.swap(i, j);
    }
    out.push('{');
    list(order, tape, out, |(name, value), tape, out| {
        write_string(name, tape, out);
        tape.ws(out);
        out.push(':');
        tape.ws(out);
        write(value, tape, out);
    });
    out.push('}');
}

fn write_string(s: &str, tape: &mut Tape<'_>, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            _ => None,
        };
        let must_escape = matches!(c, '"' | '\\') || c < ' ';
        match (tape.next() % 4, short) {
            (2, _) => push_unicode_escape(c, out),
            (3, Some(esc)) => out.push_str(esc),
            (_, Some(esc)) if must_escape => out.push_str(esc),
            _ if must_escape => push_unicode_escape(c, out),
            _ => out.push(c),
        }
    }
    out.push('"');
}

fn push_unicode_escape(c: char, out: &mut String) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&format!("\\u{unit:04x}"));
    }
}

fn plans() -> impl Strategy<Value = Plan> {
    prop_oneof![
        any_valid().prop_map(|v| v.plan),
        any_broken().prop_map(|b| b.plan),
    ]
}

fn tape() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..160)
}

proptest! {
    #![proptest_config(config(regressions!("reserialise")))]

    #[test]
    fn another_spelling_never_accepts_someone_else(
        plan in plans(),
        header_tape in tape(),
        claims_tape in tape(),
    ) {
        let profile = plan.profile;
        let now = wall_clock();
        let ctx = context(now, 0, plan.claimed_user_id.clone());
        let keys = plan.configured_keys();
        let header = Value::Object(plan.full_header());
        let claims = Value::Object(plan.claims_at(now));
        let key = plan.key();
        let plain = sign_texts(plan.alg, &key, &header.to_string(), &claims.to_string());
        let (mut h, mut c) = (String::new(), String::new());
        write(&header, &mut Tape { bytes: &header_tape, pos: 0 }, &mut h);
        write(&claims, &mut Tape { bytes: &claims_tape, pos: 0 }, &mut c);
        // The other spelling must be the same JSON.
        prop_assert_eq!(serde_json::from_str::<Value>(&h).ok(), Some(header));
        prop_assert_eq!(serde_json::from_str::<Value>(&c).ok(), Some(claims));
        let respelled = sign_texts(plan.alg, &key, &h, &c);

        for s in subjects() {
            if divergences::valid(s.name(), &plan).is_some() {
                continue;
            }
            let before = judge(s, profile, &ctx, &plain, &keys)?;
            let after = judge(s, profile, &ctx, &respelled, &keys)?;
            if let Some(who) = after.verdict.identity() {
                prop_assert_eq!(
                    before.verdict.identity(), Some(who),
                    "{} accepts {} {} but not the same as {:?}", s.name(), h, c, before.verdict
                );
            }
            if std::ptr::eq(s, reference()) {
                prop_assert_eq!(
                    (before.verdict.kind(), before.code()),
                    (after.verdict.kind(), after.code()),
                    "the reference on {} {}", h, c
                );
            }
        }
    }
}
