//! For each rule of a profile, claims (or a header, or a context) that break exactly that rule,
//! with the reason code policy.md gives for it.
//!
//! Every rule comes from the profile model: required claims, each [`Shape`] rule at any depth
//! (type, length, allowed values, integral dates, object members, array items, JSON text), the
//! registered-claim rules of policy.md §5 (dates in range, `exp` past, `nbf` ahead), the issuer
//! and audience, the header's `typ` and `kid`, the algorithm allow-list and identity binding.

use idjwt::contract::checks;
use idjwt::engine::claims::{MAX_NUMERIC_DATE, REGISTERED};
use idjwt::engine::Alg;
use idjwt::profile::{Profile, Shape, ValueType};
use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::{Map, Value};

use crate::plan::{Plan, BASE_NOW, DATE_CLAIMS};
use crate::support::{context, disallowed_alg};
use crate::valid::{user_id, valid, Valid};
use crate::values::{date, extra_name, fitting, fitting_object, string_of, wrong_type, DECADE};

/// What was broken, for the divergence filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Missing,
    WrongType,
    DateBelowRange,
    DateAboveRange,
    Expired,
    NotYetValid,
    Length,
    Value,
    Integral,
    Shape,
    Issuer,
    Audience,
    Header,
    Alg,
    Binding,
    /// A profile's own rule beyond shapes: a one-of group, an `iat` bound, the lifetime.
    OwnRule,
}

/// One rule of a profile, broken.
#[derive(Clone, Debug)]
pub struct Breach {
    /// Which rule: `identity.external_id: at least 1 character`.
    pub rule: String,
    /// The reason code policy.md gives: the reference must answer exactly this.
    pub code: &'static str,
    /// The contract check a verify request delegates it through, if it is delegated.
    pub check: Option<&'static str>,
    pub kind: Kind,
    /// The top-level claim (or header member) it is about, if any.
    pub claim: Option<String>,
    /// The offending value, where one was written.
    pub value: Option<Value>,
}

/// How a valid plan is turned into a broken one.
#[derive(Clone, Debug)]
enum Edit {
    Remove(String),
    Set(String, Value),
    RemoveHeader(String),
    SetHeader(String, Value),
    SignWith(Alg),
    Claim(String),
    RemoveAll(Vec<String>),
    /// `exp` this many seconds past the profile's maximum lifetime from `iat` (or now).
    OutliveBy(i64),
}

/// A plan breaking exactly one rule.
#[derive(Clone, Debug)]
pub struct Broken {
    pub plan: Plan,
    pub breach: Breach,
}

impl Breach {
    /// Whether the verify request asks the implementation itself to enforce the rule: the
    /// layers below the profile (algorithm, registered claims, issuer, audience, presence).
    pub fn delegated(&self) -> bool {
        let registered = self
            .claim
            .as_deref()
            .is_some_and(|c| REGISTERED.contains(&c));
        self.check.is_some()
            || self.kind == Kind::Alg
            || (self.kind == Kind::WrongType && registered)
    }
}

fn breach(rule: String, code: &'static str, check: Option<&'static str>, kind: Kind) -> Breach {
    Breach {
        rule,
        code,
        check,
        kind,
        claim: None,
        value: None,
    }
}

type Breaking = (Breach, BoxedStrategy<Value>);

/// Values breaking exactly one rule of `shape`, with the code each gets. `claim` is the
/// top-level claim name when the shape is a claim's (dates are judged by name).
fn broken_values(shape: &Shape, claim: &str, path: &str) -> Vec<Breaking> {
    let mut out: Vec<Breaking> = Vec::new();
    let is_date = shape.kind == ValueType::NumericDate;
    if let Some(s) = wrong_type(shape.kind) {
        let check = is_date.then_some(checks::DATE_TYPES);
        let rule = format!("{path}: of type {:?}", shape.kind);
        out.push((breach(rule, "claim_type", check, Kind::WrongType), s));
    }
    match shape.kind {
        ValueType::NumericDate => out.extend(broken_dates(shape.integral, claim, path)),
        ValueType::String => out.extend(broken_strings(shape, path)),
        ValueType::JsonText => {
            let not_json = prop::sample::select(vec![
                "",
                "{",
                "not json",
                "{\"a\":1,\"a\":2}",
                "[1,]",
                "{'a':1}",
                "\"\\ud800\"",
            ])
            .prop_map(|s| Value::String(s.to_owned()));
            let rule = format!("{path}: holds JSON text");
            out.push((
                breach(rule, "claim_shape", None, Kind::Shape),
                not_json.boxed(),
            ));
            if let Some(inner) = &shape.json {
                for (b, s) in broken_values(inner, "", &format!("{path} (embedded)")) {
                    let text = s.prop_map(|v| Value::String(v.to_string())).boxed();
                    out.push((breach(b.rule, "claim_shape", None, Kind::Shape), text));
                }
            }
        }
        ValueType::Array => {
            if let Some(items) = &shape.items {
                for (b, bad) in broken_values(items, "", &format!("{path}[]")) {
                    let good = proptest::collection::vec(fitting(items, ""), 0..3);
                    let array = (good, bad, any::<prop::sample::Index>()).prop_map(
                        |(mut list, bad, at)| {
                            list.insert(at.index(list.len() + 1), bad);
                            Value::Array(list)
                        },
                    );
                    out.push((b, array.boxed()));
                }
            }
        }
        ValueType::Object => out.extend(broken_objects(shape, path)),
        ValueType::Any | ValueType::Boolean | ValueType::Number => {}
    }
    out
}

fn broken_dates(integral: bool, claim: &str, path: &str) -> Vec<Breaking> {
    if !DATE_CLAIMS.contains(&claim) {
        return Vec::new();
    }
    let mut out: Vec<Breaking> = Vec::new();
    let rule = |what: &str| format!("{path}: {what}");
    let below = prop_oneof![
        Just(Value::from(-1)),
        (-DECADE..0i64).prop_map(Value::from),
        Just(Value::from(if integral { -4.0 } else { -0.25 })),
    ];
    out.push((
        breach(
            rule("not before 1970"),
            "date_out_of_range",
            Some(checks::DATE_TYPES),
            Kind::DateBelowRange,
        ),
        below.boxed(),
    ));
    let max = MAX_NUMERIC_DATE as i64;
    let above = prop_oneof![
        // Milliseconds instead of seconds.
        (0..DECADE).prop_map(|o| Value::from((BASE_NOW + o) * 1000)),
        (max + 1..max + DECADE).prop_map(Value::from),
    ];
    out.push((
        breach(
            rule("not after 9999"),
            "date_out_of_range",
            Some(checks::DATE_TYPES),
            Kind::DateAboveRange,
        ),
        above.boxed(),
    ));
    if integral {
        let lo = if claim == "exp" { 60 } else { -DECADE };
        let hi = if claim == "exp" { DECADE } else { 0 };
        let fractional = (lo..hi, 1..4u8)
            .prop_map(|(o, q)| Value::from(BASE_NOW as f64 + o as f64 + f64::from(q) / 4.0));
        out.push((
            breach(rule("integral"), "not_integral", None, Kind::Integral),
            fractional.boxed(),
        ));
    }
    if claim == "exp" {
        out.push((
            breach(
                rule("not expired"),
                "expired",
                Some(checks::EXPIRY),
                Kind::Expired,
            ),
            date(-DECADE, -5, integral),
        ));
    }
    if claim == "nbf" {
        out.push((
            breach(
                rule("already valid"),
                "not_yet_valid",
                Some(checks::NOT_BEFORE),
                Kind::NotYetValid,
            ),
            date(5, DECADE, integral),
        ));
    }
    out
}

fn broken_strings(shape: &Shape, path: &str) -> Vec<Breaking> {
    let mut out: Vec<Breaking> = Vec::new();
    if let Some(min) = shape.min_chars.filter(|m| *m > 0) {
        out.push((
            breach(
                format!("{path}: at least {min} characters"),
                "claim_length",
                None,
                Kind::Length,
            ),
            string_of(0, Some(min - 1)).prop_map(Value::String).boxed(),
        ));
    }
    if let Some(max) = shape.max_chars {
        out.push((
            breach(
                format!("{path}: at most {max} characters"),
                "claim_length",
                None,
                Kind::Length,
            ),
            string_of(max + 1, Some(max + 16))
                .prop_map(Value::String)
                .boxed(),
        ));
    }
    if let Some(values) = &shape.values {
        let (min, max) = (shape.min_chars.unwrap_or(0), shape.max_chars);
        let near: Vec<String> = values
            .iter()
            .flat_map(|v| {
                [
                    v.to_uppercase(),
                    v.to_lowercase(),
                    format!("{v} "),
                    format!(" {v}"),
                    format!("{v}s"),
                ]
            })
            .collect();
        let allowed = values.clone();
        let other = prop_oneof![prop::sample::select(near), string_of(min, max)].prop_filter(
            "not an allowed value, of an allowed length",
            move |s| {
                let n = s.chars().count();
                !allowed.contains(s) && n >= min && max.is_none_or(|m| n <= m)
            },
        );
        out.push((
            breach(
                format!("{path}: one of {values:?}"),
                "claim_value",
                None,
                Kind::Value,
            ),
            other.prop_map(Value::String).boxed(),
        ));
    }
    out
}

fn broken_objects(shape: &Shape, path: &str) -> Vec<Breaking> {
    let mut out: Vec<Breaking> = Vec::new();
    if let Some(min) = shape.min_members.filter(|m| *m > 0) {
        out.push((
            breach(
                format!("{path}: at least {min} members"),
                "claim_shape",
                None,
                Kind::Shape,
            ),
            Just(Value::Object(Map::new())).boxed(),
        ));
    }
    for m in &shape.members {
        let member_path = format!("{path}.{}", m.name);
        if m.required {
            let name = m.name.clone();
            let without = fitting_object(shape, Map::new()).prop_map(move |mut v| {
                if let Some(o) = v.as_object_mut() {
                    o.remove(&name);
                }
                v
            });
            out.push((
                breach(
                    format!("{member_path}: required"),
                    "claim_shape",
                    None,
                    Kind::Shape,
                ),
                without.boxed(),
            ));
        }
        for (b, bad) in broken_values(&m.shape, "", &member_path) {
            let (outer, name) = (shape.clone(), m.name.clone());
            let object = bad.prop_flat_map(move |bad| {
                let mut fixed = Map::new();
                fixed.insert(name.clone(), bad);
                fitting_object(&outer, fixed)
            });
            out.push((b, object.boxed()));
        }
    }
    if let Some(other) = &shape.other_members {
        for (b, bad) in broken_values(other, "", &format!("{path}.*")) {
            let outer = shape.clone();
            let object = (extra_name(shape), bad).prop_flat_map(move |(name, bad)| {
                let mut fixed = Map::new();
                fixed.insert(name, bad);
                fitting_object(&outer, fixed)
            });
            out.push((b, object.boxed()));
        }
    }
    out
}

/// Every rule of `profile` with the edits that break it.
fn rules(profile: &'static Profile) -> Vec<(Breach, BoxedStrategy<Edit>)> {
    let mut out: Vec<(Breach, BoxedStrategy<Edit>)> = Vec::new();
    let set =
        |name: &str, breaking: Vec<Breaking>, out: &mut Vec<(Breach, BoxedStrategy<Edit>)>| {
            for (mut b, s) in breaking {
                b.claim = Some(name.to_owned());
                // `aud`'s type is part of the audience check the request delegates.
                if name == "aud" && b.kind == Kind::WrongType {
                    b.check = b.check.or(Some(checks::AUDIENCE));
                }
                let name = name.to_owned();
                out.push((b, s.prop_map(move |v| Edit::Set(name.clone(), v)).boxed()));
            }
        };
    for rule in &profile.claims {
        let path = &rule.name;
        if rule.required {
            let mut b = breach(
                format!("{path}: required"),
                "missing_claim",
                Some(checks::REQUIRED_CLAIMS),
                Kind::Missing,
            );
            b.claim = Some(rule.name.clone());
            out.push((b, Just(Edit::Remove(rule.name.clone())).boxed()));
        }
        set(path, broken_values(&rule.shape, path, path), &mut out);
    }
    let resolved = |v: &Option<idjwt::profile::ExpectedValue>| {
        v.as_ref()
            .and_then(|e| e.resolve(&context(0, 0, None).config).ok())
    };
    if let Some(iss) = resolved(&profile.issuer) {
        let near = vec![
            iss.to_uppercase(),
            format!("{iss} "),
            format!("https://{iss}"),
            format!("{iss}."),
        ];
        let other = prop_oneof![prop::sample::select(near), string_of(0, Some(16))]
            .prop_filter("another issuer", move |s| *s != iss)
            .prop_map(Value::String);
        let b = breach(
            "iss: the expected issuer".into(),
            "issuer_mismatch",
            Some(checks::ISSUER),
            Kind::Issuer,
        );
        set("iss", vec![(b, other.boxed())], &mut out);
    }
    if let Some(aud) = resolved(&profile.audience) {
        let (a1, a2) = (aud.clone(), aud.clone());
        let other = string_of(0, Some(16)).prop_filter("another audience", move |s| *s != a1);
        let others = proptest::collection::vec(string_of(0, Some(16)), 1..4)
            .prop_filter("without the audience", move |l| !l.contains(&a2));
        let value = prop_oneof![
            other.prop_map(Value::String),
            others.prop_map(|l| Value::Array(l.into_iter().map(Value::String).collect())),
        ];
        let b = breach(
            "aud: the expected audience".into(),
            "audience_mismatch",
            Some(checks::AUDIENCE),
            Kind::Audience,
        );
        set("aud", vec![(b, value.boxed())], &mut out);
        let wrong = prop_oneof![
            Just(Value::Array(Vec::new())),
            wrong_type(ValueType::String).expect("strings restrict the type"),
        ]
        .prop_filter("not an array of strings", |v| {
            !v.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string))
        });
        let b = breach(
            "aud: a string or a non-empty array of strings".into(),
            "claim_type",
            Some(checks::AUDIENCE),
            Kind::WrongType,
        );
        set("aud", vec![(b, wrong.boxed())], &mut out);
    }
    if profile.claim("nbf").is_none() {
        let shape: Shape = serde_json::from_value(serde_json::json!({"type": "numeric_date"}))
            .expect("a numeric_date shape");
        set("nbf", broken_values(&shape, "nbf", "nbf"), &mut out);
    }
    if let Some(typ) = &profile.header.typ {
        let header = |rule: &str, code| Breach {
            claim: Some("typ".into()),
            ..breach(format!("header {rule}"), code, None, Kind::Header)
        };
        out.push((
            header("typ: required", "header_missing"),
            Just(Edit::RemoveHeader("typ".into())).boxed(),
        ));
        let expected = typ.value.clone();
        let other = string_of(0, Some(8))
            .prop_filter("not the typ", move |s| !s.eq_ignore_ascii_case(&expected))
            .prop_map(|s| Edit::SetHeader("typ".into(), Value::String(s)));
        out.push((
            header(&format!("typ: {:?}", typ.value), "header_value"),
            other.boxed(),
        ));
        let wrong = wrong_type(ValueType::String)
            .expect("strings restrict the type")
            .prop_map(|v| Edit::SetHeader("typ".into(), v));
        out.push((header("typ: a string", "header_member_type"), wrong.boxed()));
    }
    if profile.header.kid.as_ref().is_some_and(|k| k.required) {
        out.push((
            Breach {
                claim: Some("kid".into()),
                ..breach(
                    "header kid: required".into(),
                    "header_missing",
                    None,
                    Kind::Header,
                )
            },
            Just(Edit::RemoveHeader("kid".into())).boxed(),
        ));
    }
    if let Some(alg) = disallowed_alg(profile) {
        out.push((
            breach(
                format!("alg: one of {:?}", profile.algorithms.allowed),
                "alg_not_allowed",
                None,
                Kind::Alg,
            ),
            Just(Edit::SignWith(alg)).boxed(),
        ));
    }
    own_rules(profile, &mut out);
    out.push((
        breach(
            "identity: bound to the claimed user id".into(),
            "identity_mismatch",
            None,
            Kind::Binding,
        ),
        user_id(profile).prop_map(Edit::Claim).boxed(),
    ));
    out
}

/// The profile's one-of groups and time rules (policy.md §6.9), each broken alone.
fn own_rules(profile: &'static Profile, out: &mut Vec<(Breach, BoxedStrategy<Edit>)>) {
    let own = |rule: String, code| breach(rule, code, None, Kind::OwnRule);
    for group in &profile.one_of {
        out.push((
            own(format!("one of {:?}", group.claims), "missing_one_of"),
            Just(Edit::RemoveAll(group.claims.clone())).boxed(),
        ));
    }
    let time = &profile.time;
    let integral = profile.claim("iat").is_some_and(|r| r.shape.integral);
    let set_iat = |v: Value| Edit::Set("iat".into(), v);
    if let Some(rule) = &time.iat_max_future {
        let ahead = date(rule.seconds as i64 + 1, DECADE, integral).prop_map(set_iat);
        let b = Breach {
            claim: Some("iat".into()),
            ..own(
                format!("iat: at most {}s ahead", rule.seconds),
                "issued_in_future",
            )
        };
        out.push((b, ahead.boxed()));
    }
    if let Some(rule) = &time.iat_max_age {
        let old = date(-DECADE, -(rule.seconds as i64) - 1, integral).prop_map(set_iat);
        let b = Breach {
            claim: Some("iat".into()),
            ..own(
                format!("iat: at most {}s old", rule.seconds),
                "token_too_old",
            )
        };
        out.push((b, old.boxed()));
    }
    if let Some(rule) = &time.max_lifetime {
        let b = Breach {
            claim: Some("exp".into()),
            ..own(
                format!("exp: at most {}s after iat", rule.seconds),
                "lifetime_too_long",
            )
        };
        out.push((b, (1..DECADE).prop_map(Edit::OutliveBy).boxed()));
    }
}

fn apply(valid: Valid, mut b: Breach, edit: Edit) -> Broken {
    let mut plan = valid.plan;
    match edit {
        Edit::Remove(name) => {
            plan.claims.remove(&name);
        }
        Edit::Set(name, value) => {
            b.value = Some(value.clone());
            plan.claims.insert(name, value);
        }
        Edit::RemoveHeader(name) => {
            plan.header.remove(&name);
        }
        Edit::SetHeader(name, value) => {
            b.value = Some(value.clone());
            plan.header.insert(name, value);
        }
        Edit::SignWith(alg) => plan.alg = alg,
        Edit::RemoveAll(names) => {
            for name in names {
                plan.claims.remove(&name);
            }
        }
        Edit::OutliveBy(extra) => {
            let max = plan
                .profile
                .time
                .max_lifetime
                .as_ref()
                .map_or(0, |r| r.seconds);
            let start = plan
                .claims
                .get("iat")
                .and_then(Value::as_i64)
                .unwrap_or(BASE_NOW);
            let exp = Value::from(start + max as i64 + extra);
            b.value = Some(exp.clone());
            plan.claims.insert("exp".into(), exp);
        }
        Edit::Claim(mut claimed) => {
            if claimed == valid.user_id {
                claimed.push('x');
            }
            plan.claimed_user_id = Some(claimed);
        }
    }
    Broken { plan, breach: b }
}

/// A plan for `profile` breaking exactly one of its rules, any of them.
pub fn broken(profile: &'static Profile) -> BoxedStrategy<Broken> {
    let arms: Vec<BoxedStrategy<Broken>> = rules(profile)
        .into_iter()
        .map(|(b, edit)| {
            (valid(profile), edit)
                .prop_map(move |(v, e)| apply(v, b.clone(), e))
                .boxed()
        })
        .collect();
    Union::new(arms).boxed()
}

/// A plan for any built-in profile breaking exactly one of its rules.
pub fn any_broken() -> BoxedStrategy<Broken> {
    prop::sample::select(idjwt::profile::builtins().iter().collect::<Vec<_>>())
        .prop_flat_map(broken)
        .boxed()
}
