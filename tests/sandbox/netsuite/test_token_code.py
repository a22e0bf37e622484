"""Authorization code + PKCE and non-rotating seven-day refresh tokens (reference §1.3)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sandbox.netsuite.conftest import SUITEQL, TOKEN_URL, FakeClock

pytestmark = pytest.mark.anyio

AUTHORIZE = "/app/login/oauth2/authorize.nl"
REDIRECT = "https://127.0.0.1/netsuite/oauth2callback"
STATE = "ykv2XLx1BpT5Q0F3MRPHb94j"


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _basic(creds: dict[str, str], secret: str | None = None) -> dict[str, str]:
    pair = f"{creds['client_id']}:{secret or creds['consumer_secret']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _authorize_params(creds: dict[str, str], verifier: str, **overrides: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": creds["client_id"],
        "redirect_uri": REDIRECT,
        "scope": "restlets rest_webservices",
        "state": STATE,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    return params | overrides


async def _code(client: httpx.AsyncClient, creds: dict[str, str], verifier: str) -> str:
    response = await client.get(AUTHORIZE, params=_authorize_params(creds, verifier))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["state"] == [STATE]
    assert query["company"] == ["1234567_SB1"]
    return query["code"][0]


def _exchange(code: str, verifier: str, redirect: str = REDIRECT) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect,
        "code_verifier": verifier,
    }


async def test_code_exchange_returns_access_and_refresh_tokens(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await _code(client, creds, verifier)

    response = await client.post(TOKEN_URL, data=_exchange(code, verifier), headers=_basic(creds))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert (body["expires_in"], body["token_type"]) == (3600, "bearer")
    query = await client.post(
        SUITEQL,
        json={"q": "SELECT id FROM vendor"},
        headers={"Authorization": f"Bearer {body['access_token']}", "Prefer": "transient"},
    )
    assert query.status_code == 200


async def test_refresh_does_not_rotate_and_dies_after_seven_days(
    client: httpx.AsyncClient, creds: dict[str, str], clock: FakeClock
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await _code(client, creds, verifier)
    tokens = (
        await client.post(TOKEN_URL, data=_exchange(code, verifier), headers=_basic(creds))
    ).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}

    first = await client.post(TOKEN_URL, data=refresh, headers=_basic(creds))
    clock.advance(6 * 86400)
    second = await client.post(TOKEN_URL, data=refresh, headers=_basic(creds))
    clock.advance(86400)
    expired = await client.post(TOKEN_URL, data=refresh, headers=_basic(creds))

    assert set(first.json()) == {"access_token", "expires_in", "token_type"}
    assert second.status_code == 200
    assert (expired.status_code, expired.json()) == (400, {"error": "invalid_grant"})


async def test_code_is_single_use(client: httpx.AsyncClient, creds: dict[str, str]) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await _code(client, creds, verifier)
    await client.post(TOKEN_URL, data=_exchange(code, verifier), headers=_basic(creds))

    again = await client.post(TOKEN_URL, data=_exchange(code, verifier), headers=_basic(creds))

    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize(
    ("case", "verifier_override", "redirect"),
    [
        ("wrong verifier", "x" * 50, REDIRECT),
        ("verifier too short", "abc", REDIRECT),
        ("other redirect uri", None, "https://127.0.0.1/other"),
    ],
)
async def test_exchange_mismatches_are_invalid_grant(
    client: httpx.AsyncClient,
    creds: dict[str, str],
    case: str,
    verifier_override: str | None,
    redirect: str,
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await _code(client, creds, verifier)

    response = await client.post(
        TOKEN_URL,
        data=_exchange(code, verifier_override or verifier, redirect),
        headers=_basic(creds),
    )

    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"}), case


async def test_wrong_client_secret_is_invalid_client_with_basic_challenge(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await _code(client, creds, verifier)

    response = await client.post(
        TOKEN_URL, data=_exchange(code, verifier), headers=_basic(creds, secret="wrong")
    )

    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})
    assert response.headers["www-authenticate"] == 'Basic realm="1234567_SB1"'


@pytest.mark.parametrize(
    ("case", "overrides", "error"),
    [
        ("plain PKCE is unsupported", {"code_challenge_method": "plain"}, "invalid_request"),
        ("PKCE is required", {"code_challenge": ""}, "invalid_request"),
        ("state too short", {"state": "short"}, "invalid_request"),
        ("unknown scope", {"scope": "everything"}, "invalid_scope"),
        ("token response type", {"response_type": "token"}, "unsupported_response_type"),
    ],
)
async def test_authorize_errors_redirect_back_with_error(
    client: httpx.AsyncClient,
    creds: dict[str, str],
    case: str,
    overrides: dict[str, str],
    error: str,
) -> None:
    params = _authorize_params(creds, secrets.token_urlsafe(48), **overrides)

    response = await client.get(AUTHORIZE, params=params)

    assert response.status_code == 302, case
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == [error]
    assert "code" not in query


async def test_unregistered_redirect_uri_is_not_redirected_to(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    params = _authorize_params(creds, "v" * 43, redirect_uri="https://attacker.example/cb")

    response = await client.get(AUTHORIZE, params=params)

    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})


@pytest.mark.parametrize(
    ("uri", "status"), [("http://127.0.0.1/cb", 400), ("myapp://callback", 200)]
)
async def test_redirect_uris_must_be_https_or_custom_scheme(
    client: httpx.AsyncClient, uri: str, status: int
) -> None:
    response = await client.post("/_sandbox/redirect_uris", json={"uri": uri})

    assert response.status_code == status
