//! Seed corpora: what `cargo xtask fuzz corpus` writes under `fuzz/seeds/<target>/`, drawn from
//! the golden vectors so that every target starts from tokens that reach each layer.
//!
//! The grammar targets (`structured`, `differential`) read their input as a sequence of
//! choices, not as a token, so their seeds are fixed pseudo-random byte strings instead.
//! File names are the first 16 hex digits of the content's SHA-256, as libFuzzer names its
//! own finds, so regenerating gives the same files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::engine::compact;
use crate::profile::Mode;
use crate::suite::Case;
use crate::verdict::Part;

/// Longer tokens are left out of the seeds (they are libFuzzer's default `-max_len`).
pub const MAX_SEED_BYTES: usize = 4096;
/// How many seeds each grammar target gets.
const GRAMMAR_SEEDS: u32 = 64;
/// The length of each grammar seed: enough choices for a token with several edits.
const GRAMMAR_SEED_BYTES: u32 = 256;

/// One seed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seed {
    /// The fuzz target it is for.
    pub target: &'static str,
    /// The file name.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

fn seed(target: &'static str, bytes: Vec<u8>) -> Seed {
    let name = Sha256::digest(&bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Seed {
        target,
        name,
        bytes,
    }
}

/// The verify_reference selector byte that reproduces a case's context and profile (see
/// [`verify_reference`](super::verify_reference)).
fn selector(case: &Case) -> u8 {
    super::reference::selector(
        case.context.mode.unwrap_or(Mode::Required),
        case.leeway,
        case.context.claimed_user_id.is_some(),
        case.provider.as_deref(),
    )
}

/// Every seed, from the golden vectors `cases` (one case per name: the same case for another
/// provider adds little to a byte-level corpus).
pub fn seeds(cases: &[Case]) -> Vec<Seed> {
    let mut out = Vec::new();
    let mut stems = BTreeSet::new();
    for case in cases {
        let Some(token) = case.token.as_deref() else {
            continue;
        };
        let stem = case.id.split('@').next().unwrap_or(&case.id);
        if token.len() > MAX_SEED_BYTES || !stems.insert(stem.to_owned()) {
            continue;
        }
        out.push(seed("parse_compact", token.as_bytes().to_vec()));
        let mut input = vec![selector(case)];
        input.extend_from_slice(token.as_bytes());
        out.push(seed("verify_reference", input));
        let segments: Vec<&str> = token.split('.').collect();
        for (segment, part) in segments.iter().zip([Part::Header, Part::Payload]) {
            if let Ok(json) = compact::decode_segment(segment, part) {
                out.push(seed("claims_json", json));
            }
        }
    }
    for target in ["structured", "differential"] {
        for i in 0..GRAMMAR_SEEDS {
            let bytes = (0..GRAMMAR_SEED_BYTES / 32)
                .flat_map(|block| {
                    Sha256::new()
                        .chain_update(format!("idjwt fuzz seed {target} {i} {block}"))
                        .finalize()
                })
                .collect();
            out.push(seed(target, bytes));
        }
    }
    let mut unique = BTreeMap::new();
    for s in out {
        unique.entry((s.target, s.name.clone())).or_insert(s);
    }
    unique.into_values().collect()
}

/// Writes the seeds under `dir` (`dir/<target>/<name>`), replacing what was there.
pub fn write(dir: &Path, seeds: &[Seed]) -> std::io::Result<usize> {
    for target in super::TARGETS {
        let sub = dir.join(target.name);
        if sub.exists() {
            std::fs::remove_dir_all(&sub)?;
        }
        std::fs::create_dir_all(&sub)?;
    }
    for s in seeds {
        std::fs::write(dir.join(s.target).join(&s.name), &s.bytes)?;
    }
    Ok(seeds.len())
}

/// The differences between `dir` and the seeds: files missing, different or extra.
pub fn drift(dir: &Path, seeds: &[Seed]) -> std::io::Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut expected = BTreeSet::new();
    for s in seeds {
        let path = dir.join(s.target).join(&s.name);
        expected.insert(path.clone());
        match std::fs::read(&path) {
            Ok(bytes) if bytes == s.bytes => {}
            Ok(_) => problems.push(format!("{} differs", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    for target in super::TARGETS {
        let Ok(entries) = std::fs::read_dir(dir.join(target.name)) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if !expected.contains(&path) {
                problems.push(format!("{} is not a generated seed", path.display()));
            }
        }
    }
    problems.sort();
    Ok(problems)
}
