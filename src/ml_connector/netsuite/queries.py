"""SuiteQL for the records we sync: one builder per record type, with its addresses and lookups.

Every reader selects the same column names whatever the record type, so the mapping sees one
shape: the entity's own columns, ``category_name`` (the category's display name), dates as
``lastmodified`` / ``created`` (``TO_CHAR``, see :mod:`.values`), and the default billing and
shipping addresses flattened as ``bill*`` / ``ship*`` (``billaddr1`` … ``billcountry``), each
type joined to its own address book (``customeraddressbookentityaddress``,
``vendor…``, ``contact…``). Contacts name their second phones (``mobilephone``,
``officephone``, ``homephone``) and email (``altemail``), and add ``company_type``
(``customer`` or ``vendor``) so their lookup knows where to look.

Custom fields are plain ``custentity_*`` columns; their names are checked before they are
spliced into a query, and every value goes in as a bound parameter.
"""

# ruff: noqa: S608 - SQL is assembled from fixed fragments and checked identifiers only.

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ml_connector.errors import ConfigError
from ml_connector.netsuite.values import SQL_DATETIME

__all__ = ["RECORD_TYPES", "RecordQuery", "record_query"]

RECORD_TYPES = ("customer", "vendor", "contact")
MAX_IN = 1000
_CUSTOM = re.compile(r"^custentity_[a-z0-9_]{1,80}$")
_ADDRESS_PARTS = (
    ("addr1", "addr1"),
    ("addr2", "addr2"),
    ("addr3", "addr3"),
    ("addressee", "addressee"),
    ("attention", "attention"),
    ("city", "city"),
    ("state", "NVL({a}.state, {a}.dropdownstate)"),
    ("zip", "zip"),
    ("country", "country"),
)
_ENTITY_COLUMNS = (
    "id", "entityid", "companyname", "isperson", "firstname", "lastname", "altname", "email",
    "phone", "altphone", "fax", "url", "isinactive", "category", "subsidiary",
)  # fmt: skip
# A contact has no web address, no altphone (its second phones are named) and no parent.
_CONTACT_COLUMNS = (
    "id", "entityid", "company", "firstname", "lastname", "email", "altemail", "phone",
    "officephone", "mobilephone", "homephone", "fax", "title", "isinactive", "category",
    "subsidiary",
)  # fmt: skip
_COLUMNS = {
    "customer": (*_ENTITY_COLUMNS, "parent"),
    "vendor": _ENTITY_COLUMNS,
    "contact": _CONTACT_COLUMNS,
}
# Which of customer or vendor a contact's company is, so its lookup knows where to look.
_COMPANY_TYPE = (
    "CASE WHEN cu.id IS NOT NULL THEN 'customer' WHEN ve.id IS NOT NULL THEN 'vendor' END "
    "AS company_type"
)
_COMPANY_JOINS = (
    "LEFT JOIN customer cu ON cu.id = e.company LEFT JOIN vendor ve ON ve.id = e.company "
)
BOOLEANS = ("isinactive", "isperson")
DATETIMES = ("lastmodified", "created")


def _address(alias: str, prefix: str) -> list[str]:
    return [
        f"{expr.format(a=alias) if '{' in expr else f'{alias}.{expr}'} AS {prefix}{name}"
        for name, expr in _ADDRESS_PARTS
    ]


def _dates(alias: str) -> list[str]:
    return [
        f"TO_CHAR({alias}.lastmodifieddate, '{SQL_DATETIME}') AS lastmodified",
        f"TO_CHAR({alias}.datecreated, '{SQL_DATETIME}') AS created",
    ]


def _select(table: str, custom: Sequence[str]) -> str:
    contact = table == "contact"
    columns = [f"e.{c}" for c in _COLUMNS[table]]
    columns += ["BUILTIN.DF(e.category) AS category_name", *_dates("e")]
    columns += [_COMPANY_TYPE] if contact else []
    columns += _address("b", "bill") + _address("s", "ship") + [f"e.{c}" for c in custom]
    book = f"{table}addressbookentityaddress"
    return (
        f"SELECT {', '.join(columns)} FROM {table} e {_COMPANY_JOINS if contact else ''}"
        f"LEFT JOIN {book} b ON b.nkey = e.defaultbillingaddress "
        f"LEFT JOIN {book} s ON s.nkey = e.defaultshippingaddress"
    )


@dataclass(frozen=True)
class RecordQuery:
    """The SuiteQL of one record type, ready to be narrowed three ways."""

    record_type: str
    select: str

    def by_ids(self, ids: Sequence[str]) -> tuple[str, list[str]]:
        """The rows with these ids (at most 1000, NetSuite's IN-list limit)."""
        if not 0 < len(ids) <= MAX_IN:
            raise ValueError("between 1 and 1000 ids per query")
        marks = ", ".join("?" for _ in ids)
        return f"{self.select} WHERE e.id IN ({marks}) ORDER BY e.id", [str(i) for i in ids]

    @property
    def hierarchical(self) -> bool:
        """Whether records of this type may have a parent of the same type (customers)."""
        return self.record_type == "customer"

    def after_id(
        self, last: str | None, upto: str | None = None, *, roots: bool | None = None
    ) -> tuple[str, list[str]]:
        """Keyset page: rows after id ``last`` (or from the start) up to ``upto``, by id.

        ``roots`` True keeps only records without a parent, False only those with one (for a
        hierarchical type; ignored otherwise).
        """
        conditions, params = [], []
        if roots is not None and self.hierarchical:
            conditions.append(f"e.parent IS {'' if roots else 'NOT '}NULL")
        if last is not None:
            conditions.append("e.id > ?")
            params.append(last)
        if upto is not None:
            conditions.append("e.id <= ?")
            params.append(upto)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return f"{self.select}{where} ORDER BY e.id", params

    def modified_since(self, moment: str, last_id: str | None) -> tuple[str, list[str]]:
        """Rows modified at or after ``moment`` (account-local text), by (time, id).

        ``last_id`` continues after a page that ended on ``moment``: rows with the same time
        and a higher id, then every row with a later time.
        """
        when = f"TO_DATE(?, '{SQL_DATETIME}')"
        order = "ORDER BY e.lastmodifieddate, e.id"
        if last_id is None:
            return f"{self.select} WHERE e.lastmodifieddate >= {when} {order}", [moment]
        where = f"(e.lastmodifieddate > {when} OR (e.lastmodifieddate = {when} AND e.id > ?))"
        return f"{self.select} WHERE {where} {order}", [moment, moment, last_id]


def record_query(record_type: str, custom_fields: Sequence[str] = ()) -> RecordQuery:
    """The query for ``record_type`` with the given ``custentity_*`` columns."""
    if record_type not in RECORD_TYPES:
        raise ConfigError(f"unknown record type {record_type!r}; valid: {', '.join(RECORD_TYPES)}")
    bad = [name for name in custom_fields if not _CUSTOM.match(name)]
    if bad:
        raise ConfigError(f"not custom entity field names: {', '.join(bad)}")
    return RecordQuery(record_type, _select(record_type, custom_fields))
