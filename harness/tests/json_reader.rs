//! The single-pass JSON reader (`engine::json::parse_object`) against the two-pass oracle
//! (`parse_object_two_pass`): the same map, member order and number kinds included, or the same
//! refusal, on the header and payload of every committed vector and on generated texts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use idjwt::engine::compact;
use idjwt::engine::json::read_against_oracle;
use idjwt::suite::vectors;
use idjwt::verdict::{Part, Reason};

const LIMITS: [usize; 7] = [0, 1, 2, 10, 64, 127, 1000];

/// Asserts that both readers answer the same; what they answered (a reason code, `ok`, or
/// `number out of range`).
fn same_as_oracle(input: &[u8], part: Part, max_depth: usize) -> String {
    let single = read_against_oracle(input, part, max_depth).unwrap_or_else(|e| panic!("{e}"));
    match single {
        Ok(_) => "ok".to_owned(),
        Err(Reason::InvalidJson { problem, .. }) if problem == "number out of range" => problem,
        Err(reason) => reason.code().to_owned(),
    }
}

#[test]
fn every_vector_reads_the_same_in_one_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let cases = vectors::load(&dir).expect("the committed vectors load");
    let mut parts = 0;
    for case in &cases {
        let Some(token) = &case.token else { continue };
        // Tokens that do not split are decoded segment by segment anyway: their JSON is just as
        // much input for the reader.
        for (segment, part) in token.split('.').zip([Part::Header, Part::Payload]) {
            let Ok(bytes) = compact::decode_segment(segment, part) else {
                continue;
            };
            for limit in LIMITS {
                same_as_oracle(&bytes, part, limit);
            }
            parts += 1;
        }
    }
    assert!(
        parts >= 1_000,
        "only {parts} decodable headers and payloads"
    );
    println!(
        "{parts} headers and payloads of {} vectors, {} comparisons",
        cases.len(),
        parts * LIMITS.len()
    );
}

/// A small deterministic generator (xorshift64*), so that a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const SPACES: &[&str] = &["", "", "", " ", "\n", "\r\n", "\t", " \n "];
const NAMES: &[&str] = &[
    "alg",
    "typ",
    "kid",
    "sub",
    "exp",
    "a",
    "\\u0061",
    "a\\/b",
    "a/b",
    "",
    "\\ud83d\\ude00",
    "😀",
    "é",
    "\\u00e9",
    "x\\ny",
    "odd name",
    "1a",
];
const STRINGS: &[&str] = &[
    "",
    "HS256",
    "user-1",
    "https:\\/\\/example.com\\/",
    "\\\"quoted\\\"",
    "tab\\there",
    "é😀",
    "\\u00e9\\ud83d\\ude00",
    "\\u0000",
    "\u{7f}\u{85}",
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "7",
    "1700000000",
    "-42",
    "1.5",
    "-2.5e3",
    "1E+5",
    "1e-7",
    "0.1",
    "9999999999999999999",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "1000000005736967357431662590",
    "1.7976931348623157e308",
    "1e308",
    "1e309",
    "-1e400",
    "1e-400",
    "0e99999999999",
    "1e99999999999",
    "12345678901234567890.5e300",
];

/// A JSON-like text: mostly valid, with duplicates, numbers serde_json refuses and deep
/// nesting among the choices.
fn text(rng: &mut Rng, out: &mut String, depth: usize) {
    out.push_str(rng.pick(SPACES));
    // At depth 0 only scalars, so that the text ends.
    let choice = if depth == 0 {
        6 + rng.below(4)
    } else {
        rng.below(10)
    };
    match choice {
        0..=3 => {
            out.push('{');
            let members = rng.below(if depth > 3 { 4 } else { 7 });
            for i in 0..members {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(rng.pick(SPACES));
                out.push('"');
                out.push_str(rng.pick(NAMES));
                out.push('"');
                out.push_str(rng.pick(SPACES));
                out.push(':');
                text(rng, out, depth - 1);
            }
            out.push_str(rng.pick(SPACES));
            out.push('}');
        }
        4..=5 => {
            out.push('[');
            let items = rng.below(4);
            for i in 0..items {
                if i > 0 {
                    out.push(',');
                }
                text(rng, out, depth - 1);
            }
            out.push(']');
        }
        6 => {
            out.push('"');
            out.push_str(rng.pick(STRINGS));
            out.push('"');
        }
        7..=8 => out.push_str(rng.pick(NUMBERS)),
        _ => out.push_str(rng.pick(&["true", "false", "null"])),
    }
    out.push_str(rng.pick(SPACES));
}

#[test]
fn generated_texts_read_the_same_in_one_pass() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let bytes_to_try = b"{}[]\",:\\u0-+.eE \n\x00\x1f\xc3\xff'/tfn";
    let cases = 20_000;
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..cases {
        let mut json = String::from("{\"top\":");
        let depth = rng.below(6);
        text(&mut rng, &mut json, depth);
        json.push('}');
        let mut input = json.into_bytes();
        // Half the texts get one byte changed, inserted or removed.
        if rng.below(2) == 0 {
            let at = rng.below(input.len());
            let byte = rng.pick(bytes_to_try);
            match rng.below(3) {
                0 => input[at] = byte,
                1 => input.insert(at, byte),
                _ => {
                    input.remove(at);
                }
            }
        }
        let limit = rng.pick(&LIMITS);
        for limit in [limit, 64] {
            *answers
                .entry(same_as_oracle(&input, Part::Payload, limit))
                .or_default() += 1;
        }
    }
    println!(
        "{cases} generated texts, {} comparisons: {answers:?}",
        cases * 2
    );
    // The generator reaches every answer the readers must agree on.
    for answer in [
        "ok",
        "number out of range",
        "invalid_json",
        "duplicate_member",
        "json_too_deep",
        "lone_surrogate",
    ] {
        assert!(answers.contains_key(answer), "never {answer}: {answers:?}");
    }
}
