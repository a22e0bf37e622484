"""Events from the NetSuite simulator reach our receiver over real HTTP and are stored once.

The simulator posts exactly what our SuiteScript posts (Standard Webhooks, ``whsec_`` secret),
once and without retry, like ``N/https``. Nothing sleeps: ``GET /_sandbox/events?wait=true``
returns when every delivery in flight has been answered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.store.connections import add_connection
from ml_connector.store.inbox import pending
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import upgrade
from ml_connector.web import create_app

pytestmark = pytest.mark.anyio

BURST = 1_000


@dataclass(frozen=True)
class Wired:
    """The simulator's base URL, and the connection whose inbox its events land in."""

    netsuite: str
    engine: Engine
    connection_id: int


@pytest.fixture
def wired(empty_engine: Engine) -> Iterator[Wired]:
    upgrade(empty_engine)
    simulator = NetSuiteSimulator(records=20, seed=5)
    credentials = simulator.credentials("http://unused")
    keyring = Keyring([new_key()])
    connection = add_connection(
        empty_engine, keyring, name="acme",
        config={"netsuite": {"account_id": credentials["account_id"]}},
        secrets={"netsuite": {"webhook_secret": credentials["webhook_secret"]}},
    )  # fmt: skip
    app = create_app(engine=empty_engine, keyring=keyring, clock=time.time)
    with serving(simulator.app) as netsuite, serving(app) as hooks:
        url = f"{hooks.base_url}/hooks/netsuite/acme"
        httpx.put(f"{netsuite.base_url}/_sandbox/webhook", json={"url": url}).raise_for_status()
        yield Wired(netsuite.base_url, empty_engine, connection.id)


async def _records(http: httpx.AsyncClient, kind: str) -> list[int]:
    state = (await http.get("/_sandbox/state")).json()
    return [int(row["id"]) for row in state["tables"][kind]]


async def _settled(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await http.get("/_sandbox/events", params={"wait": "true"}, timeout=120)
    return list(response.json()["events"])


async def test_an_edit_in_netsuite_lands_in_the_inbox_once(wired: Wired) -> None:
    async with httpx.AsyncClient(base_url=wired.netsuite) as http:
        [key, *_] = await _records(http, "customer")
        await http.patch(f"/_sandbox/records/customer/{key}", json={"fields": {"phone": "555"}})
        [entry] = await _settled(http)

    [row] = pending(wired.engine, wired.connection_id, 10)
    assert entry["outcome"] == 202
    assert row.payload == entry["event"]
    assert (row.record_type, row.record_id) == ("customer", str(key))


async def test_our_own_rest_writes_are_acknowledged_but_not_queued(wired: Wired) -> None:
    async with httpx.AsyncClient(base_url=wired.netsuite) as http:
        [key, *_] = await _records(http, "vendor")
        edit = {"fields": {"phone": "1"}, "context": "REST_WEBSERVICES"}
        await http.patch(f"/_sandbox/records/vendor/{key}", json=edit)
        [entry] = await _settled(http)

    assert entry["outcome"] == 200
    assert pending(wired.engine, wired.connection_id, 10) == []


async def test_a_burst_of_a_thousand_edits_is_stored_exactly_once_each(wired: Wired) -> None:
    # Idle connections are dropped well before the server's 5 s keep-alive closes them under us.
    limits = httpx.Limits(max_connections=20, keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=wired.netsuite, limits=limits, timeout=60) as http:
        keys = await _records(http, "customer")
        # As many edits in flight as the client has connections: a thousand requests queued in
        # httpx's pool are re-scanned on every answer, and that work held the GIL from the
        # simulator's thread long enough for its posts to miss N/https's 5 s connect timeout.
        room = asyncio.Semaphore(20)

        async def edit(n: int) -> httpx.Response:
            async with room:
                return await http.patch(
                    f"/_sandbox/records/customer/{keys[n % len(keys)]}",
                    json={"fields": {"phone": f"+1 555 {n:04d}"}},
                )

        answers = await asyncio.gather(*(edit(n) for n in range(BURST)))
        log = await _settled(http)

    assert {answer.status_code for answer in answers} == {200}
    assert len(log) == BURST
    assert {entry["outcome"] for entry in log} == {202}
    rows = pending(wired.engine, wired.connection_id, 2 * BURST)
    assert sorted(row.idempotency_key for row in rows) == sorted(
        f"netsuite_event:{entry['event']['event_id']}" for entry in log
    )
