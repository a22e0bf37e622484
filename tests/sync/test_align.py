"""What the mapping says each side should have: table-driven over ``category_gaps``."""

from __future__ import annotations

from typing import Any

import pytest

from ml_connector.errors import ConfigError
from ml_connector.mapping.rules import CopyRule, ValueMapRule
from ml_connector.sync.align import category_gaps, parse_direction

PICKLIST = ["-None-", "Customer", "Distributor"]


def _value_map(**extra: Any) -> ValueMapRule:
    values = {"Reseller": "Distributor", "Analyst": "Analyst"}
    return ValueMapRule(type="value_map", source="category_name", values=values, **extra)


@pytest.mark.parametrize(
    ("rule", "categories", "expected"),
    [
        # each mapped value must be offered by Zoho; each mapped category must exist in NetSuite
        (_value_map(), ["Reseller"], (["Analyst"], ["Analyst"])),
        # a category the rule rejects has no value anywhere: nothing to add for it
        (_value_map(), ["Reseller", "Analyst", "Retail"], (["Analyst"], [])),
        # the default is a value too; reaching it creates no category (it has no reverse)
        (_value_map(unmapped="default", default="Partner"), ["Reseller", "Analyst", "Retail"],
         (["Analyst", "Partner"], [])),
        (_value_map(unmapped="pass"), ["Reseller", "Analyst", "Retail"],
         (["Analyst", "Retail"], [])),
        # a copy is the identity both ways; Zoho's -None- placeholder is never a category
        (CopyRule(type="copy", source="category_name"), ["Customer", "Retail"],
         (["Retail"], ["Distributor"])),
    ],
)  # fmt: skip
def test_category_gaps(
    rule: ValueMapRule | CopyRule, categories: list[str], expected: tuple[list[str], list[str]]
) -> None:
    assert category_gaps(rule, categories, PICKLIST) == expected


def test_a_direction_is_one_of_three() -> None:
    assert parse_direction("to-zoho") == "to-zoho"
    with pytest.raises(ConfigError, match="unknown direction 'up'"):
        parse_direction("up")
