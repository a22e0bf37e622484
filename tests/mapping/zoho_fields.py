"""Zoho field metadata as ``GET /settings/fields`` answers it, built field by field for tests."""

from __future__ import annotations

from typing import Any

Meta = dict[str, Any]


def field(api_name: str, data_type: str = "text", **extra: Any) -> Meta:
    """One element of the ``fields`` array, with Zoho's keys and their usual defaults."""
    picklist = extra.pop("picklist", [])
    lookup = extra.pop("lookup", None)
    read_only = extra.pop("read_only", False)
    return {
        "api_name": api_name,
        "field_label": api_name.replace("_", " "),
        "data_type": data_type,
        "system_mandatory": extra.pop("mandatory", False),
        "custom_field": extra.pop("custom", False),
        "read_only": read_only,
        "unique": {"casesensitive": "false"} if extra.pop("unique", False) else {},
        "external": None,
        "lookup": {"module": {"api_name": lookup, "id": "1"}} if lookup else {},
        "pick_list_values": [
            {"display_value": v, "actual_value": v, "type": "used", "id": str(i)}
            for i, v in enumerate(picklist)
        ],
        "operation_type": {
            "web_update": not read_only,
            "api_create": not read_only,
            "web_create": not read_only,
            "api_update": not read_only,
        },
        "id": f"f-{api_name}",
        **extra,
    }


def key() -> Meta:
    """The unique text field setup creates for the NetSuite internal id."""
    return field("NetSuite_ID", unique=True, custom=True)


def accounts(*more: Meta) -> list[Meta]:
    """A small Accounts module: its mandatory name, the key, and ``more``."""
    return [field("Account_Name", mandatory=True), key(), *more]
