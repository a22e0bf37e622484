"""Values people type (a moment in time, a record as ``TYPE:ID``), parsed with one-line errors.

The CLI and the admin API take the same filters; both parse them here, so a value that one
accepts the other accepts too, and the error names the option or parameter it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ml_connector.errors import ConfigError
from ml_connector.netsuite import RECORD_TYPES

__all__ = ["parse_moment", "parse_record"]

_MAX_ID = 64  # the store's source id column


def parse_moment(raw: str | None, option: str) -> datetime | None:
    """An ISO date or time (UTC when no zone is given), in UTC; errors name ``option``."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise ConfigError(
            f"{option} {raw!r} is not an ISO date or time", hint="e.g. 2026-01-31"
        ) from None


def parse_record(raw: str | None, option: str = "--record") -> tuple[str, str] | None:
    """``TYPE:ID`` (``customer:107``) as a pair; errors name ``option``."""
    if raw is None:
        return None
    record_type, _, record_id = raw.partition(":")
    usable = record_id.isprintable() and 0 < len(record_id) <= _MAX_ID
    if record_type not in RECORD_TYPES or not usable:
        raise ConfigError(
            f"{option} {raw!r} is not TYPE:ID",
            hint=f"for example customer:107; types: {', '.join(RECORD_TYPES)}",
        )
    return record_type, record_id
