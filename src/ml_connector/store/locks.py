"""Named locks with a time-to-live, shared by every thread and process using the store.

A lock is a row; taking it is an INSERT that the primary key lets only one writer win, and an
expired row may be taken over by anyone, so a holder that died frees its lock by waiting out the
TTL. Works the same on SQLite and PostgreSQL, with no server-side feature beyond a unique key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ml_connector.store.tables import locks

__all__ = ["Held", "holder_of", "release", "renew", "try_acquire"]


@dataclass(frozen=True)
class Held:
    """Who holds a lock, and until when."""

    holder: str
    expires_at: datetime


def try_acquire(engine: Engine, name: str, holder: str, ttl: float, now: datetime) -> bool:
    """Take ``name`` for ``ttl`` seconds if it is free or expired; False if someone holds it."""
    with engine.begin() as conn:
        conn.execute(delete(locks).where((locks.c.name == name) & (locks.c.expires_at <= now)))
    try:
        with engine.begin() as conn:
            expires = now + timedelta(seconds=ttl)
            conn.execute(insert(locks).values(name=name, holder=holder, expires_at=expires))
    except IntegrityError:
        return False
    return True


def renew(engine: Engine, name: str, holder: str, ttl: float, now: datetime) -> bool:
    """Extend ``holder``'s unexpired hold on ``name`` to ``ttl`` seconds from ``now``.

    False if the lock expired or passed to someone else meanwhile: the caller no longer holds it.
    """
    held = (locks.c.name == name) & (locks.c.holder == holder) & (locks.c.expires_at > now)
    with engine.begin() as conn:
        changed = conn.execute(
            update(locks).where(held).values(expires_at=now + timedelta(seconds=ttl))
        )
    return changed.rowcount == 1


def holder_of(engine: Engine, name: str, now: datetime) -> Held | None:
    """The current, unexpired holder of ``name``, if any."""
    query = select(locks.c.holder, locks.c.expires_at).where(
        (locks.c.name == name) & (locks.c.expires_at > now)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return Held(row.holder, row.expires_at) if row else None


def release(engine: Engine, name: str, holder: str) -> None:
    """Give ``name`` back, if ``holder`` still holds it."""
    with engine.begin() as conn:
        conn.execute(delete(locks).where((locks.c.name == name) & (locks.c.holder == holder)))
