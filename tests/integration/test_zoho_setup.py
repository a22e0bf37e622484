"""``setup zoho`` against the simulator: the fields the sync needs, created once, and access."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_connector.cli import main
from ml_connector.mapping import default_mapping
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.zoho import prepare_org
from tests.integration.conftest import Store
from tests.integration.test_zoho_client import UNUSED_NETSUITE, connected

MODULES = ("Accounts", "Vendors", "Contacts")
CREATE_FIELDS = "POST /crm/v8/settings/fields"


@pytest.mark.anyio
async def test_setup_creates_the_key_and_inactive_fields_once(store: Store) -> None:
    async with connected(store) as (org, _sim):
        first = await prepare_org(org.crm, default_mapping())
        created = {(s.module, s.api_name) for s in first.steps if s.outcome == "created"}
        wanted = {(m, f) for m in MODULES for f in ("NetSuite_ID", "NetSuite_Inactive")}
        assert created == {*wanted, ("Contacts", "NetSuite_Category")}
        vendor_category = next(s for s in first.steps if s.api_name == "Category")
        assert (vendor_category.module, vendor_category.outcome) == ("Vendors", "already there")
        assert first.ready, list(first.lines())
        calls = await org.calls(CREATE_FIELDS)

        again = await prepare_org(org.crm, default_mapping())
        assert {s.outcome for s in again.steps} == {"already there"}
        assert await org.calls(CREATE_FIELDS) == calls
        assert again.ready

        fields = {f["api_name"]: f for f in await org.crm.fields("Accounts")}
        assert fields["NetSuite_ID"]["unique"]
        assert fields["NetSuite_ID"]["external"]["type"] == "org"
        assert fields["NetSuite_Inactive"]["data_type"] == "boolean"
        contacts = {f["api_name"]: f for f in await org.crm.fields("Contacts")}
        assert contacts["NetSuite_Category"]["data_type"] == "text"


@pytest.mark.anyio
async def test_a_token_without_the_fields_scope_is_named(store: Store) -> None:
    async with connected(store, scope="ZohoCRM.modules.ALL,ZohoCRM.org.READ") as (org, _sim):
        report = await prepare_org(org.crm, default_mapping())
    assert [p.what for p in report.access] == list(MODULES)
    assert all("ZohoCRM.settings.fields.ALL" in p.message for p in report.access)
    assert report.steps == ()
    assert not report.ready


@pytest.mark.anyio
async def test_a_token_without_one_module_names_that_module_s_scope(store: Store) -> None:
    scope = (
        "ZohoCRM.modules.accounts.ALL,ZohoCRM.modules.contacts.ALL,"
        "ZohoCRM.settings.ALL,ZohoCRM.org.READ"
    )
    async with connected(store, scope=scope) as (org, _sim):
        report = await prepare_org(org.crm, default_mapping())
    assert [(p.what, "ZohoCRM.modules.vendors.ALL" in p.message) for p in report.access] == [
        ("Vendors", True)
    ]
    assert {s.module for s in report.steps} == {"Accounts", "Contacts"}
    assert any("Vendors" in line for line in report.lines())


@pytest.fixture
def cli_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command reads the same data directory as the ``store`` fixture writes."""
    for name in ("DATABASE_URL", "SECRET_KEYS", "KEY_FILE", "CONFIG"):
        monkeypatch.delenv(f"ML_CONNECTOR_{name}", raising=False)
    monkeypatch.setenv("ML_CONNECTOR_HOME", str(home))


@pytest.mark.usefixtures("cli_env")
def test_setup_zoho_command_reports_and_is_idempotent(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = ZohoSimulator(seed=11)
    with serving(sim.app) as served:
        store.add("acme", {"netsuite": UNUSED_NETSUITE, "zoho": sim.credentials(served.base_url)})
        assert main(["setup", "zoho", "acme"]) == 0
        first = capsys.readouterr().out
        assert main(["setup", "zoho", "acme"]) == 0
        second = capsys.readouterr().out
    assert "Accounts.NetSuite_ID: created" in first
    assert "Vendors.NetSuite_Inactive: created" in first
    assert "Accounts.NetSuite_ID: already there" in second
    assert "created" not in second
    assert second.rstrip().endswith("ready to sync")


@pytest.mark.usefixtures("cli_env")
def test_setup_zoho_with_a_mapping_file_lists_what_is_left_to_fix(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "customer:\n"
        "  module: Accounts\n"
        "  fields:\n"
        "    Account_Name: {type: copy, source: companyname, required: true}\n"
        "    Tier__c: {type: custom, source: custentity_tier, data_type: text}\n"
    )
    sim = ZohoSimulator(seed=12)
    with serving(sim.app) as served:
        store.add("acme", {"netsuite": UNUSED_NETSUITE, "zoho": sim.credentials(served.base_url)})
        code = main(["setup", "zoho", "acme", "--mapping", str(mapping)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Accounts.NetSuite_ID: created" in out
    assert "Vendors" not in out
    assert "error: customer.fields.Tier__c: Accounts has no field Tier__c" in out
    assert out.rstrip().endswith("not ready: fix the lines above and run again")
