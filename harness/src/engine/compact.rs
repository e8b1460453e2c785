//! Layer 1: the JWS compact serialization (RFC 7515 §7.1) and strict base64url (§2).
//!
//! The size limit is checked before anything else so that an oversized token costs nothing to
//! refuse. Base64url is checked by hand first so that a rejection names the exact problem
//! (padding, whitespace, `+`/`/`, non-canonical trailing bits) rather than a decoder's message.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::verdict::{Part, Reason};

/// Unpadded, canonical base64url: the only encoding RFC 7515 allows in compact JWS.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// The base64url alphabet (RFC 4648 §5) as a byte-indexed table.
const IN_ALPHABET: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_');
        b += 1;
    }
    table
};

/// A compact JWS split into its three segments and decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compact<'a> {
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: the bytes the signature covers.
    pub signing_input: &'a str,
    /// The decoded header bytes (not yet parsed as JSON).
    pub header: Vec<u8>,
    /// The decoded payload bytes.
    pub payload: Vec<u8>,
    /// The decoded signature bytes.
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWS, enforcing the size limit first.
pub fn split(token: &str, max_bytes: usize) -> Result<Compact<'_>, Reason> {
    if token.len() > max_bytes {
        return Err(Reason::TokenTooLarge {
            size: token.len(),
            limit: max_bytes,
        });
    }
    let dots = token.bytes().filter(|&b| b == b'.').count();
    if token.is_empty() || dots != 2 {
        return Err(Reason::SegmentCount {
            found: if token.is_empty() { 0 } else { dots + 1 },
        });
    }
    let mut pieces = token.splitn(3, '.');
    let segments = [
        pieces.next().unwrap_or_default(),
        pieces.next().unwrap_or_default(),
        pieces.next().unwrap_or_default(),
    ];
    let parts = [Part::Header, Part::Payload, Part::Signature];
    for (segment, part) in segments.iter().zip(parts) {
        if segment.is_empty() {
            return Err(Reason::EmptySegment { part });
        }
    }
    let header = decode_segment(segments[0], Part::Header)?;
    let payload = decode_segment(segments[1], Part::Payload)?;
    let signature = decode_segment(segments[2], Part::Signature)?;
    let signing_input = &token[..segments[0].len() + 1 + segments[1].len()];
    Ok(Compact {
        signing_input,
        header,
        payload,
        signature,
    })
}

/// Decodes one segment as canonical unpadded base64url.
pub fn decode_segment(segment: &str, part: Part) -> Result<Vec<u8>, Reason> {
    let bad = |offset: usize, problem: &str| Reason::InvalidBase64 {
        part,
        offset,
        problem: problem.to_owned(),
    };
    // One table lookup per byte; the offending byte, if any, is classified afterwards.
    if let Some(offset) = segment.bytes().position(|b| !IN_ALPHABET[usize::from(b)]) {
        let problem = match segment.as_bytes()[offset] {
            b'=' => "'=' padding is not allowed",
            b'+' | b'/' => "'+' and '/' belong to standard base64, not base64url",
            b' ' | b'\t' | b'\r' | b'\n' => "whitespace is not allowed",
            0x80..=0xFF => "non-ASCII byte",
            _ => "character outside the base64url alphabet",
        };
        return Err(bad(offset, problem));
    }
    if segment.len() % 4 == 1 {
        return Err(bad(
            segment.len(),
            "impossible length (a multiple of 4 plus 1)",
        ));
    }
    B64URL.decode(segment).map_err(|_| {
        bad(
            segment.len() - 1,
            "non-canonical: unused trailing bits are not zero",
        )
    })
}

/// Encodes bytes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    B64URL.encode(bytes)
}

/// Appends the unpadded base64url of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    B64URL.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<Compact<'_>, Reason>) -> String {
        r.map(|_| "ok".to_owned())
            .unwrap_or_else(|e| e.code().to_owned())
    }

    const OK: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    #[test]
    fn splits_three_segments() {
        let c = split(OK, 1000).unwrap();
        assert_eq!(c.header, br#"{"alg":"HS256"}"#);
        assert_eq!(c.payload, br#"{"sub":"1"}"#);
        assert_eq!(c.signature, b"sig");
        assert_eq!(c.signing_input, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0");
    }

    #[test]
    fn size_limit_comes_first() {
        let big = "!".repeat(20_000);
        assert_eq!(
            split(&big, 16 * 1024),
            Err(Reason::TokenTooLarge {
                size: 20_000,
                limit: 16 * 1024
            })
        );
        assert_eq!(code(split(OK, OK.len())), "ok");
        assert_eq!(code(split(OK, OK.len() - 1)), "token_too_large");
    }

    #[test]
    fn segment_counts() {
        assert_eq!(split("", 100), Err(Reason::SegmentCount { found: 0 }));
        assert_eq!(split("a.b", 100), Err(Reason::SegmentCount { found: 2 }));
        assert_eq!(
            split("a.b.c.d", 100),
            Err(Reason::SegmentCount { found: 4 })
        );
        assert_eq!(
            split("a.b.c.d.e", 100),
            Err(Reason::SegmentCount { found: 5 })
        );
        assert_eq!(code(split(&format!("{OK}."), 100)), "segment_count");
        assert_eq!(code(split(r#"{"payload":"x"}"#, 100)), "segment_count");
    }

    #[test]
    fn empty_segments() {
        for (token, part) in [
            (".eyJ9.c2ln", Part::Header),
            ("eyJ9..c2ln", Part::Payload),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.", Part::Signature),
        ] {
            assert_eq!(split(token, 100), Err(Reason::EmptySegment { part }));
        }
    }

    #[test]
    fn base64url_strictness() {
        let cases = [
            ("c2ln=", "padding"),
            ("c2l+", "standard base64"),
            ("c2l/", "standard base64"),
            ("c2 ln", "whitespace"),
            ("c2ln\n", "whitespace"),
            ("c2l*", "outside"),
            ("c2lnZ", "impossible length"),
            ("YR", "non-canonical"),
            ("c2é", "non-ASCII"),
        ];
        for (segment, needle) in cases {
            let err = decode_segment(segment, Part::Signature).unwrap_err();
            assert_eq!(err.code(), "invalid_base64", "{segment}");
            assert!(err.to_string().contains(needle), "{segment}: {err}");
        }
        assert_eq!(decode_segment("c2ln", Part::Signature).unwrap(), b"sig");
        assert_eq!(
            decode_segment("_-8", Part::Signature).unwrap(),
            [0xff, 0xef]
        );
    }

    #[test]
    fn leading_and_trailing_whitespace_rejected() {
        assert_eq!(code(split(&format!(" {OK}"), 100)), "invalid_base64");
        assert_eq!(code(split(&format!("{OK}\n"), 100)), "invalid_base64");
    }

    #[test]
    fn encode_round_trips() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            let text = encode(&bytes);
            assert!(!text.contains('='));
            if !bytes.is_empty() {
                assert_eq!(decode_segment(&text, Part::Payload).unwrap(), bytes);
            }
        }
    }
}
