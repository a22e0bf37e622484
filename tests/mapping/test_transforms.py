"""Each rule type, table-driven: what a NetSuite value becomes in Zoho, and what fails."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from ml_connector.mapping import (
    RULE_TYPES,
    AwaitingDependency,
    Dependency,
    FieldIssue,
    MappedRecord,
    MappingFailure,
    MappingFile,
    apply,
)
from ml_connector.mapping.transforms import TRANSFORMS
from ml_connector.sandbox.zoho.ids import IdMint
from ml_connector.sandbox.zoho.modules import standard_modules
from ml_connector.sandbox.zoho.values import check_value
from tests.mapping.helpers import map_one, resolver

Case = tuple[dict[str, Any], dict[str, Any], Any]


def _mapped(rule: dict[str, Any], row: dict[str, Any], **top: Any) -> Any:
    outcome = map_one(rule, row, **top)
    assert isinstance(outcome, MappedRecord), outcome
    return outcome.payload["F"]


def _failed(rule: dict[str, Any], row: dict[str, Any], **top: Any) -> FieldIssue:
    outcome = map_one(rule, row, **top)
    assert isinstance(outcome, MappingFailure), outcome
    [issue] = outcome.problems
    assert issue.field == "F"
    return issue


def test_every_rule_type_has_a_transform() -> None:
    assert set(TRANSFORMS) == set(RULE_TYPES)


COPY = {"type": "copy", "source": "companyname", "fallback": ["altname", "entityid"]}


@pytest.mark.parametrize(
    ("rule", "row", "expected"),
    [
        (COPY, {"companyname": "Acme Ltd"}, "Acme Ltd"),
        (COPY, {"companyname": "  Acme  "}, "Acme"),
        (COPY, {"companyname": "", "altname": "Alt"}, "Alt"),
        (COPY, {"companyname": "   ", "entityid": "CUST-9"}, "CUST-9"),
        (COPY, {}, None),
        ({"type": "copy", "source": "category"}, {"category": 3}, "3"),
        ({"type": "copy", "source": "isperson"}, {"isperson": True}, "true"),
        (
            {"type": "copy", "source": "lastmodified"},
            {"lastmodified": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
            "2026-01-02T03:04:05+00:00",
        ),
    ],
)
def test_copy(rule: dict[str, Any], row: dict[str, Any], expected: Any) -> None:
    assert _mapped(rule, row) == expected


@pytest.mark.parametrize(
    ("template", "row", "expected"),
    [
        ("{firstname} {lastname}", {"firstname": "Ada", "lastname": "Lovelace"}, "Ada Lovelace"),
        ("{firstname} {lastname}", {"lastname": "Lovelace"}, "Lovelace"),
        ("{firstname} {lastname}", {}, None),
        ("NS {entityid}", {"entityid": "C-1"}, "NS C-1"),
        ("{companyname}", {"companyname": "{not} a {placeholder}"}, "{not} a {placeholder}"),
        ("{{literal}} {entityid}", {"entityid": "7"}, "{literal} 7"),
    ],
)
def test_template(template: str, row: dict[str, Any], expected: Any) -> None:
    assert _mapped({"type": "template", "template": template}, row) == expected


@pytest.mark.parametrize("value", ["NetSuite", 3, 2.5, True, False, None])
def test_constant(value: Any) -> None:
    assert _mapped({"type": "constant", "value": value}, {}) == value


@pytest.mark.parametrize(
    ("rule", "row", "expected"),
    [
        ({}, {"phone": "(212) 555-0100"}, "+12125550100"),
        ({}, {"phone": "+44 20 7946 0958"}, "+442079460958"),
        ({}, {"phone": "212-555-0100 x42"}, "+12125550100 x42"),
        ({}, {"phone": "+44 20 7946 0958 ext. 7"}, "+442079460958 x7"),
        ({"region": "GB"}, {"phone": "020 7946 0958"}, "+442079460958"),
        ({}, {"phone": ""}, None),
        ({}, {}, None),
    ],
)
def test_phone(rule: dict[str, Any], row: dict[str, Any], expected: Any) -> None:
    assert _mapped({"type": "phone", "source": "phone", **rule}, row) == expected


def test_a_phone_number_zoho_could_not_hold_is_rejected_not_cut() -> None:
    raw = "212-555-0100 ext. 1234567890123456789"
    issue = _failed({"type": "phone", "source": "phone"}, {"phone": raw})
    assert issue.code == "INVALID_PHONE"
    assert issue.message == (
        f"{raw!r} is longer than Zoho's 30 characters as '+12125550100 x1234567890123456789'"
    )


@pytest.mark.parametrize(
    "raw", ["(212) 555-0100", "212-555-0100 x42", "+44 20 7946 0958 ext. 7", "212 555 0100 #99"]
)
def test_a_mapped_phone_number_is_one_zoho_accepts(raw: str) -> None:
    phone = standard_modules(IdMint(random.Random(1)))["Accounts"].fields["Phone"]
    value = _mapped({"type": "phone", "source": "phone"}, {"phone": raw})
    assert check_value(phone, value, "$.data[0].Phone", lambda *_: True) is None


def test_phone_region_defaults_to_the_file_setting() -> None:
    rule = {"type": "phone", "source": "phone"}
    assert _mapped(rule, {"phone": "030 901820"}, phone_region="DE") == "+4930901820"


@pytest.mark.parametrize("number", ["+1 555 0001", "12", "call me", "+999 1234567"])
def test_an_invalid_phone_is_rejected_not_guessed(number: str) -> None:
    issue = _failed({"type": "phone", "source": "phone"}, {"phone": number})
    assert issue.code == "INVALID_PHONE"
    assert repr(number) in issue.message


def test_an_invalid_phone_can_be_left_out_with_a_warning() -> None:
    outcome = map_one({"type": "phone", "source": "phone", "invalid": "omit"}, {"phone": "12"})
    assert isinstance(outcome, MappedRecord)
    assert "F" not in outcome.payload
    assert [(w.field, w.code) for w in outcome.warnings] == [("F", "INVALID_PHONE")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jane.Doe@Example.COM", "jane.doe@example.com"),
        ("  ops+ns@sub.example.co.uk ", "ops+ns@sub.example.co.uk"),
        ("", None),
    ],
)
def test_email(raw: str, expected: str | None) -> None:
    assert _mapped({"type": "email", "source": "email"}, {"email": raw}) == expected


@pytest.mark.parametrize(
    "raw",
    ["jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a..b@example.com"],
)
def test_an_invalid_email_is_rejected(raw: str) -> None:
    assert _failed({"type": "email", "source": "email"}, {"email": raw}).code == "INVALID_EMAIL"


ADDRESS_ROW = {
    "billaddr1": "1 Main St",
    "billaddr2": "Suite 5",
    "billcity": "Springfield",
    "billstate": "IL",
    "billzip": "62701",
    "billcountry": "US",
    "shipaddr1": "9 Dock Rd",
    "shipcountry": "kr",
}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"address": "billing", "part": "street"}, "1 Main St, Suite 5"),
        ({"address": "billing", "part": "street", "separator": "\n"}, "1 Main St\nSuite 5"),
        ({"address": "billing", "part": "city"}, "Springfield"),
        ({"address": "billing", "part": "state"}, "IL"),
        ({"address": "billing", "part": "zip"}, "62701"),
        ({"address": "billing", "part": "country"}, "United States"),
        (
            {"address": "billing", "part": "country", "country_format": "official_name"},
            "United States of America",
        ),
        ({"address": "billing", "part": "country", "country_format": "alpha_3"}, "USA"),
        (
            {"address": "billing", "part": "country", "country_format": "common_name"},
            "United States",
        ),
        (
            {"address": "shipping", "part": "country", "country_format": "common_name"},
            "South Korea",
        ),
        ({"address": "shipping", "part": "country"}, "Korea, Republic of"),
        ({"address": "shipping", "part": "street"}, "9 Dock Rd"),
        ({"address": "shipping", "part": "city"}, None),
    ],
)
def test_address(rule: dict[str, Any], expected: Any) -> None:
    assert _mapped({"type": "address", **rule}, ADDRESS_ROW) == expected


def test_an_unknown_country_code_is_rejected() -> None:
    rule = {"type": "address", "address": "billing", "part": "country"}
    assert _failed(rule, {"billcountry": "ZZ"}).code == "UNKNOWN_COUNTRY"


VALUES = {"Reseller": "Distributor", "1": "Customer"}


@pytest.mark.parametrize(
    ("extra", "raw", "expected"),
    [
        ({}, "Reseller", "Distributor"),
        ({}, "1", "Customer"),
        ({}, None, None),
        ({"unmapped": "default", "default": "Other"}, "Retail", "Other"),
        ({"unmapped": "pass"}, "Retail", "Retail"),
    ],
)
def test_value_map(extra: dict[str, Any], raw: str | None, expected: Any) -> None:
    rule = {"type": "value_map", "source": "category_name", "values": VALUES, **extra}
    assert _mapped(rule, {"category_name": raw}) == expected


def test_an_unmapped_value_is_rejected_by_default() -> None:
    rule = {"type": "value_map", "source": "category_name", "values": VALUES}
    issue = _failed(rule, {"category_name": "Retail"})
    assert (issue.code, issue.message) == (
        "UNMAPPED_VALUE",
        "category_name 'Retail' is not in the value map",
    )


def test_value_map_keys_written_as_numbers_match_text_ids() -> None:
    rule = {"type": "value_map", "source": "category", "values": {3: "Distributor"}}
    assert _mapped(rule, {"category": "3"}) == "Distributor"


PARENT = {"type": "lookup", "source": "parent", "target": "customer"}
TO_ACCOUNT = {
    "type": "lookup",
    "source": "company",
    "target": "customer",
    "source_type_column": "company_type",
}
COMPANY = {
    "type": "lookup",
    "source": "company",
    "target": "vendor",
    "source_type_column": "company_type",
}


@pytest.mark.parametrize(
    ("rule", "row", "expected"),
    [
        (PARENT, {"parent": "7"}, {"id": "z7"}),
        (PARENT, {}, None),
        (TO_ACCOUNT, {"company": "7", "company_type": "customer"}, {"id": "z7"}),
        (TO_ACCOUNT, {"company": "8", "company_type": "vendor"}, None),
        (COMPANY, {"company": "8", "company_type": "vendor"}, {"id": "v8"}),
        (COMPANY, {"company": "8"}, None),
    ],
)
def test_lookup(rule: dict[str, Any], row: dict[str, Any], expected: Any) -> None:
    links = {("customer", "7"): "z7", ("vendor", "8"): "v8"}
    source_type = "contact" if "company" in row else "customer"
    outcome = map_one(rule, row, links=links, source_type=source_type)
    assert isinstance(outcome, MappedRecord), outcome
    assert outcome.payload["F"] == expected


def test_an_unresolved_lookup_waits_instead_of_failing() -> None:
    outcome = map_one(PARENT, {"parent": "99"}, links={})
    assert isinstance(outcome, AwaitingDependency)
    assert outcome.needs == (Dependency("F", "customer", "99"),)


def test_a_failure_lists_every_bad_field_and_wins_over_waiting() -> None:
    fields = {"Parent_Account": PARENT, "Phone": {"type": "phone", "source": "phone"}}
    fields["Email"] = {"type": "email", "source": "email"}
    mapping = MappingFile.model_validate({"customer": {"module": "Accounts", "fields": fields}})
    row = {"id": "5", "phone": "12", "email": "nope", "parent": "99"}
    outcome = apply(mapping, "customer", row, resolver())
    assert isinstance(outcome, MappingFailure)
    assert [(e.record_id, e.field, e.code) for e in outcome.errors()] == [
        ("5", "Phone", "INVALID_PHONE"),
        ("5", "Email", "INVALID_EMAIL"),
    ]


@pytest.mark.parametrize(
    ("rule", "flag", "expected"),
    [
        ({}, "T", True),
        ({}, "F", False),
        ({}, True, True),
        ({}, False, False),
        ({}, None, False),
        ({"inactive": "Inactive", "active": "Active"}, "T", "Inactive"),
        ({"inactive": "Inactive", "active": "Active"}, "f", "Active"),
    ],
)
def test_inactive(rule: dict[str, Any], flag: Any, expected: Any) -> None:
    assert _mapped({"type": "inactive", **rule}, {"isinactive": flag}) == expected


def test_an_unreadable_inactive_flag_is_rejected() -> None:
    assert _failed({"type": "inactive"}, {"isinactive": "maybe"}).code == "INVALID_FLAG"


@pytest.mark.parametrize(
    ("data_type", "raw", "expected"),
    [
        ("text", " Gold ", "Gold"),
        ("picklist", "Gold", "Gold"),
        ("boolean", "T", True),
        ("boolean", "F", False),
        ("integer", "42", 42),
        ("integer", "-7", -7),
        ("double", "2.50", 2.5),
        ("currency", "1000", 1000.0),
        ("currency", 2.5e16, 2.5e16),
        ("double", "1.5E-3", 0.0015),
        ("date", "2026-03-15", "2026-03-15"),
        ("date", datetime(2026, 3, 15, 23, 0, tzinfo=UTC), "2026-03-15"),
        ("integer", None, None),
        ("email", " Ops@Example.COM ", "ops@example.com"),
        ("phone", "(212) 555-0100 x7", "+12125550100 x7"),
    ],
)
def test_custom(data_type: str, raw: Any, expected: Any) -> None:
    rule = {"type": "custom", "source": "custentity_tier", "data_type": data_type}
    assert _mapped(rule, {"custentity_tier": raw}) == expected


@pytest.mark.parametrize(
    ("data_type", "raw", "code"),
    [
        ("boolean", "yes", "INVALID_FLAG"),
        ("integer", "4.2", "INVALID_NUMBER"),
        ("double", "1e999", "INVALID_NUMBER"),
        ("double", "NaN", "INVALID_NUMBER"),
        ("date", "15/03/2026", "INVALID_DATE"),
        ("date", "2026-02-30", "INVALID_DATE"),
        ("email", "ops@", "INVALID_EMAIL"),
        ("phone", "555-01", "INVALID_PHONE"),
    ],
)
def test_custom_values_of_the_wrong_kind_are_rejected(data_type: str, raw: str, code: str) -> None:
    rule = {"type": "custom", "source": "custentity_tier", "data_type": data_type}
    assert _failed(rule, {"custentity_tier": raw}).code == code


def test_a_custom_phone_is_read_with_the_files_region() -> None:
    rule = {"type": "custom", "source": "custentity_line", "data_type": "phone"}
    number = _mapped(rule, {"custentity_line": "020 7946 0958"}, phone_region="GB")
    assert number == "+442079460958"


def test_a_required_field_that_comes_out_empty_fails_the_record() -> None:
    issue = _failed({"type": "copy", "source": "companyname", "required": True}, {})
    assert issue.code == "REQUIRED"


def test_the_key_field_holds_the_netsuite_id() -> None:
    outcome = map_one(COPY, {"id": " 42 ", "companyname": "Acme"})
    assert isinstance(outcome, MappedRecord)
    assert (outcome.key_field, outcome.payload["NetSuite_ID"]) == ("NetSuite_ID", "42")


def test_a_row_without_an_id_fails() -> None:
    outcome = map_one(COPY, {"id": None})
    assert isinstance(outcome, MappingFailure)
    assert outcome.problems[0].code == "MISSING_ID"


def test_the_payload_hash_changes_with_the_payload_only() -> None:
    first = map_one(COPY, {"companyname": "Acme", "phone": "x"})
    same = map_one(COPY, {"companyname": " Acme ", "fax": "y"})
    other = map_one(COPY, {"companyname": "Acme Ltd"})
    assert isinstance(first, MappedRecord)
    assert isinstance(same, MappedRecord)
    assert isinstance(other, MappedRecord)
    assert first.payload_hash() == same.payload_hash() != other.payload_hash()
    assert len(first.payload_hash()) == 64


@pytest.mark.parametrize(
    ("raw", "expected", "warned"),
    [("Acme", "Acme", False), ("Acme Holdings", "Acme", True), ("Acme Ltd", "Acme", True)],
)
def test_max_length_cuts_text_with_a_warning(raw: str, expected: str, warned: bool) -> None:
    outcome = map_one({**COPY, "max_length": 5}, {"companyname": raw})
    assert isinstance(outcome, MappedRecord)
    assert outcome.payload["F"] == expected
    assert [w.code for w in outcome.warnings] == (["TRUNCATED"] if warned else [])
