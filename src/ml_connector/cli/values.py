"""Option values that several commands take, parsed once with the same one-line errors."""

from __future__ import annotations

from ml_connector.connections.values import parse_moment, parse_record
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
