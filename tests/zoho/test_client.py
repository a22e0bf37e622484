"""The Zoho client over httpx.MockTransport: batching, retries, limiters, reads and fields."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from ml_connector.errors import AuthError, PermanentError
from ml_connector.rest import RetryPolicy
from ml_connector.zoho import TransientError, ZohoCRM, concurrency_for
from tests.zoho import bodies

pytestmark = pytest.mark.anyio

Handler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


class FakeSleep:
    """Records the waits the retry policy asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class Zoho:
    """A scripted Zoho: answers upserts with one success per record, after ``failures``."""

    def __init__(self, failures: list[int | Exception] | None = None, delay: bool = False) -> None:
        self.failures = list(failures or [])
        self.requests: list[httpx.Request] = []
        self.bodies: list[dict[str, Any]] = []
        self.in_flight = 0
        self.peak = 0
        self.delay = delay

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.delay:
                for _ in range(5):
                    await asyncio.sleep(0)  # let every other call that can enter, enter
            return self._answer(request)
        finally:
            self.in_flight -= 1

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            body = bodies.TOO_MANY_REQUESTS if failure == 429 else bodies.INTERNAL_ERROR
            return httpx.Response(failure, json=body)
        body = json.loads(request.content)
        self.bodies.append(body)
        data = [bodies.success(f"z{r['NetSuite_ID']}", "insert") for r in body["data"]]
        return httpx.Response(200, json={"data": data})


def crm(handler: Handler, **options: Any) -> ZohoCRM:
    http = httpx.AsyncClient(base_url="https://zoho.test", transport=httpx.MockTransport(handler))
    options.setdefault("sleep", FakeSleep())
    return ZohoCRM(http, **options)


def accounts(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"Account_Name": "Acme", "NetSuite_ID": str(i)} for i in range(start, start + count)]


async def test_upsert_names_the_key_field_and_starts_no_workflows_by_default() -> None:
    zoho = Zoho()
    results = await crm(zoho).upsert(
        "Accounts", accounts(2), duplicate_check_fields=["NetSuite_ID"]
    )
    assert zoho.requests[0].method == "POST"
    assert zoho.requests[0].url.path == "/crm/v8/Accounts/upsert"
    assert zoho.bodies[0]["duplicate_check_fields"] == ["NetSuite_ID"]
    assert zoho.bodies[0]["trigger"] == []
    assert [r.record_id for r in results] == ["z0", "z1"]


async def test_a_configured_trigger_is_sent() -> None:
    zoho = Zoho()
    await crm(zoho).upsert(
        "Accounts", accounts(1), duplicate_check_fields=["NetSuite_ID"], trigger=["workflow"]
    )
    assert zoho.bodies[0]["trigger"] == ["workflow"]


async def test_250_records_go_in_calls_of_at_most_100_and_come_back_in_order() -> None:
    zoho = Zoho()
    client = crm(zoho)
    results = await client.upsert("Accounts", accounts(250), duplicate_check_fields=["NetSuite_ID"])
    assert sorted(len(b["data"]) for b in zoho.bodies) == [50, 100, 100]
    assert [r.record_id for r in results] == [f"z{i}" for i in range(250)]
    assert client.calls == 3


async def test_one_bad_record_does_not_fail_its_batch_mates() -> None:
    async def mixed(request: httpx.Request) -> httpx.Response:
        data = [bodies.success("1", "insert"), bodies.INVALID_DATA, bodies.success("3", "update")]
        return httpx.Response(207, json={"data": data})

    results = await crm(mixed).upsert(
        "Accounts", accounts(3), duplicate_check_fields=["NetSuite_ID"]
    )
    assert [(r.ok, r.code) for r in results] == [
        (True, "SUCCESS"),
        (False, "INVALID_DATA"),
        (True, "SUCCESS"),
    ]


async def test_a_429_is_ridden_out_and_cuts_the_limit() -> None:
    zoho, sleep = Zoho([429, 429]), FakeSleep()
    client = crm(zoho, sleep=sleep)
    results = await client.upsert("Accounts", accounts(3), duplicate_check_fields=["NetSuite_ID"])
    assert all(r.ok for r in results)
    assert (client.calls, client.throttled, len(sleep.waits)) == (3, 2, 2)
    assert client.limiter.limit == 5


@pytest.mark.parametrize(
    ("failure", "code", "status"),
    [
        (429, "TOO_MANY_REQUESTS", 429),
        (500, "INTERNAL_ERROR", 500),
        (httpx.ConnectError("refused"), "TRANSPORT_ERROR", None),
    ],
)
async def test_when_retries_are_spent_every_record_of_the_call_fails_with_the_reason(
    failure: int | Exception, code: str, status: int | None
) -> None:
    zoho, sleep = Zoho([failure] * 6), FakeSleep()
    client = crm(zoho, sleep=sleep)
    results = await client.upsert("Accounts", accounts(4), duplicate_check_fields=["NetSuite_ID"])
    assert [(r.ok, r.code, r.status) for r in results] == [(False, code, status)] * 4
    assert client.calls == 6
    assert len(sleep.waits) == 5


async def test_waits_grow_with_full_jitter_within_the_policy() -> None:
    sleep = FakeSleep()
    policy = RetryPolicy(initial=1.0, maximum=8.0)
    await crm(Zoho([429] * 6), sleep=sleep, policy=policy).upsert(
        "Accounts", accounts(1), duplicate_check_fields=["NetSuite_ID"]
    )
    caps = [1, 2, 4, 8, 8]
    assert all(0 <= wait <= cap for wait, cap in zip(sleep.waits, caps, strict=True))


async def test_only_a_failed_call_is_journalled_its_neighbours_are_written() -> None:
    zoho = Zoho([429] * 6)
    results = await crm(zoho).upsert(
        "Accounts", accounts(150), duplicate_check_fields=["NetSuite_ID"]
    )
    failed = [r for r in results if not r.ok]
    assert len(failed) in {50, 100}
    assert len(results) == 150


async def test_a_rejected_token_raises_since_nothing_can_be_written() -> None:
    async def unauthorized(request: httpx.Request) -> httpx.Response:
        body = {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token"}
        return httpx.Response(401, json=body | {"status": "error"})

    with pytest.raises(AuthError, match="INVALID_TOKEN"):
        await crm(unauthorized).upsert(
            "Accounts", accounts(1), duplicate_check_fields=["NetSuite_ID"]
        )


async def test_small_upserts_use_the_edition_limit() -> None:
    zoho = Zoho(delay=True)
    client = crm(zoho, edition_limit=15)
    calls = [
        client.upsert("Accounts", accounts(10, i * 10), duplicate_check_fields=["NetSuite_ID"])
        for i in range(30)
    ]
    await asyncio.gather(*calls)
    assert zoho.peak == 15


async def test_upserts_of_more_than_10_records_hold_one_of_10_heavy_slots() -> None:
    zoho = Zoho(delay=True)
    client = crm(zoho, edition_limit=25)
    calls = [
        client.upsert("Accounts", accounts(11, i * 11), duplicate_check_fields=["NetSuite_ID"])
        for i in range(30)
    ]
    await asyncio.gather(*calls)
    assert zoho.peak == 10


async def test_get_by_ids_reads_at_most_100_ids_a_call_and_204_means_none() -> None:
    seen: list[httpx.Request] = []

    async def records(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        ids = request.url.params["ids"].split(",")
        if ids[0] == "100":
            return httpx.Response(204)
        return httpx.Response(200, json={"data": [{"id": i} for i in ids], "info": {}})

    found = await crm(records).get_by_ids("Contacts", [str(i) for i in range(150)], ["id", "Email"])
    assert [len(r.url.params["ids"].split(",")) for r in seen] == [100, 50]
    assert {r.url.params["fields"] for r in seen} == {"id,Email"}
    assert [r["id"] for r in found] == [str(i) for i in range(100)]


async def test_a_read_refused_for_good_raises_with_zoho_s_code() -> None:
    async def invalid_module(request: httpx.Request) -> httpx.Response:
        body = {"code": "INVALID_MODULE", "details": {}, "message": "invalid", "status": "error"}
        return httpx.Response(400, json=body)

    with pytest.raises(PermanentError) as raised:
        await crm(invalid_module).fields("Vendors")
    assert raised.value.code == "INVALID_MODULE"


async def test_a_read_still_throttled_after_retries_raises_retryable() -> None:
    with pytest.raises(TransientError):
        await crm(Zoho([429] * 6)).org()


async def test_create_field_answers_the_new_id_or_zoho_s_refusal() -> None:
    answers = [
        httpx.Response(201, json={"fields": [bodies.success("f1", "insert")]}),
        httpx.Response(400, json={"fields": [bodies.DUPLICATE_DATA]}),
    ]
    sent: list[dict[str, Any]] = []

    async def fields(request: httpx.Request) -> httpx.Response:
        assert request.url.params["module"] == "Accounts"
        sent.append(json.loads(request.content))
        return answers.pop(0)

    client = crm(fields)
    spec = {"field_label": "NetSuite ID", "data_type": "text"}
    assert await client.create_field("Accounts", spec) == "f1"
    assert sent[0] == {"fields": [spec]}
    with pytest.raises(PermanentError, match="DUPLICATE_DATA") as raised:
        await client.create_field("Accounts", spec)
    assert raised.value.code == "DUPLICATE_DATA"


@pytest.mark.parametrize(
    ("paid_type", "limit"), [("free", 5), ("Professional", 15), ("ultimate", 25), (None, 20)]
)
def test_the_edition_says_how_many_calls_may_be_in_flight(
    paid_type: str | None, limit: int
) -> None:
    assert concurrency_for({"license_details": {"paid_type": paid_type}}) == limit


async def test_new_picklist_values_are_added_by_patch_or_zoho_s_refusal_raises() -> None:
    answers = [
        httpx.Response(200, json={"fields": [bodies.success("f9", "update")]}),
        httpx.Response(400, json={"fields": [bodies.DUPLICATE_DATA]}),
    ]
    sent: list[httpx.Request] = []

    async def fields(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    client = crm(fields)
    await client.add_picklist_values("Accounts", "f9", ["Public Sector"])
    assert (sent[0].method, sent[0].url.path) == ("PATCH", "/crm/v8/settings/fields/f9")
    assert sent[0].url.params["module"] == "Accounts"
    option = {"display_value": "Public Sector", "actual_value": "Public Sector"}
    assert json.loads(sent[0].content) == {"fields": [{"pick_list_values": [option]}]}
    with pytest.raises(PermanentError, match="DUPLICATE_DATA"):
        await client.add_picklist_values("Accounts", "f9", ["Public Sector"])


async def test_records_modified_since_a_moment_are_read_with_if_modified_since() -> None:
    seen: list[httpx.Request] = []

    async def nothing_modified(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(304)

    since = datetime(2026, 3, 1, 12, 30, 15, 999, tzinfo=UTC)
    pages = [p async for p in crm(nothing_modified).pages("Accounts", ["id"], modified_since=since)]
    assert pages == []
    assert seen[0].headers["If-Modified-Since"] == "2026-03-01T12:30:15+00:00"
