//! A case in the making: the provider fixture [`P`] (its keys, canonical header and claims,
//! context), the [`Draft`] builder every generator writes its cases with, and [`Want`].

use serde_json::{Map, Value};

use super::super::case::{Case, CaseContext, Expectation, Publication, SignatureForm, VectorFile};
use super::identity;
use super::token::{family_alg, Obj, Text, Tok};
use crate::contract::{checks, Jwk};
use crate::engine::keys::Key;
use crate::engine::Alg;
use crate::profile::{builtin, builtin_ids, Config, Mode, Profile};

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

/// A namespace's vector file.
pub(super) fn file(namespace: &str, description: &str, cases: Vec<Case>) -> VectorFile {
    VectorFile {
        namespace: namespace.to_owned(),
        description: description.to_owned(),
        cases,
    }
}

/// A row of [`P::header_cases`]: `(name, what, raw JSON text or None for absent, want)`.
pub(crate) type HeaderRow<'a> = (&'a str, &'a str, Option<&'a str>, Want);

/// A row of [`P::time_cases`]: `(name, what, dates as (claim, raw), leeway, want)`.
pub(crate) type TimeRow<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], u64, Want);

/// A claim table for [`P::claim_cases`]: `(name, what, raw, want)` rows whose texts may be
/// literals or built strings.
macro_rules! claim_rows {
    ($(($name:expr, $what:expr, $raw:expr, $want:expr)),* $(,)?) => {
        vec![$(($name, String::from($what), String::from($raw), $want)),*]
    };
}
pub(crate) use claim_rows;

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

    /// Every built-in provider, in the profile registry's order.
    pub fn all() -> Vec<P> {
        builtin_ids().map(P::get).collect()
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

    /// The signature form that makes the canonical signature wrong without changing its shape:
    /// the first bit flipped, or for RSA the last (the first may lift it above the modulus).
    pub fn flipped(&self) -> SignatureForm {
        if self.alg().family() == crate::engine::keys::KeyFamily::Rsa {
            SignatureForm::FlipLastBit
        } else {
            SignatureForm::FlipFirstBit
        }
    }

    /// Why `tok`, signed by a key other than `configured`, is refused under it: a wrong
    /// signature, unless it is an RSA signature not below the configured modulus (policy.md
    /// §4.12), which is out of range first.
    pub fn foreign_signature_reason(&self, tok: &Tok, configured: &Key) -> &'static str {
        let signature = super::token::sig_bytes(&tok.at(NOW));
        match configured.rsa_public() {
            Some(public)
                if signature.len() == public.modulus_len()
                    && signature.as_slice() >= public.n() =>
            {
                "signature_scalar_out_of_range"
            }
            _ => "bad_signature",
        }
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
        self.claims_for(USER)
    }

    /// [`P::claims`] naming `user` instead of [`USER`].
    pub fn claims_for(&self, user: &str) -> Obj {
        let config = Config {
            app_id: Some(APP_ID.to_owned()),
        };
        let at = |now| {
            self.profile
                .canonical_claims(user, &config, now)
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

    /// The canonical token recipe for `user` instead of [`USER`], signed by key 1.
    pub fn tok_for(&self, user: &str) -> Tok {
        let mut tok = self.tok();
        tok.payload = Text::Obj(self.claims_for(user));
        tok
    }

    /// The canonical token recipe signed by `key`, its header naming that key where the
    /// profile requires a `kid`.
    pub fn tok_by(&self, key: Key) -> Tok {
        Tok {
            header: Text::Obj(self.header_for(&key)),
            payload: Text::Obj(self.claims()),
            alg: family_alg(&key).into(),
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

    /// One case of this provider's namespace per row of a claim table, `(name, what, raw,
    /// want)`: the canonical token with `claim` set to the raw JSON text (removed where it is
    /// empty), described as "the canonical token with {what}", at the boundary of `claim`'s
    /// rule and naming `check`. A removed required claim also names the required-claims check,
    /// and a date relative to now (a `${now…}` number) marks the case `time`.
    pub fn claim_cases(
        &self,
        claim: &str,
        basis: &str,
        check: &[&str],
        rows: Vec<(&str, String, String, Want)>,
    ) -> Vec<Case> {
        let required = self.profile.claim(claim).is_some_and(|rule| rule.required);
        let rows = rows.into_iter().map(|(name, what, raw, want)| {
            let tok = match raw.as_str() {
                "" => self.tok().without(claim),
                raw => self.tok().claim(claim, raw),
            };
            let description = format!("The canonical token with {what}.");
            let mut draft = self
                .own(name, &description, basis)
                .rule(claim)
                .checks(check);
            if raw.is_empty() && required {
                draft = draft.checks(&[checks::REQUIRED_CLAIMS]);
            }
            if raw.contains("${now") && !raw.starts_with('"') {
                draft = draft.features(&["time"]);
            }
            draft.tok(tok).want(want)
        });
        rows.collect()
    }

    /// The boundary of this provider's `exp` rule, in its own namespace: `exp` absent (`what`
    /// says why that gets `absent`), equal to now, a second ahead, a fraction ahead, and a
    /// string of digits. Only the absent row differs between providers, so it is the caller's.
    #[rustfmt::skip]
    pub fn exp_rule_cases(&self, basis: &str, (name, what, absent): (&str, &str, Want)) -> Vec<Case> {
        use Want::{Rejected, Verified};
        let mut cases = self.claim_cases("exp", basis, &[checks::EXPIRY], claim_rows![
            (name, what, "", absent),
            ("exp-equals-now", "exp equal to now", "${now}", Rejected("expired")),
            ("exp-one-second-ahead", "exp one second ahead", "${now+1}", Verified),
            ("exp-fraction", "exp a fraction past an hour ahead", "${now+3600.5}", Verified),
        ]);
        cases.extend(self.claim_cases("exp", basis, &[checks::DATE_TYPES], claim_rows![
            ("exp-numeric-string", "exp a string of digits", "\"${now+3600}\"", Rejected("claim_type")),
        ]));
        cases
    }

    /// One case of this provider's namespace per row of a header table, `(name, what, raw,
    /// want)`: the canonical token with header member `member` set to the raw JSON text (removed
    /// where it is `None`), described as "the canonical token with {what} in its header", at the
    /// boundary of the profile's `header.<member>` rule. Selecting a key by a `kid` the header
    /// carries is the implementation's check to make.
    pub fn header_cases(&self, member: &str, basis: &str, rows: &[HeaderRow<'_>]) -> Vec<Case> {
        rows.iter()
            .map(|&(name, what, raw, want)| {
                let tok = match raw {
                    Some(raw) => self.tok().header_member(member, raw),
                    None => self.tok().without_header(member),
                };
                let description = format!("The canonical token with {what} in its header.");
                let mut d = self
                    .own(name, &description, basis)
                    .rule(&format!("header.{member}"))
                    .tok(tok);
                if member == "kid" && raw.is_some() {
                    d = d.checks(&[checks::KID]);
                }
                d.want(want)
            })
            .collect()
    }

    /// One case of this provider's namespace per row of a dates table, `(name, what, dates,
    /// leeway, want)`: the canonical token with each `(claim, raw)` of `dates` set (removed where
    /// `raw` is empty), verified with `leeway`, at the boundary of the profile's time rule
    /// `rule` (`time.iat_max_age`). Every row is about the clock, so every case is `time`.
    pub fn time_cases(&self, rule: &str, basis: &str, rows: &[TimeRow<'_>]) -> Vec<Case> {
        rows.iter()
            .map(|&(name, what, dates, leeway, want)| {
                let tok = dates
                    .iter()
                    .fold(self.tok(), |tok, &(claim, raw)| match raw {
                        "" => tok.without(claim),
                        raw => tok.claim(claim, raw),
                    });
                let description = format!("The canonical token with {what}.");
                self.own(name, &description, basis)
                    .rule(rule)
                    .features(&["time"])
                    .leeway(leeway)
                    .tok(tok)
                    .want(want)
            })
            .collect()
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
            provider: Some(self.id),
            keys: vec![self.key(1).to_jwk()],
            context: self.context(),
            token: Token::Minted(self.tok()),
            ..Draft::blank(id, description, basis)
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
        algorithms: algorithms.iter().map(|a| a.as_str().to_owned()).collect(),
        ..Draft::blank(format!("{ns}::{name}"), description, basis)
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
    published: Option<Publication>,
}

impl Draft {
    /// A case at [`NOW`] with no provider, algorithms, keys, leeway or token.
    fn blank(id: String, description: &str, basis: &str) -> Draft {
        Draft {
            id,
            provider: None,
            algorithms: Vec::new(),
            description: description.to_owned(),
            basis: basis.to_owned(),
            features: Vec::new(),
            checks: Vec::new(),
            now: NOW,
            leeway: 0,
            keys: Vec::new(),
            context: CaseContext::default(),
            token: Token::Missing,
            published: None,
        }
    }

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

    /// Publishes the keys at a URL instead of configuring them.
    pub fn published(mut self, publication: Publication) -> Draft {
        self.published = Some(publication);
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

    fn finish(mut self, mut expected: Expectation, reason: Option<&str>) -> Case {
        let mut reason = reason.map(str::to_owned);
        let profile = self
            .provider
            .map(|id| builtin(id).expect("built-in profile"));
        // A byte-level token was minted at TIMELESS: where the profile bounds `iat` from above,
        // it is verified then too, or a lenient implementation's acceptance would be masked by
        // an `iat` in the future.
        if let (Token::Raw(_), Some(profile)) = (&self.token, profile) {
            if self.now == NOW && profile.time.iat_max_future.is_some() {
                self.now = TIMELESS + 60;
            }
        }
        let (token, recipe, payload) = match &self.token {
            Token::Minted(t) => (
                Some(t.at(self.now)),
                Some(t.recipe()),
                Some(t.payload_at(self.now)),
            ),
            Token::Raw(s) => (Some(s.clone()), None, None),
            Token::Missing => (None, None, None),
        };
        // A generic case knows the rules every provider has; a profile's own one-of groups and
        // time rules may still refuse what it would verify.
        if let (Some(profile), Some(payload), true) = (profile, &payload, self.id.contains('@')) {
            if matches!(expected, Expectation::Verified | Expectation::Either) {
                let claims = serde_json::from_str(payload).unwrap_or_default();
                if let Some((code, basis)) =
                    own_rules_refuse(profile, &claims, self.now, self.leeway)
                {
                    expected = Expectation::Rejected;
                    reason = Some(code.to_owned());
                    self.basis = format!("{}; under this profile: {basis}", self.basis);
                    self.features.retain(|f| f != "either");
                }
            }
        }
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
            expected_reason: reason,
            expected_identity,
            mint: recipe,
            published: self.published,
        }
    }
}

/// The first of a profile's one-of groups and time rules (policy.md §6.9) that these claims
/// break at `now`, as its reason code and basis; written from the policy, not by calling the
/// engine's profile layer.
fn own_rules_refuse<'p>(
    profile: &'p Profile,
    claims: &Map<String, Value>,
    now: i64,
    leeway: u64,
) -> Option<(&'static str, &'p str)> {
    for group in &profile.one_of {
        if !group.claims.iter().any(|c| claims.contains_key(c)) {
            return Some(("missing_one_of", &group.basis));
        }
    }
    let date = |name: &str| claims.get(name).and_then(Value::as_f64);
    let (now, leeway) = (now as f64, leeway as f64);
    let time = &profile.time;
    if let (Some(rule), Some(iat)) = (&time.iat_max_future, date("iat")) {
        if iat > now + rule.seconds as f64 + leeway {
            return Some(("issued_in_future", &rule.basis));
        }
    }
    if let (Some(rule), Some(iat)) = (&time.iat_max_age, date("iat")) {
        if now - iat > rule.seconds as f64 + leeway {
            return Some(("token_too_old", &rule.basis));
        }
    }
    if let (Some(rule), Some(exp)) = (&time.max_lifetime, date("exp")) {
        if exp - date("iat").unwrap_or(now) > rule.seconds as f64 {
            return Some(("lifetime_too_long", &rule.basis));
        }
    }
    None
}

// ---- byte-level helpers ----

/// A TEST KEY of `alg`'s family, derived from `label` (which is also its `kid`).
pub(crate) fn test_key(alg: Alg, label: &str) -> Key {
    Key::test_for(alg, label)
}
