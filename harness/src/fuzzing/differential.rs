//! The reference against every other in-process implementation, on grammar-built tokens.

use arbitrary::Unstructured;

use super::grammar::build;
use super::known::classes;
use super::reference::reference_verdict;
use std::collections::HashMap;

use super::setup::{context, providers};
use crate::contract::{Clock, Description, Implementation, KeyUse, PreparedKeys};
use crate::engine::provider::judge_prepared;
use crate::engine::{claims, compact, wall_clock};
use crate::impls;
use crate::profile::Mode;
use crate::verdict::{Part, Verdict};
use serde_json::{Map, Value};

/// A grammar-built token, valid at the current time unless an edit made it otherwise, goes
/// to the reference and to every other built-in implementation through the contract. Where
/// one verifies and the other does not, or both verify different users, and the token touches
/// no rule on which policy.md allows either answer, the disagreement is a finding unless it
/// falls in a class already on record for that implementation (see [`super::known`]).
pub fn differential(data: &[u8]) {
    super::contain_library_panics();
    let mut u = Unstructured::new(data);
    let now = wall_clock();
    let Ok(built) = build(&mut u, now) else {
        return;
    };
    if built.either {
        return;
    }
    let ctx = context(now, Mode::Required, 0, None);
    let reference = reference_verdict(built.provider, &ctx, Some(&built.token));
    for other in others() {
        let (imp, d) = (other.imp.as_ref(), &other.description);
        let Some(prepared) = other.keys.get(built.provider.profile.id.as_str()) else {
            continue;
        };
        let verdict = match judge_prepared(
            built.provider.profile,
            &ctx,
            Some(&built.token),
            (&built.provider.jwks, prepared),
            imp,
        ) {
            Ok(verdict) => verdict,
            Err(e) => match panic_finding(&d.name, &reference, &built.token) {
                Some(why) => panic!(
                    "differential finding, {} on {}: {why}: {e}\n  token {}",
                    d.name, built.provider.profile.id, built.token
                ),
                None => continue,
            },
        };
        // A system clock that ticked since `now` changes what the token means to it.
        if d.clock == Clock::System && wall_clock() != now {
            continue;
        }
        if let Some(finding) = compare(&d.name, &reference, &verdict) {
            panic!(
                "differential finding, {} on {}: {finding}\n  token {}",
                d.name, built.provider.profile.id, built.token
            );
        }
    }
}

/// Why a panic of `name` on a token the reference judged so is a finding: always, unless a
/// `crashes` class records panics on tokens the reference refuses for the same reason. A token
/// can carry several faults and the reference names only the first it meets (a header it
/// refuses, a duplicate member), while the library may read the claims regardless; so the
/// reference's refusals of the token's date claims, each read on its own, count as well.
fn panic_finding(name: &str, reference: &Verdict, token: &str) -> Option<&'static str> {
    let panics = &classes(name).panics;
    let known = reference
        .reason()
        .is_some_and(|r| panics.contains(r.code()))
        || date_refusals(token)
            .iter()
            .any(|code| panics.contains(code));
    (!known).then_some("panicked")
}

/// The reference's refusal codes for the `exp`, `nbf` and `iat` members of the token's claims,
/// each occurrence checked alone: a library that reads members one by one may meet the first
/// of two duplicates where serde_json's map keeps the last.
fn date_refusals(token: &str) -> Vec<String> {
    let members = token
        .split('.')
        .nth(1)
        .and_then(|segment| compact::decode_segment(segment, Part::Payload).ok())
        .and_then(|json| serde_json::from_slice::<Members>(&json).ok());
    let Some(Members(members)) = members else {
        return Vec::new();
    };
    members
        .into_iter()
        .filter(|(name, _)| ["exp", "nbf", "iat"].contains(&name.as_str()))
        .filter_map(|(name, value)| {
            let alone = Map::from_iter([(name.clone(), value)]);
            claims::numeric_date(&alone, &name).err()
        })
        .map(|reason| reason.code().to_owned())
        .collect()
}

/// A JSON object's members in order, duplicates included.
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Why two verdicts on one token are a finding, if they are.
fn compare(name: &str, reference: &Verdict, other: &Verdict) -> Option<String> {
    let known = classes(name);
    match (reference, other) {
        (Verdict::Verified { identity: a }, Verdict::Verified { identity: b }) => {
            (a.user_id != b.user_id || a.email != b.email).then(|| {
                format!(
                    "both verified, the reference as {:?} <{:?}>, it as {:?} <{:?}>",
                    a.user_id, a.email, b.user_id, b.email
                )
            })
        }
        (Verdict::Verified { .. }, _) => {
            let code = other
                .reason()
                .map(|r| r.code().to_owned())
                .unwrap_or_default();
            (!known.refuses.contains(&code))
                .then(|| format!("refused as {code} a token the reference verifies"))
        }
        (_, Verdict::Verified { identity }) => {
            let code = reference
                .reason()
                .map(|r| r.code().to_owned())
                .unwrap_or_default();
            (!known.accepts.contains_key(&code)).then(|| {
                format!(
                    "verified as {:?} a token the reference refuses as {code}",
                    identity.user_id
                )
            })
        }
        _ => None,
    }
}

/// An in-process implementation besides the reference, with what does not depend on the input.
struct Other {
    imp: Box<dyn Implementation>,
    description: Description,
    /// Each provider's configured keys as this implementation prepares them, by profile id.
    keys: HashMap<&'static str, PreparedKeys>,
}

/// The in-process implementations besides the reference, built and given their keys once.
fn others() -> &'static [Other] {
    static OTHERS: std::sync::OnceLock<Vec<Other>> = std::sync::OnceLock::new();
    OTHERS.get_or_init(|| {
        impls::builtins()
            .into_iter()
            .map(|imp| Other {
                description: imp.describe(),
                keys: providers()
                    .iter()
                    .map(|p| (p.profile.id.as_str(), imp.prepare(KeyUse::Verify, &p.jwks)))
                    .collect(),
                imp,
            })
            .filter(|o| o.description.name != "reference")
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{Identity, Reason};

    fn verified(user: &str) -> Verdict {
        Verdict::Verified {
            identity: Identity {
                user_id: user.into(),
                ..Identity::default()
            },
        }
    }

    fn expired() -> Verdict {
        Verdict::Rejected {
            reason: Reason::Expired {
                exp: 1.0,
                now: 2,
                leeway: 0,
            },
        }
    }

    #[test]
    fn disagreements_are_findings_unless_on_record() {
        assert!(compare("jsonwebtoken", &verified("a"), &verified("b")).is_some());
        assert!(compare("jsonwebtoken", &verified("a"), &verified("a")).is_none());
        assert!(compare("jsonwebtoken", &expired(), &expired()).is_none());
        // No implementation of that name has anything on record.
        assert!(compare("unheard-of", &expired(), &verified("a")).is_some());
        // jsonwebtoken's recorded divergences include expired tokens it accepts
        // (vectors/exceptions/jsonwebtoken.json).
        assert!(compare("jsonwebtoken", &expired(), &verified("a")).is_none());
        assert!(!classes("jsonwebtoken")
            .accepts
            .contains_key("bad_signature"));
    }

    #[test]
    fn panics_on_dates_are_known_behind_an_earlier_refusal() {
        use crate::engine::compact::encode;
        let token = |claims: &str| format!("{}.{}.c2ln", encode(b"{}"), encode(claims.as_bytes()));
        let huge = token(r#"{"iat":4991472274275881546,"exp":1}"#);
        assert_eq!(date_refusals(&huge), ["date_out_of_range"]);
        assert!(date_refusals(&token(r#"{"iat":1,"exp":2}"#)).is_empty());
        assert!(date_refusals("not a token").is_empty());
        // The first of two `iat` members is the one out of range.
        let first = token(r#"{"iat":-8790916975012556214,"exp":1,"iat":1}"#);
        assert_eq!(date_refusals(&first), ["date_out_of_range"]);
        // The reference refused the token for its header (a duplicate member), not its dates:
        // josekit's recorded panics on dates past year 9999 still cover it; biscuit's too.
        let header = Verdict::Rejected {
            reason: Reason::DuplicateMember {
                part: Part::Header,
                name: "cty".into(),
                path: "$".into(),
            },
        };
        assert!(panic_finding("josekit", &header, &huge).is_none());
        assert!(panic_finding("josekit", &header, &token(r#"{"iat":1}"#)).is_some());
        assert!(panic_finding("unheard-of", &header, &huge).is_some());
    }
}
