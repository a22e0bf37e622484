"""The accounts server's memory: clients, refresh tokens, access tokens and the mint throttle.

Zoho lets one refresh token mint at most 10 access tokens in 10 minutes and then refuses for the
rest of the window; it also keeps only the newest few access tokens alive. Both rules are what
make a connector cache tokens, so both are enforced here against an injectable clock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "MINTS_PER_WINDOW",
    "SELF_CLIENT_SCOPE",
    "THROTTLE_WINDOW",
    "AccessToken",
    "RefreshToken",
    "ThrottledError",
    "TokenAuthority",
]

THROTTLE_WINDOW = 600.0
MINTS_PER_WINDOW = 10
# [ACC token-limits] says 10 live access tokens per refresh token, [DOC v3] says 15: the
# stricter figure is simulated so a client that leans on the looser one fails here first.
LIVE_TOKENS_PER_REFRESH = 10
GRANT_CODE_TTL = 180.0
# What the pre-registered self-client was granted: everything the connector uses.
SELF_CLIENT_SCOPE = (
    "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.notifications.ALL,"
    "ZohoCRM.org.READ,ZohoCRM.users.READ"
)


class ThrottledError(Exception):
    """The refresh token minted its 10 tokens in this window; Zoho says Access Denied."""


@dataclass
class RefreshToken:
    """A refresh token and what it has minted lately."""

    value: str
    client_id: str
    scope: str
    user_id: str
    window_start: float = -THROTTLE_WINDOW
    mints_in_window: int = 0
    live: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AccessToken:
    """An access token: who it acts for and until when."""

    value: str
    refresh_token: str
    scope: str
    user_id: str
    expires_at: float


@dataclass(frozen=True)
class GrantCode:
    """A grant code: one use, a few minutes of life; redirect-flow codes remember their URI."""

    client_id: str
    scope: str
    expires_at: float
    redirect_uri: str | None = None
    offline: bool = True


class TokenAuthority:
    """Issues and checks tokens for the registered self-clients."""

    def __init__(self, clock: Callable[[], float], token_ttl: float, user_id: str) -> None:
        self.clock = clock
        self.token_ttl = token_ttl
        self.user_id = user_id
        self.clients: dict[str, str] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.grant_codes: dict[str, GrantCode] = {}
        self.redirect_uris: dict[str, set[str]] = {}

    def register_client(self) -> tuple[str, str]:
        """A new self-client: (client_id, client_secret) in Zoho's formats."""
        client_id = "1000." + secrets.token_hex(15).upper()
        self.clients[client_id] = secrets.token_hex(21)
        return client_id, self.clients[client_id]

    def client_ok(self, client_id: str, client_secret: str) -> bool | None:
        """None for an unknown client, else whether the secret matches."""
        expected = self.clients.get(client_id)
        if expected is None:
            return None
        return secrets.compare_digest(expected, client_secret)

    def issue_refresh_token(self, client_id: str, scope: str) -> str:
        """A refresh token acting for the API user, as the self-client console would create."""
        value = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        self.refresh_tokens[value] = RefreshToken(value, client_id, scope, self.user_id)
        return value

    def issue_grant_code(
        self, client_id: str, scope: str, *, redirect_uri: str | None = None, offline: bool = True
    ) -> str:
        """A grant code, as the console's "Generate Code" or a consent redirect would give."""
        value = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        expires = self.clock() + GRANT_CODE_TTL
        self.grant_codes[value] = GrantCode(client_id, scope, expires, redirect_uri, offline)
        return value

    def redeem_grant_code(self, code: str, client_id: str) -> GrantCode | None:
        """Use a grant code once; None if unknown, expired, used or issued to another client."""
        grant = self.grant_codes.pop(code, None)
        if grant is None or grant.client_id != client_id or grant.expires_at <= self.clock():
            return None
        return grant

    def mint(self, refresh: RefreshToken) -> AccessToken:
        """A new access token, or ThrottledError when this window's 10 are spent."""
        now = self.clock()
        if now - refresh.window_start >= THROTTLE_WINDOW:
            refresh.window_start, refresh.mints_in_window = now, 0
        if refresh.mints_in_window >= MINTS_PER_WINDOW:
            raise ThrottledError
        refresh.mints_in_window += 1
        token = AccessToken(
            value=f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}",
            refresh_token=refresh.value,
            scope=refresh.scope,
            user_id=refresh.user_id,
            expires_at=now + self.token_ttl,
        )
        self.access_tokens[token.value] = token
        self._keep_newest(refresh, token.value)
        return token

    def _keep_newest(self, refresh: RefreshToken, value: str) -> None:
        refresh.live.append(value)
        while len(refresh.live) > LIVE_TOKENS_PER_REFRESH:
            self.access_tokens.pop(refresh.live.pop(0), None)

    def check(self, value: str) -> AccessToken | None:
        """The live access token with this value, or None if unknown or expired."""
        token = self.access_tokens.get(value)
        if token is None or token.expires_at <= self.clock():
            return None
        return token

    def revoke(self, value: str) -> bool:
        """Revoke a refresh token and every access token it minted."""
        refresh = self.refresh_tokens.pop(value, None)
        if refresh is None:
            return False
        for access in refresh.live:
            self.access_tokens.pop(access, None)
        return True

    def expire_all(self) -> int:
        """Control API: every access token expires now; returns how many were live."""
        now = self.clock()
        live = [t for t in self.access_tokens.values() if t.expires_at > now]
        for token in live:
            self.access_tokens[token.value] = AccessToken(
                token.value, token.refresh_token, token.scope, token.user_id, now
            )
        return len(live)

    def summary(self) -> dict[str, object]:
        """Counts for the control API's state view; never token values."""
        now = self.clock()
        return {
            "clients": len(self.clients),
            "refresh_tokens": len(self.refresh_tokens),
            "live_access_tokens": sum(t.expires_at > now for t in self.access_tokens.values()),
        }
