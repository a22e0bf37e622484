"""The metadata catalog: catalog list, JSON Schema and OpenAPI flavours, documented 404s (§4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.sandbox.netsuite.conftest import BASE_URL, authed

pytestmark = pytest.mark.anyio

CATALOG = "/services/rest/record/v1/metadata-catalog"
SCHEMA = "application/schema+json"
SWAGGER = "application/swagger+json"
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@pytest.fixture
async def headers(client: httpx.AsyncClient, creds: dict[str, str]) -> dict[str, str]:
    return await authed(client, creds)


@pytest.mark.parametrize("path", [CATALOG, f"{CATALOG}/"])
async def test_catalog_lists_each_record_with_its_three_flavours(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    response = await client.get(path, headers=headers)

    items = {item["name"]: item["links"] for item in response.json()["items"]}
    href = f"{BASE_URL}{CATALOG}/customer"
    assert response.status_code == 200
    assert {"customer", "vendor", "contact"} <= set(items)
    assert items["customer"] == [
        {"rel": "canonical", "href": href, "mediaType": "application/json"},
        {"rel": "alternate", "href": href, "mediaType": SWAGGER},
        {"rel": "alternate", "href": href, "mediaType": SCHEMA},
        {"rel": "describes", "href": href},
    ]


async def test_select_narrows_the_catalog(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get(
        f"{CATALOG}/", params={"select": "contact,Customer"}, headers=headers
    )

    assert [item["name"] for item in response.json()["items"]] == ["contact", "customer"]


async def _schema(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> httpx.Response:
    return await client.get(f"{CATALOG}/{name}", headers={**headers, "Accept": SCHEMA})


async def test_json_schema_describes_last_modified_date_as_a_utc_date_time(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await _schema(client, headers, "customer")

    schema = response.json()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SCHEMA)
    assert schema["$schema"] == "https://json-schema.org/draft-06/hyper-schema#"
    assert schema["type"] == "object"
    assert schema["properties"]["lastModifiedDate"] == {
        "title": "Last Modified Date",
        "type": "string",
        "format": "date-time",
        "nullable": True,
        "x-ns-filterable": True,
    }
    assert schema["properties"]["custentity_tier"]["x-ns-custom-field"] is True
    assert schema["properties"]["subsidiary"]["$ref"] == f"{CATALOG}/subsidiary"


def _conforms(value: Any, prop: dict[str, Any]) -> bool:
    """Whether a record-service value has the type (and date-time format) its schema says."""
    kind = prop.get("type")
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        text = isinstance(value, str)
        return text and (prop.get("format") != "date-time" or bool(ISO_UTC.fullmatch(value)))
    if kind == "object":
        return isinstance(value, dict)
    return kind == "array" and isinstance(value, list)


@pytest.mark.parametrize("kind", ["customer", "vendor", "contact"])
async def test_every_field_a_get_returns_is_described_with_its_type(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str
) -> None:
    listed = await client.get(f"/services/rest/record/v1/{kind}", headers=headers)
    href = listed.json()["items"][0]["links"][0]["href"]
    record = (await client.get(href, headers=headers)).json()
    properties = (await _schema(client, headers, kind)).json()["properties"]

    undescribed = set(record) - set(properties)
    mistyped = [k for k, v in record.items() if k in properties and not _conforms(v, properties[k])]
    assert undescribed == set()
    assert mistyped == []


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("kind", ["customer", "vendor", "contact"])
async def test_every_schema_reference_resolves(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str
) -> None:
    schema = (await _schema(client, headers, kind)).json()

    refs = set(_refs(schema))
    answers = {ref: (await client.get(ref, headers={**headers, "Accept": SCHEMA})) for ref in refs}
    assert f"{CATALOG}/nsLink" in refs
    assert {ref: r.status_code for ref, r in answers.items()} == dict.fromkeys(refs, 200)
    assert all(r.json()["type"] == "object" for r in answers.values())


async def test_openapi_flavour_describes_listing_with_q_and_the_collection_envelope(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get(f"{CATALOG}/customer", headers={**headers, "Accept": SWAGGER})

    doc = response.json()
    listing = doc["paths"]["/customer"]["get"]
    schemas = doc["components"]["schemas"]
    ok = listing["responses"]["200"]["content"]
    assert response.headers["content-type"].startswith(SWAGGER)
    assert doc["openapi"].startswith("3.0")
    assert {"name": "q", "in": "query"}.items() <= listing["parameters"][0].items()
    assert ok == {
        "application/vnd.oracle.resource+json; type=collection": {
            "schema": {"$ref": "#/components/schemas/customerCollection"}
        }
    }
    assert listing["responses"]["default"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/rest_error"
    }
    assert schemas["customer"]["properties"]["lastModifiedDate"]["format"] == "date-time"
    assert {ref.removeprefix("#/components/schemas/") for ref in _refs(doc)} <= set(schemas)


async def test_openapi_declares_references_outside_select_as_plain_objects(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get(
        f"{CATALOG}/", params={"select": "customer,customercategory"},
        headers={**headers, "Accept": SWAGGER},
    )  # fmt: skip

    props = response.json()["components"]["schemas"]["customer"]["properties"]
    assert props["category"] == {
        "title": "Category",
        "$ref": "#/components/schemas/customercategory",
    }
    assert props["subsidiary"] == {"title": "Subsidiary", "type": "object"}
    assert set(response.json()["paths"]) == {
        "/customer", "/customer/{id}", "/customercategory", "/customercategory/{id}",
    }  # fmt: skip


@pytest.mark.parametrize("accept", [SCHEMA, SWAGGER, "application/json"])
async def test_unknown_record_is_404_in_the_rest_error_body(
    client: httpx.AsyncClient, headers: dict[str, str], accept: str
) -> None:
    response = await client.get(f"{CATALOG}/spaceship", headers={**headers, "Accept": accept})

    body = response.json()
    assert response.status_code == 404
    assert (body["title"], body["status"]) == ("Not Found", 404)
    assert body["o:errorDetails"] == [
        {"detail": "Record type 'spaceship' does not exist.", "o:errorCode": "NONEXISTENT_ID"}
    ]


async def test_metadata_needs_credentials(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{CATALOG}/customer", headers={"Accept": SCHEMA})

    assert response.status_code == 401
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
