"""Field definitions of a module and their metadata as ``GET /settings/fields`` describes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .responses import Json

__all__ = ["JSON_TYPES", "FieldDef", "field_metadata"]

JSON_TYPES = {
    "text": "string",
    "textarea": "string",
    "email": "string",
    "phone": "string",
    "website": "string",
    "picklist": "string",
    "date": "string",
    "datetime": "string",
    "bigint": "string",
    "integer": "integer",
    "double": "double",
    "currency": "double",
    "boolean": "boolean",
    "lookup": "jsonobject",
    "ownerlookup": "jsonobject",
    "tag": "jsonarray",
    "territories": "jsonarray",
}


@dataclass
class FieldDef:
    """One field: what values it takes and what the metadata API says about it."""

    api_name: str
    label: str
    data_type: str
    id: str
    length: int = 0
    system_mandatory: bool = False
    custom: bool = False
    read_only: bool = False
    unique: bool = False
    external: Json | None = None
    lookup_module: str | None = None
    picklist: list[str] = field(default_factory=list)
    picklist_ids: dict[str, str] = field(default_factory=dict)


def _lookup_meta(fd: FieldDef, module_ids: dict[str, str]) -> Json:
    if fd.lookup_module is None:
        return {}
    target = fd.lookup_module
    return {
        "display_label": target,
        "api_name": fd.api_name,
        "module": {"api_name": target, "id": module_ids[target]},
        "id": fd.id,
        "query_details": {},
        "revalidate_filter_during_edit": False,
        "show_fields": [],
    }


def _picklist_meta(fd: FieldDef) -> list[Json]:
    return [
        {
            "display_value": value,
            "actual_value": value,
            "sequence_number": index + 1,
            "type": "used",
            "id": fd.picklist_ids.get(value, ""),
            "colour_code": None,
        }
        for index, value in enumerate(fd.picklist)
    ]


def _operations(fd: FieldDef) -> Json:
    writable = not fd.read_only
    return {
        "web_update": writable,
        "api_create": writable,
        "web_create": writable,
        "api_update": writable,
    }


def field_metadata(fd: FieldDef, module_ids: dict[str, str]) -> Json:
    """The metadata element of one field (the keys a client reads, as in Zoho's sample)."""
    return {
        "api_name": fd.api_name,
        "field_label": fd.label,
        "display_label": fd.label,
        "data_type": fd.data_type,
        "json_type": JSON_TYPES[fd.data_type],
        "length": fd.length,
        "system_mandatory": fd.system_mandatory,
        "custom_field": fd.custom,
        "read_only": fd.read_only,
        "field_read_only": fd.read_only,
        "unique": {"casesensitive": "false"} if fd.unique else {},
        "external": fd.external,
        "lookup": _lookup_meta(fd, module_ids),
        "pick_list_values": _picklist_meta(fd),
        "operation_type": _operations(fd),
        "created_source": "crm" if fd.custom else "default",
        "visible": True,
        "sortable": True,
        "filterable": True,
        "searchable": True,
        "mass_update": not fd.read_only,
        "decimal_place": 2 if fd.data_type in ("currency", "double") else None,
        "type": "used",
        "id": fd.id,
    }
