"""The ``Zoho-oauthtoken`` header: required on every CRM call, with Zoho's 401 bodies."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.sandbox.zoho import ZohoSimulator

from .conftest import mint_token

AUTH_FAILED = {
    "code": "AUTHENTICATION_FAILURE",
    "details": {},
    "message": "Authentication failed",
    "status": "error",
}
INVALID_TOKEN = {
    "code": "INVALID_TOKEN",
    "details": {},
    "message": "invalid oauth token",
    "status": "error",
}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, AUTH_FAILED),
        ({"Authorization": "Bearer {token}"}, AUTH_FAILED),
        ({"Authorization": "Zoho-oauthtoken 1000.unknown.token"}, INVALID_TOKEN),
    ],
    ids=["missing", "bearer-scheme", "unknown-token"],
)
@pytest.mark.parametrize(
    "call",
    [("GET", "/crm/v8/org"), ("POST", "/crm/v8/Accounts/upsert"), ("GET", "/crm/v8/actions/watch")],
)
def test_calls_without_a_valid_zoho_token_get_401(
    sim: ZohoSimulator,
    anon: httpx.Client,
    headers: dict[str, str],
    expected: dict[str, object],
    call: tuple[str, str],
) -> None:
    method, path = call
    token = mint_token(anon, sim)
    sent = {k: v.format(token=token) for k, v in headers.items()}
    response = anon.request(method, path, headers=sent, json={"data": [{"Account_Name": "A"}]})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == expected


def test_expiring_tokens_now_through_the_control_api(
    api: httpx.Client, control: httpx.Client
) -> None:
    assert api.get("/crm/v8/org").status_code == 200
    assert control.post("/tokens/expire").json() == {"expired": 1}
    response = api.get("/crm/v8/org")
    assert (response.status_code, response.json()) == (401, INVALID_TOKEN)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/crm/v8/Accounts/1/2/3", 404, "INVALID_URL_PATTERN"),
        ("DELETE", "/crm/v8/org", 400, "INVALID_REQUEST_METHOD"),
        ("GET", "/crm/v8/Leads?fields=Last_Name", 400, "INVALID_MODULE"),
    ],
)
def test_unknown_urls_methods_and_modules_get_zoho_json_errors(
    api: httpx.Client, method: str, path: str, status: int, code: str
) -> None:
    response = api.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("call", "allowed"),
    [
        (("GET", "/crm/v8/Accounts?fields=Account_Name"), True),
        (("POST", "/crm/v8/Accounts"), False),
        (("POST", "/crm/v8/Accounts/upsert"), False),
        (("GET", "/crm/v8/Contacts?fields=Last_Name"), False),
        (("GET", "/crm/v8/org"), False),
        (("GET", "/crm/v8/actions/watch"), False),
        (("GET", "/crm/v8/settings/fields?module=Accounts"), False),
    ],
)
def test_calls_outside_the_tokens_scope_get_oauth_scope_mismatch(
    sim: ZohoSimulator,
    anon: httpx.Client,
    control: httpx.Client,
    call: tuple[str, str],
    allowed: bool,
) -> None:
    method, path = call
    grant = control.post("/grant-codes", json={"scope": "ZohoCRM.modules.accounts.READ"}).json()
    form = {"grant_type": "authorization_code", "code": grant["code"]}
    form |= {"client_id": grant["client_id"], "client_secret": sim.client_secret}
    token = anon.post("/oauth/v2/token", data=form).json()["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    response = anon.request(method, path, headers=headers, json={"data": [{"Account_Name": "A"}]})
    if allowed:
        assert response.status_code == 204
    else:
        assert (response.status_code, response.json()) == (
            401,
            {
                "code": "OAUTH_SCOPE_MISMATCH",
                "message": "Unauthorized",
                "status": "error",
                "details": {},
            },
        )
