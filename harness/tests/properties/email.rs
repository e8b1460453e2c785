//! Property 5: where a profile trusts an email only when a flag claim is `true` (Zendesk's
//! `email_verified`), no implementation lets the email reach the identity unless that claim is
//! the JSON boolean `true`, and with `true` the email is there.

use idjwt::profile::{builtins, Profile};
use proptest::prelude::*;
use serde_json::Value;

use crate::divergences;
use crate::support::{config, context, judge, subjects, wall_clock};
use crate::valid::{valid, Valid};
use crate::values::{any_json, fitting_string};

/// The profiles with a flag-guarded email: (profile, email claim, flag claim).
fn guarded() -> Vec<(&'static Profile, String, String)> {
    builtins()
        .iter()
        .filter_map(|p| {
            let rule = p.identity.email.as_ref()?;
            Some((p, rule.claim.clone(), rule.only_if_true.clone()?))
        })
        .collect()
}

fn case() -> impl Strategy<Value = (Valid, String, Option<Value>)> {
    prop::sample::select(guarded()).prop_flat_map(|(p, email, flag)| {
        let shape = p.claim(&email).map(|r| r.shape.clone()).unwrap_or_else(|| {
            serde_json::from_value(serde_json::json!({"type": "string"})).expect("a shape")
        });
        let flag_value = prop_oneof![
            Just(None),
            Just(Some(Value::Bool(true))),
            Just(Some(Value::String("true".into()))),
            Just(Some(Value::from(1))),
            any_json().prop_map(Some),
        ];
        (valid(p), fitting_string(&shape), flag_value).prop_map(move |(mut v, address, f)| {
            v.plan
                .claims
                .insert(email.clone(), Value::String(address.clone()));
            match &f {
                Some(f) => v.plan.claims.insert(flag.clone(), f.clone()),
                None => v.plan.claims.remove(&flag),
            };
            (v, address, f)
        })
    })
}

#[test]
fn some_profile_guards_its_email() {
    assert!(
        !guarded().is_empty(),
        "no built-in profile has a flag-guarded email"
    );
}

proptest! {
    #![proptest_config(config(regressions!("email")))]

    #[test]
    fn an_email_needs_its_flag_to_be_true((v, address, flag) in case()) {
        let profile = v.plan.profile;
        let now = wall_clock();
        let ctx = context(now, 0, None);
        let keys = v.plan.configured_keys();
        let token = v.plan.sign_at(now);
        let expected = (flag == Some(Value::Bool(true))).then_some(address);
        for s in subjects() {
            if divergences::valid(s.name(), &v.plan).is_some() {
                continue;
            }
            let j = judge(s, profile, &ctx, &token, &keys)?;
            let identity = j.verdict.identity();
            prop_assert!(identity.is_some(), "{} rejects a valid token: {:?}", s.name(), j.verdict);
            prop_assert_eq!(
                identity.and_then(|i| i.email.clone()),
                expected.clone(),
                "{} with the flag {:?}", s.name(), flag
            );
        }
    }
}
