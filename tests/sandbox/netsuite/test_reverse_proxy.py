"""Behind a TLS-terminating proxy on loopback, TBA and links use the URL the client called."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from tests.sandbox.netsuite.conftest import authed, tba_header

pytestmark = pytest.mark.anyio

EXTERNAL_HOST = "1234567-sb1.suitetalk.api.netsuite.com"
EXTERNAL = f"https://{EXTERNAL_HOST}"
RECORD = "/services/rest/record/v1/customer"
_HOP_BY_HOP = {"host", "connection", "content-length", "transfer-encoding"}


FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-host": EXTERNAL_HOST}
# How nginx is usually set up (proxy_set_header Host $host): the client's Host is kept, and
# the client's own address goes in X-Forwarded-For, which uvicorn then reports as the peer.
HOST_KEPT = {"host": EXTERNAL_HOST, "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7"}


def _proxy(upstream: str, *, forwarded: dict[str, str] | None = None) -> Starlette:
    """A tiny reverse proxy: what nginx or Caddy does after terminating TLS for the client."""

    async def forward(request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
        headers |= forwarded or {}
        async with httpx.AsyncClient(base_url=upstream) as http:
            answer = await http.request(
                request.method,
                request.url.path,
                params=list(request.query_params.multi_items()),
                headers=headers,
                content=await request.body(),
            )
        kept = {k: v for k, v in answer.headers.items() if k not in _HOP_BY_HOP}
        return Response(answer.content, answer.status_code, headers=kept)

    methods = ["GET", "POST", "PATCH"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)])


@pytest.fixture
def upstream(simulator: NetSuiteSimulator) -> Iterator[ServedApp]:
    with serving(simulator.app) as app:
        yield app


async def _some_customer(simulator: NetSuiteSimulator) -> str:
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as http:
        created = await http.post(
            "/_sandbox/records/customer", json={"fields": {"companyName": "P"}}
        )
    return str(created.json()["id"])


@pytest.mark.parametrize(
    ("forwarded", "status"),
    [(FORWARDED, 200), (HOST_KEPT, 200), (None, 401)],
    ids=[
        "proxy sends X-Forwarded-Proto and -Host",
        "proxy keeps Host and names the remote client",
        "proxy hides the external URL",
    ],
)
async def test_tba_signed_for_the_external_https_url_passes_through_a_loopback_proxy(
    simulator: NetSuiteSimulator,
    upstream: ServedApp,
    creds: dict[str, str],
    forwarded: dict[str, str] | None,
    status: int,
) -> None:
    key = await _some_customer(simulator)
    external_url = f"{EXTERNAL}{RECORD}/{key}?fields=companyName"
    header = tba_header(creds, external_url)

    with serving(_proxy(upstream.base_url, forwarded=forwarded)) as proxy:
        async with httpx.AsyncClient(base_url=proxy.base_url) as http:
            response = await http.get(
                f"{RECORD}/{key}",
                params={"fields": "companyName"},
                headers={"Authorization": header},
            )

    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["links"][0]["href"] == f"{EXTERNAL}{RECORD}/{key}"


async def test_bearer_calls_through_the_proxy_get_links_to_the_external_host(
    simulator: NetSuiteSimulator, upstream: ServedApp, creds: dict[str, str]
) -> None:
    key = await _some_customer(simulator)

    with serving(_proxy(upstream.base_url, forwarded=FORWARDED)) as proxy:
        async with httpx.AsyncClient(base_url=proxy.base_url) as http:
            headers = await authed(http, creds)
            record = await http.get(f"{RECORD}/{key}", headers=headers)
            page = await http.get(RECORD, params={"limit": 5}, headers=headers)
            created = await http.post(RECORD, json={"companyName": "Via proxy"}, headers=headers)

    body = page.json()
    hrefs = [link["href"] for link in body["links"]] + [
        i["links"][0]["href"] for i in body["items"]
    ]
    assert record.json()["links"] == [{"rel": "self", "href": f"{EXTERNAL}{RECORD}/{key}"}]
    assert created.headers["location"].startswith(f"{EXTERNAL}{RECORD}/")
    assert {link["rel"] for link in body["links"]} == {"next", "last", "self"}
    assert all(href.startswith(f"{EXTERNAL}{RECORD}") for href in hrefs)


PEERS = [
    ("IPv4 loopback proxy", "127.0.0.1", 200),
    ("IPv6 loopback proxy", "::1", 200),
    ("remote peer forging the headers", "203.0.113.9", 401),
    ("private-network peer", "10.1.2.3", 401),
]


@pytest.mark.parametrize(("case", "peer", "status"), PEERS, ids=[p[0] for p in PEERS])
async def test_forwarded_headers_are_believed_only_from_loopback_peers(
    simulator: NetSuiteSimulator, creds: dict[str, str], case: str, peer: str, status: int
) -> None:
    key = await _some_customer(simulator)
    header = tba_header(creds, f"{EXTERNAL}{RECORD}/{key}")
    transport = httpx.ASGITransport(app=simulator.app, client=(peer, 40000))

    async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5:8080") as http:
        response = await http.get(
            f"{RECORD}/{key}",
            headers={
                "Authorization": header,
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": EXTERNAL_HOST,
            },
        )

    assert response.status_code == status, case
