#!/usr/bin/env python3
"""jwcrypto (on cryptography) behind idjwt adapter protocol v1 (docs/adapter-protocol.md).

The library is used as its documentation shows: the request's JWKs become ``jwk.JWK(**jwk)``
objects (an RSA JWK as it comes, public for verify, private for sign) in a ``jwk.JWKSet``
(jwcrypto picks the key the header's ``kid`` names, or tries each key when there is none:
jws.py:300-323), and ``jwt.JWT(algs=..., check_claims=..., expected_type="JWS",
strict_serialization=True)`` with its ``leeway`` attribute set, then ``deserialize(token,
keyset)``. ``check_claims`` holds ``iss`` and ``aud`` when the request names them and every
required claim with the value None ("must be present", jwt.py:184-186, :518-520); ``exp`` and
``nbf`` listed with None are compared with ``time.time()`` and the leeway (jwt.py:544-554).
Nothing the library checks is re-checked here, and nothing it skips is added. jwcrypto compares
dates with ``time.time()`` (jwt.py:482, :484, :548, :554) and takes no "now", so the clock is
``system``: the harness re-mints time-relative cases at the wall clock (a case with a date
inside a second, early in a second, since ``time.time()`` carries the fraction). Header and
claims are returned as ``json.loads(JWT.header)`` and ``json.loads(JWT.claims)``, as a caller reads them
(both are JSON text, jwt.py:241-264).

Defaults mode (``"mode": "defaults"``): ``jwt.JWT(algs=...)`` and ``deserialize(token, keyset)``,
which is what ``jwt.JWT(jwt=token, key=keyset, algs=...)`` does (jwt.py:238-239). Left at its
defaults (jwt.py:169-171, :218), jwcrypto requires no claim, compares ``iss`` and ``aud`` with
nothing, checks the type of the registered claims, and compares ``exp`` and ``nbf``, when
present, with ``time.time()`` and a leeway of 60 seconds (jwt.py:470-484). With no
``check_claims`` it also accepts a payload that is not a JSON object (jwt.py:502-511): the
caller's ``json.loads(JWT.claims)`` then fails or yields no object, and the answer is a refusal
saying so.
"""
import base64
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-common"))
from protocol import fail, serve  # noqa: E402

from jwcrypto import jwk, jwt
from jwcrypto.common import JWKeyNotFound
from jwcrypto.jws import InvalidJWSObject, InvalidJWSOperation, InvalidJWSSignature
from jwcrypto.version import __version__ as VERSION

CANNOT_ENFORCE = [{
    "check": "duplicate_members",
    "why": "header and claims go through jwcrypto.common.json_decode, plain json.loads "
           "(common.py:39-42), which keeps the last duplicate member; JWT takes no JSON "
           "parser or hook",
}]



# (text in the exception's repr or in the verify log, reason code): the first match wins.
# jwcrypto swallows each key's error while it tries a key set and raises JWTMissingKey at the
# end (jws.py:309-323, :391-393, jwt.py:666-667); its log (`deserializelog`) keeps the reprs.
LOG_RULES = [
    ("not in key set", "unknown_kid"),
    ('No \\"alg\\" in headers', "alg_missing"),
    ('No "alg" in headers', "alg_missing"),
    ("Algorithm not allowed", "alg_not_allowed"),
    ("Invalid JWA Algorithm", "alg_not_allowed"),
    ("InvalidJWEKeyLength", "empty_key"),
    ("Expected key of length", "empty_key"),
    ("Unknown critical header", "crit_present"),
    ("Unsupported critical header", "crit_present"),
    ("Missing critical header", "crit_present"),
    ("b64 header", "b64_present"),
    ("Invalid Protected header", "not_an_object"),
    ("Failed header check", "header_value"),
]


def log_reason(t):
    log = " ".join(str(x) for x in (getattr(t, "deserializelog", None) or []))
    if getattr(t, "token", None) is not None and getattr(t.token, "verifylog", None):
        log += " " + " ".join(str(x) for x in t.token.verifylog)
    for text, code in LOG_RULES:
        if text in log:
            return code
    if "Key [" in log and ("KeyType" in log or "AttributeError" in log or "TypeError" in log):
        return "key_family_mismatch"
    return None


def reason_for(e, t=None, header=None, token=""):
    """The closest idjwt reason code for a jwcrypto exception, or None."""
    m = str(e)
    header = header or {}
    alg = header.get("alg")
    parts = token.split(".")
    if len(parts) == 3 and "" in parts:
        return "empty_segment"
    if isinstance(e, jwt.JWTExpired):
        return "expired"
    if isinstance(e, jwt.JWTNotYetValid):
        return "not_yet_valid"
    if isinstance(e, jwt.JWTMissingClaim):
        return "missing_claim"
    if isinstance(e, jwt.JWTInvalidClaimFormat):
        if isinstance(e.__cause__, (json.JSONDecodeError, UnicodeDecodeError)):
            return "invalid_json"
        return "not_an_object" if "not a json dict" in m else "claim_type"
    if isinstance(e, jwt.JWTInvalidClaimValue):
        if "'iss'" in m:
            return "issuer_mismatch"
        if "'aud'" in m:
            return "audience_mismatch"
        return "claim_value"
    if isinstance(e, (JWKeyNotFound, InvalidJWSSignature)):
        if "alg" in header and not isinstance(alg, str):
            return "header_member_type"
        if "kid" in header and not isinstance(header["kid"], str):
            return "header_member_type"
        if isinstance(alg, str) and alg.lower() == "none":
            return "alg_none"
        return (log_reason(t) if t is not None else None) or "bad_signature"
    if isinstance(e, InvalidJWSObject):
        cause = e.__cause__
        cm = str(cause or "")
        if isinstance(cause, RecursionError):
            return "json_too_deep"
        if isinstance(cause, UnicodeDecodeError):
            return "invalid_json"
        if isinstance(cause, AttributeError):  # jws.py:411 `p.get('b64')` on a non-object
            return "not_an_object"
        if "Unrecognized representation" in m:
            return "segment_count"
        if "b64" in m or "b64" in cm:
            return "b64_present"
        if "Incorrect padding" in cm or "base64" in cm or "Invalid base64" in cm:
            return "invalid_base64"
        if isinstance(cause, ValueError):
            return "invalid_json"
        return "invalid_base64"
    if isinstance(e, InvalidJWSOperation):
        return "alg_not_allowed"
    if isinstance(e, OverflowError):
        return "claim_type"  # jwt.py:455 int() of Infinity
    if isinstance(e, RecursionError):
        return "json_too_deep"
    if isinstance(e, json.JSONDecodeError) or isinstance(e, UnicodeDecodeError):
        return "invalid_json"
    if isinstance(e, ValueError) and "Token format unrecognized" in m:
        return "segment_count"
    if isinstance(e, ValueError) and "JSON Serialization" in m:
        return "segment_count"
    if isinstance(e, ValueError) and "b64" in m:
        return "b64_present"
    if isinstance(e, TypeError) and ("'<'" in m or "'>'" in m or m.startswith("int()")):
        return "claim_type"  # jwt.py:455 int() of a list or object; :461, :466 compare one
    if isinstance(e, TypeError) and "got JWE" in m:
        return "segment_count"  # jwt.py:650-651: five segments are a JWE
    return None


def describe(_req):
    return {"ok": True, "name": "python-jwcrypto", "version": VERSION,
            "algorithms": ["HS256", "ES256", "RS256", "RS512"], "clock": "system",
            "modes": ["configured", "defaults"], "cannot_enforce": CANNOT_ENFORCE}


def sign(req):
    key = jwk.JWK(**req["key"])
    # JWT's header setter and JWS.add_signature sign exactly this header (jwt.py:247-258,
    # jws.py:508-557); with no default_claims no claim is added (jwt.py:266-280, :420-421).
    t = jwt.JWT(header={"alg": req["alg"], **(req.get("header") or {})}, claims=req["claims"])
    t.make_signed_token(key)
    return {"ok": True, "token": t.serialize()}


def unverified_header(token):
    """Only to report a key problem for the kid the token names; jwcrypto parses the token
    itself."""
    try:
        seg = token.split(".")[0]
        seg += "=" * (-len(seg) % 4)
        h = json.loads(base64.urlsafe_b64decode(seg.encode()))
        return h if isinstance(h, dict) else {}
    except Exception:
        return {}


def verify(req):
    token = req["token"]
    header = unverified_header(token)
    kid = header.get("kid")
    keyset, unusable = jwk.JWKSet(), []
    for d in req["keys"]:
        try:
            keyset.add(jwk.JWK(**d))
        except Exception as e:  # InvalidJWKValue, InvalidJWKType, ...
            unusable.append((d.get("kid"), e))
    if kid is not None and not keyset.get_keys(kid):
        bad = [e for k, e in unusable if k == kid][:1]
        if bad:
            return fail(f"the key with kid {kid!r} is unusable: {type(bad[0]).__name__}: {bad[0]}",
                        "invalid_key")
    if not list(keyset) and unusable:
        return fail(f"no usable key: {unusable[0][1]}", "invalid_key")
    t = None
    try:
        if req.get("mode") == "defaults":
            t = jwt.JWT(algs=list(req["algorithms"]))
        else:
            check = {}
            if req.get("issuer") is not None:
                check["iss"] = req["issuer"]
            if req.get("audience") is not None:
                check["aud"] = req["audience"]
            for name in req.get("required") or []:
                check.setdefault(name, None)
            t = jwt.JWT(algs=list(req["algorithms"]), check_claims=check,
                        expected_type="JWS", strict_serialization=True)
            t.leeway = req.get("leeway", 0)
        t.deserialize(token, keyset)
        claims = json.loads(t.claims)
        if not isinstance(claims, dict):
            return fail(f"jwcrypto accepted a payload that is not a JSON object: {t.claims[:80]!r}",
                        "not_an_object")
        return {"ok": True, "header": json.loads(t.header), "claims": claims}
    except Exception as e:  # every failure is an answer, never an exit
        return fail(f"{type(e).__name__}: {e}", reason_for(e, t, header, token))



if __name__ == "__main__":
    serve({"describe": describe, "sign": sign, "verify": verify})
