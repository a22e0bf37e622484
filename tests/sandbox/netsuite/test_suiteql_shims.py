"""The Oracle shims keep SuiteQL's date semantics: what TO_CHAR prints, TO_DATE reads back."""

# ruff: noqa: S608 - the queries under test are built from fixed format models.

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.sandbox.netsuite.database import Database, iso_utc
from ml_connector.sandbox.netsuite.suiteql import install_functions, run_page, translate

# Oracle format model -> the same layout in strftime terms.
FORMATS = {
    "YYYY-MM-DD HH24:MI:SS": "%Y-%m-%d %H:%M:%S",
    "DD.MM.YYYY HH24:MI:SS": "%d.%m.%Y %H:%M:%S",
    "MM/DD/YYYY HH24:MI:SS": "%m/%d/%Y %H:%M:%S",
}
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


def _one_row_db() -> Database:
    db = Database()
    install_functions(db)
    db.insert("subsidiary", [{"id": 1, "name": "x"}])
    return db


def _value(q: str, stored: str) -> str:
    return run_page(_one_row_db(), q, [stored], 10, 0).items[0]["v"]


@given(moment=MOMENTS, fmt=st.sampled_from(sorted(FORMATS)))
def test_to_char_prints_the_format_model(moment: datetime, fmt: str) -> None:
    stored = iso_utc(moment.timestamp())

    printed = _value(f"SELECT TO_CHAR(?, '{fmt}') AS v FROM subsidiary", stored)

    assert printed == moment.strftime(FORMATS[fmt])


@given(moment=MOMENTS, fmt=st.sampled_from(sorted(FORMATS)))
def test_to_date_reads_back_what_to_char_printed(moment: datetime, fmt: str) -> None:
    stored = iso_utc(moment.timestamp())
    q = f"SELECT TO_CHAR(TO_DATE(TO_CHAR(?, '{fmt}'), '{fmt}'), '{fmt}') AS v FROM subsidiary"

    assert _value(q, stored) == moment.strftime(FORMATS[fmt])


def test_raw_datetime_comes_out_as_a_date_without_time() -> None:
    assert _value("SELECT ? AS v FROM subsidiary", "2026-03-05T23:59:59Z") == "3/5/2026"


@pytest.mark.parametrize(
    ("suiteql", "fragment"),
    [
        ("SELECT a.x FROM customer c, entityaddress a WHERE a.nkey(+) = c.id", "LEFT JOIN"),
        ("SELECT NVL(email, 'n') FROM customer", "COALESCE"),
        ("SELECT id FROM customer WHERE ROWNUM <= 5", "LIMIT 5"),
        ("SELECT BUILTIN.DF(c.subsidiary) AS s FROM customer c", "FROM subsidiary WHERE id"),
    ],
)
def test_translation_of_oracle_idioms(suiteql: str, fragment: str) -> None:
    assert fragment in translate(suiteql)
