"""The SuiteQL client: one page per call, paging as NetSuite allows, inside the account's limits.

NetSuite caps a page at 1000 rows, wants offsets that are multiples of the limit, and stops at
100,000 rows per query, so big reads page by key instead (``id > last ORDER BY id``, always the
first page of a new query; see :meth:`SuiteQL.keyset`). Every call holds a slot of the
per-account limiter, because the account's concurrency pool is shared with every other
integration and going over it costs 429s; 429, 5xx and dropped connections go through the
shared retry policy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from ml_connector.errors import RetryableError
from ml_connector.netsuite.caller import NetSuiteCaller
from ml_connector.netsuite.problems import raise_for_netsuite

__all__ = ["MAX_PAGE", "MAX_ROWS", "Page", "SuiteQL"]

PATH = "/services/rest/query/v1/suiteql"
MAX_PAGE = 1000
MAX_ROWS = 100_000
Params = Sequence[str | int | float]


@dataclass(frozen=True)
class Page:
    """One page of a SuiteQL answer."""

    items: list[dict[str, Any]]
    has_more: bool
    total: int
    offset: int


class SuiteQL(NetSuiteCaller):
    """SuiteQL over one authenticated NetSuite client."""

    # requests sent (retries included) and 429 answers; each instance counts its own
    calls: int = 0
    throttled: int = 0

    async def page(
        self, query: str, params: Params = (), *, limit: int = MAX_PAGE, offset: int = 0
    ) -> Page:
        """One page; retried on 429 and 5xx within the policy."""
        if not 1 <= limit <= MAX_PAGE or offset % limit:
            raise ValueError("limit must be 1..1000 and offset a multiple of it")
        return await self._retrying(lambda: self._fetch(query, params, limit, offset))

    async def _fetch(self, query: str, params: Params, limit: int, offset: int) -> Page:
        body: dict[str, Any] = {"q": query}
        if params:
            body["params"] = [str(p) for p in params]
        async with self.limiter.slot():
            self.calls += 1
            try:
                response = await self._http.post(
                    PATH,
                    params={"limit": limit, "offset": offset},
                    json=body,
                    headers={"Prefer": "transient"},
                )
            except httpx.TransportError as exc:  # a dropped connection: a read, safe to repeat
                reason = f"NetSuite did not answer a SuiteQL query: {type(exc).__name__}"
                raise RetryableError(reason) from exc
        if response.status_code == 429:
            self.throttled += 1
        raise_for_netsuite(response)
        data = response.json()
        return Page(
            items=list(data.get("items", [])),
            has_more=bool(data.get("hasMore")),
            total=int(data.get("totalResults", 0)),
            offset=int(data.get("offset", offset)),
        )

    async def rows(self, query: str, params: Params = ()) -> AsyncIterator[dict[str, Any]]:
        """Every row of a query known to stay under 100,000 rows, by offset paging."""
        offset = 0
        while True:
            page = await self.page(query, params, offset=offset)
            for item in page.items:
                yield item
            if not page.has_more or not page.items:
                return
            offset += MAX_PAGE
            if offset >= MAX_ROWS:
                raise RetryableError("query passed 100,000 rows; it must page by key instead")

    async def keyset(
        self,
        build: Callable[[str | None], tuple[str, Params]],
        *,
        key: str = "id",
        start: str | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of a query re-issued after each page's last ``key``; no row cap applies.

        ``build(last)`` returns the query and parameters for the rows after ``last`` (None: from
        the start), ordered by ``key``.
        """
        last = start
        while True:
            query, params = build(last)
            page = await self.page(query, params)
            if page.items:
                yield page.items
            if not page.has_more or not page.items:
                return
            last = _value(page.items[-1], key)


def _value(item: dict[str, Any], key: str) -> str:
    """A column of an answer row; SuiteQL does not promise the casing of keys."""
    for name, value in item.items():
        if name.lower() == key:
            return str(value)
    raise KeyError(f"the answer has no {key!r} column to page by")
