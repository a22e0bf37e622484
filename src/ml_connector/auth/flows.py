"""httpx auth flows: a cached OAuth token in the right header, or a TBA signature.

A 401 from the API means the token died early (revoked, expired sooner than it said): the flow
asks the manager for a fresh token *once* and retries the request; a second 401 goes back to the
caller, whose status classifier turns it into an AuthError.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from ml_connector.auth.manager import TokenManager
from ml_connector.auth.tba import TbaCredentials, authorization_header

__all__ = ["OAuthTokenAuth", "TbaAuth"]


class OAuthTokenAuth(httpx.Auth):
    """``Authorization: <scheme> <token>``, with one refresh-and-retry on 401."""

    requires_request_body = True  # the retry re-sends the same body

    def __init__(self, manager: TokenManager, scheme: str) -> None:
        self._manager = manager
        self._scheme = scheme

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._manager.token()
        request.headers["Authorization"] = f"{self._scheme} {token.access_token}"
        response = yield request
        if response.status_code != 401:
            return
        await response.aread()
        token = await self._manager.refresh(stale=token)
        request.headers["Authorization"] = f"{self._scheme} {token.access_token}"
        yield request

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Refuse synchronous clients: the token manager's refresh is asynchronous."""
        raise RuntimeError("token auth needs an httpx.AsyncClient")


class TbaAuth(httpx.Auth):
    """NetSuite TBA: every request signed with a fresh nonce and timestamp."""

    def __init__(self, credentials: TbaCredentials) -> None:
        self._credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = authorization_header(
            request.method, request.url, self._credentials
        )
        yield request
