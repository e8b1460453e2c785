//! The disagreements between the reference and an implementation that are already on record,
//! as classes a fuzzer's token can fall into.
//!
//! A golden vector's divergence is about one case; a fuzzer's token is new. The classes are
//! therefore drawn from the record: an implementation known to accept some tokens the
//! reference refuses as `expired` (a divergence in `vectors/exceptions/`) or unable to check
//! `iss` at all (a limitation it declares) is not reported again for accepting another such
//! token. The same goes the other way for the refusal codes with which it is known to refuse
//! valid tokens. Anything else it disagrees on is a finding.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::contract::Implementation;
use crate::impls;
use crate::suite::exceptions::{Exceptions, ExceptionsFile};
use crate::suite::generate;
use crate::suite::run::evaluate;
use crate::suite::subject::InProcess;
use crate::suite::Expectation;

/// The recorded divergences of the in-process implementations, compiled in so that a fuzz
/// binary needs no checkout at run time.
const RECORDS: &[(&str, &str)] = &[
    (
        "jsonwebtoken",
        include_str!("../../../vectors/exceptions/jsonwebtoken.json"),
    ),
    (
        "jwt-simple",
        include_str!("../../../vectors/exceptions/jwt-simple.json"),
    ),
    (
        "jwt-compact",
        include_str!("../../../vectors/exceptions/jwt-compact.json"),
    ),
    (
        "josekit",
        include_str!("../../../vectors/exceptions/josekit.json"),
    ),
    (
        "biscuit",
        include_str!("../../../vectors/exceptions/biscuit.json"),
    ),
];

/// One implementation's known classes.
#[derive(Debug, Default)]
pub(crate) struct Classes {
    /// Reference refusal codes the implementation is known to let through, with where that is
    /// recorded.
    pub accepts: BTreeMap<String, String>,
    /// The implementation's own refusal codes on valid tokens it is known to refuse.
    pub refuses: BTreeSet<String>,
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
    let mut exceptions = Exceptions::default();
    for (name, text) in RECORDS {
        let file: ExceptionsFile =
            serde_json::from_str(text).expect("the exceptions files are checked by the tests");
        exceptions
            .insert(file, name)
            .expect("the exceptions files are checked by the tests");
    }
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
            let recorded = exceptions.get(&d.name, &case.id).is_some();
            let limited = case.checks.iter().find(|c| d.limitation(c).is_some());
            match (case.expected, &case.expected_reason) {
                (Expectation::Rejected, Some(code)) if recorded || limited.is_some() => {
                    let why = match limited {
                        Some(check) => format!("declares it cannot enforce {check}"),
                        None => format!("recorded divergence {}", case.id),
                    };
                    classes.accepts.entry(code.clone()).or_insert(why);
                }
                (Expectation::Verified, _) if recorded => {
                    let result = evaluate(case, &subject);
                    if let Some(code) = result.actual.reason {
                        classes.refuses.insert(code);
                    }
                }
                _ => {}
            }
        }
        out.insert(d.name, classes);
    }
    out
}
