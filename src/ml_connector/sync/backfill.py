"""Backfill: every record of a type into the inbox, a page at a time, resumable.

Pages go by id (no 100,000-row cap) and each page is committed together with the cursor that
says it is done, so Ctrl-C or a crash loses at most the page in flight and a new run carries on
after the last committed page. Memory stays flat: one page at a time, whatever the table size.
With ``since``, only records changed since then are read (by modified time, then id).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from ml_connector.netsuite import RecordReader
from ml_connector.store.cursors import Cursor, read_cursor
from ml_connector.sync.intake import commit_page

__all__ = ["BackfillResult", "backfill"]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class BackfillResult:
    """What one backfill run of one record type did."""

    record_type: str
    read: int
    queued: int
    resumed_after: str | None
    finished_at: datetime


def stream_name(record_type: str, since: datetime | None) -> str:
    """The cursor stream: one per record type and starting point."""
    return f"backfill:{record_type}" + (f":since={since.isoformat()}" if since else "")


async def backfill(
    engine: Engine,
    reader: RecordReader,
    connection_id: int,
    record_type: str,
    *,
    since: datetime | None = None,
    progress: Progress | None = None,
) -> BackfillResult:
    """Queue every record of ``record_type`` (changed since ``since``), resuming if cut short."""
    stream = stream_name(record_type, since)
    cursor = await asyncio.to_thread(read_cursor, engine, connection_id, stream) or Cursor()
    after = cursor.backfill_position
    pages = (
        reader.modified_since(record_type, cursor.watermark_time or since, after_id=after)
        if since
        else reader.pages(record_type, after=after)
    )
    read = queued = 0
    async for rows in pages:
        tail = rows[-1]
        done = Cursor(tail["lastmodified"] if since else None, None, str(tail["id"]))
        read += len(rows)
        queued += await asyncio.to_thread(
            commit_page, engine, connection_id, source="backfill", record_type=record_type,
            rows=rows, stream=stream, cursor=done,
        )  # fmt: skip
        if progress is not None:
            progress(len(rows))
    return BackfillResult(record_type, read, queued, after, datetime.now(UTC))
