"""The audit page's filters: read from the query string, checked, and kept to refill the form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ml_connector.netsuite import RECORD_TYPES
from ml_connector.store.audit import FAILED, SKIPPED, UNCHANGED, WRITTEN, AuditRow

__all__ = ["FAILING", "OUTCOMES", "AuditQuery"]

OUTCOMES = (WRITTEN, UNCHANGED, FAILED, SKIPPED)
FAILING = "failing"  # not an outcome: records whose latest attempt failed (what replay re-sends)


@dataclass(frozen=True)
class AuditQuery:
    """What the operator asked for; ``problems`` says which inputs could not be used."""

    outcome: str = ""
    record_type: str = ""
    record_id: str = ""
    since: str = ""
    until: str = ""
    problems: tuple[str, ...] = field(default=())

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> AuditQuery:
        """The filters in ``params`` (empty values mean "any")."""
        raw = {name: params.get(key, "").strip() for name, key in _PARAMS.items()}
        problems = []
        if raw["outcome"] and raw["outcome"] not in (*OUTCOMES, FAILING):
            problems.append(f"outcome must be one of {', '.join((*OUTCOMES, FAILING))}")
        if raw["record_type"] and raw["record_type"] not in RECORD_TYPES:
            problems.append(f"record type must be one of {', '.join(RECORD_TYPES)}")
        bad_times = [key for key in ("since", "until") if _bad(raw[key])]
        problems += [f"{key} is not a date and time" for key in bad_times]
        return cls(**raw, problems=tuple(problems))

    @property
    def failing(self) -> bool:
        """Whether only records whose latest attempt failed are wanted."""
        return self.outcome == FAILING

    def keeps(self, row: AuditRow) -> bool:
        """Whether ``row`` passes the record and ``until`` filters (``search_audit`` applies
        them itself; rows found another way are checked here)."""
        until = _moment(self.until)
        return (
            self.record_type in ("", row.source_type)
            and self.record_id in ("", row.source_id)
            and (until is None or row.created_at is None or row.created_at < until)
        )

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for ``search_audit``."""
        return {
            "outcome": self.outcome or None,
            "source_type": self.record_type or None,
            "source_id": self.record_id or None,
            "since": _moment(self.since),
            "until": _moment(self.until),
        }


_PARAMS = {
    "outcome": "outcome",
    "record_type": "type",
    "record_id": "id",
    "since": "since",
    "until": "until",
}


def _moment(raw: str) -> datetime | None:
    """An ISO date or time, as a ``datetime-local`` input sends it; UTC unless it says."""
    if not raw:
        return None
    moment = datetime.fromisoformat(raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _bad(raw: str) -> bool:
    try:
        _moment(raw)
    except ValueError:
        return True
    return False
