"""``POST /services/rest/query/v1/suiteql``: paging rules, the envelope and the error bodies.

Reference §2: ``Prefer: transient`` is required; ``limit`` is 1..1000 (default 1000); ``offset``
must be divisible by ``limit``; no page may reach past row 100,000. The envelope is ``links``,
``count``, ``hasMore``, ``items`` (each with ``"links": []``), ``offset``, ``totalResults``;
``links`` follow Collection Paging (``first``/``prev`` after the first page, ``next``/``last``
while there is more, always ``self``).
"""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.guard import authenticate
from ml_connector.sandbox.netsuite.problems import problem
from ml_connector.sandbox.netsuite.suiteql import Page, SuiteQLError, run_page

__all__ = ["MAX_LIMIT", "MAX_RESULTS", "QueryEndpoint"]

MAX_LIMIT = 1000
MAX_RESULTS = 100_000
COLLECTION = "application/vnd.oracle.resource+json; type=collection"
MALFORMED = "The request could not be understood by the server due to malformed syntax."


class _RejectionError(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _bad_parameter(name: str, detail: str) -> _RejectionError:
    return _RejectionError(problem(400, "INVALID_PARAMETER", detail, errorQueryParam=name))


def _integer(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise _bad_parameter(name, f"Invalid '{name}' parameter value: {raw}.") from None


def _paging(request: Request) -> tuple[int, int]:
    limit, offset = _integer(request, "limit", MAX_LIMIT), _integer(request, "offset", 0)
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad_parameter("limit", f"Invalid 'limit' parameter value: {limit}. "
                             f"The value must be between 1 and {MAX_LIMIT}.")  # fmt: skip
    if offset < 0 or offset % limit:
        raise _bad_parameter("offset", f"Invalid 'offset' parameter value: {offset}. "
                             "The offset must be divisible by the limit.")  # fmt: skip
    if offset + limit > MAX_RESULTS:
        raise _bad_parameter("offset", f"Invalid 'offset' parameter value: {offset}. "
                             f"You can only retrieve up to {MAX_RESULTS} results.")  # fmt: skip
    return limit, offset


async def _statement(request: Request) -> tuple[str, list[object]]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise _RejectionError(problem(400, "INVALID_REQUEST", MALFORMED)) from None
    query, params = (body.get("q"), body.get("params", [])) if isinstance(body, dict) else (0, 0)
    if not isinstance(query, str) or not isinstance(params, list):
        raise _RejectionError(problem(400, "INVALID_REQUEST", MALFORMED))
    if not all(isinstance(p, str | int | float) for p in params):
        raise _RejectionError(problem(400, "INVALID_REQUEST", "Query parameters must be scalars."))
    return query, params


def _links(request: Request, page: Page, limit: int, offset: int) -> list[dict[str, str]]:
    base = str(request.url.replace(query=""))

    def link(rel: str, at: int) -> dict[str, str]:
        return {"rel": rel, "href": f"{base}?limit={limit}&offset={at}"}

    links = [link("first", 0), link("prev", offset - limit)] if offset else []
    if offset + len(page.items) < page.total:
        last = min((page.total - 1) // limit * limit, MAX_RESULTS - limit)
        links += [link("next", offset + limit), link("last", last)]
    return [*links, {"rel": "self", "href": str(request.url)}]


class QueryEndpoint:
    """Runs SuiteQL for an authenticated caller."""

    def __init__(self, account: Account) -> None:
        self._account = account

    async def handle(self, request: Request) -> Response:
        denied = authenticate(self._account, request)
        if denied is not None:
            return denied
        try:
            return await self._query(request)
        except _RejectionError as rejected:
            return rejected.response

    async def _query(self, request: Request) -> Response:
        if request.headers.get("prefer", "").strip().lower() != "transient":
            detail = "The 'Prefer: transient' header is required for SuiteQL queries."
            raise _RejectionError(problem(400, "INVALID_REQUEST", detail, errorHeader="Prefer"))
        limit, offset = _paging(request)
        query, params = await _statement(request)
        try:
            page = await asyncio.to_thread(run_page, self._account.db, query, params, limit, offset)
        except SuiteQLError as error:
            raise _RejectionError(problem(400, "INVALID_PARAMETER", error.detail)) from None
        body = {
            "links": _links(request, page, limit, offset),
            "count": len(page.items),
            "hasMore": offset + len(page.items) < page.total,
            "items": [{"links": [], **item} for item in page.items],
            "offset": offset,
            "totalResults": page.total,
        }
        return JSONResponse(body, headers={"content-type": COLLECTION})
