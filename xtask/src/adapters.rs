//! `cargo xtask adapters [list | install [--force] [NAME…]]`: the external implementations under
//! `adapters/`, each described by an `adapter.json` manifest, installed into git-ignored
//! directories of their own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde::Deserialize;

/// List or install the external adapters under adapters/.
///
/// Each adapter is a directory of adapters/ with an adapter.json manifest (see
/// docs/adapter-protocol.md); its dependencies go into git-ignored directories of its own.
/// Without a subcommand: `list`.
///
/// Exit status: 0 done, 2 usage error or a failed install.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// The adapters under adapters/ (or only those named), whether they are installed and the
    /// command line each is started with.
    List {
        /// Only these adapters (by the name they describe themselves with).
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
    /// Install their dependencies (pip --target, npm ci, apt for Debian packages, cargo) into
    /// git-ignored directories; only the adapters not installed yet unless --force.
    Install {
        /// Reinstall adapters that are installed already.
        #[arg(long)]
        force: bool,
        /// Only these adapters (default: all of them).
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
}

/// `adapters/<name>/adapter.json`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The name the adapter describes itself with.
    pub name: String,
    /// The shell command that starts it, run in its directory.
    pub run: String,
    /// Environment added when running it.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Shell commands that install its dependencies, run in its directory.
    #[serde(default)]
    pub install: Vec<String>,
    /// A path (relative to its directory) that exists once it is installed.
    #[serde(default)]
    pub installed: Option<String>,
    /// A shell command that succeeds once it is installed.
    #[serde(default)]
    pub installed_check: Option<String>,
    /// Debian packages the install needs.
    #[serde(default)]
    pub apt: Vec<String>,
}

/// An adapter directory and its manifest.
#[derive(Clone, Debug)]
pub struct Adapter {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Every adapter under `adapters/`, by directory name.
pub fn discover(root: &Path) -> Result<Vec<Adapter>, String> {
    let base = root.join("adapters");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .map_err(|e| format!("cannot read {}: {e}", base.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("adapter.json").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let path = dir.join("adapter.json");
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let manifest: Manifest =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(Adapter { dir, manifest })
        })
        .collect()
}

fn sh(command: &str, dir: &Path) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(command).current_dir(dir);
    c
}

impl Adapter {
    /// Whether its dependencies are in place.
    pub fn is_installed(&self) -> bool {
        let marker = self
            .manifest
            .installed
            .as_ref()
            .is_none_or(|p| self.dir.join(p).exists());
        let check = self.manifest.installed_check.as_ref().is_none_or(|c| {
            sh(c, &self.dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        marker && check
    }

    /// Installs its Debian packages (as root) and runs its install commands.
    pub fn install(&self) -> Result<(), String> {
        let name = &self.manifest.name;
        let missing: Vec<&String> = self
            .manifest
            .apt
            .iter()
            .filter(|pkg| {
                !Command::new("dpkg")
                    .args(["-s", pkg])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let line = format!(
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {list}"
            );
            eprintln!("[{name}] {line}");
            let ok = sh(&line, &self.dir).status().is_ok_and(|s| s.success());
            if !ok {
                return Err(format!(
                    "{name}: installing Debian packages failed; run as root: apt-get install {list}"
                ));
            }
        }
        for line in &self.manifest.install {
            eprintln!("[{name}] {line}");
            let status = sh(line, &self.dir)
                .status()
                .map_err(|e| format!("{name}: cannot run {line:?}: {e}"))?;
            if !status.success() {
                return Err(format!("{name}: {line:?} failed ({status})"));
            }
        }
        if !self.is_installed() {
            return Err(format!(
                "{name}: installed, but its `installed` marker or check still fails"
            ));
        }
        Ok(())
    }

    /// The command line the harness starts it with.
    pub fn command_line(&self) -> String {
        let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let mut line = format!("cd {} && ", quote(&self.dir.display().to_string()));
        for (k, v) in &self.manifest.env {
            line.push_str(&format!("{k}={} ", quote(v)));
        }
        line.push_str(&self.manifest.run);
        line
    }
}

/// Installs every adapter that is not installed yet; returns them all.
pub fn ensure_installed(root: &Path) -> Result<Vec<Adapter>, String> {
    let adapters = discover(root)?;
    for a in &adapters {
        if !a.is_installed() {
            eprintln!("installing adapter {} (first use)", a.manifest.name);
            a.install()?;
        }
    }
    Ok(adapters)
}

pub fn main(args: Args) -> ExitCode {
    let subcommand = if matches!(args.command, Some(Sub::Install { .. })) {
        "install"
    } else {
        "list"
    };
    let (install, force, names) = match args.command {
        None => (false, false, Vec::new()),
        Some(Sub::List { names }) => (false, false, names),
        Some(Sub::Install { force, names }) => (true, force, names),
    };
    let adapters = match discover(&crate::root()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for n in &names {
        if !adapters.iter().any(|a| &a.manifest.name == n) {
            let problem = format!("no adapter {n:?}; `cargo xtask adapters list` shows them");
            return crate::usage_error(&["adapters", subcommand], problem);
        }
    }
    let selected = adapters
        .iter()
        .filter(|a| names.is_empty() || names.contains(&a.manifest.name));
    if !install {
        for a in selected {
            let state = if a.is_installed() {
                "installed"
            } else {
                "not installed"
            };
            println!("{:<24} {state:<14} {}", a.manifest.name, a.command_line());
        }
        return ExitCode::SUCCESS;
    }
    for a in selected {
        if force || !a.is_installed() {
            if let Err(e) = a.install() {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
        println!("{} installed", a.manifest.name);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adapters(line: &str) -> Result<Option<Sub>, clap::Error> {
        task_args!(Adapters, &format!("adapters {line}")).map(|args: Args| args.command)
    }

    #[test]
    fn subcommands_are_parsed() {
        assert!(adapters("").unwrap().is_none());
        assert!(matches!(adapters("list").unwrap(), Some(Sub::List { names }) if names.is_empty()));
        assert!(matches!(
            adapters("install --force pyjwt jose").unwrap(),
            Some(Sub::Install { force: true, names }) if names == ["pyjwt", "jose"]
        ));
        assert!(matches!(
            adapters("install pyjwt").unwrap(),
            Some(Sub::Install { force: false, names }) if names == ["pyjwt"]
        ));
        assert_eq!(adapters("remove").unwrap_err().exit_code(), 2);
        assert_eq!(adapters("install --quiet").unwrap_err().exit_code(), 2);
        assert_eq!(adapters("--force").unwrap_err().exit_code(), 2);
    }
}
