"""The input contract of ``apply()``: what a NetSuite row looks like when it reaches the mapping.

The NetSuite readers (``ml_connector.netsuite``) produce one plain ``dict`` per record, and the
mapping reads nothing else, so this module is where the two sides agree:

* Keys are the lower-case SuiteQL column names below; a missing key means NULL (SuiteQL omits
  NULL columns).
* Values are strings as SuiteQL sends them, except that readers may already have turned
  ``isinactive`` / ``isperson`` into ``bool`` and ``lastmodified`` / ``created`` into aware
  ``datetime``; ``'T'``/``'F'`` strings are accepted wherever a flag is read. Numbers may arrive
  as ``int``/``float``; they are read as their decimal text.
* ``id`` is the record's NetSuite internal id; it becomes the value of the Zoho key field.
* Customers, vendors and contacts carry their default billing and shipping address flattened,
  with the prefix ``bill`` or ``ship``: ``billaddr1``, ``billaddr2``, ``billaddr3``,
  ``billaddressee``, ``billattention``, ``billcity``, ``billstate``, ``billzip``,
  ``billcountry`` (ISO 3166-1 alpha-2, as NetSuite stores it), and the same with ``ship``.
  A record without an address book has none of them.
* ``category`` is the category's internal id, ``category_name`` its display name
  (``BUILTIN.DF``); ``parent`` (customers) and ``company`` (contacts) are internal ids.
* Contacts have no ``url``, ``altphone`` or ``parent``; their other phones are
  ``mobilephone``, ``officephone`` and ``homephone``, their second email ``altemail``. They
  carry ``company_type``: ``customer`` or ``vendor``, whichever ``company`` is, so a lookup
  knows whether the company is an Account or a Vendor in Zoho.
* Custom entity fields are plain ``custentity_*`` columns, present when the mapping asks for
  them (see ``MappingFile.custom_columns``).

A column the mapping names must be one of these, so a typing mistake in the file is caught when
it is validated, not when every record comes through empty.
"""

from __future__ import annotations

import re

__all__ = [
    "ADDRESS_PARTS",
    "ADDRESS_PREFIXES",
    "CATEGORY_COLUMN",
    "COLUMNS",
    "SOURCE_TYPES",
    "is_known_column",
]

SOURCE_TYPES = ("customer", "vendor", "contact")
ADDRESS_PARTS = (
    "addr1",
    "addr2",
    "addr3",
    "addressee",
    "attention",
    "city",
    "state",
    "zip",
    "country",
)
ADDRESS_PREFIXES = {"billing": "bill", "shipping": "ship"}
CATEGORY_COLUMN = "category_name"
CUSTOM_COLUMN = re.compile(r"^custentity_[a-z0-9_]{1,80}$")

_ENTITY = (
    "id", "entityid", "companyname", "isperson", "firstname", "lastname", "altname", "email",
    "phone", "altphone", "fax", "url", "isinactive", "category", "category_name", "subsidiary",
    "lastmodified", "created",
)  # fmt: skip
_ADDRESSES = tuple(f"{prefix}{part}" for prefix in ("bill", "ship") for part in ADDRESS_PARTS)
_CONTACT = (
    "id", "entityid", "company", "company_type", "firstname", "lastname", "email", "altemail",
    "phone", "officephone", "mobilephone", "homephone", "fax", "title", "isinactive",
    "category", "category_name", "subsidiary", "lastmodified", "created",
)  # fmt: skip

COLUMNS: dict[str, frozenset[str]] = {
    "customer": frozenset((*_ENTITY, "parent", *_ADDRESSES)),
    "vendor": frozenset((*_ENTITY, *_ADDRESSES)),
    "contact": frozenset((*_CONTACT, *_ADDRESSES)),
}


def is_known_column(source_type: str, column: str) -> bool:
    """Whether rows of ``source_type`` can carry ``column`` (custom entity fields always can)."""
    return column in COLUMNS.get(source_type, ()) or bool(CUSTOM_COLUMN.match(column))
