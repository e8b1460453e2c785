//! Grammar-built tokens, signed, then changed by a few bytes.

use arbitrary::Unstructured;
use serde_json::Value;

use super::grammar::{build, mutate, Built};
use super::reference::{assert_consistent, reference_verdict};
use super::setup::context;
use crate::profile::Mode;
use crate::suite::generate::NOW;
use crate::verdict::{Identity, Verdict};

/// A grammar-built token is judged by the reference, then a mutation of it. Only a configured
/// key's signature verifies; a verified token names the user its claims name, and carries an
/// email only where the profile trusts it; any change to a signed token, however small, is
/// never verified (the signature covers every byte, and base64url has one text per value).
pub fn structured(data: &[u8]) {
    super::contain_library_panics();
    let mut u = Unstructured::new(data);
    let Ok(built) = build(&mut u, NOW) else {
        return;
    };
    let leeway = if u.arbitrary().unwrap_or(false) {
        30
    } else {
        0
    };
    let ctx = context(NOW, Mode::Required, leeway, None);
    let verdict = reference_verdict(built.provider, &ctx, Some(&built.token));
    assert_consistent(built.provider, &ctx, &built.token, &verdict);
    if let Verdict::Verified { identity } = &verdict {
        assert!(
            built.signer.is_trusted(),
            "verified a token signed by {:?}: {}",
            built.signer,
            built.token
        );
        assert_names_the_signed_user(&built, identity);
    }
    let Ok(changed) = mutate(&mut u, &built.token) else {
        return;
    };
    if changed != built.token {
        let after = reference_verdict(built.provider, &ctx, Some(&changed));
        assert_consistent(built.provider, &ctx, &changed, &after);
        assert!(
            !matches!(after, Verdict::Verified { .. }),
            "a changed token verified:\n  signed  {}\n  changed {changed}",
            built.token
        );
    }
}

/// The identity comes from the signed claims, read here independently of the engine.
fn assert_names_the_signed_user(built: &Built, identity: &Identity) {
    let rule = &built.provider.profile.identity;
    let claim = built.claims.get(&rule.user_id.claim);
    let expected = match &rule.user_id.member {
        Some(member) => claim.and_then(|c| c.get(member)),
        None => claim,
    };
    if let Some(Value::String(user)) = expected {
        assert_eq!(
            &identity.user_id, user,
            "verified a user the claims do not name"
        );
    }
    if let (Some(email), Some(rule)) = (&identity.email, &rule.email) {
        assert_eq!(
            built.claims.get(&rule.claim),
            Some(&Value::from(email.as_str()))
        );
        if let Some(flag) = &rule.only_if_true {
            assert_eq!(
                built.claims.get(flag),
                Some(&Value::Bool(true)),
                "an email reached the identity without {flag}: true"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_tokens_from_any_bytes_hold_the_invariants() {
        let mut verified = 0;
        for seed in 0..400u32 {
            // xorshift64 from the seed: varied bytes, the same on every run.
            let mut state = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let data: Vec<u8> = (0..256)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            structured(&data);
            let mut u = Unstructured::new(&data);
            if let Ok(built) = build(&mut u, NOW) {
                let ctx = context(NOW, Mode::Required, 0, None);
                if matches!(
                    reference_verdict(built.provider, &ctx, Some(&built.token)),
                    Verdict::Verified { .. }
                ) {
                    verified += 1;
                }
            }
        }
        assert!(verified > 0, "the grammar never builds a valid token");
    }
}
