"""The accounts server: grants, the 10-per-10-minutes throttle and Zoho's token error shapes."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.sandbox.zoho import ZohoSimulator

from .conftest import FakeClock, mint_token

THROTTLED = {
    "error_description": (
        "You have made too many requests continuously. Please try again after some time."
    ),
    "error": "Access Denied",
    "status": "failure",
}


def refresh_params(sim: ZohoSimulator, client: httpx.Client, **override: str) -> dict[str, str]:
    creds = sim.credentials(str(client.base_url))
    params = {
        "grant_type": "refresh_token",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "refresh_token": creds["refresh_token"],
    }
    return params | override


def test_credentials_name_one_base_url_for_accounts_and_api(sim: ZohoSimulator) -> None:
    creds = sim.credentials("http://127.0.0.1:9/")
    assert set(creds) == {
        "accounts_url",
        "api_domain",
        "client_id",
        "client_secret",
        "refresh_token",
        "dc",
    }
    assert creds["accounts_url"] == creds["api_domain"] == "http://127.0.0.1:9"
    assert creds["dc"] == "com"
    assert sim.control_url("http://127.0.0.1:9") == "http://127.0.0.1:9/_sandbox"


@pytest.mark.parametrize("where", ["form", "query"])
def test_refresh_grant_answers_the_documented_keys(
    sim: ZohoSimulator, anon: httpx.Client, where: str
) -> None:
    params = refresh_params(sim, anon)
    if where == "form":
        response = anon.post("/oauth/v2/token", data=params)
    else:
        response = anon.post("/oauth/v2/token", params=params)
    body = response.json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert set(body) == {"access_token", "api_domain", "token_type", "expires_in"}
    assert body["api_domain"] == str(anon.base_url).rstrip("/")
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600


def test_token_lifetime_can_be_seconds_and_tokens_then_expire(
    sim: ZohoSimulator, anon: httpx.Client, control: httpx.Client, clock: FakeClock
) -> None:
    assert control.put("/settings", json={"token_ttl": 5}).status_code == 200
    body = anon.post("/oauth/v2/token", data=refresh_params(sim, anon)).json()
    assert body["expires_in"] == 5
    headers = {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}
    assert anon.get("/crm/v8/org", headers=headers).status_code == 200
    clock.advance(5)
    expired = anon.get("/crm/v8/org", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["code"] == "INVALID_TOKEN"


def test_eleventh_token_in_ten_minutes_is_denied_for_the_rest_of_the_window(
    sim: ZohoSimulator, anon: httpx.Client, clock: FakeClock
) -> None:
    params = refresh_params(sim, anon)
    for _ in range(10):
        assert "access_token" in anon.post("/oauth/v2/token", data=params).json()
        clock.advance(30)  # 10 tokens within 5 minutes
    denied = anon.post("/oauth/v2/token", data=params)
    assert denied.status_code == 400
    assert denied.json() == THROTTLED
    clock.advance(299)  # still inside the window that began with the first token
    assert anon.post("/oauth/v2/token", data=params).json() == THROTTLED
    clock.advance(1)
    assert "access_token" in anon.post("/oauth/v2/token", data=params).json()


def test_only_the_newest_ten_access_tokens_stay_valid(
    sim: ZohoSimulator, anon: httpx.Client, clock: FakeClock
) -> None:
    first = mint_token(anon, sim)
    for _ in range(9):
        mint_token(anon, sim)
    clock.advance(600)
    mint_token(anon, sim)
    refused = anon.get("/crm/v8/org", headers={"Authorization": f"Zoho-oauthtoken {first}"})
    assert refused.json()["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"refresh_token": "1000.nope.nope"}, "invalid_code"),
        ({"client_id": "1000.UNKNOWN"}, "invalid_client"),
        ({"client_secret": "wrong"}, "invalid_client_secret"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
    ],
)
def test_token_errors_come_with_http_200_and_an_error_key(
    sim: ZohoSimulator, anon: httpx.Client, override: dict[str, str], error: str
) -> None:
    response = anon.post("/oauth/v2/token", data=refresh_params(sim, anon, **override))
    assert response.status_code == 200
    assert response.json() == {"error": error}


def test_self_client_grant_code_is_exchanged_once_for_a_refresh_token(
    sim: ZohoSimulator, anon: httpx.Client, control: httpx.Client
) -> None:
    grant = control.post("/grant-codes").json()  # no body: the self-client's full scope
    params = {
        "grant_type": "authorization_code",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "code": grant["code"],
    }
    body = anon.post("/oauth/v2/token", data=params).json()
    assert {"access_token", "refresh_token", "api_domain", "token_type", "expires_in"} <= set(body)
    headers = {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}
    assert anon.get("/crm/v8/org", headers=headers).status_code == 200
    refreshed = anon.post(
        "/oauth/v2/token", data=refresh_params(sim, anon, refresh_token=body["refresh_token"])
    )
    assert "access_token" in refreshed.json()
    assert anon.post("/oauth/v2/token", data=params).json() == {"error": "invalid_code"}


def test_grant_code_expires_after_three_minutes(
    sim: ZohoSimulator, anon: httpx.Client, control: httpx.Client, clock: FakeClock
) -> None:
    code = control.post("/grant-codes", json={}).json()["code"]
    clock.advance(181)
    params = {
        "grant_type": "authorization_code",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "code": code,
    }
    assert anon.post("/oauth/v2/token", data=params).json() == {"error": "invalid_code"}


def test_revoking_a_refresh_token_kills_its_access_tokens(
    sim: ZohoSimulator, anon: httpx.Client
) -> None:
    token = mint_token(anon, sim)
    revoked = anon.post("/oauth/v2/token/revoke", params={"token": sim.refresh_token})
    assert revoked.json() == {"status": "success"}
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    assert anon.get("/crm/v8/org", headers=headers).json()["code"] == "INVALID_TOKEN"
    again = anon.post("/oauth/v2/token", data=refresh_params(sim, anon))
    assert again.json() == {"error": "invalid_code"}
