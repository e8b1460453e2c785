//! The runner: every case against every implementation, each ending in a named [`Outcome`].

use std::time::Instant;

use super::case::{Case, Expectation};
use super::exceptions::Exceptions;
use super::mint::mint;
use super::options::RunOptions;
use super::outcome::{
    clip_detail, Actual, CaseResult, ClassInfo, ImplementationInfo, Outcome, Report, StaleException,
};
use super::publisher::verify_as_published;
use super::subject::{InMode, Subject};
use crate::contract::{Clock, Decoded, Description, Failure, VerifyMode};
use crate::engine::provider::{verify_at_provider_level, verify_through, Judged, NoVerdict};
use crate::profile::{builtin, Profile};
use crate::verdict::{Reason, Verdict};

/// What a subject is in `mode`, for the report (its description is the one for that mode).
pub fn info(d: &Description, mode: VerifyMode) -> ImplementationInfo {
    ImplementationInfo {
        name: d.name.clone(),
        mode,
        version: d.version.clone(),
        clock: match d.clock {
            Clock::Injected => "injected".into(),
            Clock::System => "system".into(),
        },
        cannot_enforce: d.cannot_enforce.clone(),
        not_run: None,
    }
}

/// Runs the selected cases against every subject, in the mode each is asked in.
pub fn run_cases(
    cases: &[Case],
    subjects: &[Box<dyn Subject>],
    options: &RunOptions,
) -> Vec<CaseResult> {
    let subjects: Vec<&dyn Subject> = subjects.iter().map(|s| s.as_ref()).collect();
    run_subjects(cases, &subjects, options)
}

fn run_subjects(
    cases: &[Case],
    subjects: &[&dyn Subject],
    options: &RunOptions,
) -> Vec<CaseResult> {
    let selected: Vec<&Case> = cases
        .iter()
        .filter(|c| options.selects(&c.id, c.provider.as_deref()))
        .collect();
    // One thread per implementation: they share nothing, and results keep subject order.
    std::thread::scope(|scope| {
        let workers: Vec<_> = subjects
            .iter()
            .map(|subject| {
                let selected = &selected;
                scope.spawn(move || {
                    // A provider-level verifier is asked only about the profiles it serves.
                    let d = subject.description();
                    let mine: Vec<&Case> = selected
                        .iter()
                        .filter(|case| d.runs_profile(case.provider.as_deref()))
                        .copied()
                        .collect();
                    // The cases that must be verified early in a second run last and together,
                    // so that one wait for a new second serves many of them; the results keep
                    // the cases' order.
                    let (late, now): (Vec<usize>, Vec<usize>) =
                        (0..mine.len()).partition(|&i| needs_early_second(mine[i], d));
                    let mut results: Vec<Option<CaseResult>> = mine.iter().map(|_| None).collect();
                    for i in now.into_iter().chain(late) {
                        results[i] = Some(evaluate(mine[i], *subject));
                    }
                    results.into_iter().flatten().collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .zip(subjects)
            .flat_map(|(worker, subject)| {
                worker.join().unwrap_or_else(|_| {
                    // evaluate() contains implementation panics itself; this is the harness's own.
                    vec![CaseResult {
                        case_id: "harness::runner".into(),
                        implementation: subject.description().name.clone(),
                        mode: subject.mode(),
                        provider: None,
                        expected: Expectation::Either,
                        expected_reason: None,
                        actual: Actual::default(),
                        outcome: Outcome::Panic {
                            message: "the runner itself panicked".into(),
                        },
                        reason_mismatch: None,
                        reminted: false,
                        basis: String::new(),
                        class: None,
                        impact: None,
                    }]
                })
            })
            .collect()
    })
}

/// Marks the results that divergence classes cover, lists the classes in the report, and
/// reports as stale every class that covers no result.
///
/// A class is about the modes it applies in that ran: one written for defaults mode is left
/// alone (neither listed nor stale) when its implementation did not run in that mode, and a
/// class written for both is stale only when it covers no result in either.
///
/// With a filter or a provider selected (`all_selected` false), a class none of whose cases
/// ran is left alone; with everything selected it is stale as well.
pub fn settle_exceptions(report: &mut Report, exceptions: &Exceptions, all_selected: bool) {
    for r in &mut report.results {
        let Some(observed) = r.observed().map(str::to_owned) else {
            continue;
        };
        let covering = exceptions.covering(
            &r.implementation,
            r.mode,
            &r.case_id,
            &observed,
            r.actual.reason.as_deref(),
        );
        let Some(class) = covering else {
            continue;
        };
        r.class = Some(class.class.id.clone());
        r.impact = Some(class.class.impact);
        if r.outcome.is_divergence() {
            r.outcome = Outcome::KnownDivergence { observed };
        }
    }
    let mut names: Vec<String> = Vec::new();
    for imp in &report.implementations {
        if !names.contains(&imp.name) {
            names.push(imp.name.clone());
        }
    }
    for name in &names {
        let ran: Vec<VerifyMode> = report
            .implementations
            .iter()
            .filter(|i| i.name == *name && i.not_run.is_none())
            .map(|i| i.mode)
            .collect();
        for c in exceptions.classes(name) {
            if !ran.iter().any(|m| c.applies_in(*m)) {
                continue;
            }
            let id = c.class.id.as_str();
            report.classes.push(ClassInfo {
                implementation: name.clone(),
                id: id.to_owned(),
                impact: c.class.impact,
                reason: c.class.reason.clone(),
                basis: c.class.basis.clone(),
                inherited_from: (c.written_for != *name).then(|| c.written_for.clone()),
                mode: c.class.mode,
            });
            let mine = || {
                report
                    .results
                    .iter()
                    .filter(|r| r.implementation == *name && c.applies_in(r.mode))
            };
            if mine().any(|r| r.class.as_deref() == Some(id)) {
                continue;
            }
            let about: Vec<&CaseResult> = mine().filter(|r| c.covers_case(&r.case_id)).collect();
            let seen: std::collections::BTreeSet<&str> =
                about.iter().filter_map(|r| r.observed()).collect();
            let why = if about.is_empty() {
                if !all_selected {
                    continue;
                }
                "its case globs match no case".to_owned()
            } else if about
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Skip { .. }))
            {
                "its cases are skipped for this implementation".to_owned()
            } else if seen.is_empty() {
                "its cases pass now; remove the class or narrow its globs".to_owned()
            } else {
                format!(
                    "its cases show {} now, and it covers {}",
                    seen.into_iter().collect::<Vec<_>>().join(", "),
                    c.outcomes().join(", ")
                )
            };
            report.stale_exceptions.push(StaleException {
                implementation: name.clone(),
                class: id.to_owned(),
                mode: c.class.mode,
                why,
            });
        }
    }
}

/// Why a case cannot run against this implementation, if it cannot.
///
/// A profile's case runs where the implementation has one of the profile's algorithms; a
/// provider-less case only where it has every algorithm of the case's allow-list, since that is
/// the configuration the verdict is about (an HS256-only library cannot be set up to accept both
/// HS256 and RS256).
fn skip_reason(case: &Case, profile: Option<&Profile>, d: &Description) -> Option<String> {
    let implemented = |a: &String| d.algorithms.contains(a);
    match profile {
        Some(p) => {
            let algs: Vec<String> = p
                .algorithms
                .allowed
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect();
            if !algs.is_empty() && !algs.iter().any(implemented) {
                return Some(format!("does not implement {}", algs.join(" or ")));
            }
        }
        None => {
            let missing: Vec<&str> = case
                .algorithms
                .iter()
                .filter(|a| !implemented(a))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                return Some(format!("does not implement {}", missing.join(", ")));
            }
        }
    }
    if case.published.is_some() && !d.fetches_jwks {
        return Some("fetches no key set itself, and this case publishes its keys at a URL".into());
    }
    for check in &case.checks {
        if let Some(why) = d.limitation(check) {
            return Some(format!("cannot enforce {check}: {why}"));
        }
    }
    if d.clock == Clock::System && case.mint.is_none() && case.features.iter().any(|f| f == "time")
    {
        return Some(
            "reads the system clock, and this time-pinned case has no recipe to re-mint".into(),
        );
    }
    None
}

/// The feature of a case about a setting of the implementation that defaults mode does not
/// give it: skipped in that mode.
pub const CONFIGURED_ONLY: &str = "configured-only";

/// One case against one subject.
pub fn evaluate(case: &Case, subject: &dyn Subject) -> CaseResult {
    let d = subject.description();
    let profile = case.provider.as_deref().map(builtin);
    let profile = match profile {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            return result(
                case,
                subject,
                Outcome::Crash {
                    message: e.to_string(),
                },
                Actual::default(),
            );
        }
    };
    if subject.mode() == VerifyMode::Defaults && case.features.iter().any(|f| f == CONFIGURED_ONLY)
    {
        let reason = "sets up the implementation (a fetch timeout) in a way defaults mode \
                      leaves to the library";
        return result(
            case,
            subject,
            Outcome::Skip {
                reason: reason.into(),
            },
            Actual::default(),
        );
    }
    if let Some(reason) = skip_reason(case, profile, d) {
        return result(case, subject, Outcome::Skip { reason }, Actual::default());
    }
    let remint = d.clock == Clock::System && case.mint.is_some();
    let attempt = || {
        if !remint {
            return (run_once(case, profile, subject), false);
        }
        let inside = needs_early_second(case, d);
        if inside {
            wait_for_early_second();
        } else {
            leave_second_start();
        }
        let now = crate::engine::wall_clock();
        let mut shifted = case.clone();
        shifted.now = now;
        match case.mint.as_ref().map(|m| mint(m, now)) {
            Some(Ok(token)) => shifted.token = Some(token),
            Some(Err(e)) => {
                return (
                    (
                        Outcome::Crash {
                            message: format!("cannot re-mint: {e}"),
                        },
                        Actual::default(),
                        None,
                    ),
                    true,
                )
            }
            None => {}
        }
        let out = run_once(&shifted, profile, subject);
        // A second boundary crossed between minting and verifying changes the case, and so does
        // the middle of the second for a case with a date inside it; try again.
        let crossed = if inside {
            millis_since_epoch() >= now.saturating_mul(1000).saturating_add(EARLY_MS)
        } else {
            crate::engine::wall_clock() != now
        };
        (out, crossed)
    };
    // A case re-minted in one second and verified in the next is not the case any more
    // (`exp == now` becomes `exp < now`): measure again until both fall in the same second.
    let ((mut outcome, mut actual, mut mismatch), mut crossed) = attempt();
    for _ in 0..3 {
        if !crossed {
            break;
        }
        ((outcome, actual, mismatch), crossed) = attempt();
    }
    // A system-clock implementation that refuses a case it could not be given at its pinned
    // time, for a time reason the case is not about, has not shown anything either way.
    let time_codes = [
        "expired",
        "not_yet_valid",
        "issued_in_future",
        "token_too_old",
        "lifetime_too_long",
    ];
    if d.clock == Clock::System
        && !remint
        && outcome == Outcome::Pass
        && actual
            .reason
            .as_deref()
            .is_some_and(|r| time_codes.contains(&r))
        && !case
            .expected_reason
            .as_deref()
            .is_some_and(|r| time_codes.contains(&r))
    {
        outcome = Outcome::Skip {
            reason: format!(
                "inconclusive: reads the system clock and refused this time-pinned token as {}",
                actual.reason.as_deref().unwrap_or_default()
            ),
        };
    }
    // A case re-minted at the wall clock keeps its fixed dates (`iat` 1.7e9): the profile's own
    // time rules, which the harness applies, may then refuse what the pinned case verifies.
    let profile_clock_codes = ["issued_in_future", "token_too_old", "lifetime_too_long"];
    if d.clock == Clock::System
        && remint
        && outcome == Outcome::UnexpectedReject
        && actual
            .reason
            .as_deref()
            .is_some_and(|r| profile_clock_codes.contains(&r))
    {
        outcome = Outcome::Skip {
            reason: format!(
                "inconclusive: re-minted at the wall clock, its fixed dates break the profile's \
                 time rule ({})",
                actual.reason.as_deref().unwrap_or_default()
            ),
        };
    }
    if outcome != Outcome::Pass {
        mismatch = None;
    }
    let mut r = result(case, subject, outcome, std::mem::take(&mut actual));
    r.reason_mismatch = mismatch;
    r.reminted = remint;
    r
}

/// Whether a recipe puts a date inside a second (`${now+0.5}`).
fn within_a_second(recipe: &crate::suite::case::Mint) -> bool {
    recipe.payload.split("${now").skip(1).any(|rest| {
        rest.split('}')
            .next()
            .is_some_and(|offset| offset.contains('.'))
    })
}

/// How far into a second a case with a date inside a second must have been verified.
const EARLY_MS: i64 = 500;

fn millis_since_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether `subject` verifies `case` on the system clock with a date inside a second, which
/// must happen before [`EARLY_MS`] into a second.
fn needs_early_second(case: &Case, subject: &Description) -> bool {
    subject.clock == Clock::System && case.mint.as_ref().is_some_and(within_a_second)
}

/// How far into a second such a case may start: re-minting and verifying one takes a few
/// milliseconds, so this leaves ample room before [`EARLY_MS`] (and a late one is measured again).
const START_BY_MS: i64 = 300;

/// Waits until just after the start of the next second unless the wall clock is within
/// [`START_BY_MS`] of the start of one. A case with a date inside a second is pinned at a whole
/// second; a library that reads its clock to the millisecond sees that case only before the
/// half second (`exp = now + 0.5` has passed at `now + 0.7`), so such cases are minted early in
/// a second, and measured again when the answer comes after [`EARLY_MS`].
fn wait_for_early_second() {
    let into = millis_since_epoch().rem_euclid(1000);
    if into > START_BY_MS {
        std::thread::sleep(std::time::Duration::from_millis(
            (1000 - into + NOT_BEFORE_MS) as u64,
        ));
    } else {
        leave_second_start();
    }
}

/// How far into a second a re-minted case starts at the earliest. A library that reads its
/// clock to the millisecond and compares `now <= exp * 1000` accepts `exp == now` only when its
/// clock reads the whole second to the millisecond; starting later makes every run see the
/// same thing (the pinned clock of configured mode shows such a divergence every time).
const NOT_BEFORE_MS: i64 = 20;

/// Sleeps past the first [`NOT_BEFORE_MS`] of the current second.
fn leave_second_start() {
    let into = millis_since_epoch().rem_euclid(1000);
    if into < NOT_BEFORE_MS {
        std::thread::sleep(std::time::Duration::from_millis(
            (NOT_BEFORE_MS - into) as u64,
        ));
    }
}

fn result(case: &Case, subject: &dyn Subject, outcome: Outcome, actual: Actual) -> CaseResult {
    CaseResult {
        case_id: case.id.clone(),
        implementation: subject.description().name.clone(),
        mode: subject.mode(),
        provider: case.provider.clone(),
        expected: case.expected,
        expected_reason: case.expected_reason.clone(),
        actual,
        outcome,
        reason_mismatch: None,
        reminted: false,
        basis: case.basis.clone(),
        class: None,
        impact: None,
    }
}

/// The verdict a subject reaches on a case, and whether the implementation itself accepted.
enum Reached {
    Verdict { verdict: Verdict, raw_ok: bool },
    Broke(Outcome),
}

fn reach(case: &Case, profile: Option<&Profile>, subject: &dyn Subject) -> Reached {
    let Some(profile) = profile else {
        return match verify_jose(case, subject) {
            Ok(Ok(_)) => Reached::Verdict {
                verdict: Verdict::Verified {
                    identity: Default::default(),
                },
                raw_ok: true,
            },
            Ok(Err(f)) => Reached::Verdict {
                verdict: Verdict::Rejected { reason: f.into() },
                raw_ok: false,
            },
            Err(outcome) => Reached::Broke(outcome),
        };
    };
    let ctx = case.context();
    let token = case.token.as_deref();
    let judged = if subject.description().is_provider_level() {
        verify_at_provider_level(profile, &ctx, &case.id, token, &case.keys, |request| {
            subject.verify_provider(request).into_result()
        })
    } else {
        verify_through(profile, &ctx, &case.id, token, &case.keys, |request| {
            subject.verify(request).into_result()
        })
    };
    match judged {
        Ok(Judged { verdict, accepted }) => Reached::Verdict {
            verdict,
            raw_ok: accepted,
        },
        Err(NoVerdict::Profile(e)) => Reached::Broke(Outcome::Crash {
            message: e.to_string(),
        }),
        Err(NoVerdict::Broke(outcome)) => Reached::Broke(outcome),
    }
}

/// A JOSE-level case's verify request, answered (with its keys published when the case
/// publishes them).
fn verify_jose(case: &Case, subject: &dyn Subject) -> Result<Result<Decoded, Failure>, Outcome> {
    verify_as_published(case, case.jose_request(), |request| {
        subject.verify(request).into_result()
    })
    .map_err(|message| Outcome::Crash { message })?
}

fn run_once(
    case: &Case,
    profile: Option<&Profile>,
    subject: &dyn Subject,
) -> (Outcome, Actual, Option<String>) {
    let (verdict, raw_ok) = match reach(case, profile, subject) {
        Reached::Broke(outcome) => {
            let actual = Actual::of_breakdown(&outcome);
            return (outcome, actual, None);
        }
        Reached::Verdict { verdict, raw_ok } => (verdict, raw_ok),
    };
    let actual = Actual {
        verdict: verdict.kind().to_owned(),
        reason: verdict.reason().map(|r| r.code().to_owned()),
        detail: match &verdict {
            Verdict::Verified { identity } if !identity.user_id.is_empty() => {
                Some(clip_detail(format!("user {:?}", identity.user_id)))
            }
            Verdict::Verified { .. } => None,
            other => other.reason().map(|r| clip_detail(r.to_string())),
        },
    };
    let outcome = classify(
        case,
        &verdict,
        raw_ok,
        subject.description().is_provider_level(),
    );
    let mismatch = match (&case.expected_reason, verdict.reason()) {
        (Some(expected), Some(got)) if got.code() != expected => Some(got.code().to_owned()),
        _ => None,
    };
    (outcome, actual, mismatch)
}

/// Whether an implementation's identity is the expected one. A provider-level verifier names
/// the user in its own words (`partial`): every member it gives must be right, and what it
/// leaves out (an email it does not return, attributes it does not pass on) is not judged. An
/// email or attribute the expected identity does not have is wrong: a verifier that trusts an
/// unverified email hands out someone else's account.
pub fn identity_agrees(
    expected: &crate::Identity,
    actual: &crate::Identity,
    partial: bool,
) -> bool {
    if !partial {
        return expected == actual;
    }
    let given = |e: &Option<String>, a: &Option<String>| a.is_none() || a == e;
    expected.user_id == actual.user_id
        && given(&expected.email, &actual.email)
        && given(&expected.name, &actual.name)
        && actual
            .attributes
            .iter()
            .all(|(k, v)| expected.attributes.get(k) == Some(v))
}

fn classify(case: &Case, verdict: &Verdict, raw_ok: bool, partial_identity: bool) -> Outcome {
    // The implementation accepted a token lacking a claim it was asked to require (the profile
    // layer only noticed because it could not find the user id), or one whose signature is no
    // MAC at all (Stream's `devtoken`, which the profile names). That is the implementation's
    // accept, not a rejection.
    let accepted_despite_required = raw_ok
        && matches!(
            verdict.reason(),
            Some(Reason::MissingClaim { .. } | Reason::ForbiddenSignature { .. })
        );
    match (case.expected, verdict) {
        (Expectation::Either, _) => Outcome::Pass,
        (Expectation::Verified, Verdict::Verified { identity }) => match &case.expected_identity {
            Some(expected) if !identity_agrees(expected, identity, partial_identity) => {
                Outcome::WrongIdentity {
                    expected: identity_text(expected),
                    actual: identity_text(identity),
                }
            }
            _ => Outcome::Pass,
        },
        (Expectation::Verified, _) => Outcome::UnexpectedReject,
        (Expectation::Rejected, Verdict::Rejected { .. })
        | (Expectation::Unverified, Verdict::Unverified { .. }) => {
            if accepted_despite_required {
                Outcome::UnexpectedAccept
            } else {
                Outcome::Pass
            }
        }
        (Expectation::Rejected, _) | (Expectation::Unverified, Verdict::Verified { .. }) => {
            Outcome::UnexpectedAccept
        }
        (Expectation::Unverified, Verdict::Rejected { .. }) => Outcome::UnexpectedReject,
    }
}

fn identity_text(identity: &crate::Identity) -> String {
    serde_json::to_string(identity).unwrap_or_else(|_| identity.user_id.clone())
}

/// Why an implementation has no defaults-mode results.
pub const NOT_IN_DEFAULTS: &str =
    "it does not declare defaults mode (its description's `modes` does not list \"defaults\")";

/// Runs cases and signer conformance for every subject, then settles the exceptions.
///
/// With [`RunOptions::defaults_mode`], every subject that declares defaults mode runs the cases
/// a second time in it, as a row of its own; one that does not is listed as not run in that
/// mode, which fails nothing. Signer conformance does not depend on the mode and runs once.
pub fn run(
    cases: &[Case],
    subjects: &[Box<dyn Subject>],
    exceptions: &Exceptions,
    options: &RunOptions,
) -> Report {
    let started = Instant::now();
    let given: Vec<&dyn Subject> = subjects.iter().map(|s| s.as_ref()).collect();
    let mut implementations: Vec<ImplementationInfo> = given
        .iter()
        .map(|s| info(s.description(), s.mode()))
        .collect();
    // Rows in report order: every implementation as configured, then in defaults mode.
    let mut in_defaults: Vec<InMode> = Vec::new();
    if options.defaults_mode {
        for s in given.iter().filter(|s| s.mode() == VerifyMode::Configured) {
            match InMode::new(*s, VerifyMode::Defaults) {
                Some(defaults) => {
                    implementations.push(info(defaults.description(), VerifyMode::Defaults));
                    in_defaults.push(defaults);
                }
                None => implementations.push(ImplementationInfo {
                    not_run: Some(NOT_IN_DEFAULTS.into()),
                    ..info(s.description(), VerifyMode::Defaults)
                }),
            }
        }
    }
    let mut all = given;
    all.extend(in_defaults.iter().map(|s| s as &dyn Subject));
    let mut report = Report {
        implementations,
        results: run_subjects(cases, &all, options),
        ..Report::default()
    };
    report.results.extend(super::signer::run(
        subjects,
        options,
        &crate::profile::builtins().iter().collect::<Vec<_>>(),
    ));
    let all_selected = options.filter.is_none() && options.provider.is_none();
    settle_exceptions(&mut report, exceptions, all_selected);
    report.elapsed_ms = started.elapsed().as_millis();
    report
}
