"""A token as the auth layer hands it around: the value, its expiry, and where to use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["Grant", "Token"]


@dataclass(frozen=True)
class Token:
    """An access token; ``api_domain`` is Zoho's answer to "where do I call with this"."""

    access_token: str = field(repr=False)
    expires_at: datetime
    api_domain: str | None = None

    def usable(self, now: datetime, margin: float) -> bool:
        """True while the token has more than ``margin`` seconds to live."""
        return self.expires_at - now > timedelta(seconds=margin)


@dataclass(frozen=True)
class Grant:
    """What a code exchange yields: a first access token and a long-lived refresh token."""

    token: Token
    refresh_token: str = field(repr=False)
    refresh_expires_at: datetime | None = None
