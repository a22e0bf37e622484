"""Preparing an org, for the answers the simulator does not give: missing modules, refusals."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ml_connector.errors import AuthError
from ml_connector.mapping import default_mapping
from ml_connector.zoho import ZohoCRM, key_field_spec, prepare_org

pytestmark = pytest.mark.anyio

Json = dict[str, Any]


def error(code: str, **details: Any) -> Json:
    return {"code": code, "details": details, "message": code.lower(), "status": "error"}


def field(api_name: str, data_type: str = "text", **extra: Any) -> Json:
    return {"api_name": api_name, "data_type": data_type, "id": f"id-{api_name}", **extra}


class Org:
    """A scripted org: each module's fields, modules that answer an error, field refusals."""

    def __init__(self) -> None:
        self.fields: dict[str, list[Json]] = {
            "Accounts": [field("Account_Name", system_mandatory=True)],
            "Vendors": [field("Vendor_Name", system_mandatory=True), field("Category")],
            "Contacts": [field("Last_Name", system_mandatory=True)],
        }
        self.module_errors: dict[str, tuple[int, Json]] = {}
        self.refusals: dict[str, Json] = {}
        self.renames: dict[str, str] = {}
        self.created: list[tuple[str, Json]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, module = request.url.path, request.url.params.get("module", "")
        if path == "/crm/v8/org":
            return httpx.Response(200, json={"org": [{"id": "1", "company_name": "Zylker"}]})
        module = module or path.split("/")[3]
        if module in self.module_errors:
            status, body = self.module_errors[module]
            return httpx.Response(status, json=body)
        if path.endswith("/settings/fields") and request.method == "POST":
            return self._create(module, json.loads(request.content)["fields"][0])
        if path.endswith("/settings/fields"):
            return httpx.Response(200, json={"fields": self.fields[module]})
        return httpx.Response(204)

    def _create(self, module: str, spec: Json) -> httpx.Response:
        label = spec["field_label"]
        if label in self.refusals:
            return httpx.Response(400, json={"fields": [self.refusals[label]]})
        self.created.append((module, spec))
        name = self.renames.get(label, label.replace(" ", "_"))
        unique = {"casesensitive": "false"} if "unique" in spec else {}
        self.fields[module].append(field(name, spec["data_type"], unique=unique))
        success = {"code": "SUCCESS", "details": {"id": f"id-{name}"}, "status": "success"}
        return httpx.Response(201, json={"fields": [success | {"message": "field created"}]})


def crm(org: Org) -> ZohoCRM:
    transport = httpx.MockTransport(org)
    return ZohoCRM(httpx.AsyncClient(base_url="https://zoho.test", transport=transport))


async def test_a_module_the_edition_lacks_is_named_and_the_others_are_prepared() -> None:
    org = Org()
    org.module_errors["Vendors"] = (400, error("INVALID_MODULE", resource_path_index=0))
    report = await prepare_org(crm(org), default_mapping())
    (problem,) = report.access
    assert problem.what == "Vendors"
    assert "INVALID_MODULE" in problem.message
    assert "Vendors is not in every edition" in problem.message
    assert {m for m, _ in org.created} == {"Accounts", "Contacts"}
    assert not report.ready


async def test_a_user_without_permission_is_told_to_fix_the_profile() -> None:
    org = Org()
    org.module_errors["Contacts"] = (403, error("NO_PERMISSION"))
    report = await prepare_org(crm(org), default_mapping())
    assert "profile" in report.access[0].message


async def test_a_rejected_token_is_not_a_scope_problem_and_raises() -> None:
    org = Org()
    org.module_errors["Accounts"] = (401, error("INVALID_TOKEN"))
    with pytest.raises(AuthError):
        await prepare_org(crm(org), default_mapping())


def test_the_key_field_asks_for_a_unique_org_wide_external_text_field() -> None:
    spec = key_field_spec("NetSuite_ID")
    assert spec["field_label"] == "NetSuite ID"
    assert spec["data_type"] == "text"
    assert spec["unique"]
    assert spec["external"] == {"type": "org", "show": False}


async def test_a_refused_field_says_why_and_what_to_do() -> None:
    org = Org()
    org.refusals["NetSuite ID"] = error("LIMIT_EXCEEDED", api_name="unique", limit=2)
    report = await prepare_org(crm(org), default_mapping())
    failed = [s for s in report.steps if s.outcome == "failed"]
    assert {s.api_name for s in failed} == {"NetSuite_ID"}
    assert all("two unique fields" in s.detail for s in failed)
    assert any(f.path[-1] == "key" for f in report.findings)


async def test_a_field_zoho_named_differently_is_reported_with_the_name_to_use() -> None:
    org = Org()
    org.renames["NetSuite Inactive"] = "NetSuite_Inactive1"
    report = await prepare_org(crm(org), default_mapping())
    step = next(s for s in report.steps if s.api_name == "NetSuite_Inactive")
    assert "named NetSuite_Inactive1 by Zoho" in step.detail
    assert not report.ready


async def test_existing_fields_are_left_alone() -> None:
    org = Org()
    for module in org.fields:
        org.fields[module] += [
            field("NetSuite_ID", unique={"casesensitive": "false"}),
            field("NetSuite_Inactive", "boolean"),
        ]
    org.fields["Contacts"].append(field("NetSuite_Category"))
    report = await prepare_org(crm(org), default_mapping())
    assert org.created == []
    assert {s.outcome for s in report.steps} == {"already there"}
