"""Named locks: one holder at a time, taken over only once expired, renewed only by the holder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from ml_connector.store.locks import holder_of, release, renew, try_acquire
from ml_connector.store.schema import upgrade

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_a_held_lock_is_refused_to_others_until_it_expires(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert try_acquire(empty_engine, "drain/acme", "a", 60, T0)
    assert not try_acquire(empty_engine, "drain/acme", "b", 60, T0 + timedelta(seconds=59))
    assert try_acquire(empty_engine, "drain/acme", "b", 60, T0 + timedelta(seconds=61))
    held = holder_of(empty_engine, "drain/acme", T0 + timedelta(seconds=61))
    assert held is not None
    assert held.holder == "b"


def test_renewing_keeps_a_long_drain_s_lock_from_passing_to_another(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    try_acquire(empty_engine, "drain/acme", "a", 60, T0)

    assert renew(empty_engine, "drain/acme", "a", 60, T0 + timedelta(seconds=50))
    assert not try_acquire(empty_engine, "drain/acme", "b", 60, T0 + timedelta(seconds=100))
    assert not renew(empty_engine, "drain/acme", "b", 60, T0 + timedelta(seconds=100))


def test_an_expired_or_released_lock_cannot_be_renewed(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    try_acquire(empty_engine, "drain/acme", "a", 60, T0)
    assert not renew(empty_engine, "drain/acme", "a", 60, T0 + timedelta(seconds=61))
    try_acquire(empty_engine, "drain/globex", "a", 60, T0)
    release(empty_engine, "drain/globex", "a")
    assert not renew(empty_engine, "drain/globex", "a", 60, T0)
