"""NetSuite's error bodies, read into errors the rest of the code can act on.

REST web services answer ``{"type", "title", "status", "o:errorDetails": [{"detail",
"o:errorCode", …}]}``; the first detail names the problem (``INVALID_PARAMETER`` for a bad
SuiteQL column, ``CONCURRENCY_LIMIT_EXCEEDED`` with 429, …).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ml_connector.errors import PermanentError
from ml_connector.rest import Verdict, classify, raise_for_verdict

__all__ = ["ErrorDetail", "error_detail", "raise_for_netsuite"]

SYSTEM = "NetSuite"


@dataclass(frozen=True)
class ErrorDetail:
    """The code and text of NetSuite's first error detail."""

    code: str
    detail: str


def error_detail(response: httpx.Response) -> ErrorDetail:
    """What NetSuite said went wrong, as far as the body says."""
    try:
        body = response.json()
        first = body["o:errorDetails"][0]
        return ErrorDetail(str(first.get("o:errorCode", "")), str(first.get("detail", "")))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ErrorDetail("", "")


def raise_for_netsuite(response: httpx.Response) -> None:
    """Raise the error a failed response calls for, with NetSuite's own code and detail."""
    if classify(response.status_code) is Verdict.OK:
        return
    found = error_detail(response)
    if classify(response.status_code) is Verdict.GIVE_UP:
        message = f"NetSuite refused {response.request.url.path}: {found.code} {found.detail}"
        raise PermanentError(message.strip(), status=response.status_code, code=found.code)
    raise_for_verdict(response, system=SYSTEM, code=found.code)
