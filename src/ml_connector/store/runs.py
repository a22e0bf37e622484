"""Runs: one row per piece of work (a drain, a backfill, a replay) with its counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from ml_connector.store.tables import connections, runs

__all__ = ["RunRow", "finish_run", "recent_runs", "start_run"]


@dataclass(frozen=True)
class RunRow:
    """A run as stored, with the name of its connection."""

    id: int
    connection: str
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def start_run(engine: Engine, connection_id: int, kind: str, now: datetime) -> int:
    """A new run, ``running``; its id."""
    with engine.begin() as conn:
        key = conn.execute(
            insert(runs).values(connection_id=connection_id, kind=kind, started_at=now)
        ).inserted_primary_key
    assert key is not None, "an insert always has a primary key"
    return int(key[0])


def finish_run(
    engine: Engine,
    run_id: int,
    *,
    now: datetime,
    counts: Mapping[str, int],
    error: str | None = None,
) -> None:
    """Close a run with its counts (``failed`` if it stopped with an error)."""
    with engine.begin() as conn:
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(
                status="failed" if error else "finished",
                finished_at=now,
                counts=dict(counts),
                error=error,
            )
        )


def recent_runs(engine: Engine, *, limit: int = 20) -> list[RunRow]:
    """The newest runs of every connection, newest first."""
    query = (
        select(runs, connections.c.name.label("connection"))
        .join(connections, connections.c.id == runs.c.connection_id)
        .order_by(runs.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    names = set(RunRow.__dataclass_fields__) - {"counts"}
    return [
        RunRow(**{k: v for k, v in row.items() if k in names}, counts=dict(row["counts"] or {}))
        for row in rows
    ]
