"""Cursors move with the inbox rows they cover, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from ml_connector.store.connections import add_connection
from ml_connector.store.cursors import Cursor, read_cursor, write_cursor
from ml_connector.store.inbox import NewEvent, enqueue_many, pending
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import upgrade

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def connection_id(empty_engine: Engine) -> int:
    upgrade(empty_engine)
    row = add_connection(empty_engine, Keyring([new_key()]), name="acme", config={}, secrets={})
    return row.id


def _events(*ids: str) -> list[NewEvent]:
    return [NewEvent(f"poll:customer:{i}:t1", "customer", i, {"id": i}) for i in ids]


def test_a_batch_skips_keys_already_queued(empty_engine: Engine, connection_id: int) -> None:
    with empty_engine.begin() as conn:
        added = enqueue_many(
            conn, connection_id, source="poll", events=_events("1", "2"), received_at=NOW
        )
    with empty_engine.begin() as conn:
        again = enqueue_many(
            conn, connection_id, source="poll", events=_events("2", "3"), received_at=NOW
        )
    assert (added, again) == (2, 1)
    assert [row.record_id for row in pending(empty_engine, connection_id)] == ["1", "2", "3"]


def test_the_cursor_moves_only_with_its_rows(empty_engine: Engine, connection_id: int) -> None:
    mark = Cursor(NOW, "7", None)

    def die_before_commit() -> None:
        with empty_engine.begin() as conn:
            enqueue_many(conn, connection_id, source="poll", events=_events("7"), received_at=NOW)
            write_cursor(conn, connection_id, "poll:customer", mark)
            raise RuntimeError("the process dies before the commit")

    with pytest.raises(RuntimeError):
        die_before_commit()
    assert read_cursor(empty_engine, connection_id, "poll:customer") is None
    assert pending(empty_engine, connection_id) == []
    with empty_engine.begin() as conn:
        write_cursor(conn, connection_id, "poll:customer", mark)
        write_cursor(conn, connection_id, "poll:customer", Cursor(NOW, "9", "9"))
    assert read_cursor(empty_engine, connection_id, "poll:customer") == Cursor(NOW, "9", "9")
