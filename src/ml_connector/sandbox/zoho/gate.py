"""The door of the CRM API: token and scope checks, then concurrency and credits, in that order.

Write calls are read here once to count their records, because the heavy-call sub-limit
(writes of more than 10 records) and the credit cost (1 per 10 records) both depend on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ml_connector.sandbox.slots import freeing_on_completion

from .limits import Credits, InFlight, write_cost
from .responses import crm_error, too_many_requests
from .scopes import covers
from .tokens import TokenAuthority

__all__ = ["PREFIX", "CrmGate"]

PREFIX = "Zoho-oauthtoken "
WRITE_PATH = re.compile(r"^/crm/v8/(?!settings/|actions/|org)[^/]+(/upsert|/\d+)?$")


def _record_count(scope: Scope, body: bytes) -> int:
    """Records in a write call's ``data``, or 0 for every other call."""
    if scope["method"] not in ("POST", "PUT") or not WRITE_PATH.match(scope["path"]):
        return 0
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        return 0
    return len(data) if isinstance(data, list) else 0


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class CrmGate:
    """Refuses CRM calls Zoho would refuse before looking at them: 401, then 429."""

    def __init__(
        self,
        app: ASGIApp,
        authority: TokenAuthority,
        in_flight: Callable[[], InFlight],
        credits: Callable[[], Credits],
    ) -> None:
        self.app = app
        self.authority = authority
        self.in_flight = in_flight
        self.credits = credits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/crm/"):
            await self.app(scope, receive, send)
            return
        refusal = self._auth(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        body = await _read_body(receive)
        await self._admit(scope, body, send, _record_count(scope, body))

    def _auth(self, scope: Scope) -> Any:
        header = Headers(scope=scope).get("authorization", "")
        if not header.startswith(PREFIX):
            return crm_error(401, "AUTHENTICATION_FAILURE", "Authentication failed")
        token = self.authority.check(header[len(PREFIX) :])
        if token is None:
            return crm_error(401, "INVALID_TOKEN", "invalid oauth token")
        if not covers(token.scope, scope["method"], scope["path"]):
            return crm_error(401, "OAUTH_SCOPE_MISMATCH", "Unauthorized")
        scope.setdefault("state", {})["zoho_token"] = token
        return None

    async def _admit(self, scope: Scope, body: bytes, send: Send, records: int) -> None:
        in_flight = self.in_flight()
        if not in_flight.enter():
            await too_many_requests()(scope, _replay(body), send)
            return
        sending, free = freeing_on_completion(send, in_flight.leave)
        try:
            await self._admit_heavy(scope, body, sending, records)
        finally:
            free()

    async def _admit_heavy(self, scope: Scope, body: bytes, send: Send, records: int) -> None:
        in_flight, heavy = self.in_flight(), records > 10
        if heavy and not in_flight.enter_heavy():
            await too_many_requests()(scope, _replay(body), send)
            return
        sending, free = freeing_on_completion(send, in_flight.leave_heavy if heavy else _nothing)
        try:
            await self._charge(scope, body, sending, records)
        finally:
            free()

    async def _charge(self, scope: Scope, body: bytes, send: Send, records: int) -> None:
        credits = self.credits()
        if not credits.charge(write_cost(records) if records else 1):
            await too_many_requests()(scope, _replay(body), send)
            return

        async def send_with_credits(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(credits.remaining_header())
            await send(message)

        await self.app(scope, _replay(body), send_with_credits)


def _nothing() -> None:
    """A light call holds no heavy slot."""
