"""The M2M token endpoint verifies client assertions the way NetSuite does (reference §1.2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.jwk import ECKey, OctKey, RSAKey

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from tests.sandbox.netsuite.conftest import (
    BASE_URL,
    JWT_BEARER,
    START,
    SUITEQL,
    TOKEN_URL,
    assertion,
    token_form,
)

pytestmark = pytest.mark.anyio


async def test_ps256_assertion_gets_a_bearer_token_that_opens_suiteql(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    response = await client.post(TOKEN_URL, data=token_form(assertion(creds)))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    query = await client.post(
        SUITEQL,
        json={"q": "SELECT id FROM customer"},
        headers={"Authorization": f"Bearer {body['access_token']}", "Prefer": "transient"},
    )
    assert query.status_code == 200


async def test_es256_certificate_is_accepted(
    client: httpx.AsyncClient, simulator: NetSuiteSimulator, creds: dict[str, str]
) -> None:
    ec_cert = simulator.integration.ec
    jwt = assertion(
        creds,
        header={"alg": "ES256", "kid": ec_cert.certificate_id},
        key=ECKey.import_key(ec_cert.private_key_pem),
    )

    response = await client.post(TOKEN_URL, data=token_form(jwt))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "scope", ["rest_webservices", "restlets,rest_webservices", ["rest_webservices"]]
)
async def test_scope_as_comma_string_or_array(
    client: httpx.AsyncClient, creds: dict[str, str], scope: Any
) -> None:
    response = await client.post(TOKEN_URL, data=token_form(assertion(creds, scope=scope)))

    assert response.status_code == 200


async def test_canonical_suitetalk_audience_is_accepted_on_any_host(
    simulator: NetSuiteSimulator, creds: dict[str, str]
) -> None:
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9") as local:
        response = await local.post(
            "/services/rest/auth/oauth2/v1/token", data=token_form(assertion(creds))
        )

    assert response.status_code == 200


def _foreign_ec_key() -> ECKey:
    return ECKey.import_key(ec.generate_private_key(ec.SECP256R1()))


REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("rs256 is no longer accepted", {"header": {"alg": "RS256"}}, "invalid_request"),
    ("typ must be JWT", {"header": {"typ": "JOSE"}}, "invalid_request"),
    ("unknown kid", {"header": {"kid": "not-mapped"}}, "invalid_grant"),
    ("wrong issuer", {"iss": "someone-else"}, "invalid_grant"),
    ("wrong audience", {"aud": "https://example.com/token"}, "invalid_grant"),
    ("lifetime over an hour", {"exp": int(START) + 3601}, "invalid_grant"),
    ("already expired", {"iat": int(START) - 3600, "exp": int(START) - 1}, "invalid_grant"),
    ("issued in the future", {"iat": int(START) + 600, "exp": int(START) + 1200}, "invalid_grant"),
    ("missing exp", {"exp": None}, "invalid_request"),
    ("unknown scope", {"scope": ["everything"]}, "invalid_scope"),
    ("mcp must stand alone", {"scope": ["mcp", "restlets"]}, "invalid_scope"),
    ("missing scope", {"scope": None}, "invalid_scope"),
]


@pytest.mark.parametrize(("case", "overrides", "error"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
async def test_flawed_assertions_are_refused(
    client: httpx.AsyncClient,
    creds: dict[str, str],
    case: str,
    overrides: dict[str, Any],
    error: str,
) -> None:
    response = await client.post(TOKEN_URL, data=token_form(assertion(creds, **overrides)))

    assert response.status_code == 400, case
    assert response.json() == {"error": error}


async def test_signature_by_another_key_is_refused(
    client: httpx.AsyncClient, simulator: NetSuiteSimulator, creds: dict[str, str]
) -> None:
    jwt = assertion(
        creds,
        header={"alg": "ES256", "kid": simulator.integration.ec.certificate_id},
        key=_foreign_ec_key(),
    )

    response = await client.post(TOKEN_URL, data=token_form(jwt))

    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


async def test_hmac_signed_assertion_is_refused(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    jwt = assertion(creds, header={"alg": "HS256"}, key=OctKey.import_key(b"k" * 32))

    response = await client.post(TOKEN_URL, data=token_form(jwt))

    assert response.json() == {"error": "invalid_request"}


async def test_tampered_payload_is_refused(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    header, _, signature = assertion(creds).split(".")
    other_payload = assertion(creds, scope=["restlets"]).split(".")[1]

    response = await client.post(
        TOKEN_URL, data=token_form(f"{header}.{other_payload}.{signature}")
    )

    assert response.json() == {"error": "invalid_grant"}


FORM_REJECTIONS: list[tuple[str, dict[str, str], str]] = [
    ("no grant type", {"client_assertion_type": JWT_BEARER}, "invalid_request"),
    ("unknown grant type", {"grant_type": "password"}, "unsupported_grant_type"),
    (
        "wrong assertion type",
        {"grant_type": "client_credentials", "client_assertion_type": "jwt"},
        "invalid_request",
    ),
    ("no assertion", {"grant_type": "client_credentials"}, "invalid_request"),
    (
        "not a JWT",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": JWT_BEARER,
            "client_assertion": "abc",
        },
        "invalid_request",
    ),
]


@pytest.mark.parametrize(
    ("case", "form", "error"), FORM_REJECTIONS, ids=[r[0] for r in FORM_REJECTIONS]
)
async def test_malformed_token_requests_are_refused(
    client: httpx.AsyncClient, case: str, form: dict[str, str], error: str
) -> None:
    response = await client.post(TOKEN_URL, data=form)

    assert (response.status_code, response.json()) == (400, {"error": error}), case


async def test_json_body_is_refused(client: httpx.AsyncClient, creds: dict[str, str]) -> None:
    response = await client.post(TOKEN_URL, json=token_form(assertion(creds)))

    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})


def test_caller_supplied_private_key_is_the_one_handed_out(clock: Any) -> None:
    key = RSAKey.generate_key(3072)
    pem = key.as_pem(private=True).decode()

    simulator = NetSuiteSimulator(private_key_pem=pem, clock=clock)

    assert simulator.credentials(BASE_URL)["private_key_pem"] == pem
