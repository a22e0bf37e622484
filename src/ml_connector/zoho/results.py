"""One write result per input record, read from whatever Zoho answered for its batch.

Zoho reports write outcomes per record inside the body, whatever the HTTP status says: 200 and
201 may still hold ``status: "error"`` elements, 207 mixes them, and 400 can mean either "every
record failed" (a ``data`` list) or "the call itself was refused" (a top-level ``code``). The
caller must journal every record either way, so this module turns each shape into exactly one
:class:`WriteResult` per record sent, in the order sent, and never raises on a body it does not
recognise: a record Zoho said nothing about is a failure, not a silent success.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["NO_RESULT", "WriteResult", "call_failed", "read_results"]

NO_RESULT = "NO_RESULT"
Action = Literal["insert", "update"]
_ACTIONS: dict[str, Action] = {
    "insert": "insert",
    "update": "update",
    "record added": "insert",
    "record updated": "update",
}


@dataclass(frozen=True)
class WriteResult:
    """What happened to one record: written (with its Zoho id) or failed (with Zoho's reasons).

    ``code`` is ``SUCCESS`` for a written record, else Zoho's code (``INVALID_DATA``,
    ``DUPLICATE_DATA``, ``TOO_MANY_REQUESTS`` …); ``field`` is ``details.api_name`` when Zoho
    named one; ``status`` is the HTTP status of the call that carried the record (None when no
    answer arrived).
    """

    ok: bool
    code: str
    message: str = ""
    record_id: str | None = None
    action: Action | None = None
    field: str | None = None
    duplicate_field: str | None = None
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    status: int | None = None


def read_results(status: int, body: Any, count: int) -> list[WriteResult]:
    """``count`` results from one write call's answer; a top-level error fails every record."""
    if not isinstance(body, dict):
        return call_failed(count, NO_RESULT, "Zoho answered without a JSON object", status=status)
    elements = body.get("data")
    if not isinstance(elements, list):
        return _whole_call(status, body, count)
    results = [_element(status, element) for element in elements[:count]]
    missing = "Zoho answered no result for this record"
    return results + call_failed(count - len(results), NO_RESULT, missing, status=status)


def call_failed(
    count: int,
    code: str,
    message: str,
    *,
    status: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> list[WriteResult]:
    """The same failure for every record of a call that Zoho refused or never answered."""
    details = dict(details or {})
    named = _field(details)
    return [
        WriteResult(False, code, message, field=named, details=details, status=status)
        for _ in range(count)
    ]


def _whole_call(status: int, body: Mapping[str, Any], count: int) -> list[WriteResult]:
    code = str(body.get("code") or f"HTTP_{status}")
    details = body.get("details")
    message = str(body.get("message") or "")
    return call_failed(
        count, code, message, status=status, details=details if isinstance(details, dict) else {}
    )


def _element(status: int, element: Any) -> WriteResult:
    if not isinstance(element, dict):
        return WriteResult(False, NO_RESULT, "Zoho answered a result that is not an object")
    details = element.get("details")
    details = details if isinstance(details, dict) else {}
    code, message = str(element.get("code") or ""), str(element.get("message") or "")
    if element.get("status") == "success":
        return WriteResult(
            True,
            code or "SUCCESS",
            message,
            record_id=_text(details.get("id")),
            action=_action(element.get("action"), message),
            duplicate_field=_text(element.get("duplicate_field")),
            details=details,
            status=status,
        )
    failure = code or NO_RESULT
    return WriteResult(
        False, failure, message, field=_field(details), details=details, status=status
    )


def _action(value: Any, message: str) -> Action | None:
    """Upserts say ``action``; plain inserts and updates only say it in the message."""
    return _ACTIONS.get(str(value)) or _ACTIONS.get(message)


def _field(details: Mapping[str, Any]) -> str | None:
    """The field Zoho blames; for several errors in one record, the first one named."""
    named = _text(details.get("api_name"))
    if named is not None:
        return named
    nested: Sequence[Any] = details.get("errors") or ()
    for error in nested:
        inner = error.get("details") if isinstance(error, dict) else None
        if isinstance(inner, dict) and inner.get("api_name"):
            return str(inner["api_name"])
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
