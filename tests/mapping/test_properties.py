"""Whatever NetSuite sends, apply() answers with an outcome; it never raises.

For arbitrary text in any column the default mapping reads, the result is a payload, a
record-level failure naming the mapped fields at fault, or a wait for a dependency.
"""

from __future__ import annotations

from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.mapping import (
    COLUMNS,
    AwaitingDependency,
    MappedRecord,
    MappingFailure,
    apply,
    default_mapping,
)
from tests.mapping.helpers import map_one, resolver

MAPPING = default_mapping()
TYPES = st.sampled_from(MAPPING.source_types())
texts = st.one_of(st.none(), st.text(), st.text(alphabet="0123456789 +-().xTF@a"))
# the row contract lets readers hand over numbers and aware datetimes as well as text
values = st.one_of(texts, st.integers(), st.floats(), st.datetimes(timezones=st.just(UTC)))
FLAGS = ("isinactive", "isperson")  # readers may already have made these bool


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    source_type = draw(TYPES)
    columns = sorted(COLUMNS[source_type])
    optional = {c: _values(c) for c in columns}
    row: dict[str, object] = draw(st.fixed_dictionaries({}, optional=optional))
    return source_type, row


def _values(column: str) -> st.SearchStrategy[object]:
    if column in FLAGS:
        return st.one_of(texts, st.booleans())
    return texts if column == "id" else values


def _links(ns_type: str, ns_id: str) -> str | None:
    return f"z{ns_id}" if len(ns_id) % 2 else None


@settings(max_examples=300, database=None, deadline=None)  # no timing on a shared machine
@given(rows())
def test_apply_answers_every_row_with_an_outcome(case: tuple[str, dict[str, object]]) -> None:
    source_type, row = case
    outcome = apply(MAPPING, source_type, row, _links)
    entity = MAPPING.entity(source_type)
    if isinstance(outcome, MappingFailure):
        assert outcome.problems
        assert {p.field for p in outcome.problems} <= {entity.key, *entity.fields}
    elif isinstance(outcome, AwaitingDependency):
        assert {n.field for n in outcome.needs} <= set(entity.fields)
    else:
        assert isinstance(outcome, MappedRecord)
        assert outcome.payload[entity.key] == str(row["id"]).strip()
        assert set(outcome.payload) | {w.field for w in outcome.warnings} == {
            entity.key,
            *entity.fields,
        }


RULES = [
    {"type": "copy", "source": "companyname", "required": True},
    {"type": "template", "template": "{companyname} {entityid}"},
    {"type": "phone", "source": "companyname"},
    {"type": "email", "source": "companyname"},
    {"type": "address", "address": "billing", "part": "country"},
    {"type": "value_map", "source": "companyname", "values": {"a": "b"}},
    {"type": "inactive", "source": "companyname"},
    {"type": "custom", "source": "custentity_x", "data_type": "integer"},
    {"type": "custom", "source": "custentity_x", "data_type": "double"},
    {"type": "custom", "source": "custentity_x", "data_type": "date"},
    {"type": "custom", "source": "custentity_x", "data_type": "boolean"},
    {"type": "custom", "source": "custentity_x", "data_type": "email"},
    {"type": "custom", "source": "custentity_x", "data_type": "phone"},
]


@settings(max_examples=300, database=None, deadline=None)
@given(st.sampled_from(RULES), st.text())
def test_every_transform_maps_or_names_the_field(rule: dict[str, object], text: str) -> None:
    row = {"companyname": text, "billcountry": text, "custentity_x": text}
    outcome = map_one(rule, row, links={})
    if isinstance(outcome, MappingFailure):
        assert [p.field for p in outcome.problems] == ["F"]
    else:
        assert isinstance(outcome, MappedRecord)
        assert outcome.payload["F"] is None or outcome.payload["F"] != ""


def test_the_resolver_helper_answers_unknown_links_with_none() -> None:
    assert resolver({("customer", "1"): "z1"})("customer", "2") is None
