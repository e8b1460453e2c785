//! Property 4: `exp` and `nbf` against `now` and `leeway` follow policy.md §5 exactly: expired
//! when `now ≥ exp + leeway`, not yet valid when `now + leeway < nbf`, at and around every
//! boundary, whole seconds and fractions.
//!
//! Implementations given the time verify at [`BASE_NOW`]; those that read the system clock get
//! the token minted at the current second and, when the second changes before the answer, the
//! measurement is taken again (as the conformance runner does).

use idjwt::contract::{checks, Clock};
use idjwt::Verdict;
use proptest::prelude::*;
use serde_json::Value;

use crate::divergences::{self, Class};
use crate::plan::{Plan, BASE_NOW};
use crate::support::{config, context, judge, subjects, wall_clock, Judged, Subject};
use crate::valid::any_valid;

/// Dates as offsets from `now`, in seconds.
#[derive(Clone, Copy, Debug)]
struct Times {
    leeway: u64,
    exp: Option<f64>,
    nbf: Option<f64>,
}

impl Times {
    /// policy.md §5, with this leeway.
    fn expired(&self, leeway: f64) -> bool {
        self.exp.is_some_and(|exp| 0.0 >= exp + leeway)
    }

    fn early(&self, leeway: f64) -> bool {
        self.nbf.is_some_and(|nbf| leeway < nbf)
    }

    fn valid(&self, leeway: f64) -> bool {
        !self.expired(leeway) && !self.early(leeway)
    }

    /// Whether a date lies within a second of its boundary with a fraction.
    fn fraction_near_boundary(&self) -> bool {
        let l = self.leeway as f64;
        let near = |d: f64, boundary: f64| d.fract() != 0.0 && (d - boundary).abs() < 1.0;
        self.exp.is_some_and(|e| near(e, -l)) || self.nbf.is_some_and(|n| near(n, l))
    }

    fn any_fraction(&self) -> bool {
        [self.exp, self.nbf]
            .iter()
            .flatten()
            .any(|d| d.fract() != 0.0)
    }
}

/// An offset within `leeway + 3` seconds of a boundary, whole or a quarter off.
fn offset(leeway: u64, integral: bool) -> BoxedStrategy<f64> {
    let span = leeway as i64 + 3;
    let whole = (-span..=span).prop_map(|o| o as f64);
    if integral {
        return whole.boxed();
    }
    let quarter = (-span..span, 1..4u8).prop_map(|(o, q)| o as f64 + f64::from(q) / 4.0);
    prop_oneof![whole, quarter].boxed()
}

fn times(integral: bool) -> impl Strategy<Value = Times> {
    prop_oneof![Just(0u64), 1..=120u64].prop_flat_map(move |leeway| {
        (
            proptest::option::weighted(0.8, offset(leeway, integral)),
            proptest::option::weighted(0.5, offset(leeway, false)),
        )
            .prop_map(move |(exp, nbf)| Times { leeway, exp, nbf })
    })
}

fn date(offset: f64) -> Value {
    if offset.fract() == 0.0 {
        Value::from(BASE_NOW + offset as i64)
    } else {
        Value::from(BASE_NOW as f64 + offset)
    }
}

/// The plan with its `exp` and `nbf` replaced; `exp` stays where the profile requires it, and an
/// `iat` is moved to now, so that the profile's own time rules (age, lifetime) hold whatever
/// `exp` becomes.
fn with_times(mut plan: Plan, t: &Times) -> Plan {
    if plan.claims.contains_key("iat") && !plan.profile.time.is_empty() {
        plan.claims.insert("iat".into(), date(0.0));
    }
    for (name, offset) in [("exp", t.exp), ("nbf", t.nbf)] {
        match offset {
            Some(o) => {
                plan.claims.insert(name.into(), date(o));
            }
            None if plan.profile.claim(name).is_some_and(|r| r.required) => {
                plan.claims.insert(name.into(), date(3_600.0));
            }
            None => {
                plan.claims.remove(name);
            }
        }
    }
    plan
}

/// Why an implementation is left out of these times, if it is.
fn left_out(s: &Subject, plan: &Plan, t: &Times) -> Option<Class> {
    if let Some(class) = divergences::valid(s.name(), plan) {
        return Some(class);
    }
    let name = s.name();
    let l = t.leeway as f64;
    let classes = [
        (
            Class::ExpBoundaryOffByOne,
            t.exp.is_some_and(|e| e + l == 0.0),
        ),
        (Class::NoLeeway, t.valid(l) != t.valid(0.0)),
        (Class::FractionsToWholeSeconds, t.fraction_near_boundary()),
        (Class::FractionsRefused, t.any_fraction()),
    ];
    classes
        .into_iter()
        .find(|(class, applies)| *applies && divergences::has(name, *class))
        .map(|(class, _)| class)
}

/// The subject's verdict on the plan at its own clock.
fn measure(s: &Subject, plan: &Plan, leeway: u64) -> Result<Option<Judged>, TestCaseError> {
    let keys = plan.configured_keys();
    if s.desc.clock == Clock::Injected {
        let ctx = context(BASE_NOW, leeway, None);
        return judge(s, plan.profile, &ctx, &plan.sign_at(BASE_NOW), &keys).map(Some);
    }
    for _ in 0..4 {
        let now = wall_clock();
        let ctx = context(now, leeway, None);
        let j = judge(s, plan.profile, &ctx, &plan.sign_at(now), &keys)?;
        if wall_clock() == now {
            return Ok(Some(j));
        }
    }
    // Four second boundaries crossed in a row: nothing measured.
    Ok(None)
}

proptest! {
    #![proptest_config(config(regressions!("time_bounds")))]

    #[test]
    fn exp_and_nbf_follow_the_policy_at_every_boundary(
        (v, t) in any_valid().prop_flat_map(|v| {
            let integral = v.plan.profile.claim("exp").is_some_and(|r| r.shape.integral);
            (Just(v), times(integral))
        })
    ) {
        let plan = with_times(v.plan, &t);
        let l = t.leeway as f64;
        let (expired, early) = (t.expired(l), t.early(l));
        for s in subjects() {
            if left_out(s, &plan, &t).is_some() {
                continue;
            }
            let check = if expired { Some(checks::EXPIRY) } else if early { Some(checks::NOT_BEFORE) } else { None };
            if s.cannot(check) {
                continue;
            }
            let Some(j) = measure(s, &plan, t.leeway)? else { continue };
            if !expired && !early {
                prop_assert!(
                    matches!(j.verdict, Verdict::Verified { .. }),
                    "{} refuses {:?}: {:?}", s.name(), t, j.verdict
                );
                continue;
            }
            prop_assert!(
                j.answer.is_err(),
                "{} accepts {:?} ({})", s.name(), t, if expired { "expired" } else { "not yet valid" }
            );
            if s.name() == "reference" {
                let mut codes = Vec::new();
                if expired { codes.push("expired"); }
                if early { codes.push("not_yet_valid"); }
                prop_assert!(
                    j.code().is_some_and(|c| codes.contains(&c)),
                    "reference on {:?}: {:?}, expected one of {:?}", t, j.verdict, codes
                );
            }
        }
    }
}
