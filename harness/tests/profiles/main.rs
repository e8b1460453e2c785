//! The providers' own examples and the profiles' behaviour outside verdicts, checked through
//! the reference implementation.

#[path = "../common/mod.rs"]
mod common;

mod examples;
