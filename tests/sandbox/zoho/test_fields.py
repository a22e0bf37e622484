"""Fields metadata, custom fields (the connector's unique key), picklists and org info."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

Json = dict[str, Any]


def fields_of(api: httpx.Client, module: str) -> dict[str, Json]:
    response = api.get("/crm/v8/settings/fields", params={"module": module})
    assert response.status_code == 200
    return {f["api_name"]: f for f in response.json()["fields"]}


def create(api: httpx.Client, module: str, *fields: Json) -> httpx.Response:
    return api.post("/crm/v8/settings/fields", params={"module": module}, json={"fields": fields})


@pytest.mark.parametrize(
    ("module", "mandatory", "expected"),
    [
        (
            "Accounts",
            "Account_Name",
            {"Parent_Account": "lookup", "Website": "website", "Billing_Code": "text"},
        ),
        (
            "Vendors",
            "Vendor_Name",
            {"Email": "email", "Zip_Code": "text", "GL_Account": "picklist"},
        ),
        (
            "Contacts",
            "Last_Name",
            {"Account_Name": "lookup", "Vendor_Name": "lookup", "Mobile": "phone"},
        ),
    ],
)
def test_metadata_describes_the_standard_fields(
    api: httpx.Client, module: str, mandatory: str, expected: dict[str, str]
) -> None:
    fields = fields_of(api, module)
    assert [n for n, f in fields.items() if f["system_mandatory"]] == [mandatory]
    assert {name: fields[name]["data_type"] for name in expected} == expected
    assert fields["Owner"]["data_type"] == "ownerlookup"
    assert fields["Modified_Time"]["read_only"] is True
    assert all(f["custom_field"] is False for f in fields.values())


def test_contact_lookups_name_their_target_modules(api: httpx.Client) -> None:
    fields = fields_of(api, "Contacts")
    assert fields["Account_Name"]["lookup"]["module"]["api_name"] == "Accounts"
    assert fields["Vendor_Name"]["lookup"]["module"]["api_name"] == "Vendors"
    assert fields["Last_Name"]["length"] == 80
    assert "Email" not in fields_of(api, "Accounts")


def test_creating_a_unique_text_field(api: httpx.Client) -> None:
    spec = {"field_label": "NetSuite ID", "data_type": "text", "length": 40, "unique": {}}
    response = create(api, "Accounts", spec)
    assert response.status_code == 201
    [result] = response.json()["fields"]
    assert (result["code"], result["message"], result["status"]) == (
        "SUCCESS",
        "field created",
        "success",
    )
    field = fields_of(api, "Accounts")["NetSuite_ID"]
    assert field["id"] == result["details"]["id"]
    assert (field["custom_field"], field["length"], field["data_type"]) == (True, 40, "text")
    assert field["unique"] != {}
    by_id = api.get(f"/crm/v8/settings/fields/{field['id']}", params={"module": "Accounts"})
    assert by_id.json()["fields"][0]["api_name"] == "NetSuite_ID"


def test_an_org_external_id_field_is_unique(api: httpx.Client) -> None:
    spec = {
        "field_label": "NS Key",
        "data_type": "text",
        "external": {"type": "org", "show": False},
    }
    assert create(api, "Vendors", spec).status_code == 201
    field = fields_of(api, "Vendors")["NS_Key"]
    assert field["external"] == {"type": "org", "show": False}
    assert field["unique"] != {}


@pytest.mark.parametrize(
    ("spec", "code", "api_name"),
    [
        ({"data_type": "text"}, "MANDATORY_NOT_FOUND", "field_label"),
        ({"field_label": "X"}, "MANDATORY_NOT_FOUND", "data_type"),
        ({"field_label": "X", "data_type": "hologram"}, "INVALID_DATA", "data_type"),
        ({"field_label": "X", "data_type": ["text"]}, "INVALID_DATA", "data_type"),
        ({"field_label": "X", "data_type": "text", "length": True}, "INVALID_DATA", "length"),
        ({"field_label": "X", "data_type": "text", "length": 256}, "INVALID_DATA", "length"),
        ({"field_label": "Phone", "data_type": "text"}, "DUPLICATE_DATA", "field_label"),
        (
            {"field_label": "X", "data_type": "email", "external": {"type": "org"}},
            "INVALID_DATA",
            "external",
        ),
        ({"field_label": "X", "data_type": "boolean", "unique": {}}, "INVALID_DATA", "unique"),
        ({"field_label": "X", "data_type": "picklist"}, "MANDATORY_NOT_FOUND", "pick_list_values"),
    ],
)
def test_custom_field_rejections(api: httpx.Client, spec: Json, code: str, api_name: str) -> None:
    response = create(api, "Accounts", spec)
    assert response.status_code == 400
    [error] = response.json()["fields"]
    assert (error["code"], error["status"]) == (code, "error")
    assert error["details"]["api_name"] == api_name
    assert error["details"]["json_path"] == f"$.fields[0].{api_name}"


def test_at_most_two_unique_fields_per_module(api: httpx.Client) -> None:
    specs = [{"field_label": f"Key {i}", "data_type": "text", "unique": {}} for i in range(3)]
    response = create(api, "Contacts", *specs)
    assert response.status_code == 207
    assert [r["code"] for r in response.json()["fields"]] == [
        "SUCCESS",
        "SUCCESS",
        "LIMIT_EXCEEDED",
    ]


def test_at_most_five_fields_per_call(api: httpx.Client) -> None:
    specs = [{"field_label": f"F{i}", "data_type": "text"} for i in range(6)]
    response = create(api, "Accounts", *specs)
    assert response.status_code == 400
    assert response.json()["code"] == "LIMIT_EXCEEDED"


def test_custom_picklists_refuse_unknown_values_until_they_are_added(api: httpx.Client) -> None:
    values = [{"display_value": "Gold", "actual_value": "Gold"}]
    spec = {"field_label": "Tier", "data_type": "picklist", "pick_list_values": values}
    field_id = create(api, "Accounts", spec).json()["fields"][0]["details"]["id"]
    record = {"data": [{"Account_Name": "A", "Tier": "Silver"}]}
    refused = api.post("/crm/v8/Accounts", json=record).json()["data"][0]
    assert refused["code"] == "INVALID_DATA"
    assert refused["details"]["supported_values"] == ["Gold"]
    added = {
        "fields": [{"pick_list_values": [{"display_value": "Silver", "actual_value": "Silver"}]}]
    }
    patched = api.patch(
        f"/crm/v8/settings/fields/{field_id}", params={"module": "Accounts"}, json=added
    )
    assert patched.json()["fields"][0]["message"] == "field updated"
    tier = fields_of(api, "Accounts")["Tier"]
    assert [v["display_value"] for v in tier["pick_list_values"]] == ["Gold", "Silver"]
    assert api.post("/crm/v8/Accounts", json=record).status_code == 201


@pytest.mark.parametrize(
    ("params", "code"),
    [({}, "REQUIRED_PARAM_MISSING"), ({"module": "Leads"}, "INVALID_MODULE")],
)
def test_fields_api_needs_a_known_module(api: httpx.Client, params: Json, code: str) -> None:
    response = api.get("/crm/v8/settings/fields", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_org_info_reports_the_edition(api: httpx.Client, control: httpx.Client) -> None:
    [org] = api.get("/crm/v8/org").json()["org"]
    assert org["license_details"]["paid_type"] == "enterprise"
    control.put("/settings", json={"edition": "professional"})
    [org] = api.get("/crm/v8/org").json()["org"]
    assert org["license_details"]["paid_type"] == "professional"
    assert org["type"] == "production"


@pytest.mark.parametrize(
    ("values", "code", "api_name"),
    [
        ([], "MANDATORY_NOT_FOUND", "pick_list_values"),
        ([{"actual_value": "Partner"}], "MANDATORY_NOT_FOUND", "display_value"),
        ([{"display_value": "  "}], "MANDATORY_NOT_FOUND", "display_value"),
        ([{"display_value": "P" * 121}], "INVALID_DATA", "display_value"),
        ([{"display_value": "customer"}], "DUPLICATE_DATA", "display_value"),
        ([{"display_value": "New"}, {"display_value": "NEW"}], "DUPLICATE_DATA", "display_value"),
        ([{"id": "1", "display_value": "Renamed"}], "INVALID_DATA", "id"),
        (["Partner"], "INVALID_DATA", "pick_list_values"),
    ],
)
def test_picklist_value_updates_zoho_refuses(
    api: httpx.Client, values: list[Any], code: str, api_name: str
) -> None:
    account_type = fields_of(api, "Accounts")["Account_Type"]
    answer = api.patch(
        f"/crm/v8/settings/fields/{account_type['id']}",
        params={"module": "Accounts"},
        json={"fields": [{"pick_list_values": values}]},
    )
    assert answer.status_code == 400
    (result,) = answer.json()["fields"]
    assert (result["code"], result["details"]["api_name"]) == (code, api_name)
    after = fields_of(api, "Accounts")["Account_Type"]["pick_list_values"]
    assert after == account_type["pick_list_values"], "nothing was added"
