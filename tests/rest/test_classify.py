"""Status codes mean one thing each, everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from ml_connector.errors import AuthError, PermanentError, RetryableError
from ml_connector.rest import Verdict, classify, raise_for_verdict, retry_after


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.OK),
        (201, Verdict.OK),
        (204, Verdict.OK),
        (207, Verdict.OK),
        (304, Verdict.OK),
        (400, Verdict.GIVE_UP),
        (401, Verdict.REAUTHORIZE),
        (403, Verdict.GIVE_UP),
        (404, Verdict.GIVE_UP),
        (408, Verdict.RETRY),
        (412, Verdict.GIVE_UP),
        (429, Verdict.RETRY),
        (500, Verdict.RETRY),
        (502, Verdict.RETRY),
        (503, Verdict.RETRY),
        (599, Verdict.RETRY),
    ],
)
def test_verdicts(status: int, verdict: Verdict) -> None:
    assert classify(status) is verdict


def _response(status: int, **headers: str) -> httpx.Response:
    request = httpx.Request("POST", "https://example.invalid/services/rest/query/v1/suiteql")
    return httpx.Response(status, headers=headers, request=request)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 0.0), ("Thu, 26 Nov 2026 12:00:30 GMT", 30.0), ("soon", None), ("", None)],
)
def test_retry_after_in_both_forms(header: str, seconds: float | None) -> None:
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
    response = _response(429, **({"Retry-After": header} if header else {}))
    assert retry_after(response, now=now) == seconds


def test_errors_carry_what_the_caller_needs() -> None:
    with pytest.raises(RetryableError) as retry:
        raise_for_verdict(_response(429, **{"Retry-After": "3"}), system="NetSuite")
    assert retry.value.retry_after == 3.0
    assert retry.value.status == 429
    assert "NetSuite answered 429 to POST /services/rest/query/v1/suiteql" in str(retry.value)
    with pytest.raises(AuthError, match="Zoho CRM refused our credentials"):
        raise_for_verdict(_response(401), system="Zoho CRM")
    with pytest.raises(PermanentError) as permanent:
        raise_for_verdict(_response(400), system="NetSuite", code="INVALID_PARAMETER")
    assert permanent.value.code == "INVALID_PARAMETER"
    raise_for_verdict(_response(207), system="Zoho CRM")
