"""Saving records the way NetSuite saves them, and firing the change event after each save.

Both the record service (our integration, ``REST_WEBSERVICES``) and the control API (a person,
``USERINTERFACE``) write through here, so a change event is posted for every create, edit,
inline edit and inactivation no matter where it came from, exactly like an ``afterSubmit``
script sees every save.
"""

# ruff: noqa: S608 - SQL is built only from the fixed schema's names; values are bound.

from __future__ import annotations

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.database import Row, iso_utc
from ml_connector.sandbox.netsuite.record_codec import InvalidRecordError, Write
from ml_connector.sandbox.netsuite.record_fields import RecordType

__all__ = ["Editor"]

_DEFAULTS: dict[str, dict[str, object]] = {
    "customer": {"isperson": "F", "isinactive": "F", "subsidiary": 1, "currency": 1,
                 "entitystatus": 13},
    "vendor": {"isperson": "F", "isinactive": "F", "subsidiary": 1, "currency": 1},
    "contact": {"isinactive": "F", "subsidiary": 1},
    "customercategory": {"isinactive": "F"},
    "vendorcategory": {"isinactive": "F"},
    "contactcategory": {"isinactive": "F"},
}  # fmt: skip
_LABELS = {"companyname": "Company Name", "lastname": "Last Name", "firstname": "First Name"}


def _missing(kind: RecordType, row: Row) -> list[str]:
    if kind.name in ("customer", "vendor"):
        needed = ["firstname", "lastname"] if row.get("isperson") == "T" else ["companyname"]
    elif kind.name == "contact":
        needed = [] if row.get("firstname") or row.get("entityid") else ["firstname"]
    else:
        needed = list(kind.required)
    return [_LABELS.get(c, c.capitalize()) for c in needed if not row.get(c)]


def _entity_id(row: Row) -> str | None:
    person = " ".join(str(row[c]) for c in ("firstname", "lastname") if row.get(c))
    return str(row.get("companyname") or person) or None


class Editor:
    """Creates and updates rows, keeps NetSuite's bookkeeping columns, emits events."""

    def __init__(self, account: Account) -> None:
        self._account = account

    def create(self, kind: RecordType, write: Write, context: str) -> int:
        """Insert a new record and return its internal id."""
        row: Row = {**_DEFAULTS.get(kind.name, {}), **write.columns}
        missing = _missing(kind, row)
        if missing:
            names = ", ".join(missing)
            detail = f"Error while accessing a resource. Please enter value(s) for: {names}."
            raise InvalidRecordError("USER_ERROR", detail)
        db = self._account.db
        row["id"] = db.next_id(kind.name)
        if "entityid" in {f.column for f in kind.fields} and not row.get("entityid"):
            row["entityid"] = _entity_id(row)
        if "datecreated" in {f.column for f in kind.fields}:
            row["datecreated"] = row["lastmodifieddate"] = iso_utc(self._account.clock())
        db.insert(kind.name, [row])
        if write.addresses is not None:
            self._replace_addresses(kind, row["id"], write.addresses)
        if kind.emits_events:
            self._account.events.emit(kind.name, row["id"], "create", context)
        return int(row["id"])

    def update(
        self, kind: RecordType, key: int, write: Write, context: str, *, inline: bool
    ) -> bool:
        """Apply ``write`` to an existing record; ``False`` if there is no such record."""
        db = self._account.db
        before = db.get(kind.name, key)
        if before is None:
            return False
        columns = dict(write.columns)
        if "lastmodifieddate" in before:
            columns["lastmodifieddate"] = iso_utc(self._account.clock())
        db.update(kind.name, key, columns)
        if write.addresses is not None:
            self._replace_addresses(kind, key, write.addresses)
        if kind.emits_events:
            inactivated = before.get("isinactive") == "F" and columns.get("isinactive") == "T"
            event_type = "inactivate" if inactivated else "xedit" if inline else "edit"
            self._account.events.emit(kind.name, key, event_type, context)
        return True

    def _replace_addresses(
        self, kind: RecordType, key: int, lines: list[dict[str, object]]
    ) -> None:
        db, book = self._account.db, f"{kind.name}addressbook"
        with db.lock:
            old = db.select(f"SELECT addressbookaddress FROM {book} WHERE entity = ?", [key])
            db.run(f"DELETE FROM {book} WHERE entity = ?", [key])
            for line in old:
                db.run("DELETE FROM entityaddress WHERE nkey = ?", [line["addressbookaddress"]])
            pointers = self._insert_lines(book, key, lines)
            db.update(kind.name, key, pointers)

    def _insert_lines(
        self, book: str, key: int, lines: list[dict[str, object]]
    ) -> dict[str, object]:
        db = self._account.db
        pointers: dict[str, object] = {
            "defaultbillingaddress": None,
            "defaultshippingaddress": None,
        }
        for line in lines:
            nkey = db.next_id("entityaddress")
            address = {
                k: v
                for k, v in line.items()
                if k not in ("defaultBilling", "defaultShipping", "label")
            }
            db.insert("entityaddress", [{**address, "nkey": nkey}])
            db.insert(book, [{
                "internalid": db.next_id(book), "entity": key, "addressbookaddress": nkey,
                "defaultbilling": "T" if line["defaultBilling"] else "F",
                "defaultshipping": "T" if line["defaultShipping"] else "F", "label": line["label"],
            }])  # fmt: skip
            if line["defaultBilling"]:
                pointers["defaultbillingaddress"] = nkey
            if line["defaultShipping"]:
                pointers["defaultshippingaddress"] = nkey
        return pointers
