"""The signed JWT that NetSuite's client-credentials (M2M) grant takes instead of a secret.

A new assertion for every token request: a fresh ``jti``, ``iat`` now and ``exp`` within the hour
NetSuite allows. RSA keys sign with RSA-PSS (PS256 by default): NetSuite stopped accepting
PKCS#1 v1.5 (RS256) on 2025-03-01. EC keys sign with the ES algorithm of their curve.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from ml_connector.errors import ConfigError

__all__ = ["AssertionSigner", "algorithm_for"]

SCOPES = ("restlets", "rest_webservices")
_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_ACCEPTED = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LIFETIME = 3000  # seconds; NetSuite wants exp - iat under 3600


def _load(pem: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ConfigError(
            "netsuite.private_key_pem is not an unencrypted PEM private key",
            hint="export the key that matches the certificate uploaded to NetSuite",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ConfigError("netsuite.private_key_pem must be an RSA or EC key")
    return key


def algorithm_for(pem: str, requested: str | None = None) -> str:
    """The signing algorithm for a key: ``requested`` if it suits the key, else the default."""
    key = _load(pem)
    if requested == "RS256":
        raise ConfigError(
            "NetSuite no longer accepts RS256 (PKCS#1 v1.5) assertions",
            hint="use PS256 with the same RSA key, or an EC key with ES256",
        )
    if isinstance(key, ec.EllipticCurvePrivateKey):
        default = _EC_ALGORITHMS.get(key.curve.name)
        if default is None or (requested and requested != default):
            raise ConfigError(f"an EC key on {key.curve.name} cannot sign {requested or 'ES*'}")
        return default
    if requested and not requested.startswith("PS"):
        raise ConfigError(f"an RSA key signs PS256/PS384/PS512, not {requested}")
    return requested or "PS256"


@dataclass(frozen=True)
class AssertionSigner:
    """Signs client assertions for one NetSuite integration record and certificate."""

    client_id: str
    certificate_id: str
    private_key_pem: str
    audience: str
    algorithm: str = "PS256"
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.algorithm not in _ACCEPTED:
            raise ConfigError(f"unsupported assertion algorithm {self.algorithm}")

    def sign(self) -> str:
        """A new assertion, valid from now for a little under an hour."""
        now = int(self.clock())
        header = {"typ": "JWT", "alg": self.algorithm, "kid": self.certificate_id}
        claims = {
            "iss": self.client_id,
            "scope": list(SCOPES),
            "aud": self.audience,
            "iat": now,
            "exp": now + LIFETIME,
            "jti": secrets.token_urlsafe(18),
        }
        return jwt.encode(header, claims, self._key(), algorithms=[self.algorithm])

    def _key(self) -> RSAKey | ECKey:
        if self.algorithm.startswith("PS"):
            return RSAKey.import_key(self.private_key_pem)
        return ECKey.import_key(self.private_key_pem)
