//! `fetch`: key sets an implementation fetches itself from a URL (policy.md §4.20), served by
//! the harness's loopback publisher: the set found by `kid` and without one, a rotated key found
//! by fetching again, and every way a publisher can fail (a redirect to another host, an
//! oversized document, something that is not JSON, an error status, an answer slower than the
//! client's timeout, a broken set).

use super::draft::{jose, NOW};
use super::token::signed_jws;
use crate::contract::{checks, Jwk};
use crate::engine::keys::Key;
use crate::engine::Alg;
use crate::suite::case::{Case, Publication, PublisherAnswer, VectorFile};
use crate::suite::run::CONFIGURED_ONLY;

const NS: &str = "fetch";

/// The claims of every judged token.
const PAYLOAD: &str = r#"{"sub":"user-1","exp":${now+3600}}"#;
/// The claims of a warm-up token: no date, so that it is the same at every time.
const WARM_UP_PAYLOAD: &str = r#"{"sub":"warm-up"}"#;

/// The client's fetch timeout in every case, milliseconds.
const TIMEOUT_MS: u64 = 1_000;
/// How long the slow publisher keeps silent before it answers, milliseconds.
const SILENCE_MS: u64 = 8_000;
/// The size of the oversized document: twice policy.md §4.20's limit.
const OVERSIZED: usize = 2 << 20;

const PUBLISHED: &str = "policy.md §4.20 (a key set fetched from its URL verifies like a \
configured one; RFC 7517 §5)";
const NO_KID: &str = "policy.md §4.20 and §3.8 (without a kid, the keys of the fetched set are \
tried)";
const ROTATED: &str = "policy.md §4.20 (a kid the cached set does not hold fetches the set again \
once the last fetch is older than the client's refetch interval: a rotated key is found)";
const KEY_USE: &str = "policy.md §4.20 and §4.16 (a fetched JWK's use keeps it from verifying \
like a configured one's)";
const REDIRECT: &str = "policy.md §4.20 (a redirect is not followed: the configured URL is the \
only source of keys, and a key set on another host verifies nothing)";
const OVERSIZED_BASIS: &str = "policy.md §4.20 (a key set document over 1 MiB is refused \
unread)";
const BROKEN: &str = "policy.md §4.20 (a fetch that fails, times out, answers another status \
than 200 or returns something that is not a key set the rules accept leaves no key: nothing \
verifies)";
const SLOW: &str = "policy.md §4.20 (a fetch that takes longer than the client's timeout \
fails, and leaves no key)";
const DUPLICATE_KID: &str = "policy.md §4.20 and §4.19 (a fetched set with two keys under one \
kid is refused whole)";

pub(super) fn file() -> VectorFile {
    let mut cases = Vec::new();
    found(&mut cases, Alg::RS256);
    found(&mut cases, Alg::ES256);
    rotation(&mut cases);
    publisher_failures(&mut cases);
    super::draft::file(
        NS,
        "Key sets fetched from a URL by the implementation's own JWKS client: found by kid and \
         without one, a rotated key found by fetching again, a key marked for encryption, and \
         publishers that redirect to another host, send an oversized or non-JSON document, \
         answer an error, answer after the client's timeout, or publish two keys under one kid.",
        cases,
    )
}

/// The key `n` of `alg`'s family (`fetch-rs256-key-1`, …).
fn key(alg: Alg, n: u32) -> Key {
    Key::test_for(
        alg,
        &format!("fetch-{}-key-{n}", alg.as_str().to_ascii_lowercase()),
    )
}

/// A publication answering `answers`, with the suite's timeout and no refetch interval.
fn publishing(answers: Vec<PublisherAnswer>) -> Publication {
    Publication {
        answers,
        warm_up: None,
        refetch_after: 0,
        timeout_ms: TIMEOUT_MS,
    }
}

fn set(keys: &[usize]) -> PublisherAnswer {
    PublisherAnswer::KeySet {
        keys: keys.to_vec(),
    }
}

fn case(alg: Alg, name: &str, description: &str, basis: &str) -> super::draft::Draft {
    let id = format!("{}-{name}", alg.as_str().to_ascii_lowercase());
    jose(NS, &id, &[alg], description, basis).features(&["jwks-url"])
}

#[rustfmt::skip]
fn found(out: &mut Vec<Case>, alg: Alg) {
    let k = key(alg, 1);
    let a = alg.as_str();
    let one = || publishing(vec![set(&[0])]);
    out.push(case(alg, "published", &format!("The key set at the URL holds one key; a {a} token it signed, with its kid."), PUBLISHED).keys(std::slice::from_ref(&k)).published(one()).tok(signed_jws(alg, &k, true, PAYLOAD)).verified());
    out.push(case(alg, "published-no-kid", &format!("The key set at the URL holds one key; a {a} token it signed, without kid."), NO_KID).keys(std::slice::from_ref(&k)).published(one()).tok(signed_jws(alg, &k, false, PAYLOAD)).verified());
    let marked: Jwk = Jwk { use_: Some("enc".into()), ..k.to_jwk() };
    out.push(case(alg, "published-use-enc", &format!("The key set at the URL holds one key, with \"use\": \"enc\"; a {a} token it signed, with its kid."), KEY_USE).checks(&[checks::KEY_USE]).jwks(vec![marked]).published(one()).tok(signed_jws(alg, &k, true, PAYLOAD)).rejected("key_not_permitted"));
}

#[rustfmt::skip]
fn rotation(out: &mut Vec<Case>) {
    let rs = Alg::RS256;
    let (k1, k2) = (key(rs, 1), key(rs, 2));
    let warm_up = signed_jws(rs, &k1, true, WARM_UP_PAYLOAD).at(NOW);
    let rotated = Publication { warm_up: Some(warm_up), ..publishing(vec![set(&[0]), set(&[0, 1])]) };
    out.push(case(rs, "rotated-key-found", "The client has fetched and cached a set holding key 1 (a warm-up token it signed was verified first); the publisher has since added key 2; an RS256 token signed by key 2, with its kid. The client may fetch again at once.", ROTATED).keys(&[k1, k2.clone()]).published(rotated).tok(signed_jws(rs, &k2, true, PAYLOAD)).verified());
}

#[rustfmt::skip]
fn publisher_failures(out: &mut Vec<Case>) {
    let rs = Alg::RS256;
    let k = key(rs, 1);
    let elsewhere = Key::test_for(rs, "fetch-rs256-elsewhere");
    let token = || signed_jws(rs, &k, true, PAYLOAD);
    let failing = |answer: PublisherAnswer| publishing(vec![answer]);
    out.push(case(rs, "redirect-to-other-host", "The URL answers 302 to another host name, which serves a set holding another key; an RS256 token signed by that other key, with its kid.", REDIRECT).keys(&[k.clone(), elsewhere.clone()]).published(failing(PublisherAnswer::Redirect { keys: vec![1] })).tok(signed_jws(rs, &elsewhere, true, PAYLOAD)).rejected("key_set_unavailable"));
    out.push(case(rs, "oversized-set", "The URL serves the set holding the signing key with one more member that makes the document 2 MiB; an RS256 token signed by that key.", OVERSIZED_BASIS).features(&["dos"]).keys(std::slice::from_ref(&k)).published(failing(PublisherAnswer::Oversized { keys: vec![0], bytes: OVERSIZED })).tok(token()).rejected("key_set_unavailable"));
    out.push(case(rs, "not-json", "The URL answers 200 with HTML instead of a key set; an RS256 token signed by the configured key.", BROKEN).keys(std::slice::from_ref(&k)).published(failing(PublisherAnswer::NotJson)).tok(token()).rejected("key_set_unavailable"));
    out.push(case(rs, "status-500", "The URL answers 500; an RS256 token signed by the key it would publish.", BROKEN).keys(std::slice::from_ref(&k)).published(failing(PublisherAnswer::Status { status: 500 })).tok(token()).rejected("key_set_unavailable"));
    out.push(case(rs, "slow-publisher", &format!("The publisher accepts the connection, says nothing for {SILENCE_MS} ms, then serves the set holding the signing key; the client's timeout is {TIMEOUT_MS} ms; an RS256 token signed by that key. A client that waits past its timeout holds the request longer than the harness waits for an answer."), SLOW).features(&["dos", CONFIGURED_ONLY]).keys(std::slice::from_ref(&k)).published(failing(PublisherAnswer::Slow { millis: SILENCE_MS, keys: vec![0] })).tok(token()).rejected("key_set_unavailable"));
    let renamed = Jwk { kid: k.kid.clone(), ..key(rs, 2).to_jwk() };
    out.push(case(rs, "duplicate-kid-in-set", "The set at the URL holds two different keys under one kid; an RS256 token with that kid signed by the first.", DUPLICATE_KID).checks(&[checks::KID]).jwks(vec![k.to_jwk(), renamed]).published(publishing(vec![set(&[0, 1])])).tok(token()).rejected("key_set_unavailable"));
}
