"""The integration record the simulated account has registered for our connector.

NetSuite keeps one integration record per connected application: its client id doubles as the TBA
consumer key and its client secret as the consumer secret, certificates are mapped to it for
OAuth 2.0 client credentials (M2M), and a token pair is issued to it for TBA. The simulator makes
its own record so that a client can be pointed at it with nothing but :meth:`credentials`.

RSA key generation takes a noticeable fraction of a second, so the key pairs are made once per
process and shared by every simulator instance; the ids and secrets stay per instance.
"""

from __future__ import annotations

import base64
import functools
import secrets
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

__all__ = ["Certificate", "IntegrationRecord", "new_integration"]

_DEFAULT_REDIRECT = "https://127.0.0.1/netsuite/oauth2callback"


@dataclass(frozen=True)
class Certificate:
    """A certificate mapped for M2M: its id (the JWT ``kid``) and the key pair behind it."""

    certificate_id: str
    private_key_pem: str
    public_key: PublicKeyTypes


@dataclass(frozen=True)
class IntegrationRecord:
    """Client id/secret, TBA token pair, M2M certificates and the event-signing secret."""

    client_id: str
    client_secret: str
    token_id: str
    token_secret: str
    webhook_secret: str
    rsa: Certificate
    ec: Certificate
    redirect_uris: tuple[str, ...] = field(default=(_DEFAULT_REDIRECT,))

    def certificate(self, kid: str) -> Certificate | None:
        """The certificate mapped under ``kid``, if any."""
        return next((c for c in (self.rsa, self.ec) if c.certificate_id == kid), None)


def _pem(key: PrivateKeyTypes) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@functools.cache
def _rsa_key() -> rsa.RSAPrivateKey:
    # NetSuite accepts RSA certificates of 3072 or 4096 bits only.
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


@functools.cache
def _ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _certificate(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> Certificate:
    return Certificate(
        certificate_id=secrets.token_urlsafe(32),
        private_key_pem=_pem(key),
        public_key=key.public_key(),
    )


def new_integration(private_key_pem: str | None = None) -> IntegrationRecord:
    """A fresh integration record; ``private_key_pem`` replaces the shared RSA key if given."""
    rsa_key = _rsa_key()
    if private_key_pem is not None:
        loaded = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise TypeError("the M2M private key must be an RSA key (PS256/384/512)")
        rsa_key = loaded
    return IntegrationRecord(
        client_id=secrets.token_hex(32),
        client_secret=secrets.token_hex(32),
        token_id=secrets.token_hex(32),
        token_secret=secrets.token_hex(32),
        webhook_secret="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
        rsa=_certificate(rsa_key),
        ec=_certificate(_ec_key()),
    )
