"""The control API and seed data: deterministic, NetSuite-shaped, readable in full."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.netsuite.generator import generate
from tests.sandbox.netsuite.conftest import BASE_URL, FakeClock

pytestmark = pytest.mark.anyio

CREDENTIAL_KEYS = {
    "base_url",
    "account_id",
    "client_id",
    "certificate_id",
    "private_key_pem",
    "consumer_key",
    "consumer_secret",
    "token_id",
    "token_secret",
    "webhook_secret",
}


def test_credentials_have_exactly_the_documented_keys(simulator: NetSuiteSimulator) -> None:
    creds = simulator.credentials(BASE_URL + "/")

    assert set(creds) == CREDENTIAL_KEYS
    assert creds["base_url"] == BASE_URL
    assert creds["private_key_pem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert creds["webhook_secret"].startswith("whsec_")
    assert simulator.control_url(BASE_URL) == f"{BASE_URL}/_sandbox"


def test_same_seed_same_data(clock: FakeClock) -> None:
    one = NetSuiteSimulator(records=200, seed=5, clock=clock).account.db.snapshot()
    two = NetSuiteSimulator(records=200, seed=5, clock=clock).account.db.snapshot()
    other = NetSuiteSimulator(records=200, seed=6, clock=clock).account.db.snapshot()

    assert one == two
    assert one["customer"] != other["customer"]


def test_seed_has_hierarchies_individuals_contacts_addresses_and_custom_fields(
    clock: FakeClock,
) -> None:
    db = NetSuiteSimulator(records=2000, seed=1, clock=clock).account.db

    customers = db.select("SELECT * FROM customer")
    assert any(c["parent"] for c in customers)
    assert {c["isperson"] for c in customers} == {"T", "F"}
    assert all(c["custentity_industry"] for c in customers)
    orphans = db.select(
        "SELECT id FROM contact WHERE company NOT IN (SELECT id FROM customer UNION "
        "SELECT id FROM vendor)"
    )
    assert orphans == []
    unlinked = db.select(
        "SELECT c.id FROM customer c LEFT JOIN customeraddressbookentityaddress a "
        "ON a.nkey = c.defaultbillingaddress WHERE a.nkey IS NULL"
    )
    assert unlinked == []
    contacts = db.select(
        "SELECT e.mobilephone, e.fax, e.altemail, c.name AS category, a.city FROM contact e "
        "LEFT JOIN contactcategory c ON c.id = e.category "
        "LEFT JOIN contactaddressbookentityaddress a ON a.nkey = e.defaultbillingaddress"
    )
    for column in ("mobilephone", "fax", "altemail", "category", "city"):
        share = sum(1 for c in contacts if c[column]) / len(contacts)
        assert 0.1 < share < 0.9, f"some contacts have a {column}, some not ({share:.0%})"


def test_entity_ids_are_unique_across_types(clock: FakeClock) -> None:
    db = NetSuiteSimulator(records=500, seed=2, clock=clock).account.db
    generate(db, records=100, seed=9)

    ids = db.select(
        "SELECT id FROM customer UNION ALL SELECT id FROM vendor UNION ALL SELECT id FROM contact"
    )

    assert len(ids) == len({row["id"] for row in ids})


async def test_seed_and_state_through_the_control_api(client: httpx.AsyncClient) -> None:
    before = (await client.get("/_sandbox/state")).json()

    seeded = await client.post("/_sandbox/seed", json={"records": 100, "seed": 4})
    after = (await client.get("/_sandbox/state")).json()

    inserted = seeded.json()["inserted"]
    assert sum(inserted[t] for t in ("customer", "vendor", "contact")) == 100
    grown = sum(
        len(after["tables"][t]) - len(before["tables"][t])
        for t in ("customer", "vendor", "contact")
    )
    assert grown == 100
    assert after["settings"] == {"concurrency": 5, "latency_ms": 0, "token_ttl": 3600}


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        ("/_sandbox/seed", "POST", {"records": -1}),
        ("/_sandbox/settings", "PATCH", {"concurrency": "many"}),
        ("/_sandbox/settings", "PATCH", {"token_ttl": 0}),
        ("/_sandbox/records/invoice", "POST", {"fields": {}}),
        ("/_sandbox/records/customer", "POST", {"fields": {"nope": 1}}),
        ("/_sandbox/webhook", "PUT", {"url": 5}),
    ],
)
async def test_control_api_refuses_bad_input(
    client: httpx.AsyncClient, path: str, method: str, body: dict[str, object]
) -> None:
    response = await client.request(method, path, json=body)

    assert response.status_code == 400
    assert response.json()["error"]


async def test_editing_a_missing_record_is_404(client: httpx.AsyncClient) -> None:
    response = await client.patch("/_sandbox/records/customer/999999", json={"fields": {}})

    assert response.status_code == 404
