"""The shipped SuiteScripts, run under Node: what they post is exactly what our receiver accepts."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ml_connector.netsuite.events import sign
from ml_connector.netsuite.suitescript import config_module
from ml_connector.store.inbox import pending
from tests.netsuite.suitescript.conftest import (
    ACCOUNT,
    HOOK_URL,
    NOW,
    SECRET,
    Run,
    Scripts,
    Store,
)

pytestmark = pytest.mark.anyio

UE = "mlc_change_events_ue.js"
CREATED, UPDATED = "mlc_record_created_es.js", "mlc_record_updated_es.js"


def _saved(kind: str, record_type: str = "customer", **old_and_new: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "newRecord": {"type": record_type, "id": 107, "fields": old_and_new.get("new", {})},
        "oldRecord": None if kind == "create" else {"type": record_type, "id": 107,
                                                    "fields": old_and_new.get("old", {})},
    }  # fmt: skip


def _subscribed(record_type: str = "CUSTOMER") -> dict[str, Any]:
    return {"context": {"recordType": record_type}, "payload": {"recordId": "107"}}


def _only_post(run: Run) -> dict[str, Any]:
    assert run.threw is None
    assert len(run.posts) == 1, run.errors()
    post: dict[str, Any] = run.posts[0]
    return post


async def _replay(receiver: httpx.AsyncClient, post: dict[str, Any]) -> httpx.Response:
    return await receiver.post(post["url"], content=post["body"].encode(), headers=post["headers"])


@pytest.mark.parametrize(
    ("entry", "call", "argument", "record_type", "event_type"),
    [
        (UE, "afterSubmit", _saved("create"), "customer", "create"),
        (UE, "afterSubmit", _saved("edit", "vendor"), "vendor", "edit"),
        (UE, "afterSubmit", _saved("xedit", "contact"), "contact", "xedit"),
        (UE, "afterSubmit", _saved("edit", old={"isinactive": False}, new={"isinactive": True}),
         "customer", "inactivate"),
        (UE, "afterSubmit", _saved("xedit", old={"isinactive": "F"}, new={"isinactive": "T"}),
         "customer", "inactivate"),
        (CREATED, "handle", _subscribed("CUSTOMER"), "customer", "create"),
        (UPDATED, "handle", _subscribed("VENDOR"), "vendor", "edit"),
    ],
    ids=["ue-create", "ue-edit", "ue-xedit", "ue-inactivate", "ue-inline-inactivate",
         "es-created", "es-updated"],
)  # fmt: skip
async def test_what_a_script_posts_is_accepted_and_stored_once(
    scripts: Scripts,
    receiver: httpx.AsyncClient,
    store: Store,
    entry: str,
    call: str,
    argument: dict[str, Any],
    record_type: str,
    event_type: str,
) -> None:
    post = _only_post(scripts.run(entry, call, argument))

    first, again = await _replay(receiver, post), await _replay(receiver, post)

    assert (first.status_code, first.json()["status"]) == (202, "queued")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    [row] = pending(store.engine, 1, 10)
    assert (row.record_type, row.record_id) == (record_type, "107")
    assert row.payload is not None
    assert row.payload["event_type"] == event_type
    assert row.payload["account"] == ACCOUNT
    assert row.payload["execution_context"] == "USERINTERFACE"


async def test_the_posted_request_has_the_documented_shape(scripts: Scripts) -> None:
    post = _only_post(scripts.run(UE, "afterSubmit", _saved("edit")))
    headers, body = post["headers"], post["body"]

    assert post["url"] == HOOK_URL
    assert headers["Content-Type"] == "application/json"
    assert headers["webhook-timestamp"] == str(NOW)
    event = json.loads(body)
    assert body == json.dumps(event, separators=(",", ":"))  # compact JSON
    assert list(event) == [
        "event_id", "account", "record_type", "record_id", "event_type", "occurred_at",
        "execution_context",
    ]  # fmt: skip
    assert headers["webhook-id"] == event["event_id"]
    assert event["occurred_at"] == "2026-05-28T20:26:40Z"
    assert headers["webhook-signature"] == sign(SECRET, event["event_id"], NOW, body.encode())


async def test_a_tampered_post_is_refused_and_stores_nothing(
    scripts: Scripts, receiver: httpx.AsyncClient, store: Store
) -> None:
    post = _only_post(scripts.run(UE, "afterSubmit", _saved("edit")))
    post["body"] = post["body"].replace('"107"', '"108"')

    response = await _replay(receiver, post)

    assert response.status_code == 401
    assert pending(store.engine, 1, 10) == []


@pytest.mark.parametrize(
    ("entry", "call", "argument", "scenario"),
    [
        (UE, "afterSubmit", _saved("edit"), {"runtime": {"executionContext": "RESTWEBSERVICES"}}),
        (CREATED, "handle", _subscribed(), {"runtime": {"executionContext": "RESTWEBSERVICES"}}),
        (UE, "afterSubmit", _saved("edit"),
         {"runtime": {"role": 1042}, "files": {"mlc_config.js": config_module(HOOK_URL, [1042])}}),
        (UE, "afterSubmit", _saved("delete"), {}),
        (UE, "afterSubmit", _saved("view"), {}),
        (UPDATED, "handle", _subscribed("SALESORDER"), {}),
    ],
    ids=["ue-own-rest-write", "es-own-rest-write", "ue-integration-role", "ue-delete", "ue-view",
         "es-other-record-type"],
)  # fmt: skip
def test_changes_that_are_not_ours_to_report_post_nothing(
    scripts: Scripts, entry: str, call: str, argument: dict[str, Any], scenario: dict[str, Any]
) -> None:
    run = scripts.run(entry, call, argument, **scenario)

    assert (run.posts, run.threw, run.errors()) == ([], None, [])


@pytest.mark.parametrize(
    ("entry", "call", "argument"),
    [(UE, "afterSubmit", _saved("edit")), (UPDATED, "handle", _subscribed())],
    ids=["user-event", "event-subscriber"],
)
@pytest.mark.parametrize(
    ("scenario", "logged"),
    [
        ({"https": {"throws": "SSS_REQUEST_TIME_EXCEEDED"}}, "SSS_REQUEST_TIME_EXCEEDED"),
        ({"https": {"code": 401, "body": '{"reason": "no webhook-signature matches"}'}},
         "HTTP 401"),
        ({"apiSecrets": {}}, "INVALID_SECRET_KEY"),
    ],
    ids=["network-failure", "refused", "api-secret-missing"],
)  # fmt: skip
def test_a_failure_is_logged_and_never_breaks_the_save(
    scripts: Scripts,
    entry: str,
    call: str,
    argument: dict[str, Any],
    scenario: dict[str, Any],
    logged: str,
) -> None:
    run = scripts.run(entry, call, argument, **scenario)

    assert run.threw is None
    assert any(logged in line for line in run.errors())


def test_a_subscriber_without_a_current_user_still_reports_when_no_roles_are_skipped(
    scripts: Scripts,
) -> None:
    runtime = {"executionContext": "USERINTERFACE", "accountId": ACCOUNT, "noUser": True}

    run = scripts.run(UPDATED, "handle", _subscribed(), runtime=runtime)

    assert len(_only_post(run)["body"]) > 0
