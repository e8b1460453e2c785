//! The bodies of the fuzz targets.
//!
//! Each target under `fuzz/fuzz_targets/` is one line calling a function here, so that the
//! fuzzing logic builds on stable, is documented and linted with the library, and so that a
//! plain `cargo test` replays every committed corpus file through exactly the code the fuzzer
//! runs (`harness/tests/fuzz_corpus.rs`).
//!
//! A target reports a finding by panicking. Every assertion is an invariant that holds for every
//! input under policy.md; none compares against what some library happens to do, except
//! [`differential`], which compares implementations with each other and keeps the divergences
//! already recorded in `vectors/exceptions/` out of its crash signal.

mod differential;
mod grammar;
mod known;
mod layers;
mod reference;
pub mod seeds;
mod setup;
mod structured;

pub use differential::differential;
pub use layers::{claims_json, parse_compact};
pub use reference::verify_reference;
pub use structured::structured;

/// A fuzz target: its name (the file under `fuzz/fuzz_targets/`) and its body.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The cargo-fuzz target name.
    pub name: &'static str,
    /// What the target exercises and what it asserts.
    pub about: &'static str,
    /// The body, called with each input.
    pub run: fn(&[u8]),
}

/// Every fuzz target, in the order `cargo xtask fuzz` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "parse_compact",
        about: "layer 1 on raw bytes: split and strict base64url; what decodes re-encodes to the same token",
        run: parse_compact,
    },
    Target {
        name: "verify_reference",
        about: "the reference engine on raw bytes, every profile, HS256 and ES256 keys configured: verified implies a valid signature and a user id",
        run: verify_reference,
    },
    Target {
        name: "claims_json",
        about: "the strict JSON layer: the single-pass reader answers exactly as the two-pass oracle; what it accepts has no duplicate member and means the same to serde_json",
        run: claims_json,
    },
    Target {
        name: "structured",
        about: "tokens built from a grammar, signed, then mutated: a changed token never verifies; a verified one names the signed user",
        run: structured,
    },
    Target {
        name: "differential",
        about: "grammar tokens through the reference and every in-process implementation: an unrecorded disagreement is a finding",
        run: differential,
    },
];

/// The target with this name.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// A fuzzer's panic hook aborts the process at once, before any unwinding. Implementations
/// whose panics the harness contains by design (a library that panics on a date ≥ 2^63 s,
/// reported as a rejection) must still unwind to that containment, or every such input would
/// be reported as a crash of the harness.
fn contain_library_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !crate::guard::is_contained() {
                previous(info);
            }
        }));
    });
}
