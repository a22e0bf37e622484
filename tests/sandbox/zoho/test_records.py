"""Insert, update and upsert: per-record results, duplicate checks and Zoho's rejections."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ml_connector.sandbox.zoho.timestamps import format_time
from tests.sandbox.zoho.conftest import FakeClock

Json = dict[str, Any]


def netsuite_id_field(api: httpx.Client, module: str) -> None:
    """Create the connector's unique key field, as ``setup`` will."""
    body = {"fields": [{"field_label": "NetSuite ID", "data_type": "text", "length": 40}]}
    body["fields"][0]["unique"] = {"casesensitive": False}
    response = api.post("/crm/v8/settings/fields", params={"module": module}, json=body)
    assert response.status_code == 201, response.text


def results(response: httpx.Response) -> list[Json]:
    data: list[Json] = response.json()["data"]
    return data


def test_insert_answers_201_with_the_documented_success_element(api: httpx.Client) -> None:
    response = api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "Acme"}]})
    assert response.status_code == 201
    [result] = results(response)
    assert result["code"] == "SUCCESS"
    assert (result["message"], result["status"]) == ("record added", "success")
    details = result["details"]
    assert set(details) == {
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    }
    assert len(details["id"]) == 19
    assert details["id"].isdigit()
    assert set(details["Created_By"]) == {"name", "id"}


def test_a_batch_with_some_failures_answers_207_in_input_order(api: httpx.Client) -> None:
    data = [{"Last_Name": "Doe"}, {"First_Name": "No last name"}, {"Last_Name": "Roe"}]
    response = api.post("/crm/v8/Contacts", json={"data": data})
    assert response.status_code == 207
    assert [r["status"] for r in results(response)] == ["success", "error", "success"]


def test_a_batch_where_every_record_fails_answers_400(api: httpx.Client) -> None:
    response = api.post("/crm/v8/Vendors", json={"data": [{"Email": "a@b.co"}, {}]})
    assert response.status_code == 400
    assert [r["code"] for r in results(response)] == ["MANDATORY_NOT_FOUND"] * 2


@pytest.mark.parametrize(
    ("module", "record", "expected"),
    [
        (
            "Accounts",
            {"Phone": "555"},
            {
                "code": "MANDATORY_NOT_FOUND",
                "details": {"api_name": "Account_Name", "json_path": "$.data[0].Account_Name"},
                "message": "required field not found",
                "status": "error",
            },
        ),
        (
            "Vendors",
            {"Vendor_Name": ""},
            {
                "code": "MANDATORY_NOT_FOUND",
                "details": {"api_name": "Vendor_Name", "json_path": "$.data[0].Vendor_Name"},
                "message": "required field not found",
                "status": "error",
            },
        ),
        (
            "Contacts",
            {"Last_Name": "x" * 81},
            {
                "code": "INVALID_DATA",
                "details": {
                    "maximum_length": 80,
                    "api_name": "Last_Name",
                    "json_path": "$.data[0].Last_Name",
                },
                "message": "invalid data",
                "status": "error",
            },
        ),
        (
            "Contacts",
            {"Last_Name": "Doe", "Email": "not-an-email"},
            {
                "code": "INVALID_DATA",
                "details": {
                    "expected_data_type": "email",
                    "api_name": "Email",
                    "json_path": "$.data[0].Email",
                },
                "message": "invalid data",
                "status": "error",
            },
        ),
        (
            "Accounts",
            {"Account_Name": "A", "Employees": "twelve"},
            {
                "code": "INVALID_DATA",
                "details": {
                    "expected_data_type": "integer",
                    "api_name": "Employees",
                    "json_path": "$.data[0].Employees",
                },
                "message": "invalid data",
                "status": "error",
            },
        ),
        (
            "Accounts",
            {"Account_Name": "A", "Colour": "red"},
            {
                "code": "INVALID_DATA",
                "details": {"api_name": "Colour", "json_path": "$.data[0].Colour"},
                "message": "the field api name given seems to be invalid",
                "status": "error",
            },
        ),
        (
            "Contacts",
            {"Last_Name": "Doe", "Account_Name": {"id": "1234567000000000001"}},
            {
                "code": "INVALID_DATA",
                "details": {
                    "id": "1234567000000000001",
                    "api_name": "Account_Name",
                    "json_path": "$.data[0].Account_Name",
                },
                "message": "the related id given seems to be invalid",
                "status": "error",
            },
        ),
        (
            "Contacts",
            {"Last_Name": "Doe", "Account_Name": "Acme"},
            {
                "code": "INVALID_DATA",
                "details": {
                    "expected_data_type": "lookup",
                    "api_name": "Account_Name",
                    "json_path": "$.data[0].Account_Name",
                },
                "message": "invalid data",
                "status": "error",
            },
        ),
    ],
    ids=[
        "mandatory-missing",
        "mandatory-empty",
        "too-long",
        "bad-email",
        "wrong-type",
        "unknown-field",
        "lookup-to-nothing",
        "lookup-not-object",
    ],
)
@pytest.mark.parametrize("operation", ["insert", "upsert"])
def test_per_record_rejections_are_verbatim(
    api: httpx.Client, module: str, record: Json, expected: Json, operation: str
) -> None:
    path = f"/crm/v8/{module}" + ("/upsert" if operation == "upsert" else "")
    response = api.post(path, json={"data": [record]})
    assert response.status_code == 400
    assert results(response) == [expected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"data": [{"Account_Name": str(i)} for i in range(101)]},
            {
                "code": "LIMIT_EXCEEDED",
                "details": {"api_name": "data", "json_path": "$.data", "limit": 100},
                "message": "limit exceeded",
                "status": "error",
            },
        ),
        (
            {"data": []},
            {
                "code": "MANDATORY_NOT_FOUND",
                "details": {"api_name": "data", "json_path": "$.data"},
                "message": "required field not found",
                "status": "error",
            },
        ),
        (
            {"data": [{"Account_Name": "A"}], "trigger": ["teleport"]},
            {
                "code": "INVALID_DATA",
                "details": {"api_name": "trigger", "json_path": "$.trigger"},
                "message": "invalid data",
                "status": "error",
            },
        ),
        (
            {"data": [{"Account_Name": "A"}], "trigger": [{"name": "workflow"}]},
            {
                "code": "INVALID_DATA",
                "details": {"api_name": "trigger", "json_path": "$.trigger"},
                "message": "invalid data",
                "status": "error",
            },
        ),
    ],
    ids=["over-100", "no-data", "bad-trigger", "trigger-not-a-name"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/crm/v8/Accounts"),
        ("PUT", "/crm/v8/Accounts"),
        ("POST", "/crm/v8/Accounts/upsert"),
    ],
)
def test_whole_request_rejections(
    api: httpx.Client, body: Json, expected: Json, method: str, path: str
) -> None:
    response = api.request(method, path, json=body)
    assert response.status_code == 400
    assert response.json() == expected


def test_malformed_json_is_refused(api: httpx.Client) -> None:
    response = api.post("/crm/v8/Accounts", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_DATA"


def test_update_by_id_and_its_rejections(api: httpx.Client) -> None:
    created = results(api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "A"}]}))
    record_id = created[0]["details"]["id"]
    data = [
        {"id": record_id, "Phone": "+1 555 0100"},
        {"Phone": "1"},
        {"id": "1111111000000000001", "Phone": "1"},
        {"id": record_id, "Account_Name": None},
    ]
    response = api.put("/crm/v8/Accounts", json={"data": data})
    assert response.status_code == 207
    first, no_id, unknown, emptied = results(response)
    assert (first["code"], first["message"]) == ("SUCCESS", "record updated")
    assert no_id["code"] == "MANDATORY_NOT_FOUND"
    assert no_id["details"] == {"api_name": "id", "json_path": "$.data[1].id"}
    assert unknown == {
        "code": "INVALID_DATA",
        "details": {"id": "1111111000000000001"},
        "message": "the id given seems to be invalid",
        "status": "error",
    }
    assert emptied["code"] == "MANDATORY_NOT_FOUND"
    one = api.put(f"/crm/v8/Accounts/{record_id}", json={"data": [{"Fax": "12"}]})
    assert results(one)[0]["details"]["id"] == record_id
    read = api.get("/crm/v8/Accounts", params={"ids": record_id, "fields": "Phone,Fax"})
    assert read.json()["data"] == [{"id": record_id, "Phone": "+1 555 0100", "Fax": "12"}]


def test_upsert_without_duplicate_check_fields_matches_on_the_system_field(
    api: httpx.Client,
) -> None:
    first = results(api.post("/crm/v8/Accounts/upsert", json={"data": [{"Account_Name": "Acme"}]}))
    assert (first[0]["action"], first[0]["duplicate_field"]) == ("insert", None)
    again = api.post("/crm/v8/Accounts/upsert", json={"data": [{"Account_Name": "ACME "}]})
    assert again.status_code == 200
    [result] = results(again)
    assert (result["action"], result["duplicate_field"]) == ("update", "Account_Name")
    assert result["message"] == "record updated"
    assert result["details"]["id"] == first[0]["details"]["id"]


def test_contacts_upsert_matches_on_email_by_default(api: httpx.Client) -> None:
    body = {"data": [{"Last_Name": "Doe", "Email": "jd@example.com"}]}
    first = results(api.post("/crm/v8/Contacts/upsert", json=body))
    again = results(api.post("/crm/v8/Contacts/upsert", json=body))
    assert again[0]["duplicate_field"] == "Email"
    assert again[0]["details"]["id"] == first[0]["details"]["id"]


def test_upsert_on_a_unique_custom_field_keeps_same_named_companies_apart(
    api: httpx.Client,
) -> None:
    netsuite_id_field(api, "Accounts")
    data = [
        {"Account_Name": "Acme", "NetSuite_ID": "101"},
        {"Account_Name": "Acme", "NetSuite_ID": "202"},
        {"Account_Name": "Acme Corp", "NetSuite_ID": "101"},
    ]
    body = {"data": data, "duplicate_check_fields": ["NetSuite_ID"]}
    response = api.post("/crm/v8/Accounts/upsert", json=body)
    assert response.status_code == 200
    first, second, third = results(response)
    assert [r["action"] for r in (first, second, third)] == ["insert", "insert", "update"]
    assert third["duplicate_field"] == "NetSuite_ID"
    assert third["details"]["id"] == first["details"]["id"]
    assert second["details"]["id"] != first["details"]["id"]


def test_default_upsert_checks_the_system_field_before_unique_fields(api: httpx.Client) -> None:
    netsuite_id_field(api, "Accounts")
    api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "Acme", "NetSuite_ID": "1"}]})
    body = {"data": [{"Account_Name": "Acme", "NetSuite_ID": "2"}]}
    [result] = results(api.post("/crm/v8/Accounts/upsert", json=body))
    assert (result["action"], result["duplicate_field"]) == ("update", "Account_Name")


def test_default_upsert_matches_the_name_even_when_the_key_names_another_record(
    api: httpx.Client,
) -> None:
    """The merge pitfall: without duplicate_check_fields the name wins over the unique key."""
    netsuite_id_field(api, "Accounts")
    data = [{"Account_Name": "Acme"}, {"Account_Name": "Beta", "NetSuite_ID": "2"}]
    acme, beta = [
        r["details"]["id"] for r in results(api.post("/crm/v8/Accounts", json={"data": data}))
    ]
    record = {"Account_Name": "Acme", "NetSuite_ID": "2"}
    [by_name] = results(api.post("/crm/v8/Accounts/upsert", json={"data": [record]}))
    assert by_name["code"] == "DUPLICATE_DATA"  # Acme matched, then may not take Beta's key
    assert by_name["details"]["duplicate_record"]["id"] == beta
    body = {"data": [record], "duplicate_check_fields": ["NetSuite_ID"]}
    [by_key] = results(api.post("/crm/v8/Accounts/upsert", json=body))
    assert (by_key["action"], by_key["duplicate_field"]) == ("update", "NetSuite_ID")
    assert by_key["details"]["id"] == beta != acme


def test_insert_of_an_existing_unique_value_is_duplicate_data(api: httpx.Client) -> None:
    netsuite_id_field(api, "Vendors")
    first = results(
        api.post("/crm/v8/Vendors", json={"data": [{"Vendor_Name": "V", "NetSuite_ID": "7"}]})
    )
    existing = first[0]["details"]["id"]
    response = api.post(
        "/crm/v8/Vendors", json={"data": [{"Vendor_Name": "W", "NetSuite_ID": "7"}]}
    )
    assert response.status_code == 400
    [error] = results(response)
    assert error["code"] == "DUPLICATE_DATA"
    assert error["message"] == "duplicate data"
    details = error["details"]
    assert (details["api_name"], details["json_path"]) == ("NetSuite_ID", "$.data[0].NetSuite_ID")
    assert details["id"] == details["duplicate_record"]["id"] == existing
    assert details["duplicate_record"]["module"]["api_name"] == "Vendors"


def test_an_update_may_not_take_another_records_unique_value(api: httpx.Client) -> None:
    netsuite_id_field(api, "Accounts")
    data = [{"Account_Name": "A", "NetSuite_ID": "1"}, {"Account_Name": "B", "NetSuite_ID": "2"}]
    ids = [r["details"]["id"] for r in results(api.post("/crm/v8/Accounts", json={"data": data}))]
    clash = api.put("/crm/v8/Accounts", json={"data": [{"id": ids[1], "NetSuite_ID": "1"}]})
    assert results(clash)[0]["code"] == "DUPLICATE_DATA"
    same = api.put("/crm/v8/Accounts", json={"data": [{"id": ids[0], "NetSuite_ID": "1"}]})
    assert results(same)[0]["code"] == "SUCCESS"


@pytest.mark.parametrize(
    ("checks", "path"),
    [
        (["Phone"], "$.duplicate_check_fields[0]"),
        (["Account_Name", "Nope"], None),
        (["Account_Name", {"api_name": "Account_Name"}], None),
    ],
)
def test_duplicate_check_fields_must_be_unique_or_system_fields(
    api: httpx.Client, checks: list[str], path: str | None
) -> None:
    body = {"data": [{"Account_Name": "A"}], "duplicate_check_fields": checks}
    response = api.post("/crm/v8/Accounts/upsert", json=body)
    assert response.status_code == 400
    error = response.json()
    assert (error["code"], error["message"]) == ("INVALID_DATA", "invalid data")
    assert error["details"]["api_name"] == checks[-1]
    assert error["details"]["json_path"] == (path or f"$.duplicate_check_fields[{len(checks) - 1}]")


def test_contact_lookups_read_back_with_name_and_id(api: httpx.Client) -> None:
    account = results(api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "Acme"}]}))
    account_id = account[0]["details"]["id"]
    contact = {"Last_Name": "Doe", "First_Name": "Jane", "Account_Name": {"id": account_id}}
    created = results(api.post("/crm/v8/Contacts", json={"data": [contact]}))
    contact_id = created[0]["details"]["id"]
    params = {"ids": contact_id, "fields": "Account_Name,Full_Name,Modified_By"}
    [row] = api.get("/crm/v8/Contacts", params=params).json()["data"]
    assert row["Account_Name"] == {"name": "Acme", "id": account_id}
    assert row["Full_Name"] == "Jane Doe"
    assert row["Modified_By"]["name"] == "Patricia Boyle"


def test_empty_strings_empty_text_like_fields_but_not_numbers(api: httpx.Client) -> None:
    record = {"Last_Name": "Doe", "Email": "", "Mobile": "", "Title": ""}
    [created] = results(api.post("/crm/v8/Contacts", json={"data": [record]}))
    params = {"ids": created["details"]["id"], "fields": "Email,Mobile,Title"}
    [row] = api.get("/crm/v8/Contacts", params=params).json()["data"]
    assert (row["Email"], row["Mobile"], row["Title"]) == (None, None, None)
    refused = api.post("/crm/v8/Contacts", json={"data": [{"Last_Name": "D", "Date_of_Birth": ""}]})
    assert results(refused)[0]["details"]["expected_data_type"] == "date"


def test_if_modified_since_lists_only_records_changed_since(
    api: httpx.Client, clock: FakeClock
) -> None:
    api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "Old"}]})
    clock.advance(60)
    since = format_time(clock.now)
    unchanged = api.get(
        "/crm/v8/Accounts", params={"fields": "Account_Name"}, headers={"If-Modified-Since": since}
    )
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["content-type"] == "application/json"
    clock.advance(60)
    api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "New"}]})
    changed = api.get(
        "/crm/v8/Accounts", params={"fields": "Account_Name"}, headers={"If-Modified-Since": since}
    )
    assert [r["Account_Name"] for r in changed.json()["data"]] == ["New"]
    unreadable = api.get(
        "/crm/v8/Accounts", params={"fields": "Account_Name"}, headers={"If-Modified-Since": "x"}
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["details"]["param_name"] == "If-Modified-Since"
