"""Reading NetSuite through SuiteQL over real HTTP: bursts, big tables, 429 storms, expiry."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime

import httpx
import pytest

from ml_connector.auth.session import open_side
from ml_connector.netsuite import RecordReader, SuiteQL
from ml_connector.rest import RetryPolicy
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from tests.integration.conftest import Store

pytestmark = pytest.mark.anyio


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


class Control:
    """The simulator's control API, as a test drives it."""

    def __init__(self, sim: NetSuiteSimulator, served: ServedApp) -> None:
        self.url = sim.control_url(served.base_url)

    async def post(self, path: str, body: dict[str, object] | None = None) -> httpx.Response:
        async with httpx.AsyncClient() as http:
            return await http.post(self.url + path, json=body or {})

    async def patch_many(self, paths: list[str], body: Mapping[str, object]) -> list[int]:
        async with httpx.AsyncClient() as http:
            return [(await http.patch(self.url + path, json=body)).status_code for path in paths]

    async def calls(self) -> dict[str, int]:
        async with httpx.AsyncClient() as http:
            return dict((await http.get(self.url + "/calls")).json()["calls"])


@contextlib.asynccontextmanager
async def reader_for(
    sim: NetSuiteSimulator,
    store: Store,
    *,
    name: str = "ns",
    custom: Mapping[str, list[str]] | None = None,
) -> AsyncIterator[tuple[RecordReader, SuiteQL, Control]]:
    with serving(sim.app) as served:
        document = {
            "netsuite": sim.credentials(served.base_url),
            "zoho": {"client_id": "unused", "client_secret": "unused"},
        }
        store.add(name, document)
        async with open_side(store.engine, store.keyring, name, "netsuite") as side:
            suiteql = SuiteQL(side.client, policy=RetryPolicy(initial=0.001), sleep=_no_wait)
            fields = custom or {"customer": ["custentity_tier"]}
            reader = RecordReader(suiteql, custom_fields=fields)
            yield reader, suiteql, Control(sim, served)


def _suiteql_calls(calls: dict[str, int]) -> int:
    return sum(n for path, n in calls.items() if "suiteql" in path)


async def test_rows_are_parsed_with_addresses_and_category(store: Store) -> None:
    sim = NetSuiteSimulator(records=200, seed=5)
    async with reader_for(sim, store) as (reader, _ql, _control):
        pages = [page async for page in reader.pages("customer")]
    rows = [row for page in pages for row in page]
    assert len(rows) == sim.account.db.count("customer")
    row = rows[0]
    assert isinstance(row["isinactive"], bool)
    assert isinstance(row["lastmodified"], datetime)
    assert row["lastmodified"].tzinfo is UTC
    assert row["billcountry"]
    assert row["category_name"]
    assert "custentity_tier" in row or all("custentity_tier" not in r for r in rows)


async def test_a_burst_of_ids_costs_one_call_per_thousand(store: Store) -> None:
    sim = NetSuiteSimulator(records=4000, seed=2)
    async with reader_for(sim, store) as (reader, suiteql, _control):
        ids = [str(row["id"]) async for page in reader.pages("customer") for row in page]
        before = suiteql.calls
        found = await reader.by_ids("customer", [*ids[:2500], "999999999"])
    assert suiteql.calls - before == 3
    assert sorted(r["id"] for r in found) == sorted(ids[:2500])


async def test_a_429_storm_is_ridden_out(store: Store) -> None:
    sim = NetSuiteSimulator(records=300, seed=4)
    async with reader_for(sim, store) as (reader, suiteql, control):
        rule = {"kind": "429", "path": "/services/rest/query/v1/suiteql", "count": 4}
        assert (await control.post("/faults", rule)).status_code < 300
        rows = [row async for page in reader.pages("vendor") for row in page]
    assert suiteql.throttled == 4
    assert len(rows) == sim.account.db.count("vendor")


async def test_dropped_connections_are_read_again(store: Store) -> None:
    sim = NetSuiteSimulator(records=300, seed=4)
    async with reader_for(sim, store) as (reader, suiteql, control):
        rule = {"kind": "reset", "path": "/services/rest/query/v1/suiteql", "count": 2}
        assert (await control.post("/faults", rule)).status_code < 300
        before = suiteql.calls
        rows = [row async for page in reader.pages("customer") for row in page]
    assert suiteql.calls - before == 3
    assert len(rows) == sim.account.db.count("customer")


async def test_tokens_expiring_mid_read_lose_nothing(store: Store) -> None:
    sim = NetSuiteSimulator(records=5000, seed=6)
    async with reader_for(sim, store) as (reader, _ql, control):
        seen: list[str] = []
        async for page in reader.pages("customer"):
            seen += [str(row["id"]) for row in page]
            await control.post("/tokens/expire")
    expected = sorted(str(r["id"]) for r in sim.account.db.select("SELECT id FROM customer"))
    assert sorted(seen) == expected
    assert len(seen) == len(set(seen)) > 1000


async def test_changes_in_one_second_across_pages_are_all_read(store: Store) -> None:
    frozen = float(int(time.time()))
    sim = NetSuiteSimulator(records=3000, seed=8, clock=lambda: frozen)
    async with reader_for(sim, store) as (reader, _ql, control):
        rows = sim.account.db.select("SELECT id FROM customer ORDER BY id LIMIT 1500")
        ids = [str(r["id"]) for r in rows]
        edit = {"fields": {"phone": "+1 555 0100"}}
        statuses = await control.patch_many([f"/records/customer/{i}" for i in ids], edit)
        assert set(statuses) == {200}
        since = datetime.fromtimestamp(frozen, UTC)
        changed = [r["id"] async for page in reader.modified_since("customer", since) for r in page]
    assert sorted(changed) == sorted(ids)
    assert len(changed) == len(set(changed))


@pytest.mark.slow
async def test_more_than_100000_rows_page_by_key(store: Store) -> None:
    sim = NetSuiteSimulator(records=172_000, seed=1)
    total = sim.account.db.count("customer")
    assert total > 100_000
    async with reader_for(sim, store) as (reader, suiteql, _control):
        count, last = 0, ""
        async for page in reader.pages("customer"):
            count += len(page)
            assert int(page[0]["id"]) > int(last or 0)
            last = str(page[-1]["id"])
    assert count == total
    assert suiteql.calls == -(-total // 1000)


def _address_line(addr1: str, city: str, state: str, *, billing: bool) -> dict[str, object]:
    address = {"addr1": addr1, "addr2": "Floor 2", "addressee": "Ada Byron",
               "attention": "Accounts", "city": city, "state": state, "zip": "02108",
               "country": "US"}  # fmt: skip
    return {"defaultBilling": billing, "defaultShipping": not billing, "label": addr1,
            "addressbookaddress": address}  # fmt: skip


CONTACT = {
    "firstName": "Ada", "lastName": "Byron", "email": "ada@example.com",
    "altEmail": "ada@home.example", "phone": "+1 617 555 0100", "officePhone": "+1 617 555 0102",
    "mobilePhone": "+1 857 555 0101", "homePhone": "+1 781 555 0103", "fax": "+1 617 555 0104",
    "title": "CFO", "category": {"id": "4"}, "subsidiary": {"id": "2"},
    "custentity_tier": "Gold",
    "addressbook": {"items": [
        _address_line("1 Beacon St", "Boston", "MA", billing=True),
        _address_line("9 Dock Rd", "Austin", "TX", billing=False),
    ]},
}  # fmt: skip


async def _create(control: Control, record_type: str, fields: dict[str, object]) -> str:
    created = await control.post(f"/records/{record_type}", {"fields": fields})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_a_contact_is_read_with_its_addresses_phones_and_category_every_way(
    store: Store,
) -> None:
    frozen = float(int(time.time()))
    sim = NetSuiteSimulator(records=60, seed=3, clock=lambda: frozen)
    company = str(sim.account.db.select("SELECT MIN(id) AS id FROM customer")[0]["id"])
    custom = {"contact": ["custentity_tier"]}
    async with reader_for(sim, store, custom=custom) as (reader, _ql, control):
        key = await _create(control, "contact", {**CONTACT, "company": {"id": company}})
        by_id = await reader.by_ids("contact", [key])
        paged = [r async for page in reader.pages("contact") for r in page if r["id"] == key]
        since = datetime.fromtimestamp(frozen, UTC)
        changed = [r async for page in reader.modified_since("contact", since) for r in page]
    stamp = datetime.fromtimestamp(frozen, UTC)
    expected = {
        "id": key, "entityid": "Ada Byron", "company": company, "company_type": "customer",
        "firstname": "Ada", "lastname": "Byron", "email": "ada@example.com",
        "altemail": "ada@home.example", "phone": "+1 617 555 0100",
        "officephone": "+1 617 555 0102", "mobilephone": "+1 857 555 0101",
        "homephone": "+1 781 555 0103", "fax": "+1 617 555 0104", "title": "CFO",
        "isinactive": False, "category": "4", "category_name": "Technical", "subsidiary": "2",
        "custentity_tier": "Gold", "lastmodified": stamp, "created": stamp,
        "billaddr1": "1 Beacon St", "billaddr2": "Floor 2", "billaddressee": "Ada Byron",
        "billattention": "Accounts", "billcity": "Boston", "billstate": "MA",
        "billzip": "02108", "billcountry": "US",
        "shipaddr1": "9 Dock Rd", "shipaddr2": "Floor 2", "shipaddressee": "Ada Byron",
        "shipattention": "Accounts", "shipcity": "Austin", "shipstate": "TX",
        "shipzip": "02108", "shipcountry": "US",
    }  # fmt: skip
    assert by_id == paged == changed == [expected]


async def test_a_contact_without_an_address_book_reads_with_no_address(store: Store) -> None:
    sim = NetSuiteSimulator(records=60, seed=3)
    vendor = str(sim.account.db.select("SELECT MIN(id) AS id FROM vendor")[0]["id"])
    async with reader_for(sim, store) as (reader, _ql, control):
        key = await _create(
            control, "contact", {"firstName": "Bo", "lastName": "Lind", "company": {"id": vendor}}
        )
        [row] = await reader.by_ids("contact", [key])
    assert row["company_type"] == "vendor"
    assert [c for c in row if c.startswith(("bill", "ship"))] == []
    assert {"category", "category_name", "mobilephone", "fax", "altemail"}.isdisjoint(row)
