"""The Zoho receiver: a callback of the connection's own channel becomes one row per record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ml_connector.store.channels import REPLACED, mark_channel, save_channel
from ml_connector.store.connections import get_connection
from ml_connector.store.inbox import pending
from ml_connector.web import create_app
from tests.web.conftest import NOW, Store, inbox_rows

pytestmark = pytest.mark.anyio

HOOK = "/hooks/zoho/acme"
CHANNEL, TOKEN = "100000000000000042", "t0ken-of-the-channel"


def callback(**changes: Any) -> dict[str, Any]:
    body = {
        "server_time": 1718117126473, "query_params": {}, "module": "Accounts",
        "resource_uri": "https://www.zohoapis.com/crm/v2/Accounts", "ids": ["9001", "9002"],
        "affected_fields": [], "operation": "update", "channel_id": CHANNEL, "token": TOKEN,
    }  # fmt: skip
    return body | changes


@pytest.fixture
def channel(store: Store) -> int:
    connection_id = get_connection(store.engine, "acme").id
    now = datetime.fromtimestamp(NOW, UTC)
    with store.engine.begin() as conn:
        save_channel(
            conn, store.keyring, connection_id=connection_id, channel_id=CHANNEL,
            events=("Accounts.all",), token=TOKEN, expires_at=now + timedelta(days=1), now=now,
        )  # fmt: skip
    return connection_id


@pytest.fixture
def woken() -> list[str]:
    return []


@pytest.fixture
async def client(store: Store, channel: int, woken: list[str]) -> Any:
    app = create_app(
        engine=store.engine, keyring=store.keyring, clock=lambda: NOW, on_event=woken.append
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as http:
        yield http


async def test_each_record_of_a_callback_is_queued_once(
    client: httpx.AsyncClient, store: Store, channel: int, woken: list[str]
) -> None:
    first = await client.post(HOOK, json=callback())
    again = await client.post(HOOK, json=callback())

    assert (first.status_code, first.json()) == (200, {"status": "queued", "stored": 2})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate", "stored": 0})
    rows = pending(store.engine, channel)
    assert [(r.source, r.record_type, r.record_id) for r in rows] == [
        ("zoho_callback", "customer", "9001"),
        ("zoho_callback", "customer", "9002"),
    ]
    assert rows[0].payload == {"module": "Accounts", "operation": "update", "zoho_id": "9001"}
    assert woken == ["acme"], "a drain is woken for new rows only"


async def test_a_later_callback_for_the_same_record_is_a_new_row(
    client: httpx.AsyncClient, store: Store
) -> None:
    await client.post(HOOK, json=callback(ids=["9001"]))
    await client.post(HOOK, json=callback(ids=["9001"], server_time=1718117999999))

    assert inbox_rows(store.engine) == 2


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({"token": "guess"}, 401, "token does not match the channel's"),
        ({"token": None}, 401, "token does not match the channel's"),
        ({"channel_id": "7"}, 404, "unknown channel"),
        ({"ids": []}, 400, "callback has no ids"),
        ({"server_time": "soon"}, 400, "callback has no server_time"),
        ({"module": None}, 400, "callback has no module"),
    ],
)
async def test_a_callback_that_is_not_the_channels_own_is_refused(
    client: httpx.AsyncClient, store: Store, changes: dict[str, Any], status: int, reason: str
) -> None:
    response = await client.post(HOOK, json=callback(**changes))

    assert (response.status_code, response.json()) == (
        status, {"status": "rejected", "reason": reason}
    )  # fmt: skip
    assert inbox_rows(store.engine) == 0


async def test_a_body_that_is_not_json_is_refused(client: httpx.AsyncClient, store: Store) -> None:
    response = await client.post(HOOK, content=b"ids=1")

    assert response.status_code == 400
    assert inbox_rows(store.engine) == 0


async def test_another_connections_channel_is_unknown_here(
    client: httpx.AsyncClient, store: Store
) -> None:
    store.add("globex", {"webhook_secret": "unused"})

    response = await client.post("/hooks/zoho/globex", json=callback())
    missing = await client.post("/hooks/zoho/nobody", json=callback())

    assert (response.status_code, response.json()["reason"]) == (404, "unknown channel")
    assert (missing.status_code, missing.json()["reason"]) == (404, "no such connection")
    assert inbox_rows(store.engine) == 0


async def test_a_replaced_channel_is_refused_with_its_status(
    client: httpx.AsyncClient, store: Store
) -> None:
    with store.engine.begin() as conn:
        mark_channel(conn, CHANNEL, REPLACED)

    response = await client.post(HOOK, json=callback())

    assert (response.status_code, response.json()["reason"]) == (404, "channel is replaced")
    assert inbox_rows(store.engine) == 0


async def test_a_module_the_mapping_does_not_sync_is_acknowledged_and_not_stored(
    client: httpx.AsyncClient, store: Store, woken: list[str]
) -> None:
    response = await client.post(HOOK, json=callback(module="Leads"))

    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert inbox_rows(store.engine) == 0
    assert woken == []
