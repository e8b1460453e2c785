//! Lint: what is risky or probably unintended in a token, whether or not it verifies.
//!
//! Lints read the token without verifying it and never change a verdict. The one critical
//! finding, `known_secret`, is the only lint that checks a signature, and only under published
//! secrets and the user's `--secrets` ([`super::secrets`]), never under the configured keys.

use serde_json::{Map, Value};

use super::report::{Severity, Warning};
use super::secrets::{self, Candidate};
use super::unverified::take_apart;
use crate::contract::Jwk;
use crate::engine::claims::MAX_NUMERIC_DATE;
use crate::profile::Profile;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use zeroize::Zeroizing;

/// Tokens meant to live longer than this many seconds are linted (`long_lifetime`).
pub const MAX_LIFETIME_SECONDS: f64 = 24.0 * 3600.0;

/// HMAC keys shorter than this many bytes are linted (RFC 7518 §3.2).
pub const MIN_HMAC_KEY_BYTES: usize = 32;

/// Claims every verifier reads whatever the provider: the dates the claims layer enforces, and
/// `jti`, a conventional token id. Any other claim a profile has no rule for is ignored by it
/// (`sub` in a Zendesk token is a likely mistake for `external_id`).
const ALWAYS_READ: [&str; 4] = ["exp", "nbf", "iat", "jti"];

/// What the lints look at.
#[derive(Clone, Copy, Debug)]
pub struct LintInput<'a> {
    pub token: &'a str,
    /// The provider whose expectations apply, if any.
    pub profile: Option<&'a Profile>,
    pub now: i64,
    pub leeway: u64,
    /// The configured keys, when there are any (`verify`); `lint` has none.
    pub keys: Option<&'a [Jwk]>,
    /// Secrets to try besides the published ones (`--secrets`).
    pub secrets: &'a [Candidate],
}

/// Every lint code, in the order they are reported.
pub const CODES: &[&str] = &[
    "known_secret",
    "exp_milliseconds",
    "exp_missing",
    "long_lifetime",
    "iat_in_future",
    "hmac_key_short",
    "high_s",
    "typ_missing",
    "kid_missing",
    "email_unverified",
    "ignored_claim",
];

/// The lint warnings for a token; none when it cannot even be taken apart.
pub fn lint(input: &LintInput<'_>) -> Vec<Warning> {
    let mut out = Vec::new();
    let Ok(parts) = take_apart(input.token) else {
        return out;
    };
    if let Some(candidate) = secrets::find(input.token, input.secrets) {
        out.push(secrets::finding(candidate));
    }
    if let Ok(claims) = &parts.claims {
        dates(&mut out, claims, input.now, input.leeway);
    }
    for jwk in input.keys.unwrap_or_default() {
        if let Some(length) = hmac_length(jwk) {
            if length < MIN_HMAC_KEY_BYTES {
                let name = jwk
                    .kid
                    .as_ref()
                    .map(|k| format!(" {k:?}"))
                    .unwrap_or_default();
                out.push(warning(
                    "hmac_key_short",
                    format!(
                        "the HMAC key{name} is {length} bytes; RFC 7518 §3.2 asks for at least \
                         {MIN_HMAC_KEY_BYTES}"
                    ),
                ));
            }
        }
    }
    if parts.header.get("alg") == Some(&Value::String("ES256".into()))
        && is_high_s(&parts.signature)
    {
        out.push(Warning {
            code: "high_s",
            severity: Severity::Info,
            message: "the ES256 signature is high-S (s > n/2): valid (RFC 7515 A.3), but \
                      verifiers that insist on low-S will refuse it"
                .into(),
        });
    }
    if let Some(profile) = input.profile {
        if profile.header.typ.is_some() && !parts.header.contains_key("typ") {
            out.push(warning(
                "typ_missing",
                format!("{} wants a \"typ\" header member", profile.id),
            ));
        }
        if profile.header.kid.as_ref().is_some_and(|k| k.required)
            && !parts.header.contains_key("kid")
        {
            out.push(warning(
                "kid_missing",
                format!("{} wants a \"kid\" header member", profile.id),
            ));
        }
        if let Ok(claims) = &parts.claims {
            provider_claims(&mut out, profile, claims);
        }
    }
    out
}

fn warning(code: &'static str, message: String) -> Warning {
    Warning {
        code,
        severity: Severity::Warning,
        message,
    }
}

fn dates(out: &mut Vec<Warning>, claims: &Map<String, Value>, now: i64, leeway: u64) {
    let number = |name: &str| claims.get(name).and_then(Value::as_f64);
    match (claims.get("exp"), number("exp")) {
        (None, _) => out.push(warning(
            "exp_missing",
            "no \"exp\": the token never expires; anyone who obtains it can use it forever".into(),
        )),
        (Some(_), Some(exp)) if exp > MAX_NUMERIC_DATE && exp / 1000.0 <= MAX_NUMERIC_DATE => out
            .push(warning(
                "exp_milliseconds",
                format!("\"exp\" {exp} looks like milliseconds; NumericDate is in seconds"),
            )),
        (Some(_), Some(exp)) if exp <= MAX_NUMERIC_DATE => {
            let from = number("iat").unwrap_or(now as f64);
            let lifetime = exp - from;
            if lifetime > MAX_LIFETIME_SECONDS {
                let since = if claims.contains_key("iat") {
                    "iat"
                } else {
                    "now"
                };
                out.push(warning(
                    "long_lifetime",
                    format!(
                        "the token lives {:.1} hours after {since}; more than {} hours is \
                         rarely needed for an identity token",
                        lifetime / 3600.0,
                        MAX_LIFETIME_SECONDS / 3600.0
                    ),
                ));
            }
        }
        _ => {}
    }
    if let Some(iat) = number("iat") {
        if iat > (now as f64) + leeway as f64 {
            out.push(warning(
                "iat_in_future",
                format!(
                    "\"iat\" {iat} is after now {now} + leeway {leeway}s: the signer's clock is \
                     ahead (accepted, RFC 7519 erratum 7720)"
                ),
            ));
        }
    }
}

fn provider_claims(out: &mut Vec<Warning>, profile: &Profile, claims: &Map<String, Value>) {
    if let Some(email) = &profile.identity.email {
        if let (Some(flag), true) = (&email.only_if_true, claims.contains_key(&email.claim)) {
            if claims.get(flag) != Some(&Value::Bool(true)) {
                out.push(warning(
                    "email_unverified",
                    format!(
                        "\"{}\" is present but \"{flag}\" is not true: {} ignores the email",
                        email.claim, profile.id
                    ),
                ));
            }
        }
    }
    if profile.identity.other_claims_as_attributes {
        return;
    }
    for name in claims.keys() {
        let used = ALWAYS_READ.contains(&name.as_str())
            || profile.claim(name).is_some()
            || profile.identity.attributes.contains(name)
            || profile
                .identity
                .email
                .as_ref()
                .is_some_and(|e| e.only_if_true.as_deref() == Some(name.as_str()));
        if !used {
            out.push(warning(
                "ignored_claim",
                format!(
                    "{} ignores the claim {name:?} (a typo of a claim it reads?)",
                    profile.id
                ),
            ));
        }
    }
}

/// The length in bytes of an `oct` JWK's secret.
fn hmac_length(jwk: &Jwk) -> Option<usize> {
    let k = jwk.k.as_deref().filter(|_| jwk.kty == "oct")?;
    URL_SAFE_NO_PAD
        .decode(k)
        .ok()
        .map(|bytes| Zeroizing::new(bytes).len())
}

/// Whether a 64-byte ES256 signature's `s` is above n/2.
fn is_high_s(signature: &[u8]) -> bool {
    p256::ecdsa::Signature::from_slice(signature)
        .map(|s| s.normalize_s().is_some())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::engine::keys::Key;
    use crate::engine::{sign_jwt, Alg};
    use crate::profile::builtin;

    const NOW: i64 = 1_700_000_000;

    fn codes(
        header: Value,
        claims: Value,
        profile: Option<&str>,
        keys: &[Jwk],
    ) -> Vec<&'static str> {
        let key = Key::test_hmac("lint");
        let token = sign_jwt(
            Alg::HS256,
            &key,
            header.as_object().unwrap(),
            claims.as_object().unwrap(),
        )
        .unwrap();
        let profile = profile.map(|p| builtin(p).unwrap());
        lint(&LintInput {
            token: &token,
            profile,
            now: NOW,
            leeway: 0,
            keys: Some(keys),
            secrets: &[],
        })
        .into_iter()
        .map(|w| w.code)
        .collect()
    }

    #[test]
    fn each_lint_fires_on_its_case_only() {
        let ok = json!({"sub": "u", "exp": NOW + 600, "iat": NOW});
        assert_eq!(
            codes(json!({}), ok.clone(), Some("drift"), &[]),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(json!({}), json!({"sub": "u"}), None, &[]),
            ["exp_missing"]
        );
        assert_eq!(
            codes(
                json!({}),
                json!({"sub": "u", "exp": (NOW + 600) * 1000}),
                None,
                &[]
            ),
            ["exp_milliseconds"]
        );
        assert_eq!(
            codes(
                json!({}),
                json!({"sub": "u", "exp": NOW + 2 * 86_400}),
                None,
                &[]
            ),
            ["long_lifetime"]
        );
        assert_eq!(
            codes(
                json!({}),
                json!({"sub": "u", "exp": NOW + 600, "iat": NOW + 60}),
                None,
                &[]
            ),
            ["iat_in_future"]
        );
        let short = Key::hmac(vec![7u8; 31], Some("short".into())).to_jwk();
        let long = Key::hmac(vec![7u8; 32], None).to_jwk();
        assert_eq!(
            codes(json!({}), ok.clone(), None, &[short, long]),
            ["hmac_key_short"]
        );
        let zendesk = json!({"scope": "user", "external_id": "u", "exp": NOW + 600,
                             "email": "a@b.test", "email_verified": "true", "sub": "u"});
        assert_eq!(
            codes(json!({}), zendesk, Some("zendesk"), &[]),
            [
                "typ_missing",
                "kid_missing",
                "email_unverified",
                "ignored_claim"
            ]
        );
        // Intercom keeps every claim as an attribute: nothing is ignored.
        let intercom = json!({"user_id": "u", "exp": NOW + 600, "plan": "pro"});
        assert_eq!(
            codes(json!({}), intercom, Some("intercom"), &[]),
            Vec::<&str>::new()
        );
        assert!(CODES.contains(&"high_s"));
    }

    #[test]
    fn high_s_is_informational() {
        // Find a deterministic ES256 signature that is high-S, and one that is low-S.
        let key = Key::test_ec("lint-ec");
        let mut seen = (false, false);
        for i in 0..64 {
            let claims = json!({"sub": format!("u{i}"), "exp": NOW + 600});
            let token =
                sign_jwt(Alg::ES256, &key, &Map::new(), claims.as_object().unwrap()).unwrap();
            let sig = crate::engine::compact::decode_segment(
                token.rsplit('.').next().unwrap(),
                crate::verdict::Part::Signature,
            )
            .unwrap();
            let warnings = lint(&LintInput {
                token: &token,
                profile: None,
                now: NOW,
                leeway: 0,
                keys: None,
                secrets: &[],
            });
            let flagged = warnings
                .iter()
                .any(|w| w.code == "high_s" && w.severity == Severity::Info);
            // n/2 for P-256, big-endian: s above it is high.
            const HALF_N: [u8; 32] = [
                0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61,
                0x7e, 0x31, 0x92, 0xa8,
            ];
            assert_eq!(flagged, sig[32..] > HALF_N[..], "signature {i}");
            if flagged {
                seen.0 = true;
            } else {
                seen.1 = true;
            }
        }
        assert!(seen.0 && seen.1, "both forms occur among 64 signatures");
    }
}
