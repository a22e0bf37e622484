"""``align``: categories and parent links made to agree on both simulators, over HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from ml_connector.auth.session import open_side
from ml_connector.cli.runtime import Runtime
from ml_connector.mapping import default_mapping_text
from ml_connector.settings import load_settings
from ml_connector.zoho import ZohoCRM
from tests.cli.conftest import Served
from tests.conftest import Run

# Government customers become "Public Sector", a value Zoho's Account_Type does not offer yet;
# Integrator and Analyst name categories the simulated NetSuite account does not have.
EXTENDED = default_mapping_text().replace(
    "        Analyst: Analyst\n", "        Analyst: Analyst\n        Government: Public Sector\n"
)


def _mapping(tmp_path: Path) -> str:
    path = tmp_path / "mapping.yaml"
    path.write_text(EXTENDED)
    return str(path)


def _accounts(both: Served) -> list[dict[str, Any]]:
    state = httpx.get(f"{both.zoho_control}/state").json()
    accounts: list[dict[str, Any]] = state["records"]["Accounts"]
    return accounts


def _categories(both: Served) -> set[str]:
    rows = both.netsuite.account.db.select("SELECT name FROM customercategory")
    return {str(row["name"]) for row in rows}


def _edit(both: Served, account: dict[str, Any], fields: dict[str, Any]) -> None:
    edited = httpx.patch(f"{both.zoho_control}/records/Accounts/{account['id']}", json=fields)
    assert edited.status_code == 200, edited.text


def _synced_with_parents_edited(run: Run, both: Served, mapping: str) -> tuple[str, str, str]:
    """Sync the customers, then, as a person might in Zoho, clear one child's parent and give
    a company without one a parent; the child, its parent's Zoho id, the adopted company."""
    assert run("setup", "zoho", "acme").code == 0
    assert run("backfill", "acme", "--types", "customer").code == 0
    assert run("sync", "acme", "--poll-hours", "0", "--mapping", mapping).code == 0
    accounts = _accounts(both)
    child = next(a for a in accounts if a.get("Parent_Account"))
    adopted = next(a for a in accounts if not a.get("Parent_Account"))
    _edit(both, child, {"Parent_Account": None})
    _edit(both, adopted, {"Parent_Account": {"id": child["Parent_Account"]["id"]}})
    return str(child["NetSuite_ID"]), child["Parent_Account"]["id"], str(adopted["NetSuite_ID"])


def test_align_apply_makes_both_sides_agree_and_a_second_run_finds_nothing(
    run: Run, both: Served, tmp_path: Path
) -> None:
    mapping = _mapping(tmp_path)
    child, parent_id, adopted = _synced_with_parents_edited(run, both, mapping)
    before = run("align", "acme", "--mapping", mapping, "--json")
    assert before.code == 1, "differences left undone"
    found = {(d["side"], d["kind"], d["where"], d["value"]) for d in before.json()["differences"]}
    assert found == {
        ("zoho", "picklist value", "Accounts.Account_Type", "Public Sector"),
        ("netsuite", "category", "customercategory", "Analyst"),
        ("netsuite", "category", "customercategory", "Integrator"),
        ("zoho", "parent", f"customer {child}", f"Parent_Account → {parent_id}"),
        ("zoho", "parent", f"customer {adopted}", "Parent_Account → (none)"),
    }
    applied = run("align", "acme", "--mapping", mapping, "--apply", "--json")
    assert applied.code == 0, applied.err
    assert {d["outcome"] for d in applied.json()["differences"]} == {"done"}
    assert run("sync", "acme", "--poll-hours", "0", "--mapping", mapping).code == 0

    assert {"Analyst", "Integrator"} <= _categories(both)
    account_type = both.zoho.org.modules["Accounts"].fields["Account_Type"]
    assert "Public Sector" in account_type.picklist
    after = {a["NetSuite_ID"]: a for a in _accounts(both)}
    assert after[child]["Parent_Account"]["id"] == parent_id
    assert after[adopted]["Parent_Account"] is None
    again = run("align", "acme", "--mapping", mapping)
    assert again.code == 0, again.out
    assert "no differences" in again.out


def test_align_prints_the_differences_as_a_table_and_refuses_bad_input(
    run: Run, both: Served
) -> None:
    assert run("setup", "zoho", "acme").code == 0
    to_netsuite = run("align", "acme", "--direction", "to-netsuite")
    assert to_netsuite.code == 1
    assert "customercategory" in to_netsuite.out
    assert "Integrator" in to_netsuite.out
    assert "create category" in to_netsuite.out
    assert run("align", "acme", "--direction", "to-zoho").code == 0, "the default mapping fits"
    sideways = run("align", "acme", "--direction", "sideways")
    assert sideways.code == 1
    assert sideways.err.strip().count("\n") == 0
    assert "unknown direction 'sideways'" in sideways.err
    assert "to-zoho, to-netsuite, both" in sideways.err
    ghost = run("align", "ghost")
    assert ghost.code == 1
    assert ghost.err.strip().count("\n") == 0
    assert "no connection named 'ghost'" in ghost.err
    assert {"Integrator", "Analyst"}.isdisjoint(_categories(both)), "nothing without --apply"


# Zoho's Contacts have no category field; an org that keeps contact categories in a picklist of
# its own maps them like this. Billing and Purchasing are NetSuite contact categories, Partner
# is not; Buyer and Other are already picklist values.
CONTACT_TYPES = """\
contact:
  module: Contacts
  fields:
    Last_Name: {type: copy, source: lastname, fallback: [entityid], required: true}
    Contact_Type:
      type: value_map
      source: category_name
      values: {Billing: Accounts Payable, Purchasing: Buyer, Partner: Partner}
      unmapped: default
      default: Other
"""


async def _contact_type_picklist(values: list[str]) -> None:
    runtime = Runtime(load_settings())
    spec = {
        "field_label": "Contact Type",
        "data_type": "picklist",
        "pick_list_values": [{"display_value": value} for value in values],
    }
    try:
        async with open_side(runtime.engine, runtime.keyring, "acme", "zoho") as side:
            await ZohoCRM(side.client).create_field("Contacts", spec)
    finally:
        runtime.engine.dispose()


def test_contact_categories_are_aligned_with_a_contacts_picklist(
    run: Run, both: Served, tmp_path: Path
) -> None:
    mapping = tmp_path / "contacts.yaml"
    mapping.write_text(CONTACT_TYPES)
    asyncio.run(_contact_type_picklist(["Buyer", "Other"]))

    before = run("align", "acme", "--mapping", str(mapping), "--json")
    assert before.code == 1, before.err
    found = {(d["side"], d["kind"], d["where"], d["value"]) for d in before.json()["differences"]}
    assert found == {
        ("zoho", "picklist value", "Contacts.Contact_Type", "Accounts Payable"),
        ("zoho", "picklist value", "Contacts.Contact_Type", "Partner"),
        ("netsuite", "category", "contactcategory", "Partner"),
    }
    applied = run("align", "acme", "--mapping", str(mapping), "--apply", "--json")
    assert {d["outcome"] for d in applied.json()["differences"]} == {"done"}

    rows = both.netsuite.account.db.select("SELECT name FROM contactcategory")
    assert "Partner" in {row["name"] for row in rows}
    picklist = both.zoho.org.modules["Contacts"].fields["Contact_Type"].picklist
    assert {"Accounts Payable", "Partner"} <= set(picklist)
    again = run("align", "acme", "--mapping", str(mapping))
    assert again.code == 0, again.out
    assert "no differences" in again.out
