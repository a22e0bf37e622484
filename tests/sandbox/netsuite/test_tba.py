"""Token-Based Authentication: Oracle's test vector and the rejections NetSuite applies (§1.4)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from typing import Any

import httpx
import pytest

from ml_connector.sandbox.netsuite.integration import new_integration
from ml_connector.sandbox.netsuite.tba import (
    TbaVerifier,
    base_string,
    parse_oauth_header,
    signature,
)
from tests.sandbox.netsuite.conftest import BASE_URL, START, tba_header

ORACLE_HEADER = (
    'OAuth realm="123456", '
    'oauth_token="2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc", '
    'oauth_consumer_key="ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4", '
    'oauth_nonce="fjaLirsIcCGVZWzBX0pg", oauth_timestamp="1508242306", '
    'oauth_signature_method="HMAC-SHA256", oauth_version="1.0", '
    'oauth_signature="B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D"'
)
ORACLE_CONSUMER_SECRET = "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5"
ORACLE_TOKEN_SECRET = "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295"
ORACLE_URL = "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40"
RECORD = "/services/rest/record/v1/customer/"


def test_oracle_published_test_vector() -> None:
    params = parse_oauth_header(ORACLE_HEADER)
    assert params is not None
    signed = [(k, v) for k, v in params.items() if k not in ("realm", "oauth_signature")]

    base = base_string("GET", ORACLE_URL, signed)

    assert base.startswith(
        "GET&https%3A%2F%2F123456.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1"
        "%2Femployee%2F40&oauth_consumer_key%3Def40"
    )
    assert signature(base, ORACLE_CONSUMER_SECRET, ORACLE_TOKEN_SECRET) == (
        "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="
    )
    assert params["oauth_signature"] == "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="


def _oracle_verifier(account_id: str = "123456") -> TbaVerifier:
    """An account holding the integration and token of Oracle's example, at its timestamp."""
    params = parse_oauth_header(ORACLE_HEADER)
    assert params is not None
    integration = dataclasses.replace(
        new_integration(),
        client_id=params["oauth_consumer_key"],
        client_secret=ORACLE_CONSUMER_SECRET,
        token_id=params["oauth_token"],
        token_secret=ORACLE_TOKEN_SECRET,
    )
    return TbaVerifier(integration, account_id, lambda: 1508242306.0)


def test_oracle_example_header_authenticates_its_request_once() -> None:
    verifier = _oracle_verifier()

    assert verifier.verify(ORACLE_HEADER, "GET", ORACLE_URL, [])
    assert not verifier.verify(ORACLE_HEADER, "GET", ORACLE_URL, [])  # the nonce is spent


@pytest.mark.parametrize(
    ("method", "url", "account_id"),
    [
        ("POST", ORACLE_URL, "123456"),
        ("GET", ORACLE_URL.replace("/40", "/41"), "123456"),
        ("GET", ORACLE_URL.replace("https:", "http:"), "123456"),
        ("GET", ORACLE_URL, "123456_SB1"),
    ],
    ids=["other method", "other path", "other scheme", "other realm"],
)
def test_oracle_example_header_does_not_authenticate_another_request(
    method: str, url: str, account_id: str
) -> None:
    assert not _oracle_verifier(account_id).verify(ORACLE_HEADER, method, url, [])


@pytest.mark.anyio
async def test_signed_request_is_accepted_with_query_and_body_hash(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    created = await client.post("/_sandbox/records/customer", json={"fields": {"companyName": "T"}})
    key = created.json()["id"]
    url = f"{BASE_URL}{RECORD}{key}?expandSubResources=true"
    body_hash = base64.b64encode(hashlib.sha1(b"").digest()).decode()  # noqa: S324 - OAuth body hash

    response = await client.get(
        url, headers={"Authorization": tba_header(creds, url, extra={"oauth_body_hash": body_hash})}
    )

    assert response.status_code == 200
    assert response.json()["id"] == key


@pytest.mark.anyio
async def test_signed_suiteql_post_is_accepted(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    url = f"{BASE_URL}/services/rest/query/v1/suiteql?limit=5"

    response = await client.post(
        url,
        json={"q": "SELECT id FROM customer"},
        headers={"Authorization": tba_header(creds, url, method="POST"), "Prefer": "transient"},
    )

    assert response.status_code == 200
    assert response.json()["count"] == 5


REJECTIONS: list[tuple[str, dict[str, Any]]] = [
    ("realm in lower case", {"realm": "1234567_sb1"}),
    ("HMAC-SHA1 ended in 2023.1", {"signature_method": "HMAC-SHA1"}),
    ("wrong consumer secret", {"secret": "not-the-secret"}),
    ("timestamp an hour old", {"timestamp": START - 3600}),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("case", "overrides"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
async def test_bad_tba_headers_get_invalid_login(
    client: httpx.AsyncClient, creds: dict[str, str], case: str, overrides: dict[str, Any]
) -> None:
    url = f"{BASE_URL}{RECORD}8"
    header = tba_header(creds, url, **overrides)

    response = await client.get(url, headers={"Authorization": header})

    assert response.status_code == 401, case
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    assert response.headers["www-authenticate"].startswith('OAuth realm="1234567_SB1"')


@pytest.mark.anyio
async def test_nonce_cannot_be_replayed(client: httpx.AsyncClient, creds: dict[str, str]) -> None:
    url = f"{BASE_URL}{RECORD}8"
    header = tba_header(creds, url, nonce="fixednonce123")

    first = await client.get(url, headers={"Authorization": header})
    replay = await client.get(url, headers={"Authorization": header})

    assert first.status_code != 401
    assert replay.status_code == 401
    assert replay.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
