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
from ml_connector.sandbox.netsuite.paging import (
    COLLECTION,
    MAX_LIMIT,
    MAX_RESULTS,
    RejectionError,
    page_links,
    page_window,
)
from ml_connector.sandbox.netsuite.problems import problem
from ml_connector.sandbox.netsuite.suiteql import SuiteQLError, run_page

__all__ = ["MAX_LIMIT", "MAX_RESULTS", "QueryEndpoint"]

MALFORMED = "The request could not be understood by the server due to malformed syntax."


async def _statement(request: Request) -> tuple[str, list[object]]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise RejectionError(problem(400, "INVALID_REQUEST", MALFORMED)) from None
    query, params = (body.get("q"), body.get("params", [])) if isinstance(body, dict) else (0, 0)
    if not isinstance(query, str) or not isinstance(params, list):
        raise RejectionError(problem(400, "INVALID_REQUEST", MALFORMED))
    if not all(isinstance(p, str | int | float) for p in params):
        raise RejectionError(problem(400, "INVALID_REQUEST", "Query parameters must be scalars."))
    return query, params


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
        except RejectionError as rejected:
            return rejected.response

    async def _query(self, request: Request) -> Response:
        if request.headers.get("prefer", "").strip().lower() != "transient":
            detail = "The 'Prefer: transient' header is required for SuiteQL queries."
            raise RejectionError(problem(400, "INVALID_REQUEST", detail, errorHeader="Prefer"))
        limit, offset = page_window(request)
        query, params = await _statement(request)
        try:
            page = await asyncio.to_thread(run_page, self._account.db, query, params, limit, offset)
        except SuiteQLError as error:
            raise RejectionError(problem(400, "INVALID_PARAMETER", error.detail)) from None
        body = {
            "links": page_links(request, page.total, (limit, offset), self_href=str(request.url)),
            "count": len(page.items),
            "hasMore": offset + len(page.items) < page.total,
            "items": [{"links": [], **item} for item in page.items],
            "offset": offset,
            "totalResults": page.total,
        }
        return JSONResponse(body, headers={"content-type": COLLECTION})
