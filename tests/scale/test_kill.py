"""Scaled out for real: two workers on PostgreSQL and Redis, one killed with SIGKILL mid-batch.

Events are delivered by committing inbox rows (source ``netsuite_event``, no payload) straight
into PostgreSQL in chunks while the workers run, rather than through the web role and the NetSuite
simulator's signed webhooks: 10,000 record edits each posting a signed event would spend most of
this 2-core machine's time in HTTP round trips between the test, the simulator and the web role,
which ``tests/web`` already cover, and leave little for what is under test here: leases, the
SIGKILL and recovery. Rows committed this way are exactly what the receiver commits.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.jobs.redis_queue import _require_redis
from tests.scale.cluster import MODULES, Cluster, cluster, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

RECORDS = 10_000
LEASE_SECONDS = 10.0  # how long a dead worker's rows stay leased before another may take them
FIRST_WAVE = 2_000  # delivered before the kill; the rest arrive while a worker is down
CHUNK = 500


def _start_worker(running: Cluster, name: str) -> None:
    running.start(name, "--role", "worker", "--workers", "2")


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    _require_redis()
    with cluster(tmp_path, pg_url, records=RECORDS, lease_seconds=LEASE_SECONDS) as running:
        records = running.netsuite_records()
        assert len(records) == RECORDS
        alive = running.check_alive
        running.start("scheduler", "--role", "scheduler", "--poll-seconds", "1")
        _start_worker(running, "worker-a")
        running.deliver(records[:FIRST_WAVE], chunk=CHUNK)

        # B starts while A holds the drain lock, so until the kill every leased row is A's.
        wait_until(running.leased_rows, timeout=60, what="worker A leases a batch", check=alive)
        _start_worker(running, "worker-b")
        running.kill_when("worker-a", running.leased_rows, timeout=60)
        orphans = running.leased_rows()
        assert orphans, "the kill landed between two batches: nothing was left leased"

        running.deliver(records[FIRST_WAVE:], chunk=CHUNK)
        _start_worker(running, "worker-c")  # the orchestrator's replacement for A
        statuses = wait_until(running.drained, timeout=150, what="inbox drained", check=alive)

        assert statuses == Counter({"done": RECORDS}), statuses
        handed_out_again = running.attempts(orphans)
        assert all(status == "done" and n >= 2 for status, n in handed_out_again.values())

        zoho = running.zoho_keys()
        for kind, module in MODULES.items():
            expected = sorted(ns_id for k, ns_id in records if k == kind)
            assert sorted(zoho[module]) == expected, f"{module}: missing or repeated records"

        outcomes = running.audit_outcomes()
        assert outcomes.get("written", set()) | outcomes.get("unchanged", set()) == set(records)
        assert not outcomes.get("failed"), sorted(outcomes.get("failed", set()))[:10]
