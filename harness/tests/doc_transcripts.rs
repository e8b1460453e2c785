//! The terminal transcripts in README.md and docs/cli.md are run, so that they cannot drift
//! from the program.
//!
//! # The convention
//!
//! A *transcript block* is a fenced ```` ```text ```` block whose first line starts with `$ `.
//! In it:
//!
//! - a line starting with `$ ` is a command; a trailing ` \` continues the command on the next
//!   line (as in a shell);
//! - the lines after a command, up to the next `$ ` line or the end of the block, are its expected
//!   output: what it writes to standard output (after the `| grep -v` filter, if any), then what
//!   it writes to standard error;
//! - an output line that is exactly `…` matches any number of lines (none included); every other
//!   line must match exactly, except for trailing whitespace;
//! - the exit status is not compared.
//!
//! Each block runs in a fresh, empty temporary directory with no variables set, unless its fence
//! is ```` ```text continued ````: then it continues the session of the previous transcript block
//! of the same file (its directory, its files and its variables), for a walk-through that prose
//! interrupts. (Renderers take the first word of the info string, `text`, as the language.)
//!
//! Commands are interpreted by hand, never by a shell, and only these forms are understood:
//!
//! - `idjwt ARG…`, run as the binary built with this test (`CARGO_BIN_EXE_idjwt`), with standard
//!   input empty and no `IDJWT_*` variable in its environment;
//! - `VAR=$(idjwt ARG…)`: its standard output, trimmed, is stored in `VAR`;
//! - `"$VAR"` and `$VAR` (also `${VAR}`) are replaced by the variable's value, inside double
//!   quotes or unquoted; `'…'` and `"…"` quote, and `\` escapes one character;
//! - `… | grep -v '^PREFIX'`: output lines starting with the literal `PREFIX` are dropped (no
//!   other grep; the pattern must be `^` and plain characters);
//! - `cargo xtask conformance`, which is not run through cargo (too heavy for a test): its
//!   expected output is matched against the table report of the same default run done
//!   in-process (`idjwt::suite::conformance` with the built-in implementations and the committed
//!   vectors; cargo's messages and the run's timing line on standard error are not shown).
//!
//! Anything else (other programs, redirections, `;`, `&&`, globs, other substitutions, unknown
//! variables, absolute or `..` paths) fails the test instead of being ignored. When a transcript
//! and the program disagree, the failure names the file and line of the command and shows a line
//! diff (`-` expected, `+` actual).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The documents whose transcripts are checked, relative to the repository root.
const DOCUMENTS: &[&str] = &["README.md", "docs/cli.md"];

/// The line standing for any number of lines.
const ELISION: &str = "…";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---------------------------------------------------------------------------------------------
// Extraction

/// One transcript block.
#[derive(Debug)]
struct Block {
    file: String,
    /// 1-based line of the opening fence.
    line: usize,
    /// Continues the previous block's session.
    continued: bool,
    steps: Vec<Step>,
}

/// A command and its expected output.
#[derive(Debug)]
struct Step {
    /// 1-based line of the command's first line.
    line: usize,
    /// The command with its continuation lines joined.
    command: String,
    expected: Vec<String>,
}

/// Every transcript block of a document, in order.
fn transcript_blocks(file: &str, text: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_end();
        i += 1;
        let Some(info) = fence.strip_prefix("```") else {
            continue;
        };
        let fence_line = i;
        let body_start = i;
        while i < lines.len() && lines[i].trim_end() != "```" {
            i += 1;
        }
        if i == lines.len() {
            return Err(format!("{file}:{fence_line}: unterminated code block"));
        }
        let body = &lines[body_start..i];
        i += 1; // the closing fence
        let mut words = info.split_whitespace();
        if words.next() != Some("text") {
            continue;
        }
        let mut continued = false;
        for word in words {
            match word {
                "continued" => continued = true,
                other => {
                    let at = format!("{file}:{fence_line}");
                    return Err(format!("{at}: unknown word {other:?} in the fence"));
                }
            }
        }
        if !body.first().is_some_and(|l| l.starts_with("$ ")) {
            if continued {
                return Err(format!(
                    "{file}:{fence_line}: a `continued` block must start with `$ `"
                ));
            }
            continue;
        }
        let mut steps: Vec<Step> = Vec::new();
        let mut j = 0;
        while j < body.len() {
            let first = body[j];
            let Some(command) = first.strip_prefix("$ ") else {
                match steps.last_mut() {
                    Some(step) => step.expected.push(first.trim_end().to_owned()),
                    None => unreachable!("a transcript starts with a command"),
                }
                j += 1;
                continue;
            };
            let line = body_start + j + 1;
            let mut command = command.trim_end().to_owned();
            j += 1;
            while let Some(head) = command.strip_suffix('\\') {
                if !head.ends_with([' ', '\t']) {
                    return Err(format!(
                        "{file}:{line}: a continued command must end with ` \\`"
                    ));
                }
                let Some(next) = body.get(j) else {
                    return Err(format!("{file}:{line}: the block ends inside a command"));
                };
                command = format!("{}{}", head, next.trim().trim_end());
                j += 1;
            }
            steps.push(Step {
                line,
                command,
                expected: Vec::new(),
            });
        }
        blocks.push(Block {
            file: file.to_owned(),
            line: fence_line,
            continued,
            steps,
        });
    }
    Ok(blocks)
}

// ---------------------------------------------------------------------------------------------
// The shell subset

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Pipe,
}

/// What a command line asks for.
#[derive(Debug, PartialEq)]
enum Parsed {
    /// Run `argv`, filter its standard output by dropping lines with these prefixes.
    Run {
        argv: Vec<String>,
        drop_prefixes: Vec<String>,
    },
    /// Run `argv` and store its trimmed standard output in `var`.
    Capture { var: String, argv: Vec<String> },
    /// `cargo xtask conformance`.
    Conformance,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The length of a leading variable name in `s` (0 when there is none).
fn name_len(s: &str) -> usize {
    let n = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(s.len(), |(i, _)| i);
    if is_name(&s[..n]) {
        n
    } else {
        0
    }
}

/// Expands the `$…` at the start of `rest` (just after the `$`); returns the value and how many
/// bytes were consumed.
fn expand(rest: &str, vars: &HashMap<String, String>) -> Result<(String, usize), String> {
    let (name, used) = if let Some(braced) = rest.strip_prefix('{') {
        let n = name_len(braced);
        if n == 0 || !braced[n..].starts_with('}') {
            return Err(format!("unsupported substitution `${}`", clip(rest)));
        }
        (&braced[..n], n + 2)
    } else {
        let n = name_len(rest);
        if n == 0 {
            return Err(format!(
                "unsupported substitution `${}` (only $VAR, ${{VAR}} and VAR=$(command))",
                clip(rest)
            ));
        }
        (&rest[..n], n)
    };
    match vars.get(name) {
        Some(value) => Ok((value.clone(), used)),
        None => Err(format!("the variable {name} is not set in this transcript")),
    }
}

fn clip(s: &str) -> String {
    s.chars().take(12).collect()
}

/// Splits a command line into words and pipes, with quotes removed and variables substituted.
fn tokenize(src: &str, vars: &HashMap<String, String>) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    // A word has started (it may be empty: `''`).
    let mut in_word = false;
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            ' ' | '\t' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
            }
            '\'' => {
                let end = rest
                    .find('\'')
                    .ok_or_else(|| "unterminated single quote".to_owned())?;
                word.push_str(&rest[..end]);
                rest = &rest[end + 1..];
                in_word = true;
            }
            '"' => {
                in_word = true;
                loop {
                    let Some(d) = rest.chars().next() else {
                        return Err("unterminated double quote".into());
                    };
                    rest = &rest[d.len_utf8()..];
                    match d {
                        '"' => break,
                        '\\' => match rest.chars().next() {
                            Some(e @ ('$' | '"' | '\\' | '`')) => {
                                word.push(e);
                                rest = &rest[1..];
                            }
                            _ => word.push('\\'),
                        },
                        '$' => {
                            let (value, used) = expand(rest, vars)?;
                            word.push_str(&value);
                            rest = &rest[used..];
                        }
                        '`' => return Err("command substitution with backquotes".into()),
                        other => word.push(other),
                    }
                }
            }
            '\\' => {
                let Some(e) = rest.chars().next() else {
                    return Err("a lone `\\` at the end of the command".into());
                };
                word.push(e);
                rest = &rest[e.len_utf8()..];
                in_word = true;
            }
            '$' => {
                let (value, used) = expand(rest, vars)?;
                if value
                    .chars()
                    .any(|v| v.is_whitespace() || "*?[".contains(v))
                {
                    return Err(format!(
                        "an unquoted variable whose value would be split or globbed: {value:?}"
                    ));
                }
                word.push_str(&value);
                rest = &rest[used..];
                in_word = true;
            }
            '|' => {
                if rest.starts_with('|') {
                    return Err("`||` is not supported".into());
                }
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                tokens.push(Token::Pipe);
            }
            ';' | '&' | '<' | '>' | '(' | ')' | '`' | '*' | '?' | '[' | ']' | '{' | '}' | '!' => {
                return Err(format!("unsupported shell syntax `{c}`"));
            }
            '#' | '~' if !in_word => {
                return Err(format!(
                    "unsupported shell syntax `{c}` at the start of a word"
                ));
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// The words of a simple `idjwt` command (no pipe), checked.
fn idjwt_argv(tokens: Vec<Token>) -> Result<Vec<String>, String> {
    let mut argv = Vec::with_capacity(tokens.len());
    for t in tokens {
        match t {
            Token::Word(w) => argv.push(w),
            Token::Pipe => return Err("a pipe is not supported here".into()),
        }
    }
    match argv.first().map(String::as_str) {
        Some("idjwt") => {}
        Some(other) => {
            return Err(format!(
                "only `idjwt` and `cargo xtask conformance` can be run, not `{other}`"
            ))
        }
        None => return Err("an empty command".into()),
    }
    for arg in &argv[1..] {
        let path_like = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
        if path_like.starts_with('/')
            || Path::new(path_like)
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(format!(
                "argument {arg:?}: no absolute or `..` paths (a transcript stays in its directory)"
            ));
        }
    }
    Ok(argv)
}

/// Interprets one command line of a transcript.
fn parse_command(command: &str, vars: &HashMap<String, String>) -> Result<Parsed, String> {
    let lead = name_len(command);
    if lead > 0 && command[lead..].starts_with('=') {
        let var = command[..lead].to_owned();
        let inner = command[lead + 1..]
            .strip_prefix("$(")
            .and_then(|r| r.strip_suffix(')'))
            .ok_or("the only assignment understood is `VAR=$(command)`, alone on its line")?;
        let argv = idjwt_argv(tokenize(inner, vars)?)?;
        return Ok(Parsed::Capture { var, argv });
    }
    let tokens = tokenize(command, vars)?;
    let mut segments: Vec<Vec<Token>> = vec![Vec::new()];
    for t in tokens {
        match t {
            Token::Pipe => segments.push(Vec::new()),
            word => segments.last_mut().expect("one segment").push(word),
        }
    }
    let first = segments.remove(0);
    let words: Vec<&str> = first
        .iter()
        .map(|t| match t {
            Token::Word(w) => w.as_str(),
            Token::Pipe => unreachable!(),
        })
        .collect();
    if words.first() == Some(&"cargo") {
        if words != ["cargo", "xtask", "conformance"] || !segments.is_empty() {
            return Err(
                "of cargo, only `cargo xtask conformance` (no options, no pipe) is understood"
                    .into(),
            );
        }
        return Ok(Parsed::Conformance);
    }
    let argv = idjwt_argv(first)?;
    let mut drop_prefixes = Vec::new();
    for segment in segments {
        let words: Vec<&str> = segment
            .iter()
            .map(|t| match t {
                Token::Word(w) => w.as_str(),
                Token::Pipe => unreachable!(),
            })
            .collect();
        let prefix = match words.as_slice() {
            ["grep", "-v", pattern] => pattern.strip_prefix('^').filter(|p| {
                !p.is_empty()
                    && !p.contains([
                        '.', '[', ']', '*', '+', '?', '(', ')', '{', '}', '|', '\\', '$', '^',
                    ])
            }),
            _ => None,
        };
        match prefix {
            Some(p) => drop_prefixes.push(p.to_owned()),
            None => {
                let got = words.join(" ");
                return Err(format!(
                    "after a pipe only `grep -v '^PREFIX'`, not `{got}`"
                ));
            }
        }
    }
    Ok(Parsed::Run {
        argv,
        drop_prefixes,
    })
}

// ---------------------------------------------------------------------------------------------
// Running

/// A transcript's working directory and variables; the directory is removed on drop.
struct Session {
    dir: PathBuf,
    vars: HashMap<String, String>,
}

impl Session {
    fn new() -> Session {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("idjwt-doc-transcript-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("remove a stale transcript directory");
        }
        std::fs::create_dir(&dir).expect("create the transcript directory");
        Session {
            dir,
            vars: HashMap::new(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Ran {
    stdout: String,
    stderr: String,
    status: String,
}

fn run_idjwt(argv: &[String], dir: &Path) -> Result<Ran, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_idjwt"));
    command
        .args(&argv[1..])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("IDJWT_") {
            command.env_remove(name);
        }
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run idjwt: {e}"))?;
    Ok(Ran {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        status: output.status.to_string(),
    })
}

/// The table report of the default conformance run, as `cargo xtask conformance` prints it.
fn conformance_table() -> &'static str {
    static TABLE: OnceLock<String> = OnceLock::new();
    TABLE.get_or_init(|| {
        use idjwt::suite::conformance::{conformance, Config};
        use idjwt::suite::report::{render, Format};
        let report = conformance(&Config::new(root().join("vectors")))
            .expect("the default conformance run starts");
        render(&report, Format::Table)
    })
}

/// Runs one step; returns the actual output lines and a note for the failure message.
fn run_step(step: &Step, session: &mut Session) -> Result<(Vec<String>, String), String> {
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    match parse_command(&step.command, &session.vars)? {
        Parsed::Conformance => Ok((
            lines(conformance_table()),
            "the table report of an in-process default run".into(),
        )),
        Parsed::Capture { var, argv } => {
            let ran = run_idjwt(&argv, &session.dir)?;
            session.vars.insert(var, ran.stdout.trim().to_owned());
            Ok((lines(&ran.stderr), ran.status))
        }
        Parsed::Run {
            argv,
            drop_prefixes,
        } => {
            let ran = run_idjwt(&argv, &session.dir)?;
            let mut out: Vec<String> = ran
                .stdout
                .lines()
                .filter(|l| !drop_prefixes.iter().any(|p| l.starts_with(p.as_str())))
                .map(str::to_owned)
                .collect();
            out.extend(lines(&ran.stderr));
            Ok((out, ran.status))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Matching

/// One line of an alignment of expected against actual output.
enum Diff<'a> {
    Same(&'a str),
    /// Expected but not produced.
    Missing(&'a str),
    /// Produced but not expected.
    Extra(&'a str),
    /// An expected line and the different line produced in its place.
    Changed(&'a str, &'a str),
    /// A `…` line standing for these many actual lines.
    Elided(usize),
}

/// The cheapest alignment: a missing, extra or changed line costs one, `…` absorbs any lines
/// for free. The output matches exactly when the alignment costs nothing.
fn align<'a>(expected: &'a [String], actual: &'a [String]) -> Vec<Diff<'a>> {
    let same = |i: usize, j: usize| expected[i].trim_end() == actual[j].trim_end();
    let (e, a) = (expected.len(), actual.len());
    // cost[i][j]: aligning expected[i..] with actual[j..].
    let mut cost = vec![vec![0usize; a + 1]; e + 1];
    for i in (0..=e).rev() {
        for j in (0..=a).rev() {
            cost[i][j] = if i == e {
                a - j
            } else if expected[i] == ELISION {
                let end = cost[i + 1][j];
                if j < a {
                    end.min(cost[i][j + 1])
                } else {
                    end
                }
            } else if j == a {
                cost[i + 1][j] + 1
            } else {
                let step = usize::from(!same(i, j));
                (cost[i + 1][j + 1] + step)
                    .min(cost[i + 1][j] + 1)
                    .min(cost[i][j + 1] + 1)
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < e || j < a {
        if i == e {
            out.push(Diff::Extra(&actual[j]));
            j += 1;
        } else if expected[i] == ELISION {
            // Absorb as many lines as an optimal alignment allows.
            let mut n = 0;
            while j < a && cost[i][j] == cost[i][j + 1] {
                n += 1;
                j += 1;
            }
            out.push(Diff::Elided(n));
            i += 1;
        } else if j == a {
            out.push(Diff::Missing(&expected[i]));
            i += 1;
        } else if same(i, j) && cost[i][j] == cost[i + 1][j + 1] {
            out.push(Diff::Same(&expected[i]));
            (i, j) = (i + 1, j + 1);
        } else if cost[i][j] == cost[i + 1][j + 1] + 1 {
            out.push(Diff::Changed(&expected[i], &actual[j]));
            (i, j) = (i + 1, j + 1);
        } else if cost[i][j] == cost[i + 1][j] + 1 {
            out.push(Diff::Missing(&expected[i]));
            i += 1;
        } else {
            out.push(Diff::Extra(&actual[j]));
            j += 1;
        }
    }
    out
}

/// `None` when `actual` matches `expected`, else a line diff.
fn compare(expected: &[String], actual: &[String]) -> Option<String> {
    let diff = align(expected, actual);
    if diff
        .iter()
        .all(|d| matches!(d, Diff::Same(_) | Diff::Elided(_)))
    {
        return None;
    }
    let mut text = String::new();
    for d in diff {
        let _ = match d {
            Diff::Same(l) => writeln!(text, "  {l}"),
            Diff::Missing(l) => writeln!(text, "- {l}"),
            Diff::Extra(l) => writeln!(text, "+ {l}"),
            Diff::Changed(want, got) => writeln!(text, "- {want}\n+ {got}"),
            Diff::Elided(n) => writeln!(text, "  {ELISION}  ({n} lines)"),
        };
    }
    Some(text)
}

// ---------------------------------------------------------------------------------------------
// The tests

/// Runs every transcript of a document; returns the number of blocks and of commands, and the
/// failures.
fn check_document(file: &str) -> (usize, usize, Vec<String>) {
    let text = std::fs::read_to_string(root().join(file))
        .unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
    let blocks = match transcript_blocks(file, &text) {
        Ok(b) => b,
        Err(problem) => return (0, 0, vec![problem]),
    };
    let mut failures = Vec::new();
    let mut session: Option<Session> = None;
    let mut commands = 0;
    for block in &blocks {
        if block.continued {
            if session.is_none() {
                failures.push(format!(
                    "{}:{}: a `continued` block with no transcript before it",
                    block.file, block.line
                ));
                continue;
            }
        } else {
            session = Some(Session::new());
        }
        let session = session.as_mut().expect("a session");
        for step in &block.steps {
            commands += 1;
            let at = format!("{}:{}: `$ {}`", block.file, step.line, step.command);
            match run_step(step, session) {
                Err(problem) => {
                    failures.push(format!("{at}\n  refused: {problem}"));
                    // The rest of the block depends on this command.
                    break;
                }
                Ok((actual, note)) => {
                    if let Some(diff) = compare(&step.expected, &actual) {
                        let block_line = block.line;
                        failures.push(format!(
                            "{at} (block at line {block_line}; {note})\n  \
                             the output differs (- expected, + actual):\n{diff}"
                        ));
                    }
                }
            }
        }
    }
    (blocks.len(), commands, failures)
}

#[test]
fn the_documented_transcripts_are_what_the_program_prints() {
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    let mut total_blocks = 0;
    for file in DOCUMENTS {
        let (blocks, commands, f) = check_document(file);
        total_blocks += blocks;
        counts.push(format!("{file}: {blocks} blocks, {commands} commands"));
        failures.extend(f);
    }
    eprintln!("checked {}", counts.join("; "));
    assert!(
        failures.is_empty(),
        "{} transcript problem(s); fix the documents to match the program:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    // A parser that found nothing would pass vacuously.
    assert!(
        total_blocks >= 4,
        "only {total_blocks} transcript blocks found"
    );
}

#[test]
fn the_matcher_and_the_shell_subset_are_strict() {
    let v = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(compare(&v(&["a", "…", "d"]), &v(&["a", "b", "c", "d"])).is_none());
    assert!(compare(&v(&["a", "…", "d"]), &v(&["a", "d"])).is_none());
    assert!(compare(&v(&["…"]), &v(&[])).is_none());
    assert!(compare(&v(&["a  "]), &v(&["a"])).is_none());
    let diff = compare(&v(&["a", "…", "x"]), &v(&["a", "b", "c"])).expect("differs");
    assert!(diff.contains("- x"), "{diff}");
    assert!(compare(&v(&["a", "b"]), &v(&["a", "c"])).is_some());
    assert!(compare(&v(&["a"]), &v(&["a", "b"])).is_some());

    let mut vars = HashMap::new();
    vars.insert("TOKEN".to_owned(), "t.o.k".to_owned());
    assert_eq!(
        parse_command(
            r#"idjwt verify --claim name="Jane Doe" 'a b' "$TOKEN" $TOKEN | grep -v '^  pass'"#,
            &vars
        ),
        Ok(Parsed::Run {
            argv: v(&[
                "idjwt",
                "verify",
                "--claim",
                "name=Jane Doe",
                "a b",
                "t.o.k",
                "t.o.k"
            ]),
            drop_prefixes: v(&["  pass"]),
        })
    );
    assert_eq!(
        parse_command("T=$(idjwt sign --user 'x)')", &vars),
        Ok(Parsed::Capture {
            var: "T".into(),
            argv: v(&["idjwt", "sign", "--user", "x)"]),
        })
    );
    for refused in [
        "idjwt verify > out",
        "idjwt verify; rm x",
        "idjwt verify && idjwt lint",
        "idjwt verify $(cat t)",
        "idjwt verify `cat t`",
        "idjwt verify *.jwt",
        "idjwt verify \"$UNSET\"",
        "idjwt verify | grep pass",
        "idjwt verify | grep -v 'a.b'",
        "idjwt verify | grep -v '^a.b'",
        "idjwt verify | head",
        "idjwt keygen --out /tmp/x",
        "idjwt keygen --out ../x",
        "X=1 idjwt verify",
        "X=$(idjwt a) idjwt b",
        "cat README.md",
        "cargo xtask conformance --all",
        "idjwt 'unterminated",
    ] {
        assert!(
            parse_command(refused, &vars).is_err(),
            "{refused:?} should be refused"
        );
    }
}
