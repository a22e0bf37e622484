"""Record metadata as NetSuite publishes it: JSON Schema (draft 6) and OpenAPI 3.0 fragments.

Generic clients (ETL sources, SDK generators) read these to learn field names and types before
they list records, so they are built from the same field table that drives the record service
(:mod:`.record_fields`): what the schema promises is what a GET returns.

Shapes follow Oracle's pages: "Working with JSON Schema Metadata"
(https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545129726.html: ``type``,
``properties`` with ``title``/``type``/``format``/``nullable``/``x-ns-custom-field``, and
``"$schema": "https://json-schema.org/draft-06/hyper-schema#"``) and "Working with OpenAPI 3.0
Metadata" (section_1545126526.html: ``paths`` per record with the ``q`` parameter, a
``…Collection`` schema for the collection media type, ``rest_error`` as the default response,
and references outside ``select`` declared as plain objects). ``x-ns-filterable`` marks fields
``q`` accepts (section_1545222128.html). Link arrays and references point at
``/services/rest/record/v1/metadata-catalog/nsLink`` and ``…/<record>``, host-less paths, as
clients that resolve them (Airbyte's NetSuite source) expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ml_connector.sandbox.netsuite.record_fields import Field, RecordType
from ml_connector.sandbox.netsuite.schema import CUSTOM_FIELDS, TABLE_COLUMNS

__all__ = ["CATALOG_PATH", "SCHEMA_DIALECT", "json_schema", "openapi", "reference_schema"]

CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
SCHEMA_DIALECT = "https://json-schema.org/draft-06/hyper-schema#"
COLLECTION = "application/vnd.oracle.resource+json; type=collection"
SINGULAR = "application/vnd.oracle.resource+json; type=singular"
_TITLES = {"id": "Internal ID", "externalId": "External ID", "entityId": "ID"}
_ADDRESS = ("addr1", "addr2", "addr3", "addressee", "attention", "addrPhone", "addrText",
            "city", "state", "zip", "country", "nKey")  # fmt: skip

Schema = dict[str, Any]


def _title(name: str) -> str:
    if name in _TITLES:
        return _TITLES[name]
    if name in CUSTOM_FIELDS:
        return name.removeprefix("custentity_").replace("_", " ").title()
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).title()


def _links() -> Schema:
    items = {"$ref": f"{CATALOG_PATH}/nsLink"}
    return {"title": "Links", "type": "array", "readOnly": True, "items": items}


def _property(spec: Field) -> Schema:
    prop: Schema = {"title": _title(spec.name)}
    if spec.kind == "ref":
        return prop | {"type": "object", "$ref": f"{CATALOG_PATH}/{spec.table}"}
    if spec.kind == "bool":
        prop["type"] = "boolean"
    elif spec.kind == "date":
        prop |= {"type": "string", "format": "date-time", "nullable": True}
    else:
        prop |= {"type": "string"} if spec.column == "id" else {"type": "string", "nullable": True}
    if spec.name in CUSTOM_FIELDS:
        prop["x-ns-custom-field"] = True
    return prop


def _addressbook() -> Schema:
    address = {n: {"title": _title(n), "type": "string", "nullable": True} for n in _ADDRESS}
    line = {
        "links": _links(),
        "id": {"title": "Internal ID", "type": "string"},
        "defaultBilling": {"title": "Default Billing", "type": "boolean"},
        "defaultShipping": {"title": "Default Shipping", "type": "boolean"},
        "label": {"title": "Label", "type": "string", "nullable": True},
        "addressbookaddress": {"title": "Address", "type": "object", "properties": address},
    }
    return {
        "title": "Address Book",
        "type": "object",
        "properties": {
            "links": _links(),
            "items": {"type": "array", "items": {"type": "object", "properties": line}},
            "totalResults": {"title": "Total Results", "type": "integer", "format": "int64"},
        },
    }


def _properties(kind: RecordType) -> Schema:
    props: Schema = {"links": _links()}
    for spec in kind.fields:
        props[spec.name] = _property(spec) | {"x-ns-filterable": True}
    if kind.has_addressbook:
        props["addressbook"] = _addressbook()
    return props


def json_schema(kind: RecordType) -> Schema:
    """The JSON Schema NetSuite answers for ``Accept: application/schema+json``."""
    return {"type": "object", "properties": _properties(kind), "$schema": SCHEMA_DIALECT}


def reference_schema(name: str) -> Schema | None:
    """Schema of ``nsLink`` or of a record the simulator holds only as a reference target."""
    if name == "nsLink":
        href = {"title": "Hypertext Reference", "type": "string", "format": "uri"}
        link = {"rel": {"title": "Relation", "type": "string"}, "href": href}
        return {"type": "object", "properties": link, "$schema": SCHEMA_DIALECT}
    columns = TABLE_COLUMNS.get(name) or (("id", "entityid") if name == "entity" else None)
    if columns is None:
        return None
    props: Schema = {"links": _links()}
    props |= {c: {"title": _title(c), "type": "string", "nullable": c != "id"} for c in columns}
    props["refName"] = {"title": "Reference Name", "type": "string"}
    return {"type": "object", "properties": props, "$schema": SCHEMA_DIALECT}


def _component(kind: RecordType, selected: set[str]) -> Schema:
    """A record's schema with catalog references rewritten for an OpenAPI document."""
    props = _properties(kind)
    for name, prop in props.items():
        target = str(prop.get("$ref", "")).removeprefix(f"{CATALOG_PATH}/")
        if target:
            props[name] = (
                {"title": prop["title"], "$ref": f"#/components/schemas/{target}"}
                if target in selected
                else {"title": prop["title"], "type": "object"}
            )
        _link_items(prop)
    return {"type": "object", "properties": props}


def _link_items(prop: Schema) -> None:
    if prop.get("title") == "Links":
        prop["items"] = {"$ref": "#/components/schemas/nsLink"}
    for inner in prop.get("properties", {}).values():
        _link_items(inner)
    if isinstance(prop.get("items"), dict):
        _link_items(prop["items"])


def _collection_schema() -> Schema:
    item = {"type": "object", "properties": {"links": _links(), "id": {"type": "string"}}}
    _link_items(item)
    return {
        "type": "object",
        "properties": {
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/nsLink"}},
            "count": {"type": "integer", "format": "int64"},
            "hasMore": {"type": "boolean"},
            "items": {"type": "array", "items": item},
            "offset": {"type": "integer", "format": "int64"},
            "totalResults": {"type": "integer", "format": "int64"},
        },
    }


def _operation(summary: str, status: str, content: str | None, ref: str | None) -> Schema:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/rest_error"}}}
    ok: Schema = {"description": summary}
    if content and ref:
        ok["content"] = {content: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
    return {"summary": summary, "responses": {status: ok, "default": {
        "description": "Error response.", "content": error}}}  # fmt: skip


def _parameter(name: str, where: str, description: str, kind: str = "string") -> Schema:
    spec = {"name": name, "in": where, "description": description, "schema": {"type": kind}}
    return spec | ({"required": True} if where == "path" else {})


def _paths(kind: RecordType) -> Schema:
    name = kind.name
    listing = _operation("Get list of records", "200", COLLECTION, f"{name}Collection")
    listing["parameters"] = [
        _parameter("q", "query", "Search query used to filter results"),
        _parameter("limit", "query", "The limit used to specify the number of results on a "
                   "single page.", "integer"),
        _parameter("offset", "query", "The offset used for selecting a specific page of "
                   "results.", "integer"),
    ]  # fmt: skip
    one = _operation("Get record", "200", SINGULAR, name)
    one["parameters"] = [
        _parameter("id", "path", "Internal identifier"),
        _parameter("expandSubResources", "query", "Set to true to automatically expand all "
                   "sublists, sublist lines, and subrecords on this record.", "boolean"),
        _parameter("fields", "query", "Set the names of the fields and sublists on the record."),
    ]  # fmt: skip
    return {
        f"/{name}": {"get": listing, "post": _operation("Insert record", "204", None, None)},
        f"/{name}/{{id}}": {"get": one, "patch": _operation("Update record", "204", None, None)},
    }


def openapi(kinds: Iterable[RecordType], base_url: str) -> Schema:
    """The OpenAPI 3.0 document for ``Accept: application/swagger+json``, limited to ``kinds``."""
    chosen = list(kinds)
    selected = {k.name for k in chosen}
    schemas: Schema = {"nsLink": reference_schema("nsLink") or {}}
    schemas["nsLink"].pop("$schema", None)
    schemas["rest_error"] = _rest_error()
    paths: Schema = {}
    for kind in chosen:
        for key, value in _paths(kind).items():
            paths[key] = {m: op | {"tags": [kind.name]} for m, op in value.items()}
        schemas[kind.name] = _component(kind, selected)
        schemas[f"{kind.name}Collection"] = _collection_schema()
    return {
        "openapi": "3.0.1",
        "info": {"title": "NetSuite REST Record API", "version": "v1"},
        "servers": [{"url": base_url}],
        "tags": [{"name": name} for name in sorted(selected)],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _rest_error() -> Schema:
    detail = {"type": "object", "properties": {
        "detail": {"type": "string"}, "o:errorCode": {"type": "string"},
        "o:errorPath": {"type": "string"}, "o:errorQueryParam": {"type": "string"}}}  # fmt: skip
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "o:errorDetails": {"type": "array", "items": detail},
        },
    }
