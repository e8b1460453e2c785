//! Implementations over adapter protocol v1, timed through their pipes in batches.
//!
//! Every figure measured here includes the process boundary: writing the request line, the
//! adapter reading and parsing it, and the response line coming back. Requests are pipelined
//! (a batch is written, then its responses read), so the latency of one round trip is spread
//! over the batch, as a real caller with many tokens to check would see it.

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use idjwt::contract::{WireRequest, WireResponse};

/// A batch stays below this many request bytes: Linux pipes hold 64 KiB, so writing a whole
/// batch never waits for the adapter, which cannot then be blocked on its own output.
const BATCH_BYTES: usize = 60 * 1024;
/// At most this many requests per batch.
const BATCH_MAX: usize = 64;

/// An external program to measure.
#[derive(Clone, Debug)]
pub struct Program {
    /// The name shown in reports.
    pub name: String,
    /// The command line, run with `sh -c` in `dir`.
    pub command: String,
    /// The working directory.
    pub dir: PathBuf,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
}

/// The adapters under `adapters_dir` that are installed, and why the others are left out.
pub fn installed_adapters(adapters_dir: &Path) -> (Vec<Program>, Vec<String>) {
    let mut found = Vec::new();
    let mut left_out = Vec::new();
    let Ok(entries) = std::fs::read_dir(adapters_dir) else {
        return (found, left_out);
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    dirs.sort();
    for dir in dirs {
        let Ok(text) = std::fs::read_to_string(dir.join("adapter.json")) else {
            continue;
        };
        let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
            left_out.push(format!("{}: adapter.json is not JSON", dir.display()));
            continue;
        };
        let field = |name: &str| manifest.get(name).and_then(|v| v.as_str());
        let (Some(name), Some(run)) = (field("name"), field("run")) else {
            continue;
        };
        let installed = match (field("installed"), field("installed_check")) {
            (Some(path), _) => dir.join(path).exists(),
            (None, Some(check)) => Command::new("sh")
                .args(["-c", check])
                .current_dir(&dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
            (None, None) => true,
        };
        if !installed {
            left_out.push(format!(
                "{name}: not installed (`cargo xtask adapters install`)"
            ));
            continue;
        }
        let env = manifest
            .get("env")
            .and_then(|e| e.as_object())
            .map(|e| {
                e.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        found.push(Program {
            name: name.to_owned(),
            command: run.to_owned(),
            dir,
            env,
        });
    }
    (found, left_out)
}

/// A running adapter.
pub struct Pipe {
    child: Child,
    /// `None` once closed, which tells the adapter to exit.
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
}

impl Pipe {
    /// Starts `program` and checks that it answers `describe`.
    pub fn start(program: &Program) -> io::Result<Pipe> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&program.command)
            .current_dir(&program.dir)
            .envs(program.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("a pipe was not created"));
        };
        let mut pipe = Pipe {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            line: Vec::new(),
        };
        let response = pipe.ask(&WireRequest::Describe)?;
        if !response.ok {
            return Err(io::Error::other("it refused describe"));
        }
        Ok(pipe)
    }

    /// Sends one request and returns its response.
    pub fn ask(&mut self, request: &WireRequest) -> io::Result<WireResponse> {
        let line = request_line(request)?;
        self.send(&line)?;
        self.read_response()?;
        serde_json::from_slice(&self.line).map_err(io::Error::other)
    }

    /// Sends `count` copies of `line` (one request with its `\n`) in batches and reads every
    /// response; the time it all took.
    pub fn run(&mut self, line: &[u8], count: u64) -> io::Result<Duration> {
        let per_batch = (BATCH_BYTES / line.len().max(1)).clamp(1, BATCH_MAX);
        let batch: Vec<u8> = line.repeat(per_batch);
        let start = Instant::now();
        let mut left = count;
        while left > 0 {
            let n = left.min(per_batch as u64) as usize;
            self.send(&batch[..n * line.len()])?;
            for _ in 0..n {
                self.read_response()?;
            }
            left -= n as u64;
        }
        Ok(start.elapsed())
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("the pipe is closed"))?;
        stdin.write_all(bytes)?;
        stdin.flush()
    }

    fn read_response(&mut self) -> io::Result<()> {
        self.line.clear();
        if self.stdout.read_until(b'\n', &mut self.line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the adapter closed its stdout",
            ));
        }
        Ok(())
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // Adapters exit at the end of their input; `sh` may have started the program as a
        // child of its own, which killing `sh` would leave running.
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request as one protocol line, `\n` included.
pub fn request_line(request: &WireRequest) -> io::Result<Vec<u8>> {
    let mut line = serde_json::to_vec(request).map_err(io::Error::other)?;
    line.push(b'\n');
    Ok(line)
}
