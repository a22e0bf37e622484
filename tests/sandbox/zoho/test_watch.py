"""Notification channels: the watch API's bodies and answers, expiry, and callbacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from ml_connector.sandbox.server import ServedApp
from ml_connector.sandbox.zoho import ZohoSimulator

from .conftest import FakeClock, Receiver, mint_token

Json = dict[str, Any]
WATCH = "/crm/v8/actions/watch"
OFFSET = dt.timezone(dt.timedelta(hours=5, minutes=30))


def zoho_time(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=OFFSET).isoformat(timespec="seconds")


def epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def channel(url: str, **extra: Any) -> Json:
    return {"channel_id": 1000, "events": ["Accounts.all"], "notify_url": url, **extra}


def enable(api: httpx.Client, *elements: Json) -> httpx.Response:
    return api.post(WATCH, json={"watch": list(elements)})


@pytest.fixture
def anon_and_sim(anon: httpx.Client, sim: ZohoSimulator) -> tuple[httpx.Client, ZohoSimulator]:
    return anon, sim


def test_enable_answers_201_with_one_event_per_module(
    api: httpx.Client, served: ServedApp, sim: ZohoSimulator, clock: FakeClock
) -> None:
    element = channel("http://127.0.0.1:9/hook", events=["Accounts.create", "Contacts.all"])
    response = enable(api, element)
    assert response.status_code == 201
    [result] = response.json()["watch"]
    assert result["code"] == "SUCCESS"
    assert result["message"] == "Successfully subscribed for actions-watch of the given module"
    events = result["details"]["events"]
    assert [e["resource_name"] for e in events] == ["Accounts", "Contacts"]
    first = events[0]
    assert set(first) == {
        "channel_expiry",
        "resource_uri",
        "resource_id",
        "resource_name",
        "channel_id",
        "notification_condition",  # absent from the doc sample, required by the schema
    }
    assert first["channel_id"] == "1000"
    assert first["resource_uri"] == f"{served.base_url}/crm/v2/Accounts"
    assert first["resource_id"] == sim.org.modules["Accounts"].id
    assert epoch(first["channel_expiry"]) == int(clock.now) + 3600


@pytest.mark.parametrize(
    ("requested", "granted"),
    [(3 * 86400, 3 * 86400), (7 * 86400, 7 * 86400), (7 * 86400 + 60, 3600), (None, 3600)],
    ids=["three-days", "one-week", "over-a-week", "missing"],
)
def test_channel_expiry_is_at_most_a_week_else_one_hour(
    api: httpx.Client, clock: FakeClock, requested: int | None, granted: int
) -> None:
    extra = {} if requested is None else {"channel_expiry": zoho_time(clock.now + requested)}
    enable(api, channel("http://127.0.0.1:9/hook", **extra))
    [listed] = api.get(WATCH).json()["watch"]
    assert epoch(listed["channel_expiry"]) == pytest.approx(clock.now + granted, abs=1)


@pytest.mark.parametrize(
    ("change", "code", "api_name"),
    [
        ({"channel_expiry": "2025-06-16T08:00:00.000+05:30"}, "INVALID_DATA", "channel_expiry"),
        ({"channel_expiry": "2020-01-01T00:00:00+00:00"}, "INVALID_DATA", "channel_expiry"),
        ({"token": "t" * 51}, "INVALID_DATA", "token"),
        ({"notify_url": None}, "MANDATORY_NOT_FOUND", "notify_url"),
        ({"events": None}, "MANDATORY_NOT_FOUND", "events"),
        ({"channel_id": None}, "MANDATORY_NOT_FOUND", "channel_id"),
        ({"channel_id": "abc"}, "INVALID_DATA", "channel_id"),
        ({"events": ["Leads.all"]}, "INVALID_DATA", "events"),
        ({"events": ["Accounts.update"]}, "INVALID_DATA", "events"),
        ({"notify_url": "ftp://example.com"}, "INVALID_DATA", "notify_url"),
        ({"notify_on_related_action": "yes"}, "INVALID_DATA", "notify_on_related_action"),
    ],
)
def test_enable_rejections(api: httpx.Client, change: Json, code: str, api_name: str) -> None:
    element = channel("http://127.0.0.1:9/hook") | change
    element = {k: v for k, v in element.items() if v is not None}
    response = enable(api, element)
    assert response.status_code == 400
    [error] = response.json()["watch"]
    assert (error["code"], error["status"]) == (code, "error")
    assert error["details"]["api_name"] == api_name
    assert error["details"]["json_path"] == f"$.watch[0].{api_name}"


def selection(*names: str) -> Json:
    return {"group_operator": "or", "group": [{"field": {"api_name": n}} for n in names]}


@pytest.mark.parametrize(
    "condition",
    [
        {"type": "field_selection", "module": "Accounts", "field_selection": selection("Phone")},
        {"type": "field_selection", "module": {"api_name": "Leads"}, "field_selection": {}},
        {"type": "criteria", "module": {"api_name": "Accounts"}, "field_selection": {}},
        {
            "type": "field_selection",
            "module": {"api_name": "Accounts"},
            "field_selection": {"group_operator": "xor", "group": [{"field": {"api_name": "A"}}]},
        },
        {
            "type": "field_selection",
            "module": {"api_name": "Accounts"},
            "field_selection": selection(*(f"F{i}" for i in range(11))),
        },
    ],
    ids=[
        "module-not-an-object",
        "unknown-module",
        "not-field-selection",
        "bad-operator",
        "over-10",
    ],
)
def test_malformed_notification_conditions_are_refused(api: httpx.Client, condition: Json) -> None:
    element = channel("http://127.0.0.1:9/hook", notification_condition=[condition])
    response = enable(api, element)
    assert response.status_code == 400
    [error] = response.json()["watch"]
    assert error["code"] == "INVALID_DATA"
    assert error["details"]["json_path"] == "$.watch[0].notification_condition"
    assert api.get(WATCH).status_code == 204


def test_a_nested_condition_of_ten_fields_is_accepted(api: httpx.Client) -> None:
    nested = {
        "group_operator": "and",
        "group": [selection(*(f"F{i}" for i in range(5))), selection(*(f"G{i}" for i in range(5)))],
    }
    condition = {
        "type": "field_selection",
        "module": {"api_name": "Accounts"},
        "field_selection": nested,
    }
    response = enable(api, channel("http://127.0.0.1:9/hook", notification_condition=[condition]))
    assert response.status_code == 201


def test_a_mixed_enable_answers_207(api: httpx.Client) -> None:
    good = channel("http://127.0.0.1:9/hook")
    response = enable(api, good, good | {"channel_id": 2, "token": "x" * 60})
    assert response.status_code == 207
    assert [r["status"] for r in response.json()["watch"]] == ["success", "error"]


def test_get_lists_live_channels_and_answers_204_when_none(api: httpx.Client) -> None:
    assert api.get(WATCH).status_code == 204
    enable(api, channel("http://127.0.0.1:9/hook?tenant=a", token="tok"))
    body = api.get(WATCH).json()
    assert body["info"] == {"per_page": 200, "count": 1, "page": 1, "more_records": False}
    [listed] = body["watch"]
    assert listed["notify_on_related_action"] is True
    assert listed["return_affected_field_values"] is False
    assert (listed["channel_id"], listed["token"]) == ("1000", "tok")
    assert listed["events"] == ["Accounts.all"]
    assert api.get(WATCH, params={"module": "Vendors"}).status_code == 204


def test_put_replaces_and_patch_updates_only_given_keys(api: httpx.Client) -> None:
    enable(api, channel("http://127.0.0.1:9/a", token="tok", return_affected_field_values=True))
    patched = api.patch(WATCH, json={"watch": [{"channel_id": 1000, "events": ["Vendors.edit"]}]})
    assert patched.status_code == 200
    assert patched.json()["watch"][0]["message"] == "Successfully updated the subscribe details"
    [listed_accounts] = api.get(WATCH, params={"module": "Accounts"}).json()["watch"]
    assert (listed_accounts["token"], listed_accounts["return_affected_field_values"]) == (
        "tok",
        True,
    )
    replaced = api.put(WATCH, json={"watch": [channel("http://127.0.0.1:9/b")]})
    assert replaced.status_code == 200
    [listed] = api.get(WATCH).json()["watch"]
    assert (listed["token"], listed["notify_url"], listed["events"]) == (
        None,
        "http://127.0.0.1:9/b",
        ["Accounts.all"],
    )


def test_patch_with_delete_events_removes_them(api: httpx.Client) -> None:
    enable(api, channel("http://127.0.0.1:9/a", events=["Accounts.all", "Contacts.delete"]))
    body = {
        "watch": [{"channel_id": "1000", "events": ["Contacts.delete"], "_delete_events": True}]
    }
    response = api.patch(WATCH, json=body)
    assert response.json()["watch"][0]["message"] == "Successfully removed the subscribe details"
    assert api.get(WATCH, params={"module": "Contacts"}).status_code == 204


def test_delete_unsubscribes(api: httpx.Client, served: ServedApp) -> None:
    enable(api, channel("http://127.0.0.1:9/a"))
    response = api.delete(WATCH, params={"channel_ids": "1000"})
    assert response.status_code == 200
    [result] = response.json()["watch"]
    assert result["message"] == "Successfully un-subscribed from actions-watch"
    assert result["details"]["channel_id"] == "1000"
    assert result["details"]["resource_uri"] == f"{served.base_url}/crm/v2/Accounts"
    assert api.get(WATCH).status_code == 204
    again = api.delete(WATCH, params={"channel_ids": "1000"})
    assert (again.status_code, again.json()["watch"][0]["code"]) == (400, "NOT_SUBSCRIBED")
    missing = api.delete(WATCH)
    assert missing.json()["code"] == "REQUIRED_PARAM_MISSING"


def assert_expired(api: httpx.Client, hook: Receiver) -> None:
    """An expired channel: renewal answers NOT_SUBSCRIBED, it is not listed, nothing arrives."""
    renew = api.patch(WATCH, json={"watch": [{"channel_id": 1000, "channel_expiry": None}]})
    assert renew.status_code == 400
    assert renew.json()["watch"][0]["code"] == "NOT_SUBSCRIBED"
    assert api.get(WATCH).status_code == 204
    api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "A"}]})
    assert hook.nothing_within(0.3)


def test_channels_expire_with_time(
    api: httpx.Client,
    clock: FakeClock,
    receiver: tuple[Receiver, str],
    anon_and_sim: tuple[httpx.Client, ZohoSimulator],
) -> None:
    hook, url = receiver
    enable(api, channel(url))
    clock.advance(3600)
    api.headers["Authorization"] = "Zoho-oauthtoken " + mint_token(*anon_and_sim)
    assert_expired(api, hook)


def test_channels_expire_now_through_the_control_api(
    api: httpx.Client, control: httpx.Client, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    enable(api, channel(url))
    assert control.post("/channels/expire", json={}).json() == {"expired": 1}
    assert_expired(api, hook)
