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
from typing import Any

from sqlalchemy import Connection, Engine, Select, select, update

from ml_connector.store.inbox import InboxRow, inbox_row
from ml_connector.store.tables import inbox

__all__ = ["DONE", "FAILED", "LEASED", "claim", "claimable", "finish", "release", "sweep"]

LEASED, DONE, FAILED = "leased", "done", "failed"
PENDING = "pending"


def _expired(connection_id: int, now: datetime) -> Select[tuple[int]]:
    """Rows whose worker's lease ran out (it died): through the (status, lease_until) index."""
    return select(inbox.c.id).where(
        inbox.c.status == LEASED, inbox.c.lease_until < now, inbox.c.connection_id == connection_id
    )


def _pending(connection_id: int) -> Select[tuple[int]]:
    """Rows waiting for a first claim: through the (status, connection_id, id) index."""
    waiting = (inbox.c.status == PENDING) & (inbox.c.connection_id == connection_id)
    return select(inbox.c.id).where(waiting)


def claimable(engine: Engine, connection_id: int, now: datetime | None = None) -> bool:
    """Whether a claim would find a row: a pending one or (with ``now``) an expired lease."""
    kinds = [_pending(connection_id)]
    if now is not None:
        kinds.append(_expired(connection_id, now))
    with engine.connect() as conn:
        return any(conn.execute(kind.limit(1)).first() is not None for kind in kinds)


def claim(
    engine: Engine, connection_id: int, *, limit: int, lease: timedelta, now: datetime
) -> list[InboxRow]:
    """Lease up to ``limit`` claimable rows until ``now + lease``: expired leases, then the oldest.

    Each kind is picked by its own index; one query with ``pending OR expired`` read every row
    of the connection and sorted them, on every claim, which grows with the table.
    """
    values = {"status": LEASED, "lease_until": now + lease, "attempts": inbox.c.attempts + 1}
    rows: list[Any] = []
    with engine.begin() as conn:
        for candidates in (_expired(connection_id, now), _pending(connection_id)):
            room = limit - len(rows)
            if room <= 0:
                break
            picked = candidates.order_by(inbox.c.id).limit(room)
            if engine.dialect.name == "postgresql":
                picked = picked.with_for_update(skip_locked=True)
            statement = (
                update(inbox)
                .where(inbox.c.id.in_(picked.scalar_subquery()))
                .values(values)
                .returning(*inbox.c)
            )
            rows += conn.execute(statement).mappings().all()
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
