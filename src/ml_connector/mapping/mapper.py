"""``apply()``: one NetSuite row in, one Zoho payload (or a reason there is none) out.

Pure and quick on purpose: no I/O, no clock, no globals, so a batch of rows maps the same way
in a worker, in a replay and in ``mapping preview``, and a benchmark measures only mapping.
References to other records are resolved by a function the caller provides (the links table
in the sync, a dictionary in tests); an unresolved one makes the record wait, not fail.

Every field is tried even after one has failed, so the failure lists every field to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_connector.mapping.model import EntityMapping, MappingFile
from ml_connector.mapping.outcome import (
    AwaitingDependency,
    Dependency,
    FieldIssue,
    MappedRecord,
    MappingFailure,
    Outcome,
)
from ml_connector.mapping.rules import Rule
from ml_connector.mapping.transforms import (
    TRANSFORMS,
    Context,
    Lookups,
    Omitted,
    Rejected,
    Row,
    Waiting,
    text,
)

__all__ = ["Fields", "apply"]


def apply(mapping: MappingFile, source_type: str, row: Row, lookups: Lookups) -> Outcome:
    """Map one NetSuite row (see :mod:`ml_connector.mapping.columns`) to its Zoho payload."""
    entity = mapping.entity(source_type)
    source_id = text(row.get("id"))
    if source_id is None:
        issue = FieldIssue(entity.key, "MISSING_ID", "the row has no id")
        return MappingFailure(source_type, "", mapping.version, (issue,))
    fields = Fields(payload={entity.key: source_id})
    context = Context(row, lookups, mapping.phone_region)
    for name, rule in entity.fields.items():
        fields.fill(name, rule, context)
    return fields.outcome(mapping.version, source_type, source_id, entity)


@dataclass(slots=True)
class Fields:
    """The payload being built and everything that went wrong on the way."""

    payload: dict[str, Any]
    problems: list[FieldIssue] = field(default_factory=list)
    warnings: list[FieldIssue] = field(default_factory=list)
    needs: list[Dependency] = field(default_factory=list)

    def fill(self, name: str, rule: Rule, context: Context) -> None:
        try:
            value = TRANSFORMS[rule.type](rule, context)
        except Omitted as signal:
            self.warnings.append(FieldIssue(name, signal.code, signal.message))
        except Rejected as signal:
            self.problems.append(FieldIssue(name, signal.code, signal.message))
        except Waiting as signal:
            self.needs.append(Dependency(name, signal.ns_type, signal.ns_id))
        else:
            if value is None and rule.required:
                self.problems.append(FieldIssue(name, "REQUIRED", "required, but empty"))
            self.payload[name] = self._fitted(name, value, rule.max_length)

    def _fitted(self, name: str, value: object, limit: int | None) -> object:
        """Text cut to the field's length, because Zoho refuses the whole record otherwise."""
        if limit is None or not isinstance(value, str) or len(value) <= limit:
            return value
        message = f"cut from {len(value)} to {limit} characters"
        self.warnings.append(FieldIssue(name, "TRUNCATED", message))
        return value[:limit].rstrip()

    def outcome(
        self, version: str, source_type: str, source_id: str, entity: EntityMapping
    ) -> Outcome:
        if self.problems:
            return MappingFailure(source_type, source_id, version, tuple(self.problems))
        if self.needs:
            return AwaitingDependency(
                source_type, source_id, version, tuple(self.needs), entity.module, entity.key,
                self.payload,
            )  # fmt: skip
        return MappedRecord(
            source_type,
            source_id,
            entity.module,
            entity.key,
            self.payload,
            version,
            tuple(self.warnings),
        )
