//! Reading and writing the golden vectors (`vectors/<namespace>.json`) and their JSON Schema.

use std::path::{Path, PathBuf};

use super::case::{Case, VectorFile};
use super::exceptions::ExceptionsFile;

/// The schema file's name inside the vectors directory.
pub const SCHEMA_FILE: &str = "schema.json";
/// The exceptions schema file's name inside the vectors directory.
pub const EXCEPTIONS_SCHEMA_FILE: &str = "exceptions.schema.json";
/// The adapter protocol's schema file's name inside the vectors directory.
pub const PROTOCOL_SCHEMA_FILE: &str = "protocol.schema.json";
/// The committed primes of the vectors' RSA test keys, relative to the vectors directory:
/// generated with the vectors because the vectors decide which keys there are.
pub const TEST_PRIMES_FILE: &str = "../harness/src/engine/rsa_test_primes.rs";
/// The generated schemas: not vector files.
const SCHEMA_FILES: [&str; 3] = [SCHEMA_FILE, EXCEPTIONS_SCHEMA_FILE, PROTOCOL_SCHEMA_FILE];

/// Why vectors could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VectorsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A file is not a valid vector file; `field` is the path of the offending field.
    #[error("{path}: field `{field}`: {message}")]
    Parse {
        path: String,
        field: String,
        message: String,
    },
    /// A case id is used twice or lies outside its file's namespace.
    #[error("{path}: case {id}: {problem}")]
    BadId {
        path: String,
        id: String,
        problem: String,
    },
}

/// The JSON Schema of a vector file, generated from the Rust types.
pub fn schema() -> String {
    pretty(&schemars::schema_for!(VectorFile))
}

/// The JSON Schema of an exceptions file.
pub fn exceptions_schema() -> String {
    pretty(&schemars::schema_for!(ExceptionsFile))
}

/// Pretty JSON with a final newline: the committed form of every generated file.
pub fn pretty<T: serde::Serialize>(value: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":{e:?}}}"));
    s.push('\n');
    s
}

/// Every generated file as (path relative to the vectors directory, contents).
pub fn render(files: &[VectorFile]) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = files
        .iter()
        .map(|f| (PathBuf::from(format!("{}.json", f.namespace)), pretty(f)))
        .collect();
    out.push((PathBuf::from(SCHEMA_FILE), schema()));
    out.push((PathBuf::from(EXCEPTIONS_SCHEMA_FILE), exceptions_schema()));
    out.push((
        PathBuf::from(PROTOCOL_SCHEMA_FILE),
        pretty(&crate::contract::protocol_schema()),
    ));
    out.push((
        PathBuf::from(TEST_PRIMES_FILE),
        crate::engine::keys::rsa_test_primes_source(),
    ));
    out
}

/// Writes the generated files into `dir`, removing vector files no longer generated.
pub fn write(dir: &Path, files: &[VectorFile]) -> Result<usize, VectorsError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| VectorsError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let rendered = render(files);
    for stale in vector_paths(dir)? {
        if !rendered.iter().any(|(p, _)| dir.join(p) == stale) {
            std::fs::remove_file(&stale).map_err(io(&stale))?;
        }
    }
    for (rel, text) in &rendered {
        let path = dir.join(rel);
        std::fs::write(&path, text).map_err(io(&path))?;
    }
    Ok(rendered.len())
}

/// The differences between `dir` and what the generator produces now (empty when in sync).
pub fn drift(dir: &Path, files: &[VectorFile]) -> Result<Vec<String>, VectorsError> {
    let rendered = render(files);
    let mut problems = Vec::new();
    for (rel, text) in &rendered {
        let path = dir.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => problems.push(format!(
                "{} differs from the generator's output",
                path.display()
            )),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    for path in vector_paths(dir)? {
        if !rendered.iter().any(|(p, _)| dir.join(p) == path) {
            problems.push(format!("{} is not generated any more", path.display()));
        }
    }
    Ok(problems)
}

/// The vector files in `dir` (not the schemas, not the exceptions directory).
fn vector_paths(dir: &Path) -> Result<Vec<PathBuf>, VectorsError> {
    let paths = super::json_files(dir).map_err(|source| VectorsError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let schema = |p: &PathBuf| {
        p.file_name()
            .is_some_and(|n| SCHEMA_FILES.iter().any(|s| n == *s))
    };
    Ok(paths.into_iter().filter(|p| !schema(p)).collect())
}

/// Loads every vector file in `dir`, checking that ids are unique and in their namespace.
pub fn load(dir: &Path) -> Result<Vec<Case>, VectorsError> {
    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in vector_paths(dir)? {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| VectorsError::Io {
            path: shown.clone(),
            source,
        })?;
        let de = &mut serde_json::Deserializer::from_str(&text);
        let file: VectorFile =
            serde_path_to_error::deserialize(de).map_err(|e| VectorsError::Parse {
                path: shown.clone(),
                field: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        for case in file.cases {
            let bad = |problem: &str| VectorsError::BadId {
                path: shown.clone(),
                id: case.id.clone(),
                problem: problem.to_owned(),
            };
            if case.id.split("::").next() != Some(file.namespace.as_str())
                || !case.id.contains("::")
            {
                return Err(bad(&format!("must start with {}::", file.namespace)));
            }
            if !seen.insert(case.id.clone()) {
                return Err(bad("is used twice"));
            }
            cases.push(case);
        }
    }
    Ok(cases)
}
