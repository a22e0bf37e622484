"""Small mappings of one rule, and resolvers, for table-driven tests of the transforms."""

from __future__ import annotations

from typing import Any

from ml_connector.mapping import MappingFile, Outcome, Row, apply

Links = dict[tuple[str, str], str]


def one_rule(rule: dict[str, Any], *, source_type: str = "customer", **top: Any) -> MappingFile:
    """A mapping whose only field is ``F``, filled by ``rule``."""
    module = {"customer": "Accounts", "vendor": "Vendors", "contact": "Contacts"}[source_type]
    section = {"module": module, "fields": {"F": rule}}
    return MappingFile.model_validate({source_type: section, **top})


def resolver(links: Links | None = None) -> Any:
    """A lookup resolver over a dict of (type, NetSuite id) → Zoho id."""
    known = links or {}

    def resolve(ns_type: str, ns_id: str) -> str | None:
        return known.get((ns_type, ns_id))

    return resolve


def map_one(rule: dict[str, Any], row: Row, *, links: Links | None = None, **top: Any) -> Outcome:
    """Map ``row`` (given an id) through a one-rule mapping."""
    source_type = str(top.pop("source_type", "customer"))
    mapping = one_rule(rule, source_type=source_type, **top)
    return apply(mapping, source_type, {"id": "1", **row}, resolver(links))
