//! An implementation under test as an external program speaking adapter protocol v1: one JSON
//! request line on its stdin, one JSON response line on its stdout.
//!
//! The program is run with `sh -c COMMAND_LINE` in a process group of its own. Every way it can
//! misbehave is an [`Answer`], never the end of the run:
//! - no line within the timeout → [`Answer::Hang`];
//! - its stdout closes (it exited or crashed) → [`Answer::Crash`] with its exit status and the
//!   last lines of its stderr (which is drained all the time so that it can never block);
//! - a line that is not a v1 response, answers another request's `id`, or says `ok:true` without
//!   the result → [`Answer::Crash`] (`wrote garbage: …`).
//!
//! After a hang or a crash the whole process group is killed and the program is started again
//! (and described again) on the next request; if that fails, that request is a crash too.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use super::subject::{Answer, Subject};
use crate::contract::{
    Decoded, Description, Failure, Level, ProviderAnswer, SignRequest, VerifyRequest, WireRequest,
    WireResponse,
};

/// Response lines longer than this are refused as garbage (and not buffered further).
pub const MAX_LINE_BYTES: usize = 16 << 20;
/// How much of a garbage line or a stderr line is shown in messages, in characters.
const SHOWN_CHARS: usize = 200;
/// How many stderr lines are kept for crash messages.
const STDERR_TAIL_LINES: usize = 8;
/// How long to wait for a process whose stdout closed to exit, and for its stderr to drain.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// Why an external adapter could not be started or described itself wrongly.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    /// The command line is empty.
    #[error("the adapter command line is empty")]
    EmptyCommand,
    /// `sh` (or a thread serving the adapter's pipes) could not be started.
    #[error("cannot start adapter `{command}`: {source}")]
    Spawn {
        command: String,
        #[source]
        source: io::Error,
    },
    /// The program exited before answering `describe`.
    #[error("adapter `{command}` exited before describing itself ({status}){hint}; stderr tail: {stderr}")]
    Exited {
        command: String,
        /// The exit status, e.g. `status 127`.
        status: String,
        /// ` — command not found` and the like, or empty.
        hint: &'static str,
        /// The last lines of its stderr.
        stderr: String,
    },
    /// The program gave no description within the timeout.
    #[error("adapter `{command}` did not answer {{\"op\":\"describe\"}} within {timeout:?}")]
    Timeout { command: String, timeout: Duration },
    /// The describe response is not a valid v1 description.
    #[error("adapter `{command}` did not describe itself: {problem}")]
    Describe { command: String, problem: String },
}

/// One thing the stdout reader thread saw.
enum Line {
    Text(Vec<u8>),
    TooLong,
    Error(String),
}

/// How one exchange ended.
enum Exchange {
    Line(Vec<u8>),
    TooLong,
    ReadError(String),
    /// Stdout closed.
    Eof,
    Timeout,
}

/// The last lines a process wrote to stderr.
type Tail = Arc<Mutex<VecDeque<String>>>;

/// A running adapter process and the threads serving its pipes.
struct Process {
    child: Child,
    /// Request lines for the writer thread; dropping it closes the program's stdin.
    requests: Option<Sender<Vec<u8>>>,
    lines: Receiver<Line>,
    stderr: Tail,
    /// Disconnects when stderr reaches end of file.
    stderr_done: Receiver<()>,
    /// The status, once reaped.
    status: Option<ExitStatus>,
}

impl Process {
    fn start(command_line: &str) -> Result<Process, AdapterError> {
        let spawn_error = |source| AdapterError::Spawn {
            command: command_line.to_owned(),
            source,
        };
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(command_line)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // A group of its own, so that a hang is ended for the program `sh` started too.
            command.process_group(0);
        }
        let mut child = command.spawn().map_err(spawn_error)?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            kill(&mut child);
            return Err(spawn_error(io::Error::other("a pipe was not created")));
        };
        let (requests, request_rx) = mpsc::channel();
        let (line_tx, lines) = mpsc::channel();
        let (done_tx, stderr_done) = mpsc::channel();
        let tail: Tail = Arc::default();
        let threads = [
            spawn("idjwt-adapter-stdin", move || {
                write_lines(stdin, request_rx)
            }),
            spawn("idjwt-adapter-stdout", move || read_lines(stdout, line_tx)),
            spawn("idjwt-adapter-stderr", {
                let tail = Arc::clone(&tail);
                move || drain(stderr, tail, done_tx)
            }),
        ];
        if let Some(Err(e)) = threads.into_iter().find(Result::is_err) {
            kill(&mut child);
            return Err(spawn_error(e));
        }
        Ok(Process {
            child,
            requests: Some(requests),
            lines,
            stderr: tail,
            stderr_done,
            status: None,
        })
    }

    /// Sends one line and waits for one line back.
    fn exchange(&mut self, line: Vec<u8>, timeout: Duration) -> Exchange {
        // A write that fails (the program is gone) shows up as the end of its stdout.
        if let Some(requests) = &self.requests {
            let _ = requests.send(line);
        }
        match self.lines.recv_timeout(timeout) {
            Ok(Line::Text(bytes)) => Exchange::Line(bytes),
            Ok(Line::TooLong) => Exchange::TooLong,
            Ok(Line::Error(e)) => Exchange::ReadError(e),
            Err(RecvTimeoutError::Timeout) => Exchange::Timeout,
            Err(RecvTimeoutError::Disconnected) => Exchange::Eof,
        }
    }

    /// After stdout closed: the exit status (waiting a little for it) and the stderr tail.
    fn exit_report(&mut self) -> (String, Option<i32>, String) {
        let deadline = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => break None,
            }
        };
        self.status = status;
        let shown = match status {
            Some(s) => match s.code() {
                Some(code) => format!("status {code}"),
                None => format!("status {s}"),
            },
            None => "status unknown: it closed its stdout but is still running".to_owned(),
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let _ = self
            .stderr_done
            .recv_timeout(remaining.max(Duration::from_millis(50)));
        (shown, status.and_then(|s| s.code()), self.stderr_tail())
    }

    fn stderr_tail(&self) -> String {
        let tail = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        if tail.is_empty() {
            "(empty)".to_owned()
        } else {
            tail.iter().cloned().collect::<Vec<_>>().join(" | ")
        }
    }

    /// Closes its stdin and kills its process group (unless it has been reaped already).
    fn kill(self) {
        drop(self);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.requests = None;
        if self.status.is_none() {
            kill(&mut self.child);
        }
    }
}

/// Kills a child's process group (it leads its own, see [`Process::start`]) and reaps it.
///
/// The group is signalled before the leader is reaped, so its id cannot have been reused.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        // std cannot signal a process group and this crate forbids `unsafe`; the POSIX `kill`
        // utility can. If it is missing, the leader is still killed below.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> io::Result<()> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .map(|_| ())
}

fn write_lines(mut stdin: ChildStdin, requests: Receiver<Vec<u8>>) {
    for line in requests {
        if stdin.write_all(&line).and_then(|()| stdin.flush()).is_err() {
            return;
        }
    }
}

/// Sends each line of `stdout` (without its `\n`), refusing lines over [`MAX_LINE_BYTES`].
fn read_lines(stdout: impl Read, lines: Sender<Line>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        let result = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line);
        let message = match result {
            Ok(0) => return,
            Ok(_) if line.last() == Some(&b'\n') => {
                line.pop();
                Line::Text(line)
            }
            Ok(_) if line.len() > MAX_LINE_BYTES => Line::TooLong,
            // The last line, without its line break.
            Ok(_) => Line::Text(line),
            Err(e) => Line::Error(e.to_string()),
        };
        let stop = !matches!(message, Line::Text(_));
        if lines.send(message).is_err() || stop {
            return;
        }
    }
}

/// Reads stderr to its end, keeping the last lines (each shortened) in `tail`.
fn drain(stderr: impl Read, tail: Tail, _done: Sender<()>) {
    let mut reader = BufReader::new(stderr);
    let mut current = Vec::new();
    let keep = |line: &[u8]| {
        let text = String::from_utf8_lossy(line);
        let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
        if tail.len() == STDERR_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(clip(text.trim_end()));
    };
    loop {
        let chunk = match reader.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(chunk) => chunk,
        };
        let used = chunk.len();
        for piece in chunk.split_inclusive(|b| *b == b'\n') {
            let (text, complete) = match piece.split_last() {
                Some((b'\n', text)) => (text, true),
                _ => (piece, false),
            };
            // Only the start of a line is shown; the rest need not be kept.
            let room = (SHOWN_CHARS * 4).saturating_sub(current.len());
            current.extend_from_slice(&text[..text.len().min(room)]);
            if complete {
                keep(&current);
                current.clear();
            }
        }
        reader.consume(used);
    }
    if !current.is_empty() {
        keep(&current);
    }
}

/// At most [`SHOWN_CHARS`] characters of `text`, marked when shortened.
fn clip(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A line as shown in a garbage message: shortened and quoted.
fn shown(bytes: &[u8]) -> String {
    format!("{:?}", clip(&String::from_utf8_lossy(bytes)))
}

fn describe_problem(bytes: &[u8]) -> Result<Description, String> {
    let response: WireResponse = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "wrote garbage: not a protocol v1 response ({e}): {}",
            shown(bytes)
        )
    })?;
    if !response.ok {
        return Err(format!(
            "it answered ok:false: {}",
            clip(response.error.as_deref().unwrap_or("(no error message)"))
        ));
    }
    let missing = |field: &str| format!("the describe response has no `{field}`");
    if response.level == Level::Provider && response.profiles.is_empty() {
        return Err("a provider-level description must list its `profiles`".into());
    }
    Ok(Description {
        name: response.name.ok_or_else(|| missing("name"))?,
        version: response.version.ok_or_else(|| missing("version"))?,
        algorithms: response.algorithms.ok_or_else(|| missing("algorithms"))?,
        clock: response.clock.ok_or_else(|| missing("clock"))?,
        cannot_enforce: response.cannot_enforce,
        modes: response.modes,
        defaults_clock: response.defaults_clock,
        level: response.level,
        profiles: response.profiles,
        signs: response.signs,
        fetches_jwks: response.fetches_jwks,
    })
}

/// Starts the program and asks it to describe itself.
fn start(command_line: &str, timeout: Duration) -> Result<(Process, Description), AdapterError> {
    let command = || command_line.to_owned();
    let mut process = Process::start(command_line)?;
    let mut line = serde_json::to_vec(&WireRequest::Describe).unwrap_or_default();
    line.push(b'\n');
    let problem = match process.exchange(line, timeout) {
        Exchange::Line(bytes) => match describe_problem(&bytes) {
            Ok(description) => return Ok((process, description)),
            Err(problem) => problem,
        },
        Exchange::TooLong => format!("wrote garbage: a line longer than {MAX_LINE_BYTES} bytes"),
        Exchange::ReadError(e) => format!("cannot read its stdout: {e}"),
        Exchange::Timeout => {
            process.kill();
            return Err(AdapterError::Timeout {
                command: command(),
                timeout,
            });
        }
        Exchange::Eof => {
            let (status, code, stderr) = process.exit_report();
            process.kill();
            return Err(AdapterError::Exited {
                command: command(),
                status,
                hint: match code {
                    Some(127) => " — command not found",
                    Some(126) => " — command found but not executable",
                    _ => "",
                },
                stderr,
            });
        }
    };
    process.kill();
    Err(AdapterError::Describe {
        command: command(),
        problem,
    })
}

/// An external program speaking adapter protocol v1 (see the module documentation).
pub struct External {
    command_line: String,
    description: Description,
    timeout: Duration,
    /// How long starting (or restarting) the program may take, up to its description.
    describe_timeout: Duration,
    /// The running process; `None` after a hang or crash until the next request restarts it.
    process: Mutex<Option<Process>>,
}

impl fmt::Debug for External {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("External")
            .field("command_line", &self.command_line)
            .field("description", &self.description)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl External {
    /// Starts `command_line` (run via `sh -c`), sends `{"op":"describe"}` and reads the
    /// description; `timeout` applies to that and to every later request.
    pub fn spawn(command_line: &str, timeout: Duration) -> Result<External, AdapterError> {
        External::spawn_with(command_line, timeout, timeout)
    }

    /// As [`External::spawn`], with its own time for start-up and `describe` (also used when
    /// the program is restarted after a hang or crash).
    pub fn spawn_with(
        command_line: &str,
        timeout: Duration,
        describe_timeout: Duration,
    ) -> Result<External, AdapterError> {
        if command_line.trim().is_empty() {
            return Err(AdapterError::EmptyCommand);
        }
        let (process, description) = start(command_line, describe_timeout)?;
        Ok(External {
            command_line: command_line.to_owned(),
            description,
            timeout,
            describe_timeout,
            process: Mutex::new(Some(process)),
        })
    }

    /// The command line it runs.
    pub fn command_line(&self) -> &str {
        &self.command_line
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends one request and turns the one line back into an answer with `result`.
    fn call<T>(
        &self,
        request: &WireRequest,
        id: &str,
        result: impl FnOnce(WireResponse) -> Result<T, &'static str>,
    ) -> Answer<T> {
        let mut line = match serde_json::to_vec(request) {
            Ok(line) => line,
            Err(e) => return Answer::Crash(format!("cannot encode the request: {e}")),
        };
        line.push(b'\n');
        let mut slot = self.process.lock().unwrap_or_else(PoisonError::into_inner);
        let process = match &mut *slot {
            Some(process) => process,
            empty => match start(&self.command_line, self.describe_timeout) {
                Ok((process, _)) => empty.insert(process),
                Err(e) => return Answer::Crash(format!("could not restart: {e}")),
            },
        };
        let answer = match process.exchange(line, self.timeout) {
            Exchange::Line(bytes) => interpret(&bytes, id, result),
            Exchange::TooLong => Answer::Crash(format!(
                "wrote garbage: a line longer than {MAX_LINE_BYTES} bytes"
            )),
            Exchange::ReadError(e) => Answer::Crash(format!("cannot read its stdout: {e}")),
            Exchange::Eof => {
                let (status, _, stderr) = process.exit_report();
                Answer::Crash(format!("exited: {status}, stderr tail: {stderr}"))
            }
            Exchange::Timeout => Answer::Hang(self.timeout),
        };
        if matches!(answer, Answer::Crash(_) | Answer::Hang(_)) {
            if let Some(process) = slot.take() {
                process.kill();
            }
        }
        answer
    }
}

/// One response line as the answer to request `id`.
fn interpret<T>(
    bytes: &[u8],
    id: &str,
    result: impl FnOnce(WireResponse) -> Result<T, &'static str>,
) -> Answer<T> {
    let garbage = |problem: String| Answer::Crash(format!("wrote garbage: {problem}"));
    let response: WireResponse = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            return garbage(format!(
                "not a protocol v1 response ({e}): {}",
                shown(bytes)
            ))
        }
    };
    match &response.id {
        Some(answered) if answered == id => {}
        Some(answered) => {
            return garbage(format!(
                "answered id {:?} to request {id:?}: {}",
                clip(answered),
                shown(bytes)
            ))
        }
        None => {
            return garbage(format!(
                "answered request {id:?} without an id: {}",
                shown(bytes)
            ))
        }
    }
    if !response.ok {
        return Answer::Refused(Failure {
            error: response
                .error
                .unwrap_or_else(|| "(no error message)".to_owned()),
            reason: response.reason,
        });
    }
    match result(response) {
        Ok(value) => Answer::Ok(value),
        Err(problem) => garbage(format!("{problem}: {}", shown(bytes))),
    }
}

impl Subject for External {
    fn description(&self) -> &Description {
        &self.description
    }

    fn sign(&self, request: &SignRequest) -> Answer<String> {
        self.call(&WireRequest::Sign(request.clone()), &request.id, |r| {
            r.token.ok_or("\"ok\":true without \"token\"")
        })
    }

    fn verify(&self, request: &VerifyRequest) -> Answer<Decoded> {
        self.call(
            &WireRequest::Verify(request.clone()),
            &request.id,
            |r| match (r.header, r.claims) {
                (Some(header), Some(claims)) => Ok(Decoded { header, claims }),
                (None, _) => Err("\"ok\":true without \"header\""),
                (_, None) => Err("\"ok\":true without \"claims\""),
            },
        )
    }

    fn verify_provider(&self, request: &VerifyRequest) -> Answer<ProviderAnswer> {
        self.call(
            &WireRequest::Verify(request.clone()),
            &request.id,
            |r| match (r.identity, r.unverified) {
                (Some(identity), None) => Ok(ProviderAnswer::Verified(identity)),
                (None, Some(why)) => Ok(ProviderAnswer::Unverified(why)),
                (None, None) => Err("\"ok\":true without \"identity\" or \"unverified\""),
                (Some(_), Some(_)) => Err("\"ok\":true with both \"identity\" and \"unverified\""),
            },
        )
    }
}

impl Drop for External {
    fn drop(&mut self) {
        let slot = self
            .process
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(process) = slot.take() {
            process.kill();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_shortens_on_char_boundaries() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(300);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), SHOWN_CHARS + 1);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn interpret_checks_id_and_fields() {
        let token = |r: WireResponse| r.token.ok_or("\"ok\":true without \"token\"");
        assert_eq!(
            interpret(br#"{"id":"a","ok":true,"token":"t"}"#, "a", token),
            Answer::Ok("t".to_owned())
        );
        assert_eq!(
            interpret(
                br#"{"id":"a","ok":false,"error":"no","reason":"expired"}"#,
                "a",
                token
            ),
            Answer::Refused(Failure {
                error: "no".into(),
                reason: Some("expired".into())
            })
        );
        for (line, needle) in [
            (
                &br#"{"id":"b","ok":true,"token":"t"}"#[..],
                "answered id \"b\"",
            ),
            (br#"{"ok":true,"token":"t"}"#, "without an id"),
            (br#"{"id":"a","ok":true}"#, "without \"token\""),
            (b"nope", "not a protocol v1 response"),
            (b"\xff\xfe", "not a protocol v1 response"),
        ] {
            let Answer::Crash(message) = interpret(line, "a", token) else {
                panic!("{line:?} was not a crash");
            };
            assert!(message.starts_with("wrote garbage: "), "{message}");
            assert!(message.contains(needle), "{message}");
        }
        let long = format!("{{\"junk\":\"{}\"", "x".repeat(10_000));
        let Answer::Crash(message) = interpret(long.as_bytes(), "a", token) else {
            panic!("not a crash");
        };
        assert!(message.len() < 600, "{message}");
    }

    #[test]
    fn describe_names_the_missing_field() {
        let problem = describe_problem(br#"{"ok":true,"name":"x","version":"1","algorithms":[]}"#)
            .unwrap_err();
        assert!(problem.contains("`clock`"), "{problem}");
        let d = describe_problem(
            br#"{"ok":true,"name":"x","version":"1","algorithms":["HS256"],"clock":"system"}"#,
        )
        .unwrap();
        assert_eq!(d.name, "x");
        // Without `modes` an adapter serves configured requests only.
        assert!(!d.serves(crate::contract::VerifyMode::Defaults));
        let d = describe_problem(
            br#"{"ok":true,"name":"x","version":"1","algorithms":["HS256"],"clock":"injected","modes":["configured","defaults"],"defaults_clock":"system"}"#,
        )
        .unwrap();
        assert!(d.serves(crate::contract::VerifyMode::Defaults));
        assert_eq!(
            d.clock_in(crate::contract::VerifyMode::Defaults),
            crate::contract::Clock::System
        );
    }

    #[test]
    fn drain_keeps_the_last_lines_shortened() {
        let text = format!(
            "{}\n{}",
            (0..20).map(|i| format!("line {i}\n")).collect::<String>(),
            "y".repeat(5000)
        );
        let tail = Tail::default();
        let (tx, rx) = mpsc::channel();
        drain(text.as_bytes(), Arc::clone(&tail), tx);
        assert!(rx.recv().is_err(), "done is signalled by disconnecting");
        let tail = tail.lock().unwrap();
        assert_eq!(tail.len(), STDERR_TAIL_LINES);
        assert_eq!(tail[0], "line 14");
        assert_eq!(tail[STDERR_TAIL_LINES - 2], "");
        assert_eq!(tail[STDERR_TAIL_LINES - 1].chars().count(), SHOWN_CHARS + 1);
    }
}
