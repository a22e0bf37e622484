"""Replay: send the stored payloads of failed writes again, without reading NetSuite.

The audit trail keeps the transformed payload of every attempt; a record whose latest attempt
failed at Zoho (a 429 storm that outlasted the retries, a picklist value fixed since) is
re-sent exactly as it was mapped. A record that waited for a lookup that never reached Zoho
(its parent failed) was journalled with that lookup as a placeholder; replay fills it from the
links as soon as the parent is in Zoho, whether an earlier run or this replay put it there, so
parents replayed together with their children go first. Records that failed before a payload
existed (mapping errors) cannot be replayed: they need the NetSuite row again, and a poll or
backfill brings it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from ml_connector.auth.session import SessionOptions
from ml_connector.mapping import MappedRecord, MappingFile, awaited
from ml_connector.store.audit import (
    FAILED,
    WRITTEN,
    AuditEntry,
    AuditRow,
    latest_failures,
    record_audit,
)
from ml_connector.store.keyring import Keyring
from ml_connector.store.links import Link, find_links, save_links
from ml_connector.store.runs import finish_run, start_run
from ml_connector.sync.pipeline import ZohoWriter
from ml_connector.sync.services import open_services

__all__ = ["ReplayReport", "replay", "replay_connection"]


@dataclass(frozen=True)
class ReplayReport:
    """What one replay did."""

    replayed: int
    written: int
    failed: int
    not_replayable: int

    def as_json(self) -> dict[str, Any]:
        """JSON-ready values, as ``replay --json`` prints and the admin API serves."""
        return asdict(self)


def _record(row: AuditRow, mapping: MappingFile) -> MappedRecord | None:
    if not row.payload or not row.zoho_module:
        return None
    key = mapping.entity(row.source_type).key
    return MappedRecord(
        row.source_type, row.source_id, row.zoho_module, key, row.payload,
        row.mapping_version or mapping.version,
    )  # fmt: skip


async def replay(
    engine: Engine,
    connection_id: int,
    zoho: ZohoWriter,
    mapping: MappingFile,
    *,
    limit: int = 1000,
    record: tuple[str, str] | None = None,
    since: datetime | None = None,
    clock: Callable[[], float] = time.time,
) -> ReplayReport:
    """Re-send the latest failed attempts' payloads; journal every outcome, linked back."""
    failures = await asyncio.to_thread(
        latest_failures, engine, connection_id, limit, record=record, since=since
    )
    records = [(r, row.id) for row in failures if (r := _record(row, mapping)) is not None]
    now = datetime.fromtimestamp(clock(), UTC)
    entries, links = await _resend(engine, connection_id, zoho, records, now)
    run_id = await asyncio.to_thread(start_run, engine, connection_id, "replay", now)
    with engine.begin() as conn:
        save_links(conn, connection_id, links)
        record_audit(conn, connection_id, entries, run_id=run_id, now=now)
    written = sum(1 for entry in entries if entry.outcome == WRITTEN)
    report = ReplayReport(
        len(records), written, len(entries) - written, len(failures) - len(records)
    )
    await asyncio.to_thread(finish_run, engine, run_id, now=now, counts=report.__dict__)
    return report


async def replay_connection(
    engine: Engine,
    keyring: Keyring,
    name: str,
    mapping: MappingFile,
    *,
    options: SessionOptions | None = None,
    record: tuple[str, str] | None = None,
    since: datetime | None = None,
    clock: Callable[[], float] = time.time,
) -> ReplayReport:
    """Open connection ``name``'s Zoho side and replay its failures (all, one record, or since).

    The one way the CLI, the dashboard and the admin API start a replay.
    """
    async with open_services(engine, keyring, name, mapping=mapping, options=options) as services:
        return await replay(
            engine, services.connection_id, services.zoho, mapping,
            record=record, since=since, clock=clock,
        )  # fmt: skip


Key = tuple[str, str]
Replayed = tuple[MappedRecord, int]  # the record and the audit row it replays


async def _resend(
    engine: Engine, connection_id: int, zoho: ZohoWriter, records: list[Replayed], now: datetime
) -> tuple[list[AuditEntry], list[Link]]:
    """Send in waves: what every lookup of is known, then what that made known, and so on."""
    entries: list[AuditEntry] = []
    links: list[Link] = []
    known: dict[Key, str] = {}
    waiting = records
    while waiting:
        await _learn(engine, connection_id, waiting, known)
        ready: list[Replayed] = []
        still: list[Replayed] = []
        for record, original in waiting:
            completed = _completed(record, known)
            if completed is None:
                still.append((record, original))
            else:
                ready.append((completed, original))
        if not ready:
            break
        sent, written = await _send(zoho, ready, now)
        entries += sent
        links += written
        known.update({(link.ns_type, link.ns_id): link.zoho_id for link in written})
        waiting = still
    entries += [_still_waiting(record, original) for record, original in waiting]
    return entries, links


def _refs(record: MappedRecord) -> list[Key]:
    return [ref for value in record.payload.values() if (ref := awaited(value)) is not None]


async def _learn(
    engine: Engine, connection_id: int, records: list[Replayed], known: dict[Key, str]
) -> None:
    """Add the Zoho ids of awaited records that are linked by now."""
    wanted: dict[str, set[str]] = {}
    for record, _original in records:
        for ns_type, ns_id in _refs(record):
            if (ns_type, ns_id) not in known:
                wanted.setdefault(ns_type, set()).add(ns_id)
    for ns_type, ids in wanted.items():
        found = await asyncio.to_thread(find_links, engine, connection_id, ns_type, ids)
        known.update({(ns_type, ns_id): link.zoho_id for ns_id, link in found.items()})


def _completed(record: MappedRecord, known: dict[Key, str]) -> MappedRecord | None:
    """The record with every placeholder resolved, or None while one is still unknown."""
    payload = dict(record.payload)
    for name, value in record.payload.items():
        ref = awaited(value)
        if ref is None:
            continue
        if ref not in known:
            return None
        payload[name] = {"id": known[ref]}
    return replace(record, payload=payload)


def _still_waiting(record: MappedRecord, original: int) -> AuditEntry:
    detail = ", ".join(f"{t} {i}" for t, i in _refs(record))
    return AuditEntry(
        record.source_type, record.source_id, FAILED, record.module, None, record.version,
        record.payload, "DEPENDENCY_UNRESOLVED",
        f"still waits for records that are not in Zoho: {detail}", replay_of=original,
    )  # fmt: skip


async def _send(
    zoho: ZohoWriter, records: list[Replayed], now: datetime
) -> tuple[list[AuditEntry], list[Link]]:
    groups: dict[tuple[str, str], list[Replayed]] = {}
    for record, original in records:
        groups.setdefault((record.module, record.key_field), []).append((record, original))
    entries: list[AuditEntry] = []
    links: list[Link] = []
    for (module, key), group in groups.items():
        payloads = [record.payload for record, _original in group]
        results = await zoho.upsert(module, payloads, duplicate_check_fields=[key])
        for (record, original), result in zip(group, results, strict=True):
            ok = result.ok and result.record_id is not None
            if ok and result.record_id:
                digest = record.payload_hash()
                links.append(
                    Link(
                        record.source_type, record.source_id, module, result.record_id, digest, now
                    )
                )
            entries.append(
                AuditEntry(
                    record.source_type, record.source_id, WRITTEN if ok else FAILED, module,
                    result.record_id, record.version, record.payload,
                    None if ok else result.code, None if ok else result.message,
                    replay_of=original,
                )
            )  # fmt: skip
    return entries, links
