"""NetSuite Token-Based Authentication: OAuth 1.0a request signing with HMAC-SHA256.

RFC 5849 §3.4: the signature base string is the method, the base URI and the sorted, encoded
parameters (every ``oauth_*`` parameter but the signature, plus the query string; ``realm`` is
excluded, JSON bodies are not part of it). NetSuite wants ``realm`` to be the account id as
written, ``1234567_SB1``, not the lowercase host form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

import httpx

__all__ = ["TbaCredentials", "authorization_header", "base_string", "signature"]


def _enc(value: str) -> str:
    """RFC 3986 percent-encoding, unreserved characters only left as they are."""
    return quote(value, safe="-._~")


@dataclass(frozen=True)
class TbaCredentials:
    """The four TBA values and the account id used as realm."""

    realm: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str


def _base_uri(url: httpx.URL) -> str:
    default = {"http": 80, "https": 443}.get(url.scheme)
    port = f":{url.port}" if url.port and url.port != default else ""
    return f"{url.scheme.lower()}://{url.host.lower()}{port}{url.raw_path.split(b'?')[0].decode()}"


def base_string(method: str, url: httpx.URL, params: Iterable[tuple[str, str]]) -> str:
    """The RFC 5849 signature base string for a request with the given oauth parameters."""
    pairs = [(_enc(k), _enc(v)) for k, v in (*url.params.multi_items(), *params)]
    normalized = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    return "&".join((method.upper(), _enc(_base_uri(url)), _enc(normalized)))


def signature(base: str, consumer_secret: str, token_secret: str) -> str:
    """base64(HMAC-SHA256(consumer_secret&token_secret, base))."""
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()


def authorization_header(
    method: str,
    url: httpx.URL,
    credentials: TbaCredentials,
    *,
    nonce: str | None = None,
    timestamp: int | None = None,
    clock: Callable[[], float] = time.time,
) -> str:
    """The ``Authorization: OAuth …`` value for one request (a fresh nonce every time)."""
    params = {
        "oauth_consumer_key": credentials.consumer_key,
        "oauth_nonce": nonce or secrets.token_urlsafe(15),
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(timestamp if timestamp is not None else int(clock())),
        "oauth_token": credentials.token_id,
        "oauth_version": "1.0",
    }
    base = base_string(method, url, params.items())
    params["oauth_signature"] = signature(
        base, credentials.consumer_secret, credentials.token_secret
    )
    fields = [f'realm="{credentials.realm}"'] + [f'{k}="{_enc(v)}"' for k, v in params.items()]
    return "OAuth " + ", ".join(fields)
