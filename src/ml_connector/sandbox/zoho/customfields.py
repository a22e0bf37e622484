"""Creating custom fields and adding picklist values, with the rules of Zoho's fields API.

The connector creates its unique ``NetSuite_ID``-style key field here, so the rules that decide
whether that works are simulated: at most 5 fields a call, a unique text field at most 255 long,
at most two unique fields per module, external ids on text fields only.
"""

from __future__ import annotations

import re
from typing import Any

from .fields import FieldDef
from .ids import IdMint
from .modules import Module
from .responses import Json, error_body
from .values import invalid_data, mandatory_missing

__all__ = ["CUSTOM_FIELD_CAPS", "add_picklist_values", "create_field", "picklist_problem"]

CUSTOM_TYPES = {
    "text": 255,
    "textarea": 32000,
    "email": 100,
    "phone": 30,
    "website": 255,
    "picklist": 120,
    "integer": 9,
    "bigint": 18,
    "double": 16,
    "currency": 16,
    "boolean": 0,
    "date": 0,
    "datetime": 0,
}
UNIQUE_TYPES = {"text", "email", "phone", "website", "integer", "bigint"}
MAX_UNIQUE = 2
# Custom fields per module by edition (reference §3.3); Free is not documented: Standard's cap.
CUSTOM_FIELD_CAPS = {
    "free": 10,
    "standard": 10,
    "professional": 155,
    "enterprise": 300,
    "ultimate": 500,
}


def api_name_for(label: str) -> str:
    """Zoho derives a custom field's API name from its label: words joined by underscores."""
    return "_".join(re.findall(r"[A-Za-z0-9]+", label))


def _path(index: int, key: str) -> str:
    return f"$.fields[{index}].{key}"


def _label_problem(module: Module, element: Json, index: int) -> Json | None:
    label = element.get("field_label")
    if not isinstance(label, str) or not api_name_for(label):
        return mandatory_missing("field_label", _path(index, "field_label"))
    taken = {f.label.casefold() for f in module.fields.values()} | {
        name.casefold() for name in module.fields
    }
    if label.casefold() in taken or api_name_for(label).casefold() in taken:
        details = {"api_name": "field_label", "json_path": _path(index, "field_label")}
        return error_body("DUPLICATE_DATA", "duplicate data", details)
    return None


def _type_problem(element: Json, index: int) -> Json | None:
    data_type = element.get("data_type")
    if data_type is None:
        return mandatory_missing("data_type", _path(index, "data_type"))
    if not isinstance(data_type, str) or data_type not in CUSTOM_TYPES:
        return invalid_data("data_type", _path(index, "data_type"))
    length = element.get("length", CUSTOM_TYPES[data_type])
    if (
        isinstance(length, bool)
        or not isinstance(length, int)
        or not 0 <= length <= CUSTOM_TYPES[data_type]
    ):
        return invalid_data(
            "length", _path(index, "length"), maximum_length=CUSTOM_TYPES[data_type]
        )
    if data_type == "picklist" and not _picklist_values(element.get("pick_list_values")):
        return mandatory_missing("pick_list_values", _path(index, "pick_list_values"))
    return None


def _uniqueness_problem(module: Module, element: Json, index: int) -> Json | None:
    data_type, external = element.get("data_type"), element.get("external")
    if external is not None:
        if data_type != "text" or not isinstance(external, dict):
            return invalid_data("external", _path(index, "external"))
        if external.get("type") not in ("org", "user"):
            return invalid_data("external", _path(index, "external"))
    if "unique" in element and data_type not in UNIQUE_TYPES:
        return invalid_data("unique", _path(index, "unique"))
    wants_unique = "unique" in element or external is not None
    if wants_unique and len(module.unique_fields()) >= MAX_UNIQUE:
        details = {"api_name": "unique", "json_path": _path(index, "unique"), "limit": MAX_UNIQUE}
        return error_body("LIMIT_EXCEEDED", "limit exceeded", details)
    return None


def _picklist_values(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    names = [v.get("display_value") for v in values if isinstance(v, dict)]
    return [n for n in names if isinstance(n, str) and n]


def create_field(
    module: Module, element: Any, index: int, mint: IdMint, cap: int
) -> FieldDef | Json:
    """A new custom field added to ``module``, or the per-field error."""
    if not isinstance(element, dict):
        return invalid_data("fields", f"$.fields[{index}]")
    if sum(f.custom for f in module.fields.values()) >= cap:
        details = {"api_name": "fields", "json_path": f"$.fields[{index}]", "limit": cap}
        return error_body("LIMIT_EXCEEDED", "limit exceeded", details)
    problem = (
        _label_problem(module, element, index)
        or _type_problem(element, index)
        or _uniqueness_problem(module, element, index)
    )
    if problem:
        return problem
    fd = _new_field(element, mint)
    module.fields[fd.api_name] = fd
    return fd


def _new_field(element: Json, mint: IdMint) -> FieldDef:
    data_type = element["data_type"]
    external = element.get("external")
    fd = FieldDef(
        api_name_for(element["field_label"]), element["field_label"], data_type, mint.new()
    )
    fd.length = element.get("length", CUSTOM_TYPES[data_type])
    fd.custom = True
    fd.unique = "unique" in element or external is not None
    fd.external = (
        None
        if external is None
        else {"type": external["type"], "show": external.get("show", False)}
    )
    add_picklist_values(fd, element.get("pick_list_values"), mint)
    return fd


MAX_OPTION = 120  # characters of a picklist option's display value


def picklist_problem(fd: FieldDef, values: Any) -> Json | None:
    """Why Zoho would refuse these options for ``fd`` (update custom field), or None.

    An option with an ``id`` changes that option and must name one of the field's; a new
    option needs a non-empty ``display_value`` of at most 120 characters, unique in the field.
    """
    if not isinstance(values, list) or not values:
        return mandatory_missing("pick_list_values", _path(0, "pick_list_values"))
    taken = {v.casefold() for v in fd.picklist}
    for index, value in enumerate(values):
        path = f"{_path(0, 'pick_list_values')}[{index}]"
        problem = _option_problem(fd, value, path, taken)
        if problem:
            return problem
        if isinstance(value, dict) and "id" not in value:
            taken.add(str(value["display_value"]).casefold())
    return None


def _option_problem(fd: FieldDef, value: Any, path: str, taken: set[str]) -> Json | None:
    if not isinstance(value, dict):
        return invalid_data("pick_list_values", path)
    if "id" in value:
        known = str(value["id"]) in fd.picklist_ids.values()
        return (
            None if known else invalid_data("id", f"{path}.id", "the id given seems to be invalid")
        )
    display = value.get("display_value")
    if not isinstance(display, str) or not display.strip():
        return mandatory_missing("display_value", f"{path}.display_value")
    if len(display) > MAX_OPTION:
        return invalid_data("display_value", f"{path}.display_value", maximum_length=MAX_OPTION)
    if display.casefold() in taken:
        details = {"api_name": "display_value", "json_path": f"{path}.display_value"}
        return error_body("DUPLICATE_DATA", "duplicate data", details)
    return None


def add_picklist_values(fd: FieldDef, values: Any, mint: IdMint) -> int:
    """Append picklist values not already present; how many were added."""
    added = [v for v in _picklist_values(values) if v not in fd.picklist]
    for value in dict.fromkeys(added):
        fd.picklist.append(value)
        fd.picklist_ids[value] = mint.new()
    return len(set(added))
