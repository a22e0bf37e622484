"""The columns the mapping may name are exactly the columns the NetSuite readers select."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from ml_connector.mapping import COLUMNS, SOURCE_TYPES, default_mapping
from ml_connector.netsuite import RECORD_TYPES, record_query


def _selected(source_type: str, custom: tuple[str, ...] = ()) -> set[str]:
    tree = sqlglot.parse_one(record_query(source_type, custom).select)
    assert isinstance(tree, exp.Select)
    return {column.alias_or_name.lower() for column in tree.expressions}


@pytest.mark.parametrize("source_type", SOURCE_TYPES)
def test_the_row_contract_is_what_the_reader_selects(source_type: str) -> None:
    assert _selected(source_type) == COLUMNS[source_type]


def test_the_reader_selects_the_custom_columns_a_mapping_reads() -> None:
    custom = ("custentity_tier",)
    assert _selected("customer", custom) == {*COLUMNS["customer"], *custom}
    assert default_mapping().custom_columns() == dict.fromkeys(SOURCE_TYPES, ())


def test_both_sides_know_the_same_record_types() -> None:
    assert tuple(RECORD_TYPES) == SOURCE_TYPES
