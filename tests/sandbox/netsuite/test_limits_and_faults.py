"""The account's concurrency pool, injected faults and call counters, over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from tests.sandbox.netsuite.conftest import SUITEQL, FakeClock, authed

pytestmark = pytest.mark.anyio

CONCURRENCY_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
    "title": "Bad Request",
    "status": 429,
    "o:errorCode": "USER_ERROR",
    "o:errorDetails": [
        {
            "detail": "Concurrent request limit exceeded. Request blocked.",
            "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED",
        }
    ],
}


async def _suiteql(http: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await http.post(
        SUITEQL, json={"q": "SELECT id FROM customercategory"}, headers=headers, params={"limit": 1}
    )


@pytest.fixture
async def live(
    simulator: NetSuiteSimulator, served: ServedApp
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """A plain client talking to the simulator over a real loopback socket."""
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        headers = await authed(http, simulator.credentials(served.base_url))
        yield http, {**headers, "Prefer": "transient"}


async def test_requests_beyond_the_pool_get_429_without_retry_after(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    http, headers = live
    await http.patch("/_sandbox/settings", json={"concurrency": 2, "latency_ms": 1000})

    responses = await asyncio.gather(*(_suiteql(http, headers) for _ in range(6)))

    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 4
    assert sum(r.status_code == 200 for r in responses) == 2
    assert all(r.json() == CONCURRENCY_BODY for r in refused)
    assert all("retry-after" not in r.headers for r in refused)


async def test_connection_reset_is_a_transport_error_for_the_client(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    http, headers = live
    await http.post("/_sandbox/faults", json={"kind": "reset", "path": SUITEQL, "count": 1})

    with pytest.raises(httpx.TransportError):
        await _suiteql(http, headers)
    after = await _suiteql(http, headers)

    assert after.status_code == 200


async def test_schedule_next_n_calls_fail_then_recover(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    headers = {**await authed(client, creds), "Prefer": "transient"}
    await client.post("/_sandbox/faults", json={"kind": "429", "path": SUITEQL, "count": 2})

    statuses = [(await _suiteql(client, headers)).status_code for _ in range(3)]

    assert statuses == [429, 429, 200]


async def test_schedule_can_skip_calls_first(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    headers = {**await authed(client, creds), "Prefer": "transient"}
    rule = {"kind": "500", "path": SUITEQL, "after": 1, "count": 1}
    await client.post("/_sandbox/faults", json=rule)

    responses = [await _suiteql(client, headers) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 500, 200]
    detail = responses[1].json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "UNEXPECTED_ERROR"
    assert detail["detail"].startswith("An unexpected error occurred. Error ID: ")


async def test_gateway_errors_are_not_json(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    headers = {**await authed(client, creds), "Prefer": "transient"}
    await client.post("/_sandbox/faults", json={"kind": "503", "count": 1})

    response = await _suiteql(client, headers)

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")


async def _statuses_at_rate(clock: FakeClock, seed: int) -> list[int]:
    simulator = NetSuiteSimulator(seed=seed, clock=clock)
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://x") as http:
        headers = {**await authed(http, simulator.credentials("https://x")), "Prefer": "transient"}
        await http.post(
            "/_sandbox/faults", json={"kind": "429", "path": SUITEQL, "probability": 0.5}
        )
        return [(await _suiteql(http, headers)).status_code for _ in range(30)]


async def test_probability_faults_replay_exactly_from_the_seed(clock: FakeClock) -> None:
    first = await _statuses_at_rate(clock, seed=11)
    again = await _statuses_at_rate(clock, seed=11)

    assert first == again
    assert 5 < first.count(429) < 25


async def test_latency_fault_fires_and_is_reported(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    headers = {**await authed(client, creds), "Prefer": "transient"}
    rule = {"kind": "latency", "latency_ms": 5, "count": 1, "method": "POST"}
    await client.post("/_sandbox/faults", json=rule)

    response = await _suiteql(client, headers)
    faults = (await client.get("/_sandbox/faults")).json()["faults"]

    assert response.status_code == 200
    assert faults[0]["fired"] == 1


@pytest.mark.parametrize(
    "rule",
    [{"kind": "418"}, {"kind": "429", "probability": 2}, {"kind": "429", "colour": "red"}],
)
async def test_bad_fault_rules_are_refused(client: httpx.AsyncClient, rule: dict[str, Any]) -> None:
    response = await client.post("/_sandbox/faults", json=rule)

    assert response.status_code == 400
    assert "error" in response.json()


async def test_call_counters_per_endpoint(client: httpx.AsyncClient, creds: dict[str, str]) -> None:
    headers = {**await authed(client, creds), "Prefer": "transient"}
    await _suiteql(client, headers)
    await _suiteql(client, headers)
    await client.get("/services/rest/record/v1/customer/5", headers=headers)
    await client.get("/services/rest/record/v1/customer/6", headers=headers)

    calls = (await client.get("/_sandbox/calls")).json()["calls"]
    cleared = (await client.delete("/_sandbox/calls")).json()["calls"]

    assert calls == {
        "GET /services/rest/record/v1/customer/{id}": 2,
        "POST /services/rest/auth/oauth2/v1/token": 1,
        "POST /services/rest/query/v1/suiteql": 2,
    }
    assert cleared == {}


async def test_governance_limits_report_the_pool(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    headers = await authed(client, creds)
    before = await client.get("/services/rest/system/v1/governanceLimits", headers=headers)
    await client.patch("/_sandbox/settings", json={"concurrency": 15})
    after = await client.get("/services/rest/system/v1/governanceLimits", headers=headers)

    # Oracle's ``accountLimit`` example: no integration-specific limit, so no such key.
    assert before.json() == {
        "accountConcurrencyLimit": 5,
        "accountUnallocatedConcurrencyLimit": 5,
        "integrationLimitType": "accountLimit",
    }
    assert after.json()["accountConcurrencyLimit"] == 15


def test_served_simulator_answers_on_loopback(simulator: NetSuiteSimulator) -> None:
    with serving(simulator.app) as served:
        response = httpx.get(f"{simulator.control_url(served.base_url)}/credentials")

    assert response.json()["base_url"] == served.base_url
