"""``POST /hooks/netsuite/{connection}``: NetSuite change events into the inbox.

The answer is 2xx only after the event's inbox row is committed (DESIGN.md §3), because
``N/https`` never retries: an acknowledged event that was not stored would be lost until the
next poll. Every refusal is a 4xx with a JSON reason and changes nothing. A repeated delivery
(same event id) is acknowledged again without a second row. Events of our own writes
(``REST_WEBSERVICES``) are acknowledged and not stored: the scripts already skip them, so one
arriving means an old script or a replay, and queuing it would only echo our own write.

Answers (JSON)::

    202 {"status": "queued", "event_id": …}       stored now
    200 {"status": "duplicate", "event_id": …}    stored before, nothing new
    200 {"status": "ignored", "event_id": …}      our own write, nothing stored
    4xx {"status": "rejected", "reason": …}       400 malformed, 401 signature or timestamp,
                                                   403 source or no secret, 404 connection,
                                                   413 body too large
    503 {"status": "error", "reason": …}          the store failed: nothing acknowledged

Database calls are synchronous SQLAlchemy, so they run in the thread pool, never on the loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.netsuite.events import (
    SOURCE,
    ChangeEvent,
    EventRejectedError,
    same_account,
    verify,
)
from ml_connector.store.inbox import enqueue
from ml_connector.store.keyring import Keyring
from ml_connector.web.bodies import read_body
from ml_connector.web.options import WebOptions
from ml_connector.web.peers import client_address, within
from ml_connector.web.targets import Targets

__all__ = ["NetSuiteHook"]

logger = logging.getLogger(__name__)


class NetSuiteHook:
    """The receiver of one deployment's NetSuite change events, for every connection."""

    def __init__(
        self, engine: Engine, keyring: Keyring, clock: Callable[[], float], options: WebOptions
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._options = options
        self._targets = Targets(engine, keyring, clock, options.connection_cache_seconds)
        # SQLite has one writer: queueing threads on a lock beats them polling the busy handler.
        self._writing: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    async def receive(self, request: Request) -> Response:
        """Verify, store and acknowledge one delivery, or refuse it with a reason."""
        name = request.path_params["connection"]
        try:
            return await self._receive(request, name)
        except EventRejectedError as exc:
            logger.warning(
                "netsuite event rejected",
                extra={"connection": name, "status": exc.status, "reason": exc.reason},
            )
            return JSONResponse({"status": "rejected", "reason": exc.reason}, exc.status)
        except SQLAlchemyError as exc:
            # Not acknowledged, so the sender logs a failure; the poll will find the change.
            logger.error(
                "netsuite event not stored",
                extra={"connection": name, "error": type(exc).__name__},
            )
            return JSONResponse({"status": "error", "reason": "the event could not be stored"}, 503)

    async def _receive(self, request: Request, name: str) -> Response:
        self._check_source(request)
        body = await read_body(request, self._options.max_body_bytes)
        # One trip to the thread pool does the lookup, the check and the commit.
        event, stored = await run_in_threadpool(self._accept, name, request.headers, body)
        if stored is None:
            logger.info(
                "netsuite event of our own write ignored",
                extra={"connection": name, "event_id": event.event_id},
            )
            return _answer(200, "ignored", event)
        logger.info(
            "netsuite event received",
            extra={"connection": name, "event_id": event.event_id, "new": stored},
        )
        return _answer(202, "queued", event) if stored else _answer(200, "duplicate", event)

    def _accept(
        self, name: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[ChangeEvent, bool | None]:
        """The verified event and whether it was new (None: ours, acknowledged, not stored)."""
        target = self._targets.get(name)
        now = self._clock()
        event = verify(headers, body, target.keys, now, self._options.timestamp_tolerance)
        if event.from_own_writes:
            return event, None
        if target.account and not same_account(event.account, target.account):
            raise EventRejectedError(400, "event is for another NetSuite account")
        try:
            with self._writing:
                return event, self._store(target.connection_id, event, now)
        except IntegrityError:
            # The remembered connection was removed: this delivery fails (no 2xx, nothing
            # lost silently) and the next one looks the name up afresh.
            self._targets.forget(name)
            raise

    def _check_source(self, request: Request) -> None:
        allowlist = self._options.allowlist
        if not allowlist:
            return
        peer = request.client.host if request.client else None
        forwarded = request.headers.get("x-forwarded-for")
        address = client_address(peer, forwarded, self._options.trusted_proxies)
        if address is None or not within(address, allowlist):
            raise EventRejectedError(403, "source address is not in the allowlist")

    def _store(self, connection_id: int, event: ChangeEvent, now: float) -> bool:
        return enqueue(
            self._engine,
            connection_id,
            source=SOURCE,
            idempotency_key=f"{SOURCE}:{event.event_id}",
            record_type=event.record_type,
            record_id=event.record_id,
            payload=event.payload(),
            received_at=datetime.fromtimestamp(now, UTC),
        )


def _answer(status: int, outcome: str, event: ChangeEvent) -> JSONResponse:
    return JSONResponse({"status": outcome, "event_id": event.event_id}, status)
