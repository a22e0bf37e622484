"""The inbox keeps one row per event per connection, however often the event is delivered."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from ml_connector.store.connections import add_connection
from ml_connector.store.inbox import enqueue, pending
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import upgrade

RECEIVED = datetime(2026, 5, 10, 12, 34, 56, tzinfo=UTC)


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    upgrade(empty_engine)
    return empty_engine


def _connection(engine: Engine, name: str) -> int:
    keyring = Keyring([new_key()])
    return add_connection(engine, keyring, name=name, config={}, secrets={}).id


def _event(engine: Engine, connection_id: int, key: str, record_id: str = "107") -> bool:
    payload = {"event_id": key, "record_type": "customer", "record_id": record_id}
    return enqueue(
        engine, connection_id, source="netsuite_event", idempotency_key=key,
        record_type="customer", record_id=record_id, payload=payload, received_at=RECEIVED,
    )  # fmt: skip


def test_a_new_event_is_stored_pending_with_its_payload(engine: Engine) -> None:
    connection_id = _connection(engine, "acme")

    assert _event(engine, connection_id, "e-1") is True

    [row] = pending(engine, connection_id, 10)
    assert (row.source, row.idempotency_key, row.record_type, row.record_id) == (
        "netsuite_event", "e-1", "customer", "107"
    )  # fmt: skip
    assert row.payload == {"event_id": "e-1", "record_type": "customer", "record_id": "107"}
    assert (row.status, row.attempts, row.received_at) == ("pending", 0, RECEIVED)


def test_a_repeated_delivery_is_reported_and_not_stored_twice(engine: Engine) -> None:
    connection_id = _connection(engine, "acme")

    assert _event(engine, connection_id, "e-1") is True
    assert _event(engine, connection_id, "e-1", record_id="999") is False

    assert [row.record_id for row in pending(engine, connection_id, 10)] == ["107"]


def test_the_same_key_is_independent_across_connections(engine: Engine) -> None:
    first, second = _connection(engine, "acme"), _connection(engine, "globex")

    assert _event(engine, first, "e-1") is True
    assert _event(engine, second, "e-1") is True

    assert len(pending(engine, first, 10)) == len(pending(engine, second, 10)) == 1


def test_pending_reads_oldest_first_up_to_the_limit(engine: Engine) -> None:
    connection_id = _connection(engine, "acme")
    for n in range(5):
        enqueue(
            engine, connection_id, source="netsuite_event", idempotency_key=f"e-{n}",
            record_type="vendor", record_id=str(n), payload=None,
            received_at=RECEIVED + timedelta(seconds=n),
        )  # fmt: skip

    assert [row.record_id for row in pending(engine, connection_id, 3)] == ["0", "1", "2"]


def test_concurrent_deliveries_of_one_event_store_exactly_one_row(engine: Engine) -> None:
    connection_id = _connection(engine, "acme")

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: _event(engine, connection_id, "e-1"), range(16)))

    assert outcomes.count(True) == 1
    assert len(pending(engine, connection_id, 10)) == 1


def test_an_event_for_a_vanished_connection_fails_instead_of_passing_for_a_duplicate(
    engine: Engine,
) -> None:
    with pytest.raises(IntegrityError):
        _event(engine, 999, "e-1")
