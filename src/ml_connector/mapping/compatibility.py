"""A mapping checked against one Zoho org's field metadata, before any sync uses it.

Zoho orgs differ: fields are renamed, made read-only, added by setup or never created, and
picklists have their own values. Each mapped field is checked to exist, to be writable, to take
the kind of value its rule produces and, for picklists, to know the values the mapping writes;
each module's mandatory fields must be filled and its key field must exist and be unique.
Input is what ``GET /crm/v8/settings/fields?module=…`` answers, its ``fields`` list per module.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ml_connector.mapping.columns import CATEGORY_COLUMN
from ml_connector.mapping.model import EntityMapping, MappingFile
from ml_connector.mapping.rules import (
    ConstantRule,
    CopyRule,
    CustomRule,
    InactiveRule,
    LookupRule,
    Rule,
    ValueMapRule,
)

__all__ = ["Finding", "check_against_fields"]

FieldMeta = Mapping[str, Any]
TEXT = frozenset({"text", "textarea"})
STRINGS = TEXT | {"picklist", "email", "phone", "website"}
NUMBERS = frozenset({"integer", "bigint", "double", "currency"})
SAME_KIND = {
    "textarea": TEXT,
    "text": TEXT,
    "integer": {"integer", "bigint"},  # a long integer field takes any whole number
    "double": {"double", "currency"},
}
RULE_ACCEPTS: dict[str, frozenset[str]] = {
    "copy": STRINGS,
    "template": STRINGS,
    "phone": frozenset({"phone", "text"}),
    "email": frozenset({"email", "text"}),
    "address": TEXT | {"picklist"},
    "lookup": frozenset({"lookup"}),
}
DEFAULT_MODULES = {"customer": "Accounts", "vendor": "Vendors", "contact": "Contacts"}


@dataclass(frozen=True)
class Finding:
    """One mismatch between the mapping and the org; errors stop a sync, warnings do not."""

    severity: Literal["error", "warning"]
    path: tuple[str, ...]
    message: str


def check_against_fields(
    mapping: MappingFile, fields_by_module: Mapping[str, Sequence[FieldMeta]]
) -> list[Finding]:
    """Every mismatch of ``mapping`` with the fields metadata of the modules it writes."""
    findings: list[Finding] = []
    for source_type in mapping.source_types():
        entity = mapping.entity(source_type)
        fields = fields_by_module.get(entity.module)
        if fields is None:
            message = f"no field metadata for module {entity.module}"
            findings.append(Finding("error", (source_type, "module"), message))
            continue
        by_name = {str(f.get("api_name")): f for f in fields}
        findings += _EntityCheck(mapping, source_type, entity, by_name).findings()
    return findings


@dataclass(frozen=True)
class _EntityCheck:
    mapping: MappingFile
    source_type: str
    entity: EntityMapping
    fields: dict[str, FieldMeta]

    def findings(self) -> list[Finding]:
        found = [*self._key(), *self._mandatory()]
        for name, rule in self.entity.fields.items():
            found += self._field(name, rule)
        return found

    def _error(self, path: tuple[str, ...], message: str) -> Finding:
        return Finding("error", (self.source_type, *path), message)

    def _key(self) -> Iterator[Finding]:
        meta, key = self.fields.get(self.entity.key), self.entity.key
        if meta is None:
            message = f"key field {key} does not exist in {self.entity.module}"
            yield self._error(("key",), f"{message}; `ml-connector setup` creates it")
        elif not meta.get("unique"):
            yield self._error(("key",), f"key field {key} must be unique in Zoho")

    def _mandatory(self) -> Iterator[Finding]:
        filled = {self.entity.key, *self.entity.fields}
        for name, meta in self.fields.items():
            if meta.get("system_mandatory") and name not in filled:
                yield self._error(("fields",), f"Zoho requires {name}, which nothing fills")

    def _field(self, name: str, rule: Rule) -> list[Finding]:
        path = ("fields", name)
        meta = self.fields.get(name)
        if meta is None:
            return [self._error(path, self._unknown(name, rule))]
        if _read_only(meta):
            return [self._error(path, f"{name} is read-only in Zoho")]
        data_type = str(meta.get("data_type"))
        problem = _type_problem(rule, data_type)
        if problem:
            return [self._error(path, problem)]
        return [Finding(s, (self.source_type, *path), m) for s, m in self._values(rule, meta)]

    def _unknown(self, name: str, rule: Rule) -> str:
        close = difflib.get_close_matches(name, list(self.fields), n=5, cutoff=0.6)
        hints = [f"did you mean {', '.join(close)}?"] if close else []
        if isinstance(rule, CopyRule) and rule.source == CATEGORY_COLUMN:
            hints.insert(0, "`ml-connector setup` creates it as a text field")
        elif isinstance(rule, CustomRule | InactiveRule):
            hints.insert(0, "create it as a custom field in Zoho")
        elif not close:
            hints.append(self._fillable(rule))
        hint = f" ({', or '.join(hints)})" if hints else ""
        return f"{self.entity.module} has no field {name}{hint}"

    def _fillable(self, rule: Rule) -> str:
        """The valid names for a rule: writable fields of a type it fills, not mapped yet."""
        taken = {self.entity.key, *self.entity.fields}
        names = sorted(
            name
            for name, meta in self.fields.items()
            if name not in taken
            and not _read_only(meta)
            and _type_problem(rule, str(meta.get("data_type"))) is None
        )
        if not names:
            return f"no unmapped field of {self.entity.module} takes what a {rule.type} rule writes"
        return f"fields a {rule.type} rule can fill: {', '.join(names)}"

    def _values(self, rule: Rule, meta: FieldMeta) -> Iterator[tuple[Any, str]]:
        if meta.get("system_mandatory") and _passes_text(rule) and not rule.required:
            yield "warning", "Zoho requires this field; say required: true to catch empty values"
        if isinstance(rule, LookupRule):
            yield from self._lookup(rule, meta)
        elif meta.get("data_type") == "picklist":
            yield from _picklist(rule, meta)

    def _lookup(self, rule: LookupRule, meta: FieldMeta) -> Iterator[tuple[Any, str]]:
        target = (meta.get("lookup") or {}).get("module") or {}
        section = getattr(self.mapping, rule.target)
        wanted = section.module if section else DEFAULT_MODULES[rule.target]
        if target.get("api_name") != wanted:
            found = target.get("api_name") or "nothing"
            yield "error", f"looks up {found} in Zoho, but {rule.target} records are {wanted}"


def _read_only(meta: FieldMeta) -> bool:
    operations = meta.get("operation_type") or {}
    writable = operations.get("api_create", True) and operations.get("api_update", True)
    return bool(meta.get("read_only") or meta.get("field_read_only") or not writable)


def _type_problem(rule: Rule, data_type: str) -> str | None:
    if isinstance(rule, CustomRule):
        if data_type in SAME_KIND.get(rule.data_type, {rule.data_type}):
            return None
        return f"the rule writes {rule.data_type}, but the Zoho field is {data_type}"
    accepts = RULE_ACCEPTS.get(rule.type)
    if accepts is not None:
        ok = data_type in accepts
        return None if ok else f"a {rule.type} rule cannot fill a {data_type} field"
    bad = [repr(v) for v in _produced(rule) if not _takes(data_type, v)]
    if _passes_text(rule) and data_type not in STRINGS:
        bad.append("NetSuite's text")
    return f"a {data_type} field cannot take {bad[0]}" if bad else None


def _produced(rule: Rule) -> list[object]:
    """The fixed values a rule can write."""
    if isinstance(rule, ConstantRule):
        return [rule.value]
    if isinstance(rule, InactiveRule):
        return [rule.inactive, rule.active]
    if isinstance(rule, ValueMapRule):
        extra = [rule.default] if rule.unmapped == "default" else []
        return [*rule.values.values(), *extra]
    return []


def _passes_text(rule: Rule) -> bool:
    """Whether the rule can write text taken from NetSuite as it is."""
    if isinstance(rule, ValueMapRule):
        return rule.unmapped == "pass"
    return not isinstance(rule, ConstantRule | InactiveRule)


def _takes(data_type: str, value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return data_type == "boolean"
    if isinstance(value, int):
        return data_type in NUMBERS
    if isinstance(value, float):
        return data_type in {"double", "currency"}
    return data_type in STRINGS | {"date", "datetime"}


def _picklist(rule: Rule, meta: FieldMeta) -> Iterator[tuple[Any, str]]:
    known = {
        str(entry.get(key))
        for entry in meta.get("pick_list_values") or ()
        for key in ("actual_value", "display_value")
    }
    unknown = sorted({v for v in _produced(rule) if isinstance(v, str) and v not in known})
    if unknown:
        listed = ", ".join(sorted(known - {"None"}))
        yield "error", f"picklist has no value {', '.join(unknown)} (values: {listed})"
    if _passes_text(rule):
        yield "warning", "values come from NetSuite and are not checked against the picklist"
