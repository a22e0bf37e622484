"""Edits made in Zoho, sorted by who owns the field: re-assert NetSuite's, report shared ones.

When Zoho says a record changed, the sync compares what it last wrote with what Zoho holds now.
A difference in a field NetSuite owns is overwritten with the value we wrote (NetSuite stays
the system of record); a difference in a shared field is only reported, since someone in sales
may have had a reason. Values are compared as Zoho returns them: lookups as ``{"name", "id"}``
objects (compared by id), empty text as null, surrounding spaces ignored, 1000 equal to 1000.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ml_connector.mapping.model import EntityMapping

__all__ = ["ZohoEdit", "reassertion", "zoho_edits"]


@dataclass(frozen=True)
class ZohoEdit:
    """One field whose value in Zoho is no longer the one we wrote."""

    field: str
    written: Any
    found: Any
    owned: bool


def zoho_edits(
    entity: EntityMapping, written: Mapping[str, Any], found: Mapping[str, Any]
) -> list[ZohoEdit]:
    """The fields of ``written`` (our last payload) that ``found`` (Zoho's record) changed.

    Fields Zoho did not return are not edits: a record fetched with ``fields=`` holds only those.
    """
    owned = entity.owned_fields()
    return [
        ZohoEdit(name, value, found[name], name in owned)
        for name, value in written.items()
        if name in found and _comparable(value) != _comparable(found[name])
    ]


def reassertion(edits: list[ZohoEdit]) -> dict[str, Any]:
    """The partial payload that puts NetSuite's values back into the fields NetSuite owns."""
    return {edit.field: edit.written for edit in edits if edit.owned}


def _comparable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return ("lookup", _comparable(value.get("id")))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    return text or None
