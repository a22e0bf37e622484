"""Reading mapping files: the default loads, and every problem is reported at once, located."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_connector.errors import ConfigError, ConfigFileError
from ml_connector.mapping import (
    MappedRecord,
    MappingFileError,
    apply,
    default_mapping,
    default_mapping_text,
    load_mapping,
    parse_mapping,
)
from ml_connector.mapping.rules import ValueMapRule
from tests.mapping.helpers import resolver

GOOD = """\
customer:
  module: Accounts
  fields:
    Account_Name: {type: copy, source: companyname, required: true}
    Phone: {type: phone, source: phone}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(MappingFileError) as caught:
        parse_mapping(text, "m.yaml")
    return [str(p) for p in caught.value.located]


def test_the_default_mapping_maps_all_three_types() -> None:
    mapping = default_mapping()
    assert mapping.source_types() == ("customer", "vendor", "contact")
    modules = [mapping.entity(t).module for t in mapping.source_types()]
    assert modules == ["Accounts", "Vendors", "Contacts"]
    assert {mapping.entity(t).key for t in mapping.source_types()} == {"NetSuite_ID"}


CONTACT_ROW = {
    "id": "9", "firstname": "Ada", "lastname": "Byron", "email": "Ada@Example.com",
    "altemail": "ADA@home.example", "phone": "617 555 0100", "mobilephone": "(857) 555-0101",
    "officephone": "+1 617 555 0102", "homephone": "781-555-0103", "fax": "617.555.0104",
    "category_name": "Technical", "company": "5", "company_type": "vendor",
    "billaddr1": "1 Beacon St", "billaddr2": "Floor 2", "billcity": "Boston",
    "billstate": "MA", "billzip": "02108", "billcountry": "US", "shipaddr1": "9 Dock Rd",
    "shipcity": "London", "shipstate": "Greater London", "shipzip": "EC1A 1BB",
    "shipcountry": "GB",
}  # fmt: skip


def test_the_default_mapping_gives_contacts_their_addresses_phones_and_category() -> None:
    outcome = apply(default_mapping(), "contact", CONTACT_ROW, resolver({("vendor", "5"): "v5"}))
    assert isinstance(outcome, MappedRecord), outcome
    assert outcome.payload == {
        "NetSuite_ID": "9", "First_Name": "Ada", "Last_Name": "Byron",
        "Email": "ada@example.com", "Secondary_Email": "ada@home.example",
        "Phone": "+16175550100", "Mobile": "+18575550101", "Other_Phone": "+16175550102",
        "Home_Phone": "+17815550103", "Fax": "+16175550104", "Title": None,
        "NetSuite_Category": "Technical", "Account_Name": None, "Vendor_Name": {"id": "v5"},
        "Mailing_Street": "1 Beacon St, Floor 2", "Mailing_City": "Boston",
        "Mailing_State": "MA", "Mailing_Zip": "02108", "Mailing_Country": "United States",
        "Other_Street": "9 Dock Rd", "Other_City": "London", "Other_State": "Greater London",
        "Other_Zip": "EC1A 1BB", "Other_Country": "United Kingdom", "NetSuite_Inactive": False,
    }  # fmt: skip


def test_a_good_file_loads_with_defaults_filled_in() -> None:
    loaded = parse_mapping(GOOD, "m.yaml")
    entity = loaded.mapping.entity("customer")
    assert entity.key == "NetSuite_ID"
    assert loaded.mapping.phone_region == "US"
    assert entity.owned_fields() == {"NetSuite_ID", "Account_Name", "Phone"}


def test_the_custom_columns_to_read_are_listed_per_type() -> None:
    text = GOOD + (
        "    Tier: {type: custom, source: custentity_tier}\n"
        "    Note: {type: copy, source: custentity_note, fallback: [custentity_alt]}\n"
        "vendor: {module: Vendors, fields: {}}\n"
    )
    assert parse_mapping(text, "m.yaml").mapping.custom_columns() == {
        "customer": ("custentity_alt", "custentity_note", "custentity_tier"),
        "vendor": (),
    }


def test_an_unmapped_type_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match=r"no 'vendor' section \(mapped: customer\)"):
        parse_mapping(GOOD, "m.yaml").mapping.entity("vendor")


def test_several_problems_are_reported_at_once_with_line_and_path() -> None:
    text = """\
customer:
  module: Accounts
  fields:
    Account_Name: {type: copy, source: companyname, colour: red}
    Phone: {type: phone, source: phone, region: XX}
    Fax: {type: phone}
vendor:
  module: Vendor
  fields: {}
"""
    assert _problems(text) == [
        "m.yaml:4: customer.fields.Account_Name.colour: unknown key "
        "(valid keys: fallback, max_length, owner, required, source, type)",
        "m.yaml:5: customer.fields.Phone.region: unknown phone region 'XX' "
        "(use an ISO 3166 code such as US, GB)",
        "m.yaml:6: customer.fields.Fax.source: missing required key",
        "m.yaml:8: vendor.module: 'Vendor' is not valid "
        "(valid: 'Accounts', 'Vendors' or 'Contacts')",
    ]


def test_an_unknown_rule_type_lists_the_valid_ones() -> None:
    text = GOOD.replace("type: phone", "type: fone")
    assert _problems(text) == [
        "m.yaml:5: customer.fields.Phone.type: unknown rule type 'fone' (valid types: "
        "'copy', 'template', 'constant', 'phone', 'email', 'address', 'value_map', 'lookup', "
        "'inactive', 'custom')"
    ]


def test_a_rule_without_a_type_lists_the_valid_ones() -> None:
    [problem] = _problems(GOOD.replace("type: phone, ", ""))
    assert problem.startswith("m.yaml:5: customer.fields.Phone.type: a rule needs a type (one of")
    assert "value_map" in problem


def test_an_unknown_zoho_module_lists_the_valid_ones() -> None:
    [problem] = _problems(GOOD.replace("Accounts", "Leads"))
    assert problem == (
        "m.yaml:2: customer.module: 'Leads' is not valid "
        "(valid: 'Accounts', 'Vendors' or 'Contacts')"
    )


def test_an_unknown_top_level_key_lists_the_valid_ones() -> None:
    [problem] = _problems(GOOD + "customers: {}\n")
    assert problem == (
        "m.yaml:6: customers: unknown key "
        "(valid keys: contact, customer, format, phone_region, vendor)"
    )


def test_an_unknown_column_lists_the_columns_rows_have() -> None:
    [problem] = _problems(GOOD.replace("source: phone", "source: fone"))
    assert problem.startswith("m.yaml:5: customer.fields.Phone.source: customer rows have no")
    assert "'fone' (valid: altname, altphone, billaddr1," in problem
    assert problem.endswith("url, custentity_*)")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            "{type: template, template: '{firstname} {surname}'}",
            "customer.fields.X.template: customer rows have no column 'surname'",
        ),
        (
            "{type: template, template: '{firstname!r}'}",
            "customer.fields.X.template: placeholders take no format spec or conversion",
        ),
        (
            "{type: template, template: '{First}'}",
            "customer.fields.X.template: placeholder {First} must be a lower-case column name",
        ),
        (
            "{type: copy, source: companyname, fallback: [altname, nickname]}",
            "customer.fields.X.fallback.1: customer rows have no column 'nickname'",
        ),
        (
            "{type: value_map, source: category, values: {a: b}, unmapped: default}",
            "customer.fields.X: unmapped: default needs a default value",
        ),
        (
            "{type: custom, source: phone}",
            "customer.fields.X.source: String should match pattern",
        ),
        (
            "{type: constant, value: [1, 2]}",
            "customer.fields.X.value: must be text, a number, true, false or null",
        ),
        (
            "{type: lookup, source: company, target: customer}",
            "customer.fields.X.source: customer rows have no column 'company'",
        ),
    ],
)
def test_rule_problems_name_the_rule(rule: str, expected: str) -> None:
    text = f"customer:\n  module: Accounts\n  fields:\n    X: {rule}\n"
    [problem] = _problems(text)
    assert problem.startswith(f"m.yaml:4: {expected}")


def test_mapping_the_key_field_is_refused() -> None:
    [problem] = _problems(GOOD.replace("Phone:", "NetSuite_ID:"))
    assert problem == (
        "m.yaml:1: customer: NetSuite_ID is the key field; it always holds the NetSuite id"
    )


def test_duplicate_keys_are_reported_not_silently_overwritten() -> None:
    [problem] = _problems(GOOD + "    Phone: {type: copy, source: phone}\n")
    assert problem == "m.yaml:6: customer.fields.Phone: duplicate key"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "(top level): Input should be a valid dictionary"),
        ("format: 1\n", "(top level): map at least one of customer, vendor, contact"),
        ("format: 2\ncustomer: {module: Accounts, fields: {}}\n", "format: 2 is not valid"),
    ],
)
def test_whole_file_problems(text: str, expected: str) -> None:
    [problem] = _problems(text)
    assert expected in problem


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(ConfigFileError, match=r"m.yaml: line 3: not valid YAML"):
        parse_mapping("customer:\n  module: Accounts\n\tfields: {}\n", "m.yaml")


def test_a_missing_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="cannot read"):
        load_mapping(tmp_path / "absent.yaml")


def test_the_error_message_lists_every_problem_for_one_line_reports() -> None:
    with pytest.raises(MappingFileError) as caught:
        parse_mapping(GOOD.replace("phone}", "phone, x: 1}").replace("Accounts", "A"), "m.yaml")
    assert caught.value.message.startswith("m.yaml: 2 problems: line 2: customer.module:")
    assert "line 5: customer.fields.Phone.x: unknown key" in caught.value.message


def test_the_version_is_a_content_hash() -> None:
    base = parse_mapping(GOOD, "a").mapping.version
    reordered = "customer:\n  fields:\n" + "\n".join(GOOD.splitlines()[3:]) + "\n"
    reordered += "  module: Accounts\n# a comment\n"
    assert parse_mapping(reordered, "b").mapping.version == base
    changed = parse_mapping(GOOD.replace("companyname", "altname"), "c").mapping.version
    assert changed != base
    assert len(base) == 16


def test_a_changed_copy_gets_its_own_version() -> None:
    mapping = parse_mapping(GOOD, "a").mapping
    copied = mapping.model_copy(update={"phone_region": "GB"})
    assert copied.version != mapping.version
    assert copied.version == parse_mapping("phone_region: GB\n" + GOOD, "b").mapping.version


def test_the_default_file_points_editors_at_the_shipped_schema() -> None:
    first = default_mapping_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=mapping.schema.json"


@pytest.mark.parametrize(
    ("key", "netsuite_value"),
    [("NO", "NO"), ("off", "off"), ("1.50", "1.50"), ("007", "007"), ("3", "3"), ("'T'", "T")],
)
def test_value_map_keys_are_read_as_written(key: str, netsuite_value: str) -> None:
    text = (
        "customer:\n  module: Accounts\n  fields:\n"
        f"    Region: {{type: value_map, source: billcountry, values: {{{key}: Found}}}}\n"
    )
    mapping = parse_mapping(text, "m.yaml").mapping
    outcome = apply(mapping, "customer", {"id": "1", "billcountry": netsuite_value}, resolver())
    assert isinstance(outcome, MappedRecord), outcome
    assert outcome.payload["Region"] == "Found"


def test_a_loaded_mapping_cannot_be_changed_behind_its_version() -> None:
    text = GOOD + "    Type: {type: value_map, source: category, values: {'1': Customer}}\n"
    mapping = parse_mapping(text, "m.yaml").mapping
    version, entity = mapping.version, mapping.entity("customer")
    rule = entity.fields["Type"]
    assert isinstance(rule, ValueMapRule)
    with pytest.raises(TypeError, match="cannot be changed"):
        entity.fields["Fax"] = entity.fields["Phone"]
    with pytest.raises(TypeError, match="cannot be changed"):
        rule.values.update({"2": "Partner"})
    with pytest.raises(TypeError, match="cannot be changed"):
        del entity.fields["Phone"]
    assert set(entity.fields) == {"Account_Name", "Phone", "Type"}
    assert dict(rule.values) == {"1": "Customer"}
    assert mapping.version == version
    assert mapping.model_copy(deep=True).version == version
