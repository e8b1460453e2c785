//! Property 2: a token breaking exactly one rule of its profile is rejected by every
//! implementation; the reference names that rule's reason code.
//!
//! The reference must give exactly the code policy.md gives for the rule. Another
//! implementation's code is compared with the reference's where the profile layer produced it
//! (the harness's own rules on what the implementation decoded, or the implementation's own
//! refusal of the same thing, such as a `typ` that is not a string); for a rule the verify request
//! delegates, the implementation must refuse the token itself, in its own words: a different
//! classification is reported by `cargo xtask conformance` and is not a failure (README).

use idjwt::Verdict;
use proptest::prelude::*;

use crate::broken::any_broken;
use crate::divergences;
use crate::support::{config, context, judge, reference, subjects, wall_clock};

proptest! {
    #![proptest_config(config(regressions!("broken_rule")))]

    #[test]
    fn a_broken_rule_is_rejected_with_its_code(b in any_broken()) {
        let profile = b.plan.profile;
        let now = wall_clock();
        let ctx = context(now, 0, b.plan.claimed_user_id.clone());
        let keys = b.plan.configured_keys();
        let token = b.plan.sign_at(now);
        let oracle = judge(reference(), profile, &ctx, &token, &keys)?;
        prop_assert!(
            matches!(oracle.verdict, Verdict::Rejected { .. }) && oracle.code() == Some(b.breach.code),
            "the reference on {} ({}): expected {}, got {:?}",
            profile.id, b.breach.rule, b.breach.code, oracle.verdict
        );
        let delegated = b.breach.delegated();
        for s in &subjects()[1..] {
            if s.cannot(b.breach.check) {
                continue;
            }
            if divergences::broken(s.name(), &b).is_some() {
                continue;
            }
            let j = judge(s, profile, &ctx, &token, &keys)?;
            prop_assert!(
                matches!(j.verdict, Verdict::Rejected { .. }),
                "{} on {} ({}): {:?}", s.name(), profile.id, b.breach.rule, j.verdict
            );
            if delegated {
                // The implementation was asked to enforce this rule itself.
                prop_assert!(
                    j.answer.is_err(),
                    "{} accepted a token breaking {} ({}); the profile layer caught it",
                    s.name(), b.breach.rule, profile.id
                );
            } else {
                // The profile layer's own rules, applied to what the implementation decoded;
                // an implementation that refuses such a token itself must say why alike.
                prop_assert_eq!(
                    j.code(), oracle.code(),
                    "{} on {} ({}): {:?}", s.name(), profile.id, b.breach.rule, j.verdict
                );
            }
        }
    }
}
