"""Realistic fake secrets, generated fresh for each test session.

Each case pairs a secret with the way it really shows up in text (a form body, a header, a token
response), so the tests exercise the same context the connector will log.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class SecretCase:
    """A secret, the text it arrives in, and the field name code would carry it under."""

    name: str
    hidden: tuple[str, ...]
    text: str
    field: str
    field_value: str
    remember: bool = False
    fragments: tuple[str, ...] = ()

    def leaked(self, output: str) -> list[str]:
        """Every secret value, or distinctive piece of one, that shows in ``output``."""
        pieces = (*self.hidden, *self.fragments, *(p for h in self.hidden for p in windows(h)))
        return [piece for piece in pieces if piece in output]


def windows(value: str, size: int = 12, step: int = 6) -> list[str]:
    """Overlapping slices of a secret: finding any of them means part of it leaked."""
    compact = "".join(value.split())
    return [compact[i : i + size] for i in range(0, max(len(compact) - size, 0) + 1, step)]


def zoho_token() -> str:
    """The shape of a Zoho access or refresh token: ``1000.<hex>.<hex>``."""
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def client_assertion_jwt() -> str:
    """A NetSuite client-credentials assertion, assembled by hand with a random signature."""
    now = int(time.time())
    header = {"alg": "PS256", "typ": "JWT", "kid": secrets.token_hex(20)}
    claims = {
        "iss": secrets.token_hex(32),
        "scope": ["rest_webservices"],
        "aud": "https://1234567.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token",
        "iat": now,
        "exp": now + 3600,
    }
    parts = [json.dumps(header).encode(), json.dumps(claims).encode(), secrets.token_bytes(256)]
    return ".".join(b64url(part) for part in parts)


def build_cases() -> dict[str, SecretCase]:
    """One case per kind of secret the connector handles."""
    access, refresh = zoho_token(), secrets.token_urlsafe(32)
    client_secret, pem, jwt = secrets.token_hex(21), rsa_private_key_pem(), client_assertion_jwt()
    header_token = secrets.token_urlsafe(40)
    consumer_key, token_id, signature = (
        secrets.token_hex(32),
        secrets.token_hex(32),
        b64url(secrets.token_bytes(32)),
    )
    body_lines = tuple(line for line in pem.splitlines() if not line.startswith("-----"))
    cases = [
        SecretCase(
            name="access_token",
            hidden=(access,),
            text=f"minted {access} for the sync worker",
            field="access_token",
            field_value=access,
            remember=True,
        ),
        SecretCase(
            name="refresh_token",
            hidden=(refresh,),
            text=f"stored {refresh} after consent",
            field="refresh_token",
            field_value=refresh,
            remember=True,
        ),
        SecretCase(
            name="client_secret",
            hidden=(client_secret,),
            text=(
                "POST body grant_type=refresh_token&client_id=1000.KX2NQ7&"
                f"client_secret={client_secret}&redirect_uri=https%3A%2F%2Fexample.test"
            ),
            field="client_secret",
            field_value=client_secret,
        ),
        SecretCase(
            name="private_key_pem",
            hidden=(pem,),
            text=f"loaded certificate key\n{pem}",
            field="private_key_pem",
            field_value=pem,
            fragments=body_lines,
        ),
        SecretCase(
            name="jwt_assertion",
            hidden=(jwt,),
            text=f"signed {jwt} for NetSuite",
            field="client_assertion",
            field_value=jwt,
            fragments=tuple(jwt.split(".")),
        ),
        SecretCase(
            name="authorization_header",
            hidden=(header_token,),
            text=(
                f"GET /crm/v8/Accounts\nAuthorization: Zoho-oauthtoken {header_token}\nAccept: */*"
            ),
            field="Authorization",
            field_value=f"Zoho-oauthtoken {header_token}",
        ),
        SecretCase(
            name="oauth1_header",
            hidden=(consumer_key, token_id, signature),
            text=(
                f'OAuth realm="1234567_SB1",oauth_consumer_key="{consumer_key}",'
                f'oauth_token="{token_id}",oauth_signature_method="HMAC-SHA256",'
                f'oauth_signature="{signature}"'
            ),
            field="oauth_signature",
            field_value=signature,
        ),
    ]
    return {case.name: case for case in cases}
