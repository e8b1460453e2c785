//! `jsonwebtoken` on its aws-lc-rs backend over adapter protocol v1 (docs/adapter-protocol.md):
//! one JSON request per stdin line, one JSON response per stdout line; exits when stdin closes.
#![forbid(unsafe_code)]

use std::io::{self, BufRead, Write};

fn main() -> io::Result<()> {
    let implementation = idjwt::impls::jsonwebtoken::JsonWebToken;
    // Key sets are prepared once per distinct set of keys, as every in-process caller does.
    let keys = idjwt::contract::KeyCache::new();
    let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
    let mut buffer = Vec::new();
    while input.read_until(b'\n', &mut buffer)? > 0 {
        // Invalid UTF-8 gets an `ok:false` answer (the request does not parse), not an exit.
        let text = String::from_utf8_lossy(&buffer);
        let line = text.trim_end_matches(['\n', '\r']);
        let response = idjwt::contract::serve_line(&implementation, &keys, line);
        serde_json::to_writer(&mut output, &response)?;
        output.write_all(b"\n")?;
        output.flush()?;
        buffer.clear();
    }
    Ok(())
}
