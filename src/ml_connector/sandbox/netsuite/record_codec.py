"""Rows to record-service JSON and record-service JSON to column values, with NetSuite's checks.

Reading: body fields in camelCase, booleans as JSON booleans, datetimes ISO-8601 UTC, references
as ``{"links", "id", "refName"}``, null fields left out, sublists as a link unless
``expandSubResources=true`` (reference §4). Writing: names are matched case-insensitively,
``null`` clears a field, a reference to a record that does not exist is refused with 400
``INVALID_CONTENT`` and NetSuite's "Invalid Field Value" wording, and unknown names are refused
only when ``X-NetSuite-PropertyNameValidation: error`` asks for it (the default is a warning).
"""

# ruff: noqa: S608 - SQL is built only from the fixed schema's names; values are bound.

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_connector.sandbox.netsuite.database import Database, Row
from ml_connector.sandbox.netsuite.record_fields import Field, RecordType

__all__ = ["InvalidRecordError", "Write", "parse_write", "record_json"]

_ADDRESS_FIELDS = {
    "addr1": "addr1", "addr2": "addr2", "addr3": "addr3", "addressee": "addressee",
    "attention": "attention", "addrphone": "addrphone", "addrtext": "addrtext", "city": "city",
    "state": "state", "zip": "zip", "country": "country",
}  # fmt: skip
_ADDRESS_JSON = {
    "addrphone": "addrPhone",
    "addrtext": "addrText",
    "nkey": "nKey",
    "dropdownstate": "dropdownstate",
}
_REF_NAME = {"entity": "entityid", "employee": "entityid", "customer": "entityid"}


class InvalidRecordError(Exception):
    """A write NetSuite refuses: status, error code, detail and the offending field's path."""

    def __init__(self, code: str, detail: str, path: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.path = path


@dataclass
class Write:
    """Column values to store and, when the body had an address book, its lines."""

    columns: dict[str, object] = field(default_factory=dict)
    addresses: list[dict[str, object]] | None = None


def _self(href: str) -> list[dict[str, str]]:
    return [{"rel": "self", "href": href}]


def _reference(db: Database, base: str, spec: Field, value: int) -> dict[str, Any]:
    target = spec.table
    row = db.get(target, value) if target != "entity" else None
    if target == "entity":
        found = db.select("SELECT entityid FROM entity WHERE id = ?", [value])
        row = found[0] if found else None
    name = row.get(_REF_NAME.get(target, "name")) if row else None
    ref: dict[str, Any] = {"links": _self(f"{base}/{target}/{value}"), "id": str(value)}
    if name is not None:
        ref["refName"] = str(name)
    return ref


def _value(db: Database, base: str, spec: Field, value: object) -> object:
    if spec.kind == "bool":
        return value == "T"
    if spec.kind == "ref":
        return _reference(db, base, spec, int(str(value)))
    return str(value) if spec.column == "id" else value


def _address_line(db: Database, href: str, line: Row) -> dict[str, Any]:
    address = db.get("entityaddress", int(line["addressbookaddress"])) or {}
    body = {_ADDRESS_JSON.get(k, k): v for k, v in address.items() if v is not None}
    body["nKey"] = str(address.get("nkey"))
    body["links"] = _self(f"{href}/{line['internalid']}/addressbookaddress")
    return {
        "links": _self(f"{href}/{line['internalid']}"),
        "id": str(line["internalid"]),
        "defaultBilling": line["defaultbilling"] == "T",
        "defaultShipping": line["defaultshipping"] == "T",
        "label": line["label"],
        "addressbookaddress": body,
    }


def _addressbook(db: Database, kind: RecordType, href: str, key: int, expand: bool) -> Row:
    book: Row = {"links": _self(f"{href}/addressbook")}
    if expand:
        lines = db.select(
            f"SELECT * FROM {kind.name}addressbook WHERE entity = ? ORDER BY internalid",
            [key],
        )
        book["items"] = [_address_line(db, f"{href}/addressbook", line) for line in lines]
    return book


def record_json(
    db: Database, kind: RecordType, row: Row, base: str, *, expand: bool = False
) -> dict[str, Any]:
    """The record service's body for ``row``; ``base`` is ``…/services/rest/record/v1``."""
    href = f"{base}/{kind.name}/{row['id']}"
    body: dict[str, Any] = {"links": _self(href)}
    for spec in kind.fields:
        value = row.get(spec.column)
        if value is not None:
            body[spec.name] = _value(db, base, spec, value)
    if kind.has_addressbook:
        body["addressbook"] = _addressbook(db, kind, href, int(row["id"]), expand)
    return body


def _reference_id(db: Database, spec: Field, value: object) -> int:
    raw = value.get("id") if isinstance(value, dict) else None
    if not isinstance(raw, str | int) or not str(raw).lstrip("-").isdigit():
        raise InvalidRecordError(
            "INVALID_CONTENT", f"Invalid value for the field {spec.name}.", spec.name
        )
    key = int(raw)
    exists = db.select(f"SELECT 1 FROM {spec.table} WHERE id = ?", [key])
    if not exists:
        detail = (
            "Error while accessing a resource. You have entered an Invalid Field Value "
            f"{key} for the following field: {spec.name.lower()}"
        )
        raise InvalidRecordError("INVALID_CONTENT", detail, spec.name)
    return key


def _column_value(db: Database, spec: Field, value: object) -> object:
    if value is None:
        return None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise InvalidRecordError(
                "INVALID_CONTENT", f"Invalid value for the field {spec.name}.", spec.name
            )
        return "T" if value else "F"
    if spec.kind == "ref":
        return _reference_id(db, spec, value)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidRecordError(
            "INVALID_CONTENT", f"Invalid value for the field {spec.name}.", spec.name
        )
    return str(value)


def _addresses(value: object) -> list[dict[str, object]]:
    items = value.get("items") if isinstance(value, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidRecordError(
            "INVALID_CONTENT", "Invalid value for the sublist addressbook.", "addressbook"
        )
    lines = []
    for item in items:
        address = item.get("addressbookaddress") or {}
        line = {c: address.get(k) for k, c in _ADDRESS_FIELDS.items() if isinstance(address, dict)}
        line.update({k: bool(item.get(k)) for k in ("defaultBilling", "defaultShipping")})
        line["label"] = item.get("label")
        lines.append(line)
    return lines


def parse_write(db: Database, kind: RecordType, body: object, *, strict_names: bool) -> Write:
    """Column values for a POST or PATCH body; :class:`InvalidRecordError` if NetSuite refuses."""
    if not isinstance(body, dict):
        raise InvalidRecordError("INVALID_CONTENT", "The request body must be a JSON object.")
    write = Write()
    for name, value in body.items():
        if kind.has_addressbook and name.lower() == "addressbook":
            write.addresses = _addresses(value)
            continue
        spec = kind.field(name)
        if spec is None:
            if strict_names:
                raise InvalidRecordError("NONEXISTENT_FIELD", f"Invalid field name: {name}.", name)
            continue
        if not spec.readonly:
            write.columns[spec.column] = _column_value(db, spec, value)
    return write
