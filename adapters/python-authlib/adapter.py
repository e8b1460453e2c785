#!/usr/bin/env python3
"""Authlib's authlib.jose (with cryptography) behind idjwt adapter protocol v1
(docs/adapter-protocol.md).

The library is used as its documentation shows: keys through ``JsonWebKey.import_key`` (an
``OctKey``, ``ECKey`` or ``RSAKey`` by the JWK's ``kty``: an RSA JWK is imported as it comes,
public for verify, private for sign), a ``KeySet`` whose ``find_by_kid`` picks the key a
token's ``kid`` names (rfc7517/key_set.py:19-37), ``JsonWebToken(algorithms)`` as the allow-list,
``jwt.encode(header, claims, key)``, and ``jwt.decode(token, key, claims_options={...})`` then
``claims.validate(now=..., leeway=...)``, with each required claim ``{"essential": True}`` and
``iss`` / ``aud`` pinned by ``{"essential": True, "value": ...}``. Nothing the library checks is
re-checked here, and nothing it skips is added. ``validate`` takes ``now``
(rfc7519/claims.py:91-96), so the clock is injected. The key goes in as a callable, which the
library calls with the parsed header once it has checked ``alg`` against the allow-list
(rfc7515/jws.py:260-278): with a ``kid`` it returns ``KeySet.find_by_kid(kid)``; without one it
returns each configured key of the algorithm's family in turn (policy.md §3.8).

Authlib 1.9 deprecates authlib.jose in favour of joserfc (jose/__init__.py:34-36): the
AuthlibDeprecationWarning it raises on import goes to standard error, never to the protocol's
standard output.

Defaults mode (``"mode": "defaults"``): ``jwt.decode(token, key)`` with the allow-list given to
``JsonWebToken`` and nothing more. ``decode`` checks the signature and returns the claims
(rfc7519/jwt.py:80-114); every claim check, dates included, is ``claims.validate()``, a further
call a caller who passes only a key does not make, so no date is compared and no clock read.
"""
import base64
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-common"))
from protocol import Refusal, fail, family, serve  # noqa: E402
import warnings

# Short HMAC keys or the deprecation of authlib.jose: warnings go to standard error, once each.
warnings.simplefilter("once")

import authlib  # noqa: E402
from authlib.jose import JsonWebKey, JsonWebToken, KeySet  # noqa: E402
from authlib.jose import errors as E  # noqa: E402

CANNOT_ENFORCE = [{
    "check": "duplicate_members",
    "why": "header and claims go through authlib.common.encoding.json_loads, plain json.loads "
           "(common/encoding.py:32-33, called from jose/util.py:16 and rfc7519/jwt.py:119), "
           "which keeps the last duplicate member; decode takes no JSON parser or hook",
}]


UNREADABLE = object()


def peek_header(token):
    """The header as plain JSON, only to name a refusal's reason: Authlib's errors do not say
    which `alg` they refused. UNREADABLE if it is not JSON."""
    try:
        segment = token.split(".")[0]
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except Exception:
        return UNREADABLE


def claim_of(e):
    """The claim an InvalidClaimError / MissingClaimError names ("Invalid claim 'iss'")."""
    parts = str(e).split("'")
    return parts[1] if len(parts) >= 3 else None


def reason_for(e, header=UNREADABLE):
    """The closest idjwt reason code for an exception raised by authlib.jose, or None."""
    if isinstance(e, Refusal):
        return e.reason
    if isinstance(e, RecursionError):
        return "json_too_deep"
    m = str(e)
    alg = header.get("alg") if isinstance(header, dict) else None
    if isinstance(header, dict) and "alg" in header and not isinstance(alg, str):
        if isinstance(e, (E.UnsupportedAlgorithmError, TypeError)):  # a list is unhashable
            return "header_member_type"
    if isinstance(e, E.BadSignatureError):
        return "bad_signature"
    if isinstance(e, E.ExpiredTokenError):
        return "expired"
    if isinstance(e, E.MissingClaimError):
        return "missing_claim"
    if isinstance(e, E.InvalidTokenError):
        return "claim_value" if "issued in the future" in m else "not_yet_valid"
    if isinstance(e, E.InvalidClaimError):
        claim = claim_of(e)
        if claim in ("exp", "nbf", "iat"):  # _validate_numeric_time (rfc7519/claims.py:226-227)
            return "claim_type"
        return {"iss": "issuer_mismatch", "aud": "audience_mismatch"}.get(claim, "claim_value")
    if isinstance(e, E.MissingAlgorithmError):
        return "alg_missing"
    if isinstance(e, E.UnsupportedAlgorithmError):
        return "alg_none" if isinstance(alg, str) and alg.lower() == "none" else "alg_not_allowed"
    if isinstance(e, (E.InvalidCritHeaderParameterNameError, E.InvalidHeaderParameterNameError)):
        return "crit_present"
    if isinstance(e, E.DecodeError):
        if "segments" in m:
            return "segment_count"
        if "padding" in m:
            return "invalid_base64"
        if "must be a json object" in m or "payload type" in m:
            return "not_an_object"
        if "Invalid header string" in m or "Invalid payload value" in m:
            return "invalid_json"
        return None
    if isinstance(e, ValueError) and "too long" in m:
        return "token_too_large"
    if isinstance(e, ValueError) and "Key not found" in m:
        kid = header.get("kid") if isinstance(header, dict) else None
        return "unknown_kid" if kid is None or isinstance(kid, str) else "header_member_type"
    if isinstance(e, ValueError) and "must not be empty" in m:
        return "empty_key"
    if isinstance(e, ValueError) and "not supported, only" in m:
        return "key_family_mismatch"
    if isinstance(e, (UnicodeDecodeError, json.JSONDecodeError)):
        return "invalid_json"
    if isinstance(e, (AttributeError, TypeError)) and header is not UNREADABLE and not isinstance(header, dict):
        return "not_an_object"
    if isinstance(e, (ValueError, TypeError, KeyError)):
        return "invalid_key"
    return None


def describe(_req):
    return {"ok": True, "name": "python-authlib", "version": authlib.__version__,
            "algorithms": ["HS256", "ES256", "RS256", "RS512"], "clock": "injected",
            "modes": ["configured", "defaults"], "cannot_enforce": CANNOT_ENFORCE}


def sign(req):
    header = {"alg": req["alg"], **(req.get("header") or {})}
    jwk = dict(req["key"])
    if "kid" not in header:
        # encode() copies the key's kid into the header (rfc7519/jwt.py:162-166): a key without
        # one is given when the request asks for no kid.
        jwk.pop("kid", None)
    key = JsonWebKey.import_key(jwk)
    # encode() sets typ to "JWT" when the header has none (rfc7519/jwt.py:62); there is no
    # option against it.
    token = JsonWebToken([req["alg"]]).encode(header, req["claims"], key)
    return {"ok": True, "token": token.decode("ascii")}


def claims_options(req):
    """Each required claim essential, iss and aud pinned when given (BaseClaims' options)."""
    options = {name: {"essential": True} for name in req.get("required") or []}
    if req.get("issuer") is not None:
        options["iss"] = {"essential": True, "value": req["issuer"]}
    if req.get("audience") is not None:
        options["aud"] = {"essential": True, "value": req["audience"]}
    return options


def verify(req):
    token = req["token"]
    seen = {}  # the header Authlib parsed, as it handed it to the key resolver
    try:
        keys, unusable = [], []
        for data in req["keys"]:
            try:
                keys.append(JsonWebKey.import_key(data))
            except Exception as e:
                unusable.append((data.get("kid") if isinstance(data, dict) else None, e))
        key_set = KeySet(keys)
        candidates = []

        def resolve(header, _payload):
            # Called by JsonWebSignature._prepare_algorithm_key once alg is allowed (jws.py:275-277).
            seen["header"] = header
            if "kid" in header:
                kid = header["kid"]
                bad = [e for k, e in unusable if k == kid and not any(x.kid == kid for x in keys)]
                if bad:
                    raise Refusal(reason_for(bad[0]) or "invalid_key",
                                  f"the key with kid {kid!r} is unusable: {bad[0]}")
                key = key_set.find_by_kid(kid)  # raises ValueError("Key not found")
                seen["wrong_family"] = key.kty != family(header.get("alg"))
                return key
            if not candidates:
                same = [k for k in keys if k.kty == family(header.get("alg"))]
                candidates.extend(same or keys)  # a key of the wrong family: Authlib refuses it
                seen["wrong_family"] = not same
                if not candidates:
                    if unusable:
                        e = unusable[0][1]
                        raise Refusal(reason_for(e) or "invalid_key", f"no usable key: {e}")
                    raise Refusal("no_key", "no keys configured")
            return candidates[attempt]

        jwt = JsonWebToken(req["algorithms"])
        defaults = req.get("mode") == "defaults"
        options = None if defaults else claims_options(req)
        attempt = 0
        while True:
            try:
                claims = jwt.decode(token, resolve, claims_options=options)
                break
            # Without a kid, a key the library will not use for verifying (`use` other than
            # `sig`) is passed over like one that does not verify: another may still verify it.
            except (E.BadSignatureError, E.InvalidUseError):
                attempt += 1
                if attempt >= len(candidates):
                    raise
        if not defaults:
            claims.validate(now=req["now"], leeway=req.get("leeway", 0))
        return {"ok": True, "header": dict(claims.header), "claims": dict(claims)}
    except Exception as e:  # every failure is an answer, never an exit
        header = seen["header"] if "header" in seen else peek_header(token)
        reason = reason_for(e, header)
        # A key of another family fails in the algorithm's prepare_key: bytes() of an RSAKey or
        # ECKey for HS256 raises KeyError (common/encoding.py:15, rfc7517/base_key.py:56).
        if seen.get("wrong_family") and isinstance(e, (ValueError, TypeError, KeyError)):
            reason = "key_family_mismatch"
        elif token.count(".") != 2 and isinstance(e, (E.DecodeError, E.UnsupportedAlgorithmError)):
            reason = "segment_count"  # four dots go the JWE way (rfc7519/jwt.py:102-108)
        return fail(f"{type(e).__name__}: {e}", reason)



if __name__ == "__main__":
    serve({"describe": describe, "sign": sign, "verify": verify})
