//! A valid claims set for any profile, derived from its rules: the user id (any string the
//! rule admits), every required claim, each optional claim or not, the issuer and audience the
//! profile expects, optional `nbf` and `iat`, and unknown claims, with dates around now.

use idjwt::profile::{Profile, Shape};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::plan::{Plan, BASE_NOW};
use crate::values::{date, fitting, fitting_object, leaf, string_of, valid_date, DECADE};

/// A valid plan and the identity it names.
#[derive(Clone, Debug)]
pub struct Valid {
    pub plan: Plan,
    pub user_id: String,
}

/// The shape of the user id: the identity claim's, or its member's.
fn user_id_shape(profile: &Profile) -> Shape {
    let uid = &profile.identity.user_id;
    let claim = profile.claim(&uid.claim).map(|r| &r.shape);
    let member = uid.member.as_ref().and_then(|m| {
        claim.and_then(|s| s.members.iter().find(|r| &r.name == m).map(|r| &r.shape))
    });
    member
        .or(claim)
        .cloned()
        .unwrap_or_else(|| serde_json::from_value(serde_json::json!({"type": "string"})).unwrap())
}

/// Any user id the profile's rules admit.
pub fn user_id(profile: &Profile) -> BoxedStrategy<String> {
    let shape = user_id_shape(profile);
    string_of(shape.min_chars.unwrap_or(0), shape.max_chars)
}

/// The value of claim `name` in a valid token for `user_id`.
fn claim_value(profile: &'static Profile, name: &str, user_id: &str) -> BoxedStrategy<Value> {
    let rule = profile.claim(name).expect("a claim of the profile");
    let uid = &profile.identity.user_id;
    let resolved = |v: &Option<idjwt::profile::ExpectedValue>| {
        v.as_ref().map(|e| {
            e.resolve(&crate::support::context(0, 0, None).config)
                .expect("the test context configures every value")
        })
    };
    if name == uid.claim {
        return match &uid.member {
            None => Just(Value::String(user_id.to_owned())).boxed(),
            Some(member) => {
                let mut fixed = Map::new();
                fixed.insert(member.clone(), Value::String(user_id.to_owned()));
                fitting_object(&rule.shape, fixed)
            }
        };
    }
    if name == "iss" {
        if let Some(iss) = resolved(&profile.issuer) {
            return Just(Value::String(iss)).boxed();
        }
    }
    if name == "iat" {
        return valid_iat(profile, rule.shape.integral);
    }
    // An `aud` array holding the audience is valid, unless the profile wants a string (UserJot).
    let aud_may_be_array = rule.shape.kind != idjwt::profile::ValueType::String;
    if name == "aud" && !aud_may_be_array {
        if let Some(aud) = resolved(&profile.audience) {
            return Just(Value::String(aud)).boxed();
        }
    }
    if name == "aud" {
        if let Some(aud) = resolved(&profile.audience) {
            let others = proptest::collection::vec(string_of(0, Some(8)), 0..3);
            return prop_oneof![
                Just(Value::String(aud.clone())),
                (others, any::<prop::sample::Index>()).prop_map(move |(mut list, at)| {
                    list.insert(at.index(list.len() + 1), aud.clone());
                    Value::Array(list.into_iter().map(Value::String).collect())
                }),
            ]
            .boxed();
        }
    }
    fitting(&rule.shape, name)
}

/// An `iat` the profile's time rules admit: never in the future, no older than the maximum age,
/// and early enough that an `exp` a minute ahead fits the maximum lifetime.
fn valid_iat(profile: &Profile, integral: bool) -> BoxedStrategy<Value> {
    let time = &profile.time;
    let oldest = [
        Some(DECADE),
        time.iat_max_age.as_ref().map(|r| r.seconds as i64),
        time.max_lifetime.as_ref().map(|r| r.seconds as i64 - 60),
    ];
    let oldest = oldest.into_iter().flatten().min().unwrap_or(DECADE);
    date(-oldest, 0, integral)
}

/// The claims with `exp` brought within the profile's maximum lifetime from `iat` (never below
/// a minute ahead, which [`valid_iat`] leaves room for).
fn within_lifetime(profile: &Profile, claims: &mut Map<String, Value>) {
    let Some(max) = profile.time.max_lifetime.as_ref().map(|r| r.seconds as f64) else {
        return;
    };
    let date = |name: &str| claims.get(name).and_then(Value::as_f64);
    let start = date("iat").unwrap_or(BASE_NOW as f64);
    if date("exp").is_some_and(|exp| exp - start > max) {
        let capped = start + max;
        let value = if capped.fract() == 0.0 {
            Value::from(capped as i64)
        } else {
            Value::from(capped)
        };
        claims.insert("exp".to_owned(), value);
    }
}

/// The user id a verified token names: the first preferred claim present (`name:value`), else
/// the one generated.
fn named_user(profile: &Profile, claims: &Map<String, Value>, generated: String) -> String {
    profile
        .identity
        .user_id
        .preferred_claims
        .iter()
        .find_map(|name| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(|v| format!("{name}:{v}"))
        })
        .unwrap_or(generated)
}

/// Claims no rule names and RFC 7519 does not register: passed through untouched.
fn unknown_claims() -> BoxedStrategy<Vec<(String, Value)>> {
    proptest::collection::vec(("x_[a-z]{1,6}", leaf()), 0..3).boxed()
}

/// A valid plan for `profile`.
pub fn valid(profile: &'static Profile) -> BoxedStrategy<Valid> {
    user_id(profile)
        .prop_flat_map(move |uid| {
            let mut parts: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
            for rule in &profile.claims {
                let name = rule.name.clone();
                let value =
                    claim_value(profile, &rule.name, &uid).prop_map(move |v| (name.clone(), v));
                let is_identity = rule.name == profile.identity.user_id.claim;
                parts.push(if rule.required || is_identity {
                    value.prop_map(Some).boxed()
                } else {
                    proptest::option::of(value).boxed()
                });
            }
            for name in ["nbf", "iat"] {
                if profile.claim(name).is_none() {
                    let date = valid_date(name, false).prop_map(move |v| (name.to_owned(), v));
                    parts.push(proptest::option::weighted(0.3, date).boxed());
                }
            }
            (Just(uid), parts, unknown_claims())
        })
        .prop_map(move |(user_id, parts, unknown)| {
            let mut claims = Map::new();
            for (k, v) in parts.into_iter().flatten().chain(unknown) {
                claims.entry(k).or_insert(v);
            }
            within_lifetime(profile, &mut claims);
            Valid {
                user_id: named_user(profile, &claims, user_id),
                plan: Plan::new(profile, claims),
            }
        })
        .boxed()
}

/// A valid plan for any built-in profile.
pub fn any_valid() -> BoxedStrategy<Valid> {
    proptest::sample::select(idjwt::profile::builtins().iter().collect::<Vec<_>>())
        .prop_flat_map(valid)
        .boxed()
}
