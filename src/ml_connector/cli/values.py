"""Option values that several commands take, parsed once with the same one-line errors."""

from __future__ import annotations

from datetime import UTC, datetime

from ml_connector.errors import ConfigError
from ml_connector.netsuite import RECORD_TYPES

__all__ = ["parse_moment", "parse_record", "parse_types"]


def parse_types(raw: str) -> list[str]:
    """A comma-separated list of record types, every one of them known."""
    chosen = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = sorted(set(chosen) - set(RECORD_TYPES))
    if unknown or not chosen:
        raise ConfigError(
            f"unknown record types: {', '.join(unknown) or '(none given)'}",
            hint=f"choose from {', '.join(RECORD_TYPES)}",
        )
    return chosen


def parse_moment(raw: str | None, option: str) -> datetime | None:
    """An ISO date or time (UTC when no zone is given), named by its option in errors."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ConfigError(
            f"{option} {raw!r} is not an ISO date or time", hint="e.g. 2026-01-31"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_record(raw: str | None) -> tuple[str, str] | None:
    """``TYPE:ID`` (``customer:107``) as a pair."""
    if raw is None:
        return None
    record_type, _, record_id = raw.partition(":")
    if record_type not in RECORD_TYPES or not record_id:
        raise ConfigError(
            f"--record {raw!r} is not TYPE:ID",
            hint=f"for example customer:107; types: {', '.join(RECORD_TYPES)}",
        )
    return record_type, record_id
