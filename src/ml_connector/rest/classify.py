"""The one place an HTTP status code gets a meaning.

Every client turns a response it did not expect into an error here, so the rest of the code
reasons about what to *do* (retry, re-authorize, give up) and never about numbers.

- 2xx, 3xx: fine (the caller reads the body; 207 carries per-record results).
- 401: the access token is no good; the auth flow refreshes once and retries, then it is an
  :class:`~ml_connector.errors.AuthError`.
- 408, 425, 429, 5xx: transient; :class:`~ml_connector.errors.RetryableError`, carrying the
  server's ``Retry-After`` when it sent one (neither NetSuite nor Zoho documents one).
- any other 4xx: the request itself is wrong; :class:`~ml_connector.errors.PermanentError`.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from enum import Enum

import httpx

from ml_connector.errors import AuthError, PermanentError, RetryableError

__all__ = ["Verdict", "classify", "raise_for_verdict", "retry_after"]

_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})


class Verdict(Enum):
    """What the caller should do with a response."""

    OK = "ok"
    RETRY = "retry"
    REAUTHORIZE = "reauthorize"
    GIVE_UP = "give_up"


def classify(status: int) -> Verdict:
    """The verdict for an HTTP status code."""
    if status < 400:
        return Verdict.OK
    if status == 401:
        return Verdict.REAUTHORIZE
    if status in _TRANSIENT or status >= 500:
        return Verdict.RETRY
    return Verdict.GIVE_UP


def retry_after(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait (RFC 9110: delta-seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _summary(response: httpx.Response, system: str) -> str:
    request = response.request
    return f"{system} answered {response.status_code} to {request.method} {request.url.path}"


def raise_for_verdict(response: httpx.Response, *, system: str, code: str = "") -> None:
    """Raise the error the response's status calls for; do nothing for a success."""
    verdict = classify(response.status_code)
    if verdict is Verdict.OK:
        return
    message = _summary(response, system) + (f" ({code})" if code else "")
    if verdict is Verdict.RETRY:
        raise RetryableError(
            message, retry_after=retry_after(response), status=response.status_code
        )
    if verdict is Verdict.REAUTHORIZE:
        raise AuthError(system, code or "the access token was rejected")
    raise PermanentError(message, status=response.status_code, code=code)
