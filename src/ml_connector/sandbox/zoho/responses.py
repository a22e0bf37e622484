"""Zoho's JSON envelopes: one place builds every body the simulator answers with.

Keeping the wording of each documented error here means a rejection reads the same wherever it
is raised, and a reviewer can check every message against the reference in one file.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

__all__ = [
    "Json",
    "crm_error",
    "error_body",
    "json_response",
    "no_content",
    "not_modified",
    "too_many_requests",
]

Json = dict[str, Any]

TOO_MANY_REQUESTS_MESSAGE = (
    "Number of API requests for the 24 hour period is exceeded or the concurrency limit of the "
    "user for the app is exceeded"
)


def error_body(code: str, message: str, details: Json | None = None) -> Json:
    """The standard CRM error object, used top-level and per record."""
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Every CRM and accounts answer is JSON, including errors Zoho sends with HTTP 200."""
    return JSONResponse(body, status_code=status, headers=headers)


def crm_error(status: int, code: str, message: str, details: Json | None = None) -> Response:
    """A top-level CRM error: the whole request was refused."""
    return json_response(error_body(code, message, details), status)


def no_content() -> Response:
    """Zoho's 204: no body, but still labelled JSON like every other answer."""
    return Response(status_code=204, media_type="application/json")


def not_modified() -> Response:
    """``If-Modified-Since`` with nothing newer: 304, no body, labelled JSON like every answer."""
    return Response(status_code=304, media_type="application/json")


def too_many_requests() -> Response:
    """The documented 429: the same body for concurrency and credits, and never Retry-After."""
    return crm_error(429, "TOO_MANY_REQUESTS", TOO_MANY_REQUESTS_MESSAGE)
