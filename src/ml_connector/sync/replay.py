"""Replay: send the stored payloads of failed writes again, without reading NetSuite.

The audit trail keeps the transformed payload of every attempt; a record whose latest attempt
failed at Zoho (a 429 storm that outlasted the retries, a picklist value fixed since) is
re-sent exactly as it was mapped. Records that failed before a payload existed (mapping errors)
cannot be replayed: they need the NetSuite row again, and a poll or backfill brings it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from ml_connector.mapping import MappedRecord, MappingFile
from ml_connector.store.audit import (
    FAILED,
    WRITTEN,
    AuditEntry,
    AuditRow,
    latest_failures,
    record_audit,
)
from ml_connector.store.links import Link, save_links
from ml_connector.store.runs import finish_run, start_run
from ml_connector.sync.pipeline import ZohoWriter

__all__ = ["ReplayReport", "replay"]


@dataclass(frozen=True)
class ReplayReport:
    """What one replay did."""

    replayed: int
    written: int
    failed: int
    not_replayable: int


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
    entries, links = await _resend(zoho, records, now)
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


async def _resend(
    zoho: ZohoWriter, records: list[tuple[MappedRecord, int]], now: datetime
) -> tuple[list[AuditEntry], list[Link]]:
    groups: dict[tuple[str, str], list[tuple[MappedRecord, int]]] = {}
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
