"""The SuiteQL client: the request NetSuite requires, the account's limit, and what it retries."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from ml_connector.errors import PermanentError
from ml_connector.netsuite import SuiteQL
from ml_connector.rest import AdaptiveLimiter, RetryPolicy

pytestmark = pytest.mark.anyio

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
EMPTY = {"links": [], "count": 0, "hasMore": False, "items": [], "offset": 0, "totalResults": 0}


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


def _suiteql(handler: httpx.MockTransport, limiter: AdaptiveLimiter | None = None) -> SuiteQL:
    http = httpx.AsyncClient(base_url=BASE, transport=handler)
    return SuiteQL(http, limiter=limiter, policy=RetryPolicy(initial=0.001), sleep=_no_wait)


class Pool:
    """A NetSuite that holds every query until told, counting how many are in flight at once."""

    def __init__(self) -> None:
        self.in_flight = self.peak = 0
        self.release = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await self.release.wait()
        self.in_flight -= 1
        return httpx.Response(200, json=EMPTY)


async def _peak_of(limiter: AdaptiveLimiter | None) -> int:
    pool = Pool()
    suiteql = _suiteql(httpx.MockTransport(pool), limiter)
    tasks = [asyncio.create_task(suiteql.page("SELECT id FROM customer")) for _ in range(12)]
    for _ in range(50):
        await asyncio.sleep(0)  # yield, giving every waiting query the chance to (wrongly) start
    pool.release.set()
    await asyncio.gather(*tasks)
    return pool.peak


async def test_a_query_is_posted_as_netsuite_requires() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=EMPTY)

    await _suiteql(httpx.MockTransport(handler)).page("SELECT id FROM vendor WHERE id > ?", [42])

    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/services/rest/query/v1/suiteql")
    assert request.headers["prefer"] == "transient"
    assert dict(request.url.params) == {"limit": "1000", "offset": "0"}
    assert json.loads(request.content) == {
        "q": "SELECT id FROM vendor WHERE id > ?",
        "params": ["42"],
    }


async def test_at_most_four_queries_of_an_account_are_in_flight_by_default() -> None:
    assert await _peak_of(None) == 4


async def test_the_account_s_limit_can_be_set() -> None:
    assert await _peak_of(AdaptiveLimiter(2, adaptive=False)) == 2


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_throttling_and_server_errors_are_tried_again(status: int) -> None:
    answers = [httpx.Response(status, json={"o:errorDetails": []}), httpx.Response(200, json=EMPTY)]
    suiteql = _suiteql(httpx.MockTransport(lambda _request: answers.pop(0)))

    page = await suiteql.page("SELECT id FROM customer")

    assert (page.items, suiteql.calls) == ([], 2)


async def test_a_bad_query_is_not_tried_again_and_says_why() -> None:
    body = {"status": 400, "o:errorDetails": [
        {"detail": "Unknown identifier 'balance'", "o:errorCode": "INVALID_PARAMETER"}
    ]}  # fmt: skip
    suiteql = _suiteql(httpx.MockTransport(lambda _request: httpx.Response(400, json=body)))

    with pytest.raises(PermanentError, match="INVALID_PARAMETER Unknown identifier 'balance'"):
        await suiteql.page("SELECT balance FROM customer")
    assert suiteql.calls == 1


@pytest.mark.parametrize(("limit", "offset"), [(1001, 0), (0, 0), (1000, 500)])
async def test_pages_netsuite_would_refuse_are_never_asked_for(limit: int, offset: int) -> None:
    suiteql = _suiteql(httpx.MockTransport(lambda _request: httpx.Response(200, json=EMPTY)))

    with pytest.raises(ValueError, match=r"limit must be 1\.\.1000"):
        await suiteql.page("SELECT id FROM customer", limit=limit, offset=offset)
    assert suiteql.calls == 0
