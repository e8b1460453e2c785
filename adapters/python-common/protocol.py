"""What every Python adapter shares (docs/adapter-protocol.md): one JSON request per line on
stdin, one JSON answer per line on stdout, in order; every exception becomes an ``ok: false``
answer, never an exit; no answer ever shows a secret of the request; and values Python's json
lets through but RFC 8259 cannot carry are rewritten so that the answer stays parseable.

An adapter supplies ``describe(req)``, ``sign(req)`` and ``verify(req)``, each returning the
answer without its ``id``, and calls ``serve``.
"""
import json
import math
import sys


def fail(error, reason=None):
    """A refusal with a message and, where the adapter can tell, a reason code."""
    out = {"ok": False, "error": error}
    if reason:
        out["reason"] = reason
    return out


class Refusal(Exception):
    """A refusal decided while picking the key (the application's part), with its reason."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def family(alg):
    """The JWK key type an ``alg`` needs (``oct`` for HS*, ``EC`` for ES*, ``RSA`` for RS* and
    PS*)."""
    if isinstance(alg, str) and alg.startswith("HS"):
        return "oct"
    if isinstance(alg, str) and alg.startswith("ES"):
        return "EC"
    if isinstance(alg, str) and alg.startswith(("RS", "PS")):
        return "RSA"
    return None


def wire_safe(value):
    """NaN/Infinity and lone surrogates, which Python's json accepts but RFC 8259 cannot carry,
    become strings / U+FFFD so that the answer stays parseable; the verdict is unchanged."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    if isinstance(value, list):
        return [wire_safe(v) for v in value]
    if isinstance(value, dict):
        return {wire_safe(k): wire_safe(v) for k, v in value.items()}
    return value


def dump(out):
    return json.dumps(out, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode()


SECRET_MEMBERS = ("k", "d", "p", "q", "dp", "dq", "qi")


def secrets(req):
    """The secret members of the request's keys: ``k``, ``d``, and an RSA key's primes and CRT
    values."""
    keys = req.get("keys") or [req.get("key") or {}]
    return [k[m] for k in keys if isinstance(k, dict) for m in SECRET_MEMBERS
            if isinstance(k.get(m), str) and k.get(m)]


def serve(ops):
    """Answers the requests on stdin with ``ops`` (op name → function), strictly in order."""
    for line in sys.stdin:
        rid = req = None
        try:
            req = json.loads(line)
            rid = req.get("id")
            op = ops.get(req.get("op"))
            out = op(req) if op else fail(f"unknown op {req.get('op')!r}")
        except Exception as e:
            out = fail(f"{type(e).__name__}: {e}")
        if not out["ok"]:  # libraries' messages may quote a whole JWK
            for secret in secrets(req if isinstance(req, dict) else {}):
                out["error"] = out["error"].replace(secret, "<redacted>")
        out = out if rid is None else {"id": rid, **out}
        try:
            data = dump(out)
        except ValueError:  # NaN/Infinity, or a lone surrogate (UnicodeEncodeError)
            print(f"{rid}: the answer held values JSON cannot carry; rewritten", file=sys.stderr)
            data = dump(wire_safe(out))
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()
