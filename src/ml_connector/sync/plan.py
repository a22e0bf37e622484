"""Deciding what to write, pure: coalesce events, map rows, order by dependency, skip unchanged.

Nothing here talks to NetSuite, Zoho or the store; the pipeline feeds it rows and links and
carries out what it decides. A record whose lookup points at a record that is written in the
same run waits for the next *wave*; parents therefore go before children and accounts and
vendors before contacts without a fixed order of types. What still waits when a wave writes
nothing is reported as unresolved rather than retried forever.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ml_connector.mapping import (
    AwaitingDependency,
    MappedRecord,
    MappingFailure,
    MappingFile,
    apply,
)
from ml_connector.store.inbox import InboxRow

__all__ = ["Key", "Wave", "coalesce", "plan_wave"]

Key = tuple[str, str]  # (NetSuite record type, internal id)


def coalesce(rows: Iterable[InboxRow]) -> dict[Key, list[InboxRow]]:
    """Events grouped by record: a burst of edits to one record is one write."""
    grouped: dict[Key, list[InboxRow]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        grouped.setdefault((row.record_type, row.record_id), []).append(row)
    return grouped


# Sources whose payload *is* the NetSuite row; a change event's payload is only the event.
ROW_SOURCES = frozenset({"poll", "backfill"})


def newest_payload(
    events: list[InboxRow], written_at: datetime | None = None
) -> dict[str, Any] | None:
    """The most recent row carried by the events (polls, backfills), if any carried one.

    A change event after the newest carried row means the row is out of date: it is read again.
    So does a write of the record at or after the row was read (``written_at``, from its link):
    a backfill row handed back by a dead worker's lease, say, is older than the change event
    written meanwhile, and writing it would put the old values back in Zoho.
    """
    newest: InboxRow | None = None
    for event in events:
        carries = event.source in ROW_SOURCES and event.payload
        newest = event if carries else None
    if newest is None or (written_at is not None and written_at >= newest.received_at):
        return None
    return newest.payload


@dataclass
class Wave:
    """One wave's decisions."""

    write: list[MappedRecord] = field(default_factory=list)
    unchanged: list[MappedRecord] = field(default_factory=list)
    failed: list[MappingFailure] = field(default_factory=list)
    waiting: list[AwaitingDependency] = field(default_factory=list)

    def missing(self, known: Iterable[Key]) -> set[Key]:
        """Dependencies neither written nor waiting to be: they must be fetched."""
        present = set(known)
        return {
            (need.ns_type, need.ns_id)
            for record in self.waiting
            for need in record.needs
            if (need.ns_type, need.ns_id) not in present
        }


def plan_wave(
    mapping: MappingFile,
    rows: Mapping[Key, Mapping[str, Any]],
    zoho_ids: Mapping[Key, str],
    written_hashes: Mapping[Key, str | None],
) -> Wave:
    """Map every row against the Zoho ids known so far and sort the outcomes."""
    wave = Wave()

    def lookups(ns_type: str, ns_id: str) -> str | None:
        return zoho_ids.get((ns_type, ns_id))

    for key, row in rows.items():
        outcome = apply(mapping, key[0], row, lookups)
        if isinstance(outcome, MappingFailure):
            wave.failed.append(outcome)
        elif isinstance(outcome, AwaitingDependency):
            wave.waiting.append(outcome)
        elif (last := written_hashes.get(key)) is not None and last == outcome.payload_hash():
            wave.unchanged.append(outcome)
        else:
            wave.write.append(outcome)
    return wave
