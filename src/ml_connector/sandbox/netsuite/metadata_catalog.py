"""``GET /services/rest/record/v1/metadata-catalog[/<record>]``: the record service's own schema.

Oracle's "Getting Metadata" page
(https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1540810174.html) lists
each record with four links: ``canonical`` (``application/json``), two ``alternate`` flavours
(``application/swagger+json`` for OpenAPI 3.0, ``application/schema+json`` for JSON Schema) and
``describes``; ``select=a,b`` narrows the catalog. The flavour a record's URL answers with is
chosen by ``Accept``. The catalog lists the record types this simulator serves; the types they
merely reference (subsidiary, currency, …) and ``nsLink`` are described too, so every ``$ref``
a client follows resolves. An unknown name is 404 in the usual REST error body.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.guard import authenticate
from ml_connector.sandbox.netsuite.metadata_schema import json_schema, openapi, reference_schema
from ml_connector.sandbox.netsuite.problems import problem
from ml_connector.sandbox.netsuite.record_collection import record_base
from ml_connector.sandbox.netsuite.record_fields import RECORD_TYPES, RecordType

__all__ = ["MetadataCatalog"]

SWAGGER = "application/swagger+json"
SCHEMA = "application/schema+json"
JSON = "application/json"


def _flavour(request: Request) -> str:
    """The first of our three media types the ``Accept`` header names; JSON when none is."""
    for item in request.headers.get("accept", "").split(","):
        media = item.split(";")[0].strip().lower()
        if media in (SWAGGER, SCHEMA):
            return media
    return JSON


def _selected(request: Request) -> list[RecordType]:
    raw = request.query_params.get("select")
    if not raw:
        return list(RECORD_TYPES.values())
    names = [n.strip().lower() for n in raw.split(",")]
    return [RECORD_TYPES[n] for n in dict.fromkeys(names) if n in RECORD_TYPES]


def _entry(catalog: str, name: str) -> dict[str, object]:
    href = f"{catalog}/{name}"
    return {
        "name": name,
        "links": [
            {"rel": "canonical", "href": href, "mediaType": JSON},
            {"rel": "alternate", "href": href, "mediaType": SWAGGER},
            {"rel": "alternate", "href": href, "mediaType": SCHEMA},
            {"rel": "describes", "href": href},
        ],
    }


def _not_found(name: str) -> Response:
    return problem(404, "NONEXISTENT_ID", f"Record type '{name}' does not exist.")


class MetadataCatalog:
    """Metadata handlers bound to one account."""

    def __init__(self, account: Account) -> None:
        self._account = account

    async def handle(self, request: Request) -> Response:
        denied = authenticate(self._account, request)
        if denied is not None:
            return denied
        name = request.path_params.get("record")
        if name:
            return self._record(request, name)
        return self._catalog(request)

    def _catalog(self, request: Request) -> Response:
        kinds, flavour = _selected(request), _flavour(request)
        if flavour == SWAGGER:
            return JSONResponse(openapi(kinds, record_base(request)), media_type=SWAGGER)
        catalog = f"{record_base(request)}/metadata-catalog"
        body = {
            "links": [{"rel": "self", "href": str(request.url)}],
            "items": [_entry(catalog, k.name) for k in kinds],
        }
        return JSONResponse(body)

    def _record(self, request: Request, name: str) -> Response:
        kind, flavour = RECORD_TYPES.get(name.lower()), _flavour(request)
        if kind is None:
            described = reference_schema(name) if flavour == SCHEMA else None
            if described is None:
                return _not_found(name)
            return JSONResponse(described, media_type=SCHEMA)
        if flavour == SWAGGER:
            return JSONResponse(openapi([kind], record_base(request)), media_type=SWAGGER)
        if flavour == SCHEMA:
            return JSONResponse(json_schema(kind), media_type=SCHEMA)
        return JSONResponse(_entry(f"{record_base(request)}/metadata-catalog", kind.name))
