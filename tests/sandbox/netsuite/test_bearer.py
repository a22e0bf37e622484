"""Bearer tokens expire, and every auth failure is the documented 401 INVALID_LOGIN (§1.5)."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.netsuite.conftest import TOKEN_URL, FakeClock, assertion, bearer, token_form

pytestmark = pytest.mark.anyio

RECORD = "/services/rest/record/v1/customer/8"
INVALID_LOGIN_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [
        {
            "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the "
            "NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.",
            "o:errorCode": "INVALID_LOGIN",
        }
    ],
}
CHALLENGE = (
    'Bearer realm="1234567_SB1", error="invalid_token", error_description="Invalid login attempt."'
)


def _assert_invalid_login(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.json() == INVALID_LOGIN_BODY
    assert response.headers["www-authenticate"] == CHALLENGE


async def test_token_works_until_its_hour_is_up(
    client: httpx.AsyncClient, creds: dict[str, str], clock: FakeClock
) -> None:
    headers = {"Authorization": f"Bearer {await bearer(client, creds)}"}

    clock.advance(3599)
    fresh = await client.get(RECORD, headers=headers)
    clock.advance(1)
    stale = await client.get(RECORD, headers=headers)

    assert fresh.status_code != 401
    _assert_invalid_login(stale)


async def test_ttl_set_to_one_second_through_the_control_api(
    client: httpx.AsyncClient, creds: dict[str, str], clock: FakeClock
) -> None:
    await client.patch("/_sandbox/settings", json={"token_ttl": 1})
    response = await client.post(TOKEN_URL, data=token_form(assertion(creds)))
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    clock.advance(1)

    assert response.json()["expires_in"] == 1
    _assert_invalid_login(await client.get(RECORD, headers=headers))


async def test_expire_all_tokens_now(client: httpx.AsyncClient, creds: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {await bearer(client, creds)}"}

    expired = await client.post("/_sandbox/tokens/expire")

    assert expired.json() == {"expired": 1}
    _assert_invalid_login(await client.get(RECORD, headers=headers))


@pytest.mark.parametrize(
    ("case", "headers"),
    [
        ("no credentials", {}),
        ("unknown token", {"Authorization": "Bearer not-a-token"}),
        ("basic auth", {"Authorization": "Basic dXNlcjpwYXNz"}),
    ],
)
async def test_missing_or_unknown_credentials(
    client: httpx.AsyncClient, case: str, headers: dict[str, str]
) -> None:
    _assert_invalid_login(await client.get(RECORD, headers=headers))


async def test_cookie_header_breaks_a_good_token(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    token = await bearer(client, creds)

    response = await client.get(
        RECORD, headers={"Authorization": f"Bearer {token}", "Cookie": "JSESSIONID=x"}
    )

    _assert_invalid_login(response)


async def test_token_without_rest_scope_cannot_call_rest(
    client: httpx.AsyncClient, creds: dict[str, str]
) -> None:
    response = await client.post(TOKEN_URL, data=token_form(assertion(creds, scope=["restlets"])))
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    _assert_invalid_login(await client.get(RECORD, headers=headers))
