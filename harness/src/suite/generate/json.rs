//! `json`: strict JSON for the header and the claims set (policy.md §2), for every provider.
//!
//! Texts that are valid UTF-8 are minted from recipes (the header and payload texts are exact);
//! texts that are not (invalid UTF-8, UTF-16, UTF-32) cannot be a recipe's string and are built
//! byte by byte, validly signed, so the signature is never the reason they fail.

use super::draft::{Draft, Want, P, TIMELESS, USER};
use super::token::{nested_arrays, sign_bytes, Tok};
use crate::contract::checks;
use crate::suite::case::{Case, VectorFile};

const NS: &str = "json";

const OBJECT: &str = "RFC 7515 §4 / RFC 7519 §7.2 and policy.md §2.1 (the header and the claims \
set are JSON objects, never an array, string, number or null)";
const POSITIONAL: &str = "RFC 7515 §4 and policy.md §2.1 (the header is a JSON object); serde's \
derived struct deserializer also reads a JSON array in field order, and jwt-simple 0.15 reads its \
header that way (alg, cty, kid, typ, …), so a validly signed array header verifies there";
const STRICT: &str = "RFC 8259 and policy.md §2.2 (no byte-order mark) and §2.3 (strict syntax: \
nothing after the closing brace, no comments, single quotes or trailing commas)";
const ENCODING: &str = "RFC 8259 §8.1 and policy.md §2.2 (UTF-8 text only)";
const DUPLICATES: &str = "RFC 7515 §5.2, RFC 7519 §4 and policy.md §2.4 (duplicate member names \
are refused at any depth)";
const SURROGATES: &str =
    "RFC 8259 §8.2 and policy.md §2.5 (a `\\u` escape leaving a lone surrogate is refused)";
const DEPTH: &str =
    "policy.md §2.6 (depth 10 is accepted, depth 10,000 refused cleanly, without a \
stack overflow); docs/decisions.md: the limit is 64 levels";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        header(&p, &mut cases);
        payload(&p, &mut cases);
    }
    cases.push(megabyte_header());
    super::draft::file(
        NS,
        "Strict JSON in the header and the claims set: objects only, UTF-8, no trailing bytes, \
         comments or JSON5 forms, duplicate names at any depth, lone surrogates, nesting depth.",
        cases,
    )
}

/// `text` without its closing brace, for appending members.
fn open(text: &str) -> &str {
    text.strip_suffix('}').expect("an object text")
}

/// `text` with a space after `{`, around every `:` and `,` outside strings, and before `}`.
fn spaced(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for ch in text.chars() {
        if in_string {
            out.push(ch);
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => {
                in_string = true;
                out.push(ch);
            }
            '{' => out.push_str("{ "),
            '}' => out.push_str(" }"),
            ':' => out.push_str(" : "),
            ',' => out.push_str(" ,\n "),
            other => out.push(other),
        }
    }
    out
}

/// The first character of a member name written as a `\u` escape: the same name, spelled
/// differently (a differential between parsers that compare raw and decoded names).
fn escaped_name(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().expect("non-empty name");
    format!("\"\\u{:04x}{}\"", first as u32, chars.as_str())
}

#[rustfmt::skip]
fn header(p: &P, out: &mut Vec<Case>) {
    let canonical = p.tok();
    let hc = canonical.header_string();
    let inner = open(&hc).to_owned();
    let alg = p.alg().as_str();
    let kid_text = super::token::quote(&p.key(1).kid.expect("test keys have a kid"));
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };

    let rows: Vec<(&str, &str, &str, String, Want)> = vec![
        ("header-array", "A header that is a JSON array of the alg member's name and value.", OBJECT, format!(r#"["alg","{alg}"]"#), Want::Rejected("not_an_object")),
        ("header-positional-alg", "A header that is a JSON array holding only the algorithm, as a struct's first field.", POSITIONAL, format!(r#"["{alg}"]"#), Want::Rejected("not_an_object")),
        ("header-positional-alg-cty", "A header that is a JSON array of the algorithm and \"JWT\".", POSITIONAL, format!(r#"["{alg}","JWT"]"#), Want::Rejected("not_an_object")),
        ("header-positional-full", "A header that is a JSON array of alg, cty, kid and typ in a struct's field order, naming the configured key.", POSITIONAL, format!(r#"["{alg}",null,{kid_text},"JWT"]"#), Want::Rejected("not_an_object")),
        ("header-string", "A header that is a JSON string.", OBJECT, format!(r#""{alg}""#), Want::Rejected("not_an_object")),
        ("header-number", "A header that is a JSON number.", OBJECT, "256".into(), Want::Rejected("not_an_object")),
        ("header-null", "A header that is JSON null.", OBJECT, "null".into(), Want::Rejected("not_an_object")),
        ("header-true", "A header that is the JSON literal true.", OBJECT, "true".into(), Want::Rejected("not_an_object")),
        ("header-bom", "The canonical header preceded by a UTF-8 byte-order mark.", STRICT, format!("\u{feff}{hc}"), Want::Rejected("invalid_json")),
        ("header-trailing-bytes", "The canonical header followed by a stray character.", STRICT, format!("{hc}x"), Want::Rejected("invalid_json")),
        ("header-two-objects", "The canonical header followed by a second object.", STRICT, format!("{hc}{{}}"), Want::Rejected("invalid_json")),
        ("header-block-comment", "The canonical header with a /* */ comment before its closing brace.", STRICT, format!("{inner}/*c*/}}"), Want::Rejected("invalid_json")),
        ("header-line-comment", "The canonical header with a // comment before its closing brace.", STRICT, format!("{inner}//c\n}}"), Want::Rejected("invalid_json")),
        ("header-single-quotes", "The canonical header written with single quotes (JSON5).", STRICT, hc.replace('"', "'"), Want::Rejected("invalid_json")),
        ("header-trailing-comma", "The canonical header with a trailing comma.", STRICT, format!("{inner},}}"), Want::Rejected("invalid_json")),
        ("header-unquoted-name", "The canonical header with the alg member name unquoted (JSON5).", STRICT, hc.replacen("\"alg\"", "alg", 1), Want::Rejected("invalid_json")),
        ("header-leading-zero", "The canonical header with an extra member whose number has a leading zero.", STRICT, format!(r#"{inner},"x":01}}"#), Want::Rejected("invalid_json")),
        ("header-nan", "The canonical header with an extra member whose value is NaN.", STRICT, format!(r#"{inner},"x":NaN}}"#), Want::Rejected("invalid_json")),
        ("header-hex-number", "The canonical header with an extra member whose value is the hexadecimal number 0x10 (JSON5).", STRICT, format!(r#"{inner},"x":0x10}}"#), Want::Rejected("invalid_json")),
        ("header-unescaped-tab", "The canonical header with an extra string member holding a raw tab character.", STRICT, format!("{inner},\"x\":\"a\tb\"}}"), Want::Rejected("invalid_json")),
        ("header-inner-whitespace", "The canonical header with insignificant whitespace inside the object, as the Zendesk seed's example header has.", "RFC 8259 §2: insignificant whitespace is allowed before or after any structural character", spaced(&hc), Want::Verified),
        ("header-duplicate-alg-first", "A header whose first alg member is none and whose second is the profile's algorithm.", DUPLICATES, format!(r#"{{"alg":"none",{}"#, &hc[1..]), Want::Rejected("duplicate_member")),
        ("header-duplicate-alg-last", "A header whose first alg member is the profile's algorithm and whose last is none.", DUPLICATES, format!(r#"{inner},"alg":"none"}}"#), Want::Rejected("duplicate_member")),
        ("header-duplicate-escaped-alg", "A header with alg twice, the second name spelled with a \\u escape.", DUPLICATES, format!(r#"{inner},"\u0061lg":"none"}}"#), Want::Rejected("duplicate_member")),
        ("header-escaped-alg-name", "The canonical header with the alg member's name spelled with a \\u escape (and no other alg).", "RFC 8259 §7: names are compared after unescaping; the escaped name is alg", hc.replacen("\"alg\"", "\"\\u0061lg\"", 1), Want::Verified),
        ("header-duplicate-nested", "The canonical header with an extra object member that has a duplicate name inside.", DUPLICATES, format!(r#"{inner},"x":{{"a":1,"a":2}}}}"#), Want::Rejected("duplicate_member")),
        ("header-lone-high-surrogate", "The canonical header with an extra member holding a lone high surrogate escape.", SURROGATES, format!(r#"{inner},"x":"\ud800"}}"#), Want::Rejected("lone_surrogate")),
        ("header-surrogate-pair", "The canonical header with an extra member holding a valid surrogate pair escape (an emoji).", SURROGATES, format!(r#"{inner},"x":"\ud83d\ude00"}}"#), Want::Verified),
        ("header-depth-65", "The canonical header with an extra member nesting 64 arrays: 65 levels with the header object.", DEPTH, format!(r#"{inner},"x":{}}}"#, nested_arrays(64)), Want::Either),
    ];
    for (name, description, basis, text, want) in rows {
        let d = c(name, description, basis).tok(canonical.clone().header_text(text));
        out.push(tagged(name, d).want(want));
    }

    // A duplicated kid: the first names the configured key, the last another.
    let kid = p.key(1).kid.expect("test keys have a kid");
    let dup_kid = if p.kid_required() {
        format!(r#"{inner},"kid":"attacker-1"}}"#)
    } else {
        format!(r#"{inner},"kid":"{kid}","kid":"attacker-1"}}"#)
    };
    out.push(c("header-duplicate-kid", "A header with kid twice: first the configured key's id, then another.", DUPLICATES).checks(&[checks::DUPLICATE_MEMBERS, checks::KID]).features(&["differential"]).tok(canonical.clone().header_text(dup_kid)).rejected("duplicate_member"));

    // Not UTF-8 at all: built byte by byte.
    let payload = canonical.payload_at(TIMELESS);
    let key = p.key(1);
    let hb = hc.as_bytes();
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(hb.iter().flat_map(|&b| [b, 0]))
        .collect();
    let utf16be: Vec<u8> = hb.iter().flat_map(|&b| [0, b]).collect();
    let utf32le: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(hb.iter().flat_map(|&b| [b, 0, 0, 0]))
        .collect();
    let bad_byte = |bytes: &[u8]| -> Vec<u8> {
        let mut v = format!(r#"{inner},"x":""#).into_bytes();
        v.extend_from_slice(bytes);
        v.extend_from_slice(br#""}"#);
        v
    };
    let rows: Vec<(&str, &str, Vec<u8>)> = vec![
        ("header-utf16le-bom", "The canonical header encoded as UTF-16LE with a byte-order mark.", utf16le),
        ("header-utf16be", "The canonical header encoded as UTF-16BE without a byte-order mark.", utf16be),
        ("header-utf32le-bom", "The canonical header encoded as UTF-32LE with a byte-order mark.", utf32le),
        ("header-invalid-utf8", "The canonical header with an extra string member holding the byte 0xFF.", bad_byte(&[0xFF])),
        ("header-overlong-utf8", "The canonical header with an extra string member holding the overlong encoding C0 AF of '/'.", bad_byte(&[0xC0, 0xAF])),
        ("header-truncated-utf8", "The canonical header with an extra string member holding a truncated three-byte sequence.", bad_byte(&[0xE2, 0x82])),
    ];
    for (name, description, bytes) in rows {
        out.push(c(name, description, ENCODING).raw(sign_bytes(&key, &bytes, payload.as_bytes())).rejected("invalid_json"));
    }
}

#[rustfmt::skip]
fn payload(p: &P, out: &mut Vec<Case>) {
    let canonical = p.tok();
    let pc = canonical.payload_string();
    let inner = open(&pc).to_owned();
    let uid = p.uid_claim();
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };
    let exp = |raw: &str| canonical.clone().claim("exp", raw);
    let text = |t: String| canonical.clone().payload_text(t);

    let rows: Vec<(&str, &str, &str, Tok, Want)> = vec![
        ("payload-bom", "The canonical claims preceded by a UTF-8 byte-order mark.", STRICT, text(format!("\u{feff}{pc}")), Want::Rejected("invalid_json")),
        ("payload-trailing-bytes", "The canonical claims followed by a stray character.", STRICT, text(format!("{pc}x")), Want::Rejected("invalid_json")),
        ("payload-two-objects", "The canonical claims followed by a second claims object naming another user.", STRICT, text(format!(r#"{pc}{{"{uid}":"attacker"}}"#)), Want::Rejected("invalid_json")),
        ("payload-block-comment", "The canonical claims with a /* */ comment before the closing brace.", STRICT, text(format!("{inner}/*c*/}}")), Want::Rejected("invalid_json")),
        ("payload-single-quotes", "The canonical claims written with single quotes (JSON5).", STRICT, text(pc.replace('"', "'")), Want::Rejected("invalid_json")),
        ("payload-trailing-comma", "The canonical claims with a trailing comma.", STRICT, text(format!("{inner},}}")), Want::Rejected("invalid_json")),
        ("payload-whitespace-only", "A payload of a single space: no JSON value at all.", STRICT, text(" ".into()), Want::Rejected("invalid_json")),
        ("payload-leading-zero-exp", "The canonical claims with exp written with a leading zero.", STRICT, exp("0${now+3600}"), Want::Rejected("invalid_json")),
        ("payload-plus-sign-exp", "The canonical claims with exp written with a leading plus sign.", STRICT, exp("+${now+3600}"), Want::Rejected("invalid_json")),
        ("payload-trailing-dot-exp", "The canonical claims with exp written with a decimal point and no fraction digits.", STRICT, exp("${now+3600}."), Want::Rejected("invalid_json")),
        ("payload-infinity-exp", "The canonical claims with exp written as Infinity.", STRICT, exp("Infinity"), Want::Rejected("invalid_json")),
        ("payload-nan-exp", "The canonical claims with exp written as NaN.", STRICT, exp("NaN"), Want::Rejected("invalid_json")),
        ("payload-hex-exp", "The canonical claims with exp written in hexadecimal (JSON5).", STRICT, exp("0x7FFFFFFF"), Want::Rejected("invalid_json")),
        ("payload-duplicate-nested", "The canonical claims with an extra object claim that has a duplicate member name inside.", DUPLICATES, canonical.clone().claim("x", r#"{"a":1,"a":2}"#), Want::Rejected("duplicate_member")),
        ("payload-duplicate-escaped-user", "The canonical claims followed by the user id claim again, its name spelled with a \\u escape.", DUPLICATES, canonical.clone().pay(|o| o.push_raw(escaped_name(uid), attacker_value(p))), Want::Rejected("duplicate_member")),
        ("payload-lone-high-surrogate", "The canonical claims with an extra claim holding a lone high surrogate escape.", SURROGATES, canonical.clone().claim("note", r#""\ud800""#), Want::Rejected("lone_surrogate")),
        ("payload-lone-low-surrogate", "The canonical claims with an extra claim holding a lone low surrogate escape.", SURROGATES, canonical.clone().claim("note", r#""x\udc00""#), Want::Rejected("lone_surrogate")),
        ("payload-reversed-surrogates", "The canonical claims with an extra claim holding a low surrogate escape followed by a high one.", SURROGATES, canonical.clone().claim("note", r#""\udc00\ud800""#), Want::Rejected("lone_surrogate")),
        ("payload-surrogate-pair", "The canonical claims with an extra claim holding a valid surrogate pair escape (an emoji).", SURROGATES, canonical.clone().claim("note", r#""\ud83d\ude00""#), Want::Verified),
        ("payload-escaped-unique-name", "The canonical claims with an extra claim whose (unique) name is spelled with a \\u escape.", "RFC 8259 §7: names are compared after unescaping; a unique escaped name is an ordinary member", canonical.clone().pay(|o| o.push_raw(escaped_name("xtra"), r#""v""#)), Want::Verified),
        ("payload-escaped-user-id", "The canonical claims with the user id's first character written as a \\u escape.", "RFC 8259 §7: an escaped character is the same character; the user id is the decoded string", escaped_user(p), Want::Verified),
        ("payload-depth-10", "The canonical claims with an extra claim nesting 9 arrays: 10 levels with the claims object.", DEPTH, canonical.clone().claim("nested", nested_arrays(9)), Want::Verified),
        ("payload-depth-65", "The canonical claims with an extra claim nesting 64 arrays: 65 levels with the claims object.", DEPTH, canonical.clone().claim("nested", nested_arrays(64)), Want::Either),
        ("payload-depth-10000", "The canonical claims with an extra claim nesting 9,999 arrays: 10,000 levels, past the size limit.", "policy.md §2.6 (depth 10,000 is refused cleanly); policy.md §1.5: the 16 KiB size limit comes first", canonical.clone().claim("nested", nested_arrays(9_999)), Want::Rejected("token_too_large")),
    ];
    for (name, description, basis, tok, want) in rows {
        out.push(tagged(name, c(name, description, basis).tok(tok)).want(want));
    }

    let header = canonical.header_string();
    let key = p.key(1);
    let pb = canonical.payload_at(TIMELESS).into_bytes();
    let invalid: Vec<u8> = {
        let mut v = open(&canonical.payload_at(TIMELESS)).as_bytes().to_vec();
        v.extend_from_slice(b",\"note\":\"\xFF\"}");
        v
    };
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(pb.iter().flat_map(|&b| [b, 0]))
        .collect();
    let utf16be: Vec<u8> = pb.iter().flat_map(|&b| [0, b]).collect();
    let rows: Vec<(&str, &str, Vec<u8>)> = vec![
        ("payload-invalid-utf8", "The canonical claims with an extra string claim holding the byte 0xFF.", invalid),
        ("payload-utf16le-bom", "The canonical claims encoded as UTF-16LE with a byte-order mark.", utf16le),
        ("payload-utf16be", "The canonical claims encoded as UTF-16BE without a byte-order mark.", utf16be),
    ];
    for (name, description, bytes) in rows {
        out.push(c(name, description, ENCODING).raw(sign_bytes(&key, header.as_bytes(), &bytes)).rejected("invalid_json"));
    }
}

/// A value of the provider's user-id claim that names someone else.
fn attacker_value(p: &P) -> String {
    match p.id {
        "onesignal" => r#"{"external_id":"attacker"}"#.to_owned(),
        _ => r#""attacker""#.to_owned(),
    }
}

/// The canonical claims with the `u` of `user-1` written as `\u0075`.
fn escaped_user(p: &P) -> Tok {
    let uid = p.uid_claim();
    let current = p.claims().get(uid).expect("user id claim").to_owned();
    let escaped = current.replacen(USER, "\\u0075ser-1", 1);
    assert_ne!(
        escaped, current,
        "the user id claim names the canonical user"
    );
    p.tok().claim(uid, escaped)
}

/// A header of about a megabyte (a 1 MiB `kid`): refused by the size limit first.
fn megabyte_header() -> Case {
    let p = P::get("drift");
    // No recipe: the case does not depend on time, and a recipe would double its size.
    let token = p
        .tok()
        .header_str("kid", &"k".repeat(1024 * 1024))
        .at(TIMELESS);
    p.case(
        NS,
        "megabyte-header",
        "The canonical token with a header carrying a 1 MiB kid.",
        "policy.md §1.5 (tokens above the size limit are refused before decoding); taxonomy.md \
         §1.9 (megabyte headers)",
    )
    .features(&["dos"])
    .raw(token)
    .rejected("token_too_large")
}

/// The checks and features a structure case's name implies: duplicates are the differential
/// class of their check, depths are denial-of-service cases.
fn tagged(name: &str, mut d: Draft) -> Draft {
    if name.contains("duplicate") {
        d = d
            .checks(&[checks::DUPLICATE_MEMBERS])
            .features(&["differential"]);
    }
    if name.contains("positional") {
        d = d.features(&["serde-positional"]);
    }
    if name.contains("depth") {
        d = d.features(&["dos"]);
    }
    // policy.md fixes only depth 10 (accept) and 10,000 (reject): 65, past the reference's
    // limit of 64 (docs/decisions.md), may go either way.
    if name.ends_with("depth-65") {
        d = d.features(&["depth-limit", "either"]);
    }
    d
}
