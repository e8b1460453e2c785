//! Known divergences: behaviour policy.md calls wrong that an implementation has and that its
//! divergence classes in `vectors/exceptions/<implementation>.json` already record.
//!
//! A property leaves an implementation out of a case only when the implementation has a class
//! of the kind below on record, found by its name (`jsonwebtoken::no-upper-date-bound`): who has
//! which defect is written once, in the exceptions files, and a new library's file is read
//! without any change here. Limitations an implementation declares (`cannot_enforce`) are the
//! other, separate filter ([`crate::support::Subject::cannot`]).

use idjwt::suite::exceptions::embedded;
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
    /// A date past year 9999 panics inside the library instead of being refused.
    PanicsOnHugeDates,
    /// `iat` is not read at all: any JSON value passes.
    IatUnchecked,
}

impl Class {
    /// Every class, for the test that each is on record.
    const ALL: [Class; 11] = [
        Class::FractionsRefused,
        Class::FractionsToWholeSeconds,
        Class::NoUpperDateBound,
        Class::NegativeDatesAccepted,
        Class::NullIsAbsent,
        Class::RegisteredStringsUntyped,
        Class::ExpBoundaryOffByOne,
        Class::NoLeeway,
        Class::TypOtherThanJwtRefused,
        Class::PanicsOnHugeDates,
        Class::IatUnchecked,
    ];

    /// The name its divergence class has in every implementation's file
    /// (`<implementation>::<name>`).
    fn name(self) -> &'static str {
        match self {
            Class::FractionsRefused => "fractions-refused",
            Class::FractionsToWholeSeconds => "fractions-truncated",
            Class::NoUpperDateBound => "no-upper-date-bound",
            Class::NegativeDatesAccepted => "negative-dates-accepted",
            Class::NullIsAbsent => "null-is-absent",
            Class::RegisteredStringsUntyped => "registered-strings-untyped",
            Class::ExpBoundaryOffByOne => "exp-off-by-one",
            Class::NoLeeway => "no-leeway",
            Class::TypOtherThanJwtRefused => "typ-other-than-jwt-refused",
            Class::PanicsOnHugeDates => "panics-on-huge-dates",
            Class::IatUnchecked => "iat-unchecked",
        }
    }
}

/// Whether `implementation` has a divergence of `class`: whether its classes in
/// `vectors/exceptions/` (inherited ones included) have one of that name.
pub fn has(implementation: &str, class: Class) -> bool {
    embedded().classes(implementation).iter().any(|c| {
        c.class
            .id
            .split_once("::")
            .is_some_and(|(_, name)| name == class.name())
    })
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
    let beyond_year_9999 = |v: &Value| {
        v.as_f64()
            .is_some_and(|f| f > idjwt::engine::claims::MAX_NUMERIC_DATE)
    };
    if dates().any(beyond_year_9999) && has(implementation, Class::PanicsOnHugeDates) {
        return Some(Class::PanicsOnHugeDates);
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
    let iat_breach = matches!(
        b.breach.kind,
        Kind::WrongType | Kind::DateAboveRange | Kind::DateBelowRange
    );
    if claim == "iat" && iat_breach && has(implementation, Class::IatUnchecked) {
        return Some(Class::IatUnchecked);
    }
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
fn every_class_a_property_filters_on_is_on_record() {
    for class in Class::ALL {
        let holders: Vec<&str> = idjwt::impls::BUILTIN_NAMES
            .iter()
            .copied()
            .filter(|name| has(name, class))
            .collect();
        assert!(
            !holders.is_empty(),
            "no built-in implementation has a class named {}: the filter for {class:?} is dead",
            class.name()
        );
    }
}
