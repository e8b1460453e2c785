//! `idjwt decode`: a token's header and claims, clearly marked unverified.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use super::report::reason_message;
use super::unverified::Unverified;
use super::utc;
use crate::engine::claims::DATE_CLAIMS;

/// The banner every text rendering starts with.
pub const BANNER: &str =
    "UNVERIFIED: decoded only. Neither the signature nor any claim has been checked.";

fn dates(claims: &Map<String, Value>) -> Vec<(&'static str, String, String)> {
    DATE_CLAIMS
        .iter()
        .filter_map(|name| {
            let v = claims.get(*name)?;
            let shown = match v.as_f64() {
                Some(n) => utc::format(n),
                None => "not a number".to_owned(),
            };
            Some((*name, v.to_string(), shown))
        })
        .collect()
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The text rendering.
pub fn text(parts: &Unverified) -> String {
    let mut out = format!("{BANNER}\n\nheader\n{}\n\n", pretty(&parts.header));
    match &parts.claims {
        Ok(claims) => {
            let _ = writeln!(out, "claims\n{}", pretty(claims));
            let dates = dates(claims);
            if !dates.is_empty() {
                let _ = writeln!(out, "\ndates (UTC)");
                for (name, raw, shown) in dates {
                    let _ = writeln!(out, "  {name}  {raw}  {shown}");
                }
            }
        }
        Err(reason) => {
            let _ = writeln!(
                out,
                "payload ({} bytes, not a JSON object: {})\n{}",
                parts.payload.len(),
                reason_message(reason),
                String::from_utf8_lossy(&parts.payload)
            );
        }
    }
    let _ = writeln!(out, "\nsignature  {} bytes", parts.signature.len());
    out
}

/// The JSON rendering: `{"verified":false,"header","claims"|null,"payload"|null,"dates","signature_bytes"}`.
pub fn json(parts: &Unverified) -> Value {
    let (claims, payload, dates) = match &parts.claims {
        Ok(c) => (
            Value::Object(c.clone()),
            Value::Null,
            dates(c)
                .into_iter()
                .map(|(name, _, shown)| (name.to_owned(), Value::String(shown)))
                .collect::<Map<_, _>>(),
        ),
        Err(_) => (
            Value::Null,
            Value::String(String::from_utf8_lossy(&parts.payload).into_owned()),
            Map::new(),
        ),
    };
    json!({
        "verified": false,
        "header": parts.header,
        "claims": claims,
        "payload": payload,
        "dates": dates,
        "signature_bytes": parts.signature.len(),
    })
}
