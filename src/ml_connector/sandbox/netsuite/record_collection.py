"""``GET /services/rest/record/v1/<type>``: the record collection, filtered by ``q`` and paged.

ETL sources and REST SDKs list records this way rather than through SuiteQL: a page of ids with
self links, then a GET per record. The envelope is Oracle's Collection Paging one (``links``,
``count``, ``hasMore``, ``items`` of ``{"links", "id"}``, ``offset``, ``totalResults``) from
https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1540810951.html and
section_156414087576.html, with hrefs built from the host the client addressed (reference §9).
Oracle's examples list ids in no particular order; here they come in id order, so offset
paging over an unchanging account neither repeats nor skips a record.
"""

# ruff: noqa: S608 - SQL is built only from the fixed schema's names; values are bound.

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.sandbox.netsuite.collection_filter import Clause, FilterError, compile_filter
from ml_connector.sandbox.netsuite.database import Database
from ml_connector.sandbox.netsuite.paging import (
    COLLECTION,
    MAX_PAGES,
    RejectionError,
    bad_parameter,
    page_links,
    page_window,
)
from ml_connector.sandbox.netsuite.record_fields import RecordType

__all__ = ["list_records", "record_base"]


def record_base(request: Request) -> str:
    """``<scheme>://<host>/services/rest/record/v1`` as the client addressed us."""
    return f"{request.url.scheme}://{request.url.netloc}/services/rest/record/v1"


def _filter(request: Request, kind: RecordType) -> Clause:
    q = request.query_params.get("q", "").strip()
    if not q:
        return Clause("1 = 1")
    try:
        return compile_filter(q, kind)
    except FilterError as error:
        raise bad_parameter("q", error.detail) from None


def _page(
    db: Database, kind: RecordType, where: Clause, window: tuple[int, int]
) -> tuple[list[int], int]:
    limit, offset = window
    table = kind.name
    with db.lock:
        count = db.select(f"SELECT COUNT(*) AS n FROM {table} WHERE {where.sql}", where.params)
        rows = db.select(
            f"SELECT id FROM {table} WHERE {where.sql} ORDER BY id LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
    return [int(r["id"]) for r in rows], int(count[0]["n"])


async def list_records(db: Database, request: Request, kind: RecordType) -> Response:
    """One page of ``kind``'s collection, or the 400 NetSuite answers for bad paging or ``q``."""
    try:
        window = page_window(request, max_pages=MAX_PAGES)
        where = _filter(request, kind)
    except RejectionError as rejected:
        return rejected.response
    ids, total = await asyncio.to_thread(_page, db, kind, where, window)
    href = f"{record_base(request)}/{kind.name}"
    body: dict[str, Any] = {
        "links": page_links(request, total, window, max_pages=MAX_PAGES),
        "count": len(ids),
        "hasMore": window[1] + len(ids) < total,
        "items": [{"links": [{"rel": "self", "href": f"{href}/{i}"}], "id": str(i)} for i in ids],
        "offset": window[1],
        "totalResults": total,
    }
    return JSONResponse(body, headers={"content-type": COLLECTION})
