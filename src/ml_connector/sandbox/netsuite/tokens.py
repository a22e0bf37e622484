"""Issued OAuth 2.0 artefacts: bearer access tokens, authorization codes and refresh tokens.

Everything is checked against an injected clock so tests can age tokens without sleeping. Access
tokens live ``ttl`` seconds (NetSuite: 3600), refresh tokens of confidential clients seven days and
are never rotated, authorization codes are single-use.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["AuthorizationCode", "TokenStore"]

REFRESH_TOKEN_TTL = 7 * 24 * 3600
# Not documented; a short life is what every OAuth server uses for codes.
AUTHORIZATION_CODE_TTL = 600


@dataclass(frozen=True)
class AuthorizationCode:
    """What the authorize step bound a code to, checked again at the token exchange."""

    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    expires_at: float


class TokenStore:
    """Tokens by value with their expiry; locked, as tests poke it from outside the loop."""

    def __init__(self, clock: Callable[[], float], ttl: float) -> None:
        self._clock = clock
        self.ttl = ttl
        self._lock = threading.Lock()
        self._access: dict[str, tuple[float, frozenset[str]]] = {}
        self._refresh: dict[str, tuple[float, frozenset[str]]] = {}
        self._codes: dict[str, AuthorizationCode] = {}

    def issue_access(self, scopes: frozenset[str]) -> str:
        """A new bearer token for ``scopes``, valid for ``ttl`` seconds from now."""
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._access[token] = (self._clock() + self.ttl, scopes)
        return token

    def access_scopes(self, token: str) -> frozenset[str] | None:
        """The scopes of a live ``token``; ``None`` if it was never issued or has expired."""
        with self._lock:
            entry = self._access.get(token)
        if entry is None or self._clock() >= entry[0]:
            return None
        return entry[1]

    def issue_refresh(self, scopes: frozenset[str]) -> str:
        """A refresh token for ``scopes``, valid for seven days."""
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._refresh[token] = (self._clock() + REFRESH_TOKEN_TTL, scopes)
        return token

    def refresh_scopes(self, token: str) -> frozenset[str] | None:
        """The scopes of a live refresh token (it is not consumed: no rotation)."""
        with self._lock:
            entry = self._refresh.get(token)
        if entry is None or self._clock() >= entry[0]:
            return None
        return entry[1]

    def issue_code(self, **binding: str) -> str:
        """A single-use authorization code bound to client, redirect URI, scope and challenge."""
        code = secrets.token_hex(32)
        with self._lock:
            self._codes[code] = AuthorizationCode(
                **binding, expires_at=self._clock() + AUTHORIZATION_CODE_TTL
            )
        return code

    def redeem_code(self, code: str) -> AuthorizationCode | None:
        """The binding of a live ``code``, consuming it; ``None`` if unknown, used or expired."""
        with self._lock:
            bound = self._codes.pop(code, None)
        if bound is None or self._clock() >= bound.expires_at:
            return None
        return bound

    def expire_all(self) -> int:
        """Expire every access and refresh token now; returns how many there were."""
        with self._lock:
            count = len(self._access) + len(self._refresh)
            self._access.clear()
            self._refresh.clear()
        return count
