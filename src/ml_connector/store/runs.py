"""Runs: one row per piece of work (a drain, a backfill, a replay) with its counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Engine, insert, update

from ml_connector.store.tables import runs

__all__ = ["finish_run", "start_run"]


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
