"""A connection's audit trail as an operator asks for it: filters typed as text, rows found.

``ml-connector audit`` and the admin API take the same filters and return the same rows, so
both parse and look them up here; only the name an error gives a filter differs (``--since``
on the command line, ``since`` in a query string).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from ml_connector.connections.values import parse_moment, parse_record
from ml_connector.errors import ConfigError, NotFoundError
from ml_connector.store.audit import OUTCOMES, AuditRow, audit_row, search_audit
from ml_connector.store.connections import get_connection

__all__ = ["AuditFilter", "audit_entry", "audit_trail"]


@dataclass(frozen=True)
class AuditFilter:
    """Which audit rows to show: the newest ``limit`` that match every filter given."""

    outcome: str | None = None
    record: tuple[str, str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50

    @classmethod
    def parse(
        cls,
        *,
        outcome: str | None = None,
        record: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        prefix: str = "--",
    ) -> AuditFilter:
        """The filters as typed; errors name each one with ``prefix`` (``--since``, ``since``)."""
        if outcome is not None and outcome not in OUTCOMES:
            raise ConfigError(
                f"{prefix}outcome {outcome!r} is not an outcome",
                hint=f"choose from {', '.join(OUTCOMES)}",
            )
        return cls(
            outcome=outcome,
            record=parse_record(record, f"{prefix}record"),
            since=parse_moment(since, f"{prefix}since"),
            until=parse_moment(until, f"{prefix}until"),
            limit=limit,
        )


def audit_trail(engine: Engine, name: str, chosen: AuditFilter) -> list[AuditRow]:
    """The newest rows of connection ``name`` that match ``chosen``, newest first."""
    record_type, record_id = chosen.record or (None, None)
    return search_audit(
        engine, get_connection(engine, name).id, outcome=chosen.outcome,
        source_type=record_type, source_id=record_id,
        since=chosen.since, until=chosen.until, limit=chosen.limit,
    )  # fmt: skip


def audit_entry(engine: Engine, name: str, row_id: int) -> AuditRow:
    """One audit row of connection ``name``; another connection's row is not found here."""
    found = audit_row(engine, get_connection(engine, name).id, row_id)
    if found is None:
        raise NotFoundError("audit row", str(row_id), hint=f"search them with `audit list {name}`")
    return found
