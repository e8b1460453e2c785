#!/usr/bin/env node
// idjwt adapter protocol v1 (docs/adapter-protocol.md) for the `fast-jwt` npm package.
// One JSON request per line on stdin, one JSON response per line on stdout.
//
// The library is used as its README shows. Signing: `createSigner({ key, algorithm, kid, header,
// noTimestamp })(claims)`. Verifying (configured mode): `createVerifier({ key, algorithms,
// allowedIss, allowedAud, clockTimestamp, clockTolerance, requiredClaims, complete: true,
// cache: false })(token)`, where `key` is an async key function that picks the key the header's
// `kid` names, as the README's JWKS integration (get-jwks) does. fast-jwt takes no JWK: a secret
// is a Buffer, an EC or RSA key a PEM string (SPKI to verify, PKCS#8 to sign; README
// "createVerifier", `key`). A key function returns one key; for a token without `kid` each
// configured key of the algorithm's family is tried in turn, as an application rotating keys
// would. Source references are to node_modules/fast-jwt/ (6.3.6).
//
// Defaults mode (`"mode":"defaults"`): `createVerifier({ key, algorithms, complete: true })`,
// the key being the one the application picks by `kid` (a Buffer or PEM string, the README's
// plain form). `complete` only makes it return the header too. Left at its defaults, the
// verifier compares `exp` and `nbf` with the system clock and no tolerance (src/verifier.js:310,
// 507, 613-632), requires no claim (src/verifier.js:301-307) and compares no `iss` or `aud`
// (src/verifier.js:642-648, each only when the option is given); the cache is off
// (src/verifier.js:94-97, 598).
//
// Keys published at a URL (a request with `jwks`) are fetched by `get-jwks` (11.0.3), the
// package fast-jwt's README sends JWKS users to: the key function returns
// `getJwks.getPublicKey({ kid, alg, domain })` for the decoded header. Source references for it
// are to node_modules/get-jwks/.
'use strict';

const crypto = require('node:crypto');
const { createSigner, createVerifier, createDecoder, TokenError, TOKEN_ERROR_CODES: C } = require('fast-jwt');
const { version } = require('fast-jwt/package.json');
const buildGetJwks = require('get-jwks');
const { Refusal, family, isObject, serve } = require('../node-common/protocol.cjs');

const DESCRIPTION = {
  ok: true,
  name: 'node-fast-jwt',
  version,
  algorithms: ['HS256', 'ES256', 'RS256', 'RS512'],
  // src/verifier.js:310 compares dates with `clockTimestamp || Date.now()`: the option injects
  // the clock; in defaults mode it is not given.
  clock: 'injected',
  modes: ['configured', 'defaults'],
  defaults_clock: 'system',
  // A request with `jwks` is verified with a key get-jwks fetched.
  fetches_jwks: true,
  cannot_enforce: [
    { check: 'duplicate_members', why: 'header and payload go through plain JSON.parse (src/decoder.js:48, 59), where the last duplicate wins; there is no option to refuse them' },
  ],
};

// The key material fast-jwt takes for a JWK: a Buffer secret, or an EC or RSA key as a PEM string
// (src/crypto.js:276-281, 331-336 refuse anything but a string or a Buffer).
function keyMaterial(jwk, usage) {
  if (!isObject(jwk)) throw new Refusal('invalid_key', 'the key is not a JWK object');
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new Refusal('invalid_key', 'the oct key has no "k"');
    return Buffer.from(jwk.k, 'base64url');
  }
  if (jwk.kty === 'EC' || jwk.kty === 'RSA') {
    const { kid, ...key } = jwk; // eslint-disable-line no-unused-vars
    try {
      return usage === 'sign'
        ? crypto.createPrivateKey({ key, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' })
        : crypto.createPublicKey({ key, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    } catch (e) {
      throw new Refusal('invalid_key', `cannot import the ${jwk.kty} key: ${e.message}`);
    }
  }
  throw new Refusal('invalid_key', `unsupported key type ${JSON.stringify(jwk.kty)}`);
}

function sign(req) {
  // src/signer.js:202-207 builds `{ alg, typ: typ || 'JWT', kid, ...header }`: the `header`
  // option overrides `typ`, and an undefined member is dropped by JSON.stringify, so nothing
  // but the requested members is written. `noTimestamp` stops it adding `iat`, but also drops a
  // given one (src/signer.js:213-218); without it a given integral `iat` is kept as it is.
  const { kid, ...rest } = isObject(req.header) ? req.header : {};
  const options = {
    key: keyMaterial(req.key, 'sign'),
    algorithm: req.alg,
    header: { typ: undefined, ...rest },
    noTimestamp: !(isObject(req.claims) && Object.hasOwn(req.claims, 'iat')),
  };
  if (kid !== undefined) {
    if (typeof kid === 'string') options.kid = kid;
    else options.header.kid = kid;
  }
  return createSigner(options)(req.claims);
}

// The configured keys a token may be verified with: the one its `kid` names, or without `kid`
// those of its algorithm's family (all of them when none is, so that the library says why).
function candidates(header, keys) {
  if (!Array.isArray(keys) || keys.length === 0) throw new Refusal('no_key', 'no key is configured');
  if (isObject(header) && header.kid !== undefined) {
    const named = keys.filter((k) => k?.kid === header.kid);
    if (named.length === 0) {
      const reason = typeof header.kid === 'string' ? 'unknown_kid' : 'header_member_type';
      throw new Refusal(reason, `no configured key has kid ${JSON.stringify(header.kid)}`);
    }
    return { keys: named, byKid: true };
  }
  const same = keys.filter((k) => k?.kty === family(isObject(header) ? header.alg : null));
  return { keys: same.length > 0 ? same : keys, byKid: false };
}

const HMAC_LENGTHS = { HS256: 32, HS384: 48, HS512: 64 };

// The closest reason code for an error thrown by a fast-jwt verifier; `jwk` is the key tried.
function reasonOf(e, token, jwk) {
  if (e instanceof Refusal) return e.reason;
  if (!(e instanceof TokenError)) return undefined;
  const orig = e.originalError;
  if (orig instanceof Refusal) return orig.reason; // thrown by the key function, wrapped
  const m = String(e.message);
  const parts = String(token).split('.');
  const header = (() => {
    try { return JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf-8')); } catch (_) { return null; }
  })();
  // verifySignature turns a key of another family than `alg` into a failed signature: an HMAC
  // over a public KeyObject throws and reads as `false`, an RSA or EC verification with a secret
  // KeyObject throws `verifyError`, with an EC key for RS256 OpenSSL answers `false`
  // (src/crypto.js:389-421). The library refused the key, not the signature.
  const wrongFamily = isObject(header) && isObject(jwk) && family(header.alg) !== null
    && family(header.alg) !== jwk.kty;
  switch (e.code) {
    case C.malformed:
      if (/^The token is malformed/.test(m)) return 'segment_count';
      if (/header is not a valid JSON object/.test(m)) return 'not_an_object';
      {
        // The decoder refuses a segment outside the base64url alphabet, then JSON it cannot parse
        // (src/decoder.js:35-40, 71-76).
        const segment = /payload/.test(m) ? parts[1] : parts[0];
        if (parts.length !== 3) return 'segment_count';
        if (segment === '') return 'empty_segment';
        if (!/^[\w-]*$/.test(segment)) return 'invalid_base64';
        return 'invalid_json';
      }
    case C.invalidPayload: return 'not_an_object';
    case C.missingSignature: return 'empty_segment';
    case C.missingKey: return 'no_key';
    case C.invalidCritHeader: return 'crit_present';
    case C.missingRequiredClaim: return 'missing_claim';
    case C.invalidClaimType: return 'claim_type';
    case C.invalidClaimValue:
      if (/must be a/.test(m)) return 'claim_type';
      if (/\biss\b/.test(m)) return 'issuer_mismatch';
      if (/\baud\b/.test(m)) return 'audience_mismatch';
      return 'claim_value';
    case C.expired: return 'expired';
    case C.inactive: return 'not_yet_valid';
    case C.invalidSignature:
      // The decoder refuses a signature segment outside the base64url alphabet with this code
      // (src/decoder.js:41-43) before any key is used.
      if (parts.length === 3 && !/^[\w-]*$/.test(parts[2])) return 'invalid_base64';
      if (wrongFamily) return 'key_family_mismatch';
      // An HMAC tag of another length makes timingSafeEqual throw, which verifySignature turns
      // into `false` (src/crypto.js:396-401): the signature was refused for its length.
      if (isObject(header) && Object.hasOwn(HMAC_LENGTHS, header.alg)
        && Buffer.from(parts[2], 'base64url').length !== HMAC_LENGTHS[header.alg]) return 'signature_length';
      return 'bad_signature';
    case C.verifyError:
      if (wrongFamily) return 'key_family_mismatch';
      // joseToDer refuses an ES signature of the wrong length (src/crypto.js:411-420).
      if (orig && /signatures must be/.test(String(orig.message))) return 'signature_length';
      return 'bad_signature';
    case C.invalidKey:
      if (/cannot be an empty/.test(m)) return 'empty_key';
      if (/^Invalid public key provided for algorithms/.test(m)) return 'key_family_mismatch';
      return 'invalid_key';
    case C.invalidAlgorithm:
      if (!isObject(header)) return 'not_an_object';
      if (header.alg === undefined) return 'alg_missing';
      if (typeof header.alg !== 'string') return 'header_member_type';
      return header.alg.toLowerCase() === 'none' ? 'alg_none' : 'alg_not_allowed';
    case C.invalidOption: return 'invalid_key';
    case C.keyFetchingError: return 'invalid_key';
    default: return undefined;
  }
}

// A refusal with the library's error and the closest reason code.
function refusal(e, token, jwk) {
  if (e instanceof Refusal) return e;
  const code = e?.code ? `${e.code}: ` : '';
  const cause = e?.originalError ? ` (${e.originalError.message})` : '';
  return new Refusal(reasonOf(e, token, jwk), `fast-jwt: ${code}${e?.message ?? e}${cause}`);
}

// Only a signature or key failure depends on the key tried; anything else is final.
const KEY_DEPENDENT = ['bad_signature', 'key_family_mismatch', 'invalid_key', 'signature_length', 'empty_key'];

function answer(decoded) {
  return { ok: true, header: decoded.header, claims: decoded.payload };
}

// createVerifier's options for `key`: the request's in configured mode; in defaults mode the
// allow-list alone (`complete` only makes it return the header too).
function verifierOptions(req, key) {
  if (req.mode === 'defaults') return { key, algorithms: req.algorithms, complete: true };
  return {
    key,
    algorithms: req.algorithms,
    allowedIss: req.issuer ?? undefined,
    allowedAud: req.audience ?? undefined,
    clockTimestamp: req.now * 1000,
    clockTolerance: req.leeway * 1000,
    requiredClaims: req.required ?? [],
    complete: true,
    cache: false,
  };
}

async function verifyConfigured(req) {
  // The key function receives the decoded token (src/verifier.js:441, src/utils.js:3-14) and
  // picks the key by `kid`; for a token without `kid` the attempt number picks the family key.
  let attempt = 0;
  let tried = 1;
  let jwk = null;
  const keyFor = async ({ header }) => {
    const { keys, byKid } = candidates(header, req.keys);
    tried = byKid ? 1 : keys.length;
    jwk = keys[Math.min(attempt, keys.length - 1)];
    return keyMaterial(jwk, 'verify');
  };
  let failure = null;
  for (; attempt < tried; attempt += 1) {
    try {
      const verifier = createVerifier(verifierOptions(req, keyFor));
      return answer(await verifier(req.token));
    } catch (e) {
      const err = refusal(e, req.token, jwk);
      if (!KEY_DEPENDENT.includes(err.reason)) throw err;
      if (!failure || failure.reason !== 'bad_signature') failure = err;
    }
  }
  throw failure;
}

async function verifyDefaults(req) {
  // The application picks the key by `kid` from the decoded header, then hands it over.
  let header = null;
  try { header = createDecoder({ complete: true })(req.token).header; } catch (_) { /* the verifier says */ }
  let picked;
  try { picked = candidates(header, req.keys).keys; } catch (e) {
    if (header !== null || e.reason === 'no_key') throw e;
    picked = req.keys; // undecodable: any key will do, the verifier refuses the token
  }
  let failure = null;
  for (const jwk of picked) {
    try {
      const verifier = createVerifier(verifierOptions(req, keyMaterial(jwk, 'verify')));
      return answer(verifier(req.token));
    } catch (e) {
      const err = refusal(e, req.token, jwk);
      if (!KEY_DEPENDENT.includes(err.reason)) throw err;
      if (!failure || failure.reason !== 'bad_signature') failure = err;
    }
  }
  throw failure;
}

// One get-jwks instance per key set URL, kept as an application keeps it (the harness never
// sends one URL for two cases), at most REMOTE_KEPT at once.
const REMOTE_KEPT = 256;
const remoteSets = new Map();

// get-jwks fetches `<domain>/<jwksPath>` (src/get-jwks.js:108-116): the URL's origin is the
// domain and its path the `jwksPath`. Configured mode also passes the request's timeout as the
// README's `timeout` option; defaults mode passes nothing else.
function remoteSet(jwks, mode) {
  let set = remoteSets.get(jwks.url);
  if (set === undefined) {
    const { pathname } = new URL(jwks.url);
    set = buildGetJwks(mode === 'defaults' ? { jwksPath: pathname } : { jwksPath: pathname, timeout: jwks.timeout_ms });
    if (remoteSets.size >= REMOTE_KEPT) remoteSets.delete(remoteSets.keys().next().value);
    remoteSets.set(jwks.url, set);
  }
  return set;
}

// The closest reason code for an error of get-jwks, thrown from the key function.
function remoteReason(e) {
  switch (e?.code) {
    case 'JWK_NOT_FOUND': return 'unknown_kid';
    case 'JWKS_REQUEST_FAILED':
    case 'NO_JWKS':
      return 'key_set_unavailable';
    default:
      // response.json() of a body that is not JSON, or undici's own failure.
      if (e instanceof SyntaxError || (e instanceof TypeError && /fetch failed/.test(String(e.message)))) return 'key_set_unavailable';
      return undefined;
  }
}

// A token whose keys are published: the key function asks get-jwks for the header's `kid` and
// `alg`, as fast-jwt's README shows for JWKS.
async function verifyRemote(req) {
  const set = remoteSet(req.jwks, req.mode);
  const { origin } = new URL(req.jwks.url);
  let keyError = null;
  const key = async ({ header }) => {
    try {
      return await set.getPublicKey({ kid: header.kid, alg: header.alg, domain: origin });
    } catch (e) {
      keyError = e;
      throw e;
    }
  };
  try {
    return answer(await createVerifier(verifierOptions(req, key))(req.token));
  } catch (e) {
    if (keyError === null) throw refusal(e, req.token, null);
    throw new Refusal(remoteReason(keyError), `fast-jwt with get-jwks: ${keyError.code ?? keyError.name}: ${keyError.message}`);
  }
}

function verify(req) {
  if (req.jwks) return verifyRemote(req);
  return req.mode === 'defaults' ? verifyDefaults(req) : verifyConfigured(req);
}

serve({ description: DESCRIPTION, sign, verify });
