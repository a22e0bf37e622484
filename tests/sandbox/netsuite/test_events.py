"""Change events: one signed post per save, no retry, with the execution context (events.py)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.netsuite.events import EventEmitter
from ml_connector.sandbox.server import serving
from tests.sandbox.netsuite.conftest import BASE_URL, START, FakeClock, authed

pytestmark = pytest.mark.anyio

HOOK = "https://hooks.example/netsuite"
RECORDS = "/services/rest/record/v1"


class Receiver:
    """A webhook endpoint that records every delivery and answers a chosen status."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.app = Starlette(routes=[Route("/netsuite", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        self.deliveries.append((dict(request.headers), await request.body()))
        return Response(status_code=self.status)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.deliveries]


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def hooked(
    receiver: Receiver, clock: FakeClock
) -> AsyncIterator[tuple[NetSuiteSimulator, httpx.AsyncClient]]:
    simulator = NetSuiteSimulator(
        records=30, seed=3, clock=clock, webhook_transport=httpx.ASGITransport(app=receiver.app)
    )
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        await http.put("/_sandbox/webhook", json={"url": HOOK})
        yield simulator, http


async def _settle(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    return list((await http.get("/_sandbox/events", params={"wait": "true"})).json()["events"])


async def _some_id(http: httpx.AsyncClient, kind: str) -> int:
    state = (await http.get("/_sandbox/state")).json()
    return int(state["tables"][kind][0]["id"])


def _verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return headers["webhook-signature"] == f"v1,{expected}"


async def test_rest_edit_posts_one_signed_event_marked_rest_webservices(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient], receiver: Receiver
) -> None:
    simulator, http = hooked
    key = await _some_id(http, "customer")
    headers = await authed(http, simulator.credentials(BASE_URL))

    await http.patch(f"{RECORDS}/customer/{key}", json={"phone": "1"}, headers=headers)
    await _settle(http)

    assert len(receiver.deliveries) == 1
    sent_headers, body = receiver.deliveries[0]
    event = json.loads(body)
    assert set(event) == {
        "event_id",
        "account",
        "record_type",
        "record_id",
        "event_type",
        "occurred_at",
        "execution_context",
    }
    assert event["account"] == "1234567_SB1"
    assert (event["record_type"], event["record_id"]) == ("customer", str(key))
    assert (event["event_type"], event["execution_context"]) == ("edit", "REST_WEBSERVICES")
    assert event["occurred_at"] == "2026-05-28T20:26:40Z"
    assert sent_headers["webhook-id"] == event["event_id"]
    assert sent_headers["webhook-timestamp"] == str(int(START))
    assert _verify(simulator.credentials(BASE_URL)["webhook_secret"], sent_headers, body)


async def test_rest_create_posts_a_create_event(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient], receiver: Receiver
) -> None:
    simulator, http = hooked
    headers = await authed(http, simulator.credentials(BASE_URL))

    created = await http.post(f"{RECORDS}/vendor", json={"companyName": "V"}, headers=headers)
    await _settle(http)

    key = created.headers["location"].rsplit("/", 1)[1]
    assert [(e["record_type"], e["record_id"], e["event_type"]) for e in receiver.events()] == [
        ("vendor", key, "create")
    ]


@pytest.mark.parametrize(
    ("edit", "event_type"),
    [
        ({"fields": {"title": "CEO"}}, "edit"),
        ({"fields": {"title": "CEO"}, "inline": True}, "xedit"),
        ({"fields": {"isInactive": True}}, "inactivate"),
        ({"fields": {"isInactive": True}, "inline": True}, "inactivate"),
    ],
)
async def test_user_edits_through_the_control_api_are_userinterface(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient],
    receiver: Receiver,
    edit: dict[str, Any],
    event_type: str,
) -> None:
    _, http = hooked
    key = await _some_id(http, "contact")

    response = await http.patch(f"/_sandbox/records/contact/{key}", json=edit)
    await _settle(http)

    assert response.status_code == 200
    [event] = receiver.events()
    assert (event["event_type"], event["execution_context"]) == (event_type, "USERINTERFACE")


async def test_user_create_and_other_contexts(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, http = hooked

    await http.post(
        "/_sandbox/records/customer",
        json={"fields": {"companyName": "C"}, "context": "CSVIMPORT"},
    )
    await _settle(http)

    [event] = receiver.events()
    assert (event["event_type"], event["execution_context"]) == ("create", "CSVIMPORT")


async def test_failed_delivery_is_not_retried(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, http = hooked
    receiver.status = 503
    key = await _some_id(http, "customer")

    await http.patch(f"/_sandbox/records/customer/{key}", json={"fields": {"phone": "2"}})
    log = await _settle(http)

    assert len(receiver.deliveries) == 1
    assert log[-1]["outcome"] == 503


async def test_category_changes_post_nothing(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, http = hooked

    await http.post("/_sandbox/records/customercategory", json={"fields": {"name": "New"}})
    await _settle(http)

    assert receiver.deliveries == []


async def test_without_a_url_events_are_only_logged(
    hooked: tuple[NetSuiteSimulator, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, http = hooked
    await http.put("/_sandbox/webhook", json={"url": None})
    key = await _some_id(http, "vendor")

    await http.patch(f"/_sandbox/records/vendor/{key}", json={"fields": {"phone": "3"}})
    log = await _settle(http)

    assert receiver.deliveries == []
    assert log[-1]["outcome"] == "no webhook url"


async def test_delivery_over_real_http(receiver: Receiver, clock: FakeClock) -> None:
    simulator = NetSuiteSimulator(records=10, clock=clock)
    with serving(receiver.app) as hook, serving(simulator.app) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as http:
            await http.put("/_sandbox/webhook", json={"url": f"{hook.base_url}/netsuite"})
            key = await _some_id(http, "customer")
            await http.patch(f"/_sandbox/records/customer/{key}", json={"fields": {"url": "x"}})
            log = await _settle(http)

    assert log[-1]["outcome"] == 200
    assert receiver.events()[0]["record_id"] == str(key)


async def test_a_stream_of_saves_is_posted_side_by_side(clock: FakeClock) -> None:
    arrived: asyncio.Queue[httpx.Request] = asyncio.Queue()
    answer = asyncio.Event()

    class SlowReceiver(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await arrived.put(request)
            await answer.wait()
            return httpx.Response(202)

    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    emitter = EventEmitter("1234567", secret, clock, transport=SlowReceiver())
    emitter.url = HOOK
    with anyio.fail_after(10):  # posted one after another, the second post would never start
        for number in range(3):  # each save comes while the posts before it are unanswered
            emitter.emit("customer", number, "edit", "USERINTERFACE")
            await arrived.get()
        answer.set()
        await emitter.drain()
    assert [entry["outcome"] for entry in emitter.log] == [202, 202, 202]


async def test_posts_that_end_together_leave_no_connection_open(clock: FakeClock) -> None:
    closed: list[bool] = []

    class Receiver(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(202)

        async def aclose(self) -> None:
            closed.append(True)

    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    emitter = EventEmitter("1234567", secret, clock, transport=Receiver())
    emitter.url = HOOK
    for number in range(2):  # answered in the same turn of the loop
        emitter.emit("customer", number, "edit", "USERINTERFACE")
    await emitter.drain()
    assert [entry["outcome"] for entry in emitter.log] == [202, 202]
    assert closed == [True]  # the client and its connections went once nothing was left
