"""What mapping one row produces: a payload, a record-level failure, or a wait for a dependency.

A failure names every field that could not be mapped (never just the first), so one journal
entry tells a person everything to fix in NetSuite. Waiting is not failing: a contact whose
company has not reached Zoho yet is mapped again once it has.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ml_connector.errors import RecordError

__all__ = [
    "AWAITING",
    "AwaitingDependency",
    "Dependency",
    "FieldIssue",
    "MappedRecord",
    "MappingFailure",
    "Outcome",
    "awaited",
]


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """Why one Zoho field could not be filled as the mapping says."""

    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Dependency:
    """A NetSuite record that must be in Zoho before this field can point at it."""

    field: str
    ns_type: str
    ns_id: str


@dataclass(frozen=True, slots=True)
class MappedRecord:
    """The Zoho payload of one NetSuite record; ``warnings`` lists fields left out on purpose."""

    source_type: str
    source_id: str
    module: str
    key_field: str
    payload: dict[str, Any]
    version: str
    warnings: tuple[FieldIssue, ...] = ()

    def payload_hash(self) -> str:
        """SHA-256 of the payload in canonical JSON: equal hashes mean nothing to write again."""
        canonical = json.dumps(self.payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MappingFailure:
    """A record the mapping cannot turn into a payload; journal it and carry on."""

    source_type: str
    source_id: str
    version: str
    problems: tuple[FieldIssue, ...]

    def errors(self) -> tuple[RecordError, ...]:
        """The problems as record errors, one per field, as the journal keeps them."""
        return tuple(
            RecordError(self.source_id, issue.code, issue.message, field=issue.field)
            for issue in self.problems
        )


AWAITING = "awaiting"


@dataclass(frozen=True, slots=True)
class AwaitingDependency:
    """A record that maps once the records it refers to have been written to Zoho.

    ``payload`` holds every field but the waiting lookups, so the record can be completed
    from the links alone (replay does, without reading NetSuite again).
    """

    source_type: str
    source_id: str
    version: str
    needs: tuple[Dependency, ...]
    module: str = ""
    key_field: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    def placeholder_payload(self) -> dict[str, Any]:
        """The payload with each waiting lookup as ``{"awaiting": {"type", "id"}}``."""
        waiting = {n.field: {AWAITING: {"type": n.ns_type, "id": n.ns_id}} for n in self.needs}
        return self.payload | waiting


def awaited(value: object) -> tuple[str, str] | None:
    """The NetSuite (type, id) a placeholder written by :meth:`placeholder_payload` awaits."""
    if isinstance(value, dict) and set(value) == {AWAITING}:
        ref = value[AWAITING]
        if isinstance(ref, dict) and isinstance(ref.get("type"), str) and ref.get("id"):
            return ref["type"], str(ref["id"])
    return None


Outcome = MappedRecord | MappingFailure | AwaitingDependency
