"""Turning NetSuite rows into inbox events, with the cursor that covers them, atomically.

A row read by polling or backfill already holds everything the pipeline needs, so it travels
in the event's payload (dates as ISO text) and the pipeline does not read NetSuite again. Its
idempotency key names the record *and* its change time: the same change read twice (an overlap
window, a resumed backfill) is one event, a later change of the same record is another.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from ml_connector.netsuite import Row
from ml_connector.store.cursors import Cursor, write_cursor
from ml_connector.store.inbox import NewEvent, enqueue_many

__all__ = ["commit_page", "event_for", "row_payload"]


def row_payload(row: Row) -> dict[str, Any]:
    """A row as JSON-ready values (aware datetimes as ISO-8601 UTC)."""
    return {
        key: value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
        for key, value in row.items()
    }


def event_for(source: str, record_type: str, row: Row) -> NewEvent:
    """The inbox event of one read row."""
    changed = row.get("lastmodified")
    stamp = changed.isoformat() if isinstance(changed, datetime) else str(changed)
    record_id = str(row["id"])
    key = f"{source}:{record_type}:{record_id}:{stamp}"
    return NewEvent(key, record_type, record_id, row_payload(row))


def commit_page(
    engine: Engine,
    connection_id: int,
    *,
    source: str,
    record_type: str,
    rows: list[Row],
    stream: str,
    cursor: Cursor,
) -> int:
    """Enqueue a page of rows and move the stream's cursor, in one transaction; new events."""
    events = [event_for(source, record_type, row) for row in rows]
    with engine.begin() as conn:
        added = enqueue_many(
            conn, connection_id, source=source, events=events, received_at=datetime.now(UTC)
        )
        write_cursor(conn, connection_id, stream, cursor)
    return added
