//! `idjwt probe`: asks a running signer endpoint for tokens for user ids chosen to break
//! signers and names, per user id, every rule its token breaks (see [`crate::suite::probe`]).

use serde_json::{json, Value};

use crate::profile::Profile;
use crate::suite::probe::{shown_user, Probed};

/// The report as text: one line per user id, then what is wrong with each.
pub fn text(profile: &Profile, url: &str, probed: &[Probed]) -> String {
    let wrong = probed.iter().filter(|p| !p.problems.is_empty()).count();
    let mut out = format!(
        "probe of the {} signer at {url}: {} user ids, {} right, {wrong} wrong\n",
        profile.id,
        probed.len(),
        probed.len() - wrong
    );
    let width = probed.iter().map(|p| p.label.len()).max().unwrap_or(0);
    for p in probed {
        let verdict = if p.problems.is_empty() {
            "ok   "
        } else {
            "WRONG"
        };
        let wanted = if p.provider_accepts {
            "wants a token"
        } else {
            "wants a refusal"
        };
        out.push_str(&format!(
            "{verdict}  {:width$}  {}  ({wanted}; got {})\n",
            p.label,
            shown_user(&p.user),
            p.answer
        ));
        for problem in &p.problems {
            out.push_str(&format!("         - {problem}\n"));
        }
    }
    out
}

/// The report as JSON: `{"provider","url","users":[{"label","user","provider_accepts","answer",
/// "problems"}]}`.
pub fn json(profile: &Profile, url: &str, probed: &[Probed]) -> Value {
    json!({
        "provider": profile.id,
        "url": url,
        "users": probed.iter().map(|p| json!({
            "label": p.label,
            "user": p.user,
            "provider_accepts": p.provider_accepts,
            "answer": p.answer,
            "problems": p.problems,
        })).collect::<Vec<_>>(),
    })
}
