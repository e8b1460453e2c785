//! `idjwt keygen`: a fresh key of the provider's kind, in files only the owner can read.
//!
//! HS256 providers get a 32-byte secret as an `oct` JWK (`PREFIX.jwk`; a shared secret has no
//! PEM form). ES256 providers get a P-256 pair and RS256 providers a 2048-bit RSA pair (e =
//! 65537): `PREFIX.jwk` and `PREFIX.pem` (PKCS#8) hold the private key, `PREFIX.pub.jwk` and
//! `PREFIX.pub.pem` (SPKI) the public key to configure on the verifying side. Every file is created with mode 0600, and nothing is overwritten without
//! `--force`: no file is written unless all of them can be.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::error::CliError;

use crate::engine::keys::{Key, KeyFamily, KeyMaterial};
use crate::engine::rsa::PrivateRsa;
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
    let alg = profile.signing_alg();
    let kid = Some(kid.to_owned());
    match alg.family() {
        KeyFamily::Hmac => Ok(Key::hmac(random::<32>()?.to_vec(), kid)),
        KeyFamily::Ec => Ok(Key {
            kid,
            params: None,
            material: KeyMaterial::EcPrivate(random_scalar()?.into()),
        }),
        KeyFamily::Rsa => Ok(Key {
            kid,
            params: None,
            material: KeyMaterial::RsaPrivate(Box::new(
                PrivateRsa::generate(RSA_BITS).map_err(|problem| CliError::Random { problem })?,
            )),
        }),
    }
}

/// The size of a generated RSA key: the shortest policy.md §4.10 allows, as the RSA providers
/// ask for.
const RSA_BITS: usize = 2048;

/// A uniformly random P-256 private key.
fn random_scalar() -> Result<p256::SecretKey, CliError> {
    loop {
        // 32 random bytes are a valid scalar unless zero or not below n (about 2^-32).
        if let Ok(secret) = p256::SecretKey::from_slice(random::<32>()?.as_slice()) {
            return Ok(secret);
        }
    }
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
    let kind = match key.family() {
        KeyFamily::Hmac => {
            let holds = "HS256 secret (32 random bytes) as an oct JWK";
            return Ok(vec![(
                with_suffix(prefix, ".jwk"),
                json(&key.to_jwk()),
                holds,
            )]);
        }
        KeyFamily::Ec => Kind::P256,
        KeyFamily::Rsa => Kind::Rsa,
    };
    let public = key.public();
    let pem = |key: &Key| {
        key.to_pem().ok_or_else(|| CliError::Encode {
            problem: "the key has no PEM form".into(),
        })
    };
    Ok(vec![
        (
            with_suffix(prefix, ".jwk"),
            json(&key.to_jwk()),
            kind.holds(0),
        ),
        (with_suffix(prefix, ".pem"), pem(key)?, kind.holds(1)),
        (
            with_suffix(prefix, ".pub.jwk"),
            json(&public.to_jwk()),
            kind.holds(2),
        ),
        (
            with_suffix(prefix, ".pub.pem"),
            pem(&public)?,
            kind.holds(3),
        ),
    ])
}

/// The kinds of key pair keygen writes four files for.
#[derive(Clone, Copy)]
enum Kind {
    P256,
    Rsa,
}

impl Kind {
    /// What file `n` (private JWK, private PEM, public JWK, public PEM) holds.
    fn holds(self, n: usize) -> &'static str {
        const P256: [&str; 4] = [
            "P-256 private key as a JWK",
            "P-256 private key, PKCS#8 PEM",
            "P-256 public key as a JWK (for the verifier)",
            "P-256 public key, SPKI PEM (for the verifier)",
        ];
        const RSA: [&str; 4] = [
            "RSA 2048-bit private key as a JWK",
            "RSA 2048-bit private key, PKCS#8 PEM",
            "RSA public key as a JWK (for the verifier)",
            "RSA public key, SPKI PEM (for the verifier)",
        ];
        match self {
            Kind::P256 => P256[n],
            Kind::Rsa => RSA[n],
        }
    }
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
