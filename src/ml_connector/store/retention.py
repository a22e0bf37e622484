"""Retention: the audit trail, runs and finished inbox rows are kept for a while, not forever.

What goes is only what nobody needs: audit rows older than the window, except each record's
latest attempt (replay, the dashboard's record history and ``status`` read it); runs that
finished before the window and that no remaining audit row names; inbox rows done before the
window (their idempotency keys only guard against repeats within minutes). Pending and leased
work is never touched. Pruning twice, or from two schedulers at once, removes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select

from ml_connector.store.tables import audit, inbox, runs

__all__ = ["Pruned", "prune_history"]


@dataclass(frozen=True)
class Pruned:
    """How many rows one pruning removed, per table."""

    audit: int
    runs: int
    inbox: int


def prune_history(engine: Engine, *, now: datetime, keep: timedelta) -> Pruned:
    """Remove history older than ``keep`` before ``now`` (see the module's rules)."""
    cutoff = now - keep
    latest = (
        select(func.max(audit.c.id))
        .group_by(audit.c.connection_id, audit.c.source_type, audit.c.source_id)
        .scalar_subquery()
    )
    still_named = select(audit.c.run_id).where(audit.c.run_id.is_not(None)).scalar_subquery()
    with engine.begin() as conn:
        old_audit = conn.execute(
            delete(audit).where(audit.c.created_at < cutoff, audit.c.id.not_in(latest))
        ).rowcount
        old_runs = conn.execute(
            delete(runs).where(runs.c.finished_at < cutoff, runs.c.id.not_in(still_named))
        ).rowcount
        old_inbox = conn.execute(
            delete(inbox).where(inbox.c.status == "done", inbox.c.done_at < cutoff)
        ).rowcount
    return Pruned(old_audit, old_runs, old_inbox)
