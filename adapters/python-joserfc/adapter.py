#!/usr/bin/env python3
"""joserfc (with cryptography) behind idjwt adapter protocol v1 (docs/adapter-protocol.md).

The library is used as its documentation shows: keys through ``jwk.import_key`` (``OctKey``,
``ECKey`` or ``RSAKey`` by the JWK's ``kty``: an RSA JWK is imported as it comes, public for
verify, private for sign), a ``jwk.KeySet`` when the token names a ``kid`` (the set picks
the key, _keys.py:143-153), ``jwt.encode(header, claims, key, default_type=None)`` and
``jwt.decode(token, key, algorithms=[...])``, then ``jwt.JWTClaimsRegistry(now=..., leeway=...,
iss={"essential": True, "value": ...}, aud={...}, <required>={"essential": True})
.validate(claims)``. Nothing the library checks is re-checked here, and nothing it skips is
added. The registry takes ``now`` (_rfc7519/claims.py:117-129), so the clock is injected.
Without a ``kid``, each configured key of the algorithm's family is tried in turn (policy.md
§3.8; a KeySet without a kid only answers when it holds one key, _keys.py:144-145).

Defaults mode (``"mode": "defaults"``): ``jwt.decode(token, key, algorithms=...)`` and nothing
more. ``jwt.decode`` checks the signature and parses the claims (jwt.py:87-121); every claim
check, dates included, is ``JWTClaimsRegistry.validate``, a further call a caller who passes only
a key does not make, so no date is compared and no clock read.
"""
import base64
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-common"))
from protocol import Refusal, fail, family, serve  # noqa: E402
import warnings

import joserfc
from joserfc import errors as E
from joserfc import jwk, jwt

# Short HMAC keys make joserfc warn (SecurityWarning, _rfc7518/oct_key.py:92-94); warnings go to
# standard error, never to the protocol's standard output. Once per message is enough.
warnings.simplefilter("once")

CANNOT_ENFORCE = [{
    "check": "duplicate_members",
    "why": "the header goes through json.loads with no hook (util.py:68-69, called from "
           "_rfc7515/compact.py:49), which keeps the last duplicate member; jwt.decode's "
           "decoder_cls (jwt.py:92, :114) reaches the claims only, so no setting refuses a "
           "duplicate header member",
}]


def header_reason(header, msg):
    """The reason for InvalidHeaderValueError / UnsupportedHeaderError, from the member named."""
    if "'crit'" in msg or "crit" in msg and isinstance(header, dict) and "crit" in header:
        return "crit_present"
    if "'b64'" in msg:
        return "b64_present"
    if "'zip'" in msg:
        return "zip_present"
    if "must be" in msg:
        return "header_member_type"
    return "header_value"


def peek_header(token):
    """The header as plain JSON, only to name a refusal's reason: joserfc's errors do not say
    which `alg` they refused, nor that a header was no object. UNREADABLE if it is not JSON."""
    try:
        segment = token.split(".")[0]
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except Exception:
        return UNREADABLE


UNREADABLE = object()


def reason_for(e, header=UNREADABLE):
    """The closest idjwt reason code for an exception raised by joserfc, or None."""
    if isinstance(e, Refusal):
        return e.reason
    if isinstance(e, RecursionError):
        return "json_too_deep"
    m = str(e)
    if header is not UNREADABLE and not isinstance(header, dict):
        if isinstance(e, (E.MissingAlgorithmError, E.DecodeError, AttributeError, TypeError)):
            return "not_an_object"
    alg = header.get("alg") if isinstance(header, dict) else None
    if isinstance(e, E.BadSignatureError):
        return "bad_signature"
    if isinstance(e, E.ExpiredTokenError):
        return "expired"
    if isinstance(e, E.MissingClaimError):
        return "missing_claim"
    if isinstance(e, E.InvalidClaimError):
        if "must be" in m:
            return "claim_type"
        if "not yet valid" in m:
            return "not_yet_valid"
        return {"iss": "issuer_mismatch", "aud": "audience_mismatch"}.get(e.claim, "claim_value")
    if isinstance(e, E.MissingAlgorithmError):
        return "alg_missing"
    if isinstance(e, E.UnsupportedAlgorithmError):
        return "alg_none" if isinstance(alg, str) and alg.lower() == "none" else "alg_not_allowed"
    if isinstance(e, E.MissingCritHeaderError):
        return "crit_present"
    if isinstance(e, E.InvalidHeaderValueError):
        if "'alg'" in m:
            return "header_member_type"
        return header_reason(header, m)
    if isinstance(e, E.UnsupportedHeaderError):
        return header_reason(header, m)
    if isinstance(e, E.InvalidKeyIdError):
        return "unknown_kid"
    if isinstance(e, (E.InvalidKeyTypeError, E.InvalidKeyCurveError, E.UnsupportedKeyAlgorithmError)):
        return "key_family_mismatch"
    if isinstance(e, E.ExceededSizeError):
        return "token_too_large"
    if isinstance(e, E.InvalidPayloadError):
        return "invalid_json" if e.__cause__ is not None else "not_an_object"
    if isinstance(e, E.DecodeError):
        if "Invalid JSON Web Signature" in m:
            return "segment_count"
        if "Invalid payload" in m:
            return "invalid_base64"
        cause = e.__cause__
        if isinstance(cause, (json.JSONDecodeError, UnicodeDecodeError)):
            return "invalid_json"
        if isinstance(cause, ValueError):  # binascii.Error from util.urlsafe_b64decode
            return "invalid_base64"
        return None
    if isinstance(e, ValueError) and "must not be empty" in m:
        return "empty_key"
    if isinstance(e, (E.KeyParameterError, ValueError)):
        return "invalid_key"
    return None


def describe(_req):
    return {"ok": True, "name": "python-joserfc", "version": joserfc.__version__,
            "algorithms": ["HS256", "ES256", "RS256", "RS512"], "clock": "injected",
            "modes": ["configured", "defaults"], "cannot_enforce": CANNOT_ENFORCE}


def sign(req):
    key = jwk.import_key(req["key"])
    header = {"alg": req["alg"], **(req.get("header") or {})}
    # encode() starts from {"typ": "JWT", **header} unless default_type is None (jwt.py:76-79).
    token = jwt.encode(header, req["claims"], key, algorithms=[req["alg"]], default_type=None)
    return {"ok": True, "token": token}


def claims_options(req):
    """The registry's options: each required claim essential, iss and aud pinned when given."""
    options = {name: {"essential": True} for name in req.get("required") or []}
    if req.get("issuer") is not None:
        options["iss"] = {"essential": True, "value": req["issuer"]}
    if req.get("audience") is not None:
        options["aud"] = {"essential": True, "value": req["audience"]}
    return options


def verify(req):
    token = req["token"]
    seen = {}  # the header joserfc parsed, as it handed it to the key resolver
    try:
        keys, unusable = [], []
        for data in req["keys"]:
            try:
                keys.append(jwk.import_key(data))
            except Exception as e:  # an empty secret, a point off the curve, …
                unusable.append((data.get("kid") if isinstance(data, dict) else None, e))
        candidates = []

        def resolve(obj):
            # Called by jws.validate_compact after the header and `alg` checks (jws.py:142-153).
            header = obj.headers()
            seen["header"] = header
            if "kid" in header:
                kid = header["kid"]
                bad = [e for k, e in unusable if k == kid and not any(x.kid == kid for x in keys)]
                if bad:
                    raise Refusal(reason_for(bad[0]) or "invalid_key",
                                  f"the key with kid {kid!r} is unusable: {bad[0]}")
                if not keys:
                    raise Refusal("unknown_kid", f"no configured key has kid {kid!r}")
                return jwk.KeySet(keys)  # KeySet.get_by_kid picks it or raises InvalidKeyIdError
            if not candidates:
                same = [k for k in keys if k.key_type == family(header.get("alg"))]
                candidates.extend(same or keys)  # a key of the wrong family: joserfc refuses it
                if not candidates:
                    if unusable:
                        e = unusable[0][1]
                        raise Refusal(reason_for(e) or "invalid_key", f"no usable key: {e}")
                    raise Refusal("no_key", "no keys configured")
            return candidates[attempt]

        attempt = 0
        while True:
            try:
                decoded = jwt.decode(token, resolve, algorithms=req["algorithms"])
                break
            # Without a kid, a key the library will not use for this token (its `use`, `alg`
            # or `key_ops`) is passed over like one that does not verify: another may still.
            except (E.BadSignatureError, E.UnsupportedKeyUseError, E.UnsupportedKeyAlgorithmError,
                    E.UnsupportedKeyOperationError):
                attempt += 1
                if attempt >= len(candidates):
                    raise
        if req.get("mode") != "defaults":
            registry = jwt.JWTClaimsRegistry(now=req["now"], leeway=req.get("leeway", 0),
                                             **claims_options(req))
            registry.validate(decoded.claims)
        return {"ok": True, "header": decoded.header, "claims": decoded.claims}
    except Exception as e:  # every failure is an answer, never an exit
        header = seen["header"] if "header" in seen else peek_header(token)
        return fail(f"{type(e).__name__}: {e}", reason_for(e, header))



if __name__ == "__main__":
    serve({"describe": describe, "sign": sign, "verify": verify})
