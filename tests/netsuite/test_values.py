"""SuiteQL answers every value as text: booleans and the TO_CHAR'd datetimes become values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigError
from ml_connector.netsuite.values import DATETIME_FORMAT, account_zone, parse_row, to_account_time

PACIFIC = timezone(timedelta(hours=-8))
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


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


@pytest.mark.parametrize(
    ("moment", "zone", "text"),
    [
        ("2026-07-01T12:00:00+00:00", LOS_ANGELES, "2026-07-01 05:00:00"),
        ("2026-01-15T12:00:00+00:00", LOS_ANGELES, "2026-01-15 04:00:00"),
        ("2026-07-01T12:00:00+00:00", UTC, "2026-07-01 12:00:00"),
        # clocks go back at 09:00Z: 01:00-02:00 local happens twice; both passes start earlier
        ("2026-11-01T08:30:00+00:00", LOS_ANGELES, "2026-11-01 00:30:00"),
        ("2026-11-01T09:30:00+00:00", LOS_ANGELES, "2026-11-01 00:30:00"),
        ("2026-11-01T10:30:00+00:00", LOS_ANGELES, "2026-11-01 02:30:00"),
        # clocks go forward: nothing is repeated, nothing moves
        ("2026-03-08T10:30:00+00:00", LOS_ANGELES, "2026-03-08 03:30:00"),
    ],
)
def test_a_lower_bound_is_the_account_s_wall_time_never_later_than_the_moment(
    moment: str, zone: ZoneInfo, text: str
) -> None:
    assert to_account_time(datetime.fromisoformat(moment), zone) == text


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_however_netsuite_reads_a_lower_bound_it_is_not_after_the_moment(naive: datetime) -> None:
    moment = naive.replace(microsecond=0, tzinfo=UTC)
    wall = datetime.strptime(to_account_time(moment, LOS_ANGELES), DATETIME_FORMAT)
    for fold in (0, 1):
        assert wall.replace(tzinfo=LOS_ANGELES, fold=fold) <= moment


@pytest.mark.parametrize("name", [None, "", "UTC", "America/Los_Angeles"])
def test_a_time_zone_is_named_as_iana_does(name: str | None) -> None:
    zone = account_zone(name)
    assert zone.utcoffset(datetime(2026, 1, 1)) == (
        timedelta(hours=-8) if name == "America/Los_Angeles" else timedelta(0)
    )


def test_an_unknown_time_zone_is_refused_with_a_hint() -> None:
    with pytest.raises(ConfigError, match="unknown time zone 'Pacific Time'") as info:
        account_zone("Pacific Time")
    assert "IANA" in info.value.hint
