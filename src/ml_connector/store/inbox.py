"""The inbox: one row per change event, written before anyone acts on it (DESIGN.md §3).

A webhook answers 2xx only once its row is committed, so a delivery the sender saw acknowledged
can never be lost. Senders repeat deliveries (retries, replays, a proxy resending), so each row
carries an idempotency key that is unique per connection: a repeat is recognised by the database
itself, in the same statement that would have inserted it, and no two requests can race past
a "does it exist?" check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Insert, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ml_connector.store.tables import inbox

__all__ = ["InboxRow", "NewEvent", "enqueue", "enqueue_many", "inbox_row", "pending"]

PENDING = "pending"


@dataclass(frozen=True)
class InboxRow:
    """One stored event, as the workers (and the tests) read it."""

    id: int
    connection_id: int
    source: str
    idempotency_key: str
    record_type: str
    record_id: str
    payload: dict[str, Any] | None
    status: str
    attempts: int
    received_at: datetime


def _insert_ignoring_duplicates(dialect: str) -> Insert:
    """An INSERT that skips a duplicate key instead of failing, where the dialect can say so.

    PostgreSQL aborts the whole transaction on a unique violation and logs it as an error, so
    on the two supported databases the conflict is declared instead of caught.
    """
    if dialect == "postgresql":
        return postgresql.insert(inbox).on_conflict_do_nothing(
            index_elements=["connection_id", "idempotency_key"]
        )
    if dialect == "sqlite":
        return sqlite.insert(inbox).on_conflict_do_nothing(
            index_elements=["connection_id", "idempotency_key"]
        )
    return insert(inbox)


def enqueue(
    engine: Engine,
    connection_id: int,
    *,
    source: str,
    idempotency_key: str,
    record_type: str,
    record_id: str,
    payload: dict[str, Any] | None,
    received_at: datetime,
) -> bool:
    """Commit one event as pending; True if it is new, False if the key was already there."""
    row = {
        "connection_id": connection_id,
        "source": source,
        "idempotency_key": idempotency_key,
        "record_type": record_type,
        "record_id": record_id,
        "payload": payload,
        "status": PENDING,
        "received_at": received_at,
    }
    statement = _insert_ignoring_duplicates(engine.dialect.name).values(row).returning(inbox.c.id)
    try:
        with engine.begin() as conn:
            inserted = conn.execute(statement).scalar_one_or_none()
    except IntegrityError:
        # Other dialects report a duplicate late, as an error. Any other broken constraint (a
        # connection that no longer exists) must not pass for a duplicate: that would drop it.
        if not _holds(engine, connection_id, idempotency_key):
            raise
        return False
    # A skipped duplicate returns no row (rowcount is not reliable across drivers here).
    return inserted is not None


def _holds(engine: Engine, connection_id: int, idempotency_key: str) -> bool:
    query = select(inbox.c.id).where(
        inbox.c.connection_id == connection_id, inbox.c.idempotency_key == idempotency_key
    )
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


def pending(engine: Engine, connection_id: int, limit: int = 100) -> list[InboxRow]:
    """The oldest pending events of one connection, in arrival order."""
    query = (
        select(inbox)
        .where(inbox.c.connection_id == connection_id, inbox.c.status == PENDING)
        .order_by(inbox.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [_row(dict(row)) for row in rows]


def inbox_row(row: dict[str, Any]) -> InboxRow:
    """An inbox row as read from the table (extra columns ignored)."""
    return _row(row)


def _row(row: dict[str, Any]) -> InboxRow:
    names = InboxRow.__dataclass_fields__
    return InboxRow(**{name: value for name, value in row.items() if name in names})


@dataclass(frozen=True)
class NewEvent:
    """An event to enqueue alongside others in the caller's transaction."""

    idempotency_key: str
    record_type: str
    record_id: str
    payload: dict[str, Any] | None = None


def enqueue_many(
    conn: Connection,
    connection_id: int,
    *,
    source: str,
    events: list[NewEvent],
    received_at: datetime,
) -> int:
    """Add events inside the caller's transaction (with the cursor that covers them); new count.

    Repeats of keys already present are skipped, so a page read twice (an overlap window, a
    resumed backfill) adds nothing the second time.
    """
    if not events:
        return 0
    rows = [
        {
            "connection_id": connection_id,
            "source": source,
            "idempotency_key": event.idempotency_key,
            "record_type": event.record_type,
            "record_id": event.record_id,
            "payload": event.payload,
            "status": PENDING,
            "received_at": received_at,
        }
        for event in events
    ]
    statement = _insert_ignoring_duplicates(conn.dialect.name).returning(inbox.c.id)
    return len(conn.execute(statement, rows).all())
