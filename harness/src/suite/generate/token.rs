//! The raw texts of a token: JSON objects written member by member, header and payload texts,
//! the recipe that signs them, and byte-level helpers for what no recipe can express.

use super::super::case::{Mint, MintAlg, SignatureForm};
use super::super::mint::{mint, substitute_times};
use crate::engine::keys::Key;
use crate::engine::{compact, signature as sig, Alg};

/// A JSON string literal for `s`.
pub(crate) fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// A JSON object written member by member as raw texts, so that a case can hold exactly what it
/// tests: `${now…}` placeholders, duplicate names, escaped names, odd number spellings —
/// everything serde_json would normalise away.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Obj(Vec<(String, String)>);

impl Obj {
    /// Sets `name` to the raw JSON text `raw`: in place when present, else at the end.
    pub fn set(mut self, name: &str, raw: impl Into<String>) -> Obj {
        let key = quote(name);
        let raw = raw.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(member) => member.1 = raw,
            None => self.0.push((key, raw)),
        }
        self
    }

    /// Sets `name` to the string `value`.
    pub fn set_str(self, name: &str, value: &str) -> Obj {
        self.set(name, quote(value))
    }

    /// Removes `name`.
    pub fn remove(mut self, name: &str) -> Obj {
        let key = quote(name);
        self.0.retain(|(k, _)| *k != key);
        self
    }

    /// Appends a member whose name is raw JSON text (duplicates and escaped spellings).
    pub fn push_raw(mut self, raw_name: impl Into<String>, raw: impl Into<String>) -> Obj {
        self.0.push((raw_name.into(), raw.into()));
        self
    }

    /// The raw value text of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let key = quote(name);
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The object as JSON text, without whitespace.
    pub fn text(&self) -> String {
        let members: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        format!("{{{}}}", members.join(","))
    }
}

/// Header or payload text: an object built member by member, or any text at all.
#[derive(Clone, Debug)]
pub(crate) enum Text {
    Obj(Obj),
    Raw(String),
}

impl Text {
    fn render(&self) -> String {
        match self {
            Text::Obj(o) => o.text(),
            Text::Raw(s) => s.clone(),
        }
    }

    fn edit(self, f: impl FnOnce(Obj) -> Obj) -> Text {
        match self {
            Text::Obj(o) => Text::Obj(f(o)),
            // Editing members of a raw text is a generator bug: fail loudly.
            Text::Raw(_) => panic!("cannot edit members of a raw JSON text"),
        }
    }
}

/// A token recipe being put together: it becomes a case's [`Mint`].
#[derive(Clone, Debug)]
pub(crate) struct Tok {
    pub header: Text,
    pub payload: Text,
    /// The algorithm that computes the signature (the header may claim another).
    pub alg: MintAlg,
    /// The signing key (a TEST KEY).
    pub key: Key,
    pub form: SignatureForm,
}

impl Tok {
    pub fn hdr(mut self, f: impl FnOnce(Obj) -> Obj) -> Tok {
        self.header = self.header.edit(f);
        self
    }

    pub fn pay(mut self, f: impl FnOnce(Obj) -> Obj) -> Tok {
        self.payload = self.payload.edit(f);
        self
    }

    /// Sets a header member to raw JSON text.
    pub fn header_member(self, name: &str, raw: impl Into<String>) -> Tok {
        self.hdr(|h| h.set(name, raw))
    }

    /// Sets a header member to a string.
    pub fn header_str(self, name: &str, value: &str) -> Tok {
        self.hdr(|h| h.set_str(name, value))
    }

    pub fn without_header(self, name: &str) -> Tok {
        self.hdr(|h| h.remove(name))
    }

    /// Sets a claim to raw JSON text (placeholders allowed).
    pub fn claim(self, name: &str, raw: impl Into<String>) -> Tok {
        self.pay(|c| c.set(name, raw))
    }

    /// Sets a claim to a string.
    pub fn claim_str(self, name: &str, value: &str) -> Tok {
        self.pay(|c| c.set_str(name, value))
    }

    pub fn without(self, name: &str) -> Tok {
        self.pay(|c| c.remove(name))
    }

    /// Replaces the whole header text.
    pub fn header_text(mut self, raw: impl Into<String>) -> Tok {
        self.header = Text::Raw(raw.into());
        self
    }

    /// Replaces the whole payload text.
    pub fn payload_text(mut self, raw: impl Into<String>) -> Tok {
        self.payload = Text::Raw(raw.into());
        self
    }

    /// Signs with `key` (under its family's algorithm), leaving the header as it is.
    pub fn key(mut self, key: Key) -> Tok {
        self.alg = family_alg(&key).into();
        self.key = key;
        self
    }

    /// Signs with `alg` under the same key, leaving the header as it is.
    pub fn signed_as(mut self, alg: MintAlg) -> Tok {
        self.alg = alg;
        self
    }

    pub fn form(mut self, form: SignatureForm) -> Tok {
        self.form = form;
        self
    }

    pub fn header_string(&self) -> String {
        self.header.render()
    }

    pub fn payload_string(&self) -> String {
        self.payload.render()
    }

    pub fn recipe(&self) -> Mint {
        Mint {
            header: self.header_string(),
            payload: self.payload_string(),
            alg: self.alg,
            key: self.key.to_jwk(),
            signature: self.form,
        }
    }

    /// The token minted at `now`.
    pub fn at(&self, now: i64) -> String {
        mint(&self.recipe(), now).expect("generator recipes always mint")
    }

    /// The payload text with times substituted for `now`.
    pub fn payload_at(&self, now: i64) -> String {
        substitute_times(&self.payload_string(), now).expect("generator placeholders are valid")
    }
}

/// unpadded base64url.
pub(crate) fn b64(bytes: &[u8]) -> String {
    compact::encode(bytes)
}

/// The three segments of a compact token.
pub(crate) fn parts(token: &str) -> (String, String, String) {
    let mut it = token.split('.');
    let mut next = || it.next().expect("three segments").to_owned();
    let (h, p, s) = (next(), next(), next());
    (h, p, s)
}

/// The decoded signature of a compact token.
pub(crate) fn sig_bytes(token: &str) -> Vec<u8> {
    let (_, _, s) = parts(token);
    compact::decode_segment(&s, crate::verdict::Part::Signature).expect("canonical signature")
}

/// The token with its signature segment replaced by `signature` (empty → empty segment).
pub(crate) fn with_sig(token: &str, signature: &[u8]) -> String {
    let (h, p, _) = parts(token);
    format!("{h}.{p}.{}", b64(signature))
}

/// A token over arbitrary header and payload bytes (invalid UTF-8, UTF-16, …), validly signed.
pub(crate) fn sign_bytes(key: &Key, header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let signature = sig::sign(family_alg(key), key, input.as_bytes()).expect("test keys sign");
    format!("{input}.{}", b64(&signature))
}

/// A JSON value nested `depth` containers deep: `[[…]]` (depth counts every bracket).
pub(crate) fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// The first algorithm of a key's family (RS256 for RSA keys).
pub(crate) fn family_alg(key: &Key) -> Alg {
    Alg::ALL
        .into_iter()
        .find(|alg| key.fits(*alg))
        .unwrap_or(Alg::HS256)
}

/// A token over `payload` signed by `key`, its header `alg` alone or, when `with_kid`, `alg` and
/// the key's `kid`.
pub(super) fn signed_jws(alg: Alg, key: &Key, with_kid: bool, payload: &str) -> Tok {
    let header = match (&key.kid, with_kid) {
        (Some(kid), true) => format!(r#"{{"alg":"{}","kid":"{kid}"}}"#, alg.as_str()),
        _ => format!(r#"{{"alg":"{}"}}"#, alg.as_str()),
    };
    Tok {
        header: Text::Raw(header),
        payload: Text::Raw(payload.into()),
        alg: alg.into(),
        key: key.clone(),
        form: SignatureForm::Valid,
    }
}
