"""Field by field, how one row becomes a payload: for ``mapping preview`` and for people.

A payload alone does not say why a field came out empty or was left out; the explanation puts
each Zoho field beside the NetSuite columns it read, their raw values, and what happened.
Fields are mapped by the same code as ``apply()``, one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ml_connector.mapping.columns import ADDRESS_PREFIXES
from ml_connector.mapping.mapper import Fields, apply
from ml_connector.mapping.model import MappingFile
from ml_connector.mapping.outcome import Outcome
from ml_connector.mapping.rules import AddressRule, Rule, TemplateRule, template_columns
from ml_connector.mapping.transforms import Context, Lookups, Row

__all__ = ["FieldLine", "explain"]

Status = Literal["set", "empty", "omitted", "failed", "waiting"]


@dataclass(frozen=True)
class FieldLine:
    """One Zoho field: the rule, the columns it read with their values, and the result."""

    field: str
    rule: str
    owner: str
    read: dict[str, Any]
    status: Status
    value: Any = None
    note: str = ""


def explain(
    mapping: MappingFile, source_type: str, row: Row, lookups: Lookups
) -> tuple[Outcome, list[FieldLine]]:
    """The outcome of ``apply()`` and a line per mapped field saying how it came about."""
    entity = mapping.entity(source_type)
    context = Context(row, lookups, mapping.phone_region)
    lines = [_line(name, rule, context) for name, rule in entity.fields.items()]
    return apply(mapping, source_type, row, lookups), lines


def _line(name: str, rule: Rule, context: Context) -> FieldLine:
    read = {column: context.row.get(column) for column in columns_read(rule)}
    status, value, note = _result(name, rule, context)
    return FieldLine(name, rule.type, rule.owner, read, status, value, note)


def _result(name: str, rule: Rule, context: Context) -> tuple[Status, Any, str]:
    fields = Fields(payload={})
    fields.fill(name, rule, context)
    if fields.problems:
        return "failed", None, fields.problems[0].message
    if fields.needs:
        need = fields.needs[0]
        return "waiting", None, f"{need.ns_type} {need.ns_id} is not in Zoho yet"
    note = fields.warnings[0].message if fields.warnings else ""
    if name not in fields.payload:
        return "omitted", None, note
    value = fields.payload[name]
    return ("empty" if value is None else "set"), value, note


def columns_read(rule: Rule) -> list[str]:
    """The row columns a rule reads, in the order it reads them."""
    if isinstance(rule, TemplateRule):
        return list(dict.fromkeys(template_columns(rule.template)))
    if isinstance(rule, AddressRule):
        prefix = ADDRESS_PREFIXES[rule.address]
        parts = ("addr1", "addr2", "addr3") if rule.part == "street" else (rule.part,)
        return [prefix + part for part in parts]
    named = [getattr(rule, key, None) for key in ("source", "source_type_column")]
    named[1:1] = getattr(rule, "fallback", ())
    return [column for column in named if isinstance(column, str)]
