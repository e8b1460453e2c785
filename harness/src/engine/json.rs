//! Strict JSON for the header and the claims set (policy.md §2).
//!
//! serde_json alone is too lenient for a security boundary: it keeps the last of two members with
//! the same name, so two parsers can read the same bytes two ways (the first `alg` for one, the
//! last for the other). It also recurses, so nesting depth must be bounded before it runs. This
//! layer therefore runs an iterative strict RFC 8259 scan first (grammar, UTF-8, no byte-order
//! mark, duplicate names at any depth compared after unescaping, lone surrogates, depth) and only
//! then lets serde_json build the values.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::verdict::{Part, Reason};

/// The deepest nesting serde_json builds: its recursion budget is 128 and it refuses when the
/// budget reaches zero, so 128 levels already fail.
const SERDE_JSON_MAX_DEPTH: usize = 127;

/// Strictly validates `bytes` as one RFC 8259 JSON text, then parses it; the top level must be an object.
///
/// The depth limit is capped at the deepest nesting serde_json can build, so a caller asking for
/// more gets a clean [`Reason::JsonTooDeep`] that names the limit really applied.
pub fn parse_object(
    bytes: &[u8],
    part: Part,
    max_depth: usize,
) -> Result<Map<String, Value>, Reason> {
    let limit = max_depth.min(SERDE_JSON_MAX_DEPTH);
    let kind = scan(bytes, part, limit)?;
    if kind != Kind::Object {
        return Err(Reason::NotAnObject {
            part,
            found: kind.describe().to_owned(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| from_serde(bytes, part, limit, &e))
}

/// The strict scan alone (grammar, UTF-8, duplicates at any depth, depth, lone surrogates), without building values.
///
/// Any top-level value is accepted here; only [`parse_object`] insists on an object. Numbers are
/// checked against the grammar, not against what an `f64` can hold.
pub fn validate(bytes: &[u8], part: Part, max_depth: usize) -> Result<(), Reason> {
    scan(bytes, part, max_depth).map(|_| ())
}

/// The type of the top-level value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Boolean => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// One open container. The explicit stack replaces recursion so that hostile nesting costs heap,
/// bounded by `max_depth`, never the thread's stack.
enum Frame<'a> {
    Object(ObjectFrame<'a>),
    Array { index: usize },
}

struct ObjectFrame<'a> {
    /// Decoded names of the members before `current`.
    seen: Seen<'a>,
    /// The member whose value is being scanned: kept apart from `seen` so that the path of a
    /// nested duplicate can name it without cloning every name.
    current: Option<Cow<'a, str>>,
}

/// Member names seen so far in one object. Names without escapes borrow the input, so the
/// common object costs one small vector; past [`Seen::FEW`] names a hash set keeps long objects
/// linear.
enum Seen<'a> {
    Few(Vec<Cow<'a, str>>),
    Many(HashSet<Cow<'a, str>>),
}

impl<'a> Seen<'a> {
    /// Up to this many names are compared one by one.
    const FEW: usize = 16;

    fn contains(&self, name: &str) -> bool {
        match self {
            Seen::Few(names) => names.iter().any(|n| n == name),
            Seen::Many(names) => names.contains(name),
        }
    }

    fn insert(&mut self, name: Cow<'a, str>) {
        match self {
            Seen::Few(names) if names.len() < Self::FEW => names.push(name),
            Seen::Few(names) => {
                let mut set: HashSet<Cow<'a, str>> = names.drain(..).collect();
                set.insert(name);
                *self = Seen::Many(set);
            }
            Seen::Many(names) => {
                names.insert(name);
            }
        }
    }
}

fn scan(bytes: &[u8], part: Part, max_depth: usize) -> Result<Kind, Reason> {
    let text = preflight(bytes, part)?;
    let mut s = Scanner {
        bytes,
        text,
        pos: 0,
        part,
    };
    s.skip_ws();
    let top = match s.peek() {
        Some(b'{') => Kind::Object,
        Some(b'[') => Kind::Array,
        Some(b'"') => Kind::String,
        Some(b't' | b'f') => Kind::Boolean,
        Some(b'n') => Kind::Null,
        _ => Kind::Number,
    };
    let mut stack: Vec<Frame<'_>> = Vec::new();
    'value: loop {
        s.skip_ws();
        match s.peek() {
            Some(b'{') => {
                s.open(&mut stack, max_depth, true)?;
                s.skip_ws();
                if s.peek() == Some(b'}') {
                    stack.pop();
                    s.pos += 1;
                } else {
                    s.member_name(&mut stack)?;
                    continue 'value;
                }
            }
            Some(b'[') => {
                s.open(&mut stack, max_depth, false)?;
                s.skip_ws();
                if s.peek() == Some(b']') {
                    stack.pop();
                    s.pos += 1;
                } else {
                    continue 'value;
                }
            }
            Some(b'"') => s.string(None)?,
            Some(b'-' | b'0'..=b'9') => s.number()?,
            Some(b't') => s.literal(b"true")?,
            Some(b'f') => s.literal(b"false")?,
            Some(b'n') => s.literal(b"null")?,
            _ => return Err(s.unexpected_value()),
        }
        // A value has ended: close every container the input closes here, then either start
        // the next value or finish.
        loop {
            s.skip_ws();
            let is_object = match stack.last() {
                None => {
                    return if s.pos == bytes.len() {
                        Ok(top)
                    } else if s.peek() == Some(b'/') {
                        Err(s.invalid(s.pos, "comments are not allowed"))
                    } else {
                        Err(s.invalid(s.pos, "trailing bytes after the JSON value"))
                    };
                }
                Some(Frame::Object(_)) => true,
                Some(Frame::Array { .. }) => false,
            };
            let close = if is_object { b'}' } else { b']' };
            match s.peek() {
                Some(b',') => {
                    let comma = s.pos;
                    s.pos += 1;
                    s.skip_ws();
                    if s.peek() == Some(close) {
                        return Err(s.invalid(comma, "trailing comma"));
                    }
                    if is_object {
                        s.member_name(&mut stack)?;
                    } else if let Some(Frame::Array { index }) = stack.last_mut() {
                        *index += 1;
                    }
                    continue 'value;
                }
                Some(b) if b == close => {
                    stack.pop();
                    s.pos += 1;
                }
                _ => {
                    return Err(s.unexpected(if is_object {
                        "',' or '}'"
                    } else {
                        "',' or ']'"
                    }))
                }
            }
        }
    }
}

/// Checks that apply to the text as a whole, before any token: encoding and emptiness.
fn preflight(bytes: &[u8], part: Part) -> Result<&str, Reason> {
    let invalid = |offset: usize, problem: &str| Reason::InvalidJson {
        part,
        offset,
        problem: problem.to_owned(),
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(invalid(0, "a byte-order mark (EF BB BF) is not allowed"));
    }
    // Named apart from plain invalid UTF-8 because a UTF-16 text is a common, fixable mistake.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(invalid(
            0,
            "a UTF-16 or UTF-32 byte-order mark: JSON must be UTF-8",
        ));
    }
    if bytes.is_empty() {
        return Err(invalid(0, "empty input"));
    }
    std::str::from_utf8(bytes).map_err(|e| invalid(e.valid_up_to(), "invalid UTF-8"))
}

struct Scanner<'a> {
    bytes: &'a [u8],
    /// The same bytes, already checked to be UTF-8, for decoding names and quoting characters.
    text: &'a str,
    pos: usize,
    part: Part,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn invalid(&self, offset: usize, problem: impl Into<String>) -> Reason {
        Reason::InvalidJson {
            part: self.part,
            offset,
            problem: problem.into(),
        }
    }

    /// The character at `pos`; every position the scanner stops at is a character boundary.
    fn char_at(&self, pos: usize) -> Option<char> {
        self.text.get(pos..).and_then(|rest| rest.chars().next())
    }

    /// An error at the current position, naming the usual JSON5 and encoding mistakes.
    fn unexpected(&self, expected: &str) -> Reason {
        let problem = match self.peek() {
            None => format!("unexpected end of input, expected {expected}"),
            Some(b'/') => "comments are not allowed".to_owned(),
            Some(b'\'') => "single-quoted strings are not allowed".to_owned(),
            Some(0) => format!(
                "unexpected NUL byte (UTF-16 or UTF-32 text? JSON must be UTF-8), expected {expected}"
            ),
            Some(_) => match self.char_at(self.pos) {
                Some(c) => format!("unexpected character {c:?}, expected {expected}"),
                None => format!("unexpected byte, expected {expected}"),
            },
        };
        self.invalid(self.pos, problem)
    }

    /// Like [`Self::unexpected`] where a value should start, where number spellings from
    /// JavaScript or JSON5 are the likely cause.
    fn unexpected_value(&self) -> Reason {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let problem = match self.peek() {
            Some(b'+') => "a number cannot start with '+'",
            Some(b'.') => "a number cannot start with '.'",
            _ if rest.starts_with(b"NaN") || rest.starts_with(b"Infinity") => {
                "NaN and Infinity are not JSON numbers"
            }
            _ => return self.unexpected("a value"),
        };
        self.invalid(self.pos, problem)
    }

    /// Pushes a container opened at the current position, refusing it if it is one level too deep.
    fn open(
        &mut self,
        stack: &mut Vec<Frame<'a>>,
        max_depth: usize,
        object: bool,
    ) -> Result<(), Reason> {
        if stack.len() >= max_depth {
            return Err(Reason::JsonTooDeep {
                part: self.part,
                limit: max_depth,
            });
        }
        stack.push(if object {
            Frame::Object(ObjectFrame {
                seen: Seen::Few(Vec::new()),
                current: None,
            })
        } else {
            Frame::Array { index: 0 }
        });
        self.pos += 1;
        Ok(())
    }

    /// Scans `"name" :` for the object on top of `stack` and records the name.
    fn member_name(&mut self, stack: &mut [Frame<'a>]) -> Result<(), Reason> {
        match self.peek() {
            Some(b'"') => {}
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                return Err(self.invalid(self.pos, "member names must be double-quoted strings"))
            }
            _ => return Err(self.unexpected("a member name")),
        }
        let open = self.pos;
        self.string(None)?;
        let raw = self.text.get(open + 1..self.pos - 1).unwrap_or_default();
        let name: Cow<'a, str> = if raw.contains('\\') {
            // Escaped names are compared as the application will see them: decode again.
            let mut decoded = String::new();
            self.pos = open;
            self.string(Some(&mut decoded))?;
            Cow::Owned(decoded)
        } else {
            Cow::Borrowed(raw)
        };
        if let Some((Frame::Object(object), outer)) = stack.split_last_mut() {
            if object.current.as_deref() == Some(&*name) || object.seen.contains(&name) {
                return Err(Reason::DuplicateMember {
                    part: self.part,
                    name: name.into_owned(),
                    path: path_of(outer),
                });
            }
            if let Some(previous) = object.current.replace(name) {
                object.seen.insert(previous);
            }
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("':' after the member name"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Scans a string starting at the opening quote; decodes it into `out` when given, so that
    /// member names are compared as the application will see them.
    fn string(&mut self, mut out: Option<&mut String>) -> Result<(), Reason> {
        let open = self.pos;
        self.pos += 1;
        let mut run = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.invalid(
                    self.bytes.len(),
                    format!("unterminated string (opened at byte {open})"),
                ));
            };
            match b {
                b'"' => {
                    self.flush(&mut out, run)?;
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => {
                    self.flush(&mut out, run)?;
                    let c = self.escape()?;
                    if let Some(out) = out.as_mut() {
                        out.push(c);
                    }
                    run = self.pos;
                }
                0x00..=0x1F => {
                    return Err(self.invalid(
                        self.pos,
                        format!("unescaped control character U+{b:04X} in a string"),
                    ))
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Appends the unescaped bytes `run..pos` to `out`.
    fn flush(&self, out: &mut Option<&mut String>, run: usize) -> Result<(), Reason> {
        if let Some(out) = out.as_mut() {
            // Both ends sit on ASCII bytes, so this slice cannot split a character.
            let chunk = self
                .text
                .get(run..self.pos)
                .ok_or_else(|| self.invalid(run, "invalid UTF-8"))?;
            out.push_str(chunk);
        }
        Ok(())
    }

    /// Decodes the escape at the current position (a backslash) and moves past it.
    fn escape(&mut self) -> Result<char, Reason> {
        let at = self.pos;
        let Some(e) = self.bytes.get(at + 1).copied() else {
            return Err(self.invalid(self.bytes.len(), "unterminated escape at end of input"));
        };
        let c = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(at),
            _ => {
                let problem = match self.char_at(at + 1) {
                    Some(c) if !c.is_control() => format!("invalid escape '\\{c}'"),
                    _ => "invalid escape".to_owned(),
                };
                return Err(self.invalid(at, problem));
            }
        };
        self.pos = at + 2;
        Ok(c)
    }

    /// Decodes `\uXXXX` at `at`, and its low half when it is a high surrogate.
    fn unicode_escape(&mut self, at: usize) -> Result<char, Reason> {
        let lone = Reason::LoneSurrogate {
            part: self.part,
            offset: at,
        };
        let high = self.hex4(at)?;
        self.pos = at + 6;
        let code = match high {
            0xD800..=0xDBFF => {
                let low_at = self.pos;
                if self.bytes.get(low_at..low_at + 2) != Some(b"\\u".as_slice()) {
                    return Err(lone);
                }
                let low = self.hex4(low_at)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(lone);
                }
                self.pos = low_at + 6;
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(lone),
            _ => high,
        };
        char::from_u32(code).ok_or(lone)
    }

    /// The four hex digits of the `\u` escape whose backslash is at `at`.
    fn hex4(&self, at: usize) -> Result<u32, Reason> {
        let bad = || self.invalid(at, "\\u must be followed by 4 hex digits");
        let digits = self.bytes.get(at + 2..at + 6).ok_or_else(bad)?;
        digits.iter().try_fold(0u32, |acc, &d| {
            char::from(d)
                .to_digit(16)
                .map(|v| acc * 16 + v)
                .ok_or_else(bad)
        })
    }

    /// Scans `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), Reason> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.invalid(start, "leading zeros are not allowed"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit after '-'")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.digits() {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.digits() {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        Ok(())
    }

    /// Skips ASCII digits; whether there was at least one.
    fn digits(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), Reason> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if !rest.starts_with(word) {
            let word = String::from_utf8_lossy(word);
            return Err(self.invalid(self.pos, format!("invalid literal, expected {word}")));
        }
        self.pos += word.len();
        Ok(())
    }
}

/// The JSONPath-like location of the container on top of `frames`.
fn path_of(frames: &[Frame<'_>]) -> String {
    let mut path = String::from("$");
    for frame in frames {
        match frame {
            Frame::Array { index } => {
                let _ = write!(path, "[{index}]");
            }
            Frame::Object(object) => {
                if let Some(name) = &object.current {
                    push_name(&mut path, name);
                }
            }
        }
    }
    path
}

fn push_name(path: &mut String, name: &str) {
    let mut chars = name.chars();
    let simple = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if simple {
        path.push('.');
        path.push_str(name);
    } else {
        // A JSON string literal keeps quotes, control characters and dots in names unambiguous.
        let quoted = serde_json::to_string(name).unwrap_or_else(|_| format!("{name:?}"));
        path.push('[');
        path.push_str(&quoted);
        path.push(']');
    }
}

/// Maps what serde_json refuses after the strict scan passed: numbers out of `f64` range, and
/// (only as a safety net, the limit is capped) its recursion limit.
fn from_serde(bytes: &[u8], part: Part, limit: usize, e: &serde_json::Error) -> Reason {
    let message = e.to_string();
    if message.starts_with("recursion limit exceeded") {
        return Reason::JsonTooDeep { part, limit };
    }
    // The offset already carries the position, so drop serde_json's line/column suffix.
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let problem = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    Reason::InvalidJson {
        part,
        offset: offset_of(bytes, e.line(), e.column()),
        problem,
    }
}

/// Best-effort byte offset of serde_json's 1-based line and column.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(0, |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Limits;

    const P: Part = Part::Payload;
    const DEFAULT: usize = 64;

    fn reject(input: &[u8]) -> Reason {
        match parse_object(input, P, DEFAULT) {
            Ok(map) => panic!("accepted {:?}: {map:?}", String::from_utf8_lossy(input)),
            Err(reason) => reason,
        }
    }

    fn accept(input: &[u8]) -> Map<String, Value> {
        match parse_object(input, P, DEFAULT) {
            Ok(map) => map,
            Err(reason) => panic!("rejected {:?}: {reason}", String::from_utf8_lossy(input)),
        }
    }

    fn invalid(input: &[u8]) -> (usize, String) {
        match reject(input) {
            Reason::InvalidJson {
                part,
                offset,
                problem,
            } => {
                assert_eq!(part, P);
                (offset, problem)
            }
            other => panic!(
                "{:?}: expected invalid_json, got {}",
                String::from_utf8_lossy(input),
                other.code()
            ),
        }
    }

    fn nested_arrays(depth: usize) -> String {
        // The top level must be an object, so the object counts as the first level.
        format!(
            "{{\"a\":{}{}}}",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    }

    fn nested_objects(depth: usize) -> String {
        format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
    }

    fn duplicate(input: &str) -> (String, String) {
        match reject(input.as_bytes()) {
            Reason::DuplicateMember { part, name, path } => {
                assert_eq!(part, P);
                (name, path)
            }
            other => panic!("{input}: expected duplicate_member, got {other}"),
        }
    }

    #[test]
    fn simple_object_is_parsed() {
        let map = accept(br#" {"alg":"HS256","n":[1,2.5,-3e2,true,false,null,{}]} "#);
        assert_eq!(map["alg"], "HS256");
        assert_eq!(map["n"][1], 2.5);
        assert_eq!(map["n"][6], Value::Object(Map::new()));
    }

    #[test]
    fn member_order_is_preserved() {
        let map = accept(br#"{"z":1,"a":2,"m":3,"b":4}"#);
        let names: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(names, ["z", "a", "m", "b"]);
    }

    #[test]
    fn depth_10_is_accepted_with_default_limit() {
        let limit = Limits::default().max_json_depth;
        assert_eq!(limit, DEFAULT);
        assert!(parse_object(nested_objects(10).as_bytes(), P, limit).is_ok());
        assert!(parse_object(nested_arrays(10).as_bytes(), P, limit).is_ok());
    }

    #[test]
    fn depth_64_is_accepted_and_65_rejected_with_limit_64() {
        assert!(parse_object(nested_objects(64).as_bytes(), P, 64).is_ok());
        assert!(parse_object(nested_arrays(64).as_bytes(), P, 64).is_ok());
        for input in [nested_objects(65), nested_arrays(65)] {
            let reason = reject(input.as_bytes());
            assert_eq!(reason.code(), "json_too_deep");
            assert_eq!(reason, Reason::JsonTooDeep { part: P, limit: 64 });
        }
    }

    #[test]
    fn depth_10000_arrays_are_rejected_without_overflow() {
        let input = "[".repeat(10_000) + &"]".repeat(10_000);
        let expected = Reason::JsonTooDeep { part: P, limit: 64 };
        assert_eq!(parse_object(input.as_bytes(), P, 64), Err(expected.clone()));
        assert_eq!(validate(input.as_bytes(), P, 64), Err(expected.clone()));
        // Unclosed: rejection must come from depth, before the missing brackets are noticed.
        assert_eq!(reject("[".repeat(10_000).as_bytes()), expected);
    }

    #[test]
    fn depth_10000_objects_are_rejected_without_overflow() {
        let input = nested_objects(10_000);
        let expected = Reason::JsonTooDeep { part: P, limit: 64 };
        assert_eq!(parse_object(input.as_bytes(), P, 64), Err(expected.clone()));
        assert_eq!(validate(input.as_bytes(), P, 64), Err(expected));
    }

    #[test]
    fn validate_scans_any_depth_iteratively() {
        let input = "[".repeat(200_000) + &"]".repeat(200_000);
        assert_eq!(validate(input.as_bytes(), P, usize::MAX), Ok(()));
        let input = nested_objects(100_000);
        assert_eq!(validate(input.as_bytes(), P, usize::MAX), Ok(()));
    }

    #[test]
    fn limits_above_serde_json_recursion_are_capped() {
        let at_cap = nested_objects(SERDE_JSON_MAX_DEPTH);
        assert!(parse_object(at_cap.as_bytes(), P, 1_000).is_ok());
        let reason = parse_object(nested_objects(200).as_bytes(), P, 1_000).unwrap_err();
        assert_eq!(reason.code(), "json_too_deep");
        assert_eq!(
            reason,
            Reason::JsonTooDeep {
                part: P,
                limit: SERDE_JSON_MAX_DEPTH
            }
        );
    }

    #[test]
    fn serde_json_recursion_error_maps_to_too_deep() {
        // Bypasses the cap to check the safety net against serde_json's real behaviour.
        let input = nested_objects(SERDE_JSON_MAX_DEPTH + 1);
        let e = serde_json::from_slice::<Value>(input.as_bytes()).unwrap_err();
        let reason = from_serde(input.as_bytes(), P, 500, &e);
        assert_eq!(
            reason,
            Reason::JsonTooDeep {
                part: P,
                limit: 500
            }
        );
    }

    #[test]
    fn duplicate_at_top_level() {
        let (name, path) = duplicate(r#"{"alg":"HS256","typ":"JWT","alg":"none"}"#);
        assert_eq!((name.as_str(), path.as_str()), ("alg", "$"));
        let (name, _) = duplicate(r#"{"a":1,"a":2}"#);
        assert_eq!(name, "a");
    }

    #[test]
    fn duplicate_nested() {
        let (name, path) = duplicate(r#"{"a":{"x":1,"b":{"c":1,"d":2,"c":3}}}"#);
        assert_eq!((name.as_str(), path.as_str()), ("c", "$.a.b"));
    }

    #[test]
    fn duplicate_in_object_inside_array() {
        let (name, path) = duplicate(r#"{"a":[0,{"k":1},{"k":1,"j":2,"k":3}]}"#);
        assert_eq!((name.as_str(), path.as_str()), ("k", "$.a[2]"));
        let (_, path) = duplicate(r#"{"a":[[],[{}, {"x":[{"y":1,"y":1}]}]]}"#);
        assert_eq!(path, "$.a[1][1].x[0]");
    }

    #[test]
    fn duplicate_path_quotes_odd_names() {
        let (_, path) = duplicate(r#"{"odd name":{"q\"x":{"z":1,"z":2}}}"#);
        assert_eq!(path, r#"$["odd name"]["q\"x"]"#);
        let (_, path) = duplicate(r#"{"1a":{"":{"z":1,"z":2}}}"#);
        assert_eq!(path, r#"$["1a"][""]"#);
    }

    #[test]
    fn duplicate_detected_after_unescaping() {
        let (name, path) = duplicate(r#"{"alg":1,"\u0061lg":2}"#);
        assert_eq!((name.as_str(), path.as_str()), ("alg", "$"));
        let (name, _) = duplicate(r#"{"a\/b":1,"a/b":2}"#);
        assert_eq!(name, "a/b");
        let (name, _) = duplicate(r#"{"😀":1,"\ud83d\ude00":2}"#);
        assert_eq!(name, "😀");
    }

    #[test]
    fn same_name_in_sibling_objects_is_not_duplicate() {
        let map = accept(br#"{"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}],"x":5}"#);
        assert_eq!(map.len(), 4);
        // Names differing only by case or escaped as different characters are distinct.
        accept(br#"{"alg":1,"Alg":2,"alg ":3,"\u0041LG":4}"#);
    }

    #[test]
    fn lone_high_surrogate_is_rejected() {
        for (input, offset) in [
            (r#"{"a":"\ud83d"}"#, 6),
            (r#"{"a":"x\ud83dy"}"#, 7),
            (r#"{"a":"\ud83d\u0041"}"#, 6),
            (r#"{"a":"\ud83d\ud83d\ude00"}"#, 6),
            (r#"{"\uD800":1}"#, 2),
        ] {
            let reason = reject(input.as_bytes());
            assert_eq!(reason.code(), "lone_surrogate", "{input}");
            assert_eq!(reason, Reason::LoneSurrogate { part: P, offset }, "{input}");
        }
    }

    #[test]
    fn lone_low_surrogate_is_rejected() {
        for (input, offset) in [(r#"{"a":"\ude00"}"#, 6), (r#"{"a":"\ude00\ud83d"}"#, 6)] {
            let reason = reject(input.as_bytes());
            assert_eq!(reason.code(), "lone_surrogate", "{input}");
            assert_eq!(reason, Reason::LoneSurrogate { part: P, offset }, "{input}");
        }
    }

    #[test]
    fn surrogate_pair_is_accepted_and_decoded() {
        let map = accept(br#"{"a":"\ud83d\ude00","\uD83D\uDE00":"\u00e9\u0000"}"#);
        assert_eq!(map["a"], "😀");
        assert_eq!(map["😀"], "é\u{0}");
    }

    #[test]
    fn byte_order_mark_is_rejected() {
        let (offset, problem) = invalid(b"\xEF\xBB\xBF{}");
        assert_eq!(offset, 0);
        assert!(problem.contains("byte-order mark"), "{problem}");
        let (_, problem) = invalid(b"\xFF\xFE{\0}\0");
        assert!(problem.contains("byte-order mark"), "{problem}");
    }

    #[test]
    fn invalid_utf8_is_rejected_with_offset() {
        for (input, offset) in [
            (&b"{\"a\":\"\xFF\"}"[..], 6),
            (b"{\"a\":\"\xC3\"}", 6),
            (b"{\"a\":\"\xED\xA0\x80\"}", 6), // CESU-8 surrogate
            (b"{\"a\":\"\xC0\xAF\"}", 6),     // overlong '/'
            (b"{\"a\":1}\xE2\x82", 7),
        ] {
            let (at, problem) = invalid(input);
            assert_eq!((at, problem.as_str()), (offset, "invalid UTF-8"));
        }
    }

    #[test]
    fn utf16_and_utf32_text_is_rejected() {
        for input in [
            &b"{\0}\0"[..],          // UTF-16LE
            b"\0{\0}",               // UTF-16BE
            b"{\0\0\0}\0\0\0",       // UTF-32LE
            b"\0\0\0{\0\0\0}",       // UTF-32BE
            b"{\0\"\0a\0\"\0:\0}\0", // UTF-16LE with content
        ] {
            let (_, problem) = invalid(input);
            assert!(problem.contains("UTF-16"), "{problem}");
        }
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        assert_eq!(invalid(br#"{"a":1}x"#).0, 7);
        assert_eq!(invalid(br#"{"a":1}{}"#).0, 7);
        assert_eq!(invalid(br#"{"a":1}}"#).0, 7);
        assert_eq!(invalid(b"{}\0").0, 2);
        accept(b" \t\r\n{}\n\r\t ");
    }

    #[test]
    fn trailing_commas_are_rejected() {
        let (offset, problem) = invalid(br#"{"a":1,}"#);
        assert_eq!((offset, problem.as_str()), (6, "trailing comma"));
        let (offset, problem) = invalid(br#"{"a":[1, ]}"#);
        assert_eq!((offset, problem.as_str()), (7, "trailing comma"));
        invalid(br#"{"a":1,,"b":2}"#);
        invalid(br#"{,"a":1}"#);
        invalid(br#"{"a":[,1]}"#);
    }

    #[test]
    fn comments_are_rejected() {
        for input in [
            &br#"{"a":1 /* c */}"#[..],
            br#"{"a":1}// c"#,
            br#"{/* c */"a":1}"#,
            br#"{"a":/* c */1}"#,
        ] {
            let (_, problem) = invalid(input);
            assert_eq!(problem, "comments are not allowed");
        }
    }

    #[test]
    fn single_quotes_are_rejected() {
        let (offset, problem) = invalid(br#"{'a':1}"#);
        assert_eq!(
            (offset, problem.as_str()),
            (1, "single-quoted strings are not allowed")
        );
        let (offset, _) = invalid(br#"{"a":'x'}"#);
        assert_eq!(offset, 5);
    }

    #[test]
    fn unquoted_names_are_rejected() {
        let (offset, problem) = invalid(br#"{a:1}"#);
        assert_eq!(offset, 1);
        assert!(problem.contains("double-quoted"), "{problem}");
        invalid(br#"{"a":1,$b:2}"#);
        invalid(br#"{1:2}"#);
    }

    #[test]
    fn bad_numbers_are_rejected() {
        for (input, offset) in [
            (&br#"{"a":01}"#[..], 5),
            (br#"{"a":-01}"#, 5),
            (br#"{"a":00}"#, 5),
            (br#"{"a":+1}"#, 5),
            (br#"{"a":.5}"#, 5),
            (br#"{"a":1.}"#, 7),
            (br#"{"a":1.e5}"#, 7),
            (br#"{"a":1e}"#, 7),
            (br#"{"a":1e+}"#, 8),
            (br#"{"a":-}"#, 6),
            (br#"{"a":NaN}"#, 5),
            (br#"{"a":Infinity}"#, 5),
            (br#"{"a":-Infinity}"#, 6),
            (br#"{"a":0x10}"#, 6),
            (br#"{"a":1_000}"#, 6),
        ] {
            let (at, _) = invalid(input);
            assert_eq!(at, offset, "{}", String::from_utf8_lossy(input));
        }
        assert_eq!(invalid(br#"{"a":01}"#).1, "leading zeros are not allowed");
        assert!(invalid(br#"{"a":NaN}"#).1.contains("NaN"));
    }

    #[test]
    fn valid_numbers_are_accepted() {
        let map = accept(br#"{"z":-0,"e":1e5,"E":1E+5,"f":-1.5e-3,"i":0,"d":10.01,"big":12345678901234567890123}"#);
        // serde_json reads `-0` as the float -0.0; what matters is that it is accepted.
        assert_eq!(map["z"].as_f64(), Some(0.0));
        assert_eq!(map["e"], 100000.0);
        assert_eq!(map["E"], 100000.0);
        assert_eq!(map["f"], -0.0015);
        assert_eq!(map["d"], 10.01);
        assert!(map["big"].is_f64());
    }

    #[test]
    fn number_out_of_range_maps_serde_error() {
        let reason = reject(br#"{"a":1e400}"#);
        assert_eq!(reason.code(), "invalid_json");
        match reason {
            Reason::InvalidJson {
                problem, offset, ..
            } => {
                assert_eq!(problem, "number out of range");
                assert!(offset <= 11, "{offset}");
            }
            _ => unreachable!(),
        }
        // The grammar is fine, so the scan alone accepts it.
        assert_eq!(validate(br#"{"a":1e400}"#, P, DEFAULT), Ok(()));
    }

    #[test]
    fn bad_literals_are_rejected() {
        for input in [
            &br#"{"a":tru}"#[..],
            br#"{"a":True}"#,
            br#"{"a":nul}"#,
            br#"{"a":falsey}"#,
        ] {
            invalid(input);
        }
    }

    #[test]
    fn control_characters_in_strings_are_rejected() {
        for (input, offset) in [
            (&b"{\"a\":\"x\ny\"}"[..], 7),
            (b"{\"a\":\"\t\"}", 6),
            (b"{\"a\":\"\0\"}", 6),
            (b"{\"a\x1F\":1}", 3),
        ] {
            let (at, problem) = invalid(input);
            assert_eq!(at, offset);
            assert!(problem.contains("control character"), "{problem}");
        }
        // DEL and C1 controls are allowed unescaped by RFC 8259.
        let map = accept("{\"a\":\"\u{7f}\u{85}\",\"b\":\"\\n\\t\\u001f\"}".as_bytes());
        assert_eq!(map["b"], "\n\t\u{1f}");
    }

    #[test]
    fn invalid_escapes_are_rejected() {
        for (input, offset) in [
            (&br#"{"a":"\x41"}"#[..], 6),
            (br#"{"a":"\u12"}"#, 6),
            (br#"{"a":"\u12G4"}"#, 6),
            (br#"{"a":"\U0041"}"#, 6),
            (br#"{"a":"\'"}"#, 6),
            (br#"{"a":"\ud83d\u12"}"#, 12),
            (b"{\"a\":\"\\\xC3\xA9\"}", 6),
        ] {
            let (at, _) = invalid(input);
            assert_eq!(at, offset, "{}", String::from_utf8_lossy(input));
        }
        assert_eq!(invalid(br#"{"a":"\x41"}"#).1, r"invalid escape '\x'");
        let map = accept(br#"{"a":"\"\\\/\b\f\n\r\t"}"#);
        assert_eq!(map["a"], "\"\\/\u{8}\u{c}\n\r\t");
    }

    #[test]
    fn empty_and_truncated_input_is_rejected() {
        assert_eq!(invalid(b""), (0, "empty input".to_owned()));
        invalid(b"   ");
        for input in [
            &b"{"[..],
            b"{\"a\"",
            b"{\"a\":",
            b"{\"a\":1",
            b"{\"a\":\"x",
            b"{\"a\":\"\\",
        ] {
            invalid(input);
        }
    }

    #[test]
    fn non_object_top_levels_are_rejected() {
        for (input, found) in [
            (&b"[]"[..], "an array"),
            (b"[{\"a\":1}]", "an array"),
            (b"\"{}\"", "a string"),
            (b"42", "a number"),
            (b"-0.5e1", "a number"),
            (b"true", "a boolean"),
            (b"false", "a boolean"),
            (b" null ", "null"),
        ] {
            let reason = reject(input);
            assert_eq!(reason.code(), "not_an_object");
            assert_eq!(
                reason,
                Reason::NotAnObject {
                    part: P,
                    found: found.to_owned()
                }
            );
            assert_eq!(validate(input, P, DEFAULT), Ok(()));
        }
        // A broken non-object is reported as broken, not as the wrong type.
        assert_eq!(reject(b"[1,]").code(), "invalid_json");
    }

    #[test]
    fn part_is_reported() {
        let reason = parse_object(b"[]", Part::Header, DEFAULT).unwrap_err();
        assert_eq!(
            reason,
            Reason::NotAnObject {
                part: Part::Header,
                found: "an array".to_owned()
            }
        );
    }

    #[test]
    fn large_valid_input_is_accepted() {
        let members: Vec<String> = (0..10_000).map(|i| format!("\"m{i}\":{i}")).collect();
        let input = format!("{{{}}}", members.join(","));
        let map = accept(input.as_bytes());
        assert_eq!(map.len(), 10_000);
        assert_eq!(map.keys().nth(9_999).map(String::as_str), Some("m9999"));
        // The same with one late duplicate.
        let input = format!("{{{},\"m5\":0}}", members.join(","));
        assert_eq!(duplicate(&input), ("m5".to_owned(), "$".to_owned()));
    }

    #[test]
    fn mutations_never_panic_and_never_pass_what_serde_json_refuses() {
        let seed = br#"{"a":[1,-2.5e3,{"b":"\u00e9\ud83d\ude00\n"}],"c":true,"d":null}"#;
        let replacements = b"{}[]\",:\\u0-+.eE \x00\x1f\x7f\xc3\xff'/tfnx";
        let check = |input: &[u8]| {
            let result = validate(input, P, DEFAULT);
            let _ = parse_object(input, P, DEFAULT);
            if result.is_ok() {
                assert!(
                    serde_json::from_slice::<Value>(input).is_ok(),
                    "strict scan accepted what serde_json refuses: {:?}",
                    String::from_utf8_lossy(input)
                );
            }
        };
        for end in 0..=seed.len() {
            check(&seed[..end]);
        }
        for i in 0..seed.len() {
            for &r in replacements {
                let mut input = seed.to_vec();
                input[i] = r;
                check(&input);
                input.insert(i, r);
                check(&input);
            }
            let mut input = seed.to_vec();
            input.remove(i);
            check(&input);
        }
    }
}
