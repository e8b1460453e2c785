//! Known divergences as classes: `vectors/exceptions/<implementation>.json`.
//!
//! A class is one thing an implementation does wrong, written once: a stable id
//! (`jsonwebtoken::exp-off-by-one`), the cases it shows on (globs over case ids), optionally the
//! observed outcome or reason it covers and the one verify mode it is about, why, where in the
//! library's source, and its [`Impact`]. A divergent result covered by a class is a known divergence and a finding; one
//! covered by none is unexpected and fails the run; a class that covers no result is stale and
//! fails the run too, so the record cannot rot. The runner, the reports, the property tests and
//! the differential fuzzer all read these classes and nothing else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::contract::VerifyMode;
pub use crate::impact::Impact;

/// One implementation's known divergences.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionsFile {
    /// The implementation's name as it describes itself (and the file's stem).
    pub implementation: String,
    /// Another implementation whose classes this one has too (the same library on another
    /// backend); a class of this file with the same id replaces the inherited one.
    pub inherits: Option<String>,
    /// Inherited classes that do not apply to this backend, each with why (its defect lives in
    /// the other backend's code). Naming a class that is not inherited is an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_inherited: Vec<NotInherited>,
    /// The classes, worst impact first.
    pub classes: Vec<Class>,
}

/// An inherited class that does not apply, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotInherited {
    /// The inherited class's id.
    pub id: String,
    /// Why the defect is not this implementation's (which code differs).
    pub why: String,
}

/// One divergence class: a single defect, with every case that shows it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Class {
    /// `namespace::name`, unique across all files; the namespace is the implementation's name
    /// (or, for a class that replaces an inherited one, the inherited id).
    pub id: String,
    /// What the defect lets happen.
    pub impact: Impact,
    /// What the implementation does and why it is wrong (with the policy section).
    pub reason: String,
    /// Where the behaviour is visible: library version, source file and lines, issue.
    pub basis: String,
    /// Globs over case ids (`claims::exp-equals-now@*`, `zendesk::kid-missing`).
    pub cases: Vec<String>,
    /// The observation the class covers; by default the outcomes of its impact
    /// ([`Impact::default_outcomes`]), any reason.
    pub when: Option<When>,
    /// The one verify mode the class covers results of; absent, it covers both. A defect of
    /// the library itself shows whatever the library is told, so it is written once, without a
    /// mode; what its defaults let through is written with `"mode": "defaults"`.
    pub mode: Option<VerifyMode>,
}

/// A condition on what was observed.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The observed outcome: `unexpected_accept`, `unexpected_reject`, `wrong_identity`,
    /// `non_conformant_token`, `panic`, `hang`, `crash`, or `reason_mismatch` (the verdict was
    /// right, the reason code was not).
    pub outcome: Option<String>,
    /// The reason code the implementation's answer carried.
    pub reason: Option<String>,
}

/// The observations a class may cover, by name.
pub const OBSERVABLE: &[&str] = &[
    "unexpected_accept",
    "unexpected_reject",
    "wrong_identity",
    "non_conformant_token",
    "panic",
    "hang",
    "crash",
    "reason_mismatch",
];

/// A class ready to match: its globs compiled, its outcomes resolved.
#[derive(Debug)]
pub struct Compiled {
    /// The class as written.
    pub class: Class,
    /// The implementation whose file it is written in (differs from the implementation it
    /// applies to when inherited).
    pub written_for: String,
    globs: GlobSet,
    outcomes: Vec<String>,
}

impl Compiled {
    /// Whether the class is about this case at all (whatever was observed).
    pub fn covers_case(&self, case_id: &str) -> bool {
        self.globs.is_match(case_id)
    }

    /// Whether the class covers results of `mode`.
    pub fn applies_in(&self, mode: VerifyMode) -> bool {
        self.class.mode.is_none_or(|m| m == mode)
    }

    /// Whether the class covers this observation on this case (in any mode it applies in).
    pub fn covers(&self, case_id: &str, observed: &str, reason: Option<&str>) -> bool {
        self.outcomes.iter().any(|o| o == observed)
            && self
                .class
                .when
                .as_ref()
                .and_then(|w| w.reason.as_deref())
                .is_none_or(|want| reason == Some(want))
            && self.covers_case(case_id)
    }

    /// The observed outcomes the class covers.
    pub fn outcomes(&self) -> &[String] {
        &self.outcomes
    }
}

/// Every implementation's classes, by implementation name, inheritance resolved.
#[derive(Debug, Default)]
pub struct Exceptions {
    by_implementation: BTreeMap<String, Vec<Arc<Compiled>>>,
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
    /// Two classes have the same id.
    #[error("{path}: class {id} is defined twice")]
    Duplicate { path: String, id: String },
    /// The file name does not match the implementation it names.
    #[error("{path}: names implementation {named:?}; the file must be called {named}.json")]
    Misnamed { path: String, named: String },
    /// A class is not well formed: its id, globs or condition.
    #[error("{path}: class {id}: {problem}")]
    Invalid {
        path: String,
        id: String,
        problem: String,
    },
    /// `inherits` names no file, or inheritance goes round in a circle.
    #[error("{path}: inherits {inherits:?}: {problem}")]
    Inherits {
        path: String,
        inherits: String,
        problem: String,
    },
}

impl Exceptions {
    /// Reads every `*.json` in `dir` (a missing directory means no exceptions).
    pub fn load_dir(dir: &Path) -> Result<Exceptions, ExceptionsError> {
        let paths = super::json_files(dir).map_err(|source| ExceptionsError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut texts = Vec::new();
        for path in paths {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|source| ExceptionsError::Io {
                path: shown.clone(),
                source,
            })?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            texts.push((shown, stem, text));
        }
        Exceptions::from_texts(
            texts
                .iter()
                .map(|(p, s, t)| (p.as_str(), s.as_str(), t.as_str())),
        )
    }

    /// Builds the set from `(path shown in errors, file stem, file text)` triples.
    pub fn from_texts<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<Exceptions, ExceptionsError> {
        let mut parsed = Vec::new();
        for (path, stem, text) in files {
            let file = parse(text, path)?;
            if stem != file.implementation {
                return Err(ExceptionsError::Misnamed {
                    path: path.to_owned(),
                    named: file.implementation,
                });
            }
            parsed.push((path.to_owned(), file));
        }
        Exceptions::from_files(parsed)
    }

    /// Builds the set from parsed files, each with the path its errors name.
    pub fn from_files(files: Vec<(String, ExceptionsFile)>) -> Result<Exceptions, ExceptionsError> {
        let mut own: BTreeMap<String, Written> = BTreeMap::new();
        for (path, file) in files {
            let mut compiled = Vec::new();
            let mut seen_ids = BTreeSet::new();
            for class in file.classes {
                if !seen_ids.insert(class.id.clone()) {
                    return Err(ExceptionsError::Duplicate { path, id: class.id });
                }
                compiled.push(Arc::new(compile(class, &file.implementation, &path)?));
            }
            if own.contains_key(&file.implementation) {
                return Err(ExceptionsError::Duplicate {
                    path,
                    id: file.implementation,
                });
            }
            let written = Written {
                path,
                inherits: file.inherits,
                not_inherited: file.not_inherited.into_iter().map(|n| n.id).collect(),
                classes: compiled,
            };
            own.insert(file.implementation, written);
        }
        let mut by_implementation = BTreeMap::new();
        for name in own.keys() {
            by_implementation.insert(name.clone(), resolve(name, &own)?);
        }
        Ok(Exceptions { by_implementation })
    }

    /// The classes that apply to `implementation`: its own, then the inherited ones it does not
    /// replace.
    pub fn classes(&self, implementation: &str) -> &[Arc<Compiled>] {
        self.by_implementation
            .get(implementation)
            .map_or(&[], Vec::as_slice)
    }

    /// The first class of `implementation` in `mode` that covers this observation.
    pub fn covering(
        &self,
        implementation: &str,
        mode: VerifyMode,
        case_id: &str,
        observed: &str,
        reason: Option<&str>,
    ) -> Option<&Arc<Compiled>> {
        self.classes(implementation)
            .iter()
            .find(|c| c.applies_in(mode) && c.covers(case_id, observed, reason))
    }

    /// Whether some class of `implementation` covers this observed outcome on this case in
    /// configured mode (the mode the property tests and the fuzzers use), whatever reason it
    /// carries.
    pub fn records(&self, implementation: &str, case_id: &str, observed: &str) -> bool {
        self.classes(implementation).iter().any(|c| {
            c.applies_in(VerifyMode::Configured)
                && c.covers_case(case_id)
                && c.outcomes.iter().any(|o| o == observed)
        })
    }

    /// The class of `implementation` with this id.
    pub fn class(&self, implementation: &str, id: &str) -> Option<&Arc<Compiled>> {
        self.classes(implementation)
            .iter()
            .find(|c| c.class.id == id)
    }

    /// The implementations that have a file.
    pub fn implementations(&self) -> impl Iterator<Item = &str> {
        self.by_implementation.keys().map(String::as_str)
    }
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/exceptions.rs"));
}

/// The classes of `vectors/exceptions/` as they were when this crate was built (for code with
/// no checkout at run time: the fuzz targets and the property tests' filters).
pub fn embedded() -> &'static Exceptions {
    static EMBEDDED: std::sync::OnceLock<Exceptions> = std::sync::OnceLock::new();
    EMBEDDED.get_or_init(|| {
        let files = embedded::EMBEDDED
            .iter()
            .map(|(stem, text)| (*stem, *stem, *text));
        Exceptions::from_texts(files)
            .unwrap_or_else(|e| panic!("vectors/exceptions/ (checked by the tests): {e}"))
    })
}

/// One file's classes as written, before inheritance is resolved.
struct Written {
    path: String,
    inherits: Option<String>,
    not_inherited: Vec<String>,
    classes: Vec<Arc<Compiled>>,
}

/// `name`'s own classes, then those of what it inherits, transitively, without replaced ids.
fn resolve(
    name: &str,
    own: &BTreeMap<String, Written>,
) -> Result<Vec<Arc<Compiled>>, ExceptionsError> {
    let mut out: Vec<Arc<Compiled>> = Vec::new();
    let mut inherited_ids = BTreeSet::new();
    let mut visited = vec![name.to_owned()];
    let mut current = name.to_owned();
    loop {
        let Written {
            path,
            inherits,
            classes,
            ..
        } = &own[&current];
        for c in classes {
            if current != name {
                inherited_ids.insert(c.class.id.clone());
                if own[name].not_inherited.contains(&c.class.id) {
                    continue;
                }
            }
            if !out.iter().any(|o| o.class.id == c.class.id) {
                out.push(Arc::clone(c));
            }
        }
        let Some(parent) = inherits else {
            break;
        };
        let problem = if visited.contains(parent) {
            Some("inheritance goes round in a circle")
        } else if !own.contains_key(parent) {
            Some("no exceptions file has that implementation")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ExceptionsError::Inherits {
                path: path.clone(),
                inherits: parent.clone(),
                problem: problem.into(),
            });
        }
        visited.push(parent.clone());
        current = parent.clone();
    }
    // A class written under another namespace must replace one it inherits.
    let Written {
        path,
        classes,
        not_inherited,
        ..
    } = &own[name];
    if let Some(stale) = not_inherited.iter().find(|id| !inherited_ids.contains(*id)) {
        return Err(ExceptionsError::Invalid {
            path: path.clone(),
            id: stale.clone(),
            problem: "`not_inherited` names a class that is not inherited".into(),
        });
    }
    for c in classes {
        let namespace = c.class.id.split("::").next().unwrap_or_default();
        if namespace != name && !inherited_ids.contains(&c.class.id) {
            return Err(ExceptionsError::Invalid {
                path: path.clone(),
                id: c.class.id.clone(),
                problem: format!(
                    "the namespace must be {name}, unless the class replaces an inherited one"
                ),
            });
        }
    }
    Ok(out)
}

fn compile(class: Class, implementation: &str, path: &str) -> Result<Compiled, ExceptionsError> {
    let invalid = |problem: String| ExceptionsError::Invalid {
        path: path.to_owned(),
        id: class.id.clone(),
        problem,
    };
    let (namespace, name) = class
        .id
        .split_once("::")
        .ok_or_else(|| invalid("the id is not `namespace::name`".into()))?;
    let kebab = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    };
    if !kebab(namespace) || !kebab(name) {
        return Err(invalid(
            "the id must be lowercase letters, digits, `-` and `.`".into(),
        ));
    }
    if class.cases.is_empty() {
        return Err(invalid("the class covers no case".into()));
    }
    if class.reason.trim().is_empty() || class.basis.trim().is_empty() {
        return Err(invalid("the reason and the basis must be given".into()));
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in &class.cases {
        let glob =
            Glob::new(pattern).map_err(|e| invalid(format!("case glob {pattern:?}: {e}")))?;
        builder.add(glob);
    }
    let globs = builder
        .build()
        .map_err(|e| invalid(format!("case globs: {e}")))?;
    let outcomes: Vec<String> = match class.when.as_ref().and_then(|w| w.outcome.as_deref()) {
        Some(o) if !OBSERVABLE.contains(&o) => {
            return Err(invalid(format!(
                "when.outcome {o:?} is not one of {}",
                OBSERVABLE.join(", ")
            )))
        }
        Some(o) => vec![o.to_owned()],
        None => class
            .impact
            .default_outcomes()
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let breakdown = outcomes
        .iter()
        .any(|o| ["panic", "hang", "crash"].contains(&o.as_str()));
    if breakdown != (class.impact == Impact::Crashes) {
        return Err(invalid(
            "panics, hangs and crashes are covered by impact `crashes`, and only they are".into(),
        ));
    }
    Ok(Compiled {
        written_for: implementation.to_owned(),
        class,
        globs,
        outcomes,
    })
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

    fn class(id: &str, impact: Impact, cases: &[&str]) -> Class {
        Class {
            id: id.into(),
            impact,
            reason: "r".into(),
            basis: "b".into(),
            cases: cases.iter().map(|s| s.to_string()).collect(),
            when: None,
            mode: None,
        }
    }

    fn file(name: &str, inherits: Option<&str>, classes: Vec<Class>) -> (String, ExceptionsFile) {
        (
            format!("{name}.json"),
            ExceptionsFile {
                implementation: name.into(),
                inherits: inherits.map(str::to_owned),
                not_inherited: Vec::new(),
                classes,
            },
        )
    }

    #[test]
    fn parse_errors_name_the_field() {
        let err = parse(
            r#"{"implementation":"x","classes":[{"id":"x::a","impact":"cosmetic","reason":"r","cases":["a"]}]}"#,
            "x.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("classes[0]"), "{err}");
        assert!(err.to_string().contains("basis"), "{err}");
        let err = parse(
            r#"{"implementation":"x","classes":[{"id":"x::a","impact":"bad","reason":"r","basis":"b","cases":["a"]}]}"#,
            "x.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("impact"), "{err}");
    }

    #[test]
    fn duplicates_are_refused() {
        let c = class("x::a", Impact::Cosmetic, &["a::b"]);
        let err = Exceptions::from_files(vec![file("x", None, vec![c.clone(), c])]).unwrap_err();
        assert!(matches!(err, ExceptionsError::Duplicate { .. }), "{err}");
    }

    #[test]
    fn globs_and_default_outcomes_follow_the_impact() {
        let ex = Exceptions::from_files(vec![file(
            "x",
            None,
            vec![
                class(
                    "x::accepts",
                    Impact::LetsExpiredThrough,
                    &["claims::exp-*@*"],
                ),
                class("x::refuses", Impact::RejectsValid, &["claims::exp-*@*"]),
            ],
        )])
        .unwrap();
        let accept = ex.covering(
            "x",
            VerifyMode::Configured,
            "claims::exp-now@drift",
            "unexpected_accept",
            None,
        );
        assert_eq!(accept.unwrap().class.id, "x::accepts");
        let reject = ex.covering(
            "x",
            VerifyMode::Configured,
            "claims::exp-now@drift",
            "unexpected_reject",
            None,
        );
        assert_eq!(reject.unwrap().class.id, "x::refuses");
        assert!(ex
            .covering(
                "x",
                VerifyMode::Configured,
                "claims::exp-now@drift",
                "panic",
                None
            )
            .is_none());
        assert!(ex
            .covering(
                "x",
                VerifyMode::Configured,
                "header::exp@drift",
                "unexpected_accept",
                None
            )
            .is_none());
        assert!(ex.records("x", "claims::exp-now@privy", "unexpected_accept"));
        assert!(!ex.records("x", "claims::exp-now@privy", "panic"));
    }

    #[test]
    fn a_condition_narrows_the_class() {
        let mut c = class(
            "x::array-header",
            Impact::LetsMalformedThrough,
            &["json::*"],
        );
        c.when = Some(When {
            outcome: Some("reason_mismatch".into()),
            reason: Some("alg_not_allowed".into()),
        });
        let ex = Exceptions::from_files(vec![file("x", None, vec![c])]).unwrap();
        assert!(ex
            .covering(
                "x",
                VerifyMode::Configured,
                "json::a",
                "reason_mismatch",
                Some("alg_not_allowed")
            )
            .is_some());
        assert!(ex
            .covering(
                "x",
                VerifyMode::Configured,
                "json::a",
                "reason_mismatch",
                Some("malformed_json")
            )
            .is_none());
        assert!(ex
            .covering(
                "x",
                VerifyMode::Configured,
                "json::a",
                "unexpected_accept",
                Some("alg_not_allowed")
            )
            .is_none());
    }

    #[test]
    fn a_mode_narrows_the_class_to_its_results() {
        let mut defaults = class("x::no-aud", Impact::LetsWrongUserThrough, &["privy::aud-*"]);
        defaults.mode = Some(VerifyMode::Defaults);
        let both = class("x::empty-secret", Impact::LetsForgedThrough, &["keys::*"]);
        let ex = Exceptions::from_files(vec![file("x", None, vec![defaults, both])]).unwrap();
        let covering = |mode, case| {
            ex.covering("x", mode, case, "unexpected_accept", None)
                .map(|c| c.class.id.as_str())
        };
        assert_eq!(
            covering(VerifyMode::Defaults, "privy::aud-other"),
            Some("x::no-aud")
        );
        assert_eq!(covering(VerifyMode::Configured, "privy::aud-other"), None);
        for mode in VerifyMode::ALL {
            assert_eq!(covering(mode, "keys::empty"), Some("x::empty-secret"));
        }
        // The property tests and the fuzzers run in configured mode only.
        assert!(!ex.records("x", "privy::aud-other", "unexpected_accept"));
        assert!(ex.records("x", "keys::empty", "unexpected_accept"));
        let text = r#"{"implementation":"x","classes":[{"id":"x::a","impact":"cosmetic","reason":"r","basis":"b","cases":["a"],"mode":"sometimes"}]}"#;
        let err = parse(text, "x.json").unwrap_err();
        assert!(err.to_string().contains("mode"), "{err}");
    }

    #[test]
    fn breakdowns_need_impact_crashes() {
        let mut c = class("x::panics", Impact::LetsMalformedThrough, &["a"]);
        c.when = Some(When {
            outcome: Some("panic".into()),
            reason: None,
        });
        let err = Exceptions::from_files(vec![file("x", None, vec![c.clone()])]).unwrap_err();
        assert!(err.to_string().contains("crashes"), "{err}");
        c.impact = Impact::Crashes;
        let ex = Exceptions::from_files(vec![file("x", None, vec![c])]).unwrap();
        assert!(ex
            .covering("x", VerifyMode::Configured, "a", "panic", None)
            .is_some());
    }

    #[test]
    fn inheritance_adds_classes_and_own_ids_replace_them() {
        let mut replaced = class("base::shared", Impact::LetsForgedThrough, &["a"]);
        replaced.reason = "the inheriting library's own words".into();
        let ex = Exceptions::from_files(vec![
            file(
                "base",
                None,
                vec![
                    class("base::shared", Impact::LetsForgedThrough, &["a"]),
                    class("base::other", Impact::RejectsValid, &["b"]),
                ],
            ),
            file("child", Some("base"), vec![replaced]),
        ])
        .unwrap();
        let ids: Vec<&str> = ex
            .classes("child")
            .iter()
            .map(|c| c.class.id.as_str())
            .collect();
        assert_eq!(ids, ["base::shared", "base::other"]);
        let shared = ex.class("child", "base::shared").unwrap();
        assert_eq!(shared.class.reason, "the inheriting library's own words");
        assert_eq!(shared.written_for, "child");
        assert_eq!(
            ex.class("child", "base::other").unwrap().written_for,
            "base"
        );
    }

    #[test]
    fn a_class_can_be_left_uninherited_but_only_an_inherited_one() {
        let base = || {
            file(
                "base",
                None,
                vec![
                    class("base::backend", Impact::LetsMalformedThrough, &["a"]),
                    class("base::shared", Impact::RejectsValid, &["b"]),
                ],
            )
        };
        let not = |id: &str| NotInherited {
            id: id.into(),
            why: "the other backend's code".into(),
        };
        let mut child = file("child", Some("base"), vec![]);
        child.1.not_inherited = vec![not("base::backend")];
        let ex = Exceptions::from_files(vec![base(), child.clone()]).unwrap();
        let ids: Vec<&str> = ex
            .classes("child")
            .iter()
            .map(|c| c.class.id.as_str())
            .collect();
        assert_eq!(ids, ["base::shared"]);
        assert_eq!(ex.classes("base").len(), 2);
        child.1.not_inherited = vec![not("base::nothing")];
        let err = Exceptions::from_files(vec![base(), child]).unwrap_err();
        assert!(err.to_string().contains("not inherited"), "{err}");
    }

    #[test]
    fn bad_inheritance_is_refused() {
        let err = Exceptions::from_files(vec![file("a", Some("nobody"), vec![])]).unwrap_err();
        assert!(matches!(err, ExceptionsError::Inherits { .. }), "{err}");
        let err = Exceptions::from_files(vec![
            file("a", Some("b"), vec![]),
            file("b", Some("a"), vec![]),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("circle"), "{err}");
    }

    #[test]
    fn ids_and_globs_are_checked() {
        for (id, cases) in [
            ("no-namespace", vec!["a"]),
            ("x::Upper", vec!["a"]),
            ("x::a", vec![]),
            ("x::a", vec!["[unclosed"]),
        ] {
            let c = class(id, Impact::Cosmetic, &cases);
            let err = Exceptions::from_files(vec![file("x", None, vec![c])]).unwrap_err();
            assert!(
                matches!(err, ExceptionsError::Invalid { .. }),
                "{id}: {err}"
            );
        }
    }

    #[test]
    fn the_embedded_classes_are_the_files_on_disk() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors/exceptions");
        let on_disk = Exceptions::load_dir(&dir).unwrap();
        let names: Vec<&str> = embedded().implementations().collect();
        assert_eq!(names, on_disk.implementations().collect::<Vec<_>>());
        for name in names {
            let ids = |e: &Exceptions| -> Vec<String> {
                e.classes(name).iter().map(|c| c.class.id.clone()).collect()
            };
            assert_eq!(ids(embedded()), ids(&on_disk), "{name}");
        }
    }

    #[test]
    fn a_foreign_namespace_must_replace_an_inherited_class() {
        let foreign = class("other::a", Impact::Cosmetic, &["a"]);
        let err = Exceptions::from_files(vec![file("x", None, vec![foreign])]).unwrap_err();
        assert!(err.to_string().contains("namespace must be x"), "{err}");
    }

    #[test]
    fn missing_directory_means_none() {
        let ex = Exceptions::load_dir(Path::new("no/such/dir")).unwrap();
        assert!(ex.classes("x").is_empty());
    }
}
