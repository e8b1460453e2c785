// What the two Privy SDK adapters share (docs/adapter-protocol.md, provider level). Require this
// before the SDK: it makes any network access a visible error (node-fetch-native keeps the
// global fetch it finds when it loads) and keeps whatever the SDK logs off stdout, which
// carries protocol lines only.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { createPublicKey } = require('node:crypto');
const { Refusal } = require('./protocol.cjs');

globalThis.fetch = async (url) => { throw new Error(`network access attempted: ${url}`); };
console.log = console.info = console.debug = console.error;

/** The provider-level description of the adapter in `dir` for the SDK package `pkg`. */
function description(name, pkg, dir) {
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8'));
  return {
    ok: true,
    name,
    version: `${pkg} ${version}`,
    algorithms: ['ES256'],
    clock: 'system',
    level: 'provider',
    profiles: ['privy'],
    signs: false,
  };
}

/** The request's EC key as the one SPKI PEM the SDKs take, as the Privy dashboard shows it. */
function verificationKey(keys) {
  const jwk = (Array.isArray(keys) ? keys : []).find((k) => k && k.kty === 'EC');
  if (!jwk) throw new Refusal('no_key', 'no EC key in the request');
  const { kty, crv, x, y } = jwk;
  try {
    return createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  } catch (e) {
    throw new Refusal('invalid_key', `the key cannot be exported as SPKI: ${e.message}`);
  }
}

/** A token segment as sent, read only to name the reason of a refusal (never to decide one). */
function segment(token, i) {
  try { return JSON.parse(Buffer.from(String(token).split('.')[i], 'base64url').toString('utf8')) ?? {}; } catch (_) { return {}; }
}

/**
 * The answer for the user an SDK returned: bound to the claimed user (the integration's part)
 * and named as the protocol wants. The SDKs pass `sub` through whatever its type, and an
 * acceptance must still read as one, so a non-string id is shown as its JSON text.
 */
function identity(req, id, customMetadata) {
  const claimed = req.provider?.claimed_user;
  if (typeof claimed === 'string' && id !== claimed) {
    throw new Refusal('identity_mismatch', `the token's user ${JSON.stringify(id)} is not the claimed ${JSON.stringify(claimed)}`);
  }
  const attributes = customMetadata === undefined ? {} : { custom_metadata: customMetadata };
  const userId = typeof id === 'string' ? id : String(JSON.stringify(id));
  if (userId !== id) process.stderr.write(`${req.id}: the SDK's user id is not a string: ${userId}\n`);
  return { ok: true, identity: { user_id: userId, attributes } };
}

/** The answer to a sign request: these SDKs only verify. */
function sign() {
  throw new Error('the Privy SDK does not sign identity tokens');
}

module.exports = { description, identity, segment, sign, verificationKey };
