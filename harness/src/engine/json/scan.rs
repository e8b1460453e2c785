//! The strict RFC 8259 scan: grammar, UTF-8, no byte-order mark, duplicate names at any depth
//! compared after unescaping, lone surrogates, depth. It builds no values; the two-pass reader
//! and [`super::validate`] run it alone, and the single-pass reader borrows its cursor and its
//! error messages so that both readers word every refusal the same way.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::verdict::{Part, Reason};

use super::path::{push_index, push_name};

/// The type of the top-level value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

impl Kind {
    /// The type of a value that starts with `first`, assuming it scans.
    pub(super) fn starting_with(first: Option<u8>) -> Kind {
        match first {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Boolean,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    pub(super) fn describe(self) -> &'static str {
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

/// What follows a value inside a container.
pub(super) enum Next {
    /// A comma: another value (or member) starts at the current position.
    Another,
    /// The closing bracket, now behind the cursor.
    Close,
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

/// Scans `bytes` as one JSON text; the type of its top-level value.
pub(super) fn scan(bytes: &[u8], part: Part, max_depth: usize) -> Result<Kind, Reason> {
    let mut s = Scanner::new(bytes, part)?;
    s.skip_ws();
    let top = Kind::starting_with(s.peek());
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
            let is_object = match stack.last() {
                None => return s.end().map(|()| top),
                Some(Frame::Object(_)) => true,
                Some(Frame::Array { .. }) => false,
            };
            match s.after_value(is_object)? {
                Next::Another => {
                    if is_object {
                        s.member_name(&mut stack)?;
                    } else if let Some(Frame::Array { index }) = stack.last_mut() {
                        *index += 1;
                    }
                    continue 'value;
                }
                Next::Close => {
                    stack.pop();
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

pub(super) struct Scanner<'a> {
    pub(super) bytes: &'a [u8],
    /// The same bytes, already checked to be UTF-8, for decoding names and quoting characters.
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) part: Part,
}

impl<'a> Scanner<'a> {
    /// A cursor at the start of `bytes`, once the checks of the text as a whole have passed.
    pub(super) fn new(bytes: &'a [u8], part: Part) -> Result<Self, Reason> {
        let text = preflight(bytes, part)?;
        Ok(Scanner {
            bytes,
            text,
            pos: 0,
            part,
        })
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn invalid(&self, offset: usize, problem: impl Into<String>) -> Reason {
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
    pub(super) fn unexpected(&self, expected: &str) -> Reason {
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
    pub(super) fn unexpected_value(&self) -> Reason {
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
        self.enter(stack.len(), max_depth)?;
        stack.push(if object {
            Frame::Object(ObjectFrame {
                seen: Seen::Few(Vec::new()),
                current: None,
            })
        } else {
            Frame::Array { index: 0 }
        });
        Ok(())
    }

    /// Moves past the bracket of a container opened inside `open` others, refusing it if that
    /// is one level too deep.
    pub(super) fn enter(&mut self, open: usize, max_depth: usize) -> Result<(), Reason> {
        if open >= max_depth {
            return Err(Reason::JsonTooDeep {
                part: self.part,
                limit: max_depth,
            });
        }
        self.pos += 1;
        Ok(())
    }

    /// Scans what follows a value inside an object or an array: a comma and the start of the
    /// next value (never the closing bracket: a trailing comma is refused), or the closing
    /// bracket.
    pub(super) fn after_value(&mut self, in_object: bool) -> Result<Next, Reason> {
        let close = if in_object { b'}' } else { b']' };
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    return Err(self.invalid(comma, "trailing comma"));
                }
                Ok(Next::Another)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(Next::Close)
            }
            _ => Err(self.unexpected(if in_object {
                "',' or '}'"
            } else {
                "',' or ']'"
            })),
        }
    }

    /// Checks that nothing but whitespace follows the top-level value.
    pub(super) fn end(&mut self) -> Result<(), Reason> {
        self.skip_ws();
        if self.pos == self.bytes.len() {
            Ok(())
        } else if self.peek() == Some(b'/') {
            Err(self.invalid(self.pos, "comments are not allowed"))
        } else {
            Err(self.invalid(self.pos, "trailing bytes after the JSON value"))
        }
    }

    /// Scans `"name" :` for the object on top of `stack` and records the name.
    fn member_name(&mut self, stack: &mut [Frame<'a>]) -> Result<(), Reason> {
        self.expect_name()?;
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
        self.colon()
    }

    /// Checks that a member name starts at the current position.
    pub(super) fn expect_name(&self) -> Result<(), Reason> {
        match self.peek() {
            Some(b'"') => Ok(()),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                Err(self.invalid(self.pos, "member names must be double-quoted strings"))
            }
            _ => Err(self.unexpected("a member name")),
        }
    }

    /// Scans the `:` after a member name.
    pub(super) fn colon(&mut self) -> Result<(), Reason> {
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("':' after the member name"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Scans a string starting at the opening quote; decodes it into `out` when given, so that
    /// member names are compared as the application will see them.
    fn string(&mut self, out: Option<&mut String>) -> Result<(), Reason> {
        let open = self.pos;
        self.pos += 1;
        self.string_rest(open, out)
    }

    /// Scans the string opened at `open` from the current position on, decoding into `out`
    /// when given. The single-pass reader copies the plain start of a string itself and hands
    /// over here at the first byte that needs care.
    pub(super) fn string_rest(
        &mut self,
        open: usize,
        mut out: Option<&mut String>,
    ) -> Result<(), Reason> {
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
    pub(super) fn number(&mut self) -> Result<(), Reason> {
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

    pub(super) fn literal(&mut self, word: &'static [u8]) -> Result<(), Reason> {
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
            Frame::Array { index } => push_index(&mut path, *index),
            Frame::Object(object) => {
                if let Some(name) = &object.current {
                    push_name(&mut path, name);
                }
            }
        }
    }
    path
}
