"""Chaos, longer: the scenario of ``tests/chaos`` on more records and more live edits.

Faults on both simulators from the start (429s, 5xx, dropped connections, latency spikes),
every access token expired early twice, the Zoho channel dropped early, people editing in
NetSuite and in Zoho, and the worker SIGKILLed and replaced twice, all while a backfill runs.
Reports how long everything took to settle, what was injected, and what the connector made
of it: differences found by reconciliation, duplicates in Zoho and records the audit trail
does not end with a success (goal: zero of each).

    python benchmarks/chaos.py [--records 3000] [--netsuite-edits 600] [--zoho-edits 100]
                               [--database-url postgresql://postgres@127.0.0.1:5432/test]

Needs PostgreSQL (a scratch database is created and dropped) and Redis on 127.0.0.1:6379
(database 15 is flushed). Prints the figures and writes benchmarks/results/chaos.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the harness lives with the chaos test, under tests/

from benchmarks.scale_kill import scratch_database  # noqa: E402
from tests.chaos.harness import Chaos, ChaosPlan, chaos, run_chaos  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def measure(underway: Chaos) -> dict[str, Any]:
    """Run the scenario on a deployment; the figures."""
    started = time.monotonic()
    statuses = run_chaos(underway)
    settled = time.monotonic() - started
    injected = underway.injected()
    underway.clear_faults()
    found = underway.reconcile()
    records = underway.running.netsuite_records()
    return {
        "records": len(records),
        "settle_seconds": round(settled, 1),
        "records_per_second": round(len(records) / settled, 1),
        "inbox": dict(statuses),
        "injected": {side: dict(kinds) for side, kinds in injected.items()},
        "tokens_expired": underway.expired.get("netsuite tokens", 0)
        + underway.expired.get("zoho tokens", 0),
        "channels_dropped": underway.expired.get("zoho channels", 0),
        "workers_killed": underway.kills,
        "netsuite_edits": len(underway.edited_in_netsuite),
        "netsuite_creates": len(underway.created_in_netsuite),
        "zoho_edits": len(underway.edited_in_zoho),
        "zoho_edits_reasserted": len(underway.edited_in_zoho & underway.reasserted()),
        "zoho_edits_left": len(underway.zoho_edits_left()),
        "differences": len(found["differences"]),
        "duplicates": sum(len(ids) for ids in underway.duplicates().values()),
        "unaccounted": len(underway.unaccounted(records)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--netsuite-edits", type=int, default=600)
    parser.add_argument("--zoho-edits", type=int, default=100)
    default_url = os.environ.get("ML_CONNECTOR_TEST_DATABASE_URL", "")
    parser.add_argument(
        "--database-url", default=default_url or "postgresql://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    plan = ChaosPlan(
        records=args.records,
        netsuite_edits=args.netsuite_edits,
        netsuite_creates=max(1, args.netsuite_edits // 20),
        zoho_edits=args.zoho_edits,
        lease_seconds=10.0,
    )
    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database(args.database_url) as url,
        chaos(Path(tmp), url, plan) as underway,
    ):
        figures = measure(underway)
    figures |= {
        "cpus": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for name, value in figures.items():
        print(f"{name:>22}: {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "chaos.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
