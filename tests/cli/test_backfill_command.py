"""``ml-connector backfill`` from an operator's terminal, against a served simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ml_connector.mapping.loader import default_mapping_text
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.settings import load_settings
from ml_connector.store.schema import make_engine
from ml_connector.store.tables import inbox
from tests.conftest import Run


@pytest.fixture
def connected(run: Run, tmp_path: Path) -> Iterator[NetSuiteSimulator]:
    sim = NetSuiteSimulator(records=1200, seed=9)
    with serving(sim.app) as served:
        document = {
            "netsuite": sim.credentials(served.base_url),
            "zoho": {"client_id": "x", "client_secret": "y"},
        }
        path = tmp_path / "c.json"
        path.write_text(json.dumps(document))
        assert run("connection", "add", "acme", "--config", str(path)).code == 0
        yield sim


def _payloads(record_type: str) -> list[dict[str, object]]:
    engine = make_engine(load_settings().database_url)
    with engine.connect() as conn:
        query = select(inbox.c.payload).where(inbox.c.record_type == record_type)
        payloads = list(conn.execute(query).scalars())
    engine.dispose()
    return payloads


def _queued(record_type: str) -> int:
    engine = make_engine(load_settings().database_url)
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(inbox).where(inbox.c.record_type == record_type)
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_backfill_queues_each_type_and_a_rerun_resumes(
    run: Run, connected: NetSuiteSimulator
) -> None:
    first = run("backfill", "acme", "--types", "vendor,contact")
    assert first.code == 0, first.err
    vendors = connected.account.db.count("vendor")
    assert f"vendor: {vendors} read, {vendors} queued" in first.out
    assert _queued("vendor") == vendors
    assert _queued("customer") == 0
    again = run("backfill", "acme", "--types", "vendor")
    assert "vendor: 0 read, 0 queued (resumed where the last run stopped)" in again.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--types", "customer,invoice"), "unknown record types: invoice"),
        (("--since", "last tuesday"), "is not an ISO date"),
    ],
)
def test_bad_options_are_named(
    run: Run, connected: NetSuiteSimulator, args: tuple[str, ...], message: str
) -> None:
    result = run("backfill", "acme", *args)
    assert result.code == 1
    assert message in result.err


def test_backfilled_rows_carry_the_custom_fields_the_mapping_reads(
    run: Run, connected: NetSuiteSimulator, tmp_path: Path
) -> None:
    fields = "customer:\n  module: Accounts\n  key: NetSuite_ID\n  fields:\n"
    assert fields in default_mapping_text()
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        default_mapping_text().replace(
            fields, fields + "    Tier: {type: custom, source: custentity_tier}\n"
        )
    )

    result = run("backfill", "acme", "--types", "customer", "--mapping", str(mapping))

    assert result.code == 0, result.err
    tiers = connected.account.db.select(
        "SELECT id, custentity_tier FROM customer WHERE custentity_tier IS NOT NULL"
    )
    assert tiers, "the simulator gives customers a tier"
    carried = {str(p["id"]): p.get("custentity_tier") for p in _payloads("customer")}
    assert {str(t["id"]): t["custentity_tier"] for t in tiers}.items() <= carried.items()
