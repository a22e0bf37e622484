"""The HTTP client factory: every call gets a timeout, nothing reads the environment."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

__all__ = ["Timeouts", "make_client"]

USER_AGENT = "ml-connector/0.1 (+https://github.com/ml-connector)"


@dataclass(frozen=True)
class Timeouts:
    """Seconds to connect, to wait for a response chunk, to send, and for a pooled socket."""

    connect: float = 5.0
    read: float = 60.0
    write: float = 30.0
    pool: float = 30.0

    def httpx(self) -> httpx.Timeout:
        """The same timeouts in httpx's terms."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


def make_client(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    timeouts: Timeouts | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 20,
) -> httpx.AsyncClient:
    """An AsyncClient for one remote service; tests pass a transport, production passes none."""
    return httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        timeout=(timeouts or Timeouts()).httpx(),
        transport=transport,
        limits=httpx.Limits(max_connections=max_connections),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )
