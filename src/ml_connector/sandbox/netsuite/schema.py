"""The SQLite schema of the simulated account, with NetSuite's SuiteQL table and column names.

Table and column names are those of reference §3 (the NetSuite2.com analytics schema SuiteQL
queries), so a query that runs here names the same things it would name against NetSuite. The
contact's phones, alternate email, category and address book, which §3 leaves out, follow the
contact record of NetSuite's Records Browser and its ``contactaddressbook`` /
``contactaddressbookentityaddress`` tables, the pattern customers and vendors have.
Booleans are stored as ``'T'``/``'F'`` and datetimes as ISO-8601 UTC text (``…T…Z``), which
sorts and compares correctly and lets the SuiteQL layer recognise raw datetimes on output.
Entities (customers, vendors, contacts, employees) share one id sequence, as in NetSuite.
"""

# ruff: noqa: S608 - SQL is built only from the fixed schema's names; values are bound.

from __future__ import annotations

__all__ = ["CUSTOM_FIELDS", "DDL", "ENTITY_TABLES", "QUERYABLE", "TABLE_COLUMNS"]

CUSTOM_FIELDS = ("custentity_industry", "custentity_tier", "custentity_region_code")

_ENTITY_COMMON = (
    "id", "entityid", "externalid", "companyname", "isperson", "firstname", "lastname",
    "altname", "email", "phone", "altphone", "fax", "url", "isinactive", "category",
    "subsidiary", "currency", "defaultbillingaddress", "defaultshippingaddress",
    "datecreated", "lastmodifieddate",
)  # fmt: skip

_CONTACT = (
    "id", "entityid", "externalid", "company", "firstname", "lastname", "email", "altemail",
    "phone", "officephone", "mobilephone", "homephone", "fax", "title", "category",
    "isinactive", "subsidiary", "defaultbillingaddress", "defaultshippingaddress",
    "datecreated", "lastmodifieddate",
)  # fmt: skip

ENTITY_TABLES = ("customer", "vendor", "contact")
# One address book per entity type, each line pointing at an ``entityaddress`` row by ``nkey``.
_ADDRESS_BOOK = (
    "internalid", "entity", "addressbookaddress", "defaultbilling", "defaultshipping", "label",
)  # fmt: skip

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "subsidiary": ("id", "name", "isinactive", "parent", "country", "currency"),
    "currency": ("id", "name", "symbol", "isinactive"),
    "customercategory": ("id", "name", "isinactive", "externalid"),
    "vendorcategory": ("id", "name", "isinactive", "externalid"),
    "customerstatus": ("id", "name", "stage"),
    "employee": ("id", "entityid", "firstname", "lastname", "email", "isinactive"),
    "customer": (*_ENTITY_COMMON, "parent", "entitystatus", "salesrep", *CUSTOM_FIELDS),
    "vendor": (*_ENTITY_COMMON, *CUSTOM_FIELDS),
    "contactcategory": ("id", "name", "isinactive", "externalid"),
    "contact": (*_CONTACT, *CUSTOM_FIELDS),
    "entityaddress": (
        "nkey",
        "addr1",
        "addr2",
        "addr3",
        "addressee",
        "attention",
        "addrphone",
        "addrtext",
        "city",
        "state",
        "dropdownstate",
        "zip",
        "country",
    ),
    **{f"{owner}addressbook": _ADDRESS_BOOK for owner in ENTITY_TABLES},
}

_KEYS = {
    "entityaddress": "nkey",
    **{f"{owner}addressbook": "internalid" for owner in ENTITY_TABLES},
}
_INTEGER = {
    "id", "parent", "category", "subsidiary", "currency", "entitystatus", "salesrep",
    "company", "defaultbillingaddress", "defaultshippingaddress", "nkey", "internalid",
    "entity", "addressbookaddress",
}  # fmt: skip


def _table(name: str, columns: tuple[str, ...]) -> str:
    key = _KEYS.get(name, "id")
    defs = [
        f"{c} INTEGER PRIMARY KEY" if c == key else f"{c} {'INTEGER' if c in _INTEGER else 'TEXT'}"
        for c in columns
    ]
    return f"CREATE TABLE {name} ({', '.join(defs)})"


def _address_view(owner: str) -> str:
    return (
        f"CREATE VIEW {owner}addressbookentityaddress AS SELECT a.* FROM entityaddress a "
        f"WHERE a.nkey IN (SELECT addressbookaddress FROM {owner}addressbook)"
    )


_ENTITY_VIEW = (
    "CREATE VIEW entity AS "
    "SELECT id, entityid, altname, companyname, email, isinactive, 'CustJob' AS type FROM customer "
    "UNION ALL SELECT id, entityid, altname, companyname, email, isinactive, 'Vendor' FROM vendor "
    "UNION ALL SELECT id, entityid, NULL, NULL, email, isinactive, 'Contact' FROM contact "
    "UNION ALL SELECT id, entityid, NULL, NULL, email, isinactive, 'Employee' FROM employee"
)

# What a SuiteQL ``FROM`` may name: the tables above and the views below. Anything else, SQLite's
# own ``sqlite_master`` included, is a record NetSuite does not have.
QUERYABLE = frozenset(
    {*TABLE_COLUMNS, *(f"{owner}addressbookentityaddress" for owner in ENTITY_TABLES), "entity"}
)

DDL: tuple[str, ...] = (
    *(_table(name, columns) for name, columns in TABLE_COLUMNS.items()),
    *(_address_view(owner) for owner in ENTITY_TABLES),
    _ENTITY_VIEW,
    *(f"CREATE INDEX {t}_modified ON {t} (lastmodifieddate)" for t in ENTITY_TABLES),
    "CREATE INDEX contact_company ON contact (company)",
    *(f"CREATE INDEX {o}addressbook_entity ON {o}addressbook (entity)" for o in ENTITY_TABLES),
    *(
        f"CREATE INDEX {o}addressbook_address ON {o}addressbook (addressbookaddress)"
        for o in ENTITY_TABLES
    ),
)
