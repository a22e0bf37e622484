"""Zoho callbacks in the drain: people's edits re-asserted or reported, our own echoes ignored.

A callback only says "these records changed". Each record is fetched and compared with the
payload we last wrote to it, field by field (:func:`ml_connector.mapping.zoho_edits`):

* no difference: the callback is the echo of one of our writes (or an edit of a field we do
  not write) and nothing happens. Our re-assertion's own callback ends here too, which is what
  keeps the two systems from writing back and forth;
* a NetSuite-owned field differs: those fields are written back once, keyed on the NetSuite id
  field (audit ``written`` with code ``REASSERTED``). Once means once per record, field and
  value since the last full write: should the field be edited away again (a Zoho workflow
  that reverts our re-assertion, say), it is reported as drift instead, so the two systems
  never write the same field back and forth;
* a shared field differs: it is reported (audit ``skipped``, code ``DRIFT``), never written;
* the key field differs: nothing is written (``KEY_EDITED``), since an upsert keyed on the id
  we wrote would create a second record rather than repair this one.

The baseline is the payload of the newest full write in the audit trail (``written`` with no
code), i.e. exactly what Zoho was sent, rather than a fresh mapping of the NetSuite record:
re-mapping would cost a NetSuite read per callback and would take a NetSuite change that is
not synced yet for an edit made in Zoho. Records we never wrote (no link) are not ours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Engine, select

from ml_connector.mapping import EntityMapping, MappingFile, ZohoEdit, reassertion, zoho_edits
from ml_connector.store.audit import FAILED, SKIPPED, WRITTEN, AuditEntry
from ml_connector.store.inbox import InboxRow
from ml_connector.store.links import Link, link_for_zoho
from ml_connector.store.tables import audit
from ml_connector.zoho.channels import CALLBACK_SOURCE

__all__ = ["CALLBACK_SOURCE", "DRIFT", "REASSERTED", "EditableZoho", "settle_edits"]

DRIFT, REASSERTED = "DRIFT", "REASSERTED"
MAX_FIELDS = 50


class _Result(Protocol):
    @property
    def ok(self) -> bool: ...
    @property
    def code(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...


@runtime_checkable
class EditableZoho(Protocol):
    """What settling edits needs of the Zoho client: reads by id and upserts."""

    async def get_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]: ...

    async def upsert(
        self,
        module: str,
        records: Sequence[Mapping[str, Any]],
        *,
        duplicate_check_fields: Sequence[str],
    ) -> Sequence[_Result]: ...


@dataclass(frozen=True)
class _Context:
    engine: Engine
    connection_id: int
    zoho: EditableZoho
    mapping: MappingFile
    in_flight: Callable[[str, str], bool]


async def settle_edits(
    engine: Engine,
    connection_id: int,
    zoho: object,
    mapping: MappingFile,
    rows: list[InboxRow],
    *,
    in_flight: Callable[[str, str], bool] = lambda _type, _id: False,
) -> list[AuditEntry]:
    """Handle a batch's callback rows; the audit entries of what was re-asserted or reported.

    A record ``in_flight(type, id)`` is being written by a batch not yet committed: Zoho may
    already hold that write while the audit trail still holds the one before, so comparing
    would take our own write for a person's edit and put the old values back. That write
    carries NetSuite's values into the fields it owns anyway, so the callback is let go.
    """
    if not isinstance(zoho, EditableZoho):
        raise TypeError("settling Zoho edits needs a client that reads records by id")
    context = _Context(engine, connection_id, zoho, mapping, in_flight)
    entries: list[AuditEntry] = []
    for module, ids in _by_module(rows).items():
        entity = _entity(mapping, module)
        if entity is not None:
            entries += await _settle_module(context, module, entity, ids)
    return entries


def _by_module(rows: list[InboxRow]) -> dict[str, list[str]]:
    """Zoho ids per module, each once however many callbacks named it."""
    grouped: dict[str, dict[str, None]] = {}
    for row in rows:
        module = str((row.payload or {}).get("module", ""))
        grouped.setdefault(module, {})[row.record_id] = None
    return {module: list(ids) for module, ids in grouped.items()}


def _entity(mapping: MappingFile, module: str) -> EntityMapping | None:
    found = [mapping.entity(t) for t in mapping.source_types()]
    return next((entity for entity in found if entity.module == module), None)


async def _settle_module(
    context: _Context, module: str, entity: EntityMapping, ids: list[str]
) -> list[AuditEntry]:
    fields = [entity.key, *entity.fields][:MAX_FIELDS]
    found = {str(r.get("id")): r for r in await context.zoho.get_by_ids(module, ids, fields)}
    entries: list[AuditEntry] = []
    writes: list[tuple[Link, dict[str, Any]]] = []
    for zoho_id in ids:
        link = await asyncio.to_thread(
            link_for_zoho, context.engine, context.connection_id, module, zoho_id
        )
        if link is None:
            entries.append(_skipped(module, zoho_id, "NOT_OURS", "not written by this sync"))
            continue
        if context.in_flight(link.ns_type, link.ns_id):
            continue
        entries += await _compare(context, entity, link, found.get(zoho_id), writes)
    return entries + await _reassert(context, entity, writes)


async def _compare(
    context: _Context,
    entity: EntityMapping,
    link: Link,
    record: Mapping[str, Any] | None,
    writes: list[tuple[Link, dict[str, Any]]],
) -> list[AuditEntry]:
    """The drift entry of one record, if any; NetSuite-owned changes are added to ``writes``."""
    if record is None:
        return [
            _entry(
                link,
                SKIPPED,
                "NOT_IN_ZOHO",
                "deleted in Zoho; a write recreates it",
                version=context.mapping.version,
            )
        ]
    baseline = await asyncio.to_thread(_last_payload, context, link)
    if baseline is None:
        return [
            _entry(
                link,
                SKIPPED,
                "NO_BASELINE",
                "no full write on record to compare with",
                version=context.mapping.version,
            )
        ]
    edits = zoho_edits(entity, baseline[1], record)
    if any(edit.field == entity.key for edit in edits):
        # An upsert keyed on the old id would create a second record instead of fixing this one.
        return [
            _entry(
                link,
                SKIPPED,
                "KEY_EDITED",
                f"{entity.key} was changed in Zoho",
                version=context.mapping.version,
            )
        ]
    done = await asyncio.to_thread(_reasserted_since, context, link, baseline[0])
    again = [e for e in edits if e.owned and _same_value_in(done, e.field, e.written)]
    if owned := reassertion([edit for edit in edits if edit not in again]):
        writes.append((link, {entity.key: link.ns_id, **owned}))
    shared = [edit for edit in edits if not edit.owned or edit in again]
    return [_drift(link, shared, context.mapping.version)] if shared else []


def _same_value_in(done: list[dict[str, Any]], name: str, value: Any) -> bool:
    return any(name in payload and payload[name] == value for payload in done)


def _reasserted_since(context: _Context, link: Link, after: int) -> list[dict[str, Any]]:
    """The payloads re-asserted into the record since the full write numbered ``after``."""
    query = select(audit.c.payload).where(
        (audit.c.connection_id == context.connection_id)
        & (audit.c.source_type == link.ns_type)
        & (audit.c.source_id == link.ns_id)
        & (audit.c.code == REASSERTED)
        & (audit.c.id > after)
    )
    with context.engine.connect() as conn:
        payloads = conn.execute(query).scalars().all()
    return [dict(p) for p in payloads if isinstance(p, dict)]


def _last_payload(context: _Context, link: Link) -> tuple[int, dict[str, Any]] | None:
    """The audit id and payload of the newest full write of the record (a re-assertion has a
    code)."""
    query = (
        select(audit.c.id, audit.c.payload)
        .where(
            (audit.c.connection_id == context.connection_id)
            & (audit.c.source_type == link.ns_type)
            & (audit.c.source_id == link.ns_id)
            & (audit.c.outcome == WRITTEN)
            & audit.c.code.is_(None)
        )
        .order_by(audit.c.id.desc())
        .limit(1)
    )
    with context.engine.connect() as conn:
        row = conn.execute(query).first()
    return (row.id, dict(row.payload)) if row and isinstance(row.payload, dict) else None


async def _reassert(
    context: _Context, entity: EntityMapping, writes: list[tuple[Link, dict[str, Any]]]
) -> list[AuditEntry]:
    """Write NetSuite's values back into the fields it owns, once per edit."""
    if not writes:
        return []
    results = await context.zoho.upsert(
        entity.module, [payload for _, payload in writes], duplicate_check_fields=[entity.key]
    )
    entries = []
    for (link, payload), result in zip(writes, results, strict=True):
        fields = ", ".join(sorted(set(payload) - {entity.key}))
        if result.ok:
            entries.append(
                _entry(
                    link,
                    WRITTEN,
                    REASSERTED,
                    f"edited in Zoho: {fields}",
                    payload,
                    version=context.mapping.version,
                )
            )
        else:
            entries.append(
                _entry(
                    link,
                    FAILED,
                    result.code,
                    result.message,
                    payload,
                    version=context.mapping.version,
                )
            )
    return entries


def _drift(link: Link, shared: list[ZohoEdit], version: str) -> AuditEntry:
    fields = ", ".join(edit.field for edit in shared)
    found = {edit.field: {"written": edit.written, "found": edit.found} for edit in shared}
    why = "edited again after one re-assertion" if any(e.owned for e in shared) else "shared"
    message = f"fields edited in Zoho ({why}): {fields}"
    return _entry(link, SKIPPED, DRIFT, message, found, version=version)


def _entry(
    link: Link,
    outcome: str,
    code: str | None,
    message: str | None,
    payload: dict[str, Any] | None = None,
    *,
    version: str,
) -> AuditEntry:
    return AuditEntry(
        link.ns_type, link.ns_id, outcome, link.zoho_module, link.zoho_id,
        mapping_version=version, payload=payload, code=code, message=message,
    )  # fmt: skip


def _skipped(module: str, zoho_id: str, code: str, message: str) -> AuditEntry:
    """A record that is not ours: named by its Zoho id only (it has no NetSuite id)."""
    return AuditEntry("", "", SKIPPED, module, zoho_id, code=code, message=message)
