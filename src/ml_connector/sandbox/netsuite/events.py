"""Change events, posted the way the SuiteScript we ship posts them from NetSuite.

NetSuite has no native outbound webhook (reference §6); our User Event / Event Subscriber script
posts a minimal, signed event after each save. The simulator posts the same event for every
create, edit, inline edit and inactivation of a customer, vendor or contact, whether it came
through the record service or the control API, once, with no retry (``N/https`` has none).

Wire format (Standard Webhooks layout, as DESIGN.md §4 names it)::

    POST <url set with PUT /_sandbox/webhook>
    content-type: application/json
    webhook-id: <event_id>
    webhook-timestamp: <epoch seconds, integer>
    webhook-signature: v1,<base64 HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>">

    {"event_id": "<uuid4>", "account": "1234567_SB1", "record_type": "customer|vendor|contact",
     "record_id": "107", "event_type": "create|edit|xedit|inactivate",
     "occurred_at": "2026-05-10T12:34:56Z",
     "execution_context": "REST_WEBSERVICES|USERINTERFACE|…"}

The secret is ``whsec_`` followed by base64; the HMAC key is the base64-decoded bytes (the
Standard Webhooks convention). ``event_type`` is the User Event ``context.type`` (``create``,
``edit``, ``xedit`` for inline edits) except that a save turning ``isinactive`` from F to T is
reported as ``inactivate``. ``execution_context`` is ``runtime.executionContext``: changes made
with our integration's credentials through REST web services show ``REST_WEBSERVICES``, edits by
a person in the UI ``USERINTERFACE``; the control API may name another context.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

import httpx

from ml_connector.sandbox.netsuite.database import iso_utc

__all__ = ["ChangeEvent", "EventEmitter", "sign"]

logger = logging.getLogger(__name__)

# N/https: 5 s to connect, 45 s to send, then SSS_REQUEST_TIME_EXCEEDED.
_TIMEOUT = httpx.Timeout(45.0, connect=5.0)


@dataclass(frozen=True)
class ChangeEvent:
    """The minimal event: which record changed, how, when and in which execution context."""

    event_id: str
    account: str
    record_type: str
    record_id: str
    event_type: str
    occurred_at: str
    execution_context: str

    def body(self) -> bytes:
        """The exact bytes posted (and signed)."""
        return json.dumps(asdict(self), separators=(",", ":")).encode()


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one delivery."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class EventEmitter:
    """Posts each event once, in the background, and keeps a log of what happened.

    Each save's post goes out on its own, as NetSuite runs each save's script on its own, with
    at most ``concurrency`` in flight through one client, as those scripts run within the
    account's concurrency limit (reference §6): a burst of a thousand saves is a queue of posts
    over a few kept-alive connections, not a thousand connects at once, and a steady stream of
    saves is posted as it comes, not one post after another. A connection idle for a second is
    not used again, well inside any receiver's keep-alive (uvicorn's is 5 s), so a post is not
    sent on a connection the receiver is closing. The client lives while there is something to
    send and is closed when nothing is left.
    """

    def __init__(
        self,
        account_id: str,
        secret: str,
        clock: Callable[[], float],
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int = 15,
    ) -> None:
        self.account_id = account_id
        self.secret = secret
        self.url: str | None = None
        self.log: list[dict[str, object]] = []
        self._clock = clock
        self._transport = transport
        self._concurrency = concurrency
        self._slots: asyncio.Semaphore | None = None
        self._client: httpx.AsyncClient | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        # posts queued or in flight, counted by the posts themselves: a finished task leaves
        # ``_deliveries`` only a loop turn later, so two posts ending together each saw the
        # other and neither closed the client, which then leaked its connections
        self._unfinished = 0

    def emit(self, record_type: str, record_id: int, event_type: str, context: str) -> ChangeEvent:
        """Record the event and, if a URL is set, queue its post without waiting for the answer."""
        now = self._clock()
        event = ChangeEvent(
            event_id=str(uuid.uuid4()), account=self.account_id, record_type=record_type,
            record_id=str(record_id), event_type=event_type, occurred_at=iso_utc(now),
            execution_context=context,
        )  # fmt: skip
        entry: dict[str, object] = {"event": asdict(event), "outcome": "pending"}
        self.log.append(entry)
        if self.url is None:
            entry["outcome"] = "no webhook url"
            return event
        delivery = asyncio.get_running_loop().create_task(
            self._deliver(event, self.url, int(now), entry)
        )
        self._unfinished += 1
        self._deliveries.add(delivery)
        delivery.add_done_callback(self._deliveries.discard)
        return event

    async def _deliver(
        self, event: ChangeEvent, url: str, ts: int, entry: dict[str, object]
    ) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._concurrency)
        try:
            async with self._slots:
                if self._client is None:
                    limits = httpx.Limits(max_connections=self._concurrency, keepalive_expiry=1.0)
                    self._client = httpx.AsyncClient(
                        transport=self._transport, timeout=_TIMEOUT, limits=limits
                    )
                await self._post(self._client, event, url, ts, entry)
        finally:
            self._unfinished -= 1
            client = self._client
            if not self._unfinished and client is not None:
                self._client = None  # the last delivery: a later one opens a new client
                await client.aclose()

    async def _post(
        self,
        client: httpx.AsyncClient,
        event: ChangeEvent,
        url: str,
        ts: int,
        entry: dict[str, object],
    ) -> None:
        body = event.body()
        headers = {
            "content-type": "application/json",
            "webhook-id": event.event_id,
            "webhook-timestamp": str(ts),
            "webhook-signature": sign(self.secret, event.event_id, ts, body),
        }
        try:
            response = await client.post(url, content=body, headers=headers)
            entry["outcome"] = response.status_code
        except httpx.HTTPError as exc:
            # Like N/https inside a try/catch: the failure is logged and the save goes on.
            entry["outcome"] = f"error: {type(exc).__name__}"
            logger.warning("event delivery failed", extra={"event_id": event.event_id})

    async def drain(self) -> None:
        """Wait for deliveries queued or in flight (tests and the control API use it to settle)."""
        while self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)
