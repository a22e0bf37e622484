"""Insert, update and upsert of one record at a time, with Zoho's per-record results.

A batch is these operations applied in order, so a record later in a batch sees the records
written before it (a second record with the same unique value is a DUPLICATE_DATA, or an update
on upsert), as on Zoho. Every successful write yields a ``Change`` for the notification channels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ids import IdMint
from .records import RecordStore
from .responses import Json, error_body
from .users import User
from .values import check_value, invalid_data, mandatory_missing

__all__ = ["Change", "Outcome", "Writer"]

UNKNOWN_FIELD = "the field api name given seems to be invalid"


@dataclass(frozen=True)
class Change:
    """A committed change, as notification callbacks describe it."""

    module: str
    operation: str  # insert | update | delete
    record_id: str
    values: Json = field(default_factory=dict)
    related: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One record's result element, and the change it made (None when it failed)."""

    body: Json
    change: Change | None = None


def _success(message: str, details: Json, **extra: Any) -> Json:
    return {"code": "SUCCESS", **extra, "details": details, "message": message, "status": "success"}


def _first(errors: list[Json]) -> Json | None:
    return errors[0] if errors else None


def _combined(duplicates: list[Json]) -> Json | None:
    """Several unique-field clashes in one record come back together, as Zoho documents."""
    if len(duplicates) > 1:
        details = {"errors": duplicates}
        return error_body("MULTIPLE_OR_MULTI_ERRORS", "Multiple errors in the request", details)
    return _first(duplicates)


class Writer:
    """Applies single-record writes to the store on behalf of a user."""

    def __init__(self, store: RecordStore, mint: IdMint) -> None:
        self.store = store
        self.mint = mint

    def _accept(self, module: str, data: Json, index: int) -> tuple[Json, list[Json]]:
        """The writable values of ``data`` in stored form, and any field errors."""
        fields = self.store.modules[module].fields
        values: Json = {}
        errors: list[Json] = []
        for name, value in data.items():
            path = f"$.data[{index}].{name}"
            fd = fields.get(name)
            if name == "id" or name.startswith("$") or (fd is not None and fd.read_only):
                continue  # system keys are ignored on write, as Zoho does
            if fd is None:
                errors.append(invalid_data(name, path, UNKNOWN_FIELD))
                continue
            problem = check_value(fd, value, path, self.store.exists)
            if problem:
                errors.append(problem)
            elif value == "":
                values[name] = None  # stored and read back as null, like an emptied field
            else:
                values[name] = value["id"] if isinstance(value, dict) else value
        return values, errors

    def _mandatory(self, module: str, row: Json, index: int) -> Json | None:
        for fd in self.store.modules[module].fields.values():
            if fd.system_mandatory and row.get(fd.api_name) in (None, ""):
                return mandatory_missing(fd.api_name, f"$.data[{index}].{fd.api_name}")
        return None

    def _duplicates(self, module: str, values: Json, index: int, own_id: str | None) -> list[Json]:
        found = []
        for fd in self.store.modules[module].unique_fields():
            value = values.get(fd.api_name)
            if value is None:
                continue
            others = [r for r in self.store.find(module, fd.api_name, value) if r["id"] != own_id]
            if others:
                found.append(self._duplicate(module, fd.api_name, others[0], index))
        return found

    def _duplicate(self, module: str, api_name: str, other: Json, index: int) -> Json:
        owner = self.store.users.get(other["Owner"]) or self.store.users.api
        details = {
            "api_name": api_name,
            "duplicate_record": {
                "Owner": {"name": owner.name, "id": owner.id, "zuid": owner.zuid},
                "module": {"api_name": module, "id": self.store.modules[module].id},
                "id": other["id"],
            },
            "json_path": f"$.data[{index}].{api_name}",
            "id": other["id"],
            "more_records": False,
        }
        return error_body("DUPLICATE_DATA", "duplicate data", details)

    def insert(self, module: str, data: Any, index: int, actor: User) -> Outcome:
        """Insert one record (``POST /crm/v8/{module}``)."""
        if not isinstance(data, dict):
            return Outcome(invalid_data("data", f"$.data[{index}]"))
        values, errors = self._accept(module, data, index)
        return self._insert_values(module, values, errors, index, actor)

    def _insert_values(
        self, module: str, values: Json, errors: list[Json], index: int, actor: User
    ) -> Outcome:
        problem = (
            _first(errors)
            or self._mandatory(module, values, index)
            or _combined(self._duplicates(module, values, index, None))
        )
        if problem:
            return Outcome(problem)
        row = self._new_row(module, values, actor)
        details = self.store.write_summary(row) | {"$approval_state": "approved"}
        change = Change(module, "insert", row["id"], related=self._related(module, row))
        return Outcome(_success("record added", details), change)

    def _new_row(self, module: str, values: Json, actor: User) -> Json:
        now = self.store.clock()
        row: Json = {"id": self.mint.new(), "Owner": actor.id, "Record_Status__s": "Available"}
        row |= {"Locked__s": False, "Created_By": actor.id, "Created_Time": now}
        row |= values | {"Modified_By": actor.id, "Modified_Time": now}
        self._derive(module, row)
        self.store.rows[module][row["id"]] = row
        self.store.indexed(module, row)
        return row

    def update(
        self, module: str, data: Any, index: int, actor: User, record_id: str | None = None
    ) -> Outcome:
        """Update one record by id (``PUT /crm/v8/{module}`` or ``…/{id}``)."""
        if not isinstance(data, dict):
            return Outcome(invalid_data("data", f"$.data[{index}]"))
        record_id = record_id or data.get("id")
        if not record_id:
            return Outcome(mandatory_missing("id", f"$.data[{index}].id"))
        row = self.store.get(module, str(record_id))
        if row is None:
            message = "the id given seems to be invalid"
            return Outcome(error_body("INVALID_DATA", message, {"id": str(record_id)}))
        values, errors = self._accept(module, data, index)
        return self._update_row(module, row, values, errors=errors, index=index, actor=actor)

    def _update_row(
        self, module: str, row: Json, values: Json, *, errors: list[Json], index: int, actor: User
    ) -> Outcome:
        problem = (
            _first(errors)
            or self._mandatory(module, row | values, index)
            or _combined(self._duplicates(module, values, index, row["id"]))
        )
        if problem:
            return Outcome(problem)
        changed = self.apply(module, row, values, actor)
        change = Change(module, "update", row["id"], changed, self._related(module, row))
        return Outcome(_success("record updated", self.store.write_summary(row)), change)

    def apply(self, module: str, row: Json, values: Json, actor: User) -> Json:
        """Write ``values`` into ``row`` as ``actor``; the changed fields in API form."""
        changed = {name: value for name, value in values.items() if row.get(name) != value}
        row |= values | {"Modified_By": actor.id, "Modified_Time": self.store.clock()}
        self._derive(module, row)
        self.store.indexed(module, row)
        fields = self.store.modules[module].fields
        return {name: self.store.value(fields[name], row) for name in changed}

    def upsert(self, module: str, data: Any, index: int, actor: User, checks: list[str]) -> Outcome:
        """Update the first record matching a duplicate-check field in order, else insert."""
        if not isinstance(data, dict):
            return Outcome(invalid_data("data", f"$.data[{index}]"))
        values, errors = self._accept(module, data, index)
        for name in checks:
            matches = self.store.find(module, name, values[name]) if name in values else []
            if matches:
                outcome = self._update_row(
                    module, matches[0], values, errors=errors, index=index, actor=actor
                )
                return _as_upsert(outcome, name, "update")
        outcome = self._insert_values(module, values, errors, index, actor)
        return _as_upsert(outcome, None, "insert")

    def delete(self, module: str, record_id: str) -> Change | None:
        """Remove a record (a person deleting it in the UI)."""
        row = self.store.rows[module].pop(record_id, None)
        return None if row is None else Change(module, "delete", record_id)

    def _derive(self, module: str, row: Json) -> None:
        if module == "Contacts":
            parts = (row.get("First_Name"), row.get("Last_Name"))
            row["Full_Name"] = " ".join(p for p in parts if p)

    def _related(self, module: str, row: Json) -> tuple[tuple[str, str], ...]:
        """Other modules' records this one points at: they see a related action."""
        pairs = []
        for fd in self.store.modules[module].fields.values():
            target = fd.lookup_module
            if target is not None and target != module and row.get(fd.api_name):
                pairs.append((target, str(row[fd.api_name])))
        return tuple(pairs)


def _as_upsert(outcome: Outcome, duplicate_field: str | None, action: str) -> Outcome:
    """Upsert results add ``duplicate_field`` and ``action`` to successes."""
    if outcome.change is None:
        return outcome
    body = outcome.body
    upsert_body = {"code": body["code"], "duplicate_field": duplicate_field, "action": action}
    upsert_body |= {k: body[k] for k in ("details", "message", "status")}
    return Outcome(upsert_body, outcome.change)
