//! `signature`: signature values (policy.md §4). ES256 lengths, DER, out-of-range scalars
//! (CVE-2022-21449), high-S and low-S; HS256 bit flips, constant tags, truncated and extended
//! tags; and single-byte changes to the signed header and payload, for every provider.
//!
//! Signatures that a [`SignatureForm`] describes are minted; other signature bytes are spliced
//! into the canonical token (no recipe): all of those are refused before the claims are read.

use super::draft::{Draft, P, TIMELESS};
use super::token::{b64, parts, sig_bytes, with_sig};
use crate::engine::keys::KeyFamily;
use crate::engine::rsa::left_pad;
use crate::suite::case::{Case, SignatureForm, VectorFile};

const NS: &str = "signature";

/// The P-256 group order n, big-endian.
const N: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

const ES_LENGTH: &str =
    "RFC 7518 §3.4 and policy.md §4.6 (an ES256 signature is exactly 64 bytes, \
`R ‖ S` big-endian)";
const ES_PADDED: &str = "RFC 7518 §3.4 and policy.md §4.6 (an ES256 signature is exactly 64 \
bytes); CVE-2026-65632 (GHSA-44hw-rpw9-mwg4: erlang-jose before 1.11.13 split the signature in \
half and read each half as an integer, so zero-padded R and S verified)";
const ES_DER: &str = "RFC 7518 §3.4 and policy.md §4.6 (DER/ASN.1 signatures are refused)";
const ES_RANGE: &str =
    "policy.md §4.7 (`r` or `s` of 0, or of n or more, is refused); CVE-2022-21449";
const ES_HIGH_S: &str =
    "policy.md §4.8 (high-S, s > n/2, is accepted, as RFC 7515 A.3's example is \
high-S; requiring low-S is opt-in, never the default)";
const RSA_LENGTH: &str = "policy.md §4.12 (an RS256 or RS512 signature is exactly as long as the \
modulus); RFC 8017 §8.2.2 step 1";
const RSA_RANGE: &str = "policy.md §4.12 (the signature, read as a number, is below the modulus); \
RFC 8017 §5.2.2 step 1";
const WRONG: &str = "RFC 7515 §5.2: the signature must validate over the signing input";
const HS_LENGTH: &str =
    "policy.md §4.4 (an HS256 tag is exactly 32 bytes, compared in constant time); \
RFC 7518 §3.2";
const HS_FLIP: &str = "RFC 7518 §3.2 and taxonomy.md §3.2: every single-bit flip of an HS256 tag \
must fail";
const CHANGED: &str = "taxonomy.md §3.4 (no one-byte change to the signed header or payload may \
verify); RFC 7515 §5.2";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    for p in P::all() {
        match p.alg().family() {
            KeyFamily::Hmac => hs256(&p, &mut cases),
            KeyFamily::Ec => es256(&p, &mut cases),
            KeyFamily::Rsa => rsa(&p, &mut cases),
        }
        changed_bytes(&p, &mut cases);
    }
    super::draft::file(
        NS,
        "Signature values: ES256 lengths, DER, out-of-range r and s (CVE-2022-21449), high-S and \
         low-S; HS256 bit flips, constant, truncated and extended tags; single-byte changes to \
         the signed header and payload.",
        cases,
    )
}

/// RSA profiles: the signature's length and range against the configured modulus (the `rsa`
/// namespace covers the rest, provider-less).
#[rustfmt::skip]
fn rsa(p: &P, out: &mut Vec<Case>) {
    let token = p.tok().at(TIMELESS);
    let sig = sig_bytes(&token);
    let n = p.key(1).rsa_public().expect("an RSA profile's key").n().to_vec();
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };
    let rows: Vec<(&str, &str, Vec<u8>, &str, &str)> = vec![
        ("rsa-empty", "The canonical token with an empty signature.", Vec::new(), "empty_segment", RSA_LENGTH),
        ("rsa-truncated", "The canonical token with the last byte of its signature cut off.", sig[..sig.len() - 1].to_vec(), "signature_length", RSA_LENGTH),
        ("rsa-zero-padded-front", "The canonical token with a zero byte prepended to its signature.", [&[0u8][..], &sig].concat(), "signature_length", RSA_LENGTH),
        ("rsa-equals-modulus", "The canonical token with the modulus n as its signature.", n.clone(), "signature_scalar_out_of_range", RSA_RANGE),
        ("rsa-all-ff", "The canonical token with a signature of FF bytes as long as the modulus.", vec![0xff; n.len()], "signature_scalar_out_of_range", RSA_RANGE),
        ("rsa-one", "The canonical token with the number 1 as its signature (1^e = 1).", left_pad(&[1], n.len()), "bad_signature", WRONG),
    ];
    for (name, description, bytes, reason, basis) in rows {
        out.push(c(name, description, basis).raw(with_sig(&token, &bytes)).rejected(reason));
    }
    out.push(c("rsa-last-bit-flipped", "The canonical token with the last bit of its signature flipped.", WRONG).tok(p.tok().form(SignatureForm::FlipLastBit)).rejected("bad_signature"));
}

#[rustfmt::skip]
fn es256(p: &P, out: &mut Vec<Case>) {
    let token = p.tok().at(TIMELESS);
    let sig = sig_bytes(&token);
    let (r, s) = sig.split_at(32);
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };
    let cat = |parts: &[&[u8]]| parts.concat();
    let n_plus_1 = {
        let mut v = N;
        v[31] += 1;
        v
    };
    let n_minus_1 = {
        let mut v = N;
        v[31] -= 1;
        v
    };
    let zero = [0u8; 32];
    let ones = [0xFFu8; 32];
    let one = {
        let mut v = [0u8; 32];
        v[31] = 1;
        v
    };

    let lengths: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        ("es256-empty", "The canonical token with an empty signature (0 bytes).", Vec::new(), "empty_segment"),
        ("es256-length-1", "The canonical token with only the first byte of its signature.", sig[..1].to_vec(), "signature_length"),
        ("es256-truncated-32", "The canonical token with only r (the first 32 bytes).", r.to_vec(), "signature_length"),
        ("es256-truncated-63", "The canonical token with the last byte of its signature cut off.", sig[..63].to_vec(), "signature_length"),
        ("es256-zero-padded-end-65", "The canonical token with a zero byte appended to its signature.", cat(&[&sig, &[0]]), "signature_length"),
        ("es256-zero-padded-front-65", "The canonical token with a zero byte prepended to its signature.", cat(&[&[0], &sig]), "signature_length"),
        ("es256-extended-66", "The canonical token with two bytes appended to its signature.", cat(&[&sig, &[0, 1]]), "signature_length"),
        ("es256-components-padded-66", "The canonical token with r and s each zero-padded to 33 bytes.", cat(&[&[0], r, &[0], s]), "signature_length"),
    ];
    for (name, description, bytes, reason) in lengths {
        let basis = if name == "es256-components-padded-66" { ES_PADDED } else { ES_LENGTH };
        out.push(c(name, description, basis).raw(with_sig(&token, &bytes)).rejected(reason));
    }
    out.push(c("es256-der", "The canonical token with its signature DER-encoded instead of R ‖ S.", ES_DER).features(&["der"]).tok(p.tok().form(SignatureForm::Der)).rejected("signature_length"));
    let range: Vec<(&str, &str, Vec<u8>)> = vec![
        ("es256-all-zero", "The canonical token with a signature of 64 zero bytes (r = s = 0, CVE-2022-21449).", vec![0; 64]),
        ("es256-r-zero", "The canonical token with r replaced by 0.", cat(&[&zero, s])),
        ("es256-s-zero", "The canonical token with s replaced by 0.", cat(&[r, &zero])),
        ("es256-r-equals-n", "The canonical token with r replaced by the group order n.", cat(&[&N, s])),
        ("es256-s-equals-n", "The canonical token with s replaced by the group order n.", cat(&[r, &N])),
        ("es256-r-n-plus-1", "The canonical token with r replaced by n + 1.", cat(&[&n_plus_1, s])),
        ("es256-s-n-plus-1", "The canonical token with s replaced by n + 1.", cat(&[r, &n_plus_1])),
        ("es256-r-all-ones", "The canonical token with r replaced by 2^256 − 1.", cat(&[&ones, s])),
        ("es256-s-all-ones", "The canonical token with s replaced by 2^256 − 1.", cat(&[r, &ones])),
        ("es256-r-s-equal-n", "The canonical token with r = s = n.", cat(&[&N, &N])),
    ];
    for (name, description, bytes) in range {
        out.push(c(name, description, ES_RANGE).features(&["cve-2022-21449"]).raw(with_sig(&token, &bytes)).rejected("signature_scalar_out_of_range"));
    }
    let wrong: Vec<(&str, &str, Vec<u8>)> = vec![
        ("es256-r-s-one", "The canonical token with r = s = 1 (in range, wrong).", cat(&[&one, &one])),
        ("es256-r-n-minus-1", "The canonical token with r replaced by n − 1 (in range, wrong).", cat(&[&n_minus_1, s])),
        ("es256-swapped-r-s", "The canonical token with r and s swapped.", cat(&[s, r])),
        ("es256-last-bit-flipped", "The canonical token with the last bit of s flipped.", {let mut v = sig.clone(); v[63] ^= 1; v }),
    ];
    for (name, description, bytes) in wrong {
        out.push(c(name, description, WRONG).raw(with_sig(&token, &bytes)).rejected("bad_signature"));
    }
    out.push(c("es256-first-bit-flipped", "The canonical token with the first bit of r flipped.", WRONG).tok(p.tok().form(SignatureForm::FlipFirstBit)).rejected("bad_signature"));
    out.push(c("es256-high-s", "The canonical token with s replaced by n − s where needed so that it is high (s > n/2).", ES_HIGH_S).features(&["high-s"]).tok(p.tok().form(SignatureForm::HighS)).verified());
    out.push(c("es256-low-s", "The canonical token with s replaced by n − s where needed so that it is low (s ≤ n/2).", ES_HIGH_S).features(&["low-s"]).tok(p.tok().form(SignatureForm::LowS)).verified());
}

#[rustfmt::skip]
fn hs256(p: &P, out: &mut Vec<Case>) {
    let token = p.tok().at(TIMELESS);
    let tag = sig_bytes(&token);
    let c = |name: &str, description: &str, basis: &str| -> Draft {
        p.case(NS, name, description, basis)
    };

    out.push(c("hs256-first-bit-flipped", "The canonical token with the first (most significant) bit of its tag flipped.", HS_FLIP).tok(p.tok().form(SignatureForm::FlipFirstBit)).rejected("bad_signature"));
    // Bits at the start, the middle and the end: an early-exit comparison leaks position, a
    // truncated comparison misses the end.
    for (byte, bit) in [
        (0usize, 0u8),
        (1, 3),
        (15, 7),
        (16, 0),
        (30, 5),
        (31, 7),
        (31, 0),
    ] {
        let mut flipped = tag.clone();
        flipped[byte] ^= 1 << bit;
        out.push(c(&format!("hs256-bit-flip-byte-{byte}-bit-{bit}"), &format!("The canonical token with bit {bit} of tag byte {byte} flipped."), HS_FLIP).raw(with_sig(&token, &flipped)).rejected("bad_signature"));
    }
    let rows: Vec<(&str, &str, Vec<u8>, &str, &str)> = vec![
        ("hs256-all-zero", "The canonical token with a tag of 32 zero bytes.", vec![0; 32], WRONG, "bad_signature"),
        ("hs256-all-ones", "The canonical token with a tag of 32 0xFF bytes.", vec![0xFF; 32], WRONG, "bad_signature"),
        ("hs256-empty", "The canonical token with an empty tag.", Vec::new(), HS_LENGTH, "empty_segment"),
        ("hs256-length-1", "The canonical token with only the first byte of its tag.", tag[..1].to_vec(), HS_LENGTH, "signature_length"),
        ("hs256-truncated-16", "The canonical token with its tag truncated to 16 bytes.", tag[..16].to_vec(), HS_LENGTH, "signature_length"),
        ("hs256-truncated-31", "The canonical token with the last byte of its tag cut off.", tag[..31].to_vec(), HS_LENGTH, "signature_length"),
        ("hs256-extended-33", "The canonical token with a zero byte appended to its tag.", [&tag[..], &[0]].concat(), HS_LENGTH, "signature_length"),
        ("hs256-extended-64", "The canonical token with its tag written twice (64 bytes).", [&tag[..], &tag[..]].concat(), HS_LENGTH, "signature_length"),
    ];
    for (name, description, bytes, basis, reason) in rows {
        out.push(c(name, description, basis).raw(with_sig(&token, &bytes)).rejected(reason));
    }
}

/// The canonical signature kept while one byte of what it covers changes.
fn changed_bytes(p: &P, out: &mut Vec<Case>) {
    // The header carries typ JWT so that one of its bytes can change and leave a header that
    // passes every header check: only the signature can catch the change.
    let tok = p.tok().header_str("typ", "JWT");
    let token = tok.at(TIMELESS);
    let (_, _, s) = parts(&token);
    let header = tok.header_string();
    let payload = tok.payload_at(TIMELESS);
    let splice = |h: &str, pl: &str| format!("{}.{}.{s}", b64(h.as_bytes()), b64(pl.as_bytes()));
    let change = |text: &str, at: usize, to: u8| {
        let mut bytes = text.as_bytes().to_vec();
        bytes[at] = to;
        String::from_utf8(bytes).expect("ASCII change")
    };
    let c = |name: &str, description: &str| -> Draft { p.case(NS, name, description, CHANGED) };

    let typ_at = header.find("\"JWT\"").expect("typ JWT") + 1;
    let uid_at = payload.find(super::draft::USER).expect("user id") + super::draft::USER.len() - 1;
    let mid = payload.len() / 2;
    let mut rows: Vec<(&str, &str, String)> = vec![
        (
            "header-byte-changed",
            "The canonical signature over a header whose typ JWT became jWT.",
            splice(&change(&header, typ_at, b'j'), &payload),
        ),
        (
            "payload-user-byte-changed",
            "The canonical signature over claims whose user-1 became user-2.",
            splice(&header, &change(&payload, uid_at, b'2')),
        ),
    ];
    // The first date of the canonical claims (Kustomer's have iat alone).
    let dates = [
        ("\"exp\":", "payload-exp-byte-changed", "The canonical signature over claims whose exp's first digit became 9 (centuries later)."),
        ("\"iat\":", "payload-iat-byte-changed", "The canonical signature over claims whose iat's first digit became 9 (centuries later)."),
    ];
    if let Some((member, name, description)) = dates.iter().find(|d| payload.contains(d.0)) {
        let at = payload.find(member).expect("present") + member.len();
        rows.push((
            name,
            description,
            splice(&header, &change(&payload, at, b'9')),
        ));
    }
    rows.extend([
        (
            "payload-middle-bit-flipped",
            "The canonical signature over claims with the lowest bit of their middle byte flipped.",
            splice(&header, &change(&payload, mid, payload.as_bytes()[mid] ^ 1)),
        ),
        (
            "payload-last-byte-changed",
            "The canonical signature over claims whose closing brace became a space.",
            splice(&header, &change(&payload, payload.len() - 1, b' ')),
        ),
    ]);
    for (name, description, t) in rows {
        out.push(c(name, description).raw(t).rejected("bad_signature"));
    }
}
