"""Checking a mapping against an org's field metadata: each kind of mismatch is named."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ml_connector.mapping import MappingFile, default_mapping
from ml_connector.mapping.compatibility import Finding, check_against_fields
from ml_connector.sandbox.zoho.fields import field_metadata
from ml_connector.sandbox.zoho.ids import IdMint
from ml_connector.sandbox.zoho.modules import standard_modules
from tests.mapping.zoho_fields import Meta, accounts, field, key

NAME = {"type": "copy", "source": "companyname", "required": True}


def _check(fields: dict[str, Any], metadata: list[Meta]) -> list[tuple[str, str, str]]:
    section = {"module": "Accounts", "fields": {"Account_Name": NAME, **fields}}
    mapping = MappingFile.model_validate({"customer": section})
    found = check_against_fields(mapping, {"Accounts": metadata})
    return [(f.severity, ".".join(f.path), f.message) for f in found]


def test_a_matching_mapping_has_no_findings() -> None:
    fields = {"Phone": {"type": "phone", "source": "phone"}}
    assert _check(fields, accounts(field("Phone", "phone"))) == []


@pytest.mark.parametrize(
    ("rule", "meta", "message"),
    [
        (
            NAME,
            field("Descripton"),
            "Accounts has no field X (fields a copy rule can fill: Descripton)",
        ),
        (NAME, field("X", "lookup", lookup="Accounts"), "a copy rule cannot fill a lookup field"),
        (
            {"type": "phone", "source": "phone"},
            field("X", "email"),
            "a phone rule cannot fill a email field",
        ),
        (NAME, field("X", read_only=True), "X is read-only in Zoho"),
        (
            {"type": "constant", "value": True},
            field("X", "text"),
            "a text field cannot take True",
        ),
        (
            {"type": "inactive", "inactive": "Dormant", "active": "Live"},
            field("X", "boolean"),
            "a boolean field cannot take 'Dormant'",
        ),
        (
            {"type": "value_map", "source": "category", "values": {"1": 5}, "unmapped": "pass"},
            field("X", "integer"),
            "a integer field cannot take NetSuite's text",
        ),
        (
            {"type": "custom", "source": "custentity_tier", "data_type": "boolean"},
            field("X", "text"),
            "the rule writes boolean, but the Zoho field is text",
        ),
        (
            {"type": "value_map", "source": "category_name", "values": {"a": "Gold", "b": "Tin"}},
            field("X", "picklist", picklist=["Gold", "Silver"]),
            "picklist has no value Tin (values: Gold, Silver)",
        ),
        (
            {"type": "lookup", "source": "parent", "target": "customer"},
            field("X", "lookup", lookup="Vendors"),
            "looks up Vendors in Zoho, but customer records are Accounts",
        ),
    ],
)
def test_field_mismatches_are_errors(rule: dict[str, Any], meta: Meta, message: str) -> None:
    assert _check({"X": rule}, accounts(meta)) == [("error", "customer.fields.X", message)]


@pytest.mark.parametrize(
    ("rule", "meta"),
    [
        ({"type": "constant", "value": 3}, field("X", "double")),
        ({"type": "constant", "value": None}, field("X", "boolean")),
        ({"type": "inactive"}, field("X", "boolean")),
        ({"type": "custom", "source": "custentity_a", "data_type": "text"}, field("X", "textarea")),
        (
            {"type": "custom", "source": "custentity_a", "data_type": "double"},
            field("X", "currency"),
        ),
        (
            {"type": "custom", "source": "custentity_a", "data_type": "integer"},
            field("X", "bigint"),
        ),
        (
            {"type": "lookup", "source": "parent", "target": "customer"},
            field("X", "lookup", lookup="Accounts"),
        ),
        (
            {"type": "value_map", "source": "category", "values": {"1": "Gold"}},
            field("X", "picklist", picklist=["Gold"]),
        ),
        ({"type": "address", "address": "billing", "part": "city"}, field("X", "textarea")),
    ],
)
def test_compatible_fields_pass(rule: dict[str, Any], meta: Meta) -> None:
    assert _check({"X": rule}, accounts(meta)) == []


def test_an_unknown_field_suggests_close_names() -> None:
    [(_, _, message)] = _check({"Phon": NAME}, accounts(field("Phone", "phone")))
    assert message == "Accounts has no field Phon (did you mean Phone?)"


def test_an_unknown_field_lists_the_fields_the_rule_could_fill() -> None:
    metadata = accounts(
        field("Ticker_Symbol"),
        field("Description", "textarea"),
        field("Phone", "phone"),
        field("Employees", "integer"),
        field("Locked__s", read_only=True),
    )
    [(_, _, message)] = _check({"Summary": {"type": "copy", "source": "url"}}, metadata)
    assert message == (
        "Accounts has no field Summary (fields a copy rule can fill: Description, Phone, "
        "Ticker_Symbol)"
    )


def test_an_unknown_field_no_field_could_take_says_so() -> None:
    rule = {"type": "lookup", "source": "parent", "target": "customer"}
    [(_, _, message)] = _check({"Parent": rule}, accounts(field("Ticker_Symbol")))
    assert message == (
        "Accounts has no field Parent "
        "(no unmapped field of Accounts takes what a lookup rule writes)"
    )


def test_a_missing_custom_field_says_to_create_it() -> None:
    [(_, _, message)] = _check({"NetSuite_Inactive": {"type": "inactive"}}, accounts())
    assert (
        message == "Accounts has no field NetSuite_Inactive "
        "(create it as a custom field in Zoho, or did you mean NetSuite_ID?)"
    )


def test_text_copied_into_a_picklist_is_a_warning() -> None:
    found = _check({"X": NAME}, accounts(field("X", "picklist", picklist=["A"])))
    assert found == [
        (
            "warning",
            "customer.fields.X",
            "values come from NetSuite and are not checked against the picklist",
        )
    ]


def test_a_mandatory_field_that_may_come_out_empty_is_a_warning() -> None:
    fields = {"Account_Name": {"type": "copy", "source": "companyname", "required": False}}
    assert _check(fields, accounts()) == [
        (
            "warning",
            "customer.fields.Account_Name",
            "Zoho requires this field; say required: true to catch empty values",
        )
    ]


def test_mandatory_fields_must_be_filled() -> None:
    found = _check({}, [*accounts(), field("Region", mandatory=True)])
    assert found == [("error", "customer.fields", "Zoho requires Region, which nothing fills")]


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        (
            [field("Account_Name", mandatory=True)],
            "key field NetSuite_ID does not exist in Accounts; `ml-connector setup` creates it",
        ),
        (
            [field("Account_Name", mandatory=True), field("NetSuite_ID")],
            "key field NetSuite_ID must be unique in Zoho",
        ),
    ],
)
def test_the_key_field_must_exist_and_be_unique(metadata: list[Meta], message: str) -> None:
    assert _check({}, metadata) == [("error", "customer.key", message)]


def test_a_module_without_metadata_is_an_error() -> None:
    mapping = default_mapping()
    found = check_against_fields(mapping, {})
    assert [f.path for f in found] == [
        ("customer", "module"),
        ("vendor", "module"),
        ("contact", "module"),
    ]


def _simulated_org() -> dict[str, list[Meta]]:
    modules = standard_modules(IdMint(random.Random(1)))
    ids = {m.api_name: m.id for m in modules.values()}
    return {
        name: [field_metadata(f, ids) for f in m.fields.values()] for name, m in modules.items()
    }


def test_the_default_mapping_fits_a_new_org_once_setup_adds_its_fields() -> None:
    org = _simulated_org()
    before = check_against_fields(default_mapping(), org)
    assert {(f.path[0], f.path[-1]) for f in before} == {
        (t, name)
        for t in ("customer", "vendor", "contact")
        for name in ("key", "NetSuite_Inactive")
    } | {("contact", "NetSuite_Category")}
    for fields in org.values():
        fields += [key(), field("NetSuite_Inactive", "boolean", custom=True)]
    org["Contacts"].append(field("NetSuite_Category", custom=True))
    assert check_against_fields(default_mapping(), org) == []


def test_findings_are_values() -> None:
    assert Finding("error", ("a",), "m") == Finding("error", ("a",), "m")
