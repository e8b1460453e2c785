//! A small HTTP/1.1 client for the bridges to running services (`--verifier-url`,
//! `--signer-url`): plain `http://` only, one request per connection, and every way a service
//! can misbehave bounded and named: the connection, each read and the whole exchange time out,
//! the headers and the body are capped (a 100 MB body costs at most the cap), and redirects are
//! reported, never followed.

use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The most header bytes read from a response.
const MAX_HEADER_BYTES: usize = 64 << 10;

/// Bounds on one exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The whole exchange: connecting, sending and reading the full response.
    pub timeout: Duration,
    /// The most body bytes read; a longer body is an error.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(5),
            max_body: 1 << 20,
        }
    }
}

/// An `http://host[:port]/path` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The host as written (a name or an address; IPv6 in brackets).
    pub host: String,
    pub port: u16,
    /// The path and query, starting with `/`.
    pub path: String,
}

impl Url {
    /// Parses an `http://` URL; anything else is refused with what is wrong.
    pub fn parse(text: &str) -> Result<Url, HttpError> {
        let problem = |problem: &str| HttpError::Url {
            url: text.to_owned(),
            problem: problem.to_owned(),
        };
        let rest = text.strip_prefix("http://").ok_or_else(|| {
            problem(
                "only http:// URLs are supported (put a TLS proxy in front of an https service)",
            )
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.contains('@') {
            return Err(problem("credentials in the URL are not supported"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !p.contains(']') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| problem("the port is not a number from 0 to 65535"))?,
            ),
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(problem("the URL has no host"));
        }
        if path.chars().any(|c| c.is_ascii_control() || c == ' ') {
            return Err(problem("the path holds spaces or control characters"));
        }
        Ok(Url {
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }

    fn addresses(&self) -> Result<Vec<SocketAddr>, HttpError> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        (host, self.port)
            .to_socket_addrs()
            .map(|a| a.collect())
            .map_err(|source| HttpError::Resolve {
                host: self.host.clone(),
                source,
            })
    }
}

/// A response, its body read in full (up to [`Limits::max_body`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// `Location`, if any (a redirect's target, which is never followed).
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// Why an exchange gave no response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL cannot be used.
    #[error("bad URL {url:?}: {problem}")]
    Url { url: String, problem: String },
    /// The host name does not resolve.
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        host: String,
        #[source]
        source: io::Error,
    },
    /// No connection could be made (refused, unreachable).
    #[error("cannot connect to {address}: {source}")]
    Connect {
        address: String,
        #[source]
        source: io::Error,
    },
    /// The connection failed while sending or reading (reset, closed early).
    #[error("connection failed: {0}")]
    Io(#[source] io::Error),
    /// The exchange took longer than the limit.
    #[error("no complete response within {0:?}")]
    Timeout(Duration),
    /// The body is longer than the limit.
    #[error("the response body is longer than {limit} bytes")]
    BodyTooLarge { limit: usize },
    /// What came back is not an HTTP/1.x response.
    #[error("not an HTTP response: {0}")]
    Malformed(String),
}

impl HttpError {
    /// Whether this is a timeout (a hang, rather than a crash, in a report).
    pub fn is_timeout(&self) -> bool {
        matches!(self, HttpError::Timeout(_))
    }
}

/// Reads from a stream until a deadline: every read is given the time that is left.
struct Deadline<'s> {
    stream: &'s TcpStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut s = self.stream;
        s.read(buf)
    }
}

fn io_error(e: io::Error, limit: Duration) -> HttpError {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => HttpError::Timeout(limit),
        _ => HttpError::Io(e),
    }
}

/// Sends one request (`body`: content type and bytes) and reads the whole response.
pub fn exchange(
    method: &str,
    url: &Url,
    body: Option<(&str, &[u8])>,
    limits: Limits,
) -> Result<Response, HttpError> {
    let started = Instant::now();
    let until = started + limits.timeout;
    let mut last = None;
    let mut stream = None;
    for address in url.addresses()? {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HttpError::Timeout(limits.timeout));
        }
        match TcpStream::connect_timeout(&address, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some((address, e)),
        }
    }
    let stream = match (stream, last) {
        (Some(s), _) => s,
        (None, Some((_, e))) if e.kind() == io::ErrorKind::TimedOut => {
            return Err(HttpError::Timeout(limits.timeout));
        }
        (None, Some((address, source))) => {
            return Err(HttpError::Connect {
                address: address.to_string(),
                source,
            })
        }
        (None, None) => {
            return Err(HttpError::Resolve {
                host: url.host.clone(),
                source: io::Error::new(io::ErrorKind::NotFound, "no address"),
            })
        }
    };
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: idjwt/{}\r\nAccept: application/json, */*\r\nConnection: close\r\n",
        url.path,
        url.host,
        url.port,
        env!("CARGO_PKG_VERSION")
    );
    if let Some((content_type, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    let left = until.saturating_duration_since(Instant::now());
    stream
        .set_write_timeout(Some(left.max(Duration::from_millis(1))))
        .map_err(HttpError::Io)?;
    let mut writer = &stream;
    writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.write_all(body.map(|(_, b)| b).unwrap_or_default()))
        .map_err(|e| io_error(e, limits.timeout))?;
    let mut reader = io::BufReader::new(Deadline {
        stream: &stream,
        until,
    });
    read_response(&mut reader, limits).map_err(|e| match e {
        HttpError::Io(e) => io_error(e, limits.timeout),
        other => other,
    })
}

/// One line of the head, without its CR LF, counted against the header cap.
fn head_line(reader: &mut impl BufRead, used: &mut usize) -> Result<String, HttpError> {
    let mut line = Vec::new();
    let n = reader
        .take((MAX_HEADER_BYTES - *used) as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(HttpError::Io)?;
    *used += n;
    if *used > MAX_HEADER_BYTES {
        return Err(HttpError::Malformed(format!(
            "headers longer than {MAX_HEADER_BYTES} bytes"
        )));
    }
    if !line.ends_with(b"\n") {
        return Err(HttpError::Malformed(
            "the connection closed inside the headers".into(),
        ));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| HttpError::Malformed("a header is not UTF-8".into()))
}

fn read_response(reader: &mut impl BufRead, limits: Limits) -> Result<Response, HttpError> {
    let mut used = 0;
    let status_line = head_line(reader, &mut used)?;
    let mut parts = status_line.splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or_default(), parts.next());
    let status = match (version.starts_with("HTTP/1."), code.map(str::parse::<u16>)) {
        (true, Some(Ok(code))) if (100..1000).contains(&code) => code,
        _ => {
            return Err(HttpError::Malformed(format!(
                "status line {:?}",
                status_line.chars().take(80).collect::<String>()
            )))
        }
    };
    let (mut content_type, mut location, mut length, mut chunked) = (None, None, None, false);
    loop {
        let line = head_line(reader, &mut used)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(HttpError::Malformed(format!("header line {line:?}")));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value.to_owned()),
            "location" => location = Some(value.to_owned()),
            "content-length" => {
                length = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| HttpError::Malformed(format!("Content-Length {value:?}")))?,
                )
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let cap = limits.max_body;
    let body = if chunked {
        read_chunked(reader, cap)?
    } else if let Some(n) = length {
        if n > cap as u64 {
            return Err(HttpError::BodyTooLarge { limit: cap });
        }
        let mut body = vec![0; n as usize];
        reader.read_exact(&mut body).map_err(HttpError::Io)?;
        body
    } else {
        read_capped(reader, cap)?
    };
    Ok(Response {
        status,
        content_type,
        location,
        body,
    })
}

fn read_capped(reader: &mut impl Read, cap: usize) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    reader
        .take(cap as u64 + 1)
        .read_to_end(&mut body)
        .map_err(HttpError::Io)?;
    if body.len() > cap {
        return Err(HttpError::BodyTooLarge { limit: cap });
    }
    Ok(body)
}

fn read_chunked(reader: &mut impl BufRead, cap: usize) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    let mut used = 0;
    loop {
        let line = head_line(reader, &mut used)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| HttpError::Malformed(format!("chunk size {size:?}")))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !head_line(reader, &mut used)?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > cap {
            return Err(HttpError::BodyTooLarge { limit: cap });
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(HttpError::Io)?;
        if !head_line(reader, &mut used)?.is_empty() {
            return Err(HttpError::Malformed(
                "a chunk is longer than its size".into(),
            ));
        }
        used = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = Url::parse("http://127.0.0.1:8080/verify?x=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("127.0.0.1", 8080, "/verify?x=1")
        );
        let u = Url::parse("http://localhost").unwrap();
        assert_eq!((u.port, u.path.as_str()), (80, "/"));
        let u = Url::parse("http://[::1]:9/p").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("[::1]", 9));
        for (bad, why) in [
            ("https://example.test/", "only http://"),
            ("http://:80/", "no host"),
            ("http://h:99999/", "port"),
            ("http://u:p@h/", "credentials"),
            ("http://h/a b", "spaces"),
        ] {
            let e = Url::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    fn parse(raw: &[u8], max_body: usize) -> Result<Response, HttpError> {
        let limits = Limits {
            max_body,
            ..Limits::default()
        };
        read_response(&mut io::BufReader::new(raw), limits)
    }

    #[test]
    fn responses_by_length_chunks_and_close() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            10,
        )
        .unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"{}"[..]));
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", 10).unwrap();
        assert_eq!(r.body, b"abcde");
        let r = parse(b"HTTP/1.0 401 Unauthorized\r\n\r\nno", 10).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (401, &b"no"[..]));
        let r = parse(
            b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere.test/\r\nContent-Length: 0\r\n\r\n",
            10,
        )
        .unwrap();
        assert_eq!(r.location.as_deref(), Some("http://elsewhere.test/"));
    }

    #[test]
    fn oversized_and_malformed_responses_are_named() {
        let too_long =
            |r: Result<Response, HttpError>| matches!(r, Err(HttpError::BodyTooLarge { limit: 4 }));
        assert!(too_long(parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n",
            4
        )));
        assert!(too_long(parse(b"HTTP/1.1 200 OK\r\n\r\n0123456789", 4)));
        assert!(too_long(parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n012345678\r\n0\r\n\r\n",
            4
        )));
        for raw in [
            &b"SSH-2.0-OpenSSH\r\n\r\n"[..],
            b"HTTP/1.1 abc\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Le",
        ] {
            assert!(
                matches!(parse(raw, 10), Err(HttpError::Malformed(_))),
                "{raw:?}"
            );
        }
        let huge_header = [
            &b"HTTP/1.1 200 OK\r\nX: "[..],
            &vec![b'a'; MAX_HEADER_BYTES],
            b"\r\n\r\n",
        ]
        .concat();
        assert!(
            matches!(parse(&huge_header, 10), Err(HttpError::Malformed(m)) if m.contains("headers longer"))
        );
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 10),
            Err(HttpError::Io(_))
        ));
    }
}
