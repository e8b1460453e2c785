//! Property 3: a token with one byte or one bit changed never verifies as someone else, and a
//! token whose signed part (header and payload segments) changed never verifies at all.
//!
//! Tokens cross the contract as UTF-8 strings, so changes keep the byte ASCII: bit flips of
//! bits 0–6 and replacement by another ASCII byte. Arbitrary strings are property 7's.

use proptest::prelude::*;
use proptest::sample::Index;

use crate::divergences;
use crate::support::{config, context, judge, reference, subjects, wall_clock};
use crate::valid::any_valid;

/// One change of one byte.
#[derive(Clone, Copy, Debug)]
enum Change {
    /// Flip this bit (0–6).
    Bit(u8),
    /// Write this ASCII byte instead (the byte after it, if they are the same).
    Byte(u8),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0..7u8).prop_map(Change::Bit),
        (0..128u8).prop_map(Change::Byte)
    ]
}

fn apply(token: &str, at: usize, change: Change) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let old = bytes[at];
    bytes[at] = match change {
        Change::Bit(bit) => old ^ (1 << bit),
        Change::Byte(b) if b == old => (b + 1) % 128,
        Change::Byte(b) => b,
    };
    // The token is ASCII and the new byte is too.
    String::from_utf8(bytes).expect("an ASCII token stays UTF-8")
}

proptest! {
    #![proptest_config(config(regressions!("tamper")))]

    #[test]
    fn a_changed_byte_never_verifies_as_someone_else(
        v in any_valid(),
        signer in any::<Index>(),
        at in any::<Index>(),
        change in change(),
    ) {
        let profile = v.plan.profile;
        let now = wall_clock();
        let ctx = context(now, 0, None);
        let keys = v.plan.configured_keys();
        let signers: Vec<_> = subjects()
            .iter()
            .filter(|s| divergences::valid(s.name(), &v.plan).is_none())
            .collect();
        let signer = signers[signer.index(signers.len())];
        let token = signer.imp.sign(&v.plan.sign_request(now)).map_err(|f| {
            TestCaseError::fail(format!("{} cannot sign: {}", signer.name(), f.error))
        })?;
        let original = judge(reference(), profile, &ctx, &token, &keys)?;
        let who = original.verdict.identity().cloned();
        prop_assert!(who.is_some(), "the reference rejects {}'s token: {:?}", signer.name(), original.verdict);

        let at = at.index(token.len());
        let tampered = apply(&token, at, change);
        let signed_end = token.rfind('.').unwrap_or(0);
        let part = if at < signed_end { "signed part" } else { "signature" };
        for verifier in subjects() {
            if divergences::valid(verifier.name(), &v.plan).is_some() {
                continue;
            }
            let j = judge(verifier, profile, &ctx, &tampered, &keys)?;
            if let Some(identity) = j.verdict.identity() {
                prop_assert_eq!(Some(identity), who.as_ref(), "{} verified a tampered token as someone else", verifier.name());
            }
            // policy.md §1: canonical base64url, so one token has one spelling; a changed
            // signature byte is another signature or a non-canonical spelling of it.
            prop_assert!(
                j.verdict.identity().is_none(),
                "{} verified {}'s token with byte {} of its {} changed ({:?}): {}",
                verifier.name(), signer.name(), at, part, change, tampered
            );
        }
    }
}
