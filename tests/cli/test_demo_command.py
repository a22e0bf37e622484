"""``ml-connector demo``: the whole sync against the simulators, as a first-time user runs it."""

from __future__ import annotations

from tests.conftest import Run


def test_the_demo_syncs_everything_and_reconciles_clean(run: Run) -> None:
    result = run("demo", "--records", "400", "--json")
    assert result.code == 0, result.err
    summary = result.json()
    assert set(summary) == {"records", "written", "failed", "differences", "seconds"}
    assert set(summary["records"]) == {"customer", "vendor", "contact"}
    total = sum(summary["records"].values())
    assert total == 400
    # the first load, five NetSuite changes and the Zoho edit put right
    assert summary["written"] == total + 6
    assert summary["failed"] == 0
    assert summary["differences"] == 0
    assert summary["seconds"] > 0


def test_the_human_output_walks_through_every_step(run: Run) -> None:
    result = run("demo", "--records", "200")
    assert result.code == 0, result.err
    for step in ("1. Zoho prepared", "2. First load", "3. Live NetSuite changes",
                 "4. A Zoho edit", "5. Reconciliation", "Done in"):  # fmt: skip
        assert step in result.out
