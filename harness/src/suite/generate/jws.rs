//! `jws`: the compact serialization and its base64url (policy.md §1), for every provider.
//!
//! Almost every token here is a byte-level corruption of the provider's canonical token, so it
//! has no recipe: each must be refused before its claims (and so its time) are ever looked at.
//! The size-limit tokens are well formed and minted.

use super::draft::{Draft, NOW, P, TIMELESS};
use super::token::{b64, parts, sig_bytes, Tok};
use crate::suite::case::{Case, VectorFile};

const NS: &str = "jws";

const COMPACT: &str = "RFC 7515 §7.1 and policy.md §1.1 (three segments, two dots, none of them \
empty)";
const JSON_SER: &str = "policy.md §1.1 (the compact serialization only: the JSON serialization \
and five-segment JWE are refused); RFC 7515 §7.2; CVE-2022-39227";
const BASE64: &str = "RFC 7515 §2 and policy.md §1.2, §1.3 and §1.4 (the base64url alphabet \
without padding, no whitespace, no length of 1 mod 4, zero unused trailing bits)";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        structure(&p, &mut cases);
        encoding(&p, &mut cases);
    }
    for p in P::all() {
        size_limit(&p, &mut cases);
    }
    cases.push(megabyte_token());
    super::draft::file(
        NS,
        "Compact serialization and base64url: segment counts, empty segments, JSON \
         serialization, whitespace, alphabet, padding, canonical bits, lengths, size limit.",
        cases,
    )
}

fn push(out: &mut Vec<Case>, draft: Draft, token: String, reason: &str) {
    out.push(draft.raw(token).rejected(reason));
}

#[rustfmt::skip]
fn structure(p: &P, out: &mut Vec<Case>) {
    let token = p.tok().at(TIMELESS);
    let (h, pl, s) = parts(&token);
    let c = |name: &str, description: &str, basis: &str| p.case(NS, name, description, basis);

    let rows: Vec<(&str, &str, &str, String, &str)> = vec![
        ("two-segments", "The canonical token without its signature segment: two segments.", COMPACT, format!("{h}.{pl}"), "segment_count"),
        ("four-segments", "The canonical token with a fourth segment (its signature repeated).", COMPACT, format!("{token}.{s}"), "segment_count"),
        ("trailing-dot", "The canonical token followed by a dot: four segments, the last empty.", COMPACT, format!("{token}."), "segment_count"),
        ("leading-dot", "The canonical token preceded by a dot: four segments, the first empty.", COMPACT, format!(".{token}"), "segment_count"),
        ("one-segment", "The canonical header segment alone.", COMPACT, h.clone(), "segment_count"),
        ("empty-token", "An empty string presented as the token.", COMPACT, String::new(), "segment_count"),
        ("empty-header", "The canonical token with an empty header segment.", COMPACT, format!(".{pl}.{s}"), "empty_segment"),
        ("empty-payload", "The canonical token with an empty payload segment.", COMPACT, format!("{h}..{s}"), "empty_segment"),
        ("empty-signature", "The canonical token with an empty signature segment.", COMPACT, format!("{h}.{pl}."), "empty_segment"),
        ("only-dots", "Two dots: three segments, all empty.", COMPACT, "..".to_owned(), "empty_segment"),
    ];
    for (name, description, basis, t, reason) in rows {
        push(out, c(name, description, basis), t, reason);
    }

    // A JWE compact serialization has five segments (RFC 7516 §7.1); its payload is the
    // canonical payload segment standing in for a ciphertext.
    let jwe_header = b64(br#"{"alg":"dir","enc":"A256GCM"}"#);
    let iv = b64(&[7u8; 12]);
    let tag = b64(&[9u8; 16]);
    push(
        out,
        c(
            "five-segments-jwe",
            "A JWE-shaped token with five segments (empty encrypted key, IV, ciphertext, tag).",
            JSON_SER,
        ),
        format!("{jwe_header}..{iv}.{pl}.{tag}"),
        "segment_count",
    );
    push(
        out,
        c(
            "json-serialization-flattened",
            "The canonical token's segments in the flattened JWS JSON serialization.",
            JSON_SER,
        ),
        format!(r#"{{"payload":"{pl}","protected":"{h}","signature":"{s}"}}"#),
        "segment_count",
    );
    push(
        out,
        c(
            "json-serialization-general",
            "The canonical token's segments in the general JWS JSON serialization.",
            JSON_SER,
        ),
        format!(r#"{{"payload":"{pl}","signatures":[{{"protected":"{h}","signature":"{s}"}}]}}"#),
        "segment_count",
    );
    // CVE-2022-39227 (python-jwt): a JSON document whose first member name holds `h.p.` so
    // that a dot-splitting parser sees three segments while a JSON parser sees other segments.
    push(
        out,
        c("json-compact-polyglot", "A JSON/compact polyglot: a JSON document whose dots split it into three segments (CVE-2022-39227).", JSON_SER),
        format!(r#"{{"  {h}.{pl}.":"","protected":"{h}","payload":"{pl}","signature":"{s}"}}"#),
        "invalid_base64",
    );
    push(
        out,
        c(
            "non-ascii-in-payload",
            "The canonical token with a non-ASCII character inside the payload segment.",
            BASE64,
        ),
        insert(&token, h.len() + 1 + pl.len() / 2, "é"),
        "invalid_base64",
    );
}

/// `token` with `text` inserted at byte `at`.
fn insert(token: &str, at: usize, text: &str) -> String {
    format!("{}{text}{}", &token[..at], &token[at..])
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encoding(p: &P, out: &mut Vec<Case>) {
    // The standard-alphabet case needs a token that spells a `-` or `_`: take the first time
    // from TIMELESS on whose token does (deterministic, and a few seconds at most).
    let token = (TIMELESS..)
        .map(|t| p.tok().at(t))
        .find(|t| t.contains(['-', '_']))
        .expect("some second gives a token with - or _");
    let (h, pl, s) = parts(&token);
    let c = |name: &str, description: &str| p.case(NS, name, description, BASE64);
    let payload_at = h.len() + 1;
    let mid = payload_at + pl.len() / 2;

    let rows: Vec<(&str, &str, String)> = vec![
        ("leading-space", "The canonical token preceded by a space.", format!(" {token}")),
        ("trailing-newline", "The canonical token followed by a newline.", format!("{token}\n")),
        ("trailing-crlf", "The canonical token followed by CR LF.", format!("{token}\r\n")),
        ("space-in-payload", "The canonical token with a space inside the payload segment.", insert(&token, mid, " ")),
        ("newline-after-dot", "The canonical token with a newline after the first dot.", insert(&token, payload_at, "\n")),
        ("line-wrapped-payload", "The canonical token with CR LF inside the payload segment, as MIME line wrapping does.", insert(&token, mid, "\r\n")),
        ("tab-in-signature", "The canonical token with a tab inside the signature segment.", insert(&token, token.len() - 4, "\t")),
        ("asterisk-in-payload", "The canonical token with one payload character replaced by `*`, outside the alphabet.", replace_at(&token, mid, '*')),
        ("percent-encoded-in-header", "The canonical token with a `%3D` (URL-encoded `=`) appended to the header segment.", format!("{h}%3D.{pl}.{s}")),
        ("padded-signature", "The canonical token with `=` padding on the signature segment.", format!("{h}.{pl}.{}", pad(&s))),
        ("padded-payload", "The canonical token with `=` padding (or a lone `=`) on the payload segment.", format!("{h}.{}.{s}", pad_or_one(&pl))),
        ("standard-alphabet", "The canonical token with `-` and `_` written as standard base64 `+` and `/`.", standard_alphabet(&token)),
        ("non-canonical-trailing-bits", "The canonical token whose signature's last character sets an unused trailing bit.", format!("{h}.{pl}.{}", non_canonical(&s))),
        ("impossible-length", "The canonical token whose signature segment has a length of 1 modulo 4.", format!("{h}.{pl}.{}", mod4_is_1(&s))),
        ("signature-trailing-non-alphabet", "The canonical token with `!` appended to its signature segment: a decoder that skips characters outside the alphabet still finds the right signature.", format!("{token}!")),
        ("signature-trailing-non-alphabet-run", "The canonical token with `~!$&*` appended to its signature segment.", format!("{token}~!$&*")),
    ];
    for (name, description, t) in rows {
        push(out, c(name, description), t, "invalid_base64");
    }
}

fn replace_at(token: &str, at: usize, c: char) -> String {
    let mut bytes: Vec<char> = token.chars().collect();
    bytes[at] = c;
    bytes.into_iter().collect()
}

/// `=` padding up to a multiple of 4 (the segment must need some).
fn pad(segment: &str) -> String {
    let n = (4 - segment.len() % 4) % 4;
    assert!(n > 0, "segment needs padding");
    format!("{segment}{}", "=".repeat(n))
}

fn pad_or_one(segment: &str) -> String {
    match segment.len() % 4 {
        0 => format!("{segment}="),
        _ => pad(segment),
    }
}

/// The whole token in the standard alphabet (`+` `/`); asserts that something changed.
fn standard_alphabet(token: &str) -> String {
    let t = token.replace('-', "+").replace('_', "/");
    assert_ne!(t, token, "the canonical token has a '-' or '_'");
    t
}

/// The segment with its last character's lowest (unused) bit set: same bytes, other spelling.
fn non_canonical(segment: &str) -> String {
    assert_ne!(
        segment.len() % 4,
        0,
        "the last character must carry unused bits"
    );
    let last = *segment.as_bytes().last().expect("non-empty");
    let index = ALPHABET.iter().position(|&c| c == last).expect("base64url");
    let mut out = segment[..segment.len() - 1].to_owned();
    out.push(char::from(ALPHABET[index | 1]));
    out
}

/// The segment lengthened with `A`s to a length of 1 modulo 4.
fn mod4_is_1(segment: &str) -> String {
    let mut out = segment.to_owned();
    while out.len() % 4 != 1 {
        out.push('A');
    }
    out
}

/// The default size limit (policy.md §1: 16 KiB).
const LIMIT: usize = 16 * 1024;

/// The unpadded base64url length of `n` bytes.
fn b64_len(n: usize) -> usize {
    (4 * n).div_ceil(3)
}

/// The canonical token grown by a `pad` claim to exactly `target` bytes, or (when `exact` is
/// false) to the shortest length reachable at or above it.
///
/// An unpadded base64url segment is never 1 modulo 4 characters long, so some totals need the
/// header one or two bytes longer: insignificant spaces after its `{` do that.
fn sized(p: &P, target: usize, exact: bool) -> Tok {
    let sig = b64_len(sig_bytes(&p.tok().at(NOW)).len());
    for spaces in 0..3 {
        let header = p
            .tok()
            .header_string()
            .replacen('{', &format!("{{{}", " ".repeat(spaces)), 1);
        let tok = p.tok().header_text(header.clone());
        let base = tok.clone().claim_str("pad", "").payload_at(NOW).len();
        for k in 0..target {
            let len = b64_len(header.len()) + b64_len(base + k) + sig + 2;
            if len == target || (!exact && len > target) {
                return tok.claim_str("pad", &"x".repeat(k));
            }
            if len > target {
                break;
            }
        }
    }
    panic!("no token of {target} bytes for {}", p.id)
}

/// Tokens at the size limit (accepted: only tokens *above* it are refused) and just above it.
/// The `exp` placeholder keeps ten digits until 2286, so re-minting keeps the length.
#[rustfmt::skip]
fn size_limit(p: &P, out: &mut Vec<Case>) {
    const BASIS: &str = "policy.md §1.5 (tokens above the size limit, 16 KiB by default, are \
                         refused before decoding)";
    let at = sized(p, LIMIT, true);
    assert_eq!(at.at(NOW).len(), LIMIT, "{}", p.id);
    out.push(p.case(NS, "size-at-limit", "The canonical token padded by an extra claim to exactly 16,384 bytes, the default limit.", BASIS).features(&["size-limit"]).tok(at).verified());
    let over = sized(p, LIMIT + 1, false);
    let len = over.at(NOW).len();
    assert!((LIMIT + 1..=LIMIT + 3).contains(&len), "{}: {len}", p.id);
    out.push(p.case(NS, "size-over-limit", &format!("The canonical token padded by an extra claim to {len} bytes, just above the default 16,384-byte limit."), BASIS).features(&["size-limit", "dos"]).tok(over).rejected("token_too_large"));
}

/// A 1 MiB token: refused by the size limit before any decoding (policy.md §1). Larger inputs
/// (10 MB and more) belong to the property tests and fuzzers, not to committed data.
fn megabyte_token() -> Case {
    let p = P::get("drift");
    let token = p.tok().at(TIMELESS);
    let (h, _, s) = parts(&token);
    let size = 1024 * 1024;
    // Base64url characters only, so that nothing but the size is wrong early on.
    let filler = "A".repeat(size - h.len() - s.len() - 2);
    p.case(
        NS,
        "megabyte-token",
        "A 1 MiB token whose payload segment is almost 1 MiB of base64url characters.",
        "policy.md §1.5 (tokens above the size limit are refused before decoding); taxonomy.md \
         §7.1 (very large tokens)",
    )
    .features(&["dos"])
    .raw(format!("{h}.{filler}.{s}"))
    .rejected("token_too_large")
}
