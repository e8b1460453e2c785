//! Property tests driven by the provider rules table (policy.md, the profiles in
//! `harness/src/profile/builtin/`), run against every built-in implementation through the
//! contract.
//!
//! Strategies are derived from the profile model, never written per provider: a valid claims
//! set for any profile (`valid`), and for each of its rules a claims set breaking exactly that
//! rule (`broken`). Each property has its own module:
//! 1. `sign_verify`: any implementation signs, every implementation verifies, same identity;
//! 2. `broken_rule`: breaking one rule is rejected with that rule's reason code;
//! 3. `tamper`: a changed byte or bit never verifies as someone else, a changed signed byte
//!    never verifies at all;
//! 4. `time_bounds`: `exp`/`nbf` against `now` and `leeway` follow policy.md §5 exactly;
//! 5. `email`: an email reaches an identity only with `email_verified: true`;
//! 6. `reserialise`: another spelling of the same JSON never turns a rejection into an
//!    acceptance for someone else;
//! 7. `any_string`: the reference never panics and rejects any string in bounded time.
//!
//! Case counts come from proptest (`PROPTEST_CASES`, default 256); `cargo xtask props --cases N`
//! runs more. Failures are kept in `harness/proptest-regressions/` and replayed first.
//! Implementations are left out of a check only by an explicit filter: a limitation they
//! declare (`cannot_enforce`), or a divergence class recorded in
//! `vectors/exceptions/<implementation>.json` (`divergences`).

/// The regression file of one property module, as a `&'static str`.
macro_rules! regressions {
    ($name:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/",
            $name,
            ".txt"
        )
    };
}

#[path = "properties/broken.rs"]
mod broken;
#[path = "properties/divergences.rs"]
mod divergences;
#[path = "properties/plan.rs"]
mod plan;
#[path = "properties/support.rs"]
mod support;
#[path = "properties/valid.rs"]
mod valid;
#[path = "properties/values.rs"]
mod values;

#[path = "properties/any_string.rs"]
mod any_string;
#[path = "properties/broken_rule.rs"]
mod broken_rule; // 2
#[path = "properties/email.rs"]
mod email; // 5
#[path = "properties/reserialise.rs"]
mod reserialise; // 6
#[path = "properties/sign_verify.rs"]
mod sign_verify; // 1
#[path = "properties/tamper.rs"]
mod tamper; // 3
#[path = "properties/time_bounds.rs"]
mod time_bounds; // 4 // 7
