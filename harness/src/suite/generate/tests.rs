//! The generator's invariants: ids, features, the checks cases name, rule coverage, and the
//! reference engine agreeing with every vector.

use std::collections::{BTreeMap, BTreeSet};

use super::draft::P;
use super::token::parts;
use super::{all, drift};
use crate::contract::Jwk;
use crate::contract::{checks, Implementation};
use crate::engine::compact;
use crate::engine::provider::judge;
use crate::impls::reference::Reference;
use crate::profile::{builtin, builtin_ids};
use crate::suite::case::{Case, Expectation};
use crate::suite::mint::mint;
use crate::suite::publisher::verify_as_published;
use crate::verdict::Reason;

/// Cases where the reference engine disagrees with policy.md (real engine bugs, reported
/// rather than bent into the vectors). Skipped by `reference_agrees_with_every_vector`.
const REFERENCE_KNOWN_BUGS: &[&str] = &[];

fn cases() -> Vec<Case> {
    all().into_iter().flat_map(|f| f.cases).collect()
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn ids_are_unique_and_namespaced() {
    let files = all();
    let namespaces: Vec<&str> = files.iter().map(|f| f.namespace.as_str()).collect();
    let mut sorted = namespaces.clone();
    sorted.sort();
    assert_eq!(namespaces, sorted, "namespaces are sorted");
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for f in &files {
        assert!(is_kebab(&f.namespace), "{}", f.namespace);
        assert!(!f.cases.is_empty(), "{} is empty", f.namespace);
        for c in &f.cases {
            total += 1;
            assert!(seen.insert(c.id.clone()), "duplicate id {}", c.id);
            let (ns, rest) = c.id.split_once("::").expect("namespaced");
            assert_eq!(ns, f.namespace, "{}", c.id);
            let (name, at) = match rest.split_once('@') {
                Some((n, p)) => (n, Some(p)),
                None => (rest, None),
            };
            assert!(is_kebab(name), "{} is not kebab-case", c.id);
            if let Some(p) = at {
                assert_eq!(c.provider.as_deref(), Some(p), "{}", c.id);
                assert!(
                    !builtin_ids().any(|p| p == ns),
                    "{}: provider ns uses plain names",
                    c.id
                );
            } else if builtin_ids().any(|p| p == ns) {
                assert_eq!(c.provider.as_deref(), Some(ns), "{}", c.id);
            } else {
                assert!(
                    c.provider.is_none(),
                    "{}: generic provider case needs @",
                    c.id
                );
            }
            if c.provider.is_none() {
                assert!(
                    !c.algorithms.is_empty(),
                    "{}: provider-less needs algorithms",
                    c.id
                );
            }
            assert!(!c.description.is_empty() && !c.basis.is_empty(), "{}", c.id);
            for check in &c.checks {
                assert!(checks::is_known(check), "{}: {check}", c.id);
            }
            match c.expected {
                Expectation::Rejected | Expectation::Unverified => {
                    let r = c.expected_reason.as_deref().expect("reason");
                    assert!(Reason::CODES.contains(&r), "{}: {r}", c.id);
                    assert!(c.expected_identity.is_none(), "{}", c.id);
                }
                Expectation::Verified => {
                    assert!(c.expected_reason.is_none(), "{}", c.id);
                    assert!(c.mint.is_some(), "{}: verified cases are minted", c.id);
                    if c.provider.is_some() {
                        assert!(c.expected_identity.is_some(), "{}", c.id);
                    }
                }
                Expectation::Either => {
                    assert!(c.features.iter().any(|f| f == "either"), "{}", c.id);
                }
            }
            if c.features.iter().any(|f| f == "time") {
                assert!(c.mint.is_some(), "{}: time cases must be re-mintable", c.id);
            }
            if c.token.is_none() {
                assert!(c.context.mode.is_some() || ns == "modes", "{}", c.id);
            }
        }
    }
    assert!(total >= 600, "only {total} cases");
    // Every provider is tried by every generic namespace as well as its own.
    for p in builtin_ids() {
        let own = files.iter().any(|f| f.namespace == p);
        assert!(
            own,
            "{p}: no namespace of its own (a row of PROVIDER_NAMESPACES)"
        );
        let of = |c: &&Case| c.provider.as_deref() == Some(p);
        let count = files.iter().flat_map(|f| &f.cases).filter(of).count();
        assert!(count >= 300, "{p} has only {count} cases");
        for f in files
            .iter()
            .filter(|f| builtin_ids().all(|p| p != f.namespace))
        {
            let provider_less = f.cases.iter().all(|c| c.provider.is_none());
            let tried = provider_less || f.cases.iter().any(|c| of(&c));
            assert!(tried, "{p}: no case in {}", f.namespace);
        }
    }
}

#[test]
fn deterministic() {
    assert_eq!(all(), all());
}

#[test]
fn tokens_match_their_recipes() {
    for c in cases() {
        if let Some(recipe) = &c.mint {
            let minted = mint(recipe, c.now).unwrap_or_else(|e| panic!("{}: {e}", c.id));
            assert_eq!(Some(minted), c.token, "{}", c.id);
        }
    }
}

/// The provider-less verify request the runner sends.
#[test]
fn reference_agrees_with_every_vector() {
    let reference = Reference::default();
    let mut disagreements = Vec::new();
    for c in cases() {
        if REFERENCE_KNOWN_BUGS.contains(&c.id.as_str()) {
            continue;
        }
        let (kind, reason, identity) = match &c.provider {
            Some(provider) => {
                let profile = builtin(provider).expect("provider");
                let keys: Vec<Jwk> = c.keys.iter().map(Jwk::public).collect();
                let v = judge(profile, &c.context(), c.token.as_deref(), &keys, &reference)
                    .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                (
                    v.kind().to_owned(),
                    v.reason().map(|r| r.code().to_owned()),
                    v.identity().cloned(),
                )
            }
            None => match verify_as_published(&c, c.jose_request(), |r| reference.verify(r))
                .unwrap_or_else(|e| panic!("{}: {e}", c.id))
            {
                Ok(_) => ("verified".to_owned(), None, None),
                Err(f) => ("rejected".to_owned(), f.reason, None),
            },
        };
        let got = format!("{kind} {}", reason.as_deref().unwrap_or("-"));
        let want = format!(
            "{} {}",
            c.expected.as_str(),
            c.expected_reason.as_deref().unwrap_or("-")
        );
        if c.expected == Expectation::Either {
            continue;
        }
        if got != want {
            disagreements.push(format!("{}: expected {want}, got {got}", c.id));
        } else if c.provider.is_some() && c.expected_identity != identity {
            disagreements.push(format!(
                "{}: expected identity {}, got {}",
                c.id,
                serde_json::to_string(&c.expected_identity).unwrap_or_default(),
                serde_json::to_string(&identity).unwrap_or_default()
            ));
        }
    }
    for d in &disagreements {
        eprintln!("{d}");
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) with the reference (listed above)",
        disagreements.len()
    );
}

#[test]
fn every_profile_rule_has_accept_and_reject() {
    let all = cases();
    let mut missing = Vec::new();
    for p in P::all() {
        let mut rules: Vec<String> = p.profile.claims.iter().map(|r| r.name.clone()).collect();
        if p.profile.header.typ.is_some() {
            rules.push("header.typ".into());
        }
        if p.kid_required() {
            rules.push("header.kid".into());
        }
        let profile = p.profile;
        rules.extend(
            profile
                .one_of
                .iter()
                .map(|g| format!("one_of.{}", g.claims.join("|"))),
        );
        let time = [
            ("iat_max_future", profile.time.iat_max_future.is_some()),
            ("iat_max_age", profile.time.iat_max_age.is_some()),
            ("max_lifetime", profile.time.max_lifetime.is_some()),
        ];
        rules.extend(time.iter().filter(|t| t.1).map(|t| format!("time.{}", t.0)));
        if !profile.forbidden_signatures.is_empty() {
            rules.push("forbidden_signatures".into());
        }
        let prefix = format!("{}::", p.id);
        let mut by_rule: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for c in all.iter().filter(|c| c.id.starts_with(&prefix)) {
            for f in &c.features {
                if let Some(rule) = f.strip_prefix("rule:") {
                    by_rule
                        .entry(rule.to_owned())
                        .or_default()
                        .insert(c.expected.as_str());
                }
            }
        }
        for rule in rules {
            let seen = by_rule.get(&rule).cloned().unwrap_or_default();
            for want in [Expectation::Verified, Expectation::Rejected] {
                if !seen.contains(want.as_str()) {
                    missing.push(format!(
                        "{}: rule {rule} has no {} case",
                        p.id,
                        want.as_str()
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn the_drift_seed_token_decodes() {
    let token = drift::SEED_TOKEN;
    let (h, p, _) = parts(token);
    let part = |s: &str| {
        String::from_utf8(compact::decode_segment(s, crate::verdict::Part::Header).unwrap())
            .unwrap()
    };
    assert_eq!(part(&h), drift::SEED_HEADER);
    assert_eq!(part(&p), drift::SEED_PAYLOAD);
}
