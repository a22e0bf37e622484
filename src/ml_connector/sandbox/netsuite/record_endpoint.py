"""``/services/rest/record/v1/<type>[/<id>]``: GET, POST (create) and PATCH (update).

GET without an id lists the collection (:mod:`.record_collection`).

Reference §4: GET answers 200 ``application/vnd.oracle.resource+json; type=singular``; POST and
PATCH answer 204 with the record's URL in ``Location`` and no body; an unknown id is 404
``NONEXISTENT_ID``. Writes made here carry our integration's credentials, so their change
events say ``REST_WEBSERVICES``.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.editor import Editor
from ml_connector.sandbox.netsuite.guard import REST_WEBSERVICES, authenticate
from ml_connector.sandbox.netsuite.problems import problem
from ml_connector.sandbox.netsuite.record_codec import (
    InvalidRecordError,
    Write,
    parse_write,
    record_json,
)
from ml_connector.sandbox.netsuite.record_collection import list_records, record_base
from ml_connector.sandbox.netsuite.record_fields import RecordType, record_type

__all__ = ["RecordEndpoint", "record_base"]

SINGULAR = "application/vnd.oracle.resource+json; type=singular"
NAME_VALIDATION = "x-netsuite-propertynamevalidation"


def _not_found() -> Response:
    return problem(404, "NONEXISTENT_ID", "Record does not exist.")


def _invalid(error: InvalidRecordError) -> Response:
    if error.path:
        return problem(400, error.code, error.detail, errorPath=error.path)
    return problem(400, error.code, error.detail)


def _expand_requested(request: Request) -> bool:
    """``expandSubResources=true`` in any letter case, name and value alike, as clients vary."""
    return any(
        k.lower() == "expandsubresources" and v.strip().lower() == "true"
        for k, v in request.query_params.multi_items()
    )


def _key(raw: str) -> int | None:
    return int(raw) if raw.lstrip("-").isdigit() else None


class RecordEndpoint:
    """Record service handlers bound to one account."""

    def __init__(self, account: Account) -> None:
        self._account = account
        self._editor = Editor(account)

    async def handle(self, request: Request) -> Response:
        denied = authenticate(self._account, request)
        if denied is not None:
            return denied
        kind = record_type(request.path_params["type"])
        if kind is None:
            detail = f"Record type '{request.path_params['type']}' does not exist."
            return problem(404, "NONEXISTENT_ID", detail)
        raw_id = request.path_params.get("id")
        if raw_id is None:
            return await self._collection(request, kind)
        key = _key(raw_id)
        if key is None:
            return problem(405, "INVALID_REQUEST", f"Method {request.method} is not allowed here.")
        if request.method == "GET":
            return self._read(request, kind, key)
        return await self._update(request, kind, key)

    async def _collection(self, request: Request, kind: RecordType) -> Response:
        if request.method == "GET":
            return await list_records(self._account.db, request, kind)
        return await self._create(request, kind)

    def _read(self, request: Request, kind: RecordType, key: int) -> Response:
        row = self._account.db.get(kind.name, key)
        if row is None:
            return _not_found()
        expand = _expand_requested(request)
        body = record_json(self._account.db, kind, row, record_base(request), expand=expand)
        wanted = request.query_params.get("fields")
        if wanted:
            names = {n.strip().lower() for n in wanted.split(",")}
            body = {k: v for k, v in body.items() if k == "links" or k.lower() in names}
        return JSONResponse(body, headers={"content-type": SINGULAR})

    async def _body(self, request: Request, kind: RecordType) -> Write:
        try:
            payload = json.loads(await request.body())
        except ValueError:
            raise InvalidRecordError(
                "INVALID_CONTENT", "The request body is not valid JSON."
            ) from None
        strict = request.headers.get(NAME_VALIDATION, "warning").lower() == "error"
        return parse_write(self._account.db, kind, payload, strict_names=strict)

    async def _create(self, request: Request, kind: RecordType) -> Response:
        try:
            write = await self._body(request, kind)
            key = self._editor.create(kind, write, REST_WEBSERVICES)
        except InvalidRecordError as error:
            return _invalid(error)
        return Response(
            status_code=204, headers={"location": f"{record_base(request)}/{kind.name}/{key}"}
        )

    async def _update(self, request: Request, kind: RecordType, key: int) -> Response:
        if self._account.db.get(kind.name, key) is None:
            return _not_found()
        try:
            write = await self._body(request, kind)
            self._editor.update(kind, key, write, REST_WEBSERVICES, inline=False)
        except InvalidRecordError as error:
            return _invalid(error)
        return Response(
            status_code=204, headers={"location": f"{record_base(request)}/{kind.name}/{key}"}
        )
