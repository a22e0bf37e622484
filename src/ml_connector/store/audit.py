"""The audit trail: one row per record per attempt, with the payload actually sent.

It answers "what happened to customer 107" for a person, and it is what ``replay`` re-sends:
a failed row holds the transformed payload, so a replay needs nothing from NetSuite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from ml_connector.store.tables import audit

__all__ = [
    "FAILED",
    "OUTCOMES",
    "SKIPPED",
    "UNCHANGED",
    "WRITTEN",
    "AuditEntry",
    "AuditRow",
    "audit_row",
    "latest_failures",
    "record_audit",
    "search_audit",
]

WRITTEN, UNCHANGED, FAILED, SKIPPED = "written", "unchanged", "failed", "skipped"
OUTCOMES = (WRITTEN, UNCHANGED, FAILED, SKIPPED)


@dataclass(frozen=True)
class AuditEntry:
    """What happened to one record in one attempt."""

    source_type: str
    source_id: str
    outcome: str
    zoho_module: str | None = None
    zoho_id: str | None = None
    mapping_version: str | None = None
    payload: dict[str, Any] | None = None
    code: str | None = None
    message: str | None = None
    attempts: int = 1
    replay_of: int | None = None


@dataclass(frozen=True)
class AuditRow(AuditEntry):
    """An audit entry as stored."""

    id: int = 0
    run_id: int | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready values (the time in ISO 8601), as the CLI prints and the admin API serves."""
        created = self.created_at.isoformat() if self.created_at else None
        return {**asdict(self), "created_at": created}


def record_audit(
    conn: Connection,
    connection_id: int,
    entries: Sequence[AuditEntry],
    *,
    run_id: int | None,
    now: datetime,
) -> None:
    """Append entries inside the caller's transaction."""
    if entries:
        rows = [
            {"connection_id": connection_id, "run_id": run_id, "created_at": now, **e.__dict__}
            for e in entries
        ]
        conn.execute(insert(audit), rows)


def _entry(row: Any) -> AuditRow:
    names = set(AuditRow.__dataclass_fields__) - {"extra"}
    return AuditRow(**{name: getattr(row, name) for name in names})


def search_audit(
    engine: Engine,
    connection_id: int,
    *,
    outcome: str | None = None,
    source_type: str | None = None,
    source_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """The newest audit rows of a connection, narrowed by outcome, record and time."""
    query = select(audit).where(audit.c.connection_id == connection_id)
    for column, value in (
        (audit.c.outcome, outcome),
        (audit.c.source_type, source_type),
        (audit.c.source_id, source_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(audit.c.created_at >= since)
    if until is not None:
        query = query.where(audit.c.created_at < until)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(audit.c.id.desc()).limit(limit)).all()
    return [_entry(row) for row in rows]


def audit_row(engine: Engine, connection_id: int, row_id: int) -> AuditRow | None:
    """One audit row of a connection, by id."""
    query = select(audit).where((audit.c.connection_id == connection_id) & (audit.c.id == row_id))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else _entry(row)


def latest_failures(
    engine: Engine,
    connection_id: int,
    limit: int = 1000,
    *,
    record: tuple[str, str] | None = None,
    since: datetime | None = None,
) -> list[AuditRow]:
    """Records whose most recent attempt failed (one record, or failed since): to replay."""
    scope = (audit.c.connection_id == connection_id) & (audit.c.outcome != SKIPPED)
    if record is not None:
        scope &= (audit.c.source_type == record[0]) & (audit.c.source_id == record[1])
    newest = (
        select(func.max(audit.c.id)).where(scope).group_by(audit.c.source_type, audit.c.source_id)
    )
    if since is not None:
        newest = newest.having(func.max(audit.c.created_at) >= since)
    query = (
        select(audit)
        .where(audit.c.id.in_(newest.scalar_subquery()) & (audit.c.outcome == FAILED))
        .order_by(audit.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [_entry(row) for row in conn.execute(query).all()]
