"""``mapping preview``: one NetSuite record read over real HTTP, shown as the payload it becomes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from ml_connector.cli.runtime import Runtime
from ml_connector.store.connections import get_connection
from ml_connector.store.tables import links
from tests.conftest import Run
from tests.mapping.conftest import ServedNetSuite


def _first(netsuite: ServedNetSuite, sql: str) -> dict[str, object]:
    return netsuite.simulator.account.db.select(sql)[0]


def test_a_customer_becomes_an_account(run: Run, both: Runtime, netsuite: ServedNetSuite) -> None:
    row = _first(
        netsuite,
        "SELECT id, companyname FROM customer WHERE isperson = 'F' AND parent IS NULL ORDER BY id",
    )
    result = run("mapping", "preview", "acme", "customer", str(row["id"]), "--json")
    assert result.code == 0, result.err
    shown = result.json()
    assert shown["outcome"] == "MappedRecord"
    payload = shown["payload"]
    assert payload["NetSuite_ID"] == str(row["id"])
    assert payload["Account_Name"] == row["companyname"]
    assert payload["Billing_Country"] in {"United States", "United Kingdom", "Germany", "Canada"}
    fields = {line["field"]: line for line in shown["fields"]}
    assert fields["Account_Name"]["read"]["companyname"] == row["companyname"]
    assert fields["Phone"]["status"] == "set"
    assert payload["Phone"].startswith("+1617555"), "E.164, as Zoho stores it"


def test_a_contact_waits_for_its_company_then_links_to_it(
    run: Run, both: Runtime, netsuite: ServedNetSuite
) -> None:
    contact = _first(
        netsuite,
        "SELECT c.id, c.company FROM contact c JOIN customer k ON k.id = c.company ORDER BY c.id",
    )
    args = ("mapping", "preview", "acme", "contact", str(contact["id"]))
    waiting = run(*args)
    assert waiting.code == 0, waiting.err
    assert f"waits for customer {contact['company']} to reach Zoho first" in waiting.out
    _link(both, "customer", str(contact["company"]), "zoho-account-1")
    shown = run(*args, "--json").json()
    assert shown["outcome"] == "MappedRecord"
    assert shown["payload"]["Account_Name"] == {"id": "zoho-account-1"}
    assert shown["payload"]["Vendor_Name"] is None


def _link(runtime: Runtime, ns_type: str, ns_id: str, zoho_id: str) -> None:
    connection = get_connection(runtime.engine, "acme")
    row = {
        "connection_id": connection.id,
        "ns_type": ns_type,
        "ns_id": ns_id,
        "zoho_module": "Accounts",
        "zoho_id": zoho_id,
        "written_at": datetime.now(UTC),
    }
    with runtime.engine.begin() as conn:
        conn.execute(insert(links).values(row))


def test_an_unknown_record_is_one_clear_error(run: Run, both: Runtime) -> None:
    result = run("mapping", "preview", "acme", "customer", "99999999")
    assert result.code == 1
    assert "NetSuite has no customer with internal id '99999999'" in result.err


def test_an_unknown_type_lists_the_valid_ones(run: Run, both: Runtime) -> None:
    result = run("mapping", "preview", "acme", "lead", "1")
    assert result.code == 1
    assert "unknown record type 'lead' (valid: customer, vendor, contact)" in result.err
