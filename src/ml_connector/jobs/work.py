"""What each job does, as plain async functions over the store and one connection's services.

Huey tasks (see :mod:`.tasks`) are thin wrappers around these, so tests call them directly and
the queue only decides *when* they run. Every function is safe to run twice at once (two
schedulers by mistake, a wake-up and the safety net together): drains serialise per connection
on a store lock and claim rows by lease, polls write rows keyed for idempotency, the sweeper
only returns expired leases, and token refreshes are single-flight in the token manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from ml_connector.auth.session import SessionOptions, open_session
from ml_connector.jobs.meters import Meters, ObservedTransport
from ml_connector.mapping import MappingFile
from ml_connector.netsuite import RECORD_TYPES
from ml_connector.store.connections import get_connection, list_connections
from ml_connector.store.keyring import Keyring
from ml_connector.store.leases import claimable, sweep
from ml_connector.store.locks import release, renew, try_acquire
from ml_connector.store.retention import Pruned
from ml_connector.store.retention import prune_history as prune
from ml_connector.store.tables import connections
from ml_connector.store.tokens import read_token
from ml_connector.sync import DEFAULT_OVERLAP, poll
from ml_connector.sync.pipeline import DrainReport
from ml_connector.sync.services import Services, open_services
from ml_connector.sync.zoho_catchup import catch_up

__all__ = [
    "NEEDS_REAUTH",
    "JobContext",
    "active_connections",
    "drain_connection",
    "has_pending",
    "poll_connection",
    "prune_history",
    "refresh_tokens",
    "sweep_leases",
]

logger = logging.getLogger(__name__)

NEEDS_REAUTH = "needs_reauth"
DRAIN_LOCK_SECONDS = 300.0
STOP_CHECK_SECONDS = 0.25


@dataclass(frozen=True)
class JobContext:
    """Everything a job needs, built once by the process that runs the jobs."""

    engine: Engine
    keyring: Keyring
    mapping: MappingFile
    meters: Meters
    session_options: SessionOptions = field(default_factory=SessionOptions)
    overlap: timedelta = DEFAULT_OVERLAP
    stopping: threading.Event = field(default_factory=threading.Event)
    stop_grace: float = 20.0
    clock: Callable[[], float] = time.time
    # how long a drain's lock and its batch's leases last: how soon a dead worker's work returns
    lease: timedelta = timedelta(seconds=DRAIN_LOCK_SECONDS)
    # inbox rows per batch, and batches of one connection in flight at once (their writes
    # share full Zoho calls)
    batch: int = 500
    batches_in_flight: int = 6
    # how long one drain keeps a worker before the connection goes to the back of the queue
    turn_seconds: float = 30.0
    # how long a drain stays for new events once nothing is left (see Pipeline.drain)
    linger_seconds: float = 1.0
    # how long the audit trail, runs and finished inbox rows are kept
    retention: timedelta = timedelta(days=90)

    def now(self) -> datetime:
        """The context's clock as an aware UTC time."""
        return datetime.fromtimestamp(self.clock(), UTC)


def active_connections(engine: Engine) -> list[str]:
    """Names of the connections jobs should serve: all but those waiting for re-authorization."""
    return [row.name for row in list_connections(engine) if row.status != NEEDS_REAUTH]


def has_pending(engine: Engine, name: str, now: datetime | None = None) -> bool:
    """Whether connection ``name`` has inbox rows a drain would claim (never while it waits
    for re-authorization: its events stay stored, and no refused token request is made).

    With ``now``, rows whose lease expired by then count too, as they do for the claim: a
    worker killed mid-batch leaves its rows leased, and they must not wait for the sweeper.
    """
    with engine.connect() as conn:
        row = conn.execute(
            select(connections.c.id, connections.c.status).where(connections.c.name == name)
        ).first()
    if row is None or row.status == NEEDS_REAUTH:  # its events wait for re-authorization
        return False
    return claimable(engine, row.id, now)


@contextlib.asynccontextmanager
async def _services(context: JobContext, name: str) -> AsyncIterator[Services]:
    transport = ObservedTransport(context.meters, name)
    options = replace(context.session_options, transport=transport)
    try:
        async with open_services(
            context.engine, context.keyring, name, mapping=context.mapping, options=options
        ) as services:
            yield services
    finally:
        await transport.close()


async def drain_connection(
    context: JobContext, name: str, *, next_turn: Callable[[], None] | None = None
) -> DrainReport:
    """Write a connection's pending inbox rows to Zoho, a few batches in flight at a time.

    A drain is one *turn*: after ``turn_seconds`` it claims no new batch, and if rows are still
    waiting it calls ``next_turn`` (the queue puts another drain of this connection behind
    whatever other connections asked for meanwhile), so one tenant's backlog never holds a
    worker while the others wait. On shutdown (``stopping``) the batches in flight are finished
    (their rows committed done) or, past ``stop_grace``, cancelled (their rows released). The
    drain's lock is renewed after every batch; a drain already running for the connection
    (another worker) makes this one a no-op: that drain will claim what is there.
    """
    if context.stopping.is_set() or not has_pending(context.engine, name, context.now()):
        return DrainReport()  # nothing to do (or no time to do it): spare both systems a session
    holder = secrets.token_hex(8)
    lock = f"drain/{name}"
    ttl = context.lease.total_seconds()
    if not try_acquire(context.engine, lock, holder, ttl, context.now()):
        logger.debug("drain already running", extra={"connection": name})
        return DrainReport()
    turn_ends = time.monotonic() + context.turn_seconds
    lost = threading.Event()

    def turn_over() -> bool:
        return context.stopping.is_set() or lost.is_set() or time.monotonic() >= turn_ends

    async def keep_lock(_report: DrainReport) -> None:
        held = await asyncio.to_thread(renew, context.engine, lock, holder, ttl, context.now())
        if not held:  # expired under a stalled batch: another drain may have it now
            logger.warning("drain lock lost; stopping this turn", extra={"connection": name})
            lost.set()

    total = DrainReport()
    try:
        async with _services(context, name) as services:
            services.pipeline.lease, services.pipeline.batch = context.lease, context.batch
            total = await services.pipeline.drain(
                workers=context.batches_in_flight,
                until=turn_over,
                guard=lambda batch: _finish_or_release(context, batch),
                after_batch=keep_lock,
                linger=context.linger_seconds,
            )
    finally:
        release(context.engine, lock, holder)
        context.meters.drained(name, total)
    ended_early = not context.stopping.is_set() and turn_over()
    if ended_early and next_turn is not None and has_pending(context.engine, name, context.now()):
        next_turn()
    return total


async def _finish_or_release(context: JobContext, batch: Awaitable[DrainReport]) -> DrainReport:
    """The batch's report; once stopping, it gets ``stop_grace`` seconds, then is cancelled.

    A cancelled batch releases its leased rows (the pipeline does it on any exit), so a
    shutdown leaves every row either done or pending again, never leased by a dead process.
    """
    task = asyncio.ensure_future(batch)
    deadline: float | None = None
    while True:
        done, _ = await asyncio.wait({task}, timeout=STOP_CHECK_SECONDS)
        if done:
            return task.result()
        if context.stopping.is_set():
            deadline = deadline or time.monotonic() + context.stop_grace
            if time.monotonic() >= deadline:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                logger.warning("drain cancelled at shutdown; its rows were released")
                return DrainReport()


async def poll_connection(context: JobContext, name: str) -> int:
    """Queue what changed in NetSuite for every record type; how many rows were queued.

    A connection's first poll looks back one overlap window from now: older history is what
    ``backfill`` is for, and a first poll reading years of changes would block the worker.
    It then checks the Zoho channel: edits made in Zoho while it was lost are queued too.
    """
    queued = 0
    async with _services(context, name) as services:
        for record_type in RECORD_TYPES:
            result = await poll(
                context.engine, services.reader, services.connection_id, record_type,
                start=context.now(), overlap=context.overlap,
            )  # fmt: skip
            queued += result.queued
        caught = await catch_up(
            context.engine, services.connection_id, services.zoho, services.mapping, context.now()
        )
    if caught.since is not None:
        logger.warning(
            "zoho channel was lost; edits made meanwhile were read back",
            extra={"connection": name, "since": caught.since.isoformat(), "queued": caught.queued},
        )
    return queued + caught.queued


async def refresh_tokens(context: JobContext, name: str) -> list[str]:
    """Touch the connection's token managers so tokens are renewed before they expire.

    A manager mints a new token once the cached one is within its margin (five minutes) of
    expiry; calling it ahead of need keeps that wait off the drain path. Returns the systems
    whose token changed.
    """
    connection_id = get_connection(context.engine, name).id
    before = {
        system: read_token(context.engine, context.keyring, connection_id, system, "access")
        for system in ("netsuite", "zoho")
    }
    refreshed = []
    async with open_session(context.engine, context.keyring, name, context.session_options) as s:
        for system, manager in (("zoho", s.zoho_tokens), ("netsuite", s.netsuite_tokens)):
            if manager is None:  # TBA signs every request; there is no token to refresh
                continue
            token = await manager.token()
            old = before[system]
            if old is None or old.expires_at != token.expires_at:
                context.meters.token_refreshes.labels(name, system).inc()
                refreshed.append(system)
    return refreshed


def sweep_leases(context: JobContext) -> int:
    """Return the inbox rows of workers that died mid-drain to the queue."""
    returned = sweep(context.engine, context.now())
    if returned:
        logger.warning("expired leases returned", extra={"rows": returned})
    return returned


def prune_history(context: JobContext) -> Pruned:
    """Remove history older than the retention window (see :mod:`ml_connector.store.retention`)."""
    pruned = prune(context.engine, now=context.now(), keep=context.retention)
    if pruned.audit or pruned.runs or pruned.inbox:
        logger.info("old history pruned", extra=pruned.__dict__)
    return pruned
