"""A connection's sessions: where their calls go, with which header, and that none can hang."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from sqlalchemy import Engine

from ml_connector.auth.session import SessionOptions, open_side
from ml_connector.rest import Timeouts
from ml_connector.settings import Settings
from ml_connector.store.connections import add_connection
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import open_engine

pytestmark = pytest.mark.anyio

KEYRING = Keyring([new_key()])
TIMEOUTS = Timeouts(connect=1.5, read=2.5, write=3.5, pool=4.5)
EXPECTED_TIMEOUT = {"connect": 1.5, "read": 2.5, "write": 3.5, "pool": 4.5}


def _pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def engine(settings: Settings) -> Engine:
    engine = open_engine(settings)
    config = {
        "netsuite": {"account_id": "1234567_SB1", "client_id": "ns-client"},
        "zoho": {"client_id": "1000.C", "dc": "eu"},
    }
    secrets = {
        "netsuite": {"certificate_id": "cert-1", "private_key_pem": _pem()},
        "zoho": {"client_secret": "zs", "refresh_token": "1000.r"},
    }
    add_connection(engine, KEYRING, name="acme", config=config, secrets=secrets)
    return engine


class Services:
    """Both vendors' token endpoints and APIs; records every request it is sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.unauthorized_once = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/oauth/v2/token":
            token = f"1000.z{len(self.requests)}"
            domain = "https://crm-eu.example"  # not the data centre's default API domain
            return httpx.Response(200, json={"access_token": token, "api_domain": domain})
        if path.endswith("/oauth2/v1/token"):
            return httpx.Response(200, json={"access_token": f"ns{len(self.requests)}"})
        if self.unauthorized_once:
            self.unauthorized_once = False
            return httpx.Response(401, json={"o:errorDetails": [{"o:errorCode": "INVALID_LOGIN"}]})
        return httpx.Response(200, json={"org": [{"company_name": "Acme"}], "items": []})


def _options(services: Services) -> SessionOptions:
    return SessionOptions(timeouts=TIMEOUTS, transport=httpx.MockTransport(services))


async def test_zoho_calls_go_to_the_api_domain_the_token_names(engine: Engine) -> None:
    services = Services()
    async with open_side(engine, KEYRING, "acme", "zoho", _options(services)) as side:
        response = await side.client.get("/crm/v8/org")
    assert response.status_code == 200
    token_request, api_request = services.requests
    assert str(token_request.url) == "https://accounts.zoho.eu/oauth/v2/token"
    assert str(api_request.url) == "https://crm-eu.example/crm/v8/org"
    assert api_request.headers["Authorization"] == "Zoho-oauthtoken 1000.z1"


@pytest.mark.parametrize("system", ["zoho", "netsuite"])
async def test_every_call_has_a_timeout_token_requests_included(
    engine: Engine, system: str
) -> None:
    services = Services()
    path = "/crm/v8/org" if system == "zoho" else "/services/rest/record/v1/customer/1"
    async with open_side(engine, KEYRING, "acme", system, _options(services)) as side:
        await side.client.get(path)
    assert len(services.requests) == 2  # the token request, then the call
    for request in services.requests:
        assert request.extensions["timeout"] == EXPECTED_TIMEOUT, request.url


async def test_each_netsuite_token_request_carries_a_new_assertion(engine: Engine) -> None:
    services = Services()
    async with open_side(engine, KEYRING, "acme", "netsuite", _options(services)) as side:
        await side.client.get("/services/rest/record/v1/customer/1")
        services.unauthorized_once = True  # the token died early: one refresh, one retry
        retried = await side.client.get("/services/rest/record/v1/customer/1")
    assert retried.status_code == 200
    token_requests = [r for r in services.requests if r.url.path.endswith("/oauth2/v1/token")]
    assertions = [
        dict(httpx.QueryParams(r.content.decode()))["client_assertion"] for r in token_requests
    ]
    assert len(assertions) == 2
    assert assertions[0] != assertions[1]
    headers = [jws.extract_compact(a.encode()).headers() for a in assertions]
    assert [h["kid"] for h in headers] == ["cert-1", "cert-1"]
    assert [h["alg"] for h in headers] == ["ES256", "ES256"]
