"""``status``: how each connection is doing, read from the store alone (no remote calls).

Health, when its tokens expire, when its Zoho channels expire, how far behind polling is,
how much work waits in the inbox, and how many writes failed in the last hour. A refresh token
that lapses soon (NetSuite's authorization-code grant lasts seven days and cannot be extended) is
flagged under ``reauthorize_by`` while there is still time to grant access again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from ml_connector.errors import NotFoundError
from ml_connector.store.connections import ConnectionRow, list_connections
from ml_connector.store.tables import audit, channels, cursors, inbox, tokens

__all__ = ["REAUTHORIZE_WARNING", "ConnectionStatus", "connection_status"]

REAUTHORIZE_WARNING = timedelta(hours=48)


@dataclass(frozen=True)
class ConnectionStatus:
    """One connection's health, as an operator reads it."""

    name: str
    status: str
    token_expiry: dict[str, str | None] = field(default_factory=dict)
    # per system, when its refresh token lapses, if that is within REAUTHORIZE_WARNING (or past)
    reauthorize_by: dict[str, str] = field(default_factory=dict)
    channel_expiry: list[str] = field(default_factory=list)
    poll_lag_seconds: dict[str, float] = field(default_factory=dict)  # since the last poll
    backlog: int = 0
    leased: int = 0
    failed_last_hour: int = 0
    written_last_hour: int = 0

    def as_json(self) -> dict[str, Any]:
        """JSON-ready values."""
        return asdict(self)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _counts(conn: Connection, column: Any, where: Any) -> dict[str, int]:
    query = select(column, func.count()).where(where).group_by(column)
    return {str(key): int(n) for key, n in conn.execute(query).all()}


def _status(engine: Engine, row: ConnectionRow, now: datetime) -> ConnectionStatus:
    mine = row.id
    with engine.connect() as conn:
        token_rows = conn.execute(
            select(tokens.c.system, tokens.c.kind, tokens.c.expires_at).where(
                tokens.c.connection_id == mine
            )
        ).all()
        channel_rows = conn.execute(
            select(channels.c.expires_at).where(
                (channels.c.connection_id == mine) & (channels.c.status == "active")
            )
        ).scalars()
        marks = conn.execute(
            select(cursors.c.stream, cursors.c.updated_at).where(
                (cursors.c.connection_id == mine) & cursors.c.stream.like("poll:%")
            )
        ).all()
        queue = _counts(conn, inbox.c.status, inbox.c.connection_id == mine)
        recent = (audit.c.connection_id == mine) & (audit.c.created_at >= now - timedelta(hours=1))
        outcomes = _counts(conn, audit.c.outcome, recent)
    return ConnectionStatus(
        name=row.name,
        status=row.status,
        token_expiry={f"{s}.{k}": _iso(e) for s, k, e in token_rows},
        reauthorize_by={
            system: expiry.isoformat()
            for system, kind, expiry in token_rows
            if kind == "refresh" and expiry and expiry - now <= REAUTHORIZE_WARNING
        },
        channel_expiry=[e.isoformat() for e in channel_rows if e],
        poll_lag_seconds={
            stream.removeprefix("poll:"): round((now - mark).total_seconds(), 1)
            for stream, mark in marks
            if mark
        },
        backlog=queue.get("pending", 0),
        leased=queue.get("leased", 0),
        failed_last_hour=outcomes.get("failed", 0),
        written_last_hour=outcomes.get("written", 0),
    )


def connection_status(
    engine: Engine, now: datetime, name: str | None = None
) -> list[ConnectionStatus]:
    """Every connection's status (or just ``name``'s, which must exist)."""
    rows = [r for r in list_connections(engine) if name is None or r.name == name]
    if name is not None and not rows:
        raise NotFoundError("connection", name)
    return [_status(engine, row, now) for row in rows]
