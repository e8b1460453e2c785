//! What every subcommand reads: the token, the profiles, the clock.

use std::io::Read;
use std::path::PathBuf;

use super::error::CliError;
use crate::profile::{builtins, Profile};

/// The built-in profiles and those loaded with `--profile`, which shadow built-ins of the same id.
#[derive(Clone, Debug)]
pub struct Profiles {
    loaded: Vec<Profile>,
}

impl Profiles {
    /// Loads every `--profile` file.
    pub fn load(files: &[PathBuf]) -> Result<Profiles, CliError> {
        let loaded = files
            .iter()
            .map(|path| Profile::from_file(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Profiles { loaded })
    }

    /// Every profile: loaded ones first, then the built-ins they do not shadow.
    pub fn all(&self) -> Vec<&Profile> {
        let mut out: Vec<&Profile> = self.loaded.iter().collect();
        for p in builtins() {
            if !out.iter().any(|q| q.id == p.id) {
                out.push(p);
            }
        }
        out
    }

    /// The profile with this id.
    pub fn get(&self, name: &str) -> Result<&Profile, CliError> {
        let all = self.all();
        all.iter()
            .find(|p| p.id == name)
            .copied()
            .ok_or_else(|| CliError::UnknownProvider {
                name: name.to_owned(),
                known: all
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The token argument, or standard input for none or `-`. Surrounding whitespace (the newline
/// of `echo` or of a file) is removed; whitespace inside the token is left for the engine.
pub fn read_token(arg: Option<&str>, stdin: &mut dyn Read) -> Result<String, CliError> {
    let text = match arg {
        Some(token) if token != "-" => token.to_owned(),
        _ => {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|source| CliError::Stdin { source })?;
            text
        }
    };
    Ok(text.trim().to_owned())
}

/// `--now`, or the system clock.
pub fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(crate::engine::wall_clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_from_argument_or_stdin() {
        let mut none: &[u8] = b"";
        assert_eq!(read_token(Some(" a.b.c\n"), &mut none).unwrap(), "a.b.c");
        let mut input: &[u8] = b"x.y.z\n";
        assert_eq!(read_token(Some("-"), &mut input).unwrap(), "x.y.z");
        let mut input: &[u8] = b"p.q.r";
        assert_eq!(read_token(None, &mut input).unwrap(), "p.q.r");
    }

    #[test]
    fn unknown_provider_lists_the_known_ones() {
        let profiles = Profiles::load(&[]).unwrap();
        let err = profiles.get("slack").unwrap_err();
        assert_eq!(err.code(), "unknown_provider");
        assert!(err.to_string().contains("zendesk"), "{err}");
        assert_eq!(profiles.get("drift").unwrap().id, "drift");
    }
}
