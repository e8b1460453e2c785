//! Property 1: a valid token signed by any implementation verifies under every implementation,
//! and every one of them names the identity the reference extracts (N×N).

use proptest::prelude::*;

use crate::divergences;
use crate::support::{config, context, judge, reference, subjects, wall_clock};
use crate::valid::any_valid;

proptest! {
    #![proptest_config(config(regressions!("sign_verify")))]

    #[test]
    fn any_signer_every_verifier_same_identity(v in any_valid()) {
        let profile = v.plan.profile;
        let now = wall_clock();
        let ctx = context(now, 0, None);
        let keys = v.plan.configured_keys();
        let oracle = judge(reference(), profile, &ctx, &v.plan.sign_at(now), &keys)?;
        let expected = oracle.verdict.identity().cloned();
        prop_assert!(
            expected.as_ref().is_some_and(|i| i.user_id == v.user_id),
            "the reference does not verify a valid {} token for {:?}: {:?}",
            profile.id, v.user_id, oracle.verdict
        );
        for signer in subjects() {
            if divergences::valid(signer.name(), &v.plan).is_some() {
                continue;
            }
            let token = signer.imp.sign(&v.plan.sign_request(now)).map_err(|f| {
                TestCaseError::fail(format!("{} cannot sign: {}", signer.name(), f.error))
            })?;
            for verifier in subjects() {
                if divergences::valid(verifier.name(), &v.plan).is_some() {
                    continue;
                }
                let j = judge(verifier, profile, &ctx, &token, &keys)?;
                prop_assert_eq!(
                    j.verdict.identity(),
                    expected.as_ref(),
                    "{} signed, {} verified: {:?}",
                    signer.name(), verifier.name(), j.verdict
                );
            }
        }
    }
}
