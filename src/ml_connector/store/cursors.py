"""Cursors: where polling and backfill stand, per connection and stream.

A cursor is only ever written in the same transaction as the inbox rows it covers (the caller
passes its open connection), so after a crash the cursor and the inbox agree: work resumes
after the last committed page, neither skipping nor repeating a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from ml_connector.store.tables import cursors

__all__ = ["Cursor", "read_cursor", "write_cursor"]


@dataclass(frozen=True)
class Cursor:
    """A stream's position: a (time, id) watermark and/or a key position, and when it finished."""

    watermark_time: datetime | None = None
    watermark_id: str | None = None
    backfill_position: str | None = None


def read_cursor(engine: Engine | Connection, connection_id: int, stream: str) -> Cursor | None:
    """The stream's cursor, or None if it never ran."""
    query = select(cursors).where(
        (cursors.c.connection_id == connection_id) & (cursors.c.stream == stream)
    )
    if isinstance(engine, Connection):
        row = engine.execute(query).first()
    else:
        with engine.connect() as conn:
            row = conn.execute(query).first()
    if row is None:
        return None
    return Cursor(row.watermark_time, row.watermark_id, row.backfill_position)


def write_cursor(conn: Connection, connection_id: int, stream: str, cursor: Cursor) -> None:
    """Set the stream's cursor inside the caller's transaction (insert or update)."""
    values = {
        "watermark_time": cursor.watermark_time,
        "watermark_id": cursor.watermark_id,
        "backfill_position": cursor.backfill_position,
        "updated_at": datetime.now(UTC),
    }
    key = {"connection_id": connection_id, "stream": stream}
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = module.insert(cursors).values(**key, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=values))
