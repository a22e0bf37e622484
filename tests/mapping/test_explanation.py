"""``explain``: each Zoho field beside the columns it read and what became of them."""

from __future__ import annotations

from typing import Any

import pytest

from ml_connector.mapping import FieldLine, MappedRecord, MappingFailure, MappingFile, explain
from tests.mapping.helpers import resolver

FIELDS: dict[str, Any] = {
    "Account_Name": {"type": "copy", "source": "companyname", "fallback": ["entityid"]},
    "Label": {
        "type": "template",
        "template": "{entityid} {companyname} {entityid}",
        "max_length": 20,
    },
    "Phone": {"type": "phone", "source": "phone", "invalid": "omit"},
    "Email": {"type": "email", "source": "email"},
    "Billing_Street": {"type": "address", "address": "billing", "part": "street"},
    "Parent_Account": {"type": "lookup", "source": "parent", "target": "customer"},
    "Source": {"type": "constant", "value": "NetSuite", "owner": "shared"},
}
MAPPING = MappingFile.model_validate({"customer": {"module": "Accounts", "fields": FIELDS}})


def _lines(row: dict[str, Any], links: dict[tuple[str, str], str] | None = None) -> Any:
    return explain(MAPPING, "customer", {"id": "9", **row}, resolver(links))


def test_every_field_is_shown_with_what_it_read() -> None:
    row = {"companyname": "Acme", "entityid": "C9", "billaddr1": "1 Main", "parent": "7"}
    outcome, lines = _lines(row, {("customer", "7"): "z7"})
    assert isinstance(outcome, MappedRecord)
    assert lines == [
        FieldLine(
            "Account_Name",
            "copy",
            "netsuite",
            {"companyname": "Acme", "entityid": "C9"},
            "set",
            "Acme",
        ),
        FieldLine(
            "Label",
            "template",
            "netsuite",
            {"entityid": "C9", "companyname": "Acme"},
            "set",
            "C9 Acme C9",
        ),
        FieldLine("Phone", "phone", "netsuite", {"phone": None}, "empty"),
        FieldLine("Email", "email", "netsuite", {"email": None}, "empty"),
        FieldLine(
            "Billing_Street",
            "address",
            "netsuite",
            {"billaddr1": "1 Main", "billaddr2": None, "billaddr3": None},
            "set",
            "1 Main",
        ),
        FieldLine("Parent_Account", "lookup", "netsuite", {"parent": "7"}, "set", {"id": "z7"}),
        FieldLine("Source", "constant", "shared", {}, "set", "NetSuite"),
    ]


@pytest.mark.parametrize(
    ("row", "field", "status", "note"),
    [
        (
            {"phone": "12"},
            "Phone",
            "omitted",
            "'12' is not a valid phone number (default region US)",
        ),
        ({"email": "x@"}, "Email", "failed", "'x@' is not an email address"),
        ({"parent": "7"}, "Parent_Account", "waiting", "customer 7 is not in Zoho yet"),
        ({"entityid": "C" * 30}, "Label", "set", "cut from 61 to 20 characters"),
    ],
)
def test_what_went_wrong_is_said_on_the_field(
    row: dict[str, Any], field: str, status: str, note: str
) -> None:
    _, lines = _lines(row)
    [line] = [line for line in lines if line.field == field]
    assert (line.status, line.note) == (status, note)


def test_the_outcome_is_the_one_apply_gives() -> None:
    outcome, _ = _lines({"email": "x@"})
    assert isinstance(outcome, MappingFailure)
    assert [p.field for p in outcome.problems] == ["Email"]
