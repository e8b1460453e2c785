//! `cargo xtask conformance`: every implementation × every vector × every provider, plus signer
//! conformance. Exit 0 when everything conforms, 1 when anything fails, 2 on usage or set-up
//! errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use idjwt::engine::keys::KeyMaterial;
use idjwt::suite::conformance::{conformance, left_out_summary, Config, Services};
use idjwt::suite::report::{render, summary, Format};

/// Run implementations against the golden vectors and every provider; --all adds the adapters.
///
/// Runs every built-in implementation against every golden vector and every provider, and
/// checks the tokens each implementation signs. The report leads with the findings: every
/// divergence class of vectors/exceptions/, worst impact first. Only unexpected results, panics,
/// hangs, crashes, cases not run and stale classes fail the run. With --all or --defaults, every
/// implementation also runs in defaults mode (given only the keys and the algorithm allow-list),
/// as rows of its own.
///
/// Exit status: 0 everything conforms, 1 something failed, 2 usage or set-up error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A built-in implementation (repeatable; default: all of them).
    #[arg(long = "impl", value_name = "NAME")]
    implementations: Vec<String>,
    /// An external program speaking protocol v1 (repeatable; with --adapter and no --impl, only
    /// the adapters run).
    #[arg(long = "adapter", value_name = "CMD")]
    adapters: Vec<String>,
    /// The adapters under adapters/ (installed on first use).
    #[arg(long)]
    external: bool,
    /// Every built-in implementation and every adapter under adapters/, each in both verify
    /// modes (implies --defaults).
    #[arg(long)]
    all: bool,
    /// Also run every implementation in defaults mode: only the keys and the algorithm
    /// allow-list, every other option at the library's default (one that does not declare the
    /// mode is reported as not run in it).
    #[arg(long)]
    defaults: bool,
    /// Only this provider's cases (a built-in profile id: `idjwt providers` lists them).
    #[arg(long, value_name = "P")]
    provider: Option<String>,
    /// Only case ids matching GLOB (e.g. 'zendesk::*' or '*exp*').
    #[arg(long, value_name = "GLOB", value_parser = glob)]
    filter: Option<globset::GlobMatcher>,
    /// The report's format: table, json, junit, markdown or html.
    #[arg(long, value_name = "F", default_value = "table")]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Per-request timeout (default 5).
    #[arg(long, value_name = "SECONDS", value_parser = seconds, allow_negative_numbers = true)]
    timeout: Option<Duration>,
    /// Time an implementation has to start and describe itself (default 30).
    #[arg(long, value_name = "SECONDS", value_parser = seconds, allow_negative_numbers = true)]
    describe_timeout: Option<Duration>,
    /// After N consecutive hangs or crashes of one implementation, report the rest of its cases
    /// as not run at once (default 3; 0: never give up).
    #[arg(long, value_name = "N", value_parser = whole, allow_negative_numbers = true)]
    give_up_after: Option<u32>,
    /// The vectors directory (default: vectors/ of this repository).
    #[arg(long, value_name = "DIR")]
    vectors: Option<PathBuf>,
    /// A running verification service to test (needs --provider and --key): each case's token,
    /// re-signed with --key, is POSTed to URL as JSON; 2xx naming the user is verified, 401/403
    /// rejected, anything else a crash.
    #[arg(long, value_name = "URL")]
    verifier_url: Option<String>,
    /// The verify request body, with {token} and {claimed_user} standing for those values as
    /// JSON (default: {"token": {token}, "claimed_user": {claimed_user}}).
    #[arg(long, value_name = "TEMPLATE", requires = "verifier_url")]
    body: Option<String>,
    /// A running signer endpoint to probe (needs --provider and --key): URL holds {user} where
    /// the user id goes, e.g. 'http://127.0.0.1:3000/generate-jwt/{user}'.
    #[arg(long, value_name = "URL")]
    signer_url: Option<String>,
    /// The JSON member of the signer's answer that holds the token (default: the body itself
    /// when it is a token, else the one member that is).
    #[arg(long, value_name = "NAME", requires = "signer_url")]
    token_member: Option<String>,
    /// The key the services use, as a JWK or PEM file (for ES256 the private key, to re-sign
    /// cases). Never printed.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The services' app id, where the provider takes one (Privy's aud, OneSignal's iss).
    #[arg(long, value_name = "ID")]
    app_id: Option<String>,
}

impl Args {
    /// The run's configuration, before --external and --all add the adapters.
    fn config(&self) -> Config {
        let vectors = self.vectors.clone();
        let mut config = Config::new(vectors.unwrap_or_else(|| crate::root().join("vectors")));
        config.implementations = self.implementations.clone();
        config.adapters = self.adapters.clone();
        config.options.provider = self.provider.clone();
        config.options.filter = self.filter.clone();
        config.options.defaults_mode = self.defaults || self.all;
        if let Some(t) = self.timeout {
            config.timeout = t;
        }
        if let Some(t) = self.describe_timeout {
            config.describe_timeout = t;
        }
        if let Some(n) = self.give_up_after {
            config.give_up_after = n;
        }
        config
    }
}

/// A glob over case ids.
fn glob(v: &str) -> Result<globset::GlobMatcher, String> {
    globset::Glob::new(v)
        .map(|g| g.compile_matcher())
        .map_err(|e| e.to_string())
}

/// A whole number (0 included).
fn whole(v: &str) -> Result<u32, String> {
    v.parse()
        .map_err(|_| "a whole number (0: never)".to_owned())
}

/// A positive, finite number of seconds (at most a day).
fn seconds(v: &str) -> Result<Duration, String> {
    let secs: f64 = v
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .ok_or("a positive number of seconds, at most 86400")?;
    Ok(Duration::from_secs_f64(secs))
}

/// The services under test, when a URL is given: the provider and key they need.
fn services(args: &Args) -> Result<Option<Services>, String> {
    if args.verifier_url.is_none() && args.signer_url.is_none() {
        return Ok(None);
    }
    let profile = args
        .provider
        .as_deref()
        .ok_or("--verifier-url and --signer-url need --provider")?;
    let profile = idjwt::profile::builtin(profile).map_err(|e| e.to_string())?;
    let path = args
        .key
        .as_deref()
        .ok_or("--verifier-url and --signer-url need --key FILE (the key the service uses)")?;
    let set = idjwt::cli::keyfile::load_key_file(path).map_err(|e| e.to_string())?;
    let alg = profile.signing_alg();
    let key = set
        .keys()
        .iter()
        .find(|k| k.fits(alg))
        .cloned()
        .ok_or_else(|| format!("{} holds no {alg} key", path.display()))?;
    // Cases are re-signed for a verification service: its key must sign.
    if args.verifier_url.is_some() && matches!(key.material, KeyMaterial::EcPublic(_)) {
        return Err(format!(
            "{} holds a public key; --verifier-url re-signs the cases and needs the private key",
            path.display()
        ));
    }
    Ok(Some(Services {
        profile: profile.id.clone(),
        key,
        app_id: args.app_id.clone(),
        verifier_url: args.verifier_url.clone(),
        body: args.body.clone(),
        signer_url: args.signer_url.clone(),
        token_member: args.token_member.clone(),
    }))
}

pub fn main(args: Args) -> ExitCode {
    let mut config = args.config();
    config.services = match services(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let external = args.external || args.all;
    if external {
        let adapters = match crate::adapters::ensure_installed(&crate::root()) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        if args.all && config.implementations.is_empty() {
            config.implementations = idjwt::impls::BUILTIN_NAMES
                .iter()
                .map(|s| s.to_string())
                .collect();
        }
        config
            .adapters
            .extend(adapters.iter().map(|a| a.command_line()));
    }
    let report = match conformance(&config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for line in left_out_summary(&report.left_out) {
        eprintln!("{line}");
    }
    // Before the report, so that the report's own closing line ends the output.
    eprintln!(
        "{} results in {} ms",
        report.results.len(),
        report.elapsed_ms
    );
    let text = render(&report, args.format);
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
            print!("{}", summary(&report));
            println!("report written to {}", path.display());
        }
        None => print!("{text}"),
    }
    if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conformance(line: &str) -> Result<Box<Args>, clap::Error> {
        task_args!(Conformance, &format!("conformance {line}"))
    }

    /// The message of the usage error `line` gives.
    fn problem(line: &str) -> String {
        let e = conformance(line).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{line}: {e}");
        e.to_string()
    }

    #[test]
    fn defaults() {
        let a = conformance("").unwrap();
        assert!(!a.external && !a.all);
        assert_eq!(a.format, Format::Table);
        assert_eq!(a.output, None);
        let config = a.config();
        let defaults = Config::new(crate::root().join("vectors"));
        assert_eq!(config.vectors_dir, defaults.vectors_dir);
        assert_eq!(config.timeout, defaults.timeout);
        assert_eq!(config.describe_timeout, defaults.describe_timeout);
        assert_eq!(config.give_up_after, defaults.give_up_after);
        assert!(config.implementations.is_empty() && config.adapters.is_empty());
        assert!(config.options.filter.is_none() && config.options.provider.is_none());
        assert!(!config.options.defaults_mode);
    }

    #[test]
    fn options_are_parsed() {
        let a = conformance(
            "--impl reference --impl=jsonwebtoken --adapter ./a --provider zendesk \
             --filter zendesk::* --format=junit --output out.xml --timeout 0.5 \
             --describe-timeout 60 --give-up-after 0 --vectors /tmp/v --external",
        )
        .unwrap();
        assert!(a.external && !a.all);
        assert_eq!(a.format, Format::Junit);
        assert_eq!(a.output, Some(PathBuf::from("out.xml")));
        let config = a.config();
        assert_eq!(config.implementations, ["reference", "jsonwebtoken"]);
        assert_eq!(config.adapters, ["./a"]);
        assert_eq!(config.options.provider.as_deref(), Some("zendesk"));
        let filter = config.options.filter.as_ref().unwrap();
        assert!(filter.is_match("zendesk::exp") && !filter.is_match("drift::exp"));
        assert_eq!(config.timeout, Duration::from_millis(500));
        assert_eq!(config.describe_timeout, Duration::from_secs(60));
        assert_eq!(config.give_up_after, 0);
        assert_eq!(config.vectors_dir, PathBuf::from("/tmp/v"));
        assert!(conformance("--all").unwrap().all);
        // --all runs both verify modes; --defaults adds defaults mode to any selection.
        assert!(conformance("--all").unwrap().config().options.defaults_mode);
        let defaults = conformance("--impl jsonwebtoken --defaults")
            .unwrap()
            .config();
        assert!(defaults.options.defaults_mode);
        assert_eq!(defaults.implementations, ["jsonwebtoken"]);
    }

    #[test]
    fn services_need_a_provider_and_a_key() {
        let none = conformance("--provider intercom").unwrap();
        assert!(services(&none).unwrap().is_none());
        let e = services(&conformance("--verifier-url http://127.0.0.1:1/v").unwrap()).unwrap_err();
        assert!(e.contains("need --provider"), "{e}");
        let e = services(
            &conformance("--signer-url http://127.0.0.1:1/{user} --provider onesignal").unwrap(),
        )
        .unwrap_err();
        assert!(e.contains("need --key FILE"), "{e}");
        problem("--body x");
        problem("--token-member jwt");
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for line in [
            "--timeout 0",
            "--timeout -1",
            "--timeout 86401",
            "--timeout inf",
        ] {
            assert!(problem(line).contains("a positive number of seconds, at most 86400"));
        }
        assert!(problem("--describe-timeout soon").contains("a positive number of seconds"));
        for line in ["--give-up-after 1.5", "--give-up-after -1"] {
            assert!(problem(line).contains("a whole number (0: never)"));
        }
        assert!(problem("--format xml").contains("table, json, junit, markdown, html"));
        assert!(problem("--filter [a").contains("--filter"));
        problem("--impl");
        problem("--verbose");
        problem("reference");
    }
}
