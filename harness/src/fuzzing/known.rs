//! The disagreements between the reference and an implementation that are already on record,
//! as classes a fuzzer's token can fall into.
//!
//! A golden vector's divergence is about one case; a fuzzer's token is new. The classes are
//! therefore drawn from the record: an implementation with a divergence class in
//! `vectors/exceptions/` that lets through some tokens the reference refuses as `expired`, or
//! that declares it cannot check `iss` at all, is not reported again for accepting another such
//! token. The same goes for the refusal codes with which it is known to refuse valid tokens,
//! and for the reference's refusal codes on the tokens it is known to panic on. Anything else
//! it disagrees on, or panics on, is a finding.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::contract::{Implementation, Jwk};
use crate::impls;
use crate::suite::exceptions::embedded;
use crate::suite::generate;
use crate::suite::run::evaluate;
use crate::suite::subject::InProcess;
use crate::suite::Expectation;

/// One implementation's known classes.
#[derive(Debug, Default)]
pub(crate) struct Classes {
    /// Reference refusal codes the implementation is known to let through, with where that is
    /// recorded.
    pub accepts: BTreeMap<String, String>,
    /// The implementation's own refusal codes on valid tokens it is known to refuse.
    pub refuses: BTreeSet<String>,
    /// Reference refusal codes of the tokens it is known to panic on.
    pub panics: BTreeSet<String>,
}

/// The known classes of every in-process implementation, computed once per process.
pub(crate) fn classes(implementation: &str) -> &'static Classes {
    static ALL: OnceLock<BTreeMap<String, Classes>> = OnceLock::new();
    static NONE: OnceLock<Classes> = OnceLock::new();
    ALL.get_or_init(compute)
        .get(implementation)
        .unwrap_or_else(|| NONE.get_or_init(Classes::default))
}

fn compute() -> BTreeMap<String, Classes> {
    let exceptions = embedded();
    let cases: Vec<_> = generate::all().into_iter().flat_map(|f| f.cases).collect();
    let mut out = BTreeMap::new();
    for imp in impls::builtins() {
        let d = imp.describe();
        let subject = InProcess::new(
            Arc::<dyn Implementation>::from(imp),
            Duration::from_secs(10),
        )
        .expect("a built-in implementation describes itself");
        let mut classes = Classes::default();
        for case in &cases {
            // The targets configure plain keys: what an implementation does under a JWK's
            // `use` or `x5c`, or with a key set it fetches, says nothing about their tokens (and
            // a token refused there as `bad_signature` is not a forgery it lets through).
            if case.published.is_some() || case.keys.iter().any(Jwk::has_params) {
                continue;
            }
            let recorded = |observed| exceptions.records(&d.name, &case.id, observed);
            let limited = case.checks.iter().find(|c| d.limitation(c).is_some());
            if let (Expectation::Rejected, Some(code)) = (case.expected, &case.expected_reason) {
                if recorded("panic") {
                    classes.panics.insert(code.clone());
                }
                if recorded("unexpected_accept") || limited.is_some() {
                    let why = match limited {
                        Some(check) => format!("declares it cannot enforce {check}"),
                        None => format!("a recorded class covers {}", case.id),
                    };
                    classes.accepts.entry(code.clone()).or_insert(why);
                }
            }
            if case.expected == Expectation::Verified && recorded("unexpected_reject") {
                let result = evaluate(case, &subject);
                if let Some(code) = result.actual.reason {
                    classes.refuses.insert(code);
                }
            }
        }
        out.insert(d.name, classes);
    }
    out
}
