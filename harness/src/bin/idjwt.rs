//! `idjwt`: verify, explain, lint, sign and decode signed-identity JWTs; generate keys.
//! Everything is in the library's `cli` module; `idjwt --help` lists the subcommands.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(idjwt::cli::main())
}
