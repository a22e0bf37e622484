"""Concurrency by edition, the heavy-write sub-limit of 10 and the 24-hour credit budget."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from ml_connector.sandbox.zoho import ZohoSimulator

from .conftest import FakeClock, mint_token

TOO_MANY = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": (
        "Number of API requests for the 24 hour period is exceeded or the concurrency limit of "
        "the user for the app is exceeded"
    ),
    "status": "error",
}


@contextlib.asynccontextmanager
async def authorized(sim: ZohoSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client with a fresh token: concurrency needs no sockets."""
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://zoho") as client:
        await _authorize(client, sim)
        yield client


async def _authorize(client: httpx.AsyncClient, sim: ZohoSimulator) -> None:
    creds = sim.credentials("http://zoho")
    form = {
        "grant_type": "refresh_token",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "refresh_token": creds["refresh_token"],
    }
    token = (await client.post("/oauth/v2/token", data=form)).json()["access_token"]
    client.headers["Authorization"] = f"Zoho-oauthtoken {token}"


@pytest.fixture
async def slow_free(clock: FakeClock) -> AsyncIterator[tuple[ZohoSimulator, httpx.AsyncClient]]:
    """A Free-edition org (5 concurrent calls) whose calls each take a while to serve."""
    sim = ZohoSimulator(edition="free", latency_ms=100, clock=clock)
    async with authorized(sim) as client:
        yield sim, client


async def fire(
    client: httpx.AsyncClient, count: int, method: str, path: str, body: object = None
) -> list[httpx.Response]:
    """``count`` identical calls started together; their responses in completion order."""
    responses: list[httpx.Response] = []

    async def one() -> None:
        responses.append(await client.request(method, path, json=body))

    async with anyio.create_task_group() as group:
        for _ in range(count):
            group.start_soon(one)
    return responses


@pytest.mark.anyio
async def test_calls_beyond_the_edition_concurrency_get_429_without_retry_after(
    slow_free: tuple[ZohoSimulator, httpx.AsyncClient],
) -> None:
    _, client = slow_free
    responses = await fire(client, 6, "GET", "/crm/v8/org")
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 1
    assert refused[0].json() == TOO_MANY
    assert "retry-after" not in refused[0].headers
    assert refused[0].headers["content-type"] == "application/json"


@pytest.mark.anyio
async def test_raising_the_edition_raises_the_concurrency(
    slow_free: tuple[ZohoSimulator, httpx.AsyncClient],
) -> None:
    sim, client = slow_free
    sim.edition = "standard"
    responses = await fire(client, 10, "GET", "/crm/v8/org")
    assert {r.status_code for r in responses} == {200}


@pytest.mark.anyio
async def test_more_than_ten_concurrent_writes_of_over_ten_records_get_429(
    clock: FakeClock,
) -> None:
    sim = ZohoSimulator(latency_ms=100, clock=clock)
    heavy = {"data": [{"Account_Name": f"A{i}"} for i in range(11)]}
    light = {"data": [{"Account_Name": f"A{i}"} for i in range(10)]}
    async with authorized(sim) as client:
        heavy_results = await fire(client, 11, "POST", "/crm/v8/Accounts/upsert", heavy)
        light_results = await fire(client, 11, "POST", "/crm/v8/Accounts/upsert", light)
    assert sorted(r.status_code for r in heavy_results) == [200] * 10 + [429]
    assert {r.status_code for r in light_results} == {200}


def test_unknown_editions_are_refused(sim: ZohoSimulator, control: httpx.Client) -> None:
    with pytest.raises(ValueError, match="valid: free, standard"):
        sim.edition = "platinum"
    response = control.put("/settings", json={"edition": "platinum"})
    assert response.status_code == 400
    assert "enterprise" in response.json()["error"]


def test_credits_are_charged_per_ten_records_and_refused_when_spent(
    sim: ZohoSimulator,
    api: httpx.Client,
    anon: httpx.Client,
    control: httpx.Client,
    clock: FakeClock,
) -> None:
    control.put("/settings", json={"credit_budget": 25})
    batch = {"data": [{"Account_Name": f"A{i}"} for i in range(100)]}
    first = api.post("/crm/v8/Accounts/upsert", json=batch)  # 10 credits
    assert "x-api-credits-remaining" not in first.headers
    second = api.post("/crm/v8/Accounts/upsert", json=batch)  # 20 credits: over half used
    assert second.headers["x-api-credits-remaining"] == "5"
    third = api.post("/crm/v8/Accounts/upsert", json=batch)  # would be 30
    assert (third.status_code, third.json()) == (429, TOO_MANY)
    assert api.get("/crm/v8/org").status_code == 200  # 1 credit still fits
    clock.advance(24 * 3600)
    headers = {"Authorization": f"Zoho-oauthtoken {mint_token(anon, sim)}"}
    again = anon.post("/crm/v8/Accounts/upsert", json=batch, headers=headers)
    assert again.status_code == 200


def test_credit_budget_follows_the_edition(sim: ZohoSimulator, control: httpx.Client) -> None:
    state = control.get("/state").json()
    assert state["credits"]["budget"] == 60_000  # 50,000 + 10 users x 1,000
    control.put("/settings", json={"edition": "free"})
    state = control.get("/state").json()
    assert (state["credits"]["budget"], state["concurrency"]["limit"]) == (5_000, 5)


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"token_ttl": "soon"}, "token_ttl must be a number of seconds above 0"),
        ({"token_ttl": 0}, "token_ttl must be a number of seconds above 0"),
        ({"concurrency": 0}, "concurrency must be an integer of at least 1"),
        ({"credit_budget": 1.5}, "credit_budget must be an integer of at least 0"),
        ({"latency_ms": True}, "latency_ms must be an integer of at least 0"),
        ({"edition": ["free"]}, "edition must be one of free, standard"),
        ({"concurrency": 3, "latency_ms": -1}, "latency_ms must be"),
    ],
)
def test_bad_settings_are_refused_with_the_reason_and_change_nothing(
    control: httpx.Client, settings: dict[str, object], error: str
) -> None:
    response = control.put("/settings", json=settings)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    state = control.get("/state").json()
    assert (state["edition"], state["concurrency"]["limit"]) == ("enterprise", 20)


def test_concurrency_can_be_set_apart_from_the_edition(control: httpx.Client) -> None:
    settings = control.put("/settings", json={"edition": "ultimate", "concurrency": 3}).json()
    assert (settings["edition"], settings["concurrency"]) == ("ultimate", 3)
    assert control.get("/state").json()["concurrency"]["limit"] == 3


@pytest.mark.anyio
async def test_an_injected_latency_holds_calls_in_flight(clock: FakeClock) -> None:
    sim = ZohoSimulator(edition="free", clock=clock)
    async with authorized(sim) as client:
        fault = {"kind": "latency", "latency_ms": 100, "path": "/crm/v8/org"}
        assert (await client.post("/_sandbox/faults", json=fault)).status_code == 201
        responses = await fire(client, 6, "GET", "/crm/v8/org")
    assert sorted(r.status_code for r in responses) == [200] * 5 + [429]
