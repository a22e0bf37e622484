"""``POST /hooks/zoho/{connection}``: Zoho's notification callbacks into the inbox.

A callback names records by id only and carries no signature: what proves it came from Zoho is
the channel id and the token we gave that channel, both compared with the stored channel (the
token in constant time). Nothing is stored for a refused callback. Each record id becomes one
inbox row, committed before the answer; the worker fetches the records and decides whether a
person edited them (see :mod:`ml_connector.sync.zoho_edits`). Zoho documents no retries, so the
answer is quick and a lost callback is left to polling.

Answers (JSON)::

    200 {"status": "queued", "stored": n}     n new rows
    200 {"status": "duplicate", "stored": 0}  the same callback again
    200 {"status": "ignored"}                 a module the mapping does not sync
    4xx {"status": "rejected", "reason": …}   400 malformed, 401 token, 404 connection or
                                              channel, 413 body too large
    503 {"status": "error", "reason": …}      the store failed: nothing acknowledged
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.errors import NotFoundError
from ml_connector.mapping import MappingFile
from ml_connector.netsuite.events import EventRejectedError
from ml_connector.store.channels import ACTIVE, channel_by_id, open_token
from ml_connector.store.connections import get_connection
from ml_connector.store.inbox import NewEvent, enqueue_many
from ml_connector.store.keyring import Keyring
from ml_connector.web.bodies import read_body
from ml_connector.zoho.channels import CALLBACK_SOURCE as SOURCE

__all__ = ["SOURCE", "Callback", "ZohoHook", "parse_callback"]

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024  # a callback lists up to a few hundred ids


@dataclass(frozen=True)
class Callback:
    """The parts of a callback the sync uses."""

    module: str
    ids: tuple[str, ...]
    operation: str
    channel_id: str
    token: str
    server_time: int

    def key(self, zoho_id: str) -> str:
        """Idempotency key of one record of this callback: a repeat delivery has the same."""
        ids = ",".join(sorted(self.ids))
        whole = f"{self.channel_id}|{self.server_time}|{self.operation}|{ids}"
        return f"zoho:{hashlib.sha256(whole.encode()).hexdigest()[:32]}:{zoho_id}"


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value):
        raise EventRejectedError(400, f"callback has no {name}")
    return str(value)


def parse_callback(raw: bytes) -> Callback:
    """The callback in ``raw``; a 400 rejection names what is missing."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise EventRejectedError(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise EventRejectedError(400, "body is not a JSON object")
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str | int) for i in ids):
        raise EventRejectedError(400, "callback has no ids")
    server_time = body.get("server_time")
    if isinstance(server_time, bool) or not isinstance(server_time, int):
        raise EventRejectedError(400, "callback has no server_time")
    token = body.get("token")
    return Callback(
        _text(body, "module"), tuple(str(i) for i in ids), _text(body, "operation"),
        _text(body, "channel_id"), token if isinstance(token, str) else "", server_time,
    )  # fmt: skip


class ZohoHook:
    """The receiver of Zoho callbacks for every connection of the deployment."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring,
        clock: Callable[[], float],
        mapping: MappingFile,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self._engine, self._keyring, self._clock = engine, keyring, clock
        self._types: dict[str, str] = {mapping.entity(t).module: t for t in mapping.source_types()}
        self._on_event = on_event
        # SQLite has one writer: queueing threads on a lock beats them polling the busy handler.
        self._writing: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    async def receive(self, request: Request) -> Response:
        """Check, store and acknowledge one callback, or refuse it with a reason."""
        name = request.path_params["connection"]
        try:
            callback = parse_callback(await read_body(request, MAX_BODY))
            stored = await run_in_threadpool(self._accept, name, callback)
        except EventRejectedError as exc:
            logger.warning(
                "zoho callback rejected",
                extra={"connection": name, "status": exc.status, "reason": exc.reason},
            )
            return JSONResponse({"status": "rejected", "reason": exc.reason}, exc.status)
        except SQLAlchemyError as exc:
            logger.error(
                "zoho callback not stored", extra={"connection": name, "error": type(exc).__name__}
            )
            return JSONResponse({"status": "error", "reason": "the event could not be stored"}, 503)
        if stored is None:
            return JSONResponse({"status": "ignored"})
        return JSONResponse({"status": "queued" if stored else "duplicate", "stored": stored})

    def _accept(self, name: str, callback: Callback) -> int | None:
        """How many new rows were stored (None: a module not synced, nothing stored)."""
        connection_id = self._check(name, callback)
        record_type = self._types.get(callback.module)
        if record_type is None:
            return None
        stored = self._store(connection_id, record_type, callback)
        if stored and self._on_event is not None:
            _wake(self._on_event, name)
        return stored

    def _check(self, name: str, callback: Callback) -> int:
        """The connection's id, once the callback's channel and token are its own."""
        try:
            connection_id = get_connection(self._engine, name).id
        except NotFoundError:
            raise EventRejectedError(404, "no such connection") from None
        channel = channel_by_id(self._engine, callback.channel_id)
        if channel is None or channel.connection_id != connection_id:
            raise EventRejectedError(404, "unknown channel")
        if channel.status != ACTIVE:
            raise EventRejectedError(404, f"channel is {channel.status}")
        expected = open_token(self._keyring, channel).encode()
        if not hmac.compare_digest(expected, callback.token.encode()):
            raise EventRejectedError(401, "token does not match the channel's")
        return connection_id

    def _store(self, connection_id: int, record_type: str, callback: Callback) -> int:
        events = [_event(callback, record_type, i) for i in dict.fromkeys(callback.ids)]
        now = datetime.fromtimestamp(self._clock(), UTC)
        with self._writing, self._engine.begin() as conn:
            return enqueue_many(conn, connection_id, source=SOURCE, events=events, received_at=now)


def _event(callback: Callback, record_type: str, zoho_id: str) -> NewEvent:
    """One record's row: ``record_id`` is the Zoho id (the worker finds the NetSuite one)."""
    payload = {"module": callback.module, "operation": callback.operation, "zoho_id": zoho_id}
    return NewEvent(callback.key(zoho_id), record_type, zoho_id, payload)


def _wake(on_event: Callable[[str], None], name: str) -> None:
    """Ask for a drain soon; a failure only delays the work, which is already stored."""
    try:
        on_event(name)
    except Exception as exc:  # the rows are stored; the scheduled drain will reach them
        logger.warning(
            "could not wake a drain", extra={"connection": name, "error": type(exc).__name__}
        )
