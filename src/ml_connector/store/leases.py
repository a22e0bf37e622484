"""Claiming inbox rows by lease, so any number of workers share the work without doubling it.

A worker claims a batch by setting ``status = 'leased'`` and a lease expiry in one statement.
On PostgreSQL the candidate rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent
workers claim disjoint batches without waiting on each other; SQLite has a single writer, which
serialises claims by itself. A row whose lease expired (its worker died) is claimable again,
and ``attempts`` counts how often it was handed out. Finishing happens in the caller's
transaction, together with the links and audit rows that record what was done.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Engine, or_, select, update

from ml_connector.store.inbox import InboxRow, inbox_row
from ml_connector.store.tables import inbox

__all__ = ["DONE", "FAILED", "LEASED", "claim", "finish", "release", "sweep"]

LEASED, DONE, FAILED = "leased", "done", "failed"
PENDING = "pending"


def _claimable(connection_id: int, now: datetime) -> ColumnElement[bool]:
    expired = (inbox.c.status == LEASED) & (inbox.c.lease_until < now)
    return (inbox.c.connection_id == connection_id) & or_(inbox.c.status == PENDING, expired)


def claim(
    engine: Engine, connection_id: int, *, limit: int, lease: timedelta, now: datetime
) -> list[InboxRow]:
    """Lease up to ``limit`` of the connection's oldest claimable rows until ``now + lease``."""
    picked = (
        select(inbox.c.id).where(_claimable(connection_id, now)).order_by(inbox.c.id).limit(limit)
    )
    if engine.dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    statement = (
        update(inbox)
        .where(inbox.c.id.in_(picked.scalar_subquery()))
        .values(status=LEASED, lease_until=now + lease, attempts=inbox.c.attempts + 1)
        .returning(*inbox.c)
    )
    with engine.begin() as conn:
        rows = conn.execute(statement).mappings().all()
    return sorted((inbox_row(dict(row)) for row in rows), key=lambda row: row.id)


def finish(
    conn: Connection,
    ids: Sequence[int],
    *,
    now: datetime,
    status: str = DONE,
    error: str | None = None,
) -> None:
    """Mark leased rows done (or failed) inside the caller's transaction."""
    if ids:
        conn.execute(
            update(inbox)
            .where(inbox.c.id.in_(list(ids)))
            .values(status=status, lease_until=None, done_at=now, last_error=error)
        )


def release(engine: Engine, ids: Sequence[int]) -> None:
    """Give leased rows back at once (a worker shutting down cleanly)."""
    if ids:
        with engine.begin() as conn:
            conn.execute(
                update(inbox)
                .where(inbox.c.id.in_(list(ids)) & (inbox.c.status == LEASED))
                .values(status=PENDING, lease_until=None)
            )


def sweep(engine: Engine, now: datetime) -> int:
    """Return every expired lease to the queue; how many were returned."""
    expired = (inbox.c.status == LEASED) & (inbox.c.lease_until < now)
    with engine.begin() as conn:
        result = conn.execute(update(inbox).where(expired).values(status=PENDING, lease_until=None))
    return int(result.rowcount)
