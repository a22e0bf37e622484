"""Backfill: every record of a type into the inbox, in parallel id ranges, resumable.

Paging by key is sequential (each page starts after the last id of the one before), so one
reader waits out every page's latency in turn. The id space is therefore split into ranges,
read side by side as far as the account's concurrency limit allows, the way Oracle suggests
batching big reads by id range. The split is decided once and stored, so a resumed run reads the
same ranges; the last range is open-ended and takes records created since.

Each range's pages are committed together with that range's cursor, so Ctrl-C or a crash loses
at most the pages in flight, and a new run carries on after each range's last committed page.
Memory stays flat: one page per range at a time, whatever the table size. With ``since``, only
records changed since then are read, by (modified time, id), in one sequence. A hierarchical
type (customers) is read in two passes, records without a parent first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from ml_connector.netsuite import RecordReader, Row
from ml_connector.store.cursors import Cursor, read_cursor, write_cursor
from ml_connector.sync.intake import commit_page

__all__ = ["READ_ORDER", "BackfillResult", "backfill", "backfill_types", "plan_ranges"]

Progress = Callable[[int], None]
# Types in one group are read side by side; a later group refers to records of the earlier
# ones (a contact to its company), so it is read once they are queued.
READ_ORDER = (("customer", "vendor"), ("contact",))
# how long a stopping range waits for the page it was reading ahead
ABANDON_AFTER_SECONDS = 30.0
Range = tuple[int, int | None]


@dataclass(frozen=True)
class BackfillResult:
    """What one backfill run of one record type did."""

    record_type: str
    read: int
    queued: int
    resumed: bool
    finished_at: datetime


def plan_ranges(low: int, high: int, parts: int) -> list[Range]:
    """``parts`` id ranges covering ``low..high``, the last one open-ended."""
    step = max(1, -(-(high - low + 1) // parts))
    starts = list(range(low, high + 1, step))
    return [(start, start + step - 1) for start in starts[:-1]] + [(starts[-1], None)]


def _plan_stream(record_type: str) -> str:
    return f"backfill:{record_type}"


def _range_stream(record_type: str, span: Range, roots: bool | None = None) -> str:
    level = {None: "", True: "roots:", False: "children:"}[roots]
    return f"backfill:{record_type}:{level}{span[0]}-{'end' if span[1] is None else span[1]}"


async def _plan(
    engine: Engine, reader: RecordReader, connection_id: int, record_type: str, parts: int
) -> list[Range]:
    stream = _plan_stream(record_type)
    stored = await asyncio.to_thread(read_cursor, engine, connection_id, stream)
    if stored is not None and stored.backfill_position:
        return [(lo, hi) for lo, hi in json.loads(stored.backfill_position)]
    bounds = await reader.id_range(record_type)
    ranges: list[Range] = plan_ranges(*bounds, parts) if bounds else [(0, None)]
    await asyncio.to_thread(_store_plan, engine, connection_id, stream, ranges)
    return ranges


def _store_plan(engine: Engine, connection_id: int, stream: str, ranges: list[Range]) -> None:
    with engine.begin() as conn:
        write_cursor(conn, connection_id, stream, Cursor(backfill_position=json.dumps(ranges)))


@dataclass
class _Run:
    """Counts shared by the ranges of one run."""

    engine: Engine
    connection_id: int
    record_type: str
    progress: Progress | None
    read: int = 0
    queued: int = 0
    resumed: bool = False

    async def drain(self, pages: AsyncIterator[list[Row]], stream: str, since: bool) -> None:
        """Commit each page with its cursor while the next page is being read."""
        upcoming = asyncio.ensure_future(_next_page(pages))
        try:
            # shielded: a range cancelled while it waits must not cut the read short (below)
            while (rows := await asyncio.shield(upcoming)) is not None:
                upcoming = asyncio.ensure_future(_next_page(pages))
                await self._commit(rows, stream, since)
        finally:
            # A read abandoned mid-flight would go on holding one of the account's concurrency
            # slots in NetSuite, which other integrations share: let it finish, for a while.
            try:
                await asyncio.wait({upcoming}, timeout=ABANDON_AFTER_SECONDS)
            finally:
                upcoming.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await upcoming  # a read cut short by another failure is not this one's news

    async def _commit(self, rows: list[Row], stream: str, since: bool) -> None:
        if not rows:
            return
        tail = rows[-1]
        done = Cursor(tail["lastmodified"] if since else None, None, str(tail["id"]))
        commit = asyncio.ensure_future(asyncio.to_thread(
            commit_page, self.engine, self.connection_id, source="backfill",
            record_type=self.record_type, rows=rows, stream=stream, cursor=done,
        ))  # fmt: skip
        try:
            added = await asyncio.shield(commit)
        except asyncio.CancelledError:
            await commit  # a page being committed lands before the range stops
            raise
        # add after the await: ``x += await …`` would read x before other ranges add to it
        self.read += len(rows)
        self.queued += added
        if self.progress is not None:
            self.progress(len(rows))

    async def position(self, stream: str) -> Cursor:
        cursor = await asyncio.to_thread(read_cursor, self.engine, self.connection_id, stream)
        self.resumed = self.resumed or cursor is not None
        return cursor or Cursor()


async def backfill(
    engine: Engine,
    reader: RecordReader,
    connection_id: int,
    record_type: str,
    *,
    since: datetime | None = None,
    progress: Progress | None = None,
    parts: int = 4,
) -> BackfillResult:
    """Queue every record of ``record_type`` (changed since ``since``), resuming if cut short."""
    run = _Run(engine, connection_id, record_type, progress)
    if since is not None:
        stream = f"backfill:{record_type}:since={since.isoformat()}"
        cursor = await run.position(stream)
        start = cursor.watermark_time or since
        pages = reader.modified_since(record_type, start, after_id=cursor.backfill_position)
        await run.drain(pages, stream, since=True)
    else:
        ranges = await _plan(engine, reader, connection_id, record_type, parts)
        # Parents first: the records with no parent, then the rest, so a batch rarely holds a
        # child of a record not yet in Zoho and most batches are written in one wave.
        levels = (True, False) if reader.hierarchical(record_type) else (None,)
        for roots in levels:
            await _all_or_stop(*(_read_range(run, reader, span, roots) for span in ranges))
    return BackfillResult(record_type, run.read, run.queued, run.resumed, datetime.now(UTC))


async def backfill_types(
    engine: Engine,
    reader: RecordReader,
    connection_id: int,
    types: Sequence[str],
    *,
    since: datetime | None = None,
    progress: Callable[[str], Progress | None] | None = None,
    parts: int = 4,
) -> list[BackfillResult]:
    """:func:`backfill` for several types, independent ones side by side (see ``READ_ORDER``).

    ``progress(record_type)`` gives each type's page callback. Results come in ``types``' order.
    """
    unknown = [t for t in types if not any(t in group for group in READ_ORDER)]
    groups = [*(tuple(t for t in group if t in types) for group in READ_ORDER), tuple(unknown)]
    results: dict[str, BackfillResult] = {}

    def read(record_type: str) -> Coroutine[Any, Any, BackfillResult]:
        callback = progress(record_type) if progress else None
        return backfill(
            engine, reader, connection_id, record_type, since=since, progress=callback, parts=parts
        )

    for group in filter(None, groups):
        try:
            async with asyncio.TaskGroup() as running:
                tasks = {t: running.create_task(read(t)) for t in group}
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None  # one failure, as the CLI reports it
        results |= {record_type: task.result() for record_type, task in tasks.items()}
    return [results[record_type] for record_type in types]


async def _next_page(pages: AsyncIterator[list[Row]]) -> list[Row] | None:
    return await anext(pages, None)


async def _all_or_stop(*ranges: Coroutine[Any, Any, None]) -> None:
    """Run the ranges side by side; the first failure stops the others and is raised as is."""
    try:
        async with asyncio.TaskGroup() as group:
            for reading in ranges:
                group.create_task(reading)
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None


async def _read_range(run: _Run, reader: RecordReader, span: Range, roots: bool | None) -> None:
    stream = _range_stream(run.record_type, span, roots)
    cursor = await run.position(stream)
    after = cursor.backfill_position or str(span[0] - 1)
    upto = None if span[1] is None else str(span[1])
    pages = reader.pages(run.record_type, after=after, upto=upto, roots=roots)
    await run.drain(pages, stream, since=False)
