"""Reconciliation: does every NetSuite record look in Zoho the way the mapping says it should?

Each NetSuite record is mapped again (lookups through the links table) and compared with its
Zoho record, read by id: a record with no link, or whose Zoho record is gone, is *missing*; a
record whose mapped fields differ is *different*, field by field. Lookups are compared by id,
text without surrounding blanks, and an empty value equals an absent one. Only fields the
mapping writes are compared, so fields people add in Zoho are not differences.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, update

from ml_connector.mapping import MappedRecord, MappingFile, apply
from ml_connector.netsuite import RecordReader
from ml_connector.store.inbox import NewEvent, enqueue_many
from ml_connector.store.links import Link, find_links
from ml_connector.store.tables import links as links_table
from ml_connector.zoho import ZohoCRM

__all__ = ["Difference", "ReconcileReport", "compare", "queue_fixes", "reconcile"]

MAX_FIELDS = 50


@dataclass(frozen=True)
class Difference:
    """One record that does not match: missing in Zoho, or with these fields different."""

    record_type: str
    record_id: str
    kind: str  # "missing" | "different" | "orphaned" (in Zoho, no longer in NetSuite)
    fields: tuple[str, ...] = ()


@dataclass
class ReconcileReport:
    """Per record type, how many records were compared, and every difference."""

    compared: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many differences of one kind."""
        return sum(1 for d in self.differences if d.kind == kind)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get("id")
    if isinstance(value, str):
        return value.strip() or None
    return value


def compare(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of mapped fields whose values differ."""
    return tuple(
        sorted(
            name for name, value in expected.items() if _plain(value) != _plain(actual.get(name))
        )
    )


async def reconcile(
    engine: Engine,
    connection_id: int,
    *,
    reader: RecordReader,
    zoho: ZohoCRM,
    mapping: MappingFile,
    types: Sequence[str],
) -> ReconcileReport:
    """Compare every record of ``types`` with Zoho."""
    report = ReconcileReport()
    checker = _Checker(engine, connection_id, zoho, mapping)
    for record_type in types:
        report.compared[record_type] = 0
        seen: set[str] = set()
        async for rows in reader.pages(record_type):
            report.compared[record_type] += len(rows)
            seen.update(str(row["id"]) for row in rows)
            report.differences += await checker.page(record_type, rows)
        report.differences += await checker.orphans(record_type, seen)
    return report


@dataclass(frozen=True)
class _Checker:
    engine: Engine
    connection_id: int
    zoho: ZohoCRM
    mapping: MappingFile

    async def page(self, record_type: str, rows: list[dict[str, Any]]) -> list[Difference]:
        ids = [str(row["id"]) for row in rows]
        links = await self._links(record_type, ids)
        parents = await self._lookups(record_type, rows)
        expected = {
            str(row["id"]): apply(self.mapping, record_type, row, lambda t, i: parents.get((t, i)))
            for row in rows
        }
        found = await self._zoho(record_type, expected, [link.zoho_id for link in links.values()])
        differences = []
        for record_id, outcome in expected.items():
            link = links.get(record_id)
            actual = found.get(link.zoho_id) if link else None
            if actual is None:
                differences.append(Difference(record_type, record_id, "missing"))
            elif isinstance(outcome, MappedRecord) and (names := compare(outcome.payload, actual)):
                differences.append(Difference(record_type, record_id, "different", names))
        return differences

    async def orphans(self, record_type: str, seen: set[str]) -> list[Difference]:
        """Zoho records carrying a NetSuite id that NetSuite no longer has (deletions)."""
        entity = self.mapping.entity(record_type)
        found = []
        async for page in self.zoho.pages(entity.module, [entity.key]):
            for record in page:
                value = record.get(entity.key)
                if value and str(value) not in seen:
                    found.append(Difference(record_type, str(value), "orphaned"))
        return found

    async def _links(self, record_type: str, ids: Sequence[str]) -> dict[str, Link]:
        return await asyncio.to_thread(
            find_links, self.engine, self.connection_id, record_type, ids
        )

    async def _zoho(
        self, record_type: str, expected: Mapping[str, Any], zoho_ids: list[str]
    ) -> dict[str, dict[str, Any]]:
        if not zoho_ids:
            return {}
        mapped = [out for out in expected.values() if isinstance(out, MappedRecord)]
        names = sorted({name for out in mapped for name in out.payload})[:MAX_FIELDS]
        module = self.mapping.entity(record_type).module
        return {str(r["id"]): r for r in await self.zoho.get_by_ids(module, zoho_ids, names)}

    async def _lookups(
        self, record_type: str, rows: list[dict[str, Any]]
    ) -> dict[tuple[str, str], str]:
        """Zoho ids of every record these rows look up, found by mapping once without them."""
        wanted: dict[str, set[str]] = {}
        for row in rows:
            outcome = apply(self.mapping, record_type, row, lambda _t, _i: None)
            for need in getattr(outcome, "needs", ()):
                wanted.setdefault(need.ns_type, set()).add(need.ns_id)
        resolved: dict[tuple[str, str], str] = {}
        for ns_type, ids in wanted.items():
            links = await self._links(ns_type, sorted(ids))
            resolved.update({(ns_type, i): link.zoho_id for i, link in links.items()})
        return resolved


def queue_fixes(engine: Engine, connection_id: int, differences: Sequence[Difference]) -> int:
    """Queue missing and different records; their last-written hashes are forgotten first.

    Orphans are left alone: deletions are not synced, so they are reported, never removed.

    The pipeline skips a record whose mapped payload equals what it last wrote; after a person
    changed the Zoho side, that equality says nothing, so the stored hash is cleared first.
    """
    now = datetime.now(UTC)
    differences = [d for d in differences if d.kind != "orphaned"]
    events = [
        NewEvent(
            f"reconcile:{d.record_type}:{d.record_id}:{now.isoformat()}", d.record_type, d.record_id
        )
        for d in differences
    ]
    with engine.begin() as conn:
        for d in differences:
            conn.execute(
                update(links_table)
                .where(
                    (links_table.c.connection_id == connection_id)
                    & (links_table.c.ns_type == d.record_type)
                    & (links_table.c.ns_id == d.record_id)
                )
                .values(payload_hash=None)
            )
        return enqueue_many(conn, connection_id, source="reconcile", events=events, received_at=now)
