"""Fixtures: a simulator on a fake clock, plain httpx clients to it, signed assertions."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
import pytest
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, RSAKey

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.netsuite.tba import base_string, signature
from ml_connector.sandbox.server import ServedApp, serving

BASE_URL = "https://1234567-sb1.suitetalk.api.netsuite.com"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
TOKEN_URL = f"{BASE_URL}{TOKEN_PATH}"
SUITEQL = "/services/rest/query/v1/suiteql"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
START = 1_780_000_000.0


class FakeClock:
    """A clock tests move by hand, so nothing ever sleeps."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def simulator(clock: FakeClock) -> NetSuiteSimulator:
    return NetSuiteSimulator(records=60, seed=7, clock=clock)


@pytest.fixture
def creds(simulator: NetSuiteSimulator) -> dict[str, str]:
    return simulator.credentials(BASE_URL)


@pytest.fixture
async def client(simulator: NetSuiteSimulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@pytest.fixture
def served(simulator: NetSuiteSimulator) -> Iterator[ServedApp]:
    with serving(simulator.app) as app:
        yield app


def assertion(
    creds: dict[str, str],
    now: float = START,
    *,
    header: dict[str, Any] | None = None,
    key: RSAKey | ECKey | OctKey | None = None,
    **claims: Any,
) -> str:
    """A client assertion as a correct M2M client signs it, with overrides for rejections."""
    signing_key = key or RSAKey.import_key(creds["private_key_pem"])
    protected = {"typ": "JWT", "alg": "PS256", "kid": creds["certificate_id"], **(header or {})}
    payload = {
        "iss": creds["client_id"],
        "scope": ["restlets", "rest_webservices"],
        "aud": TOKEN_URL,
        "iat": int(now),
        "exp": int(now) + 3600,
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    alg = [str(protected["alg"])]
    return jws.serialize_compact(
        protected, json.dumps(payload).encode(), signing_key, algorithms=alg
    )


def token_form(jwt: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": jwt,
    }


async def bearer(client: httpx.AsyncClient, creds: dict[str, str], now: float = START) -> str:
    """A live access token obtained the M2M way."""
    response = await client.post(TOKEN_PATH, data=token_form(assertion(creds, now)))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def authed(client: httpx.AsyncClient, creds: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {await bearer(client, creds)}"}


def tba_header(
    creds: dict[str, str],
    url: str,
    *,
    method: str = "GET",
    realm: str | None = None,
    nonce: str | None = None,
    timestamp: float = START,
    extra: dict[str, str] | None = None,
    secret: str | None = None,
    signature_method: str = "HMAC-SHA256",
) -> str:
    """A TBA header as a correct client signs it for ``url``, with overrides for rejections."""
    oauth = {
        "oauth_consumer_key": creds["consumer_key"],
        "oauth_token": creds["token_id"],
        "oauth_nonce": nonce or secrets.token_hex(10),
        "oauth_timestamp": str(int(timestamp)),
        "oauth_signature_method": signature_method,
        "oauth_version": "1.0",
        **(extra or {}),
    }
    path, _, query = url.partition("?")
    pairs = list(oauth.items())
    pairs += parse_qsl(query, keep_blank_values=True)
    base = base_string(method, path, pairs)
    oauth["oauth_signature"] = signature(
        base, secret or creds["consumer_secret"], creds["token_secret"]
    )
    fields = [f'realm="{realm or creds["account_id"]}"']
    fields += [f'{k}="{quote(v, safe="")}"' for k, v in oauth.items()]
    return "OAuth " + ", ".join(fields)
