use super::*;
use crate::engine::Limits;

const P: Part = Part::Payload;
const DEFAULT: usize = 64;

fn reject(input: &[u8]) -> Reason {
    match parse_object(input, P, DEFAULT) {
        Ok(map) => panic!("accepted {:?}: {map:?}", String::from_utf8_lossy(input)),
        Err(reason) => reason,
    }
}

fn accept(input: &[u8]) -> Map<String, Value> {
    match parse_object(input, P, DEFAULT) {
        Ok(map) => map,
        Err(reason) => panic!("rejected {:?}: {reason}", String::from_utf8_lossy(input)),
    }
}

fn invalid(input: &[u8]) -> (usize, String) {
    match reject(input) {
        Reason::InvalidJson {
            part,
            offset,
            problem,
        } => {
            assert_eq!(part, P);
            (offset, problem)
        }
        other => panic!(
            "{:?}: expected invalid_json, got {}",
            String::from_utf8_lossy(input),
            other.code()
        ),
    }
}

fn nested_arrays(depth: usize) -> String {
    // The top level must be an object, so the object counts as the first level.
    format!(
        "{{\"a\":{}{}}}",
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    )
}

fn nested_objects(depth: usize) -> String {
    format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
}

fn duplicate(input: &str) -> (String, String) {
    match reject(input.as_bytes()) {
        Reason::DuplicateMember { part, name, path } => {
            assert_eq!(part, P);
            (name, path)
        }
        other => panic!("{input}: expected duplicate_member, got {other}"),
    }
}

#[test]
fn simple_object_is_parsed() {
    let map = accept(br#" {"alg":"HS256","n":[1,2.5,-3e2,true,false,null,{}]} "#);
    assert_eq!(map["alg"], "HS256");
    assert_eq!(map["n"][1], 2.5);
    assert_eq!(map["n"][6], Value::Object(Map::new()));
}

#[test]
fn member_order_is_preserved() {
    let map = accept(br#"{"z":1,"a":2,"m":3,"b":4}"#);
    let names: Vec<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(names, ["z", "a", "m", "b"]);
}

#[test]
fn depth_10_is_accepted_with_default_limit() {
    let limit = Limits::default().max_json_depth;
    assert_eq!(limit, DEFAULT);
    assert!(parse_object(nested_objects(10).as_bytes(), P, limit).is_ok());
    assert!(parse_object(nested_arrays(10).as_bytes(), P, limit).is_ok());
}

#[test]
fn depth_64_is_accepted_and_65_rejected_with_limit_64() {
    assert!(parse_object(nested_objects(64).as_bytes(), P, 64).is_ok());
    assert!(parse_object(nested_arrays(64).as_bytes(), P, 64).is_ok());
    for input in [nested_objects(65), nested_arrays(65)] {
        let reason = reject(input.as_bytes());
        assert_eq!(reason.code(), "json_too_deep");
        assert_eq!(reason, Reason::JsonTooDeep { part: P, limit: 64 });
    }
}

#[test]
fn depth_10000_arrays_are_rejected_without_overflow() {
    let input = "[".repeat(10_000) + &"]".repeat(10_000);
    let expected = Reason::JsonTooDeep { part: P, limit: 64 };
    assert_eq!(parse_object(input.as_bytes(), P, 64), Err(expected.clone()));
    assert_eq!(validate(input.as_bytes(), P, 64), Err(expected.clone()));
    // Unclosed: rejection must come from depth, before the missing brackets are noticed.
    assert_eq!(reject("[".repeat(10_000).as_bytes()), expected);
}

#[test]
fn depth_10000_objects_are_rejected_without_overflow() {
    let input = nested_objects(10_000);
    let expected = Reason::JsonTooDeep { part: P, limit: 64 };
    assert_eq!(parse_object(input.as_bytes(), P, 64), Err(expected.clone()));
    assert_eq!(validate(input.as_bytes(), P, 64), Err(expected));
}

#[test]
fn validate_scans_any_depth_iteratively() {
    let input = "[".repeat(200_000) + &"]".repeat(200_000);
    assert_eq!(validate(input.as_bytes(), P, usize::MAX), Ok(()));
    let input = nested_objects(100_000);
    assert_eq!(validate(input.as_bytes(), P, usize::MAX), Ok(()));
}

#[test]
fn limits_above_serde_json_recursion_are_capped() {
    let at_cap = nested_objects(SERDE_JSON_MAX_DEPTH);
    assert!(parse_object(at_cap.as_bytes(), P, 1_000).is_ok());
    let reason = parse_object(nested_objects(200).as_bytes(), P, 1_000).unwrap_err();
    assert_eq!(reason.code(), "json_too_deep");
    assert_eq!(
        reason,
        Reason::JsonTooDeep {
            part: P,
            limit: SERDE_JSON_MAX_DEPTH
        }
    );
}

#[test]
fn serde_json_recursion_error_maps_to_too_deep() {
    // Bypasses the cap to check the safety net against serde_json's real behaviour.
    let input = nested_objects(SERDE_JSON_MAX_DEPTH + 1);
    let e = serde_json::from_slice::<Value>(input.as_bytes()).unwrap_err();
    let reason = from_serde(input.as_bytes(), P, 500, &e);
    assert_eq!(
        reason,
        Reason::JsonTooDeep {
            part: P,
            limit: 500
        }
    );
}

#[test]
fn duplicate_at_top_level() {
    let (name, path) = duplicate(r#"{"alg":"HS256","typ":"JWT","alg":"none"}"#);
    assert_eq!((name.as_str(), path.as_str()), ("alg", "$"));
    let (name, _) = duplicate(r#"{"a":1,"a":2}"#);
    assert_eq!(name, "a");
}

#[test]
fn duplicate_nested() {
    let (name, path) = duplicate(r#"{"a":{"x":1,"b":{"c":1,"d":2,"c":3}}}"#);
    assert_eq!((name.as_str(), path.as_str()), ("c", "$.a.b"));
}

#[test]
fn duplicate_in_object_inside_array() {
    let (name, path) = duplicate(r#"{"a":[0,{"k":1},{"k":1,"j":2,"k":3}]}"#);
    assert_eq!((name.as_str(), path.as_str()), ("k", "$.a[2]"));
    let (_, path) = duplicate(r#"{"a":[[],[{}, {"x":[{"y":1,"y":1}]}]]}"#);
    assert_eq!(path, "$.a[1][1].x[0]");
}

#[test]
fn duplicate_path_quotes_odd_names() {
    let (_, path) = duplicate(r#"{"odd name":{"q\"x":{"z":1,"z":2}}}"#);
    assert_eq!(path, r#"$["odd name"]["q\"x"]"#);
    let (_, path) = duplicate(r#"{"1a":{"":{"z":1,"z":2}}}"#);
    assert_eq!(path, r#"$["1a"][""]"#);
}

#[test]
fn duplicate_detected_after_unescaping() {
    let (name, path) = duplicate(r#"{"alg":1,"\u0061lg":2}"#);
    assert_eq!((name.as_str(), path.as_str()), ("alg", "$"));
    let (name, _) = duplicate(r#"{"a\/b":1,"a/b":2}"#);
    assert_eq!(name, "a/b");
    let (name, _) = duplicate(r#"{"😀":1,"\ud83d\ude00":2}"#);
    assert_eq!(name, "😀");
}

#[test]
fn same_name_in_sibling_objects_is_not_duplicate() {
    let map = accept(br#"{"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}],"x":5}"#);
    assert_eq!(map.len(), 4);
    // Names differing only by case or escaped as different characters are distinct.
    accept(br#"{"alg":1,"Alg":2,"alg ":3,"\u0041LG":4}"#);
}

#[test]
fn lone_high_surrogate_is_rejected() {
    for (input, offset) in [
        (r#"{"a":"\ud83d"}"#, 6),
        (r#"{"a":"x\ud83dy"}"#, 7),
        (r#"{"a":"\ud83d\u0041"}"#, 6),
        (r#"{"a":"\ud83d\ud83d\ude00"}"#, 6),
        (r#"{"\uD800":1}"#, 2),
    ] {
        let reason = reject(input.as_bytes());
        assert_eq!(reason.code(), "lone_surrogate", "{input}");
        assert_eq!(reason, Reason::LoneSurrogate { part: P, offset }, "{input}");
    }
}

#[test]
fn lone_low_surrogate_is_rejected() {
    for (input, offset) in [(r#"{"a":"\ude00"}"#, 6), (r#"{"a":"\ude00\ud83d"}"#, 6)] {
        let reason = reject(input.as_bytes());
        assert_eq!(reason.code(), "lone_surrogate", "{input}");
        assert_eq!(reason, Reason::LoneSurrogate { part: P, offset }, "{input}");
    }
}

#[test]
fn surrogate_pair_is_accepted_and_decoded() {
    let map = accept(br#"{"a":"\ud83d\ude00","\uD83D\uDE00":"\u00e9\u0000"}"#);
    assert_eq!(map["a"], "😀");
    assert_eq!(map["😀"], "é\u{0}");
}

#[test]
fn byte_order_mark_is_rejected() {
    let (offset, problem) = invalid(b"\xEF\xBB\xBF{}");
    assert_eq!(offset, 0);
    assert!(problem.contains("byte-order mark"), "{problem}");
    let (_, problem) = invalid(b"\xFF\xFE{\0}\0");
    assert!(problem.contains("byte-order mark"), "{problem}");
}

#[test]
fn invalid_utf8_is_rejected_with_offset() {
    for (input, offset) in [
        (&b"{\"a\":\"\xFF\"}"[..], 6),
        (b"{\"a\":\"\xC3\"}", 6),
        (b"{\"a\":\"\xED\xA0\x80\"}", 6), // CESU-8 surrogate
        (b"{\"a\":\"\xC0\xAF\"}", 6),     // overlong '/'
        (b"{\"a\":1}\xE2\x82", 7),
    ] {
        let (at, problem) = invalid(input);
        assert_eq!((at, problem.as_str()), (offset, "invalid UTF-8"));
    }
}

#[test]
fn utf16_and_utf32_text_is_rejected() {
    for input in [
        &b"{\0}\0"[..],          // UTF-16LE
        b"\0{\0}",               // UTF-16BE
        b"{\0\0\0}\0\0\0",       // UTF-32LE
        b"\0\0\0{\0\0\0}",       // UTF-32BE
        b"{\0\"\0a\0\"\0:\0}\0", // UTF-16LE with content
    ] {
        let (_, problem) = invalid(input);
        assert!(problem.contains("UTF-16"), "{problem}");
    }
}

#[test]
fn trailing_bytes_are_rejected() {
    assert_eq!(invalid(br#"{"a":1}x"#).0, 7);
    assert_eq!(invalid(br#"{"a":1}{}"#).0, 7);
    assert_eq!(invalid(br#"{"a":1}}"#).0, 7);
    assert_eq!(invalid(b"{}\0").0, 2);
    accept(b" \t\r\n{}\n\r\t ");
}

#[test]
fn trailing_commas_are_rejected() {
    let (offset, problem) = invalid(br#"{"a":1,}"#);
    assert_eq!((offset, problem.as_str()), (6, "trailing comma"));
    let (offset, problem) = invalid(br#"{"a":[1, ]}"#);
    assert_eq!((offset, problem.as_str()), (7, "trailing comma"));
    invalid(br#"{"a":1,,"b":2}"#);
    invalid(br#"{,"a":1}"#);
    invalid(br#"{"a":[,1]}"#);
}

#[test]
fn comments_are_rejected() {
    for input in [
        &br#"{"a":1 /* c */}"#[..],
        br#"{"a":1}// c"#,
        br#"{/* c */"a":1}"#,
        br#"{"a":/* c */1}"#,
    ] {
        let (_, problem) = invalid(input);
        assert_eq!(problem, "comments are not allowed");
    }
}

#[test]
fn single_quotes_are_rejected() {
    let (offset, problem) = invalid(br#"{'a':1}"#);
    assert_eq!(
        (offset, problem.as_str()),
        (1, "single-quoted strings are not allowed")
    );
    let (offset, _) = invalid(br#"{"a":'x'}"#);
    assert_eq!(offset, 5);
}

#[test]
fn unquoted_names_are_rejected() {
    let (offset, problem) = invalid(br#"{a:1}"#);
    assert_eq!(offset, 1);
    assert!(problem.contains("double-quoted"), "{problem}");
    invalid(br#"{"a":1,$b:2}"#);
    invalid(br#"{1:2}"#);
}

#[test]
fn bad_numbers_are_rejected() {
    for (input, offset) in [
        (&br#"{"a":01}"#[..], 5),
        (br#"{"a":-01}"#, 5),
        (br#"{"a":00}"#, 5),
        (br#"{"a":+1}"#, 5),
        (br#"{"a":.5}"#, 5),
        (br#"{"a":1.}"#, 7),
        (br#"{"a":1.e5}"#, 7),
        (br#"{"a":1e}"#, 7),
        (br#"{"a":1e+}"#, 8),
        (br#"{"a":-}"#, 6),
        (br#"{"a":NaN}"#, 5),
        (br#"{"a":Infinity}"#, 5),
        (br#"{"a":-Infinity}"#, 6),
        (br#"{"a":0x10}"#, 6),
        (br#"{"a":1_000}"#, 6),
    ] {
        let (at, _) = invalid(input);
        assert_eq!(at, offset, "{}", String::from_utf8_lossy(input));
    }
    assert_eq!(invalid(br#"{"a":01}"#).1, "leading zeros are not allowed");
    assert!(invalid(br#"{"a":NaN}"#).1.contains("NaN"));
}

#[test]
fn valid_numbers_are_accepted() {
    let map = accept(
        br#"{"z":-0,"e":1e5,"E":1E+5,"f":-1.5e-3,"i":0,"d":10.01,"big":12345678901234567890123}"#,
    );
    // serde_json reads `-0` as the float -0.0; what matters is that it is accepted.
    assert_eq!(map["z"].as_f64(), Some(0.0));
    assert_eq!(map["e"], 100000.0);
    assert_eq!(map["E"], 100000.0);
    assert_eq!(map["f"], -0.0015);
    assert_eq!(map["d"], 10.01);
    assert!(map["big"].is_f64());
}

#[test]
fn number_out_of_range_maps_serde_error() {
    let reason = reject(br#"{"a":1e400}"#);
    assert_eq!(reason.code(), "invalid_json");
    match reason {
        Reason::InvalidJson {
            problem, offset, ..
        } => {
            assert_eq!(problem, "number out of range");
            assert!(offset <= 11, "{offset}");
        }
        _ => unreachable!(),
    }
    // The grammar is fine, so the scan alone accepts it.
    assert_eq!(validate(br#"{"a":1e400}"#, P, DEFAULT), Ok(()));
}

#[test]
fn bad_literals_are_rejected() {
    for input in [
        &br#"{"a":tru}"#[..],
        br#"{"a":True}"#,
        br#"{"a":nul}"#,
        br#"{"a":falsey}"#,
    ] {
        invalid(input);
    }
}

#[test]
fn control_characters_in_strings_are_rejected() {
    for (input, offset) in [
        (&b"{\"a\":\"x\ny\"}"[..], 7),
        (b"{\"a\":\"\t\"}", 6),
        (b"{\"a\":\"\0\"}", 6),
        (b"{\"a\x1F\":1}", 3),
    ] {
        let (at, problem) = invalid(input);
        assert_eq!(at, offset);
        assert!(problem.contains("control character"), "{problem}");
    }
    // DEL and C1 controls are allowed unescaped by RFC 8259.
    let map = accept("{\"a\":\"\u{7f}\u{85}\",\"b\":\"\\n\\t\\u001f\"}".as_bytes());
    assert_eq!(map["b"], "\n\t\u{1f}");
}

#[test]
fn invalid_escapes_are_rejected() {
    for (input, offset) in [
        (&br#"{"a":"\x41"}"#[..], 6),
        (br#"{"a":"\u12"}"#, 6),
        (br#"{"a":"\u12G4"}"#, 6),
        (br#"{"a":"\U0041"}"#, 6),
        (br#"{"a":"\'"}"#, 6),
        (br#"{"a":"\ud83d\u12"}"#, 12),
        (b"{\"a\":\"\\\xC3\xA9\"}", 6),
    ] {
        let (at, _) = invalid(input);
        assert_eq!(at, offset, "{}", String::from_utf8_lossy(input));
    }
    assert_eq!(invalid(br#"{"a":"\x41"}"#).1, r"invalid escape '\x'");
    let map = accept(br#"{"a":"\"\\\/\b\f\n\r\t"}"#);
    assert_eq!(map["a"], "\"\\/\u{8}\u{c}\n\r\t");
}

#[test]
fn empty_and_truncated_input_is_rejected() {
    assert_eq!(invalid(b""), (0, "empty input".to_owned()));
    invalid(b"   ");
    for input in [
        &b"{"[..],
        b"{\"a\"",
        b"{\"a\":",
        b"{\"a\":1",
        b"{\"a\":\"x",
        b"{\"a\":\"\\",
    ] {
        invalid(input);
    }
}

#[test]
fn non_object_top_levels_are_rejected() {
    for (input, found) in [
        (&b"[]"[..], "an array"),
        (b"[{\"a\":1}]", "an array"),
        (b"\"{}\"", "a string"),
        (b"42", "a number"),
        (b"-0.5e1", "a number"),
        (b"true", "a boolean"),
        (b"false", "a boolean"),
        (b" null ", "null"),
    ] {
        let reason = reject(input);
        assert_eq!(reason.code(), "not_an_object");
        assert_eq!(
            reason,
            Reason::NotAnObject {
                part: P,
                found: found.to_owned()
            }
        );
        assert_eq!(validate(input, P, DEFAULT), Ok(()));
    }
    // A broken non-object is reported as broken, not as the wrong type.
    assert_eq!(reject(b"[1,]").code(), "invalid_json");
}

#[test]
fn part_is_reported() {
    let reason = parse_object(b"[]", Part::Header, DEFAULT).unwrap_err();
    assert_eq!(
        reason,
        Reason::NotAnObject {
            part: Part::Header,
            found: "an array".to_owned()
        }
    );
}

#[test]
fn large_valid_input_is_accepted() {
    let members: Vec<String> = (0..10_000).map(|i| format!("\"m{i}\":{i}")).collect();
    let input = format!("{{{}}}", members.join(","));
    let map = accept(input.as_bytes());
    assert_eq!(map.len(), 10_000);
    assert_eq!(map.keys().nth(9_999).map(String::as_str), Some("m9999"));
    // The same with one late duplicate.
    let input = format!("{{{},\"m5\":0}}", members.join(","));
    assert_eq!(duplicate(&input), ("m5".to_owned(), "$".to_owned()));
}

/// The seed of the mutation tests.
const MUTATION_SEED: &[u8] = br#"{"a":[1,-2.5e3,{"b":"\u00e9\ud83d\ude00\n"}],"c":true,"d":null}"#;

/// Calls `check` on every truncation of `seed`, every one-byte replacement, every replacement
/// followed by an insertion of the same byte at the same place, and every one-byte deletion.
fn mutants(seed: &[u8], mut check: impl FnMut(&[u8])) {
    let replacements = b"{}[]\",:\\u0-+.eE \x00\x1f\x7f\xc3\xff'/tfnx";
    for end in 0..=seed.len() {
        check(&seed[..end]);
    }
    for i in 0..seed.len() {
        for &r in replacements {
            let mut input = seed.to_vec();
            input[i] = r;
            check(&input);
            input.insert(i, r);
            check(&input);
        }
        let mut input = seed.to_vec();
        input.remove(i);
        check(&input);
    }
}

#[test]
fn mutations_never_panic_and_never_pass_what_serde_json_refuses() {
    mutants(MUTATION_SEED, |input| {
        let result = validate(input, P, DEFAULT);
        let _ = parse_object(input, P, DEFAULT);
        if result.is_ok() {
            assert!(
                serde_json::from_slice::<Value>(input).is_ok(),
                "strict scan accepted what serde_json refuses: {:?}",
                String::from_utf8_lossy(input)
            );
        }
    });
}

/// Asserts that the single-pass reader and the two-pass oracle answer `input` identically.
fn same_as_oracle(input: &[u8], max_depth: usize) {
    if let Err(difference) = read_against_oracle(input, P, max_depth) {
        panic!("{difference}");
    }
}

/// Seeds whose mutants reach what the first seed's do not: numbers serde_json refuses or reads
/// as floats, line breaks before them (serde_json counts lines), escaped and nested names.
const MORE_SEEDS: &[&[u8]] = &[
    br#"{"exp":1e400,"n":[-0,18446744073709551616,-9223372036854775809],"x":"y"}"#,
    b"{\n\"a\":\n-1.5E+308,\r\n\"b\":\t[\n1e-400 ,\n 2e308\n]}",
    br#"{"\u0061":{"b\/":[{"c":0.1,"d":{}}],"e":[[]]},"a\"":false}"#,
];

#[test]
fn single_pass_matches_two_passes_on_every_mutant() {
    let mut cases = 0;
    for seed in std::iter::once(MUTATION_SEED).chain(MORE_SEEDS.iter().copied()) {
        mutants(seed, |input| {
            same_as_oracle(input, DEFAULT);
            cases += 1;
        });
    }
    assert!(cases > 10_000, "{cases}");
}

#[test]
fn single_pass_matches_two_passes_at_every_depth_limit() {
    let mut inputs = Vec::new();
    for depth in [1, 2, 3, 9, 10, 11, 63, 64, 65, 126, 127, 128, 200] {
        inputs.push(nested_objects(depth));
        inputs.push(nested_arrays(depth));
        // Unclosed, and closed one bracket short: which refusal comes first depends on the limit.
        inputs.push("{\"a\":".repeat(depth));
        inputs.push(nested_objects(depth)[1..].to_owned());
        let mut mixed = String::new();
        for level in 0..depth {
            mixed.push_str(if level % 2 == 0 {
                "{\"k\":[0,"
            } else {
                "[1,{\"k\":2},"
            });
        }
        for level in (0..depth).rev() {
            mixed.push_str(if level % 2 == 0 { "1]}" } else { "2]" });
        }
        inputs.push(mixed);
        // Past the limit, a duplicate and a number serde_json refuses: the first one wins.
        inputs.push(format!("{}{}", "{\"a\":".repeat(depth), "1,\"a\":1e999}"));
    }
    inputs.push("[".repeat(10_000));
    let mut cases = 0;
    for input in &inputs {
        for limit in [0, 1, 2, 10, 64, 127, 1000] {
            same_as_oracle(input.as_bytes(), limit);
            cases += 1;
        }
    }
    assert_eq!(cases, inputs.len() * 7);
}

#[test]
fn single_pass_matches_two_passes_on_numbers() {
    let numbers = [
        "0",
        "-0",
        "1",
        "-1",
        "0.0",
        "-0.0",
        "1.5",
        "-2.5e3",
        "1e5",
        "1E+5",
        "1e-5",
        "9999999999999999999",
        "-9999999999999999999",
        "10000000000000000000",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "12345678901234567890123",
        "1000000005736967357431662590",
        "0.1",
        "0.30000000000000004",
        "2.2250738585072014e-308",
        "4.9e-324",
        "2e-324",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "1e308",
        "1e309",
        "-1e309",
        "1e400",
        "1e-400",
        "0e99999999999",
        "1e99999999999",
        "1e-99999999999",
        "-0e-99999999999",
        "123456789012345678901234567890e300",
        "0.000000000000000000000000000001e330",
        "12345678901234567890.5e300",
    ];
    let mut cases = 0;
    for n in numbers {
        for input in [
            format!("{{\"n\":{n}}}"),
            format!("{{\"a\":[1,\n{n} ],\"b\":{n}}}"),
            format!("{{\"a\":\"x\",\n\n\"n\":\n{n}\n}}"),
            format!("{{\"n\":{n},\"n\":1}}"),
            format!("{{\"n\":{n},\"m\":01}}"),
            format!("{{\"n\":{n},\"m\":1e999,\"o\":-1e999}}"),
            format!("[{n}]"),
            n.to_owned(),
        ] {
            same_as_oracle(input.as_bytes(), DEFAULT);
            cases += 1;
        }
    }
    assert_eq!(cases, numbers.len() * 8);
}

#[test]
fn identical_tells_order_and_number_kinds_apart() {
    let read = |t: &str| parse_object(t.as_bytes(), P, DEFAULT).unwrap();
    assert!(identical(
        &read(r#"{"a":1,"b":[2.5]}"#),
        &read(r#"{"a":1,"b":[2.5]}"#)
    ));
    assert!(!identical(
        &read(r#"{"a":1,"b":2}"#),
        &read(r#"{"b":2,"a":1}"#)
    ));
    assert!(!identical(&read(r#"{"a":0}"#), &read(r#"{"a":-0}"#)));
    assert!(!identical(&read(r#"{"a":0.0}"#), &read(r#"{"a":-0.0}"#)));
    assert!(!identical(&read(r#"{"a":1}"#), &read(r#"{"a":1.0}"#)));
    assert!(!identical(
        &read(r#"{"a":{"x":1,"y":2}}"#),
        &read(r#"{"a":{"y":2,"x":1}}"#)
    ));
}
