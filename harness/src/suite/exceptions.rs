//! Known divergences: `vectors/exceptions/<implementation>.json`, each entry with its reason.
//!
//! An entry turns an unexpected result into a known divergence; an entry that no longer matches
//! an unexpected result is stale, and stale entries fail the run, so the list cannot rot.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One implementation's known divergences.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionsFile {
    /// The implementation's name as it describes itself.
    pub implementation: String,
    pub divergences: Vec<Divergence>,
}

/// One case on which an implementation knowingly departs from the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Divergence {
    /// The case id (or a signer-conformance id such as `signer::zendesk`).
    pub id: String,
    /// What the implementation does and why.
    pub reason: String,
    /// Where the library's behaviour is documented or visible (source file, issue, docs).
    pub basis: String,
    /// What the divergence lets through, when it is a security problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
}

/// The security impact of a divergence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// A token nobody with the key signed verifies.
    LetsForgedThrough,
    /// An expired or not-yet-valid token verifies.
    LetsExpiredThrough,
    /// A token for another user, app or issuer verifies.
    LetsWrongUserThrough,
    /// A malformed or ambiguous token verifies (parser differential risk).
    LetsMalformedThrough,
    /// A valid token is refused (interoperability, not security).
    RejectsValid,
}

/// Every implementation's exceptions, by implementation name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exceptions {
    by_implementation: BTreeMap<String, BTreeMap<String, Divergence>>,
}

/// Why the exceptions could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExceptionsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A file is not a valid exceptions file; `field` is the path of the offending field.
    #[error("{path}: field `{field}`: {message}")]
    Parse {
        path: String,
        field: String,
        message: String,
    },
    /// A file lists the same case twice.
    #[error("{path}: case {id} is listed twice")]
    Duplicate { path: String, id: String },
    /// The file name does not match the implementation it names.
    #[error("{path}: names implementation {named:?}; the file must be called {named}.json")]
    Misnamed { path: String, named: String },
}

impl Exceptions {
    /// Reads every `*.json` in `dir` (a missing directory means no exceptions).
    pub fn load_dir(dir: &Path) -> Result<Exceptions, ExceptionsError> {
        let mut out = Exceptions::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(source) => {
                return Err(ExceptionsError::Io {
                    path: dir.display().to_string(),
                    source,
                })
            }
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|source| ExceptionsError::Io {
                path: shown.clone(),
                source,
            })?;
            let file = parse(&text, &shown)?;
            if path.file_stem().and_then(|s| s.to_str()) != Some(file.implementation.as_str()) {
                return Err(ExceptionsError::Misnamed {
                    path: shown,
                    named: file.implementation,
                });
            }
            out.insert(file, &shown)?;
        }
        Ok(out)
    }

    /// Adds one implementation's file.
    pub fn insert(&mut self, file: ExceptionsFile, path: &str) -> Result<(), ExceptionsError> {
        let entries = self
            .by_implementation
            .entry(file.implementation.clone())
            .or_default();
        for d in file.divergences {
            if entries.contains_key(&d.id) {
                return Err(ExceptionsError::Duplicate {
                    path: path.to_owned(),
                    id: d.id,
                });
            }
            entries.insert(d.id.clone(), d);
        }
        Ok(())
    }

    /// The entry for this implementation and case, if any.
    pub fn get(&self, implementation: &str, case_id: &str) -> Option<&Divergence> {
        self.by_implementation.get(implementation)?.get(case_id)
    }

    /// Every entry of one implementation.
    pub fn of(&self, implementation: &str) -> impl Iterator<Item = &Divergence> {
        self.by_implementation
            .get(implementation)
            .into_iter()
            .flat_map(|m| m.values())
    }
}

fn parse(text: &str, path: &str) -> Result<ExceptionsFile, ExceptionsError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| ExceptionsError::Parse {
        path: path.to_owned(),
        field: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_field() {
        let err = parse(
            r#"{"implementation":"x","divergences":[{"id":"a","reason":"r"}]}"#,
            "x.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("divergences[0]"), "{err}");
        assert!(err.to_string().contains("basis"), "{err}");
    }

    #[test]
    fn duplicates_are_refused() {
        let d = Divergence {
            id: "a::b".into(),
            reason: "r".into(),
            basis: "b".into(),
            impact: None,
        };
        let mut ex = Exceptions::default();
        let file = ExceptionsFile {
            implementation: "x".into(),
            divergences: vec![d.clone(), d],
        };
        assert!(matches!(
            ex.insert(file, "x.json"),
            Err(ExceptionsError::Duplicate { .. })
        ));
    }

    #[test]
    fn missing_directory_means_none() {
        let ex = Exceptions::load_dir(Path::new("no/such/dir")).unwrap();
        assert!(ex.get("x", "y").is_none());
    }
}
