#!/usr/bin/env node
// idjwt adapter protocol v1, provider level (docs/adapter-protocol.md), for Privy's own server SDK
// `@privy-io/node`. The SDK is the verifier: the adapter hands it the token, the app id and the
// verification key the way an integration does, and reports the user it returns. It applies no
// rule of its own; the only check it adds is binding the user to `provider.claimed_user`, which
// is the integration's part. `now` and `leeway` are ignored: the SDK reads the system clock.
//
// Source references are to node_modules/@privy-io/node/ (0.35.0) and node_modules/jose/ (6.x):
// - PrivyClient({ appId, appSecret, jwtVerificationKey }) (public-api/PrivyClient.js:28-45) turns
//   the key into a closure that imports the PEM once (lib/auth.js:117-131); with a key given no
//   JWKS is fetched and no API call is made on this path.
// - users().get({ id_token }) (public-api/services/users.js:23-29) calls jwtVerify with
//   { typ: 'JWT', algorithms: ['ES256'], issuer: 'privy.io', audience: appId } (lib/auth.js:22-27)
//   and builds the user from the payload (lib/identity-token.js:14-25).
// - The SDK replaces every jose error by one of three messages and drops the original
//   (lib/auth.js:105-115). To still say which check failed, a refusal is explained by running the
//   same jose call again with the same options; the verdict is always the SDK's.
// - `linked_accounts` is reshaped per account type (lib/identity-token.js:39-265: `lv` becomes
//   `verified_at`/`latest_verified_at`, `first_verified_at: null` is added, phone's `phone_number`
//   becomes `phoneNumber`, unknown types are dropped), so it is not reported as an attribute.
'use strict';

const common = require('../node-common/privy.cjs'); // first: offline, stdout for the protocol only
const { InvalidAuthTokenError, PrivyClient } = require('@privy-io/node');
const { Refusal, serve, withProviderMode } = require('../node-common/protocol.cjs');

const { segment, verificationKey } = common;
const PKG = '@privy-io/node';
const DESCRIPTION = common.description('privy-node', PKG, __dirname);

// A claim the SDK could not parse into the user: wrong JSON type, or JSON text of the wrong
// shape. The SDK reads custom_metadata before linked_accounts (lib/identity-token.js:15, 20).
function parseReason(token) {
  const p = segment(token, 1);
  if (p.custom_metadata !== undefined && typeof p.custom_metadata !== 'string') return 'claim_type';
  if (p.linked_accounts === undefined) return 'missing_claim';
  return typeof p.linked_accounts === 'string' ? 'claim_shape' : 'claim_type';
}

// The closest reason code for a jose error.
function joseReason(e, token) {
  const m = String(e?.message);
  const header = segment(token, 0);
  switch (e?.code) {
    case 'ERR_JWT_EXPIRED': return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return 'bad_signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED': return String(header.alg).toLowerCase() === 'none' ? 'alg_none' : 'alg_not_allowed';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'typ') return 'typ' in header ? 'header_value' : 'header_missing';
      if (e.reason === 'missing') return 'missing_claim';
      if (e.reason === 'invalid') return 'claim_type';
      return { iss: 'issuer_mismatch', aud: 'audience_mismatch', nbf: 'not_yet_valid' }[e.claim] || 'claim_value';
    case 'ERR_JOSE_NOT_SUPPORTED': return /Extension Header Parameter/.test(m) ? 'crit_present' : undefined;
    case 'ERR_JWT_INVALID':
    case 'ERR_JWS_INVALID':
      if (/^Invalid Compact JWS/.test(m)) return 'segment_count';
      if (/crit/.test(m)) return 'crit_present';
      if (/"alg"/.test(m)) return header.alg === undefined ? 'alg_missing' : 'header_member_type';
      if (/base64url|ASCII/.test(m)) return 'invalid_base64';
      if (/Header is invalid|Claims Set must be/.test(m)) return e.cause ? 'invalid_json' : 'not_an_object';
      return undefined;
    default: return undefined;
  }
}

// Runs the SDK's own jose call again (lib/auth.js:22-27) to recover the error the SDK dropped.
async function joseCause(token, pem, appId) {
  const jose = await import('jose');
  try {
    const key = await jose.importSPKI(pem, 'ES256');
    await jose.jwtVerify(token, key, { typ: 'JWT', algorithms: ['ES256'], issuer: 'privy.io', audience: appId });
    return null;
  } catch (e) {
    return e;
  }
}

async function explain(e, token, pem, appId) {
  const m = String(e?.message ?? e);
  if (e instanceof InvalidAuthTokenError) {
    const cause = await joseCause(token, pem, appId);
    if (!cause) return new Refusal(undefined, `${PKG}: ${m}`);
    return new Refusal(joseReason(cause, token), `${PKG}: ${m} (jose, same options: ${cause.code || cause.name}: ${cause.message})`);
  }
  // Every jose error becomes an InvalidAuthTokenError (lib/auth.js:105-115), so anything else was
  // thrown while building the user from the verified payload (lib/identity-token.js:14-279): the
  // SDK's parse error, or a raw SyntaxError or TypeError from JSON.parse or an account mapper.
  return new Refusal(parseReason(token), `${PKG}: building the user failed: ${e?.name}: ${m}`);
}

async function verify(req) {
  const provider = req.provider ?? {};
  const appId = provider.app_id ?? null; // never undefined: the SDK would read PRIVY_APP_ID then
  const pem = verificationKey(req.keys);
  const privy = new PrivyClient({ appId, appSecret: 'offline-unused', jwtVerificationKey: pem });
  let user;
  try {
    user = await privy.users().get({ id_token: req.token });
  } catch (e) {
    throw await explain(e, req.token, pem, appId);
  }
  return common.identity(req, user.id, user.custom_metadata);
}

serve({ description: DESCRIPTION, sign: common.sign, verify: withProviderMode(verify) });
