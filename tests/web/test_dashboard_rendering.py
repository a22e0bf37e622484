"""How the dashboard words durations and moments, as operators read them on every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ml_connector.web.dashboard.rendering import relative, span

NOW = datetime(2026, 5, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "0 s"),
        (42.4, "42 s"),
        (59, "59 s"),
        (60, "1 min"),
        (7 * 60, "7 min"),
        (119 * 60, "119 min"),
        (2 * 3600, "2 h"),
        (47 * 3600, "47 h"),
        (3 * 86400, "3 d"),
        (-90, "2 min"),
    ],
)
def test_a_span_is_said_in_the_unit_people_use(seconds: float, said: str) -> None:
    assert span(seconds) == said


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (NOW + timedelta(minutes=54), "in 54 min"),
        ((NOW - timedelta(seconds=30)).isoformat(), "30 s ago"),
        (None, "-"),
    ],
)
def test_a_moment_is_said_relative_to_now(moment: datetime | str | None, said: str) -> None:
    assert relative(moment, NOW) == said
