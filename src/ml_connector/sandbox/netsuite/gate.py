"""The front door of every NetSuite call: call counters, injected faults, latency, concurrency.

NetSuite has one concurrency pool per account shared by SOAP, REST and RESTlets (reference §5);
a request that arrives while the pool is full is refused at once with 429
``CONCURRENCY_LIMIT_EXCEEDED`` and no ``Retry-After``. Latency is spent *inside* the pool, as a
slow NetSuite holds its slots, which is what makes over-concurrency reachable in tests. The token
endpoint and the browser's authorize page are counted and can be faulted but take no slot; the
control API under ``/_sandbox/`` passes straight through.
"""

from __future__ import annotations

import asyncio
import re
import secrets

from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.faults import Fault
from ml_connector.sandbox.netsuite.problems import concurrency_exceeded, problem
from ml_connector.sandbox.slots import answering_after, freeing_on_completion

__all__ = ["Gate", "SimulatedConnectionReset", "endpoint_key"]

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"  # noqa: S105 - a path, not a secret
_ID_SEGMENT = re.compile(r"/-?\d+(?=/|$)")


class SimulatedConnectionReset(Exception):  # noqa: N818 - it is an event, not an error of ours
    """Raised after the response has started so the server drops the connection."""


def endpoint_key(method: str, path: str) -> str:
    """Counter key: ``GET /services/rest/record/v1/customer/{id}``."""
    return f"{method.upper()} {_ID_SEGMENT.sub('/{id}', path.lower())}"


def _failure(kind: str) -> Response:
    if kind == "429":
        return concurrency_exceeded()
    if kind == "500":
        error_id = secrets.token_hex(8)
        detail = f"An unexpected error occurred. Error ID: {error_id}"
        return problem(500, "UNEXPECTED_ERROR", detail)
    status = int(kind)
    return HTMLResponse(f"<html><body><h1>{status} Service Unavailable</h1></body></html>", status)


async def _reset(send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise SimulatedConnectionReset


class Gate:
    """ASGI middleware applying the account's limits and faults to NetSuite paths."""

    def __init__(self, app: ASGIApp, account: Account) -> None:
        self._app = app
        self._account = account
        self._in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith("/_sandbox/"):
            await self._app(scope, receive, send)
            return
        method = str(scope["method"])
        key = endpoint_key(method, path)
        self._account.calls[key] = self._account.calls.get(key, 0) + 1
        faults = self._account.faults.draw(method, path)
        if path == TOKEN_PATH or not path.startswith("/services/"):
            await self._serve(faults, scope, receive, send)
            return
        if self._in_flight >= self._account.settings.concurrency:
            await concurrency_exceeded()(scope, receive, send)
            return
        self._in_flight += 1
        sending, free = freeing_on_completion(send, self._leave)
        try:
            await self._serve(faults, scope, receive, sending)
        finally:
            free()

    def _leave(self) -> None:
        self._in_flight -= 1

    async def _serve(self, faults: list[Fault], scope: Scope, receive: Receive, send: Send) -> None:
        delay = self._account.settings.latency_ms + sum(f.latency_ms for f in faults)
        failure = next((f.kind for f in faults if f.kind != "latency"), None)
        if failure is None:  # handled now, answered once the latency has passed
            await self._app(scope, receive, answering_after(send, delay / 1000))
            return
        if delay:
            await asyncio.sleep(delay / 1000)
        if failure == "reset":
            await _reset(send)
        else:
            await _failure(failure)(scope, receive, send)
