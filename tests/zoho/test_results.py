"""Every documented answer shape becomes one result per record sent, in the order sent."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.zoho.results import NO_RESULT, read_results
from tests.zoho import bodies

CASES: list[tuple[str, int, Any, int, list[tuple[bool, str, str | None]]]] = [
    (
        "200 all written",
        200,
        {"data": [bodies.success("1", "update"), bodies.success("2", "insert", None)]},
        2,
        [(True, "SUCCESS", None), (True, "SUCCESS", None)],
    ),
    (
        "201 insert-only batch",
        201,
        {"data": [bodies.success("1", "insert")]},
        1,
        [(True, "SUCCESS", None)],
    ),
    (
        "207 mixed",
        207,
        {
            "data": [
                bodies.success("1", "insert"),
                bodies.INVALID_DATA,
                bodies.DUPLICATE_DATA,
                bodies.MANDATORY_NOT_FOUND,
            ]
        },
        4,
        [
            (True, "SUCCESS", None),
            (False, "INVALID_DATA", "Company"),
            (False, "DUPLICATE_DATA", "Unique_1"),
            (False, "MANDATORY_NOT_FOUND", "Last_Name"),
        ],
    ),
    (
        "400 every record failed",
        400,
        {"data": [bodies.MANDATORY_NOT_FOUND, bodies.MULTIPLE_ERRORS]},
        2,
        [(False, "MANDATORY_NOT_FOUND", "Last_Name"), (False, "MULTIPLE_OR_MULTI_ERRORS", "Email")],
    ),
    (
        "200 hiding an error element",
        200,
        {"data": [bodies.INVALID_DATA]},
        1,
        [(False, "INVALID_DATA", "Company")],
    ),
    (
        "400 top-level error fails the whole call",
        400,
        bodies.INVALID_DUPLICATE_CHECK,
        3,
        [(False, "INVALID_DATA", "NetSuite_ID")] * 3,
    ),
    (
        "fewer results than records",
        200,
        {"data": [bodies.success("1", "insert")]},
        2,
        [(True, "SUCCESS", None), (False, NO_RESULT, None)],
    ),
    ("not an object", 200, ["surprise"], 1, [(False, NO_RESULT, None)]),
    ("empty top-level error", 502, {}, 1, [(False, "HTTP_502", None)]),
]


@pytest.mark.parametrize(
    ("status", "body", "count", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_result_per_record_in_order(
    status: int, body: Any, count: int, expected: list[tuple[bool, str, str | None]]
) -> None:
    results = read_results(status, body, count)
    assert [(r.ok, r.code, r.field) for r in results] == expected
    assert all(r.status == status for r in results)


def test_a_written_record_carries_its_id_action_and_matching_field() -> None:
    body = {"data": [bodies.success("41", "update"), bodies.success("42", "insert", None)]}
    updated, inserted = read_results(200, body, 2)
    assert (updated.record_id, updated.action, updated.duplicate_field) == (
        "41",
        "update",
        "NetSuite_ID",
    )
    assert (inserted.record_id, inserted.action, inserted.duplicate_field) == ("42", "insert", None)


def test_a_failure_keeps_zoho_s_message_and_details_for_the_journal() -> None:
    (failed,) = read_results(400, {"data": [bodies.DUPLICATE_DATA]}, 1)
    assert failed.message == "duplicate data"
    assert failed.details["duplicate_record"]["id"] == "2008662000006256222"
    assert failed.record_id is None


def test_plain_insert_answers_say_the_action_only_in_their_message() -> None:
    element = bodies.success("7", "insert")
    del element["action"]
    (result,) = read_results(201, {"data": [element]}, 1)
    assert result.action == "insert"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
elements = st.one_of(
    json_values,
    st.sampled_from([bodies.success("1", "insert"), bodies.INVALID_DATA, bodies.MULTIPLE_ERRORS]),
)
answers = st.one_of(json_values, st.fixed_dictionaries({"data": st.lists(elements, max_size=120)}))


@given(
    status=st.sampled_from([200, 201, 207, 400, 403, 500]),
    body=answers,
    count=st.integers(0, 100),
)
def test_whatever_zoho_answers_every_record_gets_exactly_one_result(
    status: int, body: Any, count: int
) -> None:
    results = read_results(status, body, count)
    assert len(results) == count
    assert all(r.ok or r.code for r in results)
