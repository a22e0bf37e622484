"""Callbacks: every change to a watched module, by API or by a person in the UI, is posted
to notify_url in Zoho's documented shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ml_connector.sandbox.server import ServedApp, serving

from .conftest import FakeClock, Receiver

Json = dict[str, Any]
WATCH = "/crm/v8/actions/watch"


@pytest.fixture
def hook(api: httpx.Client, receiver: tuple[Receiver, str]) -> Receiver:
    """A channel on every Accounts and Contacts change, with a token and a query string."""
    hook, url = receiver
    element = {
        "channel_id": 1000,
        "events": ["Accounts.all", "Contacts.all"],
        "notify_url": f"{url}?tenant=acme",
        "token": "secret-token",
    }
    assert api.post(WATCH, json={"watch": [element]}).status_code == 201
    return hook


def insert(api: httpx.Client, module: str, *records: Json) -> list[str]:
    response = api.post(f"/crm/v8/{module}", json={"data": list(records)})
    return [r["details"]["id"] for r in response.json()["data"]]


def test_an_api_insert_posts_the_documented_callback(
    api: httpx.Client, hook: Receiver, served: ServedApp, clock: FakeClock
) -> None:
    ids = insert(api, "Accounts", {"Account_Name": "A"}, {"Account_Name": "B"})
    assert hook.next() == {
        "server_time": int(clock.now * 1000),
        "query_params": {"tenant": "acme"},
        "module": "Accounts",
        "resource_uri": f"{served.base_url}/crm/v2/Accounts",
        "ids": ids,
        "affected_fields": [],
        "operation": "insert",
        "channel_id": "1000",
        "token": "secret-token",
    }


def test_an_update_names_the_affected_fields(api: httpx.Client, hook: Receiver) -> None:
    [record_id] = insert(api, "Accounts", {"Account_Name": "A", "Phone": "1"})
    hook.next()
    api.put("/crm/v8/Accounts", json={"data": [{"id": record_id, "Phone": "2", "Fax": None}]})
    callback = hook.next()
    assert (callback["operation"], callback["ids"]) == ("update", [record_id])
    assert callback["affected_fields"] == [{record_id: ["Phone"]}]
    assert "affected_values" not in callback


def test_affected_values_when_asked_for(api: httpx.Client, receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    element = {"channel_id": 7, "events": ["Vendors.edit"], "notify_url": url}
    api.post(WATCH, json={"watch": [element | {"return_affected_field_values": True}]})
    [record_id] = insert(api, "Vendors", {"Vendor_Name": "V"})
    api.put("/crm/v8/Vendors", json={"data": [{"id": record_id, "City": "Oslo"}]})
    callback = hook.next()  # the insert is not watched: the first callback is the edit
    assert callback["operation"] == "update"
    assert callback["affected_values"] == [{"record_id": record_id, "values": {"City": "Oslo"}}]
    assert callback["token"] is None


def test_a_mixed_upsert_posts_one_callback_per_operation(api: httpx.Client, hook: Receiver) -> None:
    [existing] = insert(api, "Accounts", {"Account_Name": "Old"})
    hook.next()
    data = [{"Account_Name": "Old", "Phone": "9"}, {"Account_Name": "New"}]
    response = api.post("/crm/v8/Accounts/upsert", json={"data": data}).json()["data"]
    callbacks = sorted([hook.next(), hook.next()], key=lambda c: c["operation"])
    assert [c["operation"] for c in callbacks] == ["insert", "update"]
    assert callbacks[0]["ids"] == [response[1]["details"]["id"]]
    assert callbacks[1]["ids"] == [existing]


def test_ui_edits_and_deletes_are_delivered_too(
    api: httpx.Client, control: httpx.Client, hook: Receiver
) -> None:
    [record_id] = insert(api, "Contacts", {"Last_Name": "Doe"})
    hook.next()
    control.patch(f"/records/Contacts/{record_id}", json={"Title": "CFO"})
    edited = hook.next()
    assert (edited["module"], edited["operation"]) == ("Contacts", "update")
    assert edited["affected_fields"] == [{record_id: ["Title"]}]
    control.delete(f"/records/Contacts/{record_id}")
    deleted = hook.next()
    assert (deleted["operation"], deleted["ids"]) == ("delete", [record_id])
    created = control.post("/records/Accounts", json={"Account_Name": "Typed in by hand"})
    assert created.status_code == 201
    assert hook.next()["operation"] == "insert"


def test_a_contact_change_notifies_its_account_unless_turned_off(
    api: httpx.Client, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    [account] = insert(api, "Accounts", {"Account_Name": "Acme"})
    channels = [
        {"channel_id": 1, "events": ["Accounts.edit"], "notify_url": url},
        {
            "channel_id": 2,
            "events": ["Accounts.edit"],
            "notify_url": url,
            "notify_on_related_action": False,
        },
    ]
    api.post(WATCH, json={"watch": channels})
    insert(api, "Contacts", {"Last_Name": "Doe", "Account_Name": {"id": account}})
    related = hook.next()
    assert (related["channel_id"], related["module"], related["operation"]) == (
        "1",
        "Accounts",
        "update",
    )
    assert related["ids"] == [account]
    assert hook.nothing_within(0.3)


def test_a_field_selection_condition_limits_edit_callbacks(
    api: httpx.Client, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    condition = {
        "type": "field_selection",
        "module": {"api_name": "Accounts"},
        "field_selection": {"group_operator": "or", "group": [{"field": {"api_name": "Phone"}}]},
    }
    element = {"channel_id": 5, "events": ["Accounts.edit"], "notify_url": url}
    api.post(WATCH, json={"watch": [element | {"notification_condition": [condition]}]})
    [record_id] = insert(api, "Accounts", {"Account_Name": "A"})
    api.put("/crm/v8/Accounts", json={"data": [{"id": record_id, "Fax": "1"}]})
    api.put("/crm/v8/Accounts", json={"data": [{"id": record_id, "Phone": "1"}]})
    assert hook.next()["affected_fields"] == [{record_id: ["Phone"]}]
    assert hook.nothing_within(0.3)


def test_deliveries_are_recorded_for_the_control_api(
    api: httpx.Client, control: httpx.Client, hook: Receiver
) -> None:
    insert(api, "Accounts", {"Account_Name": "A"})
    sent = hook.next()
    # The simulator records a delivery once the receiver's answer is back, just after the
    # receiver queued it: ask a bounded number of times rather than sleep.
    deliveries: list[Json] = []
    for _ in range(200):
        deliveries = control.get("/callbacks").json()["callbacks"]
        if deliveries:
            break
    [delivery] = deliveries
    assert (delivery["status"], delivery["payload"], delivery["error"]) == (200, sent, None)


def test_a_failed_delivery_is_not_retried(api: httpx.Client) -> None:
    failing = Receiver(status=500)
    with serving(failing.app) as app:
        element = {
            "channel_id": 3,
            "events": ["Vendors.create"],
            "notify_url": f"{app.base_url}/hook",
        }
        api.post(WATCH, json={"watch": [element]})
        insert(api, "Vendors", {"Vendor_Name": "V"})
        assert failing.next()["operation"] == "insert"
        assert failing.nothing_within(0.5)
