//! Layer 5: registered JWT claims (RFC 7519 §4.1, policy.md §5): NumericDate types and range,
//! `exp`/`nbf` against an injected clock, `iss`/`sub`/`jti`/`aud` types, issuer and audience.
//!
//! A claim of the wrong type is a rejection with a type reason, never "treated as absent":
//! that is how `"exp": "99999999999"` slips past libraries that skip what they cannot parse.

use serde_json::{Map, Value};

use crate::verdict::{describe_json, Reason};

/// The largest NumericDate accepted: 9999-12-31T23:59:59Z.
pub const MAX_NUMERIC_DATE: f64 = 253_402_300_799.0;

/// The registered claim names of RFC 7519 §4.1.
pub const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// The claims that are NumericDates.
pub const DATE_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

/// What the claims layer checks, mirroring the fields of a protocol v1 verify request.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClaimChecks<'a> {
    /// The verification time, seconds since the epoch.
    pub now: i64,
    /// Clock skew allowed for `exp` and `nbf`.
    pub leeway: u64,
    /// Claims that must be present.
    pub required: &'a [String],
    /// The exact issuer expected.
    pub issuer: Option<&'a str>,
    /// The audience `aud` must be or contain.
    pub audience: Option<&'a str>,
}

/// Runs every check of this layer, in a fixed order: presence, types, time, issuer, audience.
pub fn check(claims: &Map<String, Value>, checks: &ClaimChecks<'_>) -> Result<(), Reason> {
    for name in checks.required {
        if !claims.contains_key(name) {
            return Err(Reason::MissingClaim {
                claim: name.clone(),
            });
        }
    }
    let mut dates = [None; 3];
    for (slot, name) in dates.iter_mut().zip(DATE_CLAIMS) {
        *slot = numeric_date(claims, name)?;
    }
    for name in ["iss", "sub", "jti"] {
        match claims.get(name) {
            None | Some(Value::String(_)) => {}
            Some(other) => return Err(type_error(name, "a string", other)),
        }
    }
    let audiences = audiences(claims)?;

    let now = checks.now as f64;
    let leeway = checks.leeway as f64;
    if let Some(exp) = dates[0] {
        if now >= exp + leeway {
            return Err(Reason::Expired {
                exp,
                now: checks.now,
                leeway: checks.leeway,
            });
        }
    }
    if let Some(nbf) = dates[1] {
        if now + leeway < nbf {
            return Err(Reason::NotYetValid {
                nbf,
                now: checks.now,
                leeway: checks.leeway,
            });
        }
    }
    if let Some(expected) = checks.issuer {
        match claims.get("iss") {
            None => {
                return Err(Reason::MissingClaim {
                    claim: "iss".into(),
                })
            }
            Some(Value::String(iss)) if iss == expected => {}
            Some(other) => {
                return Err(Reason::IssuerMismatch {
                    expected: expected.to_owned(),
                    found: describe_json(other),
                })
            }
        }
    }
    if let Some(expected) = checks.audience {
        match audiences {
            None => {
                return Err(Reason::MissingClaim {
                    claim: "aud".into(),
                })
            }
            Some(list) if list.contains(&expected) => {}
            Some(_) => {
                return Err(Reason::AudienceMismatch {
                    expected: expected.to_owned(),
                    found: claims.get("aud").map(describe_json).unwrap_or_default(),
                })
            }
        }
    }
    Ok(())
}

/// Reads a NumericDate claim: absent, or a finite JSON number in 0 ..= [`MAX_NUMERIC_DATE`].
pub fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, Reason> {
    let value = match claims.get(name) {
        None => return Ok(None),
        Some(v) => v,
    };
    let number = match value {
        Value::Number(n) => n,
        other => return Err(type_error(name, "a NumericDate (a JSON number)", other)),
    };
    let out_of_range = |looks_like_milliseconds| Reason::DateOutOfRange {
        claim: name.to_owned(),
        value: number.to_string(),
        looks_like_milliseconds,
    };
    let v = number.as_f64().ok_or_else(|| out_of_range(false))?;
    if !v.is_finite() || v < 0.0 {
        return Err(out_of_range(false));
    }
    if v > MAX_NUMERIC_DATE {
        return Err(out_of_range(v / 1000.0 <= MAX_NUMERIC_DATE));
    }
    Ok(Some(v))
}

/// `aud` as a list: a string, or a non-empty array of strings.
fn audiences(claims: &Map<String, Value>) -> Result<Option<Vec<&str>>, Reason> {
    const EXPECTED: &str = "a string or a non-empty array of strings";
    match claims.get("aud") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.as_str()])),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| type_error("aud", EXPECTED, item))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(type_error("aud", EXPECTED, other)),
    }
}

fn type_error(claim: &str, expected: &str, found: &Value) -> Reason {
    Reason::ClaimType {
        claim: claim.to_owned(),
        expected: expected.to_owned(),
        found: match found {
            Value::Array(a) if a.is_empty() => "an empty array".to_owned(),
            other => describe_json(other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_700_000_000;

    fn run(claims: Value, checks: ClaimChecks<'_>) -> String {
        let claims = claims.as_object().cloned().unwrap();
        match check(&claims, &checks) {
            Ok(()) => "ok".into(),
            Err(e) => e.code().into(),
        }
    }

    fn at(now: i64, leeway: u64) -> ClaimChecks<'static> {
        ClaimChecks {
            now,
            leeway,
            ..Default::default()
        }
    }

    #[test]
    fn exp_boundaries() {
        assert_eq!(run(json!({"exp": NOW}), at(NOW, 0)), "expired");
        assert_eq!(run(json!({"exp": NOW + 1}), at(NOW, 0)), "ok");
        assert_eq!(run(json!({"exp": NOW - 1}), at(NOW, 0)), "expired");
        assert_eq!(run(json!({"exp": NOW}), at(NOW, 1)), "ok");
        assert_eq!(run(json!({"exp": NOW - 30}), at(NOW, 30)), "expired");
        assert_eq!(run(json!({"exp": NOW - 29}), at(NOW, 30)), "ok");
        assert_eq!(run(json!({"exp": NOW as f64 + 0.5}), at(NOW, 0)), "ok");
        assert_eq!(run(json!({"exp": NOW as f64 - 0.5}), at(NOW, 0)), "expired");
    }

    #[test]
    fn nbf_boundaries() {
        assert_eq!(run(json!({"nbf": NOW}), at(NOW, 0)), "ok");
        assert_eq!(run(json!({"nbf": NOW + 1}), at(NOW, 0)), "not_yet_valid");
        assert_eq!(run(json!({"nbf": NOW + 30}), at(NOW, 30)), "ok");
        assert_eq!(run(json!({"nbf": NOW + 31}), at(NOW, 30)), "not_yet_valid");
    }

    #[test]
    fn iat_is_type_checked_only() {
        assert_eq!(run(json!({"iat": NOW + 86_400}), at(NOW, 0)), "ok");
        assert_eq!(run(json!({"iat": "1"}), at(NOW, 0)), "claim_type");
    }

    #[test]
    fn date_types() {
        for claim in DATE_CLAIMS {
            for bad in [
                json!("99999999999"),
                json!(true),
                json!(null),
                json!([1]),
                json!({}),
            ] {
                assert_eq!(
                    run(json!({ claim: bad }), at(NOW, 0)),
                    "claim_type",
                    "{claim}"
                );
            }
            for out in [json!(-1), json!(1e30), json!(1e300), json!(253402300800u64)] {
                assert_eq!(run(json!({ claim: out }), at(NOW, 0)), "date_out_of_range");
            }
            assert_eq!(
                run(json!({ claim: 18446744073709551615u64 }), at(0, 0)),
                "date_out_of_range"
            );
        }
        assert_eq!(run(json!({"exp": 253402300799u64}), at(NOW, 0)), "ok");
        assert_eq!(run(json!({"nbf": 0}), at(NOW, 0)), "ok");
    }

    #[test]
    fn milliseconds_are_named() {
        let claims = json!({"exp": 1767225600000u64})
            .as_object()
            .cloned()
            .unwrap();
        let err = numeric_date(&claims, "exp").unwrap_err();
        assert_eq!(
            err,
            Reason::DateOutOfRange {
                claim: "exp".into(),
                value: "1767225600000".into(),
                looks_like_milliseconds: true
            }
        );
        let claims = json!({"exp": 1e30}).as_object().cloned().unwrap();
        assert!(!err.to_string().is_empty());
        assert!(matches!(
            numeric_date(&claims, "exp"),
            Err(Reason::DateOutOfRange {
                looks_like_milliseconds: false,
                ..
            })
        ));
    }

    #[test]
    fn string_claims_types() {
        for claim in ["iss", "sub", "jti"] {
            assert_eq!(run(json!({ claim: "x" }), at(NOW, 0)), "ok");
            for bad in [json!(1), json!(["x"]), json!(null), json!({})] {
                assert_eq!(run(json!({ claim: bad }), at(NOW, 0)), "claim_type");
            }
        }
    }

    #[test]
    fn audience_forms() {
        let aud = ClaimChecks {
            audience: Some("app"),
            ..at(NOW, 0)
        };
        assert_eq!(run(json!({"aud":"app"}), aud), "ok");
        assert_eq!(run(json!({"aud":["other","app"]}), aud), "ok");
        assert_eq!(run(json!({"aud":["other"]}), aud), "audience_mismatch");
        assert_eq!(run(json!({"aud":"App"}), aud), "audience_mismatch");
        assert_eq!(run(json!({"aud":[]}), aud), "claim_type");
        assert_eq!(run(json!({"aud":7}), aud), "claim_type");
        assert_eq!(run(json!({"aud":["app", 7]}), aud), "claim_type");
        assert_eq!(run(json!({}), aud), "missing_claim");
        // aud present where none is expected: accepted (policy says either).
        assert_eq!(run(json!({"aud":"x"}), at(NOW, 0)), "ok");
    }

    #[test]
    fn issuer_is_exact() {
        let iss = ClaimChecks {
            issuer: Some("privy.io"),
            ..at(NOW, 0)
        };
        assert_eq!(run(json!({"iss":"privy.io"}), iss), "ok");
        for bad in ["Privy.io", "privy.io ", "privy.i", "privy.io.evil", ""] {
            assert_eq!(
                run(json!({ "iss": bad }), iss),
                "issuer_mismatch",
                "{bad:?}"
            );
        }
        assert_eq!(run(json!({"iss":["privy.io"]}), iss), "claim_type");
        assert_eq!(run(json!({}), iss), "missing_claim");
    }

    #[test]
    fn required_claims() {
        let required = ["sub".to_owned(), "exp".to_owned()];
        let req = ClaimChecks {
            required: &required,
            ..at(NOW, 0)
        };
        assert_eq!(run(json!({"sub":"u","exp":NOW + 5}), req), "ok");
        assert_eq!(run(json!({"sub":"u"}), req), "missing_claim");
        assert_eq!(run(json!({"exp":NOW + 5}), req), "missing_claim");
    }
}
