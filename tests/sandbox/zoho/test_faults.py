"""Injected faults over real sockets, call counters and the control API's state view."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.sandbox.server import ServedApp
from ml_connector.sandbox.zoho import ZohoSimulator

from .conftest import FakeClock, Switchboard, mint_token


def test_a_scheduled_429_hits_the_next_calls_to_one_path_only(
    api: httpx.Client, control: httpx.Client
) -> None:
    fault = {"kind": "status", "status": 429, "path": "/crm/v8/org", "count": 2}
    assert control.post("/faults", json=fault).status_code == 201
    assert api.get("/crm/v8/settings/fields", params={"module": "Accounts"}).status_code == 200
    statuses = [api.get("/crm/v8/org").status_code for _ in range(3)]
    assert statuses == [429, 429, 200]
    assert control.get("/state").json()["faults"] == []


def test_a_schedule_can_let_the_first_calls_through(
    api: httpx.Client, control: httpx.Client
) -> None:
    fault = {"kind": "status", "status": 503, "path": "/crm/v8/org", "after": 2, "count": 2}
    assert control.post("/faults", json=fault).status_code == 201
    api.get("/crm/v8/settings/fields", params={"module": "Accounts"})  # another path: not seen
    statuses = [api.get("/crm/v8/org").status_code for _ in range(5)]
    assert statuses == [200, 200, 503, 503, 200]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_injected_server_errors_are_json(
    api: httpx.Client, control: httpx.Client, status: int
) -> None:
    control.post("/faults", json={"kind": "status", "status": status, "count": 1})
    response = api.get("/crm/v8/org")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "INTERNAL_ERROR"


def test_a_connection_reset_is_a_transport_error(api: httpx.Client, control: httpx.Client) -> None:
    control.post("/faults", json={"kind": "reset", "path": "/crm/v8/Accounts", "count": 1})
    with pytest.raises(httpx.TransportError):
        api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "A"}]})
    assert api.get("/crm/v8/org").status_code == 200


def test_faults_also_hit_the_token_endpoint(
    sim: ZohoSimulator, anon: httpx.Client, control: httpx.Client
) -> None:
    control.post("/faults", json={"kind": "status", "status": 503, "path": "/oauth/", "count": 1})
    creds = sim.credentials(str(anon.base_url))
    form = {"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]}
    form |= {"client_id": creds["client_id"], "client_secret": creds["client_secret"]}
    assert anon.post("/oauth/v2/token", data=form).status_code == 503
    assert "access_token" in anon.post("/oauth/v2/token", data=form).json()


def statuses_under_chance(
    seed: int, clock: FakeClock, board: tuple[Switchboard, ServedApp]
) -> list[int]:
    """Statuses of 20 calls to a fresh simulator where half the calls fail by chance."""
    sim = ZohoSimulator(seed=seed, clock=clock)
    board[0].target = sim.app
    with httpx.Client(base_url=board[1].base_url) as client:
        headers = {"Authorization": f"Zoho-oauthtoken {mint_token(client, sim)}"}
        fault = {"kind": "status", "status": 500, "probability": 0.5}
        client.post("/_sandbox/faults", json=fault)
        return [client.get("/crm/v8/org", headers=headers).status_code for _ in range(20)]


def test_probabilistic_faults_repeat_for_the_same_seed(
    clock: FakeClock, switchboard: tuple[Switchboard, ServedApp]
) -> None:
    first = statuses_under_chance(3, clock, switchboard)
    assert first == statuses_under_chance(3, clock, switchboard)
    assert 0 < first.count(500) < 20
    assert first != statuses_under_chance(4, clock, switchboard)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"kind": "meteor"}, "kind must be one of status, reset, latency"),
        ({"kind": "status", "status": 404}, "status must be 429 or 5xx"),
        ({"kind": "latency", "ms": 5}, "unknown keys: ms"),
        ({"kind": "status", "status": "503"}, "status must be an integer"),
        ({"kind": "status", "probability": 1.5}, "probability must be a number from 0 to 1"),
        ({"kind": "latency", "probability": "often"}, "probability must be"),
        ({"kind": "reset", "count": 0}, "count must be an integer of at least 1"),
        ({"kind": "latency", "latency_ms": -5}, "latency_ms must be an integer of at least 0"),
        ({"kind": "reset", "path": ["/crm"]}, "path must be a string"),
        ({"kind": "reset", "after": -1}, "after must be an integer of at least 0"),
    ],
)
def test_bad_faults_are_refused_with_the_reason(
    control: httpx.Client, fault: dict[str, object], error: str
) -> None:
    response = control.post("/faults", json=fault)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert control.get("/faults").json()["faults"] == []


def test_latency_faults_are_listed_and_cleared(control: httpx.Client) -> None:
    control.post("/faults", json={"kind": "latency", "latency_ms": 5, "count": 3})
    [listed] = control.get("/state").json()["faults"]
    assert (listed["kind"], listed["latency_ms"], listed["count"]) == ("latency", 5, 3)
    control.delete("/faults")
    assert control.get("/state").json()["faults"] == []


def test_counters_count_every_call_per_endpoint_including_refusals(
    api: httpx.Client, anon: httpx.Client, control: httpx.Client
) -> None:
    control.delete("/counters")
    api.get("/crm/v8/org")
    api.post("/crm/v8/Accounts/upsert", json={"data": [{"Account_Name": "A"}]})
    anon.get("/crm/v8/org")  # 401, still a call
    assert control.get("/counters").json() == {
        "GET /crm/v8/org": 2,
        "POST /crm/v8/Accounts/upsert": 1,
    }


def test_state_shows_records_channels_and_custom_fields(
    api: httpx.Client, control: httpx.Client
) -> None:
    api.post("/crm/v8/Vendors", json={"data": [{"Vendor_Name": "V"}]})
    fields = {"fields": [{"field_label": "NetSuite ID", "data_type": "text", "unique": {}}]}
    api.post("/crm/v8/settings/fields", params={"module": "Vendors"}, json=fields)
    watch = {"channel_id": 1, "events": ["Vendors.all"], "notify_url": "http://127.0.0.1:9/"}
    api.post("/crm/v8/actions/watch", json={"watch": [watch]})
    state = control.get("/state").json()
    assert [r["Vendor_Name"] for r in state["records"]["Vendors"]] == ["V"]
    assert state["custom_fields"]["Vendors"] == ["NetSuite_ID"]
    assert [c["channel_id"] for c in state["channels"]] == ["1"]
    assert state["tokens"]["live_access_tokens"] == 1
    assert state["edition"] == "enterprise"


def test_faults_done_to_calls_are_counted_by_kind_even_once_spent(
    api: httpx.Client, control: httpx.Client
) -> None:
    control.post("/faults", json={"kind": "status", "status": 503, "count": 2})
    control.post("/faults", json={"kind": "reset", "path": "/crm/v8/Accounts", "count": 1})
    control.post("/faults", json={"kind": "latency", "latency_ms": 1, "count": 1})
    statuses = [api.get("/crm/v8/org").status_code for _ in range(3)]
    with pytest.raises(httpx.TransportError):
        api.get("/crm/v8/Accounts")
    listed = control.get("/faults").json()
    assert statuses == [503, 503, 200]
    assert listed == {"faults": [], "injected": {"503": 2, "latency": 1, "reset": 1}}
