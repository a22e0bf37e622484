"""Which row a record's events carry, and when a carried row is too old to be trusted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ml_connector.store.inbox import InboxRow
from ml_connector.sync.plan import coalesce, newest_payload

NOW = datetime(2026, 11, 27, tzinfo=UTC)
EVENT_BODY = {"event_id": "e1", "record_type": "customer", "record_id": "7"}


def _row(n: int, source: str, payload: dict[str, Any] | None) -> InboxRow:
    return InboxRow(n, 1, source, f"k{n}", "customer", "7", payload, "leased", 1, NOW)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([_row(1, "backfill", {"id": "7", "v": 1})], {"id": "7", "v": 1}),
        ([_row(1, "poll", {"id": "7", "v": 1}), _row(2, "poll", {"id": "7", "v": 2})],
         {"id": "7", "v": 2}),
        ([_row(1, "netsuite_event", EVENT_BODY)], None),
        ([_row(1, "backfill", {"id": "7", "v": 1}), _row(2, "netsuite_event", EVENT_BODY)], None),
        ([_row(1, "netsuite_event", EVENT_BODY), _row(2, "poll", {"id": "7", "v": 3})],
         {"id": "7", "v": 3}),
        ([_row(1, "reconcile", None)], None),
    ],
)  # fmt: skip
def test_the_row_comes_from_the_newest_carrier_unless_an_event_followed_it(
    events: list[InboxRow], expected: dict[str, Any] | None
) -> None:
    assert newest_payload(events) == expected


@pytest.mark.parametrize(
    ("written_at", "expected"),
    [
        (None, {"id": "7", "v": 1}),
        (NOW - timedelta(seconds=1), {"id": "7", "v": 1}),
        (NOW, None),
        (NOW + timedelta(seconds=5), None),
    ],
)
def test_a_row_read_before_the_records_last_write_is_read_again(
    written_at: datetime | None, expected: dict[str, Any] | None
) -> None:
    # e.g. a backfill row handed back by a dead worker, after an edit's event was written
    assert newest_payload([_row(1, "backfill", {"id": "7", "v": 1})], written_at) == expected


def test_events_are_grouped_per_record_in_arrival_order() -> None:
    other = InboxRow(2, 1, "poll", "k2", "vendor", "7", None, "leased", 1, NOW)
    grouped = coalesce([_row(3, "poll", None), other, _row(1, "netsuite_event", None)])
    assert [r.id for r in grouped[("customer", "7")]] == [1, 3]
    assert [r.id for r in grouped[("vendor", "7")]] == [2]
