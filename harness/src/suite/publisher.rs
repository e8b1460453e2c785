//! The loopback key-set publisher behind cases whose keys are published at a URL (policy.md
//! §4.20): one server on 127.0.0.1 for the whole run, each case under a path of its own that
//! answers as the case's [`Publication`] says, fetch after fetch.
//!
//! Everything is bounded: a request head is read for at most [`READ_TIMEOUT`] and
//! [`MAX_HEAD`] bytes, at most [`MAX_CONNECTIONS`] are served at once, a slow answer keeps
//! silent for at most [`MAX_SILENCE`], and every response closes its connection.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};

use crate::contract::{Jwk, JwksSource, VerifyRequest};
use crate::suite::case::{Case, Publication, PublisherAnswer};

/// The longest request head read; a longer one is answered 431.
const MAX_HEAD: usize = 8 * 1024;
/// How long a client may take to send its request head, and to take the answer.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// Connections served at once; one more is closed unanswered.
const MAX_CONNECTIONS: usize = 64;
/// The longest silence of a [`PublisherAnswer::Slow`], whatever a case asks.
const MAX_SILENCE: Duration = Duration::from_secs(10);
/// The host name a redirect points at: another name for the publisher's own address.
const OTHER_HOST: &str = "localhost";

/// The run's publisher.
pub struct Publisher {
    port: u16,
    shared: Arc<Shared>,
}

struct Shared {
    routes: Mutex<HashMap<u64, Route>>,
    next: AtomicU64,
    open: AtomicUsize,
}

/// A case's answers, and how many of them were given.
struct Route {
    answers: Vec<Ready>,
    served: usize,
    /// What the redirect target serves, if an answer redirects.
    moved: Option<Ready>,
}

/// An answer ready to write.
#[derive(Clone)]
enum Ready {
    Respond {
        status: u16,
        content_type: &'static str,
        location: Option<String>,
        body: Arc<Vec<u8>>,
    },
    /// Silence, then the answer.
    Slow(Duration, Box<Ready>),
}

/// A case's key set, published until this is dropped.
pub struct Published<'a> {
    publisher: &'a Publisher,
    id: u64,
    /// What a verify request says of it.
    pub source: JwksSource,
}

impl Drop for Published<'_> {
    fn drop(&mut self) {
        self.publisher.shared.lock().remove(&self.id);
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Route>> {
        // Routes are inserted and removed whole, so a poisoned map is still sound.
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Publisher {
    /// The run's publisher, started on first use.
    pub fn global() -> Result<&'static Publisher, String> {
        static PUBLISHER: OnceLock<Result<Publisher, String>> = OnceLock::new();
        PUBLISHER
            .get_or_init(|| {
                Publisher::start().map_err(|e| format!("cannot start the key-set publisher: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn start() -> std::io::Result<Publisher> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            routes: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            open: AtomicUsize::new(0),
        });
        let serving = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("idjwt-publisher".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    if serving.open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                        serving.open.fetch_sub(1, Ordering::SeqCst);
                        continue;
                    }
                    let shared = Arc::clone(&serving);
                    let spawned = std::thread::Builder::new()
                        .name("idjwt-publisher-connection".into())
                        .spawn(move || {
                            serve(&shared, port, stream);
                            shared.open.fetch_sub(1, Ordering::SeqCst);
                        });
                    if spawned.is_err() {
                        serving.open.fetch_sub(1, Ordering::SeqCst);
                    }
                }
            })?;
        Ok(Publisher { port, shared })
    }

    /// Publishes `case`'s keys as `publication` says, at a path no other case gets.
    pub fn publish(&self, case: &Case, publication: &Publication) -> Result<Published<'_>, String> {
        let id = self.shared.next.fetch_add(1, Ordering::SeqCst);
        let set = |keys: &[usize]| key_set(case, keys);
        let mut moved = None;
        let mut answers = Vec::with_capacity(publication.answers.len());
        for answer in &publication.answers {
            answers.push(match answer {
                PublisherAnswer::KeySet { keys } => json_body(&set(keys)?),
                PublisherAnswer::Oversized { keys, bytes } => {
                    json_body(&padded(set(keys)?, *bytes))
                }
                PublisherAnswer::Redirect { keys } => {
                    moved = Some(json_body(&set(keys)?));
                    Ready::Respond {
                        status: 302,
                        content_type: "text/html",
                        location: Some(format!(
                            "http://{OTHER_HOST}:{}/{id}/moved.json",
                            self.port
                        )),
                        body: Arc::new(b"<p>moved</p>".to_vec()),
                    }
                }
                PublisherAnswer::Status { status } => Ready::Respond {
                    status: *status,
                    content_type: "text/html",
                    location: None,
                    body: Arc::new(format!("<h1>{status}</h1>").into_bytes()),
                },
                PublisherAnswer::NotJson => Ready::Respond {
                    status: 200,
                    content_type: "application/json",
                    location: None,
                    body: Arc::new(b"<html>a key set was expected here</html>".to_vec()),
                },
                PublisherAnswer::Slow { millis, keys } => Ready::Slow(
                    Duration::from_millis(*millis).min(MAX_SILENCE),
                    Box::new(json_body(&set(keys)?)),
                ),
            });
        }
        if answers.is_empty() {
            return Err(format!("{}: the publication has no answer", case.id));
        }
        self.shared.lock().insert(
            id,
            Route {
                answers,
                served: 0,
                moved,
            },
        );
        Ok(Published {
            publisher: self,
            id,
            source: JwksSource {
                url: format!("http://127.0.0.1:{}/{id}/jwks.json", self.port),
                refetch_after: publication.refetch_after,
                timeout_ms: publication.timeout_ms,
            },
        })
    }
}

/// `verify` run on `request` the way the runner sends `case`: when the case publishes its keys,
/// with them published at a URL of their own (`keys` emptied, `jwks` set) and its warm-up token
/// verified first, unjudged. An `Err` says why the keys could not be published.
pub fn verify_as_published<T>(
    case: &Case,
    mut request: VerifyRequest,
    mut verify: impl FnMut(&VerifyRequest) -> T,
) -> Result<T, String> {
    let Some(publication) = &case.published else {
        return Ok(verify(&request));
    };
    let published = Publisher::global()?.publish(case, publication)?;
    request.keys.clear();
    request.jwks = Some(published.source.clone());
    if let Some(token) = &publication.warm_up {
        let _ = verify(&VerifyRequest {
            id: format!("{}#warm-up", case.id),
            token: token.clone(),
            ..request.clone()
        });
    }
    Ok(verify(&request))
}

/// The public halves of `case`'s keys at `indices`, as a JWK set.
fn key_set(case: &Case, indices: &[usize]) -> Result<Value, String> {
    let keys: Vec<Jwk> = indices
        .iter()
        .map(|&i| {
            case.keys.get(i).map(Jwk::public).ok_or_else(|| {
                format!(
                    "{}: the publication names key {i}, which is not configured",
                    case.id
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(json!({ "keys": keys }))
}

/// `set` with a `padding` member that makes its JSON `bytes` long (or as short as it can be).
fn padded(mut set: Value, bytes: usize) -> Value {
    let bare = set.to_string().len() + r#","padding":"""#.len();
    if let Some(members) = set.as_object_mut() {
        members.insert(
            "padding".into(),
            "x".repeat(bytes.saturating_sub(bare)).into(),
        );
    }
    set
}

/// `200` with `document`.
fn json_body(document: &Value) -> Ready {
    Ready::Respond {
        status: 200,
        content_type: "application/json",
        location: None,
        body: Arc::new(document.to_string().into_bytes()),
    }
}

/// Reads one request head and answers it.
fn serve(shared: &Shared, port: u16, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let Some(path) = read_path(&mut stream) else {
        let _ = write(
            &mut stream,
            431,
            "text/plain",
            None,
            b"request head too long or unreadable",
        );
        return;
    };
    let mut ready = next_answer(shared, &path);
    while let Some(Ready::Slow(silence, then)) = ready {
        std::thread::sleep(silence);
        ready = Some(*then);
    }
    match ready {
        Some(Ready::Respond {
            status,
            content_type,
            location,
            body,
        }) => {
            let _ = write(
                &mut stream,
                status,
                content_type,
                location.as_deref(),
                &body,
            );
        }
        Some(Ready::Slow(..)) => {}
        None => {
            let text = format!("nothing is published at {path} on 127.0.0.1:{port}");
            let _ = write(&mut stream, 404, "text/plain", None, text.as_bytes());
        }
    }
}

/// The answer for `path` (`/<id>/jwks.json` or `/<id>/moved.json`), counting it as given.
fn next_answer(shared: &Shared, path: &str) -> Option<Ready> {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let id: u64 = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let mut routes = shared.lock();
    let route = routes.get_mut(&id)?;
    match name {
        "jwks.json" => {
            let at = route.served.min(route.answers.len() - 1);
            route.served += 1;
            route.answers.get(at).cloned()
        }
        "moved.json" => route.moved.clone(),
        _ => None,
    }
}

/// The path of a `GET` request, or none when the head is too long, not `GET` or unreadable.
fn read_path(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split(' ');
    (words.next()? == "GET").then_some(())?;
    words.next().map(str::to_owned)
}

fn write(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    location: Option<&str>,
    body: &[u8],
) -> std::io::Result<()> {
    let phrase = match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {phrase}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        body.len()
    );
    if let Some(to) = location {
        head.push_str(&format!("Location: {to}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::keys::Key;
    use crate::suite::http::{exchange, Limits, Url};

    fn case_with_keys() -> Case {
        let key = Key::test_ec("publisher-test-key");
        let mut case: Case = serde_json::from_value(json!({
            "id": "fetch::publisher-test", "description": "", "basis": "", "provider": null,
            "now": 0, "leeway": 0, "keys": [], "token": null, "expected": "rejected"
        }))
        .expect("a minimal case");
        case.keys = vec![key.to_jwk()];
        case
    }

    fn get(url: &str) -> crate::suite::http::Response {
        let url = Url::parse(url).expect("a publisher URL");
        exchange("GET", &url, None, Limits::default()).expect("the publisher answers")
    }

    #[test]
    fn answers_in_turn_then_repeats_the_last_and_forgets_a_dropped_route() {
        let case = case_with_keys();
        let publication = Publication {
            answers: vec![
                PublisherAnswer::Status { status: 500 },
                PublisherAnswer::KeySet { keys: vec![0] },
            ],
            warm_up: None,
            refetch_after: 0,
            timeout_ms: 1000,
        };
        let publisher = Publisher::global().expect("the publisher starts");
        let published = publisher.publish(&case, &publication).expect("published");
        let url = published.source.url.clone();
        assert_eq!(get(&url).status, 500);
        for _ in 0..2 {
            let answer = get(&url);
            assert_eq!(answer.status, 200);
            let set: Value = serde_json::from_slice(&answer.body).expect("JSON");
            assert_eq!(set["keys"][0]["kty"], "EC");
            assert!(
                set["keys"][0].get("d").is_none(),
                "only public halves: {set}"
            );
        }
        drop(published);
        assert_eq!(get(&url).status, 404);
    }

    #[test]
    fn a_redirect_points_at_another_host_name_that_serves_its_set() {
        let case = case_with_keys();
        let publication = Publication {
            answers: vec![PublisherAnswer::Redirect { keys: vec![0] }],
            warm_up: None,
            refetch_after: 0,
            timeout_ms: 1000,
        };
        let publisher = Publisher::global().expect("the publisher starts");
        let published = publisher.publish(&case, &publication).expect("published");
        let answer = get(&published.source.url);
        assert_eq!(answer.status, 302);
        let to = answer.location.expect("a Location");
        assert!(to.starts_with("http://localhost:"), "{to}");
        let moved = to.replace("localhost", "127.0.0.1");
        assert_eq!(get(&moved).status, 200);
    }

    #[test]
    fn an_oversized_set_has_the_size_asked_for_and_a_missing_key_is_named() {
        let case = case_with_keys();
        let set = key_set(&case, &[0]).expect("key 0 exists");
        assert_eq!(padded(set, 50_000).to_string().len(), 50_000);
        let err = key_set(&case, &[3]).expect_err("key 3 does not exist");
        assert!(err.contains("key 3"), "{err}");
    }
}
