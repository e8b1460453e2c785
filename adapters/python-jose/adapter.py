#!/usr/bin/env python3
"""python-jose (cryptography backend) behind idjwt adapter protocol v1 (docs/adapter-protocol.md).

The library is used as its documentation shows: ``jose.jwt.encode(claims, jwk, algorithm=...,
headers=...)`` and ``jose.jwt.decode(token, key, algorithms=[...], audience=..., issuer=...,
options={"leeway": ..., "require_<claim>": True, ...})`` (jwt.py:66-151; every ``require_<name>``
option makes that claim required, jwt.py:480-485). The key is the JWK the header's ``kid``
names; python-jose itself never reads ``kid`` (jws.py:209-268 tries every key it is given), so
picking the key is the application's part, done here: the key with that ``kid``, or without one
every configured key of the family the token's ``alg`` needs (an empty family: all of them), as
a JWK set. An RSA JWK goes in as it comes, like an EC one (public for verify, private for sign):
python-jose builds the key object from the JWK and the ``alg`` (jwk.py:63-79). Nothing the
library checks is re-checked here, and nothing it skips is added.
python-jose compares dates with ``datetime.now(UTC)`` truncated to whole seconds (jwt.py:298,
:328) and takes no "now", so the clock is ``system``. The ``cryptography`` backend is the one
installed (``python-jose[cryptography]``): jose/backends/__init__.py prefers it.

Defaults mode (``"mode": "defaults"``): ``jwt.decode(token, key, algorithms=[...])``. Left at its
defaults (jwt.py:132-151), python-jose requires no claim, allows no leeway, compares ``iss``
with nothing (jwt.py:384) and, with no audience given, refuses every token that carries an
``aud`` (jwt.py:354-367: ``None not in [...]``).
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-common"))
from protocol import fail, serve  # noqa: E402

import jose
from jose import jwt
from jose.exceptions import (ExpiredSignatureError, JOSEError, JWKError, JWSError,
                             JWTClaimsError, JWTError)

CANNOT_ENFORCE = [{
    "check": "duplicate_members",
    "why": "header and claims go through plain json.loads (jws.py:189, jwt.py:167), which "
           "keeps the last duplicate member; decode takes no JSON parser or hook",
}]

FAMILY = {"HS": "oct", "ES": "EC", "RS": "RSA", "PS": "RSA"}



# (lower-case text in the message, reason code): the first match wins. python-jose wraps most
# errors in JWTError with the original text (jwt.py:158-161).
RULES = [
    ("signature has expired", "expired"),
    ("not yet valid", "not_yet_valid"),
    ("missing required key", "missing_claim"),
    ("invalid issuer", "issuer_mismatch"),
    ("invalid audience", "audience_mismatch"),
    ("invalid claim format", "claim_type"),
    ("must be an integer", "claim_type"),
    ("must be a string", "claim_type"),
    ("no algorithm was specified", "alg_missing"),
    ("alg value is not allowed", "alg_not_allowed"),
    ("invalid or unsupported algorithm", "alg_not_allowed"),
    ("signature verification failed", "bad_signature"),
    ("not enough segments", "segment_count"),
    ("padding", "invalid_base64"),
    ("must be a json object", "not_an_object"),
    ("invalid header string", "invalid_json"),
    ("invalid payload string", "invalid_json"),
    ("incorrect key type", "key_family_mismatch"),
    ("asymmetric key", "key_family_mismatch"),
]


def reason_for(e, header=None, token=""):
    """The closest idjwt reason code for a python-jose exception, or None."""
    header = header or {}
    parts = token.split(".")
    if len(parts) == 3 and "" in parts:
        return "empty_segment"
    if len(parts) > 3:
        return "segment_count"
    alg = header.get("alg")
    m = str(e).lower()
    if isinstance(e, (JWSError, JWTError)) and not isinstance(e, (JWTClaimsError,
                                                                   ExpiredSignatureError)):
        if "alg" in header and not isinstance(alg, str):
            return "header_member_type"
        if isinstance(alg, str) and alg.lower() == "none":
            return "alg_none"
    if isinstance(e, RecursionError) or "recursion" in m:
        return "json_too_deep"
    if isinstance(e, JWKError) and "hash_alg" in m:
        return "alg_not_allowed"
    for text, code in RULES:
        if text in m:
            return code
    if isinstance(e, JWKError):
        return "invalid_key"
    if isinstance(e, ValueError) and "key" in m:
        return "invalid_key"  # cryptography refuses the JWK's point (backends, _process_jwk)
    if isinstance(e, ValueError) and m.startswith(("e must be", "n must be")):
        return "invalid_key"  # cryptography refuses the RSA JWK's numbers (RSAPublicNumbers)
    if isinstance(e, (TypeError, ValueError, OverflowError)):
        return "claim_type"  # int() of a list, object or Infinity (jwt.py:269, :294, :324)
    return None


def describe(_req):
    return {"ok": True, "name": "python-jose", "version": jose.__version__,
            "algorithms": ["HS256", "ES256", "RS256", "RS512"], "clock": "system",
            "modes": ["configured", "defaults"], "cannot_enforce": CANNOT_ENFORCE}


def sign(req):
    # encode() starts from {"typ": "JWT", "alg": ...} and only adds to it (jws.py:132-144).
    token = jwt.encode(req["claims"], req["key"], algorithm=req["alg"],
                       headers=dict(req.get("header") or {}))
    return {"ok": True, "token": token}


def verify(req):
    token = req["token"]
    header = {}
    try:
        # Only to find the key its kid names; the header returned below is the one decode
        # parsed again, as the library has no call that returns it verified.
        try:
            header = jwt.get_unverified_header(token)
        except JWTError:  # decode below refuses it too, with the precise error
            header = {}
        if not isinstance(header, dict):
            header = {}
        alg, kid = header.get("alg"), header.get("kid")
        keys = [k for k in req["keys"] if isinstance(k, dict)]
        if "kid" in header:
            keys = [k for k in keys if "kid" in k and k["kid"] == kid][:1]
            if not keys:
                return fail(f"no configured key has kid {kid!r}",
                            "unknown_kid" if isinstance(kid, str) else "header_member_type")
        else:
            family = FAMILY.get(alg[:2]) if isinstance(alg, str) else None
            same = [k for k in keys if k.get("kty") == family]
            keys = same or keys
        key = {"keys": keys}
        if req.get("mode") == "defaults":
            claims = jwt.decode(token, key, algorithms=list(req["algorithms"]))
        else:
            options = {"leeway": req.get("leeway", 0)}
            for name in req.get("required") or []:
                options["require_" + name] = True
            claims = jwt.decode(token, key, algorithms=list(req["algorithms"]),
                                audience=req.get("audience"), issuer=req.get("issuer"),
                                options=options)
        return {"ok": True, "header": header, "claims": dict(claims)}
    except Exception as e:  # every failure is an answer, never an exit
        return fail(f"{type(e).__name__}: {e}", reason_for(e, header, token))



if __name__ == "__main__":
    serve({"describe": describe, "sign": sign, "verify": verify})
