//! The deterministic golden-vector generator: every namespace's [`VectorFile`], built from
//! `policy.md` (every verdict), `taxonomy.md` (the classes) and the seeds (the examples).
//!
//! Output is byte-for-byte stable: no randomness, no wall clock, no hash-map iteration in what is
//! produced (ES256 signatures are RFC 6979 deterministic, keys are derived from labels).
//!
//! Naming conventions:
//! - `namespace::name@provider` for a generic class run once per provider (`jws`, `json`,
//!   `header`, `keys`, `signature`, `claims`, `modes`); `namespace::name` for provider-less
//!   JOSE cases (which carry `algorithms`) and for the provider namespaces (`zendesk::kid-missing`).
//! - Names are lowercase kebab-case.
//! - Feature `rule:<claim>` (or `rule:header.typ`, `rule:header.kid`) marks a provider-namespace
//!   case that sits at the boundary of that profile rule; every rule has a verified and a
//!   rejected case (tested below).
//! - Feature `time` marks cases whose verdict is about the clock (exp/nbf/iat, expired tokens);
//!   every such case has a `mint` recipe with `${now…}` placeholders so it can be re-minted.
//!
//! Expected identities are computed by [`identity::expected`], written from policy.md §6 and
//! independent of the engine's provider layer.

mod claims;
mod drift;
mod header;
mod identity;
mod intercom;
mod json;
mod jws;
mod keys;
mod modes;
mod onesignal;
mod privy;
mod signature;
mod zendesk;

use serde_json::{Map, Value};

use super::case::{Case, CaseContext, Expectation, Mint, SignatureForm, VectorFile};
use super::mint::{mint, substitute_times};
use crate::contract::Jwk;
use crate::engine::keys::Key;
use crate::engine::{compact, signature as sig, Alg};
use crate::profile::{builtin, Config, Mode, Profile};

/// The pinned verification time of almost every case: 2023-11-14T22:13:20Z.
pub const NOW: i64 = 1_700_000_000;

/// When byte-level cases (which have no recipe and cannot be re-minted) are minted: their
/// `exp` (`now + 3600`) lands on 2100-01-01, so against any clock they stay valid apart from
/// their defect, and an implementation that reads the system clock cannot reject them as
/// merely expired.
pub(crate) const TIMELESS: i64 = 4_102_444_800 - 3_600;
/// The leeway of the cases that are about leeway.
pub const LEEWAY: u64 = 30;
/// The user every canonical token names.
pub const USER: &str = "user-1";
/// The app id configured for the profiles that take one (Privy `aud`, OneSignal `iss`).
pub const APP_ID: &str = "test-app-id";
/// The built-in providers, in seed order.
pub const PROVIDERS: [&str; 5] = ["drift", "privy", "intercom", "onesignal", "zendesk"];

/// Every namespace's vector file, sorted by namespace.
pub fn all() -> Vec<VectorFile> {
    let mut files = vec![
        jws::file(),
        json::file(),
        header::file(),
        keys::file(),
        signature::file(),
        claims::file(),
        modes::file(),
        drift::file(),
        privy::file(),
        intercom::file(),
        onesignal::file(),
        zendesk::file(),
    ];
    files.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    files
}

fn file(namespace: &str, description: &str, cases: Vec<Case>) -> VectorFile {
    VectorFile {
        namespace: namespace.to_owned(),
        description: description.to_owned(),
        cases,
    }
}

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
    pub alg: Alg,
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
        self.alg = family_alg(&key);
        self.key = key;
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

/// The algorithm of a key's family.
pub(crate) fn family_alg(key: &Key) -> Alg {
    if key.fits(Alg::HS256) {
        Alg::HS256
    } else {
        Alg::ES256
    }
}

/// A TEST KEY of `alg`'s family, derived from `label` (which is also its `kid`).
pub(crate) fn test_key(alg: Alg, label: &str) -> Key {
    match alg {
        Alg::HS256 => Key::test_hmac(label),
        Alg::ES256 => Key::test_ec(label),
    }
}

/// One built-in provider profile and its test keys.
#[derive(Clone, Copy, Debug)]
pub(crate) struct P {
    pub id: &'static str,
    pub profile: &'static Profile,
}

impl P {
    pub fn get(id: &'static str) -> P {
        P {
            id,
            profile: builtin(id).expect("built-in profile"),
        }
    }

    pub fn all() -> Vec<P> {
        PROVIDERS.into_iter().map(P::get).collect()
    }

    /// The algorithm a conformant signer uses for this provider.
    pub fn alg(&self) -> Alg {
        self.profile.signing_alg()
    }

    pub fn is_hs(&self) -> bool {
        self.alg() == Alg::HS256
    }

    /// The other algorithm the engine implements (the wrong one for this provider).
    pub fn other_alg(&self) -> Alg {
        if self.is_hs() {
            Alg::ES256
        } else {
            Alg::HS256
        }
    }

    /// `<provider>-key-<n>`: key 1 is configured by default, key 2 is the rotation key.
    pub fn key(&self, n: u32) -> Key {
        self.labelled(&format!("{}-key-{n}", self.id))
    }

    /// A key of this provider's family with this label and kid.
    pub fn labelled(&self, label: &str) -> Key {
        test_key(self.alg(), label)
    }

    /// A key nobody configured.
    pub fn attacker(&self) -> Key {
        self.labelled("attacker-1")
    }

    pub fn kid_required(&self) -> bool {
        self.profile.header.kid.as_ref().is_some_and(|k| k.required)
    }

    /// The claim holding the user id (`sub`, `user_id`, `identity`, `external_id`).
    pub fn uid_claim(&self) -> &'static str {
        &self.profile.identity.user_id.claim
    }

    /// Whether the profile takes `app_id` from the caller (Privy `aud`, OneSignal `iss`).
    pub fn needs_app_id(&self) -> bool {
        self.profile
            .issuer_and_audience(&Config::default())
            .is_err()
    }

    /// The canonical header for a token signed by `key`: `alg`, then the profile's `typ`/`kid`.
    pub fn header_for(&self, key: &Key) -> Obj {
        let mut h = Obj::default().set_str("alg", self.alg().as_str());
        let extra = self
            .profile
            .signing_header(key.kid.as_deref())
            .expect("test keys have a kid");
        for (name, value) in &extra {
            h = h.set(name, value.to_string());
        }
        h
    }

    /// The profile's canonical claims, with `${now+N}` wherever the value is relative to now.
    ///
    /// The profile's own `canonical_claims` is evaluated at two instants; a member that moves
    /// with the clock is written as a placeholder with its offset.
    pub fn claims(&self) -> Obj {
        let config = Config {
            app_id: Some(APP_ID.to_owned()),
        };
        let at = |now| {
            self.profile
                .canonical_claims(USER, &config, now)
                .expect("canonical claims")
        };
        let (a, b) = (at(NOW), at(NOW + 1));
        let mut obj = Obj::default();
        for (name, value) in &a {
            obj = if b.get(name) == Some(value) {
                obj.set(name, value.to_string())
            } else {
                let offset = value.as_i64().expect("a relative date is an integer") - NOW;
                obj.set(name, format!("${{now+{offset}}}"))
            };
        }
        obj
    }

    /// The canonical token recipe, signed by key 1.
    pub fn tok(&self) -> Tok {
        self.tok_by(self.key(1))
    }

    /// The canonical token recipe signed by `key`, its header naming that key where the
    /// profile requires a `kid`.
    pub fn tok_by(&self, key: Key) -> Tok {
        Tok {
            header: Text::Obj(self.header_for(&key)),
            payload: Text::Obj(self.claims()),
            alg: family_alg(&key),
            key,
            form: SignatureForm::Valid,
        }
    }

    pub fn context(&self) -> CaseContext {
        CaseContext {
            app_id: self.needs_app_id().then(|| APP_ID.to_owned()),
            ..CaseContext::default()
        }
    }

    /// A case of a generic class: `ns::name@provider`.
    pub fn case(&self, ns: &str, name: &str, description: &str, basis: &str) -> Draft {
        self.draft(format!("{ns}::{name}@{}", self.id), description, basis)
    }

    /// A case of this provider's own namespace: `provider::name`.
    pub fn own(&self, name: &str, description: &str, basis: &str) -> Draft {
        self.draft(format!("{}::{name}", self.id), description, basis)
    }

    fn draft(&self, id: String, description: &str, basis: &str) -> Draft {
        Draft {
            id,
            provider: Some(self.id),
            algorithms: Vec::new(),
            description: description.to_owned(),
            basis: basis.to_owned(),
            features: Vec::new(),
            checks: Vec::new(),
            now: NOW,
            leeway: 0,
            keys: vec![self.key(1).to_jwk()],
            context: self.context(),
            token: Token::Minted(self.tok()),
        }
    }
}

/// A provider-less JOSE-level case (`ns::name`) verified under an explicit `alg` allow-list.
pub(crate) fn jose(
    ns: &str,
    name: &str,
    algorithms: &[Alg],
    description: &str,
    basis: &str,
) -> Draft {
    Draft {
        id: format!("{ns}::{name}"),
        provider: None,
        algorithms: algorithms.iter().map(|a| a.as_str().to_owned()).collect(),
        description: description.to_owned(),
        basis: basis.to_owned(),
        features: Vec::new(),
        checks: Vec::new(),
        now: NOW,
        leeway: 0,
        keys: Vec::new(),
        context: CaseContext::default(),
        token: Token::Missing,
    }
}

/// Where a case's token comes from.
pub(crate) enum Token {
    /// Built from a recipe: `mint` is set and the token is `mint(recipe, now)`.
    Minted(Tok),
    /// Byte-level: bytes no recipe describes (corrupted segments, foreign signatures).
    Raw(String),
    /// The client presents no token.
    Missing,
}

/// What policy.md says of a case, for tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    Verified,
    Rejected(&'static str),
    Either,
}

/// A case being put together.
pub(crate) struct Draft {
    id: String,
    provider: Option<&'static str>,
    algorithms: Vec<String>,
    description: String,
    basis: String,
    features: Vec<String>,
    checks: Vec<String>,
    now: i64,
    leeway: u64,
    keys: Vec<Jwk>,
    context: CaseContext,
    token: Token,
}

impl Draft {
    pub fn features(mut self, features: &[&str]) -> Draft {
        for f in features {
            if !self.features.iter().any(|x| x == f) {
                self.features.push((*f).to_owned());
            }
        }
        self
    }

    /// Marks the case as sitting at the boundary of a profile rule (`rule:<name>`).
    pub fn rule(self, name: &str) -> Draft {
        self.features(&[&format!("rule:{name}")])
    }

    pub fn checks(mut self, checks: &[&str]) -> Draft {
        for c in checks {
            if !self.checks.iter().any(|x| x == c) {
                self.checks.push((*c).to_owned());
            }
        }
        self
    }

    pub fn now(mut self, now: i64) -> Draft {
        self.now = now;
        self
    }

    pub fn leeway(mut self, leeway: u64) -> Draft {
        self.leeway = leeway;
        self
    }

    /// The configured keys (full JWKs: the runner strips private parts).
    pub fn keys(mut self, keys: &[Key]) -> Draft {
        self.keys = keys.iter().map(Key::to_jwk).collect();
        self
    }

    pub fn jwks(mut self, keys: Vec<Jwk>) -> Draft {
        self.keys = keys;
        self
    }

    pub fn claimed(mut self, user: &str) -> Draft {
        self.context.claimed_user_id = Some(user.to_owned());
        self
    }

    pub fn mode(mut self, mode: Mode) -> Draft {
        self.context.mode = Some(mode);
        self
    }

    pub fn app_id(mut self, app_id: &str) -> Draft {
        self.context.app_id = Some(app_id.to_owned());
        self
    }

    pub fn tok(mut self, tok: Tok) -> Draft {
        self.token = Token::Minted(tok);
        self
    }

    /// A byte-level token: no recipe, so it must be refused whatever the time.
    pub fn raw(mut self, token: impl Into<String>) -> Draft {
        self.token = Token::Raw(token.into());
        self
    }

    pub fn missing(mut self) -> Draft {
        self.token = Token::Missing;
        self
    }

    pub fn verified(self) -> Case {
        self.finish(Expectation::Verified, None)
    }

    pub fn rejected(self, reason: &str) -> Case {
        self.finish(Expectation::Rejected, Some(reason))
    }

    pub fn unverified(self, reason: &str) -> Case {
        self.finish(Expectation::Unverified, Some(reason))
    }

    /// policy.md says *either*: no implementation fails for its answer.
    pub fn either(self) -> Case {
        self.features(&["either"]).finish(Expectation::Either, None)
    }

    pub fn want(self, want: Want) -> Case {
        match want {
            Want::Verified => self.verified(),
            Want::Rejected(reason) => self.rejected(reason),
            Want::Either => self.either(),
        }
    }

    fn finish(self, expected: Expectation, reason: Option<&str>) -> Case {
        let (token, recipe, payload) = match &self.token {
            Token::Minted(t) => (
                Some(t.at(self.now)),
                Some(t.recipe()),
                Some(t.payload_at(self.now)),
            ),
            Token::Raw(s) => (Some(s.clone()), None, None),
            Token::Missing => (None, None, None),
        };
        let expected_identity = match (expected, self.provider) {
            (Expectation::Verified, Some(provider)) => {
                let payload = payload.unwrap_or_else(|| {
                    panic!("{}: a verified case must be minted from a recipe", self.id)
                });
                let claims: Map<String, Value> = serde_json::from_str(&payload)
                    .unwrap_or_else(|e| panic!("{}: verified payload is not JSON: {e}", self.id));
                Some(identity::expected(provider, &claims))
            }
            _ => None,
        };
        Case {
            id: self.id,
            description: self.description,
            basis: self.basis,
            features: self.features,
            checks: self.checks,
            provider: self.provider.map(str::to_owned),
            algorithms: self.algorithms,
            now: self.now,
            leeway: self.leeway,
            keys: self.keys,
            token,
            context: self.context,
            expected,
            expected_reason: reason.map(str::to_owned),
            expected_identity,
            mint: recipe,
        }
    }
}

// ---- byte-level helpers ----

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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::contract::{checks, Implementation, VerifyRequest};
    use crate::engine::provider::{judge, Context};
    use crate::impls::reference::Reference;
    use crate::verdict::Reason;

    /// Cases where the reference engine disagrees with policy.md (real engine bugs, reported
    /// rather than bent into the vectors). Skipped by `reference_agrees_with_every_vector`.
    const REFERENCE_KNOWN_BUGS: &[&str] = &[];

    fn cases() -> Vec<Case> {
        all().into_iter().flat_map(|f| f.cases).collect()
    }

    fn is_kebab(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    #[test]
    fn ids_are_unique_and_namespaced() {
        let files = all();
        let namespaces: Vec<&str> = files.iter().map(|f| f.namespace.as_str()).collect();
        let mut sorted = namespaces.clone();
        sorted.sort();
        assert_eq!(namespaces, sorted, "namespaces are sorted");
        let mut seen = BTreeSet::new();
        let mut total = 0;
        for f in &files {
            assert!(is_kebab(&f.namespace), "{}", f.namespace);
            assert!(!f.cases.is_empty(), "{} is empty", f.namespace);
            for c in &f.cases {
                total += 1;
                assert!(seen.insert(c.id.clone()), "duplicate id {}", c.id);
                let (ns, rest) = c.id.split_once("::").expect("namespaced");
                assert_eq!(ns, f.namespace, "{}", c.id);
                let (name, at) = match rest.split_once('@') {
                    Some((n, p)) => (n, Some(p)),
                    None => (rest, None),
                };
                assert!(is_kebab(name), "{} is not kebab-case", c.id);
                if let Some(p) = at {
                    assert_eq!(c.provider.as_deref(), Some(p), "{}", c.id);
                    assert!(
                        !PROVIDERS.contains(&ns),
                        "{}: provider ns uses plain names",
                        c.id
                    );
                } else if PROVIDERS.contains(&ns) {
                    assert_eq!(c.provider.as_deref(), Some(ns), "{}", c.id);
                } else {
                    assert!(
                        c.provider.is_none(),
                        "{}: generic provider case needs @",
                        c.id
                    );
                }
                if c.provider.is_none() {
                    assert!(
                        !c.algorithms.is_empty(),
                        "{}: provider-less needs algorithms",
                        c.id
                    );
                }
                assert!(!c.description.is_empty() && !c.basis.is_empty(), "{}", c.id);
                for check in &c.checks {
                    assert!(checks::is_known(check), "{}: {check}", c.id);
                }
                match c.expected {
                    Expectation::Rejected | Expectation::Unverified => {
                        let r = c.expected_reason.as_deref().expect("reason");
                        assert!(Reason::CODES.contains(&r), "{}: {r}", c.id);
                        assert!(c.expected_identity.is_none(), "{}", c.id);
                    }
                    Expectation::Verified => {
                        assert!(c.expected_reason.is_none(), "{}", c.id);
                        assert!(c.mint.is_some(), "{}: verified cases are minted", c.id);
                        if c.provider.is_some() {
                            assert!(c.expected_identity.is_some(), "{}", c.id);
                        }
                    }
                    Expectation::Either => {
                        assert!(c.features.iter().any(|f| f == "either"), "{}", c.id);
                    }
                }
                if c.features.iter().any(|f| f == "time") {
                    assert!(c.mint.is_some(), "{}: time cases must be re-mintable", c.id);
                }
                if c.token.is_none() {
                    assert!(c.context.mode.is_some() || ns == "modes", "{}", c.id);
                }
            }
        }
        let count = |ns: &str| {
            files
                .iter()
                .find(|f| f.namespace == ns)
                .map_or(0, |f| f.cases.len())
        };
        assert!(total >= 600, "only {total} cases");
        for p in PROVIDERS {
            assert!(count(p) >= 40, "{p} has only {} cases", count(p));
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(all(), all());
    }

    #[test]
    fn tokens_match_their_recipes() {
        for c in cases() {
            if let Some(recipe) = &c.mint {
                let minted = mint(recipe, c.now).unwrap_or_else(|e| panic!("{}: {e}", c.id));
                assert_eq!(Some(minted), c.token, "{}", c.id);
            }
        }
    }

    /// The provider-less verify request the runner sends.
    fn jose_request(c: &Case) -> VerifyRequest {
        VerifyRequest {
            id: c.id.clone(),
            token: c.token.clone().unwrap_or_default(),
            algorithms: c.algorithms.clone(),
            keys: c.keys.iter().map(Jwk::public).collect(),
            now: c.now,
            leeway: c.leeway,
            required: Vec::new(),
            issuer: None,
            audience: None,
        }
    }

    #[test]
    fn reference_agrees_with_every_vector() {
        let reference = Reference::default();
        let mut disagreements = Vec::new();
        for c in cases() {
            if REFERENCE_KNOWN_BUGS.contains(&c.id.as_str()) {
                continue;
            }
            let (kind, reason, identity) = match &c.provider {
                Some(provider) => {
                    let profile = builtin(provider).expect("provider");
                    let ctx = Context {
                        config: Config {
                            app_id: c.context.app_id.clone(),
                        },
                        claimed_user_id: c.context.claimed_user_id.clone(),
                        mode: c.context.mode,
                        now: c.now,
                        leeway: c.leeway,
                    };
                    let keys: Vec<Jwk> = c.keys.iter().map(Jwk::public).collect();
                    let v = judge(profile, &ctx, c.token.as_deref(), &keys, &reference)
                        .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                    (
                        v.kind().to_owned(),
                        v.reason().map(|r| r.code().to_owned()),
                        v.identity().cloned(),
                    )
                }
                None => match reference.verify(&jose_request(&c)) {
                    Ok(_) => ("verified".to_owned(), None, None),
                    Err(f) => ("rejected".to_owned(), f.reason, None),
                },
            };
            let got = format!("{kind} {}", reason.as_deref().unwrap_or("-"));
            let want = format!(
                "{} {}",
                c.expected.as_str(),
                c.expected_reason.as_deref().unwrap_or("-")
            );
            if c.expected == Expectation::Either {
                continue;
            }
            if got != want {
                disagreements.push(format!("{}: expected {want}, got {got}", c.id));
            } else if c.provider.is_some() && c.expected_identity != identity {
                disagreements.push(format!(
                    "{}: expected identity {}, got {}",
                    c.id,
                    serde_json::to_string(&c.expected_identity).unwrap_or_default(),
                    serde_json::to_string(&identity).unwrap_or_default()
                ));
            }
        }
        for d in &disagreements {
            eprintln!("{d}");
        }
        assert!(
            disagreements.is_empty(),
            "{} disagreement(s) with the reference (listed above)",
            disagreements.len()
        );
    }

    #[test]
    fn every_profile_rule_has_accept_and_reject() {
        let all = cases();
        let mut missing = Vec::new();
        for p in P::all() {
            let mut rules: Vec<String> = p.profile.claims.iter().map(|r| r.name.clone()).collect();
            if p.profile.header.typ.is_some() {
                rules.push("header.typ".into());
            }
            if p.kid_required() {
                rules.push("header.kid".into());
            }
            let prefix = format!("{}::", p.id);
            let mut by_rule: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
            for c in all.iter().filter(|c| c.id.starts_with(&prefix)) {
                for f in &c.features {
                    if let Some(rule) = f.strip_prefix("rule:") {
                        by_rule
                            .entry(rule.to_owned())
                            .or_default()
                            .insert(c.expected.as_str());
                    }
                }
            }
            for rule in rules {
                let seen = by_rule.get(&rule).cloned().unwrap_or_default();
                for want in [Expectation::Verified, Expectation::Rejected] {
                    if !seen.contains(want.as_str()) {
                        missing.push(format!(
                            "{}: rule {rule} has no {} case",
                            p.id,
                            want.as_str()
                        ));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn the_drift_seed_token_decodes() {
        let token = drift::SEED_TOKEN;
        let (h, p, _) = parts(token);
        let part = |s: &str| {
            String::from_utf8(compact::decode_segment(s, crate::verdict::Part::Header).unwrap())
                .unwrap()
        };
        assert_eq!(part(&h), drift::SEED_HEADER);
        assert_eq!(part(&p), drift::SEED_PAYLOAD);
    }
}
