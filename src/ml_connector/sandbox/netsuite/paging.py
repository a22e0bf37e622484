"""Collection paging shared by SuiteQL and record-collection listing: limits and links.

Oracle's Collection Paging page covers both collections
(https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156414087576.html):
1000 results per page by default and at most, ``offset`` divisible by ``limit``, at most 1000
pages and 100,000 results without SuiteAnalytics Connect. ``links`` carry ``first``/``prev``
after the first page, ``next``/``last`` while more remain, and always ``self``; ``hasMore`` is
the authoritative end signal (reference §2).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ml_connector.sandbox.netsuite.problems import problem

__all__ = [
    "COLLECTION",
    "MAX_LIMIT",
    "MAX_PAGES",
    "MAX_RESULTS",
    "RejectionError",
    "bad_parameter",
    "page_links",
    "page_window",
]

MAX_LIMIT = 1000
MAX_PAGES = 1000
MAX_RESULTS = 100_000
COLLECTION = "application/vnd.oracle.resource+json; type=collection"


class RejectionError(Exception):
    """A request NetSuite refuses, carrying the response to answer with."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def bad_parameter(name: str, detail: str) -> RejectionError:
    """400 ``INVALID_PARAMETER`` naming the offending query parameter."""
    return RejectionError(problem(400, "INVALID_PARAMETER", detail, errorQueryParam=name))


def _integer(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_parameter(name, f"Invalid '{name}' parameter value: {raw}.") from None


def page_window(request: Request, *, max_pages: int | None = None) -> tuple[int, int]:
    """``(limit, offset)`` of the request, or :class:`RejectionError` as NetSuite refuses them.

    ``max_pages`` applies the record collections' 1000-page rule; SuiteQL documents only the
    100,000-result cap, so it passes ``None``.
    """
    limit, offset = _integer(request, "limit", MAX_LIMIT), _integer(request, "offset", 0)
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_parameter("limit", f"Invalid 'limit' parameter value: {limit}. "
                            f"The value must be between 1 and {MAX_LIMIT}.")  # fmt: skip
    if offset < 0 or offset % limit:
        raise bad_parameter("offset", f"Invalid 'offset' parameter value: {offset}. "
                            "The offset must be divisible by the limit.")  # fmt: skip
    if offset + limit > MAX_RESULTS or (max_pages is not None and offset // limit >= max_pages):
        raise bad_parameter("offset", f"Invalid 'offset' parameter value: {offset}. "
                            f"You can only retrieve up to {MAX_RESULTS} results.")  # fmt: skip
    return limit, offset


def _last_offset(total: int, limit: int, max_pages: int | None) -> int:
    reachable = (MAX_RESULTS - limit) // limit
    if max_pages is not None:
        reachable = min(reachable, max_pages - 1)
    return min((max(total, 1) - 1) // limit, reachable) * limit


def page_links(
    request: Request,
    total: int,
    window: tuple[int, int],
    *,
    self_href: str | None = None,
    max_pages: int | None = None,
) -> list[dict[str, str]]:
    """The ``links`` of one page; other query parameters (``q``) are kept in every href."""
    limit, offset = window
    base = str(request.url.replace(query=""))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]

    def link(rel: str, at: int) -> dict[str, str]:
        return {
            "rel": rel,
            "href": f"{base}?{urlencode([*kept, ('limit', limit), ('offset', at)])}",
        }

    links = [link("first", 0), link("prev", offset - limit)] if offset else []
    if offset + limit < total:
        links += [link("next", offset + limit), link("last", _last_offset(total, limit, max_pages))]
    return [*links, {"rel": "self", "href": self_href or link("self", offset)["href"]}]
