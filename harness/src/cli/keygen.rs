//! `idjwt keygen`: a fresh key of the provider's kind, in files only the owner can read.
//!
//! HS256 providers get a 32-byte secret as an `oct` JWK (`PREFIX.jwk`; a shared secret has no
//! PEM form). ES256 providers get a P-256 pair: `PREFIX.jwk` and `PREFIX.pem` (PKCS#8) hold the
//! private key, `PREFIX.pub.jwk` and `PREFIX.pub.pem` (SPKI) the public key to configure on the
//! verifying side. Every file is created with mode 0600, and nothing is overwritten without
//! `--force`: no file is written unless all of them can be.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use zeroize::Zeroizing;

use super::error::CliError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::engine::keys::{Key, KeyFamily};
use crate::engine::Alg;
use crate::profile::Profile;

/// A file keygen writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// What it holds, for people (`private JWK`, …).
    pub holds: &'static str,
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, CliError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|e| CliError::Random {
        problem: e.to_string(),
    })?;
    Ok(bytes)
}

/// The default key id: the profile id and 8 random hex digits.
pub fn default_kid(profile: &Profile) -> Result<String, CliError> {
    let bytes = random::<4>()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}-{hex}", profile.id))
}

/// A fresh key for the profile's signing algorithm.
pub fn generate(profile: &Profile, kid: &str) -> Result<Key, CliError> {
    match profile.signing_alg() {
        Alg::HS256 => Ok(Key::hmac(random::<32>()?.to_vec(), Some(kid.to_owned()))),
        Alg::ES256 => {
            let pem = private_pem(&random_scalar()?)?;
            Key::from_pem(&pem, Some(kid.to_owned())).map_err(|e| CliError::Encode {
                problem: e.to_string(),
            })
        }
    }
}

/// A uniformly random P-256 private key.
fn random_scalar() -> Result<p256::SecretKey, CliError> {
    loop {
        // 32 random bytes are a valid scalar unless zero or not below n (about 2^-32).
        if let Ok(secret) = p256::SecretKey::from_slice(random::<32>()?.as_slice()) {
            return Ok(secret);
        }
    }
}

fn private_pem(secret: &p256::SecretKey) -> Result<Zeroizing<String>, CliError> {
    secret
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| CliError::Encode {
            problem: format!("PKCS#8: {e}"),
        })
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn json(jwk: &crate::contract::Jwk) -> Zeroizing<String> {
    let mut s = Zeroizing::new(serde_json::to_string_pretty(jwk).unwrap_or_default());
    s.push('\n');
    s
}

/// A file to write: path, contents, what it holds.
type KeyFile = (PathBuf, Zeroizing<String>, &'static str);

/// The files for `key`.
fn files(key: &Key, prefix: &Path) -> Result<Vec<KeyFile>, CliError> {
    let private = key.to_jwk();
    let mut out = vec![(with_suffix(prefix, ".jwk"), json(&private), "")];
    match key.family() {
        KeyFamily::Hmac => out[0].2 = "HS256 secret (32 random bytes) as an oct JWK",
        KeyFamily::Ec => {
            out[0].2 = "P-256 private key as a JWK";
            // Back from the JWK: the PEM files hold exactly the key the JWK holds.
            let d = private.d.as_deref().unwrap_or_default();
            let bytes = Zeroizing::new(URL_SAFE_NO_PAD.decode(d).unwrap_or_default());
            let secret = p256::SecretKey::from_slice(&bytes).map_err(|e| CliError::Encode {
                problem: format!("private scalar: {e}"),
            })?;
            let public_pem = secret
                .public_key()
                .to_public_key_pem(LineEnding::LF)
                .map_err(|e| CliError::Encode {
                    problem: format!("SPKI: {e}"),
                })?;
            out.push((
                with_suffix(prefix, ".pem"),
                private_pem(&secret)?,
                "P-256 private key, PKCS#8 PEM",
            ));
            out.push((
                with_suffix(prefix, ".pub.jwk"),
                json(&key.public_jwk()),
                "P-256 public key as a JWK (for the verifier)",
            ));
            out.push((
                with_suffix(prefix, ".pub.pem"),
                Zeroizing::new(public_pem),
                "P-256 public key, SPKI PEM (for the verifier)",
            ));
        }
    }
    Ok(out)
}

/// Writes the key's files; refuses to overwrite any unless `force`.
pub fn write(key: &Key, prefix: &Path, force: bool) -> Result<Vec<Written>, CliError> {
    let files = files(key, prefix)?;
    if !force {
        if let Some((path, _, _)) = files.iter().find(|(p, _, _)| p.symlink_metadata().is_ok()) {
            return Err(CliError::Exists { path: path.clone() });
        }
    }
    let mut written = Vec::new();
    for (path, contents, holds) in &files {
        write_owner_only(path, contents.as_bytes(), force)?;
        written.push(Written {
            path: path.clone(),
            holds,
        });
    }
    Ok(written)
}

/// Creates `path` with mode 0600 (on Unix) and writes `bytes`. An existing file is removed
/// first, so that its old permissions (or a symlink) never apply to the new key.
fn write_owner_only(path: &Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: path.to_owned(),
        source,
    };
    if force && path.symlink_metadata().is_ok() {
        std::fs::remove_file(path).map_err(io)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}
