//! Loading a profile from JSON, with errors that name the field at fault.

use std::path::{Path, PathBuf};

use super::{ClaimRule, ConfigKey, ExpectedValue, Profile, Shape, ValueType, APP_ID_PLACEHOLDER};

/// Why a profile could not be loaded or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The profile file could not be read.
    #[error("cannot read profile {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The text is not JSON of the profile schema; `field` is the path of the offending field.
    #[error("profile field `{field}`: {message}")]
    Parse { field: String, message: String },
    /// The JSON fits the schema but breaks a rule of it.
    #[error("profile field `{field}`: {problem}")]
    Invalid { field: String, problem: String },
    /// The profile takes a value from configuration that the caller did not supply.
    #[error("this profile needs the configuration value `{}`", key_name(*.key))]
    MissingConfig { key: ConfigKey },
    /// The profile requires `kid` but the signing key has none.
    #[error("this profile requires a `kid` header, but the signing key has no kid")]
    KeyNeedsKid,
    /// No built-in profile has this id.
    #[error("no built-in profile `{id}` (built-in: {known})")]
    Unknown { id: String, known: String },
}

impl ProfileError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::Io { .. } => "profile_io",
            ProfileError::Parse { .. } => "profile_parse",
            ProfileError::Invalid { .. } => "profile_invalid",
            ProfileError::MissingConfig { .. } => "missing_config",
            ProfileError::KeyNeedsKid => "key_needs_kid",
            ProfileError::Unknown { .. } => "unknown_profile",
        }
    }
}

fn key_name(key: ConfigKey) -> &'static str {
    match key {
        ConfigKey::AppId => "app_id",
    }
}

impl Profile {
    /// Parses and validates a profile from JSON text.
    pub fn from_json(text: &str) -> Result<Profile, ProfileError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let profile: Profile =
            serde_path_to_error::deserialize(de).map_err(|e| ProfileError::Parse {
                field: match e.path().to_string() {
                    p if p == "." => "(top level)".to_owned(),
                    p => p,
                },
                message: e.inner().to_string(),
            })?;
        profile.validate()?;
        Ok(profile)
    }

    /// Reads, parses and validates a profile file.
    pub fn from_file(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.to_owned(),
            source,
        })?;
        Profile::from_json(&text)
    }

    /// Checks the rules the schema alone cannot express.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let invalid = |field: &str, problem: &str| ProfileError::Invalid {
            field: field.to_owned(),
            problem: problem.to_owned(),
        };
        let simple_id = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        if !simple_id(&self.id) {
            return Err(invalid(
                "id",
                "must be non-empty lowercase letters, digits, '-' or '_'",
            ));
        }
        if self.algorithms.allowed.is_empty() {
            return Err(invalid(
                "algorithms.allowed",
                "must list at least one algorithm",
            ));
        }
        for (field, value) in [("issuer", &self.issuer), ("audience", &self.audience)] {
            if let Some(ExpectedValue {
                fixed,
                config,
                template,
                basis,
            }) = value
            {
                let given = [fixed.is_some(), config.is_some(), template.is_some()];
                if given.iter().filter(|g| **g).count() != 1 {
                    return Err(invalid(
                        field,
                        "needs exactly one of `fixed`, `config` and `template`",
                    ));
                }
                if let Some(t) = template {
                    check_template(&format!("{field}.template"), t)?;
                }
                check_basis(field, basis)?;
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, rule) in self.claims.iter().enumerate() {
            let field = format!("claims[{i}]");
            if rule.name.is_empty() {
                return Err(invalid(&format!("{field}.name"), "must not be empty"));
            }
            if !seen.insert(rule.name.as_str()) {
                return Err(invalid(&format!("{field}.name"), "names a claim twice"));
            }
            check_basis(&field, &rule.basis)?;
            check_shape(&format!("{field}.shape"), &rule.shape)?;
            check_date_claim(&field, rule)?;
        }
        self.validate_rule_kinds()?;
        let uid = &self.identity.user_id;
        let Some(rule) = self.claim(&uid.claim) else {
            return Err(invalid(
                "identity.user_id.claim",
                "must name a claim that has a rule in `claims`",
            ));
        };
        let expected = if uid.member.is_some() {
            ValueType::Object
        } else {
            ValueType::String
        };
        if rule.shape.kind != expected {
            return Err(invalid(
                "identity.user_id",
                "the user id claim must be a string (or an object when `member` is set)",
            ));
        }
        for (i, name) in uid.preferred_claims.iter().enumerate() {
            if self.claim(name).map(|r| r.shape.kind) != Some(ValueType::String)
                || name == &uid.claim
            {
                return Err(invalid(
                    &format!("identity.user_id.preferred_claims[{i}]"),
                    "must name another claim whose rule makes it a string",
                ));
            }
        }
        Ok(())
    }
}

impl Profile {
    /// The one-of groups, the time rules and the forbidden signatures.
    fn validate_rule_kinds(&self) -> Result<(), ProfileError> {
        let invalid = |field: String, problem: &str| ProfileError::Invalid {
            field,
            problem: problem.to_owned(),
        };
        for (i, group) in self.one_of.iter().enumerate() {
            let field = format!("one_of[{i}]");
            if group.claims.len() < 2 {
                return Err(invalid(
                    format!("{field}.claims"),
                    "must name two claims or more",
                ));
            }
            for (j, name) in group.claims.iter().enumerate() {
                if self.claim(name).is_none() {
                    return Err(invalid(
                        format!("{field}.claims[{j}]"),
                        "must name a claim that has a rule in `claims`",
                    ));
                }
                if group.claims[..j].contains(name) {
                    return Err(invalid(
                        format!("{field}.claims[{j}]"),
                        "names a claim twice",
                    ));
                }
            }
            check_basis(&field, &group.basis)?;
        }
        let time = [
            ("iat_max_future", &self.time.iat_max_future, &["iat"][..], 0),
            ("iat_max_age", &self.time.iat_max_age, &["iat"][..], 1),
            ("max_lifetime", &self.time.max_lifetime, &["exp"][..], 1),
        ];
        for (name, rule, dates, least) in time {
            let Some(rule) = rule else { continue };
            let field = format!("time.{name}");
            for date in dates {
                if self.claim(date).is_none() {
                    return Err(invalid(
                        field.clone(),
                        &format!("needs a rule for `{date}` in `claims`"),
                    ));
                }
            }
            if rule.seconds < least {
                return Err(invalid(format!("{field}.seconds"), "must be at least 1"));
            }
            check_basis(&field, &rule.basis)?;
        }
        // A bound counted from `iat` means nothing if `iat` may lie in the future.
        let from_iat = self.time.iat_max_age.is_some() || self.time.max_lifetime.is_some();
        if from_iat && self.claim("iat").is_some() && self.time.iat_max_future.is_none() {
            return Err(invalid(
                "time.iat_max_future".to_owned(),
                "is needed with iat_max_age or max_lifetime: a future iat would void them",
            ));
        }
        for (i, forbidden) in self.forbidden_signatures.iter().enumerate() {
            let field = format!("forbidden_signatures[{i}]");
            if forbidden.value.is_empty() || forbidden.value.contains('.') {
                return Err(invalid(
                    format!("{field}.value"),
                    "must be a non-empty signature segment (no `.`)",
                ));
            }
            check_basis(&field, &forbidden.basis)?;
        }
        Ok(())
    }
}

/// A template holds the app id placeholder and no other `${…}`.
fn check_template(field: &str, template: &str) -> Result<(), ProfileError> {
    let others = template.replace(APP_ID_PLACEHOLDER, "");
    if !template.contains(APP_ID_PLACEHOLDER) || others.contains("${") {
        return Err(ProfileError::Invalid {
            field: field.to_owned(),
            problem: format!("must contain {APP_ID_PLACEHOLDER} and no other placeholder"),
        });
    }
    Ok(())
}

fn check_basis(field: &str, basis: &str) -> Result<(), ProfileError> {
    if basis.trim().is_empty() {
        return Err(ProfileError::Invalid {
            field: format!("{field}.basis"),
            problem: "every rule must say where it comes from".into(),
        });
    }
    Ok(())
}

fn check_date_claim(field: &str, rule: &ClaimRule) -> Result<(), ProfileError> {
    let is_date_name = crate::engine::claims::DATE_CLAIMS.contains(&rule.name.as_str());
    if is_date_name != (rule.shape.kind == ValueType::NumericDate) {
        return Err(ProfileError::Invalid {
            field: format!("{field}.shape.type"),
            problem: "`numeric_date` is the type of exactly the claims exp, nbf and iat".into(),
        });
    }
    Ok(())
}

fn check_shape(field: &str, shape: &Shape) -> Result<(), ProfileError> {
    let only = |present: bool, name: &str, kind: ValueType| -> Result<(), ProfileError> {
        if present && shape.kind != kind {
            return Err(ProfileError::Invalid {
                field: format!("{field}.{name}"),
                problem: format!("only allowed with type {kind:?}").to_lowercase(),
            });
        }
        Ok(())
    };
    only(shape.min_chars.is_some(), "min_chars", ValueType::String)?;
    only(shape.max_chars.is_some(), "max_chars", ValueType::String)?;
    only(shape.values.is_some(), "values", ValueType::String)?;
    only(shape.integral, "integral", ValueType::NumericDate)?;
    only(!shape.members.is_empty(), "members", ValueType::Object)?;
    only(
        shape.other_members.is_some(),
        "other_members",
        ValueType::Object,
    )?;
    only(
        shape.min_members.is_some(),
        "min_members",
        ValueType::Object,
    )?;
    only(shape.items.is_some(), "items", ValueType::Array)?;
    only(shape.json.is_some(), "json", ValueType::JsonText)?;
    if let (Some(min), Some(max)) = (shape.min_chars, shape.max_chars) {
        if min > max {
            return Err(ProfileError::Invalid {
                field: format!("{field}.min_chars"),
                problem: format!("{min} is above max_chars {max}"),
            });
        }
    }
    for (i, m) in shape.members.iter().enumerate() {
        check_shape(&format!("{field}.members[{i}].shape"), &m.shape)?;
    }
    for (name, inner) in [
        ("other_members", &shape.other_members),
        ("items", &shape.items),
        ("json", &shape.json),
    ] {
        if let Some(inner) = inner {
            check_shape(&format!("{field}.{name}"), inner)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "id": "acme",
        "title": "Acme widget",
        "algorithms": {"allowed": ["HS256"], "basis": "acme docs"},
        "claims": [
            {"name": "sub", "required": true, "shape": {"type": "string", "min_chars": 1},
             "example": "${user_id}", "basis": "acme docs"}
        ],
        "identity": {"user_id": {"claim": "sub", "basis": "acme docs"}, "binding": "acme docs"}
    }"#;

    fn error_of(text: &str) -> ProfileError {
        Profile::from_json(text).unwrap_err()
    }

    #[test]
    fn a_sixth_provider_loads_from_json() {
        let p = Profile::from_json(MINIMAL).unwrap();
        assert_eq!(p.id, "acme");
        assert_eq!(p.required_claims(), ["sub"]);
        assert_eq!(p.mode, super::super::Mode::Required);
    }

    #[test]
    fn from_file_reports_missing_file() {
        let err = Profile::from_file(Path::new("no/such/profile.json")).unwrap_err();
        assert_eq!(err.code(), "profile_io");
        assert!(err.to_string().contains("no/such/profile.json"));
    }

    #[test]
    fn parse_errors_name_the_field() {
        let cases = [
            (
                MINIMAL.replace(r#"["HS256"]"#, r#"["HS257"]"#),
                "algorithms.allowed[0]",
            ),
            (
                MINIMAL.replace(r#""type": "string""#, r#""type": "strin""#),
                "claims[0].shape.type",
            ),
            (
                MINIMAL.replace(r#""required": true"#, r#""required": "yes""#),
                "claims[0].required",
            ),
            (
                MINIMAL.replace(r#""min_chars": 1"#, r#""min_chars": 1, "max_char": 3"#),
                "claims[0].shape",
            ),
            (
                MINIMAL.replace(r#""title": "Acme widget","#, ""),
                "(top level)",
            ),
        ];
        for (text, field) in cases {
            match error_of(&text) {
                ProfileError::Parse { field: f, message } => {
                    assert!(f.starts_with(field), "expected {field}, got {f}: {message}")
                }
                other => panic!("expected a parse error at {field}, got {other}"),
            }
        }
        assert!(
            error_of(MINIMAL.replace(r#""title": "Acme widget","#, "").as_str())
                .to_string()
                .contains("title")
        );
    }

    /// MINIMAL with `iat` and `exp` rules and these top-level members added.
    fn with_dates(members: &str) -> String {
        let dates = r#""claims": [
            {"name": "iat", "shape": {"type": "numeric_date"}, "basis": "acme docs"},
            {"name": "exp", "shape": {"type": "numeric_date"}, "basis": "acme docs"},
            {"name": "email", "shape": {"type": "number"}, "basis": "acme docs"},"#;
        MINIMAL.replacen(r#""claims": ["#, dates, 1).replacen(
            r#""identity""#,
            &format!(r#"{members} "identity""#),
            1,
        )
    }

    #[test]
    fn the_rule_kinds_beyond_claims_load_and_are_checked() {
        let future = r#"{"seconds": 0, "basis": "acme docs"}"#;
        let ok = with_dates(&format!(
            r#""one_of": [{{"claims": ["sub", "iat"], "basis": "acme docs"}}],
               "time": {{"iat_max_future": {future}, "iat_max_age": {{"seconds": 900, "basis": "acme docs"}},
                         "max_lifetime": {{"seconds": 3600, "basis": "acme docs"}}}},
               "forbidden_signatures": [{{"value": "devtoken", "basis": "acme docs"}}],
               "issuer": {{"template": "https://${{app_id}}.example", "basis": "acme docs"}},"#
        ));
        let p = Profile::from_json(&ok).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.time.iat_max_age.as_ref().map(|r| r.seconds), Some(900));
        let config = super::super::Config {
            app_id: Some("a1".into()),
        };
        assert_eq!(
            p.issuer.as_ref().unwrap().resolve(&config).unwrap(),
            "https://a1.example"
        );
        let cases = [
            (
                r#""one_of": [{"claims": ["sub"], "basis": "acme docs"}],"#.to_owned(),
                "one_of[0].claims",
            ),
            (
                r#""one_of": [{"claims": ["sub", "uid"], "basis": "acme docs"}],"#.to_owned(),
                "one_of[0].claims[1]",
            ),
            (
                r#""one_of": [{"claims": ["sub", "sub"], "basis": "acme docs"}],"#.to_owned(),
                "one_of[0].claims[1]",
            ),
            (
                r#""time": {"iat_max_age": {"seconds": 900, "basis": "acme docs"}},"#.to_owned(),
                "time.iat_max_future",
            ),
            (
                format!(
                    r#""time": {{"iat_max_future": {future}, "max_lifetime": {{"seconds": 0, "basis": "acme docs"}}}},"#
                ),
                "time.max_lifetime.seconds",
            ),
            (
                r#""forbidden_signatures": [{"value": "a.b", "basis": "acme docs"}],"#.to_owned(),
                "forbidden_signatures[0].value",
            ),
            (
                r#""issuer": {"template": "https://example", "basis": "acme docs"},"#.to_owned(),
                "issuer.template",
            ),
            (
                r#""issuer": {"template": "${app_id}${user_id}", "basis": "acme docs"},"#
                    .to_owned(),
                "issuer.template",
            ),
            (
                r#""issuer": {"fixed": "x", "template": "${app_id}", "basis": "acme docs"},"#
                    .to_owned(),
                "issuer",
            ),
        ];
        for (members, field) in cases {
            match error_of(&with_dates(&members)) {
                ProfileError::Invalid { field: f, problem } => assert_eq!(f, field, "{problem}"),
                other => panic!("expected an invalid-field error at {field}, got {other}"),
            }
        }
        // A preferred user-id claim must be a string claim.
        let numeric = with_dates("").replace(
            r#""claim": "sub","#,
            r#""claim": "sub", "preferred_claims": ["email"],"#,
        );
        match error_of(&numeric) {
            ProfileError::Invalid { field, .. } => {
                assert_eq!(field, "identity.user_id.preferred_claims[0]")
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn semantic_errors_name_the_field() {
        let cases = [
            (
                MINIMAL.replace(r#""id": "acme""#, r#""id": "Acme Co""#),
                "id",
            ),
            (MINIMAL.replace(r#"["HS256"]"#, "[]"), "algorithms.allowed"),
            (
                MINIMAL.replace(r#""min_chars": 1"#, r#""integral": true"#),
                "claims[0].shape.integral",
            ),
            (
                MINIMAL.replace(r#""min_chars": 1"#, r#""min_chars": 5, "max_chars": 2"#),
                "claims[0].shape.min_chars",
            ),
            (
                MINIMAL.replace(
                    r#""example": "${user_id}", "basis": "acme docs""#,
                    r#""basis": " ""#,
                ),
                "claims[0].basis",
            ),
            (
                MINIMAL.replace(r#""claim": "sub""#, r#""claim": "uid""#),
                "identity.user_id.claim",
            ),
            (
                MINIMAL.replace(r#""name": "sub""#, r#""name": "exp""#),
                "claims[0].shape.type",
            ),
        ];
        for (text, field) in cases {
            match error_of(&text) {
                ProfileError::Invalid { field: f, problem } => {
                    assert_eq!(f, field, "{problem}")
                }
                other => panic!("expected an invalid-field error at {field}, got {other}"),
            }
        }
    }
}
