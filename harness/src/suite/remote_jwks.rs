//! A key set fetched from a JWKS URL (`http://` only, like the other service bridges): loaded
//! under the same rules as a JWKS file (policy.md §4.16–4.19), cached, and fetched again at
//! most once per token whose `kid` names no cached key, so that a rotated key is found while a
//! stream of made-up `kid`s cannot make the verifier hammer the publisher.
//!
//! Every way a publisher can misbehave is bounded and named by [`super::http`]: the whole fetch
//! times out, the document is capped, and a redirect is reported, never followed (a key set
//! that moved to another host is a configuration change to make by hand).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::http::{exchange, HttpError, Limits, Url};
use crate::engine::keys::{KeyError, KeySet};

/// Why no key set could be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwksFetchError {
    /// The exchange failed (no connection, timeout, oversized document, bad HTTP).
    #[error("fetching the key set from {url}: {source}")]
    Http { url: String, source: HttpError },
    /// The publisher answered with another status than 200.
    #[error("fetching the key set from {url}: {}", self.problem())]
    Status {
        url: String,
        status: u16,
        redirect: Option<String>,
    },
    /// The document is not a key set the rules accept.
    #[error("the key set from {url}: {source}")]
    Keys { url: String, source: KeyError },
}

impl JwksFetchError {
    /// What went wrong, without the URL (for a message that names it already).
    pub fn problem(&self) -> String {
        match self {
            JwksFetchError::Http { source, .. } => source.to_string(),
            JwksFetchError::Status {
                status, redirect, ..
            } => match redirect {
                Some(to) => format!("HTTP {status}, redirect to {to}, not followed"),
                None => format!("HTTP {status}"),
            },
            JwksFetchError::Keys { source, .. } => source.to_string(),
        }
    }
}

/// A cached remote key set.
#[derive(Debug)]
pub struct RemoteJwks {
    url: Url,
    text: String,
    limits: Limits,
    /// The least time between two fetches caused by unknown `kid`s.
    refetch_after: Duration,
    cached: Mutex<Option<(KeySet, Instant)>>,
}

/// What [`RemoteJwks::keys_for`] did to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetched {
    /// The cached set was used.
    Cached,
    /// The set was fetched (the first time, or again for an unknown `kid`).
    Fetched,
}

impl RemoteJwks {
    /// A key set at `url`, fetched on first use; `refetch_after` bounds how often an unknown
    /// `kid` fetches it again.
    pub fn new(url: &str, limits: Limits, refetch_after: Duration) -> Result<Self, JwksFetchError> {
        Ok(RemoteJwks {
            url: Url::parse(url).map_err(|source| JwksFetchError::Http {
                url: url.to_owned(),
                source,
            })?,
            text: url.to_owned(),
            limits,
            refetch_after,
            cached: Mutex::new(None),
        })
    }

    /// The keys to verify a token whose header has `kid`: the cached set, fetched first if
    /// there is none, and fetched again once when no cached key has `kid` and the last fetch
    /// is older than `refetch_after`. A failed refetch keeps the cached set.
    pub fn keys_for(&self, kid: Option<&str>) -> Result<(KeySet, Fetched), JwksFetchError> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((set, at)) = cached.as_ref() {
            let unknown = kid.is_some_and(|kid| set.by_kid(kid).is_none());
            if !unknown || at.elapsed() < self.refetch_after {
                return Ok((set.clone(), Fetched::Cached));
            }
        }
        match (self.fetch(), cached.take()) {
            (Ok(set), _) => {
                *cached = Some((set.clone(), Instant::now()));
                Ok((set, Fetched::Fetched))
            }
            // The attempt counts as a fetch, so that a failing publisher is not asked again
            // for every token.
            (Err(_), Some((set, _))) => {
                *cached = Some((set.clone(), Instant::now()));
                Ok((set, Fetched::Cached))
            }
            (Err(e), None) => Err(e),
        }
    }

    fn fetch(&self) -> Result<KeySet, JwksFetchError> {
        let url = || self.text.clone();
        let response = exchange("GET", &self.url, None, self.limits)
            .map_err(|source| JwksFetchError::Http { url: url(), source })?;
        if response.status != 200 {
            return Err(JwksFetchError::Status {
                url: url(),
                status: response.status,
                redirect: response.location,
            });
        }
        let text = String::from_utf8_lossy(&response.body);
        KeySet::from_jwks(&text).map_err(|source| JwksFetchError::Keys { url: url(), source })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::engine::keys::Key;

    /// A publisher on 127.0.0.1 that answers its connections with `answers` in turn (`None`:
    /// say nothing for two seconds), then stops; the count of connections it accepted.
    fn publisher(answers: Vec<Option<Vec<u8>>>) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        std::thread::spawn(move || {
            for (stream, answer) in listener.incoming().zip(answers) {
                let Ok(mut stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                match answer {
                    Some(bytes) => {
                        let _ = stream.write_all(&bytes);
                    }
                    None => std::thread::sleep(Duration::from_secs(2)),
                }
            }
        });
        (url, accepted)
    }

    fn ok(body: &str) -> Option<Vec<u8>> {
        Some(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }

    fn set_of(labels: &[&str]) -> String {
        let keys: Vec<_> = labels
            .iter()
            .map(|l| Key::test_rsa(l).public_jwk())
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    fn limits() -> Limits {
        Limits {
            timeout: Duration::from_millis(500),
            max_body: 64 << 10,
        }
    }

    #[test]
    fn an_unknown_kid_fetches_the_set_once_more_and_finds_the_rotated_key() {
        let before = set_of(&["remote-key-1"]);
        let after = set_of(&["remote-key-1", "remote-key-2"]);
        let (url, accepted) = publisher(vec![ok(&before), ok(&after), ok(&after)]);
        let remote = RemoteJwks::new(&url, limits(), Duration::ZERO).unwrap();
        let (set, how) = remote.keys_for(Some("remote-key-1")).unwrap();
        assert_eq!((set.keys().len(), how), (1, Fetched::Fetched));
        let (_, how) = remote.keys_for(Some("remote-key-1")).unwrap();
        assert_eq!(how, Fetched::Cached);
        let (_, how) = remote.keys_for(None).unwrap();
        assert_eq!(how, Fetched::Cached);
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
        let (set, how) = remote.keys_for(Some("remote-key-2")).unwrap();
        assert_eq!(how, Fetched::Fetched);
        assert!(set.by_kid("remote-key-2").is_some());
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn made_up_kids_fetch_at_most_once_per_interval() {
        let doc = set_of(&["remote-key-1"]);
        let (url, accepted) = publisher(vec![ok(&doc), ok(&doc), ok(&doc)]);
        let remote = RemoteJwks::new(&url, limits(), Duration::from_secs(3600)).unwrap();
        remote.keys_for(Some("remote-key-1")).unwrap();
        for i in 0..20 {
            let (set, how) = remote.keys_for(Some(&format!("made-up-{i}"))).unwrap();
            assert_eq!((set.keys().len(), how), (1, Fetched::Cached));
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_refetch_keeps_the_cached_set() {
        let doc = set_of(&["remote-key-1"]);
        let refused =
            Some(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec());
        let (url, accepted) = publisher(vec![ok(&doc), refused]);
        let remote = RemoteJwks::new(&url, limits(), Duration::ZERO).unwrap();
        remote.keys_for(None).unwrap();
        let (set, how) = remote.keys_for(Some("remote-key-9")).unwrap();
        assert_eq!((set.keys().len(), how), (1, Fetched::Cached));
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn misbehaving_publishers_are_named() {
        let big = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}",
            100 << 10,
            " ".repeat(100 << 10)
        );
        let redirect = "HTTP/1.1 302 Found\r\nLocation: http://elsewhere.test/jwks.json\r\nContent-Length: 0\r\n\r\n";
        let a = Key::test_rsa("remote-key-1").public_jwk();
        let twice = serde_json::json!({ "keys": [a, a] }).to_string();
        let cases: [(Option<Vec<u8>>, &str); 5] = [
            (Some(big.into_bytes()), "longer than 65536 bytes"),
            (
                Some(redirect.as_bytes().to_vec()),
                "HTTP 302, redirect to http://elsewhere.test/jwks.json, not followed",
            ),
            (None, "no complete response within 500ms"),
            (ok("<html>"), "invalid_jwks"),
            (ok(&twice), "both have \"kid\" \"remote-key-1\""),
        ];
        for (answer, says) in cases {
            let (url, _) = publisher(vec![answer]);
            let remote = RemoteJwks::new(&url, limits(), Duration::ZERO).unwrap();
            let e = remote.keys_for(None).unwrap_err();
            let text = match &e {
                JwksFetchError::Keys { source, .. } => format!("{e} {}", source.code()),
                _ => e.to_string(),
            };
            assert!(text.contains(says), "{says}: {text}");
        }
        assert!(
            RemoteJwks::new("https://example.test/jwks.json", limits(), Duration::ZERO).is_err()
        );
    }
}
