"""Stored records of each module, and how a record reads back through the API.

Records are kept as plain dicts of API name → stored value (lookup and owner fields hold the
target id; times are epoch seconds) and rendered into Zoho's JSON on the way out, so one stored
form serves GET, write results, callbacks and the control API alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .fields import FieldDef
from .modules import Module
from .responses import Json
from .timestamps import format_time
from .users import Users

__all__ = ["RecordStore", "normalised"]

DISPLAY_FIELD = {"Accounts": "Account_Name", "Vendors": "Vendor_Name", "Contacts": "Full_Name"}
TIME_FIELDS = ("Created_Time", "Modified_Time")


def normalised(value: Any) -> Any:
    """The form two values are compared in for duplicate checks: case and outer space ignored."""
    return value.strip().casefold() if isinstance(value, str) else value


class RecordStore:
    """All records of the org, by module and id."""

    def __init__(self, modules: dict[str, Module], users: Users, clock: Callable[[], float]):
        self.modules = modules
        self.users = users
        self.clock = clock
        self.rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in modules}
        # (module, field) -> normalised value -> ids; built on a field's first duplicate check
        # and kept current by ``indexed``, so checks stay fast in a six-figure org
        self._index: dict[tuple[str, str], dict[Any, set[str]]] = {}

    def get(self, module: str, record_id: str) -> dict[str, Any] | None:
        """The stored record, if it exists."""
        return self.rows[module].get(record_id)

    def find(self, module: str, api_name: str, value: Any) -> list[dict[str, Any]]:
        """Records whose ``api_name`` matches ``value`` for a duplicate check, oldest first."""
        wanted = normalised(value)
        if wanted is None:
            return []
        rows = self.rows[module]
        candidates = self._field_index(module, api_name).get(wanted, set())
        found = [rows[i] for i in candidates if i in rows]  # deleted rows drop out here
        matching = [row for row in found if normalised(row.get(api_name)) == wanted]
        return sorted(matching, key=lambda row: int(row["id"]))

    def _field_index(self, module: str, api_name: str) -> dict[Any, set[str]]:
        key = (module, api_name)
        if key not in self._index:
            index: dict[Any, set[str]] = {}
            for row in self.rows[module].values():
                index.setdefault(normalised(row.get(api_name)), set()).add(row["id"])
            self._index[key] = index
        return self._index[key]

    def indexed(self, module: str, row: dict[str, Any]) -> None:
        """Note a written row's current values in every index of its module."""
        for (indexed_module, api_name), index in self._index.items():
            if indexed_module == module:
                index.setdefault(normalised(row.get(api_name)), set()).add(row["id"])

    def exists(self, fd: FieldDef, target_id: str) -> bool:
        """Whether a lookup or owner value names a real record or user."""
        if fd.data_type == "ownerlookup":
            return self.users.get(target_id) is not None
        return fd.lookup_module is not None and target_id in self.rows[fd.lookup_module]

    def display_name(self, module: str, record_id: str) -> str | None:
        """The name a lookup to this record shows."""
        row = self.rows[module].get(record_id)
        return None if row is None else row.get(DISPLAY_FIELD[module])

    def ordered(self, module: str) -> list[dict[str, Any]]:
        """Records in Zoho's default list order: id descending."""
        return sorted(self.rows[module].values(), key=lambda row: int(row["id"]), reverse=True)

    def render(self, module: str, row: dict[str, Any], names: Iterable[str] | None = None) -> Json:
        """A record as the API returns it: ``names`` only (plus ``id``), or every field."""
        fields = self.modules[module].fields
        wanted = list(fields) if names is None else [n for n in names if n != "id"]
        return {"id": row["id"]} | {name: self.value(fields[name], row) for name in wanted}

    def value(self, fd: FieldDef, row: dict[str, Any]) -> Any:
        """One field of a stored record in its API form."""
        stored = row.get(fd.api_name)
        if stored is None:
            return [] if fd.data_type == "tag" else None
        if fd.data_type == "ownerlookup":
            user = self.users.get(stored)
            return None if user is None else user.with_email()
        if fd.data_type == "lookup" and fd.lookup_module is not None:
            return {"name": self.display_name(fd.lookup_module, stored), "id": stored}
        if fd.data_type == "datetime" and isinstance(stored, float | int):
            return format_time(stored)
        return stored

    def write_summary(self, row: dict[str, Any]) -> Json:
        """The ``details`` of a successful write: times, users and id."""
        created = self.users.get(row["Created_By"]) or self.users.api
        modified = self.users.get(row["Modified_By"]) or self.users.api
        return {
            "Modified_Time": format_time(row["Modified_Time"]),
            "Modified_By": modified.minified(),
            "Created_Time": format_time(row["Created_Time"]),
            "id": row["id"],
            "Created_By": created.minified(),
        }
