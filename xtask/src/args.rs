//! A small argument reader: `--flag value`, `--flag=value` and switches, nothing more.

/// The arguments not yet consumed.
pub struct Args {
    items: Vec<String>,
    pos: usize,
}

/// One parsed argument.
pub enum Arg {
    /// `--name` with its value, if it was written `--name=value`.
    Flag(String, Option<String>),
    /// Anything else.
    Positional(String),
}

impl Args {
    pub fn new(items: &[String]) -> Args {
        Args {
            items: items.to_vec(),
            pos: 0,
        }
    }

    /// The next argument.
    pub fn next_arg(&mut self) -> Option<Arg> {
        let item = self.items.get(self.pos)?.clone();
        self.pos += 1;
        Some(match item.strip_prefix("--") {
            Some(flag) => match flag.split_once('=') {
                Some((name, value)) => Arg::Flag(name.to_owned(), Some(value.to_owned())),
                None => Arg::Flag(flag.to_owned(), None),
            },
            None if item == "-h" => Arg::Flag("help".into(), None),
            None => Arg::Positional(item),
        })
    }

    /// The value of a flag: its `=value`, or the next argument.
    pub fn value(&mut self, flag: &str, inline: Option<String>) -> Result<String, String> {
        if let Some(v) = inline {
            return Ok(v);
        }
        let v = self
            .items
            .get(self.pos)
            .cloned()
            .ok_or_else(|| format!("--{flag} needs a value"))?;
        self.pos += 1;
        Ok(v)
    }
}

/// Parses the arguments of a task whose only option is `--check`: `Ok(check)`, or the exit
/// code after printing help (0) or usage (2).
pub fn check_only(argv: &[String], help: &str) -> Result<bool, std::process::ExitCode> {
    let mut check = false;
    let mut args = Args::new(argv);
    while let Some(arg) = args.next_arg() {
        let problem = match arg {
            Arg::Flag(f, None) if f == "check" => {
                check = true;
                continue;
            }
            Arg::Flag(f, _) if f == "help" => {
                println!("{help}");
                return Err(std::process::ExitCode::SUCCESS);
            }
            Arg::Flag(f, _) => format!("unknown option --{f}"),
            Arg::Positional(p) => format!("unexpected argument {p:?}"),
        };
        eprintln!("{problem}\n\n{help}");
        return Err(std::process::ExitCode::from(2));
    }
    Ok(check)
}

/// A task's parsed options, or the exit code once help (0) or the problem with the usage (2)
/// has been printed. `Ok(None)` from a parser means help was asked for.
pub fn options_or_exit<T>(
    parsed: Result<Option<T>, String>,
    help: &str,
) -> Result<T, std::process::ExitCode> {
    match parsed {
        Ok(Some(options)) => Ok(options),
        Ok(None) => {
            println!("{help}");
            Err(std::process::ExitCode::SUCCESS)
        }
        Err(problem) => {
            eprintln!("{problem}\n\n{help}");
            Err(std::process::ExitCode::from(2))
        }
    }
}
