//! The reference engine on raw bytes, and the verdict consistency every target relies on.

use super::layers::assert_known_code;
use super::setup::{context, providers, Provider};
use crate::contract::Implementation;
use crate::engine::provider::{verify_through, Context, NoVerdict};
use crate::engine::{self, JwsOptions, Limits};
use crate::impls::reference::Reference;
use crate::profile::Mode;
use crate::suite::generate::{NOW, USER};
use crate::verdict::Verdict;

/// One profile judges the input as a token, with the golden vectors' keys of both families
/// configured. The first byte picks the mode, the leeway, whether the client claims a user id
/// and the profile ([`selector`]); the rest is the token. Whatever the bytes, the verdict is
/// consistent with the mode, a verified token carries a valid signature under a configured key
/// of an allowed algorithm and names a user, and every refusal has a stable code.
///
/// The input picks one profile rather than every profile judging every input: one execution
/// then costs one verification, and the fuzzer still reaches each profile through the byte.
pub fn verify_reference(data: &[u8]) {
    super::contain_library_panics();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(token) = std::str::from_utf8(rest) else {
        return;
    };
    let mode = if selector & 1 == 0 {
        Mode::Required
    } else {
        Mode::Enabled
    };
    let leeway = u64::from((selector >> 1) & 3) * 30;
    let claimed = (selector & 8 != 0).then_some(USER);
    let all = providers();
    let provider = &all[usize::from(selector >> 4) % all.len()];
    let ctx = context(NOW, mode, leeway, claimed);
    let verdict = reference_verdict(provider, &ctx, Some(token));
    assert_consistent(provider, &ctx, token, &verdict);
}

/// The selector byte of [`verify_reference`]: bit 0 the mode (`required` when clear, `enabled`
/// when set), bits 1–2 the leeway in steps of 30 s, bit 3 a claimed user id, and the high four
/// bits the profile, as its position among the built-in ids (modulo their number).
pub(crate) fn selector(mode: Mode, leeway: u64, claimed: bool, profile: Option<&str>) -> u8 {
    let position = profile
        .and_then(|id| crate::profile::builtin_ids().position(|b| b == id))
        .unwrap_or(0);
    let position = u8::try_from(position).unwrap_or(0) & 0x0f;
    let leeway = u8::try_from((leeway / 30).min(3)).unwrap_or(3);
    u8::from(mode == Mode::Enabled) | (leeway << 1) | (u8::from(claimed) << 3) | (position << 4)
}

/// The reference's verdict, called directly rather than through the panic guard of
/// [`judge`](crate::engine::provider::judge), so that a panic in the engine is a finding with
/// its own stack.
pub(crate) fn reference_verdict(
    provider: &Provider,
    ctx: &Context,
    token: Option<&str>,
) -> Verdict {
    let judged = verify_through(provider.profile, ctx, "fuzz", token, &provider.jwks, |r| {
        Ok::<_, std::convert::Infallible>(
            Reference::default().verify_prepared(&provider.reference_keys, r),
        )
    });
    match judged {
        Ok(judged) => judged.verdict,
        Err(NoVerdict::Profile(e)) => {
            panic!("the fuzzing configuration gives every profile its app id: {e}")
        }
        Err(NoVerdict::Broke(never)) => match never {},
    }
}

/// What holds for the reference's verdict on any token.
pub(crate) fn assert_consistent(
    provider: &Provider,
    ctx: &Context,
    token: &str,
    verdict: &Verdict,
) {
    let mode = ctx.mode.unwrap_or(provider.profile.mode);
    match verdict {
        Verdict::Verified { identity } => {
            assert!(!identity.user_id.is_empty(), "verified without a user id");
            if let Some(claimed) = &ctx.claimed_user_id {
                assert_eq!(
                    &identity.user_id, claimed,
                    "verified another user than claimed"
                );
            }
            let options = JwsOptions {
                algorithms: &provider.profile.algorithms.allowed,
                keys: &provider.keys,
                limits: Limits::default(),
            };
            assert!(
                engine::verify_jws(token, &options).is_ok(),
                "verified without a valid signature of an allowed algorithm: {token}"
            );
        }
        Verdict::Unverified { claimed, why } => {
            assert_eq!(
                mode,
                Mode::Enabled,
                "only a fallback mode answers unverified"
            );
            assert_eq!(
                claimed, &ctx.claimed_user_id,
                "the fallback changed the claim"
            );
            assert_known_code(why);
        }
        Verdict::Rejected { reason } => {
            assert_eq!(mode, Mode::Required, "a fallback mode rejected: {reason:?}");
            assert_known_code(reason);
        }
    }
}
