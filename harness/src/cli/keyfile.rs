//! Loading keys from files and the environment.
//!
//! A `--key` file is told apart by its first non-blank byte: `{` is a JWK or a JWK set, `-` is
//! PEM; anything else is refused rather than guessed to be a raw secret, so that a damaged JWK
//! or PEM file can never silently become an HMAC secret made of its own text. Raw secrets come
//! only from `--secret-file` or `IDJWT_SECRET`.

use std::path::Path;

use zeroize::Zeroizing;

use super::args::KeyArgs;
use super::error::CliError;
use crate::contract::Jwk;
use crate::engine::keys::{Key, KeySet};
use crate::suite::http::Limits;
use crate::suite::remote_jwks::RemoteJwks;

/// The environment variable holding a raw HMAC secret.
pub const SECRET_ENV: &str = "IDJWT_SECRET";

/// Every key the arguments name, in order: `--key` files, `--jwks-url` sets, then
/// `--secret-file`, else `IDJWT_SECRET`. Keys without a `kid` get `--kid`'s.
pub fn load(args: &KeyArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Key>, CliError> {
    let mut keys = Vec::new();
    for path in &args.keys {
        keys.extend(load_key_file(path)?.keys().iter().cloned());
    }
    for url in &args.jwks_urls {
        // One fetch: a command verifies one token, so there is no cache to refresh.
        let limits = Limits {
            timeout: args
                .jwks_timeout_ms
                .map_or(Limits::default().timeout, std::time::Duration::from_millis),
            ..Limits::default()
        };
        let remote = RemoteJwks::new(url, limits, std::time::Duration::ZERO)?;
        let (set, _) = remote.keys_for(None)?;
        keys.extend(set.keys().iter().cloned());
    }
    if let Some(path) = &args.secret_file {
        keys.push(Key::hmac(read_secret_file(path)?.to_vec(), None));
    } else if args.keys.is_empty() && args.jwks_urls.is_empty() {
        if let Some(secret) = env(SECRET_ENV) {
            let secret = Zeroizing::new(secret);
            keys.push(Key::hmac(secret.as_bytes().to_vec(), None));
        }
    }
    for key in &mut keys {
        if key.kid.is_none() {
            key.kid.clone_from(&args.kid);
        }
    }
    Ok(keys)
}

/// The public (or shared) JWKs a verifier is configured with.
pub fn public_jwks(keys: &[Key]) -> Vec<Jwk> {
    keys.iter().map(Key::public_jwk).collect()
}

/// A JWK, JWK set or PEM file.
pub fn load_key_file(path: &Path) -> Result<KeySet, CliError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|source| CliError::Io {
            path: path.to_owned(),
            source,
        })?,
    );
    let key_error = |source| CliError::Key {
        path: path.to_owned(),
        source,
    };
    match text.trim_start().as_bytes().first() {
        Some(b'{') => KeySet::from_jwks(&text).map_err(key_error),
        Some(b'-') => Key::from_pem(&text, None)
            .map(|k| KeySet::new(vec![k]))
            .map_err(key_error),
        _ => Err(CliError::KeyFormat {
            path: path.to_owned(),
        }),
    }
}

/// A raw secret: the file's bytes, without one trailing `\n` or `\r\n` (what `echo` and
/// editors add).
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut bytes = Zeroizing::new(std::fs::read(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?);
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file in a directory of its own, which [`remove`] deletes.
    fn temp(name: &str, contents: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("idjwt-keyfile-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn remove(path: &Path) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    #[test]
    fn secret_file_loses_one_trailing_newline_only() {
        let p = temp("s1", b"abc\r\n");
        assert_eq!(read_secret_file(&p).unwrap().as_slice(), b"abc");
        remove(&p);
        let p = temp("s2", b"abc\n\n");
        assert_eq!(read_secret_file(&p).unwrap().as_slice(), b"abc\n");
        remove(&p);
    }

    #[test]
    fn key_files_are_told_apart_by_their_first_byte() {
        let jwk = serde_json::to_string(&Key::test_hmac("k").to_jwk()).unwrap();
        let p = temp("k.json", format!("  \n{jwk}").as_bytes());
        assert_eq!(load_key_file(&p).unwrap().keys().len(), 1);
        remove(&p);
        let p = temp("k.txt", b"supersecret");
        assert_eq!(load_key_file(&p).unwrap_err().code(), "key_format");
        remove(&p);
        let p = temp("bad.pem", b"-----BEGIN NONSENSE-----\n");
        assert_eq!(load_key_file(&p).unwrap_err().code(), "key");
        remove(&p);
    }

    #[test]
    fn env_secret_only_without_key_options_and_kid_fills_in() {
        let env = |name: &str| (name == SECRET_ENV).then(|| "from-env".to_owned());
        let args = KeyArgs {
            kid: Some("k1".into()),
            ..KeyArgs::default()
        };
        let keys = load(&args, &env).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("k1"));
        let p = temp("s3", b"from-file");
        let args = KeyArgs {
            secret_file: Some(p.clone()),
            ..KeyArgs::default()
        };
        let keys = load(&args, &env).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(
            keys[0].to_jwk().k,
            Key::hmac(b"from-file".to_vec(), None).to_jwk().k
        );
        remove(&p);
    }
}
