//! `cargo xtask`: project tasks (conformance, vectors, …), one module per task.

fn main() {
    eprintln!("usage: cargo xtask <task>");
    std::process::exit(2);
}
