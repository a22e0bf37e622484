"""Leases, links and the audit trail, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from ml_connector.store.audit import (
    FAILED,
    WRITTEN,
    AuditEntry,
    latest_failures,
    record_audit,
    search_audit,
)
from ml_connector.store.connections import add_connection
from ml_connector.store.inbox import NewEvent, enqueue_many, pending
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.leases import claim, claimable, finish, release, sweep
from ml_connector.store.links import Link, find_links, link_for_zoho, save_links
from ml_connector.store.runs import finish_run, start_run
from ml_connector.store.schema import upgrade

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


@pytest.fixture
def connection_id(empty_engine: Engine) -> int:
    upgrade(empty_engine)
    return add_connection(empty_engine, Keyring([new_key()]), name="a", config={}, secrets={}).id


def _fill(engine: Engine, connection_id: int, count: int) -> None:
    events = [NewEvent(f"k{i}", "customer", str(i)) for i in range(count)]
    with engine.begin() as conn:
        enqueue_many(conn, connection_id, source="event", events=events, received_at=NOW)


def test_claims_are_disjoint_and_finished_rows_stay_done(
    empty_engine: Engine, connection_id: int
) -> None:
    _fill(empty_engine, connection_id, 10)
    first = claim(empty_engine, connection_id, limit=4, lease=LEASE, now=NOW)
    second = claim(empty_engine, connection_id, limit=4, lease=LEASE, now=NOW)
    assert [r.record_id for r in first] == ["0", "1", "2", "3"]
    assert [r.record_id for r in second] == ["4", "5", "6", "7"]
    assert {r.status for r in first} == {"leased"}
    with empty_engine.begin() as conn:
        finish(conn, [r.id for r in first], now=NOW)
    later = NOW + LEASE + timedelta(seconds=1)
    reclaimed = claim(empty_engine, connection_id, limit=10, lease=LEASE, now=later)
    assert [r.record_id for r in reclaimed] == ["4", "5", "6", "7", "8", "9"]
    assert [r.attempts for r in reclaimed[:4]] == [2, 2, 2, 2], "a dead worker's rows come back"


def test_a_dead_worker_s_rows_come_first_and_the_limit_counts_both_kinds(
    empty_engine: Engine, connection_id: int
) -> None:
    _fill(empty_engine, connection_id, 6)
    died = claim(empty_engine, connection_id, limit=2, lease=LEASE, now=NOW)
    later = NOW + LEASE + timedelta(seconds=1)
    assert claimable(empty_engine, connection_id)
    assert claimable(empty_engine, connection_id, later)

    taken = claim(empty_engine, connection_id, limit=3, lease=LEASE, now=later)
    rest = claim(empty_engine, connection_id, limit=10, lease=LEASE, now=later)

    assert [r.record_id for r in died] == ["0", "1"]
    assert [r.record_id for r in taken] == ["0", "1", "2"]
    assert [r.record_id for r in rest] == ["3", "4", "5"]
    assert not claimable(empty_engine, connection_id, later)


def test_concurrent_workers_never_claim_the_same_row(
    empty_engine: Engine, connection_id: int
) -> None:
    _fill(empty_engine, connection_id, 300)

    def worker(_n: int) -> list[str]:
        taken: list[str] = []
        while batch := claim(empty_engine, connection_id, limit=7, lease=LEASE, now=NOW):
            taken += [row.record_id for row in batch]
        return taken

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(worker, range(4)))
    everything = [record for taken in results for record in taken]
    assert sorted(everything, key=int) == [str(i) for i in range(300)]


def test_release_and_sweep_return_rows_to_the_queue(
    empty_engine: Engine, connection_id: int
) -> None:
    _fill(empty_engine, connection_id, 4)
    batch = claim(empty_engine, connection_id, limit=4, lease=LEASE, now=NOW)
    release(empty_engine, [batch[0].id])
    assert [r.record_id for r in pending(empty_engine, connection_id)] == ["0"]
    assert sweep(empty_engine, NOW) == 0, "leases still running stay leased"
    assert sweep(empty_engine, NOW + LEASE * 2) == 3
    assert len(pending(empty_engine, connection_id)) == 4


def test_links_are_found_both_ways_and_updated_in_place(
    empty_engine: Engine, connection_id: int
) -> None:
    with empty_engine.begin() as conn:
        save_links(conn, connection_id, [Link("customer", "7", "Accounts", "z1", "h1", NOW)])
        save_links(conn, connection_id, [Link("customer", "7", "Accounts", "z1", "h2", NOW)])
    found = find_links(empty_engine, connection_id, "customer", ["7", "8"])
    assert list(found) == ["7"]
    assert found["7"].payload_hash == "h2"
    assert link_for_zoho(empty_engine, connection_id, "Accounts", "z1") == found["7"]
    assert link_for_zoho(empty_engine, connection_id, "Accounts", "nope") is None


def test_replay_finds_records_whose_latest_attempt_failed(
    empty_engine: Engine, connection_id: int
) -> None:
    run = start_run(empty_engine, connection_id, "drain", NOW)
    entries = [
        AuditEntry("customer", "1", FAILED, "Accounts", payload={"a": 1}, code="INVALID_DATA"),
        AuditEntry("customer", "2", FAILED, "Accounts", payload={"b": 2}, code="TOO_MANY_REQUESTS"),
    ]
    with empty_engine.begin() as conn:
        record_audit(conn, connection_id, entries, run_id=run, now=NOW)
        record_audit(
            conn, connection_id, [AuditEntry("customer", "1", WRITTEN)], run_id=run, now=NOW
        )
    finish_run(empty_engine, run, now=NOW, counts={"written": 1, "failed": 2})
    failures = latest_failures(empty_engine, connection_id)
    assert [(f.source_id, f.code, f.payload) for f in failures] == [
        ("2", "TOO_MANY_REQUESTS", {"b": 2})
    ]
    history = search_audit(empty_engine, connection_id, source_id="1")
    assert [h.outcome for h in history] == [WRITTEN, FAILED]
