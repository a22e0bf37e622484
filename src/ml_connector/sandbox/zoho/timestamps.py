"""Zoho's date-time text: ``yyyy-MM-ddTHH:mm:ss±HH:mm`` in the org's time zone, no fractions."""

from __future__ import annotations

import datetime as dt

__all__ = ["ORG_TIME_ZONE", "format_time", "parse_time"]

# A fixed negative offset (like the docs' -07:00 samples) catches clients that assume UTC.
ORG_OFFSET = dt.timezone(dt.timedelta(hours=-7))
ORG_TIME_ZONE = "America/Phoenix"  # -07:00 all year, no daylight saving


def format_time(epoch: float) -> str:
    """Epoch seconds as Zoho writes them."""
    moment = dt.datetime.fromtimestamp(int(epoch), tz=ORG_OFFSET)
    return moment.isoformat(timespec="seconds")


def parse_time(text: str) -> float | None:
    """Zoho's format back to epoch seconds; None for anything else, fractional seconds included."""
    if "." in text or len(text) != 25:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if moment.tzinfo is None else moment.timestamp()
