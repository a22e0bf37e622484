"""Checks one incoming field value the way Zoho does, producing its per-record error bodies.

Each data type has a small checker answering "is this acceptable?"; the shared logic adds the
documented ``details`` (``expected_data_type``, ``maximum_length``, ``api_name``, ``json_path``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .fields import FieldDef
from .responses import Json, error_body

__all__ = ["CLEARED_BY_EMPTY", "check_value", "invalid_data", "mandatory_missing"]

# An empty string empties these fields, as the UI does, rather than failing their format check;
# it is refused for numbers, dates and lookups, whose format it does not match.
CLEARED_BY_EMPTY = {"text", "textarea", "email", "phone", "website", "picklist"}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?$", re.IGNORECASE)
PHONE = re.compile(r"^[0-9+()\-./ xX#*]+$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, float)


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str) or not DATETIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _matches(pattern: re.Pattern[str]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and bool(pattern.match(value))


TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "text": lambda v: isinstance(v, str),
    "textarea": lambda v: isinstance(v, str),
    "picklist": lambda v: isinstance(v, str),
    "email": _matches(EMAIL),
    "website": _matches(WEBSITE),
    "phone": _matches(PHONE),
    "integer": _is_int,
    "bigint": lambda v: _is_int(v) or (isinstance(v, str) and v.isdigit()),
    "double": _is_number,
    "currency": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "date": _is_date,
    "datetime": _is_datetime,
    "lookup": lambda v: isinstance(v, dict) and isinstance(v.get("id"), str),
    "ownerlookup": lambda v: isinstance(v, dict) and isinstance(v.get("id"), str),
}


def mandatory_missing(api_name: str, json_path: str) -> Json:
    """MANDATORY_NOT_FOUND as in ``common.json`` ``MandatoryError`` and the upsert docs."""
    details = {"api_name": api_name, "json_path": json_path}
    return error_body("MANDATORY_NOT_FOUND", "required field not found", details)


def invalid_data(
    api_name: str, json_path: str, message: str = "invalid data", **extra: Any
) -> Json:
    """INVALID_DATA with the locating ``api_name`` and ``json_path`` plus variant details."""
    return error_body(
        "INVALID_DATA", message, {**extra, "api_name": api_name, "json_path": json_path}
    )


def _length_error(fd: FieldDef, value: Any, path: str) -> Json | None:
    if isinstance(value, str) and fd.length and len(value) > fd.length:
        return invalid_data(fd.api_name, path, maximum_length=fd.length)
    return None


def _picklist_error(fd: FieldDef, value: Any, path: str) -> Json | None:
    # Only restricted picklists refuse unknown values; the standard ones here are not restricted,
    # but a custom picklist created with values is, so mistyped values show up in tests.
    if fd.data_type == "picklist" and fd.custom and value not in fd.picklist:
        return invalid_data(fd.api_name, path, supported_values=list(fd.picklist))
    return None


def check_value(
    fd: FieldDef, value: Any, path: str, exists: Callable[[FieldDef, str], bool]
) -> Json | None:
    """The error Zoho would report for ``value`` in ``fd``, or None when it is acceptable.

    ``exists`` answers whether a lookup or owner id names a real record or user.
    """
    if value is None or (value == "" and fd.data_type in CLEARED_BY_EMPTY):
        return mandatory_missing(fd.api_name, path) if fd.system_mandatory else None
    if not TYPE_CHECKS[fd.data_type](value):
        return invalid_data(fd.api_name, path, expected_data_type=fd.data_type)
    if fd.data_type in ("lookup", "ownerlookup") and not exists(fd, value["id"]):
        return invalid_data(
            fd.api_name, path, "the related id given seems to be invalid", id=value["id"]
        )
    return _length_error(fd, value, path) or _picklist_error(fd, value, path)
