#!/usr/bin/env node
// idjwt adapter protocol v1, provider level (docs/adapter-protocol.md), for Privy's older server
// SDK `@privy-io/server-auth`. The SDK is the verifier: the adapter hands it the token, the app
// id and the verification key the way an integration does, and reports the user it returns. It
// applies no rule of its own; the only check it adds is binding the user to
// `provider.claimed_user`, the integration's part. `now` and `leeway` are ignored: the SDK reads
// the system clock.
//
// Source references are to node_modules/@privy-io/server-auth/dist/cjs/ (1.32.5, minified: one
// line per file, so places are given as file:1 plus the function) and node_modules/jose/ (4.x):
// - new PrivyClient(appId, appSecret) only builds HTTP clients (client.js:1, `constructor`).
// - getUser({ idToken }) calls getUserFromIdToken (client.js:1), which asks getVerificationKey
//   for the PEM; that returns `this.verificationKey` when set and fetches the app settings from
//   the API only when not. The key has no public setter for this path (verifyAuthToken takes
//   one as an argument; getUser does not), so it is set on the client, as integrations that
//   pin the key do; no request is made then.
// - It then calls jose's jwtVerify with { issuer: 'privy.io', audience: appId } only (no
//   `algorithms`, no `typ`) and builds the user: JSON.parse(linked_accounts), reshaped per
//   account type; custom_metadata JSON.parse'd when truthy. Errors thrown there are wrapped by
//   formatPrivyError (errors.js:1) with the original as `.cause`.
// - `linkedAccounts` is reshaped (camelCase members, `lv` becomes `latestVerifiedAt` as a Date or
//   null, `phone_number` becomes `number`, unknown types such as `passkey` dropped), so it is not
//   reported as an attribute.
'use strict';

const common = require('../node-common/privy.cjs'); // first: offline, stdout for the protocol only
const { PrivyClient } = require('@privy-io/server-auth');
const { Refusal, serve, withProviderMode } = require('../node-common/protocol.cjs');

const { segment, verificationKey } = common;
const PKG = '@privy-io/server-auth';
const DESCRIPTION = common.description('privy-server-auth', PKG, __dirname);

// A claim the SDK could not parse into the user (it reads linked_accounts, then
// custom_metadata): absent, wrong JSON type, or JSON text of the wrong shape.
function parseReason(token) {
  const p = segment(token, 1);
  if (p.linked_accounts === undefined) return 'missing_claim';
  if (typeof p.linked_accounts !== 'string') return 'claim_type';
  if (p.custom_metadata && typeof p.custom_metadata !== 'string') return 'claim_type';
  return 'claim_shape';
}

// The closest reason code for the error jose threw.
function joseReason(e, token) {
  const m = String(e?.message);
  const header = segment(token, 0);
  switch (e?.code) {
    case 'ERR_JWT_EXPIRED': return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return 'bad_signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED': return 'alg_not_allowed';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.reason === 'missing') return 'missing_claim';
      if (e.reason === 'invalid') return 'claim_type';
      return { iss: 'issuer_mismatch', aud: 'audience_mismatch', nbf: 'not_yet_valid' }[e.claim] || 'claim_value';
    case 'ERR_JOSE_NOT_SUPPORTED':
      if (/Extension Header Parameter/.test(m)) return 'crit_present';
      return String(header.alg).toLowerCase() === 'none' ? 'alg_none' : 'alg_not_allowed';
    case 'ERR_JWT_INVALID':
    case 'ERR_JWS_INVALID':
      if (/^Invalid Compact JWS/.test(m)) return 'segment_count';
      if (/crit/.test(m)) return 'crit_present';
      if (/"alg"/.test(m)) return header.alg === undefined ? 'alg_missing' : 'header_member_type';
      if (/base64url/.test(m)) return 'invalid_base64';
      if (/Header is invalid/.test(m)) return 'invalid_json';
      if (/Claims Set must be/.test(m)) return 'not_an_object';
      return undefined;
    default:
      return KEY_CHECK.test(m) ? 'key_family_mismatch' : undefined;
  }
}

// Without an allow-list, an alg that does not fit the P-256 key is refused by jose's key checks
// (lib/check_key_type.js, runtime/node_key.js), with a TypeError that has no code.
const KEY_CHECK = /key curve|asymmetricKeyType|instances for (a)?symmetric/;

function refusal(e, token) {
  const cause = e?.cause;
  if (!cause) return new Refusal(joseReason(e, token), `${PKG}: ${e?.name}: ${e?.message ?? e}`);
  const why = `${PKG}: ${e.message} (cause: ${cause.code || cause.name}: ${cause.message})`;
  if (cause.code || KEY_CHECK.test(cause.message)) return new Refusal(joseReason(cause, token), why);
  // A plain SyntaxError or TypeError comes from building the user out of the verified payload.
  return new Refusal(parseReason(token), why);
}

async function verify(req) {
  const provider = req.provider ?? {};
  const appId = provider.app_id;
  const pem = verificationKey(req.keys);
  const privy = new PrivyClient(appId, 'offline-unused');
  privy.verificationKey = pem;
  let user;
  try {
    user = await privy.getUser({ idToken: req.token });
  } catch (e) {
    throw refusal(e, req.token);
  }
  return common.identity(req, user.id, user.customMetadata);
}

serve({ description: DESCRIPTION, sign: common.sign, verify: withProviderMode(verify) });
