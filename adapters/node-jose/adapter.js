#!/usr/bin/env node
// idjwt adapter protocol v1 (docs/adapter-protocol.md) for the `jose` npm package (ESM only).
// One JSON request per line on stdin, one JSON response per line on stdout.
//
// The library is used as its documentation shows: `new SignJWT(claims).setProtectedHeader()
// .sign(key)` and `jwtVerify(token, getKey, { algorithms, issuer, audience, requiredClaims,
// currentDate, clockTolerance })`. Keys are the request's JWKs, oct, EC and RSA alike, which
// jose imports itself (a JWK is a valid key input; an RSA JWK carries its private members only
// to sign). `getKey` receives the protected header once jose has parsed it and checked `crit`
// and the allow-list; it returns the key whose `kid` equals the header's, or, without a `kid`,
// each key of the algorithm's family in turn. (`createLocalJWKSet` would do the lookup but
// refuses symmetric keys.) Source references are to
// node_modules/jose/dist/webapi/ (6.2.18).
//
// Defaults mode (`"mode":"defaults"`): `jwtVerify(token, getKey, { algorithms })`. Left at its
// defaults, jose requires no claim, compares no `iss` or `aud` (lib/jwt_claims_set.js:65-70,
// each only when its option is given) and compares `nbf` and `exp` with the system clock and
// no tolerance (lines 71-88).
//
// Keys published at a URL (a request with `jwks`) are fetched by jose's own client,
// `createRemoteJWKSet`, kept per URL, and its key selection (jwks/local.js) picks the key.
import { createRequire } from 'node:module';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import protocol from '../node-common/protocol.cjs';

const { Refusal, family, serve } = protocol;

const { version } = createRequire(import.meta.url)('jose/package.json');

const DESCRIPTION = {
  ok: true,
  name: 'node-jose',
  version,
  algorithms: ['HS256', 'ES256', 'RS256', 'RS512'],
  // lib/jwt_claims_set.js:82 compares against `options.currentDate` when given, and the system
  // clock when not: in defaults mode it is not given.
  clock: 'injected',
  modes: ['configured', 'defaults'],
  defaults_clock: 'system',
  // A request with `jwks` is verified through createRemoteJWKSet.
  fetches_jwks: true,
  cannot_enforce: [
    {
      check: 'duplicate_members',
      why: 'header and claims go through plain JSON.parse (lib/validate.js:49, ' +
        'lib/jwt_claims_set.js:56), where the last duplicate member wins; there is no option to refuse them',
    },
  ],
};

function sign(req) {
  return new SignJWT(req.claims).setProtectedHeader({ alg: req.alg, ...req.header }).sign(req.key);
}

// jose's refusals of `alg` do not say which value it saw; its own header decoder does.
function algReason(token) {
  let alg;
  try { ({ alg } = decodeProtectedHeader(token)); } catch (_) { return 'alg_not_allowed'; }
  if (alg === undefined) return 'alg_missing';
  if (typeof alg !== 'string') return 'header_member_type';
  return alg.toLowerCase() === 'none' ? 'alg_none' : 'alg_not_allowed';
}

// The closest reason code for an error thrown by jwtVerify.
function reasonOf(e, token) {
  const m = String(e && e.message);
  const cause = e && e.cause;
  switch (e && e.code) {
    case 'ERR_JWT_EXPIRED': return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return 'bad_signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED': return algReason(token);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.reason === 'missing') return 'missing_claim';
      if (e.reason === 'invalid') return 'claim_type';
      return { iss: 'issuer_mismatch', aud: 'audience_mismatch', nbf: 'not_yet_valid' }[e.claim] || 'claim_value';
    case 'ERR_JOSE_NOT_SUPPORTED':
      if (/Extension Header Parameter/.test(m)) return 'crit_present';
      // A public JWK whose `kty` is not the algorithm's, such as an EC key for RS256
      // (lib/key.js:133-135).
      return /unsupported JWK "alg"/.test(m) ? 'key_family_mismatch' : undefined;
    case 'ERR_JWT_INVALID':
    case 'ERR_JWS_INVALID':
      if (/^Invalid Compact JWS/.test(m)) return 'segment_count';
      if (/crit/.test(m)) return 'crit_present';
      if (/b64|unencoded payload/.test(m)) return 'b64_present';
      if (/"alg"/.test(m)) return algReason(token);
      if (/base64url|ASCII/.test(m)) return 'invalid_base64';
      if (/Header is invalid|Claims Set must be/.test(m)) {
        if (!cause) return 'not_an_object';
        return /not correctly encoded/.test(String(cause.message)) ? 'invalid_base64' : 'invalid_json';
      }
      return undefined;
    default:
      if (/Zero-length key/i.test(m)) return 'empty_key';
      if (/JSON Web Key for (symmetric|this operation)|must be of type/.test(m)) return 'key_family_mismatch';
      if (e && (e.name === 'DataError' || /JWK|key/i.test(m))) return 'invalid_key';
      return undefined;
  }
}

// One client per key set URL, kept as an application keeps its JWKS client (the harness never
// sends one URL for two cases), at most REMOTE_KEPT at once.
const REMOTE_KEPT = 256;
const remoteSets = new Map();

// The library's own JWKS client for `jwks` (README "createRemoteJWKSet"): in configured mode
// with the request's timeout and refetch interval (`timeoutDuration`, `cooldownDuration`,
// jwks/remote.js:46-47), in defaults mode with its defaults (5 s and 30 s).
function remoteSet(jwks, mode) {
  let set = remoteSets.get(jwks.url);
  if (set === undefined) {
    const options = mode === 'defaults' ? undefined
      : { timeoutDuration: jwks.timeout_ms, cooldownDuration: jwks.refetch_after * 1000 };
    set = createRemoteJWKSet(new URL(jwks.url), options);
    if (remoteSets.size >= REMOTE_KEPT) remoteSets.delete(remoteSets.keys().next().value);
    remoteSets.set(jwks.url, set);
  }
  return set;
}

// The closest reason code for an error of the remote key set (jwks/remote.js, jwks/local.js).
function remoteReason(e, token) {
  switch (e && e.code) {
    case 'ERR_JWKS_NO_MATCHING_KEY': return 'unknown_kid';
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return 'key_set_unavailable';
    case 'ERR_JOSE_GENERIC':
      return /JSON Web Key Set/.test(String(e.message)) ? 'key_set_unavailable' : undefined;
    default:
      // undici's own failures (connection refused, a body cut short) are TypeErrors.
      if (e instanceof TypeError && /fetch failed/.test(String(e.message))) return 'key_set_unavailable';
      return reasonOf(e, token);
  }
}

async function verify(req) {
  const options = req.mode === 'defaults' ? { algorithms: req.algorithms } : {
    algorithms: req.algorithms,
    issuer: req.issuer ?? undefined,
    audience: req.audience ?? undefined,
    requiredClaims: req.required,
    currentDate: new Date(req.now * 1000),
    clockTolerance: req.leeway,
  };
  if (req.jwks) {
    try {
      const { payload, protectedHeader } = await jwtVerify(req.token, remoteSet(req.jwks, req.mode), options);
      return { ok: true, header: protectedHeader, claims: payload };
    } catch (e) {
      throw new Refusal(remoteReason(e, req.token), `jose: ${e.code || e.name}: ${e.message}`);
    }
  }
  let candidates = null;
  const select = (header) => {
    if (header.kid !== undefined) {
      const named = req.keys.filter((k) => k.kid === header.kid);
      if (named.length === 0) {
        const reason = typeof header.kid === 'string' ? 'unknown_kid' : 'header_member_type';
        throw new Refusal(reason, `no configured key has kid ${JSON.stringify(header.kid)}`);
      }
      return named;
    }
    const same = req.keys.filter((k) => k.kty === family(header.alg));
    if (same.length > 0) return same;
    if (req.keys.length > 0) return req.keys; // jose refuses a key of the wrong family itself
    throw new Refusal('no_key', 'no keys configured');
  };
  let failure = null;
  for (let i = 0; candidates === null || i < candidates.length; i++) {
    try {
      const { payload, protectedHeader } = await jwtVerify(req.token, (header) => {
        candidates ??= select(header);
        return candidates[i];
      }, options);
      return { ok: true, header: protectedHeader, claims: payload };
    } catch (e) {
      if (e instanceof Refusal) throw e;
      const reason = reasonOf(e, req.token);
      const err = new Refusal(reason, `jose: ${e.code || e.name}: ${e.message}`);
      // Only a signature or key failure depends on the key; anything else is final.
      if (candidates === null || !['bad_signature', 'key_family_mismatch', 'invalid_key', 'empty_key'].includes(reason)) {
        throw err;
      }
      if (!failure || failure.reason !== 'bad_signature') failure = err;
    }
  }
  throw failure;
}

await serve({ description: DESCRIPTION, sign, verify });
