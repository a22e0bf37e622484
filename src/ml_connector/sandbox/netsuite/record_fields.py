"""How REST record fields (camelCase JSON) map to the SuiteQL columns the rows are stored in.

The record service speaks JSON with camelCase names, ``true``/``false``, ISO-8601 UTC datetimes
and references as ``{"links", "id", "refName"}``; SuiteQL sees the same data as lowercase columns
with ``'T'``/``'F'``. One table of fields per record type drives both directions, so a value
written through one interface reads back identically through the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml_connector.sandbox.netsuite.schema import CUSTOM_FIELDS

__all__ = ["RECORD_TYPES", "Field", "RecordType", "record_type"]


@dataclass(frozen=True)
class Field:
    """One body field: REST name, column, kind (text, bool, date, ref) and referenced table."""

    name: str
    column: str
    kind: str = "text"
    table: str = ""
    readonly: bool = False


@dataclass(frozen=True)
class RecordType:
    """A record type the simulator serves, with its fields and write rules."""

    name: str
    fields: tuple[Field, ...]
    required: tuple[str, ...] = ()
    has_addressbook: bool = False
    emits_events: bool = False

    def field(self, name: str) -> Field | None:
        """The field called ``name`` (case-insensitive, as NetSuite's samples mix cases)."""
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)


def _text(*names: str) -> tuple[Field, ...]:
    return tuple(Field(n, n.lower()) for n in names)


_STAMPS = (
    Field("id", "id", readonly=True),
    Field("dateCreated", "datecreated", "date", readonly=True),
    Field("lastModifiedDate", "lastmodifieddate", "date", readonly=True),
)
_PARTY = (
    *_text("entityId", "externalId", "companyName", "firstName", "lastName", "altName"),
    *_text("email", "phone", "altPhone", "fax", "url"),
    Field("isPerson", "isperson", "bool"),
    Field("isInactive", "isinactive", "bool"),
    Field("subsidiary", "subsidiary", "ref", "subsidiary"),
    Field("currency", "currency", "ref", "currency"),
    *_text(*CUSTOM_FIELDS),
)
_CATEGORY = (
    Field("id", "id", readonly=True),
    *_text("name", "externalId"),
    Field("isInactive", "isinactive", "bool"),
)

RECORD_TYPES: dict[str, RecordType] = {
    "customer": RecordType(
        "customer",
        (
            *_STAMPS,
            *_PARTY,
            Field("category", "category", "ref", "customercategory"),
            Field("parent", "parent", "ref", "customer"),
            Field("entityStatus", "entitystatus", "ref", "customerstatus"),
            Field("salesRep", "salesrep", "ref", "employee"),
        ),
        has_addressbook=True,
        emits_events=True,
    ),
    "vendor": RecordType(
        "vendor",
        (*_STAMPS, *_PARTY, Field("category", "category", "ref", "vendorcategory")),
        has_addressbook=True,
        emits_events=True,
    ),
    "contact": RecordType(
        "contact",
        (
            *_STAMPS,
            *_text("entityId", "externalId", "firstName", "lastName", "email", "altEmail"),
            *_text("phone", "officePhone", "mobilePhone", "homePhone", "fax", "title"),
            Field("isInactive", "isinactive", "bool"),
            Field("company", "company", "ref", "entity"),
            Field("category", "category", "ref", "contactcategory"),
            Field("subsidiary", "subsidiary", "ref", "subsidiary"),
            *_text(*CUSTOM_FIELDS),
        ),
        has_addressbook=True,
        emits_events=True,
    ),
    **{
        name: RecordType(name, _CATEGORY, required=("name",))
        for name in ("customercategory", "vendorcategory", "contactcategory")
    },
}


def record_type(path_segment: str) -> RecordType | None:
    """The record type for a URL segment; NetSuite treats these case-insensitively."""
    return RECORD_TYPES.get(path_segment.lower())
