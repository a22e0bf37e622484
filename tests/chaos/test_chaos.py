"""Chaos: faults on both sides, live edits on both sides, a worker killed twice; nothing lost.

See :mod:`tests.chaos.harness` for the scenario. The checks are what an operator would look at
afterwards: reconciliation finds no difference, Zoho holds each NetSuite record exactly once,
and the audit trail ends every record with a success. The simulators' own counters show that
every kind of fault really happened, so the test cannot pass on a quiet run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chaos.harness import ChaosPlan, chaos, run_chaos
from tests.jobs.redis_queue import _require_redis
from tests.scale.cluster import MODULES

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

KINDS = ("429", "5xx", "reset", "latency")


def test_under_chaos_every_record_arrives_once_and_is_accounted_for(
    pg_url: str, tmp_path: Path
) -> None:
    _require_redis()
    with chaos(tmp_path, pg_url, ChaosPlan()) as underway:
        statuses = run_chaos(underway)
        injected = underway.injected()
        tokens_now = underway.token_calls()
        underway.clear_faults()
        found = underway.reconcile()
        records = underway.running.netsuite_records()
        duplicates = underway.duplicates()
        zoho = underway.running.zoho_keys()
        unaccounted = underway.unaccounted(records)
        events = underway.netsuite_events()
        reasserted = underway.reasserted()
        left = underway.zoho_edits_left()
        stories = {
            (d["record_type"], d["record_id"]): underway.history(d["record_type"], d["record_id"])
            for d in found["differences"][:5]
        }

    # the chaos happened
    for side in ("netsuite", "zoho"):
        missing = [kind for kind in KINDS if injected[side][kind] < 1]
        assert not missing, f"{side}: no {missing} injected ({dict(injected[side])})"
        assert underway.expired[f"{side} tokens"] >= 1
        assert tokens_now[side] > underway.token_calls_at_expiry[side], f"{side}: no new token"
    assert underway.expired["zoho channels"] == 1
    assert len(set(underway.channels_seen)) == 2
    assert underway.kills == 2
    assert len(underway.edited_in_zoho) == underway.plan.zoho_edits
    posted = [e["outcome"] for e in events if e["event"]["execution_context"] == "USERINTERFACE"]
    assert len(posted) >= underway.plan.netsuite_edits + underway.plan.netsuite_creates
    assert all(isinstance(o, int) and 200 <= o < 300 for o in posted), set(posted)

    # and nothing came of it
    assert statuses["done"] > 0
    assert set(statuses) == {"done"}, statuses
    assert found["differences"] == [], (found["differences"][:5], stories)
    assert sum(found["compared"].values()) == len(records)
    assert duplicates == {module: [] for module in MODULES.values()}
    for kind, module in MODULES.items():
        assert sorted(zoho[module]) == sorted(i for k, i in records if k == kind), module
    assert underway.created_in_netsuite <= set(records)
    assert unaccounted == [], [(r, underway.history(*r)) for r in unaccounted]
    assert left == []
    assert reasserted & underway.edited_in_zoho, "no Zoho edit was written back"
