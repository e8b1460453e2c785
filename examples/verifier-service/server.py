#!/usr/bin/env python3
"""A backend that turns an Intercom Messenger identity token (HS256 JWT) into a user.

Intercom's "Messenger security with JWTs" guide has the site sign
``{"user_id": ..., "email": ..., "exp": ...}`` with the workspace's secret
(``jwt.sign(payload, secret, { algorithm: "HS256" })``) and hand the token to the
Messenger; a backend that receives such a token checks it the way this service does.
It is a test fixture for idjwt's HTTP verifier bridge (``cargo xtask conformance
--verifier-url``), written with the Python standard library only.

The checks follow docs/policy.md (the project's rulebook) and docs/decisions.md:
strict compact serialization and base64url, strict RFC 8259 JSON, the header rules of
§3, a constant-time HMAC comparison, the registered claims of §5 and Intercom's
profile (§6.3: ``user_id`` a non-empty string, ``email`` an optional string).
Every rejection carries one of the reason codes of harness/src/verdict.rs.

    POST /verify  {"token": "...", "claimed_user": "..." | null}
      200 {"user_id": ..., "email": ... (when the token has one), "attributes": {...}}
      401 {"error": "...", "reason": "<code>"}
      400 for a request body that is not such an object

``--mistake exp-milliseconds`` plants a typical bug (see ``is_expired``): expired
tokens are accepted. Nothing else changes.
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import re
import socketserver
import sys
import threading
import time

# policy.md §1.5: the default size limit; a token of exactly this many bytes is fine.
MAX_TOKEN_BYTES = 16 * 1024
# policy.md §2.6 only says 10 levels pass and 10,000 fail; decisions.md picks 64.
MAX_JSON_DEPTH = 64
# policy.md §5.2: the last second of year 9999.
MAX_NUMERIC_DATE = 253402300799
# RFC 7519 §4.1: registered claims are not Intercom data attributes (the vectors'
# `intercom::registered-claims-not-attributes` expects none of them in the attributes).
REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
# Allowed clock skew for exp and nbf, in seconds. Intercom's guide asks for none.
LEEWAY = 0

MAX_BODY_BYTES = 64 * 1024
SOCKET_TIMEOUT_SECONDS = 10

BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
MISTAKES = ("exp-milliseconds",)


class Rejected(Exception):
    """A token the service refuses; ``reason`` is a code from harness/src/verdict.rs."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


def shown(value, limit=80):
    """A value for an error message, cut short: tokens are attacker-controlled."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------

class Key:
    def __init__(self, kty, kid, secret):
        self.kty = kty
        self.kid = kid
        self.secret = secret  # bytes for "oct" keys, None for any other family


def b64url_decode_loose(text):
    """Decodes a JWK member; key files are trusted configuration, so padding is tolerated."""
    if not isinstance(text, str) or not BASE64URL.fullmatch(text.rstrip("=")):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_keys(path):
    """Reads a JWK, or a JWK Set ({"keys": [...]}) for rotation (policy.md §6.8).

    Error messages never quote the file: it holds the secret.
    """
    try:
        with open(path, "rb") as f:
            document = json.loads(f.read().decode("utf-8"))
    except OSError as e:
        raise ValueError(f"cannot read the key file: {e.strerror}") from None
    except ValueError:
        raise ValueError("the key file is not UTF-8 JSON") from None
    if isinstance(document, dict) and isinstance(document.get("keys"), list):
        jwks = document["keys"]
    elif isinstance(document, dict):
        jwks = [document]
    else:
        raise ValueError("the key file is not a JWK object nor a JWK Set")
    keys = []
    for jwk in jwks:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
            raise ValueError("a key has no \"kty\"")
        kid = jwk.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise ValueError("a key's \"kid\" is not a string")
        secret = None
        if jwk["kty"] == "oct":
            try:
                secret = b64url_decode_loose(jwk.get("k"))
            except ValueError:
                raise ValueError("an \"oct\" key's \"k\" is not base64url") from None
        # A key of another family (say the EC key of another provider) is kept so that a
        # token using it is refused as a family mismatch rather than as an unknown kid.
        keys.append(Key(jwk["kty"], kid, secret))
    return keys


# ---------------------------------------------------------------------------
# Layer 1: compact serialization and base64url (policy.md §1)
# ---------------------------------------------------------------------------

def decode_segment(segment, part):
    # base64.urlsafe_b64decode quietly skips characters outside the alphabet and accepts
    # '+', '/' and padding, so the strict rules are checked here before it runs.
    if not BASE64URL.fullmatch(segment):
        raise Rejected("invalid_base64",
                       f"the {part} segment has characters outside unpadded base64url")
    if len(segment) % 4 == 1:
        raise Rejected("invalid_base64", f"the {part} segment has an impossible length")
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    # Re-encoding gives the one canonical spelling: a segment whose unused trailing bits
    # are set decodes to the same bytes but spells them differently (policy.md §1.4).
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != segment:
        raise Rejected("invalid_base64",
                       f"the {part} segment is not canonical: unused trailing bits are set")
    return raw


def split_token(token):
    size = len(token.encode("utf-8", "surrogatepass"))
    if size > MAX_TOKEN_BYTES:
        raise Rejected("token_too_large",
                       f"the token is {size} bytes, above the {MAX_TOKEN_BYTES}-byte limit")
    dots = token.count(".")
    if token == "" or dots != 2:
        raise Rejected("segment_count",
                       f"a compact JWS has 3 segments, this token has {dots + 1 if token else 0}")
    segments = token.split(".")
    parts = ("header", "payload", "signature")
    for segment, part in zip(segments, parts):
        if segment == "":
            raise Rejected("empty_segment", f"the {part} segment is empty")
    decoded = [decode_segment(s, p) for s, p in zip(segments, parts)]
    signing_input = (segments[0] + "." + segments[1]).encode("ascii")
    return decoded[0], decoded[1], decoded[2], signing_input


# ---------------------------------------------------------------------------
# Layer 2: strict JSON (policy.md §2)
# ---------------------------------------------------------------------------
#
# json.loads is close to RFC 8259 but lenient in four ways that matter at a security
# boundary: it keeps the last of two members with the same name, it reads NaN and
# Infinity, it keeps lone surrogate escapes, and it recurses (a deep document raises
# RecursionError). Each leniency is closed below.

class DuplicateMember(Exception):
    pass


def no_duplicates(pairs):
    # Names arrive already unescaped, so "alg" and "\u0061lg" count as the same name.
    seen = set()
    for name, _ in pairs:
        if name in seen:
            raise DuplicateMember(name)
        seen.add(name)
    return dict(pairs)


def no_constants(name):
    raise ValueError(f"{name} is not a JSON number")


def finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {shown(text)} is out of range")
    return value


def nesting_too_deep(text, limit):
    """True when arrays and objects nest more than ``limit`` levels (brackets in strings don't count)."""
    depth = 0
    in_string = False
    escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > limit:
                return True
        elif c in "]}":
            depth -= 1
    return False


def has_lone_surrogate(value):
    # The decoder joins a valid \uD83D\uDE00 pair into one character, so any surrogate code
    # point left in a string came from an escape without its partner; UTF-8 cannot encode it.
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def parse_object(raw, part):
    if raw.startswith(b"\xef\xbb\xbf"):
        raise Rejected("invalid_json", f"the {part} starts with a byte-order mark")
    try:
        # Python's strict UTF-8 codec refuses overlong forms, truncated sequences and
        # UTF-8-encoded surrogates; UTF-16 and UTF-32 texts fail here or in json.loads.
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected("invalid_json", f"the {part} is not valid UTF-8") from None
    if nesting_too_deep(text, MAX_JSON_DEPTH):
        raise Rejected("json_too_deep", f"the {part} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(text, object_pairs_hook=no_duplicates,
                           parse_constant=no_constants, parse_float=finite_float)
    except DuplicateMember as e:
        raise Rejected("duplicate_member",
                       f"the {part} has the member {shown(str(e))!r} twice") from None
    except (ValueError, RecursionError) as e:
        # ValueError covers JSONDecodeError and also integers too long to convert.
        raise Rejected("invalid_json", f"the {part} is not strict JSON: {shown(str(e), 120)}") from None
    if has_lone_surrogate(value):
        raise Rejected("lone_surrogate", f"the {part} has a lone UTF-16 surrogate escape")
    if not isinstance(value, dict):
        raise Rejected("not_an_object", f"the {part} must be a JSON object")
    return value


# ---------------------------------------------------------------------------
# Layer 3: the JOSE header (policy.md §3)
# ---------------------------------------------------------------------------

def check_header(header):
    if "alg" not in header:
        raise Rejected("alg_missing", "the header has no \"alg\"")
    alg = header["alg"]
    if not isinstance(alg, str):
        raise Rejected("header_member_type", "header member \"alg\" must be a string")
    if alg.isascii() and alg.lower() == "none":
        raise Rejected("alg_none", "unsigned tokens are never accepted")
    # Byte-for-byte: "hs256" and "HS256 " are other algorithms, and so is HS512 even when
    # its tag is right (decisions.md: a right signature does not make an algorithm allowed).
    if alg != "HS256":
        raise Rejected("alg_not_allowed", f"\"alg\" {shown(alg)!r} is not allowed (only HS256)")
    # No JWS extension is understood, so none may be used (§3.3).
    if "crit" in header:
        raise Rejected("crit_present", "the header has \"crit\"; no extension is understood")
    if "b64" in header:
        raise Rejected("b64_present", "the header has \"b64\"; unencoded payloads are refused")
    if "zip" in header:
        raise Rejected("zip_present", "the header has \"zip\"; compression is not allowed")
    for member in ("typ", "cty"):
        if member in header and not isinstance(header[member], str):
            raise Rejected("header_member_type", f"header member \"{member}\" must be a string")
    cty = header.get("cty")
    if isinstance(cty, str) and cty.isascii() and cty.lower() == "jwt":
        raise Rejected("nested_jwt", "\"cty\" is \"JWT\"; nested tokens are refused")
    if "kid" in header and not isinstance(header["kid"], str):
        raise Rejected("header_member_type", "header member \"kid\" must be a string")
    # jwk, jku, x5u, x5c and x5t are deliberately never read: a key that a token brings
    # along proves nothing about who signed it (§3.4).


def candidate_keys(header, keys):
    kid = header.get("kid")
    if kid is not None:
        # Exact comparison: no trimming, case folding or path handling, and a kid that names
        # no configured key is refused even when no key has an id (decisions.md).
        for key in keys:
            if key.kid == kid:
                if key.kty != "oct":
                    raise Rejected("key_family_mismatch", f"a {key.kty} key cannot verify HS256")
                return [key]
        raise Rejected("unknown_kid", f"no configured key has \"kid\" {shown(kid)!r}")
    hmac_keys = [key for key in keys if key.kty == "oct"]
    if not hmac_keys:
        if keys:
            raise Rejected("key_family_mismatch", f"a {keys[0].kty} key cannot verify HS256")
        raise Rejected("no_key", "no configured key can verify HS256")
    return hmac_keys


# ---------------------------------------------------------------------------
# Layer 4: the signature (policy.md §4)
# ---------------------------------------------------------------------------

def check_signature(keys, signing_input, signature):
    first_error = None
    for key in keys:
        try:
            if not key.secret:
                # HMAC with an empty secret is a tag anyone can compute (§4.2).
                raise Rejected("empty_key", "the HMAC secret is empty; no token can be trusted")
            if len(signature) != 32:
                raise Rejected("signature_length",
                               f"an HS256 signature is 32 bytes, this one is {len(signature)}")
            expected = hmac.new(key.secret, signing_input, hashlib.sha256).digest()
            # compare_digest takes the same time wherever the first wrong byte is.
            if hmac.compare_digest(expected, signature):
                return
            raise Rejected("bad_signature", "the signature does not verify")
        except Rejected as e:
            first_error = first_error or e
    raise first_error


# ---------------------------------------------------------------------------
# Layer 5: registered claims (policy.md §5) and Intercom's profile (§6.3)
# ---------------------------------------------------------------------------

def is_number(value):
    # bool is a subclass of int in Python, but true is not a date.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numeric_date(claims, name):
    if name not in claims:
        return None
    value = claims[name]
    if not is_number(value):
        # A numeric string such as "99999999999" is refused, never read as absent (§5.1).
        raise Rejected("claim_type", f"claim \"{name}\" must be a NumericDate (a JSON number)")
    if not 0 <= value <= MAX_NUMERIC_DATE:
        hint = ""
        # Compared without dividing: value / 1000 overflows for a JSON integer of 400 digits.
        if MAX_NUMERIC_DATE < value <= MAX_NUMERIC_DATE * 1000:
            hint = "; it looks like milliseconds, NumericDate is in seconds"
        raise Rejected("date_out_of_range",
                       f"claim \"{name}\" = {shown(value)} is outside 0..{MAX_NUMERIC_DATE}{hint}")
    return value


def is_expired(exp, now, mistake):
    if mistake == "exp-milliseconds":
        # THE PLANTED MISTAKE. Code ported from JavaScript, where the clock is Date.now()
        # in milliseconds: exp is scaled to milliseconds, but the clock here is
        # time.time() in seconds. exp * 1000 is always far beyond "now", so no token
        # ever expires.
        return exp * 1000 + LEEWAY <= now
    # §5.4: expired once now >= exp + leeway, so exp == now has already expired.
    return now >= exp + LEEWAY


def check_claims(claims, now, mistake):
    if "user_id" not in claims:
        raise Rejected("missing_claim", "the required claim \"user_id\" is missing")
    exp = numeric_date(claims, "exp")
    nbf = numeric_date(claims, "nbf")
    numeric_date(claims, "iat")  # type and range only; a future iat is fine (§5.6)
    for name in ("iss", "sub", "jti"):
        if name in claims and not isinstance(claims[name], str):
            raise Rejected("claim_type", f"claim \"{name}\" must be a string")
    if "aud" in claims:
        aud = claims["aud"]
        if not (isinstance(aud, str) or (isinstance(aud, list) and aud
                                         and all(isinstance(a, str) for a in aud))):
            raise Rejected("claim_type",
                           "claim \"aud\" must be a string or a non-empty array of strings")
    if exp is not None and is_expired(exp, now, mistake):
        raise Rejected("expired", f"the token expired at {exp} (now is {now})")
    if nbf is not None and now + LEEWAY < nbf:
        raise Rejected("not_yet_valid", f"the token is not valid before {nbf} (now is {now})")

    # Intercom: "user_id to identify the user. This is a required field."
    user_id = claims["user_id"]
    if not isinstance(user_id, str):
        raise Rejected("claim_type", "claim \"user_id\" must be a string")
    if user_id == "":
        raise Rejected("claim_length", "claim \"user_id\" must not be empty")
    # Intercom: email is optional; when present it is a string (any string: no format rule).
    if "email" in claims and not isinstance(claims["email"], str):
        raise Rejected("claim_type", "claim \"email\" must be a string")


def verify(token, claimed_user, keys, mistake):
    # Whole seconds, as JWT libraries count: with a fractional clock an exp of now + 0.5
    # would expire halfway through the second it was minted in.
    now = int(time.time())
    header_raw, payload_raw, signature, signing_input = split_token(token)
    header = parse_object(header_raw, "header")
    check_header(header)
    check_signature(candidate_keys(header, keys), signing_input, signature)
    # The payload is parsed only once its signature holds (decisions.md): bytes nobody
    # vouched for get no more attention than it takes to refuse them.
    claims = parse_object(payload_raw, "payload")
    check_claims(claims, now, mistake)

    user = {"user_id": claims["user_id"]}
    if "email" in claims:
        user["email"] = claims["email"]
    user["attributes"] = {name: value for name, value in claims.items()
                          if name not in ("user_id", "email") and name not in REGISTERED_CLAIMS}
    # policy.md §6.6: the user the page says is signed in must be the token's user,
    # compared exactly (no case folding, trimming or Unicode normalization).
    if claimed_user is not None and claimed_user != user["user_id"]:
        raise Rejected("identity_mismatch",
                       f"the token is for another user than the claimed {shown(claimed_user)!r}")
    return user


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, keys, mistake, max_requests, idle_seconds):
        super().__init__(address, Handler)
        self.keys = keys
        self.mistake = mistake
        self.max_requests = max_requests
        self.idle_seconds = idle_seconds
        self.lock = threading.Lock()
        self.requests = 0
        self.active = 0
        self.last_activity = time.monotonic()
        self.stopping = False

    def server_bind(self):
        # HTTPServer.server_bind resolves the host name (socket.getfqdn), a DNS lookup
        # that can stall start-up; a loopback fixture has no use for it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # One line instead of socketserver's traceback, and nothing for a client that hung
        # up or stalled: a stream of tracebacks could fill a stderr pipe nobody reads.
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"verifier-service: error serving a request: {shown(repr(error), 200)}",
                  file=sys.stderr, flush=True)

    def begin_request(self):
        """Counts a request; False once the budget of --max-requests is spent."""
        with self.lock:
            if self.requests >= self.max_requests:
                return False
            self.requests += 1
            self.active += 1
            self.last_activity = time.monotonic()
            return True

    def end_request(self):
        with self.lock:
            self.active -= 1
            self.last_activity = time.monotonic()
            done = self.requests >= self.max_requests and self.active == 0
        if done:
            self.stop()

    def stop(self):
        with self.lock:
            if self.stopping:
                return
            self.stopping = True
        # shutdown() waits for serve_forever to return, so it must not run on a thread
        # that serve_forever is waiting for.
        threading.Thread(target=self.shutdown, daemon=True).start()

    def watch_idleness(self):
        while not self.stopping:
            time.sleep(0.25)
            with self.lock:
                idle = self.active == 0 and \
                    time.monotonic() - self.last_activity >= self.idle_seconds
            if idle:
                self.stop()


class Handler(http.server.BaseHTTPRequestHandler):
    # One request per connection (HTTP/1.0), so an idle client holds no thread, and a
    # socket timeout so a slow one holds it for a bounded time.
    protocol_version = "HTTP/1.0"
    timeout = SOCKET_TIMEOUT_SECONDS
    server_version = "intercom-verifier/1"
    sys_version = ""

    def log_message(self, format, *args):
        # Quiet: a harness that never reads stderr must not block the server on a full pipe.
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def counted(self, serve):
        if not self.server.begin_request():
            self.close_connection = True
            return
        try:
            serve()
        finally:
            self.server.end_request()

    def do_GET(self):
        self.counted(lambda: self.send_json(
            405 if self.path == "/verify" else 404, {"error": "use POST /verify"}))

    def do_POST(self):
        self.counted(self.verify_request)

    def verify_request(self):
        if self.path != "/verify":
            self.send_json(404, {"error": "use POST /verify"})
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.send_json(400, {"error": "a Content-Length header is required"})
            return
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            self.send_json(413, {"error": f"the body is over {MAX_BODY_BYTES} bytes"})
            return
        try:
            body = json.loads(self.rfile.read(int(length)).decode("utf-8"))
        except (ValueError, RecursionError):
            self.send_json(400, {"error": "the body is not UTF-8 JSON"})
            return
        except OSError:
            return  # the client went away or stalled past the socket timeout
        if not isinstance(body, dict):
            self.send_json(400, {"error": "the body must be a JSON object"})
            return
        token = body.get("token")
        claimed_user = body.get("claimed_user")
        if token is not None and not isinstance(token, str):
            self.send_json(400, {"error": "\"token\" must be a string or null"})
            return
        if claimed_user is not None and not isinstance(claimed_user, str):
            self.send_json(400, {"error": "\"claimed_user\" must be a string or null"})
            return
        if token is None:
            # Intercom's mode is "required": no token, no user (policy.md §6.7).
            self.send_json(401, {"error": "no token was presented", "reason": "token_missing"})
            return
        try:
            user = verify(token, claimed_user, self.server.keys, self.server.mistake)
        except Rejected as e:
            self.send_json(401, {"error": e.message, "reason": e.reason})
            return
        self.send_json(200, user)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--key-file", required=True,
                        help="a JWK {\"kty\":\"oct\",\"k\":...} or a JWK Set")
    parser.add_argument("--mistake", choices=MISTAKES, help="plant a typical bug")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--idle-seconds", type=float, default=30)
    args = parser.parse_args()

    try:
        keys = load_keys(args.key_file)
    except ValueError as e:
        print(f"verifier-service: {e}", file=sys.stderr)
        return 2
    try:
        server = Server(("127.0.0.1", args.port), keys, args.mistake,
                        args.max_requests, args.idle_seconds)
    except OSError as e:
        print(f"verifier-service: cannot listen on 127.0.0.1:{args.port}: {e.strerror}",
              file=sys.stderr)
        return 1
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    threading.Thread(target=server.watch_idleness, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
