"""Token endpoint answers, good and bad, turned into tokens or errors that say what to fix."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ml_connector.auth import (
    AssertionSigner,
    NetSuiteTokenEndpoint,
    ZohoThrottledError,
    ZohoTokenEndpoint,
    zoho_hosts,
)
from ml_connector.errors import AuthError, RetryableError

pytestmark = pytest.mark.anyio

NOW = 1_800_000_000.0


class Endpoint:
    """A token endpoint that answers every request with one canned response."""

    def __init__(self, status: int, body: dict[str, Any], **headers: str) -> None:
        self.status, self.body, self.headers = status, body, headers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body, headers=self.headers)


def _http(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def _zoho(handler: Endpoint) -> ZohoTokenEndpoint:
    return ZohoTokenEndpoint(
        _http(handler), zoho_hosts("eu"), client_id="1000.C", client_secret="s3", clock=lambda: NOW
    )


async def test_zoho_refresh_uses_the_api_domain_it_is_given() -> None:
    handler = Endpoint(
        200,
        {
            "access_token": "1000.a",
            "expires_in": 3600,
            "api_domain": "https://www.zohoapis.eu",
            "token_type": "Bearer",
        },
    )
    token = await _zoho(handler).refresh("1000.r")
    assert token.access_token == "1000.a"
    assert token.api_domain == "https://www.zohoapis.eu"
    assert token.expires_at.timestamp() == NOW + 3600
    sent = handler.requests[0]
    assert sent.url == "https://accounts.zoho.eu/oauth/v2/token"
    form = dict(httpx.QueryParams(sent.content.decode()))
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": "1000.r",
        "client_id": "1000.C",
        "client_secret": "s3",
    }


@pytest.mark.parametrize(
    ("error", "reason", "hint", "reauthorize"),
    [
        ("invalid_code", "invalid or revoked", "ml-connector auth zoho", True),
        ("invalid_client", "client id is unknown", "zoho.dc", False),
        ("invalid_client_secret", "client secret is wrong", "client secret", False),
    ],
)
async def test_zoho_errors_arrive_with_200_and_say_what_to_fix(
    error: str, reason: str, hint: str, reauthorize: bool
) -> None:
    with pytest.raises(AuthError, match=reason) as info:
        await _zoho(Endpoint(200, {"error": error})).refresh("1000.r")
    assert hint in info.value.hint
    assert info.value.reauthorize is reauthorize


async def test_zoho_throttle_is_a_cool_down_not_a_reauthorization() -> None:
    body = {
        "error_description": (
            "You have made too many requests continuously. Please try again after some time."
        ),
        "error": "Access Denied",
        "status": "failure",
    }
    with pytest.raises(ZohoThrottledError) as info:
        await _zoho(Endpoint(400, body)).refresh("1000.r")
    assert isinstance(info.value, RetryableError)
    assert info.value.retry_after == 600


async def test_zoho_code_exchange_returns_the_refresh_token() -> None:
    handler = Endpoint(200, {"access_token": "a", "refresh_token": "1000.r", "expires_in": 3600})
    grant = await _zoho(handler).exchange("1000.code")
    assert grant.refresh_token == "1000.r"
    assert "refresh_token" not in repr(grant)


@pytest.fixture(scope="module")
def pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _netsuite(handler: Endpoint) -> NetSuiteTokenEndpoint:
    return NetSuiteTokenEndpoint(_http(handler), "https://x/token", clock=lambda: NOW)


async def test_netsuite_m2m_sends_a_signed_assertion(pem: str) -> None:
    handler = Endpoint(200, {"access_token": "eyJ.a.b", "expires_in": 3600, "token_type": "Bearer"})
    signer = AssertionSigner(
        "client", "cert", pem, "https://aud", algorithm="ES256", clock=lambda: NOW
    )
    token = await _netsuite(handler).client_credentials(signer)
    assert token.expires_at.timestamp() == NOW + 3600
    form = dict(httpx.QueryParams(handler.requests[0].content.decode()))
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert form["client_assertion"].count(".") == 2


async def test_netsuite_names_clock_skew_when_it_sees_it(pem: str) -> None:
    date = email.utils.formatdate(NOW + 600, usegmt=True)
    signer = AssertionSigner("c", "k", pem, "a", algorithm="ES256", clock=lambda: NOW)
    with pytest.raises(AuthError, match="clock is -600 s off") as info:
        await _netsuite(Endpoint(400, {"error": "invalid_grant"}, Date=date)).client_credentials(
            signer
        )
    assert "NTP" in info.value.hint
    assert info.value.reauthorize is False


async def test_netsuite_invalid_grant_on_m2m_points_at_the_certificate(pem: str) -> None:
    signer = AssertionSigner("c", "k", pem, "a", algorithm="ES256", clock=lambda: NOW)
    with pytest.raises(AuthError, match="invalid_grant") as info:
        await _netsuite(Endpoint(400, {"error": "invalid_grant"})).client_credentials(signer)
    assert "certificate_id" in info.value.hint
    assert info.value.reauthorize is False


async def test_netsuite_expired_refresh_token_means_reauthorize() -> None:
    with pytest.raises(AuthError) as info:
        await _netsuite(Endpoint(400, {"error": "invalid_grant"})).refresh(
            "rt", client_id="c", secret="s"
        )
    assert info.value.reauthorize is True
    assert "--flow code" in info.value.hint


async def test_netsuite_5xx_is_retryable() -> None:
    with pytest.raises(RetryableError):
        await _netsuite(Endpoint(503, {})).refresh("rt", client_id="c", secret=None)
