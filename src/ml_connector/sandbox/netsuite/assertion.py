"""Verification of the JWT client assertion of the OAuth 2.0 client credentials (M2M) grant.

Reference §1.2: header ``typ`` JWT, ``alg`` one of PS256/384/512 or ES256/384/512 (RS256 has been
refused since March 2025), ``kid`` the certificate id; claims ``iss`` (client id), ``scope``,
``aud`` (the token URL), ``iat`` and ``exp`` no more than an hour apart. The signature is checked
for real against the mapped certificate's public key, so a client that signs wrongly fails here
exactly as it would against NetSuite.

NetSuite only says *why* an assertion failed in its Login Audit Trail; on the wire a malformed
request is ``invalid_request``, a bad scope ``invalid_scope`` and everything about identity
(signature, kid, iss, aud, times) ``invalid_grant``.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from ml_connector.sandbox.netsuite.integration import IntegrationRecord
from ml_connector.sandbox.netsuite.scopes import parse_scopes

__all__ = ["ALLOWED_ALGORITHMS", "ClientAssertion", "RejectedAssertionError", "verify_assertion"]

ALLOWED_ALGORITHMS = frozenset({"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
MAX_LIFETIME = 3600
# Clock skew tolerated on ``iat`` in the future; NetSuite does not document one.
CLOCK_SKEW = 60


class RejectedAssertionError(Exception):
    """The assertion is refused; ``error`` is the OAuth error code the endpoint answers with."""

    def __init__(self, error: str, reason: str) -> None:
        super().__init__(f"{error}: {reason}")
        self.error = error
        self.reason = reason


@dataclass(frozen=True)
class ClientAssertion:
    """A verified assertion: who signed it and which scopes it asks for."""

    client_id: str
    scopes: frozenset[str]


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        compact = jws.extract_compact(token.encode())
        claims = json.loads(compact.payload)
    except (JoseError, ValueError) as exc:
        raise RejectedAssertionError("invalid_request", "malformed JWT") from exc
    if not isinstance(claims, dict):
        raise RejectedAssertionError("invalid_request", "JWT payload is not an object")
    return dict(compact.headers()), claims


def _check_header(header: dict[str, Any]) -> tuple[str, str]:
    if header.get("typ") != "JWT":
        raise RejectedAssertionError("invalid_request", "typ must be JWT")
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALLOWED_ALGORITHMS:
        raise RejectedAssertionError("invalid_request", f"alg {alg!r} is not accepted")
    if not isinstance(kid, str) or not kid:
        raise RejectedAssertionError("invalid_request", "kid is missing")
    return str(alg), kid


def _verify_signature(token: str, alg: str, kid: str, integration: IntegrationRecord) -> None:
    certificate = integration.certificate(kid)
    if certificate is None:
        raise RejectedAssertionError("invalid_grant", "no certificate mapped under this kid")
    public = certificate.public_key
    key: RSAKey | ECKey
    if alg.startswith("PS") and isinstance(public, rsa.RSAPublicKey):
        key = RSAKey.import_key(public)
    elif alg.startswith("ES") and isinstance(public, ec.EllipticCurvePublicKey):
        key = ECKey.import_key(public)
    else:
        raise RejectedAssertionError(
            "invalid_grant", "alg does not match the certificate's key type"
        )
    try:
        jws.deserialize_compact(token, key, algorithms=[alg])
    except (JoseError, ValueError) as exc:
        raise RejectedAssertionError("invalid_grant", "signature does not verify") from exc


def _check_times(claims: dict[str, Any], now: float) -> None:
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int | float) or not isinstance(exp, int | float):
        raise RejectedAssertionError("invalid_request", "iat and exp must be numbers")
    if not 0 < exp - iat <= MAX_LIFETIME:
        raise RejectedAssertionError("invalid_grant", "exp must be within 60 minutes after iat")
    if now >= exp:
        raise RejectedAssertionError("invalid_grant", "assertion has expired")
    if iat > now + CLOCK_SKEW:
        raise RejectedAssertionError("invalid_grant", "assertion is issued in the future")


def _check_audience(claims: dict[str, Any], audiences: Collection[str]) -> None:
    aud = claims.get("aud")
    given = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and a in audiences for a in given):
        raise RejectedAssertionError("invalid_grant", "aud is not this account's token endpoint")


def verify_assertion(
    token: str, *, integration: IntegrationRecord, audiences: Collection[str], now: float
) -> ClientAssertion:
    """Verify a client assertion end to end; raise :class:`RejectedAssertionError` on any flaw."""
    header, claims = _parts(token)
    alg, kid = _check_header(header)
    _verify_signature(token, alg, kid, integration)
    if claims.get("iss") != integration.client_id:
        raise RejectedAssertionError("invalid_grant", "iss is not the integration's client id")
    _check_audience(claims, audiences)
    _check_times(claims, now)
    scopes = parse_scopes(claims.get("scope"), separators=",")
    if scopes is None:
        raise RejectedAssertionError("invalid_scope", "scope is missing or unknown")
    return ClientAssertion(client_id=integration.client_id, scopes=scopes)
