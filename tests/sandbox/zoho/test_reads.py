"""Reading records: ``fields`` is required, by ids or by pages with ``page_token``."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.sandbox.zoho import ZohoSimulator

from .conftest import FakeClock, mint_token


def insert_accounts(api: httpx.Client, count: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, count, 100):
        data = [{"Account_Name": f"A{i}"} for i in range(start, min(count, start + 100))]
        response = api.post("/crm/v8/Accounts", json={"data": data})
        ids += [r["details"]["id"] for r in response.json()["data"]]
    return ids


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"ids": "1"},
            {
                "code": "REQUIRED_PARAM_MISSING",
                "status": "error",
                "details": {"param_name": "fields"},
                "message": "required param is missing",
            },
        ),
        (
            {"fields": ",".join(f"F{i}" for i in range(51))},
            {
                "code": "LIMIT_EXCEEDED",
                "details": {"limit": 50, "param_name": "fields"},
                "message": "limit exceeded",
                "status": "error",
            },
        ),
        (
            {"fields": "Account_Name", "ids": ",".join(str(i) for i in range(101))},
            {
                "code": "LIMIT_EXCEEDED",
                "details": {"limit": 100, "param_name": "ids"},
                "message": "limit exceeded",
                "status": "error",
            },
        ),
        (
            {"fields": "Account_Name", "per_page": "201"},
            {
                "code": "LIMIT_EXCEEDED",
                "details": {"limit": 200, "param_name": "per_page"},
                "message": "limit exceeded",
                "status": "error",
            },
        ),
        (
            {"fields": "Account_Name,Nope"},
            {
                "code": "INVALID_DATA",
                "details": {"api_name": "Nope", "param_name": "fields"},
                "message": "the field api name given seems to be invalid",
                "status": "error",
            },
        ),
    ],
    ids=["fields-missing", "over-50-fields", "over-100-ids", "over-200-per-page", "unknown-field"],
)
def test_get_rejections_are_verbatim(
    api: httpx.Client, params: dict[str, str], expected: dict[str, object]
) -> None:
    response = api.get("/crm/v8/Accounts", params=params)
    assert response.status_code == 400
    assert response.json() == expected


def test_get_by_ids_returns_only_the_asked_fields_and_id(api: httpx.Client) -> None:
    ids = insert_accounts(api, 3)
    params = {"ids": f"{ids[2]},{ids[0]},9999999000000000001", "fields": "Account_Name"}
    response = api.get("/crm/v8/Accounts", params=params)
    assert response.status_code == 200
    assert response.json()["data"] == [
        {"id": ids[2], "Account_Name": "A2"},
        {"id": ids[0], "Account_Name": "A0"},
    ]


def test_get_with_no_match_is_204_without_a_body(api: httpx.Client) -> None:
    response = api.get("/crm/v8/Accounts", params={"ids": "1", "fields": "Account_Name"})
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["content-type"] == "application/json"


def test_page_tokens_walk_every_record_once(api: httpx.Client) -> None:
    ids = insert_accounts(api, 250)
    seen: list[str] = []
    params = {"fields": "Account_Name", "per_page": "100"}
    while True:
        body = api.get("/crm/v8/Accounts", params=params).json()
        seen += [row["id"] for row in body["data"]]
        if not body["info"]["more_records"]:
            assert body["info"]["next_page_token"] is None
            break
        params = {"fields": "Account_Name", "per_page": "100"}
        params["page_token"] = body["info"]["next_page_token"]
    assert seen == sorted(ids, key=int, reverse=True)


def test_page_tokens_expire_after_a_day(
    api: httpx.Client, anon: httpx.Client, sim: ZohoSimulator, clock: FakeClock
) -> None:
    insert_accounts(api, 3)
    first = api.get("/crm/v8/Accounts", params={"fields": "Account_Name", "per_page": "1"})
    token = first.json()["info"]["next_page_token"]
    clock.advance(24 * 3600)
    params = {"fields": "Account_Name", "page_token": token}
    headers = {"Authorization": f"Zoho-oauthtoken {mint_token(anon, sim)}"}
    response = anon.get("/crm/v8/Accounts", params=params, headers=headers)
    assert response.status_code == 400
    assert response.json()["details"] == {"param_name": "page_token"}


def test_page_param_reaches_only_2000_records(api: httpx.Client) -> None:
    params = {"fields": "Account_Name", "per_page": "200", "page": "11"}
    response = api.get("/crm/v8/Accounts", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "DISCRETE_PAGINATION_LIMIT_EXCEEDED"


def test_ui_edits_are_told_apart_from_api_writes_by_modified_by(
    api: httpx.Client, control: httpx.Client, clock: FakeClock
) -> None:
    [record_id] = insert_accounts(api, 1)
    fields = {"ids": record_id, "fields": "Modified_By,Modified_Time,Phone"}
    before = api.get("/crm/v8/Accounts", params=fields).json()["data"][0]
    clock.advance(60)
    edited = control.patch(f"/records/Accounts/{record_id}", json={"Phone": "+44 20 7946 0000"})
    assert edited.status_code == 200
    after = api.get("/crm/v8/Accounts", params=fields).json()["data"][0]
    assert before["Modified_By"]["name"] == "Patricia Boyle"
    assert after["Modified_By"]["name"] == "Sam Webb"
    assert after["Modified_By"]["id"] != before["Modified_By"]["id"]
    assert after["Modified_Time"] > before["Modified_Time"]
    assert after["Phone"] == "+44 20 7946 0000"


def test_ui_edits_are_validated_like_api_writes(api: httpx.Client, control: httpx.Client) -> None:
    [record_id] = insert_accounts(api, 1)
    refused = control.patch(f"/records/Accounts/{record_id}", json={"Account_Name": ""})
    assert refused.status_code == 400
    assert refused.json()["code"] == "MANDATORY_NOT_FOUND"


def test_one_record_by_id_reads_every_field_unless_fields_narrows_it(api: httpx.Client) -> None:
    created = api.post(
        "/crm/v8/Contacts", json={"data": [{"Last_Name": "Doe", "Email": "doe@example.com"}]}
    )
    record_id = created.json()["data"][0]["details"]["id"]
    [row] = api.get(f"/crm/v8/Contacts/{record_id}").json()["data"]
    assert (row["id"], row["Last_Name"], row["Email"]) == (record_id, "Doe", "doe@example.com")
    assert {"Owner", "Modified_Time", "Account_Name", "Mailing_City"} <= set(row)
    narrowed = api.get(f"/crm/v8/Contacts/{record_id}", params={"fields": "Email"})
    assert narrowed.json() == {"data": [{"id": record_id, "Email": "doe@example.com"}]}
    unknown_field = api.get(f"/crm/v8/Contacts/{record_id}", params={"fields": "Nope"})
    assert (unknown_field.status_code, unknown_field.json()["code"]) == (400, "INVALID_DATA")
    missing = api.get("/crm/v8/Contacts/1111111000000000001")
    assert (missing.status_code, missing.content) == (204, b"")
