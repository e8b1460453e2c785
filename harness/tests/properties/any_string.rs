//! Property 7: the reference engine never panics and rejects any string, in bounded time:
//! arbitrary text, token-shaped text, base64url of arbitrary bytes, real tokens cut and spliced,
//! and inputs around the size limit and the depth limit.

use std::time::{Duration, Instant};

use idjwt::engine::compact;
use idjwt::engine::Limits;
use idjwt::profile::builtins;
use idjwt::Verdict;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::support::{config, context, judge, reference, wall_clock};
use crate::valid::any_valid;

/// Far above any honest answer (microseconds to a few milliseconds), far below a hang: what
/// this catches is work that grows with hostile input, not a slow machine.
const BOUND: Duration = Duration::from_secs(2);

fn b64(bytes: &[u8]) -> String {
    compact::encode(bytes)
}

/// A real token with a range cut out and some text put in its place; never the token itself.
fn spliced() -> impl Strategy<Value = String> {
    (
        any_valid(),
        any::<Index>(),
        0..8usize,
        "[A-Za-z0-9_.=+/ -]{0,6}",
    )
        .prop_map(|(v, at, cut, put)| {
            let token = v.plan.sign_at(wall_clock());
            let start = at.index(token.len());
            let end = (start + cut).min(token.len());
            let spliced = format!("{}{put}{}", &token[..start], &token[end..]);
            if spliced == token {
                format!("{token}.")
            } else {
                spliced
            }
        })
}

fn hostile() -> impl Strategy<Value = String> {
    let limit = Limits::default().max_token_bytes;
    prop_oneof![
        // Arbitrary text.
        proptest::collection::vec(any::<char>(), 0..300).prop_map(String::from_iter),
        // Token-shaped text.
        "[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,200}\\.[A-Za-z0-9_-]{0,100}",
        // Segments that decode to arbitrary bytes.
        (
            proptest::collection::vec(any::<u8>(), 0..64),
            proptest::collection::vec(any::<u8>(), 0..128),
            proptest::collection::vec(any::<u8>(), 0..80),
        )
            .prop_map(|(h, p, s)| format!("{}.{}.{}", b64(&h), b64(&p), b64(&s))),
        // A header that opens, or nests, deeply.
        (
            1..20_000usize,
            prop::sample::select(vec!["[", "{\"a\":", "[{\"alg\":"])
        )
            .prop_map(|(n, open)| format!("{}.e30.AAAA", b64(open.repeat(n).as_bytes()))),
        // Around the size limit.
        (limit - 8..limit + 8).prop_map(|n| format!("{}.e30.AAAA", "A".repeat(n))),
        spliced(),
    ]
}

proptest! {
    #![proptest_config(config(regressions!("any_string")))]

    #[test]
    fn the_reference_rejects_any_string_without_panic_in_bounded_time(input in hostile()) {
        let ctx = context(wall_clock(), 0, None);
        for profile in builtins() {
            let keys = crate::support::configured_keys(profile);
            let started = Instant::now();
            // `judge` turns a panic of the implementation into a test failure.
            let j = judge(reference(), profile, &ctx, &input, &keys)?;
            let took = started.elapsed();
            prop_assert!(
                matches!(j.verdict, Verdict::Rejected { .. }),
                "{}: {:?} on {:?}", profile.id, j.verdict, input
            );
            prop_assert!(took < BOUND, "{}: {:?} on {} bytes", profile.id, took, input.len());
        }
    }
}
