// The part of protocol v1 (docs/adapter-protocol.md) that every Node adapter shares: reading
// one JSON request per line, answering each in order with one JSON line, turning a thrown
// `Refusal` into `{"ok":false,"reason"}`, and keeping what JSON.parse let through but the
// protocol cannot carry out of the answer. An adapter supplies its description and its
// `sign(req)` and `verify(req)`, each of which may return a promise.
'use strict';

const readline = require('node:readline');

/** A refusal with the policy's reason code. */
class Refusal extends Error {
  constructor(reason, message) { super(message); this.reason = reason; }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The key family (`oct`, `EC` or `RSA`) an `alg` name calls for, or null. */
const family = (alg) => (typeof alg !== 'string' ? null
  : alg.startsWith('HS') ? 'oct' : alg.startsWith('ES') ? 'EC'
    : alg.startsWith('RS') || alg.startsWith('PS') ? 'RSA' : null);

async function answer(line, { description, sign, verify }) {
  let req;
  try { req = JSON.parse(line); } catch (e) { return { ok: false, error: `not JSON: ${e.message}` }; }
  const id = req?.id;
  try {
    if (req.op === 'describe') return description;
    if (req.op === 'sign') return { id, ok: true, token: await sign(req) };
    if (req.op === 'verify') return { id, ...(await verify(req)) };
    return { id, ok: false, error: `unknown op ${JSON.stringify(req.op)}` };
  } catch (e) {
    const reason = e instanceof Refusal && e.reason ? { reason: e.reason } : {};
    return { id, ok: false, error: String(e?.message ?? e), ...reason };
  }
}

// The protocol's JSON cannot carry lone surrogates or depth > 128, which JSON.parse lets through:
// such strings get U+FFFD and values below depth 64 become null; stderr says so.
function wire(value, depth, changed) {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) changed.add('lone surrogates replaced by U+FFFD');
    return value.toWellFormed();
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 64) { changed.add('values nested deeper than 64 replaced by null'); return null; }
  if (Array.isArray(value)) return value.map((v) => wire(v, depth + 1, changed));
  // fromEntries defines own members, so a `__proto__` claim stays a claim.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [wire(k, depth, changed), wire(v, depth + 1, changed)]));
}

/**
 * Provider level: what an integration does around a verifier in the profile's mode. `disabled`
 * never consults the token; without a token, or when the verifier refuses, `enabled` keeps the
 * claimed user, unverified, and `required` refuses.
 */
function withProviderMode(verify) {
  return async (req) => {
    const mode = req.provider?.mode ?? 'required';
    const fallBack = (error, reason) => {
      if (mode === 'required') throw new Refusal(reason, error);
      return { ok: true, unverified: reason ? { error, reason } : { error } };
    };
    if (mode === 'disabled') return fallBack('verification is disabled', 'verification_disabled');
    if (req.token === '') return fallBack('no token was presented', 'token_missing');
    try {
      return await verify(req);
    } catch (e) {
      return fallBack(String(e?.message ?? e), e instanceof Refusal ? e.reason : undefined);
    }
  };
}

/** Answers the requests on stdin strictly in order, one at a time. */
async function serve(adapter) {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const changed = new Set();
    const out = wire(await answer(line, adapter), 0, changed);
    if (changed.size > 0) process.stderr.write(`${out.id}: ${[...changed].join('; ')}\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

module.exports = { withProviderMode, Refusal, family, isObject, serve };
