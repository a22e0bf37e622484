"""Scaled out, killed twice: 50,000 events through workers on PostgreSQL and Redis.

The bigger sibling of ``tests/scale/test_kill.py``, on the same harness. Worker A starts alone;
once it holds a batch, B starts and A is killed with SIGKILL (mid-stream: most events are still
to come). Once every event is delivered and B holds the last batches, C starts and B is killed
too (the tail: nothing else is pending, so only the lease brings those rows back). Reports
events per second, the time to drain, how long each kill's rows took to come back, and what
Zoho ends up with: duplicates and missing records (goal: zero of both).

    python benchmarks/scale_kill.py [--records 50000] [--lease-seconds 10]
                                    [--database-url postgresql://postgres@127.0.0.1:5432/test]

Needs PostgreSQL (a scratch database is created and dropped) and Redis on 127.0.0.1:6379
(database 15 is flushed). Prints the figures and writes benchmarks/results/scale_kill.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ml_connector.settings import sqlalchemy_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the harness lives with the scale test, under tests/

from tests.scale.cluster import MODULES, Cluster, cluster, wait_until  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CHUNK = 1_000
WORKER = ("--role", "worker", "--workers", "2")


@contextlib.contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database on the server at ``admin_url``, dropped afterwards."""
    admin = create_engine(sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"mlc_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(sqlalchemy_url(admin_url))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tail_batch(running: Cluster) -> list[int] | None:
    """The leased rows once nothing is pending: the last batches, in the hands of a worker."""
    statuses = running.inbox_statuses()
    return running.leased_rows() if not statuses["pending"] and statuses["leased"] else None


def _kill_holder(
    running: Cluster, victim: str, successor: str, holds: Callable[[], object]
) -> tuple[list[int], datetime]:
    """Start ``successor``, SIGKILL ``victim`` once ``holds()``; the rows left leased, and when."""
    running.start(successor, *WORKER)
    running.kill_when(victim, holds, timeout=120)
    return running.leased_rows(), datetime.now(UTC)


def _recovered(running: Cluster, orphans: Sequence[int], killed_at: datetime) -> float:
    """Seconds from the kill until the last row it orphaned was done (once drained)."""
    done = running.last_done(orphans)
    return (done - killed_at).total_seconds() if done else float("nan")


def run(running: Cluster) -> dict[str, Any]:
    records = running.netsuite_records()
    alive = running.check_alive
    running.start("scheduler", "--role", "scheduler", "--poll-seconds", "1")
    running.start("worker-a", *WORKER)
    started = time.monotonic()
    first_wave = len(records) // 10
    running.deliver(records[:first_wave], chunk=CHUNK)
    wait_until(running.leased_rows, timeout=120, what="worker A leases a batch", check=alive)
    first, first_at = _kill_holder(running, "worker-a", "worker-b", running.leased_rows)
    running.deliver(records[first_wave:], chunk=CHUNK)
    delivered = time.monotonic() - started
    wait_until(lambda: _tail_batch(running), timeout=900, what="the tail batch", check=alive)
    second, second_at = _kill_holder(running, "worker-b", "worker-c", lambda: _tail_batch(running))
    statuses = wait_until(running.drained, timeout=900, what="inbox drained", check=alive)
    drained = time.monotonic() - started
    recovery = [_recovered(running, first, first_at), _recovered(running, second, second_at)]
    return _figures(
        running, records, statuses=statuses, delivered=delivered, drained=drained,
        orphans=[first, second], recovery=recovery,
    )  # fmt: skip


def _figures(
    running: Cluster,
    records: Sequence[tuple[str, str]],
    *,
    statuses: Any,
    delivered: float,
    drained: float,
    orphans: Sequence[Sequence[int]],
    recovery: Sequence[float],
) -> dict[str, Any]:
    zoho = running.zoho_keys()
    in_zoho = sum(len(keys) for keys in zoho.values())
    unique = {(kind, key) for kind, module in MODULES.items() for key in zoho[module]}
    outcomes = running.audit_outcomes()
    return {
        "events": len(records),
        "inbox": dict(statuses),
        "deliver_seconds": round(delivered, 1),
        "drain_seconds": round(drained, 1),
        "events_per_second": round(len(records) / drained, 1),
        "orphaned_by_kill": [len(rows) for rows in orphans],
        "recovery_seconds": [round(seconds, 1) for seconds in recovery],
        "zoho_records": in_zoho,
        "duplicates": in_zoho - len(unique),
        "missing": len(set(records) - unique),
        "audit_failed": len(outcomes.get("failed", set())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--lease-seconds", type=float, default=10.0)
    default_url = os.environ.get("ML_CONNECTOR_TEST_DATABASE_URL", "")
    parser.add_argument(
        "--database-url", default=default_url or "postgresql://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database(args.database_url) as url,
        cluster(Path(tmp), url, records=args.records, lease_seconds=args.lease_seconds) as running,
    ):
        figures = run(running)
    figures |= {"lease_seconds": args.lease_seconds, "cpus": os.cpu_count(),
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
    for name, value in figures.items():
        print(f"{name:>20}: {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale_kill.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
