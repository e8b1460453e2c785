//! Known divergences: behaviour policy.md calls wrong that an implementation has and that
//! `vectors/exceptions/<implementation>.json` already records, with its reason and basis.
//!
//! A property leaves an implementation out of a case only when a class below covers it, and
//! every class names the exceptions entry that records it (a test checks the entry exists), so
//! nothing is skipped silently and a class whose entry is dropped fails here too. Limitations
//! an implementation declares (`cannot_enforce`) are the other, separate filter
//! ([`crate::support::Subject::cannot`]).

use serde_json::Value;

use crate::broken::{Broken, Kind};
use crate::plan::{Plan, DATE_CLAIMS};

/// A kind of deviation from policy.md, shared by the vectors that show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// NumericDates are read as integers only: a fraction (`1700000000.25`) is refused.
    FractionsRefused,
    /// Fractional NumericDates are truncated or rounded to whole seconds: Zendesk's integral
    /// rule never sees the fraction, and times within a second of a boundary are misjudged.
    FractionsToWholeSeconds,
    /// No year-9999 bound: a date beyond it (one in milliseconds) is accepted.
    NoUpperDateBound,
    /// Dates before 1970 are accepted.
    NegativeDatesAccepted,
    /// A registered claim set to `null` is read as absent.
    NullIsAbsent,
    /// `iss`, `sub` and `jti` of another JSON type than string pass.
    RegisteredStringsUntyped,
    /// `exp == now + leeway` is still accepted (off by one second).
    ExpBoundaryOffByOne,
    /// No leeway can be given: `exp` and `nbf` are compared with `now` alone.
    NoLeeway,
    /// A `typ` other than `JWT` is refused by the library itself.
    TypOtherThanJwtRefused,
}

/// One implementation's divergence of a class, and the exceptions entry recording it.
pub struct Known {
    pub implementation: &'static str,
    pub class: Class,
    /// A case id in `vectors/exceptions/<implementation>.json`.
    pub recorded_as: &'static str,
}

const fn known(implementation: &'static str, class: Class, recorded_as: &'static str) -> Known {
    Known {
        implementation,
        class,
        recorded_as,
    }
}

/// Every divergence a property filters on.
/// Every divergence a property filters on.
pub const KNOWN: &[Known] = &[
    known(
        "biscuit",
        Class::FractionsRefused,
        "claims::iat-fraction@drift",
    ),
    known(
        "jsonwebtoken",
        Class::FractionsToWholeSeconds,
        "claims::exp-half-second-ago@drift",
    ),
    known(
        "jwt-simple",
        Class::FractionsToWholeSeconds,
        "zendesk::exp-fraction",
    ),
    known(
        "jwt-compact",
        Class::FractionsToWholeSeconds,
        "zendesk::exp-fraction",
    ),
    known(
        "jsonwebtoken",
        Class::NoUpperDateBound,
        "claims::exp-milliseconds@drift",
    ),
    known(
        "jwt-simple",
        Class::NoUpperDateBound,
        "claims::exp-milliseconds@drift",
    ),
    known(
        "jwt-compact",
        Class::NoUpperDateBound,
        "claims::exp-milliseconds@drift",
    ),
    known(
        "josekit",
        Class::NoUpperDateBound,
        "claims::exp-milliseconds@drift",
    ),
    known(
        "biscuit",
        Class::NoUpperDateBound,
        "claims::exp-milliseconds@drift",
    ),
    known(
        "biscuit",
        Class::NegativeDatesAccepted,
        "claims::nbf-negative@drift",
    ),
    known(
        "jwt-compact",
        Class::NegativeDatesAccepted,
        "claims::nbf-negative@drift",
    ),
    known("biscuit", Class::NullIsAbsent, "claims::sub-null@intercom"),
    known(
        "jsonwebtoken",
        Class::NullIsAbsent,
        "claims::sub-null@intercom",
    ),
    known("jwt-simple", Class::NullIsAbsent, "claims::sub-null@drift"),
    known(
        "jwt-compact",
        Class::NullIsAbsent,
        "claims::sub-null@intercom",
    ),
    known(
        "jsonwebtoken",
        Class::RegisteredStringsUntyped,
        "claims::sub-number@intercom",
    ),
    known(
        "jwt-compact",
        Class::RegisteredStringsUntyped,
        "claims::sub-number@intercom",
    ),
    known(
        "jsonwebtoken",
        Class::ExpBoundaryOffByOne,
        "claims::exp-at-leeway-boundary@drift",
    ),
    known(
        "jwt-simple",
        Class::ExpBoundaryOffByOne,
        "claims::exp-at-leeway-boundary@drift",
    ),
    known(
        "jwt-compact",
        Class::ExpBoundaryOffByOne,
        "claims::exp-at-leeway-boundary@drift",
    ),
    known(
        "biscuit",
        Class::ExpBoundaryOffByOne,
        "claims::exp-at-leeway-boundary@drift",
    ),
    known(
        "josekit",
        Class::NoLeeway,
        "claims::exp-leeway-covers-now@drift",
    ),
    known(
        "jwt-simple",
        Class::TypOtherThanJwtRefused,
        "header::typ-other-value@drift",
    ),
];

/// Whether `implementation` has a divergence of `class`.
pub fn has(implementation: &str, class: Class) -> bool {
    KNOWN
        .iter()
        .any(|k| k.implementation == implementation && k.class == class)
}

fn fractional(v: &Value) -> bool {
    v.as_f64().is_some_and(|f| f.fract() != 0.0)
}

/// Why `implementation` is left out of a valid plan, if it is.
pub fn valid(implementation: &str, plan: &Plan) -> Option<Class> {
    let dates = || DATE_CLAIMS.iter().filter_map(|d| plan.claims.get(*d));
    if dates().any(fractional) && has(implementation, Class::FractionsRefused) {
        return Some(Class::FractionsRefused);
    }
    None
}

/// Why `implementation` is left out of a broken plan, if it is.
pub fn broken(implementation: &str, b: &Broken) -> Option<Class> {
    if let Some(class) = valid(implementation, &b.plan) {
        return Some(class);
    }
    let claim = b.breach.claim.as_deref().unwrap_or_default();
    let registered = idjwt::engine::claims::REGISTERED.contains(&claim);
    let class = match b.breach.kind {
        Kind::DateAboveRange => Class::NoUpperDateBound,
        // Truncated toward zero, a date in (-1, 0) becomes 0: in range.
        Kind::DateBelowRange
            if b.breach.value.as_ref().is_some_and(fractional)
                && has(implementation, Class::FractionsToWholeSeconds) =>
        {
            Class::FractionsToWholeSeconds
        }
        Kind::DateBelowRange => Class::NegativeDatesAccepted,
        Kind::Integral => Class::FractionsToWholeSeconds,
        Kind::WrongType if registered && b.breach.value == Some(Value::Null) => Class::NullIsAbsent,
        Kind::WrongType if ["iss", "sub", "jti"].contains(&claim) => {
            Class::RegisteredStringsUntyped
        }
        Kind::Header if claim == "typ" => Class::TypOtherThanJwtRefused,
        _ => return None,
    };
    has(implementation, class).then_some(class)
}

#[test]
fn every_known_divergence_is_recorded_in_the_exceptions() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/exceptions");
    for k in KNOWN {
        let path = format!("{dir}/{}.json", k.implementation);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let recorded = file["divergences"]
            .as_array()
            .is_some_and(|list| list.iter().any(|d| d["id"] == k.recorded_as));
        assert!(
            recorded,
            "{:?} of {} cites {}, which {path} does not list",
            k.class, k.implementation, k.recorded_as
        );
    }
}
