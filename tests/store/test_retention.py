"""Old history goes; what replay, the dashboard and pending work need stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, Table, select

from ml_connector.store.audit import FAILED, WRITTEN, AuditEntry, latest_failures, record_audit
from ml_connector.store.connections import add_connection
from ml_connector.store.inbox import enqueue
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.leases import claim, finish
from ml_connector.store.retention import prune_history
from ml_connector.store.runs import finish_run, start_run
from ml_connector.store.schema import upgrade
from ml_connector.store.tables import audit, inbox, runs

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=120)
RECENT = NOW - timedelta(days=1)
KEEP = timedelta(days=90)


def _connection(engine: Engine) -> int:
    upgrade(engine)
    keyring = Keyring([new_key()])
    return add_connection(engine, keyring, name="acme", config={}, secrets={}).id


def _attempt(engine: Engine, connection_id: int, record: str, outcome: str, when: datetime) -> int:
    run_id = start_run(engine, connection_id, "drain", when)
    with engine.begin() as conn:
        entry = AuditEntry("customer", record, outcome, "Accounts", payload={"n": record})
        record_audit(conn, connection_id, [entry], run_id=run_id, now=when)
    finish_run(engine, run_id, now=when, counts={outcome: 1})
    return run_id


def _ids(engine: Engine, table: Table, column: str) -> list[object]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(table.c[column])).scalars())


def test_old_attempts_go_but_each_record_keeps_its_latest(empty_engine: Engine) -> None:
    connection_id = _connection(empty_engine)
    old_run = _attempt(empty_engine, connection_id, "1", WRITTEN, OLD)
    _attempt(empty_engine, connection_id, "1", WRITTEN, RECENT)
    _attempt(empty_engine, connection_id, "2", WRITTEN, OLD - timedelta(days=1))
    only_failure = _attempt(empty_engine, connection_id, "2", FAILED, OLD)

    pruned = prune_history(empty_engine, now=NOW, keep=KEEP)
    again = prune_history(empty_engine, now=NOW, keep=KEEP)

    assert (pruned.audit, again.audit) == (2, 0)
    assert _ids(empty_engine, audit, "source_id") == ["1", "2"]
    [failure] = latest_failures(empty_engine, connection_id, 10)
    assert failure.source_id == "2", "an old failure that is still the latest stays replayable"
    assert old_run not in _ids(empty_engine, runs, "id")
    assert only_failure in _ids(empty_engine, runs, "id"), "a run a kept attempt names stays"


def test_finished_inbox_rows_go_and_pending_work_stays(empty_engine: Engine) -> None:
    connection_id = _connection(empty_engine)
    for key in ("old-done", "old-pending", "new-done"):
        received = RECENT if key == "new-done" else OLD
        enqueue(
            empty_engine, connection_id, source="netsuite_event", idempotency_key=key,
            record_type="customer", record_id=key, payload=None, received_at=received,
        )  # fmt: skip
    with empty_engine.connect() as conn:
        rows = conn.execute(select(inbox.c.idempotency_key, inbox.c.id)).all()
    ids = {str(row[0]): int(row[1]) for row in rows}
    claim(empty_engine, connection_id, limit=10, lease=timedelta(minutes=5), now=OLD)
    with empty_engine.begin() as conn:
        finish(conn, [ids["old-done"]], now=OLD)
        finish(conn, [ids["new-done"]], now=RECENT)

    pruned = prune_history(empty_engine, now=NOW, keep=KEEP)

    assert pruned.inbox == 1
    assert _ids(empty_engine, inbox, "idempotency_key") == ["new-done", "old-pending"]
