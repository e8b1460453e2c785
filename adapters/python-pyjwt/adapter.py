#!/usr/bin/env python3
"""PyJWT (with cryptography) behind idjwt adapter protocol v1 (docs/adapter-protocol.md).

The library is used as its documentation shows: keys through ``jwt.PyJWK``, ``jwt.encode`` and
``jwt.decode_complete`` (``jwt.decode`` plus the verified header) with ``algorithms``,
``audience``, ``issuer``, ``leeway`` and ``options={"require": [...]}``. Nothing the library
checks is re-checked here, and nothing it skips is added. A ``PyJWK`` is bound to one algorithm
and verifies only tokens of that ``alg`` (api_jws.py:418-430); without an ``alg`` member an
``EC`` P-256 JWK is bound to ES256 and an ``RSA`` one to RS256 (api_jwk.py:40-56). An RSA JWK
(public for verify, private for sign) is therefore handed over as ``jwt.PyJWK(jwk, algorithm)``
with the RSA algorithm the application uses it for: the token's ``alg`` when the allow-list
holds it and it is RS256 or RS512, otherwise the first of those the allow-list holds (signing:
the requested ``alg``). ``enforce_minimum_key_length`` is left at its default, off, which the
documentation describes without recommending either way: a key below 2048 bits only warns
(api_jwt.py:64, api_jws.py:438-443, algorithms.py:516-528). PyJWT compares against
``datetime.now()`` (api_jwt.py:401) and takes no "now", so the clock is ``system``.

Defaults mode (``"mode": "defaults"``): ``jwt.decode_complete(token, key, algorithms=...)``.
Left at its defaults (api_jwt.py:52-63), PyJWT requires no claim, allows no leeway, compares
``iss`` with nothing (api_jwt.py:568-569), and, with no audience given, refuses every token
that carries a non-empty ``aud`` (api_jwt.py:522-527).

Keys published at a URL (a request with ``jwks``) are fetched by the library's own
``jwt.PyJWKClient``, kept per URL, which picks the key by the token's ``kid``.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-common"))
from protocol import fail, serve  # noqa: E402

import jwt
from jwt import exceptions as E

CANNOT_ENFORCE = [{
    "check": "duplicate_members",
    "why": "header and claims go through json.loads (api_jws.py:372, api_jwt.py:298), which "
           "keeps the last duplicate member, and decode takes no JSON parser or hook",
}]



# (exception class, lower-case text in its message, reason code): the first match wins, so
# subclasses and specific messages come first.
RULES = [
    (E.InvalidSignatureError, "", "bad_signature"),
    (E.ExpiredSignatureError, "", "expired"),
    (E.ImmatureSignatureError, "", "not_yet_valid"),
    (E.MissingRequiredClaimError, "", "missing_claim"),
    ((E.InvalidIssuedAtError, E.InvalidSubjectError, E.InvalidJTIError), "", "claim_type"),
    ((E.InvalidIssuerError, E.InvalidAudienceError), "must be a string", "claim_type"),
    (E.InvalidAudienceError, "claim format", "claim_type"),
    (E.InvalidIssuerError, "", "issuer_mismatch"),
    (E.InvalidAudienceError, "", "audience_mismatch"),
    (E.InvalidAlgorithmError, "not specified", "alg_missing"),
    (E.InvalidAlgorithmError, "does not match the key", "key_family_mismatch"),
    (E.InvalidAlgorithmError, "", "alg_not_allowed"),
    (E.InvalidKeyError, "must not be empty", "empty_key"),
    (E.InvalidKeyError, "asymmetric key", "key_family_mismatch"),
    (E.InvalidKeyError, "", "invalid_key"),
    (E.DecodeError, "not enough segments", "segment_count"),
    (E.DecodeError, "padding", "invalid_base64"),
    (E.DecodeError, "must be a json object", "not_an_object"),
    (E.DecodeError, "recursion", "json_too_deep"),
    (E.DecodeError, " string: ", "invalid_json"),
    (E.DecodeError, "must be an integer", "claim_type"),
    (E.InvalidTokenError, "key id", "header_member_type"),
    (E.InvalidTokenError, "b64", "b64_present"),
    (E.InvalidTokenError, "detached_payload", "b64_present"),
    (E.InvalidTokenError, "crit", "crit_present"),
]


def reason_for(e, alg=None):
    """The closest idjwt reason code for a PyJWT exception, or None."""
    if isinstance(e, E.InvalidAlgorithmError) and alg is not None:
        if not isinstance(alg, str):
            return "header_member_type"
        if alg.lower() == "none":
            return "alg_none"
    m = str(e).lower()
    return next((code for cls, text, code in RULES if isinstance(e, cls) and text in m), None)


def key_reason(e):
    return reason_for(e) or "invalid_key"


def describe(_req):
    return {"ok": True, "name": "python-pyjwt", "version": jwt.__version__,
            "algorithms": ["HS256", "ES256", "RS256", "RS512"], "clock": "system",
            "modes": ["configured", "defaults"], "cannot_enforce": CANNOT_ENFORCE,
            "fetches_jwks": True}


# One client per key set URL, kept as an application keeps its PyJWKClient (the harness never
# sends one URL for two cases), at most REMOTE_KEPT at once, oldest dropped first.
REMOTE_KEPT = 256
remote_clients = {}


def remote_client(jwks, mode):
    """The library's own JWKS client for ``jwks`` (docs "Retrieve RSA signing keys from a JWKS
    endpoint"): in configured mode with the request's timeout and refetch interval (``timeout``,
    ``cooldown_duration``, jwks_client.py:35-46), in defaults mode with its defaults (30 s, 30 s)."""
    client = remote_clients.get(jwks["url"])
    if client is None:
        if mode == "defaults":
            client = jwt.PyJWKClient(jwks["url"])
        else:
            client = jwt.PyJWKClient(jwks["url"], timeout=jwks["timeout_ms"] / 1000,
                                     cooldown_duration=jwks["refetch_after"])
        if len(remote_clients) >= REMOTE_KEPT:
            remote_clients.pop(next(iter(remote_clients)))
        remote_clients[jwks["url"]] = client
    return client


def remote_key(req):
    """The signing key the client picks for the token (jwks_client.py:235-275), or a failure."""
    try:
        return remote_client(req["jwks"], req.get("mode")).get_signing_key_from_jwt(req["token"]), None
    except E.PyJWKClientConnectionError as e:
        return None, fail(f"PyJWKClientConnectionError: {e}", "key_set_unavailable")
    except E.PyJWKClientError as e:
        # No key with the token's kid (or none the client counts as a signing key).
        unusable = "did not return a json object" in str(e).lower()
        return None, fail(f"PyJWKClientError: {e}", "key_set_unavailable" if unusable else "unknown_kid")
    except (E.PyJWKSetError, E.PyJWKError, ValueError) as e:
        # A body that is not JSON (json.load's ValueError) or not a key set.
        return None, fail(f"{type(e).__name__}: {e}", "key_set_unavailable")
    except E.InvalidTokenError as e:
        return None, fail(f"{type(e).__name__}: {e}", reason_for(e))


RSA_ALGS = ("RS256", "RS512")


def import_key(data, algs, alg=None):
    """``jwt.PyJWK`` of a JWK. An RSA JWK names no algorithm, so it is bound to the RSA
    algorithm the application allows: ``alg`` if it is one of ``algs``, else the first RSA one of
    ``algs`` (none: PyJWK's own choice, RS256)."""
    if isinstance(data, dict) and data.get("kty") == "RSA" and "alg" not in data:
        allowed = [a for a in algs if a in RSA_ALGS]
        if allowed:
            return jwt.PyJWK(data, algorithm=alg if alg in allowed else allowed[0])
    return jwt.PyJWK(data)


def sign(req):
    key = import_key(req["key"], [req["alg"]])
    headers = dict(req.get("header") or {})
    # encode() starts from {"typ": "JWT", "alg": ...} and drops a falsy typ (api_jws.py:160-167).
    headers.setdefault("typ", None)
    token = jwt.encode(req["claims"], key, algorithm=req["alg"], headers=headers,
                       sort_headers=False)
    return {"ok": True, "token": token}


def configured_options(req):
    """decode's options: the request's in configured mode, none in defaults mode."""
    if req.get("mode") == "defaults":
        return {}
    return {"audience": req.get("audience"), "issuer": req.get("issuer"),
            "leeway": req.get("leeway", 0),
            "options": {"require": list(req.get("required") or [])}}


def verify(req):
    token = req["token"]
    alg = None
    if req.get("jwks"):
        key, failure = remote_key(req)
        if failure is not None:
            return failure
        try:
            decoded = jwt.decode_complete(token, key, algorithms=req["algorithms"],
                                          **configured_options(req))
            return {"ok": True, "header": decoded["header"], "claims": decoded["payload"]}
        except Exception as e:  # every failure is an answer, never an exit
            return fail(f"{type(e).__name__}: {e}", reason_for(e))
    try:
        # Only to find the key its kid names; the header returned below is the verified one.
        header = jwt.get_unverified_header(token)
        alg = header.get("alg")
        keys, unusable = [], []
        for jwk in req["keys"]:
            try:
                keys.append(import_key(jwk, req["algorithms"], alg))
            except Exception as e:  # PyJWK wraps most problems in InvalidKeyError
                unusable.append((jwk.get("kid"), e))
        kid = header.get("kid")
        if kid is not None:
            keys = [k for k in keys if k.key_id == kid][:1]
            if not keys:
                bad = [e for k, e in unusable if k == kid][:1]
                if bad:
                    return fail(f"the key with kid {kid!r} is unusable: {bad[0]}", key_reason(bad[0]))
                return fail(f"no configured key has kid {kid!r}", "unknown_kid")
        elif any(k.algorithm_name == alg for k in keys):
            # No kid: every key of the token's algorithm is tried (policy §3).
            keys = [k for k in keys if k.algorithm_name == alg]
        if not keys:
            if alg not in req["algorithms"]:
                return fail(f"alg {alg!r} is not allowed", "alg_not_allowed")
            if unusable:
                return fail(f"no usable key: {unusable[0][1]}", key_reason(unusable[0][1]))
            return fail(f"no configured key can verify {alg!r}", "no_key")
        configured = configured_options(req)
        for i, key in enumerate(keys):
            try:
                decoded = jwt.decode_complete(token, key, algorithms=req["algorithms"],
                                              **configured)
                return {"ok": True, "header": decoded["header"], "claims": decoded["payload"]}
            except E.InvalidSignatureError:
                if i == len(keys) - 1:  # another key may still verify it
                    raise
    except Exception as e:  # every failure is an answer, never an exit
        return fail(f"{type(e).__name__}: {e}", reason_for(e, alg))



if __name__ == "__main__":
    serve({"describe": describe, "sign": sign, "verify": verify})
