"""Polling, the safety net: find every change that events missed, by (modified time, id).

Each poll starts an *overlap window* before the watermark, because NetSuite stamps a change
when it starts but readers see it only when it commits, and because SuiteQL compares times in
the account's time zone: a change stamped just before the watermark but committed just after
the last poll is read again here instead of being skipped. Re-read rows produce no new events
(same idempotency key). The watermark moves only with the page that covers it, in one
transaction, so a crash mid-poll resumes where the last committed page ended.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from ml_connector.netsuite import RecordReader
from ml_connector.store.cursors import Cursor, read_cursor
from ml_connector.sync.intake import commit_page

__all__ = ["DEFAULT_OVERLAP", "PollResult", "poll"]

DEFAULT_OVERLAP = timedelta(minutes=15)


@dataclass(frozen=True)
class PollResult:
    """What one poll of one record type found."""

    record_type: str
    read: int
    queued: int
    watermark: datetime | None


def stream_name(record_type: str) -> str:
    """The cursor stream of polling one record type."""
    return f"poll:{record_type}"


async def poll(
    engine: Engine,
    reader: RecordReader,
    connection_id: int,
    record_type: str,
    *,
    start: datetime,
    overlap: timedelta = DEFAULT_OVERLAP,
) -> PollResult:
    """Queue every change since the watermark (or ``start`` on a first poll) less the overlap."""
    stream = stream_name(record_type)
    cursor = await asyncio.to_thread(read_cursor, engine, connection_id, stream)
    mark = cursor.watermark_time if cursor and cursor.watermark_time else start
    read = queued = 0
    async for rows in reader.modified_since(record_type, mark - overlap):
        tail = rows[-1]
        newest = max(mark, tail["lastmodified"])
        moved = Cursor(newest, str(tail["id"]) if newest == tail["lastmodified"] else None)
        read += len(rows)
        queued += await asyncio.to_thread(
            commit_page,
            engine,
            connection_id,
            source="poll",
            record_type=record_type,
            rows=rows,
            stream=stream,
            cursor=moved,
        )
        mark = newest
    if not read:  # nothing changed: record that the poll ran, watermark unchanged
        await asyncio.to_thread(
            commit_page, engine, connection_id, source="poll", record_type=record_type,
            rows=[], stream=stream, cursor=Cursor(mark, cursor.watermark_id if cursor else None),
        )  # fmt: skip
    return PollResult(record_type, read, queued, mark)
