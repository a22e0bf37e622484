"""The SQLite schema of the simulated account, with NetSuite's SuiteQL table and column names.

Table and column names are those of reference §3 (the NetSuite2.com analytics schema SuiteQL
queries), so a query that runs here names the same things it would name against NetSuite.
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

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "subsidiary": ("id", "name", "isinactive", "parent", "country", "currency"),
    "currency": ("id", "name", "symbol", "isinactive"),
    "customercategory": ("id", "name", "isinactive", "externalid"),
    "vendorcategory": ("id", "name", "isinactive", "externalid"),
    "customerstatus": ("id", "name", "stage"),
    "employee": ("id", "entityid", "firstname", "lastname", "email", "isinactive"),
    "customer": (*_ENTITY_COMMON, "parent", "entitystatus", "salesrep", *CUSTOM_FIELDS),
    "vendor": (*_ENTITY_COMMON, *CUSTOM_FIELDS),
    "contact": (
        "id",
        "entityid",
        "externalid",
        "company",
        "firstname",
        "lastname",
        "email",
        "phone",
        "title",
        "isinactive",
        "subsidiary",
        "datecreated",
        "lastmodifieddate",
    ),
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
    "customeraddressbook": (
        "internalid",
        "entity",
        "addressbookaddress",
        "defaultbilling",
        "defaultshipping",
        "label",
    ),
    "vendoraddressbook": (
        "internalid",
        "entity",
        "addressbookaddress",
        "defaultbilling",
        "defaultshipping",
        "label",
    ),
}

ENTITY_TABLES = ("customer", "vendor", "contact")

_KEYS = {"entityaddress": "nkey", "customeraddressbook": "internalid"}
_KEYS["vendoraddressbook"] = "internalid"
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
    {*TABLE_COLUMNS, "customeraddressbookentityaddress", "vendoraddressbookentityaddress", "entity"}
)

DDL: tuple[str, ...] = (
    *(_table(name, columns) for name, columns in TABLE_COLUMNS.items()),
    _address_view("customer"),
    _address_view("vendor"),
    _ENTITY_VIEW,
    "CREATE INDEX customer_modified ON customer (lastmodifieddate)",
    "CREATE INDEX vendor_modified ON vendor (lastmodifieddate)",
    "CREATE INDEX contact_modified ON contact (lastmodifieddate)",
    "CREATE INDEX contact_company ON contact (company)",
    "CREATE INDEX customeraddressbook_entity ON customeraddressbook (entity)",
    "CREATE INDEX vendoraddressbook_entity ON vendoraddressbook (entity)",
    "CREATE INDEX customeraddressbook_address ON customeraddressbook (addressbookaddress)",
    "CREATE INDEX vendoraddressbook_address ON vendoraddressbook (addressbookaddress)",
)
