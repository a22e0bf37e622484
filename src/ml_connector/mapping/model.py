"""A whole mapping file: for each NetSuite type, its Zoho module, key field and field rules.

The model is frozen so one loaded mapping can be shared by every worker without copies, and its
``version`` is a hash of its content (not of the file's text: comments and layout do not
change it), recorded in every audit row so a payload can be traced to the rules that built it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from ml_connector.errors import ConfigError
from ml_connector.mapping.columns import SOURCE_TYPES
from ml_connector.mapping.rules import Rule, Strict, check_region, frozen

__all__ = ["MODULES", "EntityMapping", "MappingFile", "ZohoField"]

MODULES = ("Accounts", "Vendors", "Contacts")
ZohoField = Annotated[
    str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=100, description="a Zoho API name")
]


class EntityMapping(Strict):
    """How one NetSuite record type becomes records of one Zoho module."""

    module: Literal["Accounts", "Vendors", "Contacts"]
    key: ZohoField = Field(
        "NetSuite_ID", description="the unique Zoho field holding the NetSuite internal id"
    )
    fields: Annotated[dict[ZohoField, Rule], AfterValidator(frozen)] = Field(
        description="Zoho field API name → rule",
        # so editors flag a name that is not an API name, as the loader does
        json_schema_extra={"additionalProperties": False},
    )

    @model_validator(mode="after")
    def _key_not_mapped(self) -> EntityMapping:
        if self.key in self.fields:
            raise ValueError(f"{self.key} is the key field; it always holds the NetSuite id")
        return self

    def owned_fields(self) -> frozenset[str]:
        """Fields NetSuite owns: an edit made in Zoho is overwritten (the key always is)."""
        owned = {name for name, rule in self.fields.items() if rule.owner == "netsuite"}
        return frozenset({self.key, *owned})

    def shared_fields(self) -> frozenset[str]:
        """Fields people may edit in Zoho too: an edit is reported, never overwritten."""
        return frozenset(name for name, rule in self.fields.items() if rule.owner == "shared")

    def custom_columns(self) -> tuple[str, ...]:
        """The ``custentity_*`` columns the rules read, which the reader must select."""
        found = {
            column
            for rule in self.fields.values()
            for column in _columns(rule)
            if column.startswith("custentity_")
        }
        return tuple(sorted(found))


def _columns(rule: Rule) -> list[str]:
    named = [getattr(rule, "source", None), *getattr(rule, "fallback", ())]
    return [column for column in named if isinstance(column, str)]


class MappingFile(Strict):
    """The mapping file: a section per NetSuite record type that is synced."""

    format: Literal[1] = Field(1, description="version of this file format")
    phone_region: str = Field(
        "US", description="region for phone numbers written without a country code"
    )
    customer: EntityMapping | None = None
    vendor: EntityMapping | None = None
    contact: EntityMapping | None = None

    @field_validator("phone_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        return check_region(value)

    @model_validator(mode="after")
    def _something_mapped(self) -> MappingFile:
        if not self.source_types():
            raise ValueError(f"map at least one of {', '.join(SOURCE_TYPES)}")
        return self

    def source_types(self) -> tuple[str, ...]:
        """The NetSuite record types this mapping syncs."""
        return tuple(name for name in SOURCE_TYPES if getattr(self, name) is not None)

    def custom_columns(self) -> dict[str, tuple[str, ...]]:
        """Per record type, the ``custentity_*`` columns the readers must select."""
        return {t: self.entity(t).custom_columns() for t in self.source_types()}

    def entity(self, source_type: str) -> EntityMapping:
        """The section of ``source_type``; an unmapped type is a configuration error."""
        found = getattr(self, source_type, None) if source_type in SOURCE_TYPES else None
        if not isinstance(found, EntityMapping):
            valid = ", ".join(self.source_types())
            raise ConfigError(f"the mapping has no {source_type!r} section (mapped: {valid})")
        return found

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy whose version is worked out again, since ``update`` may change the content."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("version", None)
        return copied

    @cached_property
    def version(self) -> str:
        """Content hash: equal for equal rules, whatever the file's comments or key order."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]
