"""Token-Based Authentication: OAuth 1.0a signatures as NetSuite checks them (reference §1.4).

HMAC-SHA256 only (HMAC-SHA1 ended in 2023.1). The base string is RFC 5849's: method, the URL
without query, and every received ``oauth_*`` parameter except the signature (so an
``oauth_body_hash`` counts) plus the query parameters, sorted; ``realm`` is excluded from the
base string but must equal the account id exactly (``1234567_SB1``, not ``1234567_sb1``). A nonce
may be used once per timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from ml_connector.sandbox.netsuite.integration import IntegrationRecord

__all__ = ["TbaVerifier", "base_string", "parse_oauth_header", "signature"]

# Not documented by NetSuite; every OAuth 1.0a server bounds timestamp skew, five minutes is usual.
TIMESTAMP_WINDOW = 300


def _encode(value: str) -> str:
    return quote(value, safe="~-._")


def _normalized_url(url: str) -> str:
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{scheme}://{host}{port}{parts.path or '/'}"


def base_string(method: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """RFC 5849 §3.4.1 signature base string for ``params`` (oauth_* and query, no realm)."""
    pairs = sorted((_encode(k), _encode(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join(_encode(p) for p in (method.upper(), _normalized_url(url), normalized))


def signature(base: str, consumer_secret: str, token_secret: str) -> str:
    """Base64 HMAC-SHA256 of ``base`` keyed by the two encoded secrets."""
    key = f"{_encode(consumer_secret)}&{_encode(token_secret)}".encode()
    digest = hmac.new(key, base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def parse_oauth_header(value: str) -> dict[str, str] | None:
    """The decoded parameters of an ``Authorization: OAuth …`` header, or ``None``."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    params: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, raw = item.strip().partition("=")
        if not sep or len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
            return None
        params[unquote(key)] = unquote(raw[1:-1])
    return params


@dataclass(frozen=True)
class _Request:
    method: str
    url: str
    query: list[tuple[str, str]]


class TbaVerifier:
    """Checks TBA headers against the integration's consumer and token pairs."""

    def __init__(self, integration: IntegrationRecord, account_id: str, clock: Callable[[], float]):
        self._integration = integration
        self._account_id = account_id
        self._clock = clock
        self._lock = threading.Lock()
        self._nonces: set[tuple[str, str]] = set()

    def verify(self, header: str, method: str, url: str, query: list[tuple[str, str]]) -> bool:
        """Whether the header authenticates this request; a verified nonce is spent."""
        params = parse_oauth_header(header)
        if params is None or not self._identity_ok(params):
            return False
        request = _Request(method, url, query)
        if not hmac.compare_digest(params["oauth_signature"], self._expected(params, request)):
            return False
        return self._spend_nonce(params["oauth_timestamp"], params["oauth_nonce"])

    def _identity_ok(self, params: dict[str, str]) -> bool:
        required = ("oauth_signature", "oauth_nonce", "oauth_timestamp")
        return (
            all(k in params for k in required)
            and params.get("realm") == self._account_id
            and params.get("oauth_signature_method") == "HMAC-SHA256"
            and params.get("oauth_version", "1.0") == "1.0"
            and params.get("oauth_consumer_key") == self._integration.client_id
            and params.get("oauth_token") == self._integration.token_id
            and self._timestamp_ok(params["oauth_timestamp"])
        )

    def _timestamp_ok(self, timestamp: str) -> bool:
        return timestamp.isdigit() and abs(int(timestamp) - self._clock()) <= TIMESTAMP_WINDOW

    def _expected(self, params: dict[str, str], request: _Request) -> str:
        signed = [(k, v) for k, v in params.items() if k not in ("oauth_signature", "realm")]
        base = base_string(request.method, request.url, signed + request.query)
        return signature(base, self._integration.client_secret, self._integration.token_secret)

    def _spend_nonce(self, timestamp: str, nonce: str) -> bool:
        with self._lock:
            if (timestamp, nonce) in self._nonces:
                return False
            self._nonces.add((timestamp, nonce))
        return True
