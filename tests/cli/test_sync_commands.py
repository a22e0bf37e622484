"""setup zoho, backfill, sync, audit and replay, in the order an operator runs them."""

from __future__ import annotations

from tests.cli.conftest import Served
from tests.conftest import Run


def test_a_first_sync_from_the_terminal(run: Run, both: Served) -> None:
    assert run("setup", "zoho", "acme").code == 0
    assert run("backfill", "acme", "--types", "vendor").code == 0
    synced = run("sync", "acme", "--poll-hours", "0", "--json")
    assert synced.code == 0, synced.err
    vendors = both.netsuite.account.db.count("vendor")
    assert synced.json() == {
        "claimed": vendors,
        "written": vendors,
        "unchanged": 0,
        "failed": 0,
        "skipped": 0,
    }
    audit = run("audit", "list", "acme", "--json", "--limit", "1000").json()
    assert {row["outcome"] for row in audit} == {"written"}
    assert len(audit) == vendors
    one = audit[0]["source_id"]
    history = run("audit", "list", "acme", "--record", f"vendor:{one}", "--json").json()
    assert [row["source_id"] for row in history] == [one]
    shown = run("audit", "show", "acme", f"vendor:{one}")
    assert "written Vendors" in shown.out
    assert f'"NetSuite_ID": "{one}"' in shown.out, "the payload that was sent"
    later = run("audit", "list", "acme", "--since", "2999-01-01", "--json").json()
    assert later == []
    bad = run("audit", "list", "acme", "--record", "invoice:1")
    assert bad.code == 1
    assert "is not TYPE:ID" in bad.err
    assert run("replay", "acme", "--json").json()["replayed"] == 0
    assert run("audit", "list", "acme", "--outcome", "failed", "--json").json() == []


def test_reconcile_finds_a_clean_sync_and_names_unknown_types(run: Run, both: Served) -> None:
    run("setup", "zoho", "acme")
    run("backfill", "acme", "--types", "customer")
    run("sync", "acme", "--poll-hours", "0")
    clean = run("reconcile", "acme", "--types", "customer", "--json")
    assert clean.code == 0, clean.err
    assert clean.json()["different"] == 0
    assert clean.json()["compared"] == {"customer": both.netsuite.account.db.count("customer")}
    unknown = run("reconcile", "acme", "--types", "invoice")
    assert unknown.code == 1
    assert "invoice" in unknown.err


def test_status_shows_tokens_backlog_and_last_hour(run: Run, both: Served) -> None:
    run("setup", "zoho", "acme")
    run("backfill", "acme", "--types", "vendor")
    before = run("status", "acme", "--json").json()[0]
    vendors = both.netsuite.account.db.count("vendor")
    assert before["backlog"] == vendors
    assert before["status"] == "active"
    assert "zoho.access" in before["token_expiry"]
    run("sync", "acme", "--poll-hours", "1")
    after = run("status", "--json").json()[0]
    assert after["backlog"] == 0
    assert after["written_last_hour"] == vendors
    assert set(after["poll_lag_seconds"]) == {"customer", "vendor", "contact"}
    assert all(lag >= 0 for lag in after["poll_lag_seconds"].values())
    assert run("status", "ghost").code == 1
