//! Drift's three enforcement modes, applied to every provider (policy.md §6).

use idjwt::profile::{builtin_ids, Mode};
use idjwt::Verdict;
use serde_json::json;

use crate::common::*;

#[test]
fn required_mode() {
    for id in builtin_ids() {
        let fx = Fixture::new(id).with_mode(Mode::Required);
        assert_eq!(outcome(&fx.verdict(Some(&fx.token()))), "verified", "{id}");
        assert_eq!(outcome(&fx.verdict(None)), "token_missing", "{id}");
        assert_eq!(fx.outcome("not.a.token"), "invalid_base64", "{id}");
        let expired = fx.token_with(|_, c| {
            c.insert("exp".into(), json!(NOW - 10));
        });
        assert_eq!(fx.outcome(&expired), "expired", "{id}");
    }
}

#[test]
fn enabled_mode_falls_back_to_the_claimed_identity() {
    for id in builtin_ids() {
        let mut fx = Fixture::new(id).with_mode(Mode::Enabled);
        fx.ctx.claimed_user_id = Some(USER.into());
        assert_eq!(outcome(&fx.verdict(Some(&fx.token()))), "verified", "{id}");
        let expired = fx.token_with(|_, c| {
            c.insert("exp".into(), json!(NOW - 10));
        });
        for (token, why) in [
            (None, "token_missing"),
            (Some("x.y"), "segment_count"),
            (Some(expired.as_str()), "expired"),
        ] {
            match fx.verdict(token) {
                Verdict::Unverified {
                    claimed,
                    why: reason,
                } => {
                    assert_eq!(claimed.as_deref(), Some(USER), "{id}");
                    assert_eq!(reason.code(), why, "{id}");
                }
                other => panic!("{id}: expected unverified, got {other:?}"),
            }
        }
    }
}

#[test]
fn disabled_mode_never_consults_the_token() {
    for id in builtin_ids() {
        let mut fx = Fixture::new(id).with_mode(Mode::Disabled);
        fx.ctx.claimed_user_id = Some("claimed".into());
        for token in [Some(fx.token()), None, Some("garbage".to_owned())] {
            let v = fx.verdict(token.as_deref());
            assert_eq!(outcome(&v), "unverified:verification_disabled", "{id}");
            assert!(v.identity().is_none());
        }
    }
}

#[test]
fn default_mode_is_required() {
    for id in builtin_ids() {
        let fx = Fixture::new(id);
        assert_eq!(fx.profile.mode, Mode::Required);
        assert_eq!(outcome(&fx.verdict(None)), "token_missing");
    }
}
