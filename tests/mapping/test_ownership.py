"""Edits made in Zoho: NetSuite-owned fields are put back, shared ones only reported."""

from __future__ import annotations

from typing import Any

import pytest

from ml_connector.mapping import MappingFile
from ml_connector.mapping.ownership import ZohoEdit, reassertion, zoho_edits

FIELDS = {
    "Account_Name": {"type": "copy", "source": "companyname"},
    "Website": {"type": "copy", "source": "url", "owner": "shared"},
    "Parent_Account": {"type": "lookup", "source": "parent", "target": "customer"},
    "NetSuite_Inactive": {"type": "inactive"},
}
ENTITY = MappingFile.model_validate({"customer": {"module": "Accounts", "fields": FIELDS}}).entity(
    "customer"
)
WRITTEN = {
    "NetSuite_ID": "42",
    "Account_Name": "Acme",
    "Website": "https://acme.example",
    "Parent_Account": {"id": "z7"},
    "NetSuite_Inactive": False,
}


@pytest.mark.parametrize(
    ("found", "edits"),
    [
        ({**WRITTEN, "Parent_Account": {"name": "Acme Group", "id": "z7"}}, []),
        ({**WRITTEN, "Account_Name": "Acme "}, []),
        ({"Account_Name": "Acme"}, []),
        ({**WRITTEN, "Account_Name": "ACME Corp"}, [("Account_Name", True)]),
        ({**WRITTEN, "Website": "https://acme.test"}, [("Website", False)]),
        ({**WRITTEN, "Parent_Account": None}, [("Parent_Account", True)]),
        ({**WRITTEN, "NetSuite_Inactive": True}, [("NetSuite_Inactive", True)]),
        ({**WRITTEN, "NetSuite_ID": "43"}, [("NetSuite_ID", True)]),
    ],
)
def test_edits_are_found_and_owned_by_the_mapping(
    found: dict[str, Any], edits: list[tuple[str, bool]]
) -> None:
    assert [(e.field, e.owned) for e in zoho_edits(ENTITY, WRITTEN, found)] == edits


def test_only_netsuite_owned_fields_are_reasserted() -> None:
    found = {**WRITTEN, "Account_Name": "ACME Corp", "Website": "https://acme.test"}
    edits = zoho_edits(ENTITY, WRITTEN, found)
    assert edits == [
        ZohoEdit("Account_Name", "Acme", "ACME Corp", owned=True),
        ZohoEdit("Website", "https://acme.example", "https://acme.test", owned=False),
    ]
    assert reassertion(edits) == {"Account_Name": "Acme"}


@pytest.mark.parametrize(
    ("written", "found"),
    [(None, ""), ("", None), (1000.0, 1000), (2, 2.0), (" x", "x")],
)
def test_values_zoho_writes_differently_are_not_edits(written: Any, found: Any) -> None:
    assert zoho_edits(ENTITY, {"Account_Name": written}, {"Account_Name": found}) == []
