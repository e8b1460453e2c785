#!/usr/bin/env node
// The token endpoint OneSignal's "Identity Verification" guide asks you to build: the app
// calls `GET /generate-jwt/:externalId`, gets `{"jwt": "..."}`, and passes the token to
// `OneSignal.login(externalId, jwt)`. The token is an ES256 JWT whose claims are the app id
// (`iss`), an expiry an hour ahead (`exp`) and the user's alias (`identity.external_id`).
//
// A test fixture for idjwt's HTTP signer probe (`idjwt probe --signer-url`), written with
// Node's built-in modules only. What a conformant token looks like comes from
// harness/src/profile/builtin/onesignal.json, docs/policy.md §6.4 and docs/decisions.md
// ("Signer exactness"): the header is exactly {"alg":"ES256"} (the profile requires neither
// `typ` nor `kid`, and a member nobody asked for is a finding), the claims are exactly
// iss, exp and identity, `exp` is an integer number of seconds, and the external id is
// written as the string it is.
//
// Planted mistakes (--mistake), each a typical bug of hand-written signers:
//   exp-milliseconds  exp = Date.now() + 3600000: milliseconds, not seconds
//   numeric-id        an id of digits only is written as a JSON number ("12345" -> 12345)
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const MISTAKES = ['exp-milliseconds', 'numeric-id'];
const ROUTE = '/generate-jwt/';
const SOCKET_TIMEOUT_MS = 10_000;

function usage(problem) {
  process.stderr.write(
    `signer-endpoint: ${problem}\n` +
    'usage: node server.js --key-file PATH --app-id ID [--mistake ' + MISTAKES.join('|') + ']\n' +
    '                      [--port 0] [--max-requests 2000] [--idle-seconds 30]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { port: 0, maxRequests: 2000, idleSeconds: 30, mistake: null };
  const names = {
    '--key-file': 'keyFile', '--app-id': 'appId', '--mistake': 'mistake',
    '--port': 'port', '--max-requests': 'maxRequests', '--idle-seconds': 'idleSeconds',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i]];
    if (!name) usage(`unknown argument ${JSON.stringify(argv[i])}`);
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    options[name] = argv[i + 1];
  }
  if (!options.keyFile) usage('--key-file is required');
  if (!options.appId) usage('--app-id is required');
  if (options.mistake !== null && !MISTAKES.includes(options.mistake)) {
    usage(`unknown mistake ${JSON.stringify(options.mistake)}`);
  }
  for (const [name, min] of [['port', 0], ['maxRequests', 1], ['idleSeconds', 0]]) {
    const value = Number(options[name]);
    if (!Number.isFinite(value) || value < min) usage(`bad value for ${name}`);
    options[name] = value;
  }
  return options;
}

// Error messages never quote the file: it holds the private key. (JSON.parse's own message
// would, since V8 shows the text around the error.)
function loadPrivateKey(path) {
  let jwk;
  try {
    jwk = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(e.code ? `cannot read the key file (${e.code})` : 'the key file is not JSON');
  }
  if (jwk === null || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256' ||
      typeof jwk.d !== 'string') {
    throw new Error('the key file must hold a private EC P-256 JWK (kty EC, crv P-256, d)');
  }
  const { kty, crv, x, y, d } = jwk;
  let privateKey;
  let publicKey;
  try {
    privateKey = crypto.createPrivateKey({ key: { kty, crv, x, y, d }, format: 'jwk' });
    publicKey = crypto.createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
  } catch {
    throw new Error('the key file does not hold a usable P-256 private key');
  }
  // createPrivateKey does not check that d belongs to x and y. With a mismatched file every
  // token would fail under the public key the file publishes, so refuse to start instead.
  const probe = Buffer.from('key self-test');
  const probeSignature = crypto.sign('sha256', probe, privateKey);
  if (!crypto.verify('sha256', probe, publicKey, probeSignature)) {
    throw new Error('the key file\'s "d" does not match its "x" and "y"');
  }
  return privateKey;
}

function base64url(text) {
  return Buffer.from(text, 'utf8').toString('base64url'); // unpadded, RFC 7515 §2
}

function signToken(privateKey, appId, externalId, mistake) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = {
    iss: appId,
    // OneSignal's guide: "exp: Math.floor(Date.now() / 1000) + 3600 // Expires in 1hr".
    exp: mistake === 'exp-milliseconds' ? Date.now() + 3_600_000 : nowSeconds + 3600,
    identity: {
      // The id is the path segment, so it is a string even when it looks like a number:
      // "007" and 7 are different users, and a verifier compares strings exactly.
      external_id: mistake === 'numeric-id' && /^[0-9]+$/.test(externalId)
        ? Number(externalId)
        : externalId,
    },
  };
  // No `kid` and no `typ`: OneSignal's profile asks for neither, and a conformant signer
  // writes exactly the header members it is asked for.
  const signingInput = `${base64url('{"alg":"ES256"}')}.${base64url(JSON.stringify(claims))}`;
  // JWS wants the raw 64-byte R||S form (RFC 7518 §3.4); Node's default is DER.
  const signature = crypto.sign('sha256', Buffer.from(signingInput, 'ascii'),
    { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function sendJson(res, status, body) {
  const data = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': data.length,
    // A token is a credential: no cache should keep it.
    'Cache-Control': 'no-store',
  });
  res.end(data);
}

function handle(req, res, options, privateKey) {
  // Routed like Express's `/generate-jwt/:externalId`: one path segment, query ignored.
  const path = req.url.split('?')[0];
  if (!path.startsWith(ROUTE) || path.slice(ROUTE.length).includes('/')) {
    sendJson(res, 404, { error: 'use GET /generate-jwt/:externalId' });
    return;
  }
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    sendJson(res, 405, { error: 'use GET /generate-jwt/:externalId' });
    return;
  }
  let externalId;
  try {
    // Like Express's route parameters: percent-escapes decoded, '+' left alone.
    externalId = decodeURIComponent(path.slice(ROUTE.length));
  } catch {
    sendJson(res, 400, { error: 'the external id is not a valid percent-encoded UTF-8 string' });
    return;
  }
  if (externalId === '') {
    // An empty id is no user (docs/decisions.md: user ids are non-empty).
    sendJson(res, 400, { error: 'the external id is empty' });
    return;
  }
  sendJson(res, 200, { jwt: signToken(privateKey, options.appId, externalId, options.mistake) });
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  let privateKey;
  try {
    privateKey = loadPrivateKey(options.keyFile);
  } catch (e) {
    process.stderr.write(`signer-endpoint: ${e.message}\n`);
    process.exit(2);
  }

  let served = 0;
  let idleTimer = null;
  const server = http.createServer();

  // Exits once nobody has asked for anything in --idle-seconds, so a harness that forgot
  // the process does not leave it running.
  const armIdleTimer = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => process.exit(0), options.idleSeconds * 1000);
  };

  server.on('request', (req, res) => {
    armIdleTimer();
    if (served >= options.maxRequests) {
      req.socket.destroy();
      return;
    }
    served += 1;
    const last = served >= options.maxRequests;
    if (last) {
      // Stop accepting and exit as soon as this last response is out.
      res.on('close', () => process.exit(0));
      res.setHeader('Connection', 'close');
      server.close();
    }
    // A GET carries no body; whatever a client sends anyway is drained and dropped.
    req.resume();
    handle(req, res, options, privateKey);
  });

  // Bounded waits for slow or idle clients.
  server.headersTimeout = SOCKET_TIMEOUT_MS;
  server.requestTimeout = SOCKET_TIMEOUT_MS;
  server.setTimeout(SOCKET_TIMEOUT_MS, (socket) => socket.destroy());

  server.on('error', (e) => {
    process.stderr.write(`signer-endpoint: cannot listen on 127.0.0.1:${options.port}: ${e.code}\n`);
    process.exit(1);
  });
  server.listen(options.port, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
    armIdleTimer();
  });
}

main();
