#!/usr/bin/env node
// idjwt adapter protocol v1 (docs/adapter-protocol.md) for the `jsonwebtoken` npm package.
// One JSON request per line on stdin, one JSON response per line on stdout.
//
// The library is used as its README shows: `jwt.sign(payload, key, { algorithm, header })` and
// `jwt.verify(token, key, { algorithms, issuer, audience, clockTimestamp, clockTolerance,
// complete: true })`. It has no key-set support, so the adapter picks the key the way an
// application would: the request key whose `kid` equals the header's (`jwt.decode` reads it),
// or, without a `kid`, each key of the algorithm's family in turn. An oct JWK becomes a Buffer
// secret; EC and RSA JWKs become Node KeyObjects (`crypto.createPublicKey` for verify,
// `createPrivateKey` for sign, both with `format: 'jwk'`). Source references are to
// node_modules/jsonwebtoken/ (9.0.3).
//
// Defaults mode (`"mode":"defaults"`): `jwt.verify(token, key, { algorithms, complete: true })`.
// `complete` only makes it return the header too. Left at its defaults, the library compares
// `exp` and `nbf` with the system clock and no tolerance (verify.js:57, 176-192) and compares no
// `aud` or `iss` (verify.js:194-216, each only when the option is given).
//
// Keys published at a URL (a request with `jwks`) are fetched by `jwks-rsa` (4.1.0), the client
// jsonwebtoken users pair it with: `jwt.verify(token, getKey, options, callback)` with a key
// callback that calls `client.getSigningKey(header.kid)` (jwks-rsa's README). Source references
// for it are to node_modules/jwks-rsa/.
'use strict';

const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const jwksRsa = require('jwks-rsa');
const { version } = require('jsonwebtoken/package.json');
const { Refusal, family, isObject, serve } = require('../node-common/protocol.cjs');

const DESCRIPTION = {
  ok: true,
  name: 'node-jsonwebtoken',
  version,
  algorithms: ['HS256', 'ES256', 'RS256', 'RS512'],
  // verify.js:57 uses `options.clockTimestamp` as "now" when given, and the system clock when
  // not: in defaults mode it is not given.
  clock: 'injected',
  modes: ['configured', 'defaults'],
  defaults_clock: 'system',
  // A request with `jwks` is verified with a jwks-rsa client's key.
  fetches_jwks: true,
  cannot_enforce: [
    { check: 'required_claims', why: 'jwt.verify has no option to require arbitrary claims: it only compares the claims it is given expected values for, and a missing exp or nbf is no error (verify.js:176-249)' },
    { check: 'duplicate_members', why: 'header and payload go through plain JSON.parse (jws/lib/verify-stream.js:17, decode.js:12), where the last duplicate wins; there is no option to refuse them' },
    { check: 'crit', why: 'the `crit` header member is never read by jwt.verify (verify.js:85-261) nor by jws, so unknown critical extensions cannot be refused' },
  ],
};

// A JWK as the key material jsonwebtoken takes: a Buffer secret or a Node KeyObject.
function keyMaterial(jwk, usage) {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new Refusal('invalid_key', 'the oct key has no "k"');
    return Buffer.from(jwk.k, 'base64url');
  }
  if (jwk.kty === 'EC' || jwk.kty === 'RSA') {
    const { kid, ...key } = jwk; // eslint-disable-line no-unused-vars
    try {
      return (usage === 'sign' ? crypto.createPrivateKey : crypto.createPublicKey)({ key, format: 'jwk' });
    } catch (e) {
      throw new Refusal('invalid_key', `cannot import the ${jwk.kty} key: ${e.message}`);
    }
  }
  throw new Refusal('invalid_key', `unsupported key type ${JSON.stringify(jwk.kty)}`);
}

function sign(req) {
  // sign.js:97-101 adds `typ: "JWT"` unless `options.header` overrides it; the protocol wants
  // only the requested members (an undefined one is dropped by JSON.stringify). `noTimestamp`
  // stops it adding `iat` but also deletes a given one (sign.js:185-191).
  const header = { typ: undefined, ...req.header, alg: req.alg };
  const noTimestamp = !Object.hasOwn(req.claims, 'iat');
  return jwt.sign(req.claims, keyMaterial(req.key, 'sign'), { algorithm: req.alg, header, noTimestamp });
}

// jwt.verify's options: the request's in configured mode, the allow-list alone in defaults mode.
function verifyOptions(req) {
  return req.mode === 'defaults' ? { algorithms: req.algorithms, complete: true } : {
    algorithms: req.algorithms,
    issuer: req.issuer ?? undefined,
    audience: req.audience ?? undefined,
    clockTimestamp: req.now,
    clockTolerance: req.leeway,
    complete: true,
  };
}

// The closest reason code for an error thrown by jwt.verify.
function reasonOf(e, header, token) {
  if (e instanceof jwt.TokenExpiredError) return 'expired';
  if (e instanceof jwt.NotBeforeError) return 'not_yet_valid';
  if (e instanceof SyntaxError) return 'invalid_json'; // jws decode of a typ:JWT payload
  const m = String(e.message);
  const table = [
    [/^jwt malformed|^jwt must be provided/, 'segment_count'],
    [/^jwt signature is required/, 'empty_segment'],
    [/^invalid signature/, 'bad_signature'],
    [/signatures must be "\d+" bytes/, 'signature_length'],
    [/^secretOrPublicKey must be an? (a)?symmetric key|^"alg" parameter/, 'key_family_mismatch'],
    [/^secretOrPublicKey is not valid key material/, 'invalid_key'],
    [/^secret or public key must be provided/, 'no_key'],
    [/^invalid (nbf|exp) value/, 'claim_type'],
    [/^jwt audience invalid/, 'audience_mismatch'],
    [/^jwt issuer invalid/, 'issuer_mismatch'],
  ];
  for (const [re, code] of table) if (re.test(m)) return code;
  if (/^invalid algorithm/.test(m)) {
    if (!isObject(header)) return 'not_an_object';
    if (header.alg === undefined) return 'alg_missing';
    if (typeof header.alg !== 'string') return 'header_member_type';
    return header.alg.toLowerCase() === 'none' ? 'alg_none' : 'alg_not_allowed';
  }
  // jws.decode returned null (verify.js:81): a segment is empty or not base64url, or the header
  // is not JSON (jws/lib/verify-stream.js:40-42, 61-67).
  if (!/^invalid token/.test(m)) return undefined;
  const parts = token.split('.');
  if (parts[0] === '' || parts[1] === '') return 'empty_segment';
  return /^[\w-]*$/.test(parts.join('')) ? 'invalid_json' : 'invalid_base64';
}

// One jwks-rsa client per key set URL, kept as an application keeps it (the harness never sends
// one URL for two cases), at most REMOTE_KEPT at once.
const REMOTE_KEPT = 256;
const remoteClients = new Map();

// jwks-rsa's client for `jwks` (its README): in configured mode with the request's timeout and
// the signing-key cache on (the default); its rate limit is off by default, which is what a
// refetch interval of 0 asks for (src/JwksClient.js:8-28). In defaults mode, `{ jwksUri }`.
function remoteClient(jwks, mode) {
  let client = remoteClients.get(jwks.url);
  if (client === undefined) {
    client = jwksRsa(mode === 'defaults' ? { jwksUri: jwks.url }
      : { jwksUri: jwks.url, timeout: jwks.timeout_ms, cache: true, rateLimit: jwks.refetch_after > 0,
        jwksRequestsPerMinute: jwks.refetch_after > 0 ? Math.max(1, Math.floor(60 / jwks.refetch_after)) : undefined });
    if (remoteClients.size >= REMOTE_KEPT) remoteClients.delete(remoteClients.keys().next().value);
    remoteClients.set(jwks.url, client);
  }
  return client;
}

// The closest reason code for a jwks-rsa error passed to jwt.verify's key callback.
function keyErrorReason(e) {
  if (e?.name === 'SigningKeyNotFoundError') return 'unknown_kid';
  if (e?.isEndpointUnavailable) return 'key_set_unavailable'; // src/JwksClient.js:43-48
  // "did not contain any (signing) keys": nothing in the set the client will use.
  if (e?.name === 'JwksError') return /signing keys/.test(String(e.message)) ? 'unknown_kid' : 'key_set_unavailable';
  return undefined;
}

// A token whose keys are published: jwt.verify with a key callback that asks jwks-rsa for the
// header's `kid`, as jwks-rsa's README shows for jsonwebtoken.
function verifyRemote(req, options) {
  const client = remoteClient(req.jwks, req.mode);
  return new Promise((resolve, reject) => {
    let keyError = null;
    const getKey = (header, callback) => client.getSigningKey(header.kid, (err, key) => {
      if (err) { keyError = err; return callback(err); }
      return callback(null, key.getPublicKey());
    });
    jwt.verify(req.token, getKey, options, (err, decoded) => {
      if (!err) return resolve({ ok: true, header: decoded.header, claims: isObject(decoded.payload) ? decoded.payload : {} });
      let header = null;
      try { header = jwt.decode(req.token, { complete: true })?.header ?? null; } catch (_) { /* reasonOf says */ }
      const reason = keyError ? keyErrorReason(keyError) : reasonOf(err, header, req.token);
      return reject(new Refusal(reason, `jsonwebtoken with jwks-rsa: ${err.name}: ${err.message}`));
    });
  });
}

function verify(req) {
  if (req.jwks) return verifyRemote(req, verifyOptions(req));
  let header = null;
  try { header = jwt.decode(req.token, { complete: true })?.header ?? null; } catch (_) { /* verify says */ }

  // Key selection, as an application using jsonwebtoken must do it itself.
  let candidates = req.keys;
  if (isObject(header) && header.kid !== undefined) {
    candidates = req.keys.filter((k) => k.kid === header.kid);
    if (candidates.length === 0) {
      const reason = typeof header.kid === 'string' ? 'unknown_kid' : 'header_member_type';
      throw new Refusal(reason, `no configured key has kid ${JSON.stringify(header.kid)}`);
    }
  } else if (isObject(header)) {
    const same = req.keys.filter((k) => k.kty === family(header.alg));
    if (same.length > 0) candidates = same;
  }

  const options = verifyOptions(req);
  let failure = null;
  for (const jwk of candidates.length > 0 ? candidates : [null]) {
    let key;
    try { key = jwk ? keyMaterial(jwk, 'verify') : undefined; } catch (e) { failure ||= e; continue; }
    try {
      const decoded = jwt.verify(req.token, key, options);
      let claims = decoded.payload;
      if (!isObject(claims)) {
        // decode.js:10-17 keeps the payload as a string when it is not JSON of an object, and
        // verify.js returns it: the library accepted a token that carries no claims.
        process.stderr.write(`${req.id}: jsonwebtoken accepted a ${typeof claims} payload\n`);
        claims = {};
      }
      return { ok: true, header: decoded.header, claims };
    } catch (e) {
      const reason = reasonOf(e, header, req.token);
      const err = new Refusal(reason, `jsonwebtoken: ${e.name}: ${e.message}`);
      // Only a signature or key-type failure depends on the key; anything else is final.
      if (!['bad_signature', 'key_family_mismatch', 'invalid_key', 'signature_length'].includes(reason)) {
        throw err;
      }
      if (!failure || failure.reason !== 'bad_signature') failure = err;
    }
  }
  throw failure;
}

serve({ description: DESCRIPTION, sign, verify });
