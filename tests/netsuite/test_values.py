"""SuiteQL answers every value as text: booleans and the TO_CHAR'd datetimes become values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.netsuite.values import DATETIME_FORMAT, parse_row

PACIFIC = timezone(timedelta(hours=-8))


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_a_datetime_is_read_in_the_account_s_zone_as_strptime_reads_it(moment: datetime) -> None:
    text = moment.strftime(DATETIME_FORMAT)
    row = parse_row({"lastModified": text}, booleans=(), datetimes=("lastmodified",), zone=PACIFIC)
    expected = datetime.strptime(text, DATETIME_FORMAT).replace(tzinfo=PACIFIC).astimezone(UTC)
    assert row["lastmodified"] == expected


def test_text_in_another_shape_is_left_as_it_came() -> None:
    odd = ["2026-01-02T03:04:05", "2026-13-02 03:04:05", "2026-01-02 03:04:05+01:00", "soon"]
    rows = [parse_row({"created": v}, booleans=(), datetimes=("created",)) for v in odd]
    assert [row["created"] for row in rows] == odd


def test_flags_become_booleans_and_links_are_dropped() -> None:
    row = parse_row(
        {"IsInactive": "T", "isperson": "F", "other": "T", "links": []},
        booleans=("isinactive", "isperson"), datetimes=(),
    )  # fmt: skip
    assert row == {"isinactive": True, "isperson": False, "other": "T"}
