"""SuiteQL answers as Python values.

SuiteQL returns every value as a string (``"42"``, ``"T"``), omits NULL columns, and does not
promise the casing of keys. Readers select dates with ``TO_CHAR(…, 'YYYY-MM-DD HH24:MI:SS')``
because a bare datetime column comes back in the user's date format without its time; those
strings are wall-clock times in the time zone of the NetSuite user we sign in as (the account's
zone unless that user's preference says otherwise), turned here into aware UTC datetimes.

Where clocks go back, an hour of wall-clock times happens twice. A time read back is taken as
the earlier of its two moments, and a lower bound sent to ``TO_DATE`` is moved before the
repeated hour, so whichever moment NetSuite takes it for, a query reads too much, never too
little.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ml_connector.errors import ConfigError

__all__ = ["DATETIME_FORMAT", "SQL_DATETIME", "account_zone", "parse_row", "to_account_time"]

SQL_DATETIME = "YYYY-MM-DD HH24:MI:SS"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _boolean(value: str) -> bool | str:
    return {"T": True, "F": False}.get(value, value)


_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _datetime(value: str, zone: tzinfo) -> datetime | str:
    # The shape is checked first because fromisoformat takes more than DATETIME_FORMAT does;
    # it is then the same parse as strptime(value, DATETIME_FORMAT), fifteen times faster.
    if not _SHAPE.fullmatch(value):
        return value
    try:
        return datetime.fromisoformat(value).replace(tzinfo=zone).astimezone(UTC)
    except ValueError:
        return value


def parse_row(
    item: Mapping[str, Any],
    *,
    booleans: Iterable[str],
    datetimes: Iterable[str],
    zone: tzinfo = UTC,
) -> dict[str, Any]:
    """Lower-case keys, drop ``links``, turn the named columns into bools and datetimes."""
    row = {str(k).lower(): v for k, v in item.items() if str(k).lower() != "links"}
    for name in booleans:
        if isinstance(row.get(name), str):
            row[name] = _boolean(row[name])
    for name in datetimes:
        if isinstance(row.get(name), str):
            row[name] = _datetime(row[name], zone)
    return row


def account_zone(name: str | None) -> tzinfo:
    """The IANA time zone called ``name`` (None or empty: UTC)."""
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {name!r}", hint="use an IANA name such as America/Los_Angeles"
        ) from None


def to_account_time(moment: datetime, zone: tzinfo) -> str:
    """An aware datetime as the account-local text TO_DATE expects, for a lower bound.

    A wall-clock time that the zone repeats is moved back by the size of the repeat, out of
    the repeated hour, so the bound is never later than ``moment``.
    """
    wall = moment.astimezone(zone).replace(tzinfo=None)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    repeat = (first.utcoffset() or _ZERO) - (second.utcoffset() or _ZERO)
    return (wall - abs(repeat)).strftime(DATETIME_FORMAT)


_ZERO = timedelta(0)
