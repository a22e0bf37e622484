"""Creating records: the id from ``Location``, and a create sent twice only when it cannot exist."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.errors import PermanentError
from ml_connector.netsuite import RecordService

pytestmark = pytest.mark.anyio

BASE = "https://1234567.suitetalk.api.netsuite.com"
THROTTLED = {"o:errorDetails": [{"detail": "busy", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}]}
FAILED = {"o:errorDetails": [{"detail": "oops", "o:errorCode": "UNEXPECTED_ERROR"}]}


class NetSuite:
    """Answers each create with the next of ``answers``, and keeps what it was sent."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.answers.pop(0)


async def _no_wait(_seconds: float) -> None:
    return None


def _service(netsuite: NetSuite) -> RecordService:
    http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(netsuite))
    return RecordService(http, sleep=_no_wait)


def _created(record_id: str) -> httpx.Response:
    location = f"{BASE}/services/rest/record/v1/customercategory/{record_id}"
    return httpx.Response(204, headers={"Location": location})


async def test_a_create_returns_the_id_named_by_location() -> None:
    netsuite = NetSuite(_created("647"))
    assert await _service(netsuite).create("customercategory", {"name": "Analyst"}) == "647"
    (request,) = netsuite.sent
    assert (request.method, request.url.path) == (
        "POST",
        "/services/rest/record/v1/customercategory",
    )
    assert request.content == b'{"name":"Analyst"}'


async def test_a_throttled_create_is_sent_again() -> None:
    netsuite = NetSuite(httpx.Response(429, json=THROTTLED), _created("648"))
    assert await _service(netsuite).create("customercategory", {"name": "Analyst"}) == "648"
    assert len(netsuite.sent) == 2


async def test_a_create_that_may_have_happened_is_not_sent_again() -> None:
    netsuite = NetSuite(httpx.Response(500, json=FAILED), _created("649"))
    with pytest.raises(PermanentError, match="check whether it exists"):
        await _service(netsuite).create("customercategory", {"name": "Analyst"})
    assert len(netsuite.sent) == 1
