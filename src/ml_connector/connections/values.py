"""Values people type (a moment in time, a record as ``TYPE:ID``), parsed with one-line errors.

The CLI and the admin API take the same filters; both parse them here, so a value that one
accepts the other accepts too, and the error names the option or parameter it came from. The
API's OpenAPI document states the same rules (``RECORD_PATTERN``) for clients to check first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ml_connector.errors import ConfigError
from ml_connector.netsuite import RECORD_TYPES

__all__ = ["RECORD_PATTERN", "parse_moment", "parse_record"]

# NetSuite internal ids are numbers; letters and ``_.-`` leave room for external ids
RECORD_PATTERN = rf"^({'|'.join(RECORD_TYPES)}):[0-9A-Za-z_.-]{{1,64}}$"
_RECORD = re.compile(RECORD_PATTERN.removeprefix("^").removesuffix("$"))
_EARLIEST, _LATEST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


def parse_moment(raw: str | None, option: str) -> datetime | None:
    """An ISO date or time (UTC when no zone is given), in UTC; errors name ``option``."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ConfigError(
            f"{option} {raw!r} is not an ISO date or time", hint="e.g. 2026-01-31"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # the first or last day of year 1 or 9999, in a zone far from UTC
        return _EARLIEST if moment.year == 1 else _LATEST


def parse_record(raw: str | None, option: str = "--record") -> tuple[str, str] | None:
    """``TYPE:ID`` (``customer:107``) as a pair; errors name ``option``."""
    if raw is None:
        return None
    if not _RECORD.fullmatch(raw):
        raise ConfigError(
            f"{option} {raw!r} is not TYPE:ID",
            hint=f"for example customer:107; types: {', '.join(RECORD_TYPES)}",
        )
    record_type, _, record_id = raw.partition(":")
    return record_type, record_id
