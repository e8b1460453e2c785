//! `modes`: Drift's enforcement modes applied to every provider (policy.md §6): each of
//! `required`, `enabled`, `disabled` with a valid, an invalid, an expired and a missing token,
//! plus identity binding under `required` and `enabled`, and the default mode.
//!
//! Every case carries a claimed user id, as `drift.identify(userId, …)` does: the identity an
//! `enabled` or `disabled` fallback marks unverified.

use super::draft::{Draft, P, USER};
use crate::contract::checks;
use crate::profile::Mode;
use crate::suite::case::{Case, VectorFile};

const NS: &str = "modes";

const REQUIRED: &str = "policy.md §6.7 (`required`, the default: a missing or failing token is a \
rejection); Drift: \"REQUIRED: unsigned identities will not be consulted\"";
const ENABLED: &str = "policy.md §6.7 (`enabled`: a missing or failing token leaves the claimed \
identity in use, unverified); Drift: \"in the event that a signed identity is \
invalid/expired, we will fall back to the unsigned identity\"";
const DISABLED: &str = "policy.md §6.7 (`disabled`: tokens are ignored; the identity is \
unverified); Drift: \"DISABLED: signed identities will not be consulted\"";
const BINDING: &str = "policy.md §6.6 (the token's user id must equal the claimed one exactly, \
otherwise it is refused); docs/decisions.md: `enabled` falls back for every rejection, identity mismatch included";

/// The four token states every mode is tried with.
#[derive(Clone, Copy)]
enum State {
    Valid,
    Invalid,
    Expired,
    Missing,
}

impl State {
    const ALL: [State; 4] = [State::Valid, State::Invalid, State::Expired, State::Missing];

    fn name(self) -> &'static str {
        match self {
            State::Valid => "valid",
            State::Invalid => "invalid",
            State::Expired => "expired",
            State::Missing => "missing",
        }
    }

    fn what(self) -> &'static str {
        match self {
            State::Valid => "the canonical token",
            State::Invalid => "the canonical token with a flipped signature bit",
            State::Expired => "the canonical token expired a minute ago",
            State::Missing => "no token",
        }
    }

    /// Why the token fails, if it does.
    fn failure(self) -> Option<&'static str> {
        match self {
            State::Valid => None,
            State::Invalid => Some("bad_signature"),
            State::Expired => Some("expired"),
            State::Missing => Some("token_missing"),
        }
    }

    fn apply(self, p: &P, d: Draft) -> Draft {
        match self {
            State::Valid => d,
            State::Invalid => d.tok(p.tok().form(p.flipped())),
            State::Expired => d
                .tok(p.tok().claim("exp", "${now-60}"))
                .features(&["time"])
                .checks(&[checks::EXPIRY]),
            State::Missing => d.missing(),
        }
    }
}

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        for mode in Mode::ALL {
            for state in State::ALL {
                cases.push(case(&p, mode, state));
            }
        }
        extras(&p, &mut cases);
    }
    super::draft::file(
        NS,
        "Enforcement modes (required, enabled, disabled) with valid, invalid, expired and missing \
         tokens, identity binding under each, and the default mode, for every provider.",
        cases,
    )
}

fn case(p: &P, mode: Mode, state: State) -> Case {
    let name = format!("{}-{}", mode.as_str(), state.name());
    let basis = match mode {
        Mode::Required => REQUIRED,
        Mode::Enabled => ENABLED,
        Mode::Disabled => DISABLED,
    };
    let description = format!(
        "Mode {}, the client claiming {USER:?}, with {}.",
        mode.as_str(),
        state.what()
    );
    let d = state.apply(
        p,
        p.case(NS, &name, &description, basis)
            .features(&["mode"])
            .mode(mode)
            .claimed(USER),
    );
    match (mode, state.failure()) {
        (Mode::Disabled, _) => d.unverified("verification_disabled"),
        (_, None) => d.verified(),
        (Mode::Required, Some(reason)) => d.rejected(reason),
        (Mode::Enabled, Some(reason)) => d.unverified(reason),
    }
}

#[rustfmt::skip]
fn extras(p: &P, out: &mut Vec<Case>) {
    out.push(p.case(NS, "default-mode-missing", "No mode chosen (the default is required), the client claiming a user, with no token.", REQUIRED).features(&["mode"]).claimed(USER).missing().rejected("token_missing"));
    for (mode, expectation) in [(Mode::Required, "rejected"), (Mode::Enabled, "unverified")] {
        let d = p
            .case(NS, &format!("{}-identity-mismatch", mode.as_str()), &format!("Mode {}, the client claiming \"user-2\", with the canonical token for {USER:?}.", mode.as_str()), BINDING)
            .features(&["mode", "binding"])
            .mode(mode)
            .claimed("user-2");
        out.push(match expectation {"rejected" => d.rejected("identity_mismatch"), _ => d.unverified("identity_mismatch"), });
    }
    out.push(p.case(NS, "disabled-identity-mismatch", "Mode disabled, the client claiming \"user-2\", with the canonical token for \"user-1\": the token is not consulted.", DISABLED).features(&["mode", "binding"]).mode(Mode::Disabled).claimed("user-2").unverified("verification_disabled"));
}
