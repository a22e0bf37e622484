"""Preparing a Zoho org for the sync: access checks, the fields the sync needs, a mapping check.

The sync's upserts match on a unique field holding the NetSuite id (``NetSuite_ID`` by default),
which no org has until someone creates it; the default mapping also marks inactive records in a
boolean ``NetSuite_Inactive``, and copies each contact's category into a text
``NetSuite_Category``, since Zoho's Contacts have no category field of their own. Creating
these here, only where missing, makes setup safe to run again. Access is checked module by
module first, because a token minted with too narrow a scope or an edition without Vendors
otherwise surfaces later as every record of a module failing; the report says which scope or
module is missing instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ml_connector.errors import AuthError, PermanentError
from ml_connector.mapping import CATEGORY_COLUMN, Finding, MappingFile, check_against_fields
from ml_connector.mapping.rules import CopyRule, InactiveRule
from ml_connector.zoho.client import ZohoCRM

__all__ = [
    "AccessProblem",
    "FieldStep",
    "SetupReport",
    "category_field_spec",
    "inactive_field_spec",
    "key_field_spec",
    "prepare_org",
]

KEY_LENGTH = 64
CATEGORY_LENGTH = 255  # the longest single-line text Zoho allows, so no category is cut
SCOPE_MISMATCH = "OAUTH_SCOPE_MISMATCH"
Spec = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class AccessProblem:
    """Something the connection may not reach: ``what`` is a module name or ``org``."""

    what: str
    message: str


@dataclass(frozen=True)
class FieldStep:
    """What setup did about one field the sync needs."""

    module: str
    api_name: str
    outcome: Literal["created", "already there", "failed"]
    detail: str = ""
    field_id: str | None = None


@dataclass(frozen=True)
class SetupReport:
    """Everything setup found and did, and what is left for a person to fix."""

    org: Mapping[str, Any]
    access: tuple[AccessProblem, ...]
    steps: tuple[FieldStep, ...]
    findings: tuple[Finding, ...]

    @property
    def ready(self) -> bool:
        """Whether a sync can run: every module reachable, every field there, no errors left."""
        failed = any(step.outcome == "failed" for step in self.steps)
        errors = any(finding.severity == "error" for finding in self.findings)
        return not (self.access or failed or errors)

    def lines(self) -> Iterator[str]:
        """The report as a person reads it, one line per fact."""
        if self.org:
            edition = (self.org.get("license_details") or {}).get("paid_type", "unknown")
            yield f"org {self.org.get('company_name', '?')} ({self.org.get('id')}), {edition}"
        for problem in self.access:
            yield f"missing: {problem.what}: {problem.message}"
        for step in self.steps:
            detail = f" ({step.detail})" if step.detail else ""
            yield f"{step.module}.{step.api_name}: {step.outcome}{detail}"
        for finding in self.findings:
            yield f"{finding.severity}: {'.'.join(finding.path)}: {finding.message}"
        yield "ready to sync" if self.ready else "not ready: fix the lines above and run again"


def key_field_spec(api_name: str) -> Spec:
    """A unique text field ("Do not allow duplicate values"), an org-wide external id.

    Unique, so it can be named alone in ``duplicate_check_fields`` and same-named companies
    never merge; external of type ``org``, so every user's writes share one value space.
    """
    return {
        "field_label": _label(api_name),
        "data_type": "text",
        "length": KEY_LENGTH,
        "unique": {"casesensitive": "false"},
        "external": {"type": "org", "show": False},
    }


def inactive_field_spec(api_name: str) -> Spec:
    """A checkbox marking records NetSuite made inactive (they are never deleted)."""
    return {"field_label": _label(api_name), "data_type": "boolean"}


def category_field_spec(api_name: str) -> Spec:
    """A text field for a category copied as it is, where the module has no field for one.

    Text rather than a picklist: it takes every NetSuite category from the first sync on, with
    no picklist values to align first.
    """
    return {"field_label": _label(api_name), "data_type": "text", "length": CATEGORY_LENGTH}


def _label(api_name: str) -> str:
    """Zoho derives a custom field's API name from its label, spaces becoming underscores."""
    return api_name.replace("_", " ")


async def prepare_org(crm: ZohoCRM, mapping: MappingFile) -> SetupReport:
    """Check access, create the missing key and inactive fields, then check the mapping."""
    access: list[AccessProblem] = []
    org = await _reach(access, "org", "ZohoCRM.org.READ", crm.org())
    metadata: dict[str, list[dict[str, Any]]] = {}
    for module in _modules(mapping):
        fields = await _inspect(crm, module, access)
        if fields is not None:
            metadata[module] = fields
    steps = [
        await _ensure(crm, module, spec, metadata[module])
        for module, spec in _needed(mapping)
        if module in metadata
    ]
    for module in {step.module for step in steps if step.outcome == "created"}:
        metadata[module] = await crm.fields(module)
    steps = [_verified(step, metadata) for step in steps]
    findings = check_against_fields(mapping, metadata)
    return SetupReport(org or {}, tuple(access), tuple(steps), tuple(findings))


def _modules(mapping: MappingFile) -> list[str]:
    return list(dict.fromkeys(mapping.entity(t).module for t in mapping.source_types()))


def _needed(mapping: MappingFile) -> list[tuple[str, Spec]]:
    """Per module, the key field, every boolean inactive marker and copied category, each once."""
    wanted: dict[tuple[str, str], Spec] = {}
    for source_type in mapping.source_types():
        entity = mapping.entity(source_type)
        wanted.setdefault((entity.module, entity.key), key_field_spec(entity.key))
        for name, rule in entity.fields.items():
            if _boolean_marker(rule):
                wanted.setdefault((entity.module, name), inactive_field_spec(name))
            elif isinstance(rule, CopyRule) and rule.source == CATEGORY_COLUMN:
                wanted.setdefault((entity.module, name), category_field_spec(name))
    return [(module, spec) for (module, _), spec in wanted.items()]


def _boolean_marker(rule: object) -> bool:
    """An inactive rule writing true/false; other values need a field a person chooses."""
    if not isinstance(rule, InactiveRule):
        return False
    return isinstance(rule.inactive, bool) and isinstance(rule.active, bool)


async def _inspect(
    crm: ZohoCRM, module: str, access: list[AccessProblem]
) -> list[dict[str, Any]] | None:
    """The module's fields, once both its metadata and its records are known to be reachable."""
    fields = await _reach(access, module, "ZohoCRM.settings.fields.ALL", crm.fields(module))
    if fields is None:
        return None
    scope = f"ZohoCRM.modules.{module.lower()}.ALL"
    records = await _reach(access, module, scope, crm.peek(module))
    return None if records is None else fields


async def _reach(
    access: list[AccessProblem], what: str, scope: str, call: Awaitable[T]
) -> T | None:
    """The call's answer, or None with the reason recorded: a missing scope or module."""
    try:
        return await call
    except AuthError as exc:
        if exc.reason != SCOPE_MISMATCH:
            raise
        message = f"the connection's token lacks the scope {scope}: authorize it again with it"
        access.append(AccessProblem(what, message))
    except PermanentError as exc:
        access.append(AccessProblem(what, _refusal(what, exc)))
    return None


def _refusal(what: str, exc: PermanentError) -> str:
    answer = f"Zoho answered {exc.status} {exc.code}".rstrip()
    if exc.code == "NO_PERMISSION" or exc.status == 403:
        return f"{answer}: give the connected user's profile access to {what}"
    if what == "org":
        return answer
    return (
        f"{answer}: this org has no module {what} (Vendors is not in every edition); "
        "enable the module, or remove its section from the mapping"
    )


async def _ensure(
    crm: ZohoCRM, module: str, spec: Spec, fields: Sequence[Mapping[str, Any]]
) -> FieldStep:
    """Create the field unless a field of that API name exists already."""
    api_name = spec["field_label"].replace(" ", "_")
    if any(f.get("api_name") == api_name for f in fields):
        return FieldStep(module, api_name, "already there")
    try:
        field_id = await crm.create_field(module, spec)
    except PermanentError as exc:
        return FieldStep(module, api_name, "failed", _creation_hint(exc))
    return FieldStep(module, api_name, "created", f"id {field_id}", field_id)


def _creation_hint(exc: PermanentError) -> str:
    if exc.code == "LIMIT_EXCEEDED":
        return (
            f"{exc.message}; Zoho allows two unique fields and a capped number of custom "
            "fields per module: free one, or point the mapping's key at an existing unique field"
        )
    return f"{exc.message}; create the field in Zoho's layout editor instead"


def _verified(step: FieldStep, metadata: Mapping[str, Sequence[Mapping[str, Any]]]) -> FieldStep:
    """A created field Zoho named differently from its label cannot serve the mapping as is."""
    if step.outcome != "created":
        return step
    fields = metadata[step.module]
    named = [str(f.get("api_name")) for f in fields if str(f.get("id")) == step.field_id]
    if named and named[0] != step.api_name:
        detail = f"{step.detail}, named {named[0]} by Zoho: use that name in the mapping"
        return dataclasses.replace(step, detail=detail)
    return step
