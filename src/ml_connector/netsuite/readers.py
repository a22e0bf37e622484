"""Readers: customers, vendors and contacts as parsed rows, by id, by key, or by change time.

A burst of change events costs few calls: ids are fetched a thousand at a time with one
``WHERE id IN (…)`` query each. Whole-table reads page by id (no 100,000-row cap), and change
reads page by (last-modified time, id), so a page boundary inside one second loses nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from ml_connector.netsuite.queries import BOOLEANS, DATETIMES, MAX_IN, RecordQuery, record_query
from ml_connector.netsuite.suiteql import MAX_PAGE, SuiteQL
from ml_connector.netsuite.values import SQL_DATETIME, parse_row, to_account_time

__all__ = ["RecordReader", "Row"]

Row = dict[str, Any]


class RecordReader:
    """Reads the record types we sync through one SuiteQL client."""

    def __init__(
        self,
        suiteql: SuiteQL,
        *,
        custom_fields: Mapping[str, Sequence[str]] | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        self._suiteql = suiteql
        self._custom = dict(custom_fields or {})
        self._zone = zone

    def query(self, record_type: str) -> RecordQuery:
        """The query for a record type, with the custom fields configured for it."""
        return record_query(record_type, self._custom.get(record_type, ()))

    def _parse(self, items: list[dict[str, Any]]) -> list[Row]:
        return [
            parse_row(item, booleans=BOOLEANS, datetimes=DATETIMES, zone=self._zone)
            for item in items
        ]

    async def count(self, record_type: str, since: datetime | None = None) -> int:
        """How many records of a type there are (changed since ``since``), for progress bars."""
        table = self.query(record_type).record_type
        if since is None:
            page = await self._suiteql.page(f"SELECT COUNT(*) AS n FROM {table}")  # noqa: S608
        else:
            stamp = to_account_time(since, self._zone)
            page = await self._suiteql.page(
                f"SELECT COUNT(*) AS n FROM {table} "  # noqa: S608 - a checked record type
                f"WHERE lastmodifieddate >= TO_DATE(?, '{SQL_DATETIME}')",
                [stamp],
            )
        first = {str(k).lower(): v for k, v in page.items[0].items()} if page.items else {}
        return int(first.get("n", 0))

    async def by_ids(self, record_type: str, ids: Sequence[str]) -> list[Row]:
        """The rows with these ids (missing ids are simply absent), in chunks of 1000."""
        unique = sorted(set(ids), key=lambda i: (len(i), i))
        chunks = [unique[n : n + MAX_IN] for n in range(0, len(unique), MAX_IN)]
        query = self.query(record_type)
        pages = await asyncio.gather(*(self._suiteql.page(*query.by_ids(c)) for c in chunks))
        return [row for page in pages for row in self._parse(page.items)]

    def hierarchical(self, record_type: str) -> bool:
        """Whether records of this type may have a parent of the same type."""
        return self.query(record_type).hierarchical

    async def pages(
        self,
        record_type: str,
        *,
        after: str | None = None,
        upto: str | None = None,
        roots: bool | None = None,
    ) -> AsyncIterator[list[Row]]:
        """Every row (with an id in ``(after, upto]``), a page at a time, by id.

        ``roots`` True reads only records without a parent, False only those with one.
        """
        query = self.query(record_type)
        pages = self._suiteql.keyset(
            lambda last: query.after_id(last, upto, roots=roots), start=after
        )
        async for items in pages:
            yield self._parse(items)

    async def id_range(self, record_type: str) -> tuple[int, int] | None:
        """The lowest and highest internal id of a type, or None when it has no records."""
        table = self.query(record_type).record_type
        query = f"SELECT MIN(id) AS lo, MAX(id) AS hi FROM {table}"  # noqa: S608 - checked type
        page = await self._suiteql.page(query)
        first = {str(k).lower(): v for k, v in page.items[0].items()} if page.items else {}
        if first.get("lo") is None:
            return None
        return int(first["lo"]), int(first["hi"])

    async def modified_since(
        self, record_type: str, moment: datetime, *, after_id: str | None = None
    ) -> AsyncIterator[list[Row]]:
        """Rows changed at or after ``moment``, by (change time, id), a page at a time."""
        query = self.query(record_type)
        stamp, last_id = to_account_time(moment, self._zone), after_id
        while True:
            page = await self._suiteql.page(*query.modified_since(stamp, last_id))
            rows = self._parse(page.items)
            if rows:
                yield rows
            if not page.has_more or len(page.items) < MAX_PAGE:
                return
            tail = {str(k).lower(): v for k, v in page.items[-1].items()}
            stamp, last_id = str(tail["lastmodified"]), str(tail["id"])
