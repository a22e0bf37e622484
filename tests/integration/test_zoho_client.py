"""The Zoho client against the simulator over real HTTP, through a stored connection."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ml_connector.auth.session import open_side
from ml_connector.rest import RetryPolicy
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.zoho import ZohoCRM, key_field_spec
from tests.integration.conftest import Store

pytestmark = pytest.mark.anyio

KEY = ["NetSuite_ID"]
UNUSED_NETSUITE = {"account_id": "1234567", "auth": "authorization_code", "client_id": "unused"}


async def no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


@dataclass
class Org:
    """A connected simulated org: the client under test and the simulator's control API."""

    crm: ZohoCRM
    control: str

    async def control_call(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient() as http:
            response = await http.request(method, self.control + path, json=body)
            response.raise_for_status()
            return response.json() if response.content else None

    async def records(self, module: str) -> list[dict[str, Any]]:
        return list((await self.control_call("GET", "/state"))["records"][module])

    async def calls(self, endpoint: str) -> int:
        return int((await self.control_call("GET", "/counters")).get(endpoint, 0))


@contextlib.asynccontextmanager
async def connected(
    store: Store, *, scope: str | None = None, edition_limit: int = 20, **sim_options: Any
) -> AsyncIterator[tuple[Org, ZohoSimulator]]:
    """A fresh simulator on loopback, reached through ``open_side`` from a stored connection.

    ``scope`` narrows what the connection's refresh token was granted, as a self-client code
    generated with fewer scopes would.
    """
    sim = ZohoSimulator(seed=7, **sim_options)
    with serving(sim.app) as served:
        zoho = sim.credentials(served.base_url)
        if scope is not None:
            zoho["refresh_token"] = sim.org.authority.issue_refresh_token(sim.client_id, scope)
        store.add("z", {"netsuite": UNUSED_NETSUITE, "zoho": zoho})
        async with open_side(store.engine, store.keyring, "z", "zoho") as side:
            crm = ZohoCRM(
                side.client,
                edition_limit=edition_limit,
                policy=RetryPolicy(initial=0.001),
                sleep=no_wait,
            )
            yield Org(crm, sim.control_url(served.base_url)), sim


@contextlib.asynccontextmanager
async def keyed_org(store: Store, **options: Any) -> AsyncIterator[Org]:
    """An org whose Accounts have the unique NetSuite_ID key field."""
    async with connected(store, **options) as (org, _sim):
        await org.crm.create_field("Accounts", key_field_spec("NetSuite_ID"))
        yield org


def companies(count: int, name: str = "Acme {i}") -> list[dict[str, Any]]:
    return [{"Account_Name": name.format(i=i), "NetSuite_ID": str(1000 + i)} for i in range(count)]


async def test_250_records_in_3_calls_then_again_as_updates_without_duplicates(
    store: Store,
) -> None:
    async with keyed_org(store) as org:
        first = await org.crm.upsert("Accounts", companies(250), duplicate_check_fields=KEY)
        assert await org.calls("POST /crm/v8/Accounts/upsert") == 3
        assert {(r.ok, r.action) for r in first} == {(True, "insert")}
        again = await org.crm.upsert(
            "Accounts", companies(250, "Acme {i} Ltd"), duplicate_check_fields=KEY
        )
        assert {(r.ok, r.action, r.duplicate_field) for r in again} == {
            (True, "update", "NetSuite_ID")
        }
        assert [r.record_id for r in again] == [r.record_id for r in first]
        stored = await org.records("Accounts")
        assert len(stored) == 250
        assert {r["Account_Name"] for r in stored} == {f"Acme {i} Ltd" for i in range(250)}


async def test_same_company_names_with_different_netsuite_ids_stay_separate(
    store: Store,
) -> None:
    async with keyed_org(store) as org:
        results = await org.crm.upsert(
            "Accounts", companies(3, "Globex"), duplicate_check_fields=KEY
        )
        assert [r.action for r in results] == ["insert"] * 3
        assert len({r.record_id for r in results}) == 3
        found = await org.crm.get_by_ids(
            "Accounts", [str(r.record_id) for r in results], ["Account_Name", "NetSuite_ID"]
        )
        assert sorted(f["NetSuite_ID"] for f in found) == ["1000", "1001", "1002"]


async def test_a_bad_record_is_reported_and_its_batch_mates_are_written(store: Store) -> None:
    async with keyed_org(store) as org:
        records = companies(3)
        records[1] = {"NetSuite_ID": "2000", "No_Such_Field": "x", "Account_Name": "Bad"}
        records[2] = {"NetSuite_ID": "2001"}
        results = await org.crm.upsert("Accounts", records, duplicate_check_fields=KEY)
        assert [(r.ok, r.code, r.field) for r in results] == [
            (True, "SUCCESS", None),
            (False, "INVALID_DATA", "No_Such_Field"),
            (False, "MANDATORY_NOT_FOUND", "Account_Name"),
        ]
        assert len(await org.records("Accounts")) == 1


async def test_a_429_storm_is_ridden_out(store: Store) -> None:
    async with keyed_org(store) as org:
        fault = {"kind": "status", "status": 429, "path": "/crm/v8/Accounts/upsert", "count": 4}
        await org.control_call("POST", "/faults", fault)
        results = await org.crm.upsert("Accounts", companies(100), duplicate_check_fields=KEY)
        assert all(r.ok for r in results)
        assert org.crm.throttled == 4
        assert len(await org.records("Accounts")) == 100


async def test_a_storm_longer_than_5_retries_journals_the_batch_as_failed(store: Store) -> None:
    async with keyed_org(store) as org:
        fault = {"kind": "status", "status": 429, "path": "/crm/v8/Accounts/upsert", "count": 6}
        await org.control_call("POST", "/faults", fault)
        results = await org.crm.upsert("Accounts", companies(40), duplicate_check_fields=KEY)
        assert {(r.ok, r.code, r.status) for r in results} == {(False, "TOO_MANY_REQUESTS", 429)}
        assert len(results) == 40
        assert await org.records("Accounts") == []
        replayed = await org.crm.upsert("Accounts", companies(40), duplicate_check_fields=KEY)
        assert all(r.ok for r in replayed)


async def test_heavy_upserts_side_by_side_stay_under_zoho_s_limits(store: Store) -> None:
    async with keyed_org(store, edition="standard", edition_limit=10) as org:
        batches = [
            [{"Account_Name": f"Batch {b}", "NetSuite_ID": f"{b}-{i}"} for i in range(20)]
            for b in range(30)
        ]
        calls = [org.crm.upsert("Accounts", x, duplicate_check_fields=KEY) for x in batches]
        results = [r for batch in await asyncio.gather(*calls) for r in batch]
        assert all(r.ok for r in results)
        assert org.crm.throttled == 0
        assert len(await org.records("Accounts")) == 600
