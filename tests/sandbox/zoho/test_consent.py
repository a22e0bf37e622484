"""Zoho's consent page and the redirect flow's code exchange, as Zoho enforces them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ml_connector.sandbox.zoho import ZohoSimulator

pytestmark = pytest.mark.anyio

BASE = "https://accounts.zoho.com"
CALLBACK = "http://127.0.0.1:8765/callback"


@pytest.fixture
async def browser() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=SIM.app), base_url=BASE)


SIM = ZohoSimulator(seed=1)


async def _register(http: httpx.AsyncClient, uri: str) -> None:
    assert (await http.post("/_sandbox/redirect-uris", json={"uri": uri})).status_code == 201


def _consent(**overrides: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": SIM.client_id,
        "scope": "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL",
        "redirect_uri": CALLBACK,
        "access_type": "offline",
        "state": "s-123",
    } | overrides


def _query(response: httpx.Response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


async def _exchange(http: httpx.AsyncClient, code: str, uri: str = CALLBACK) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": uri,
        "client_id": SIM.client_id,
        "client_secret": SIM.client_secret,
    }
    body: dict[str, str] = (await http.post("/oauth/v2/token", data=form)).json()
    return body


async def test_approval_redirects_with_a_code_and_the_accounts_server(
    browser: httpx.AsyncClient,
) -> None:
    await _register(browser, CALLBACK)
    approved = await browser.get("/oauth/v2/auth", params=_consent())
    assert approved.status_code == 302
    query = _query(approved)
    assert approved.headers["location"].startswith(CALLBACK + "?")
    assert query["state"] == "s-123"
    assert query["accounts-server"] == BASE
    assert query["location"] == "us"
    tokens = await _exchange(browser, query["code"])
    assert tokens["refresh_token"].startswith("1000.")
    assert "access_token" in tokens


async def test_online_access_gives_no_refresh_token(browser: httpx.AsyncClient) -> None:
    await _register(browser, CALLBACK)
    approved = await browser.get("/oauth/v2/auth", params=_consent(access_type="online"))
    tokens = await _exchange(browser, _query(approved)["code"])
    assert "access_token" in tokens
    assert "refresh_token" not in tokens


async def test_the_exchange_must_name_the_same_redirect(browser: httpx.AsyncClient) -> None:
    await _register(browser, CALLBACK)
    approved = await browser.get("/oauth/v2/auth", params=_consent())
    assert await _exchange(browser, _query(approved)["code"], "http://127.0.0.1:9/other") == {
        "error": "invalid_redirect_uri"
    }


@pytest.mark.parametrize(
    ("overrides", "page"),
    [
        ({"client_id": "1000.UNKNOWN"}, "Invalid Client"),
        ({"redirect_uri": "http://127.0.0.1:1/never-registered"}, "Invalid Redirect Uri"),
    ],
)
async def test_untrusted_requests_get_an_error_page_not_a_redirect(
    browser: httpx.AsyncClient, overrides: dict[str, str], page: str
) -> None:
    await _register(browser, CALLBACK)
    refused = await browser.get("/oauth/v2/auth", params=_consent(**overrides))
    assert refused.status_code == 400
    assert refused.text == page


async def test_a_consent_without_scope_comes_back_as_an_error(browser: httpx.AsyncClient) -> None:
    await _register(browser, CALLBACK)
    refused = await browser.get("/oauth/v2/auth", params=_consent(scope=""))
    assert _query(refused) == {"error": "invalid_scope", "state": "s-123"}
