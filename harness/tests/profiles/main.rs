//! Every rule of every built-in profile, each with an accept case and a reject case at its
//! boundary, plus the seeds' own examples. Verdicts follow policy.md, checked through the
//! reference implementation.

#[path = "../common/mod.rs"]
mod common;

mod drift;
mod intercom;
mod modes;
mod onesignal;
mod privy;
mod zendesk;
