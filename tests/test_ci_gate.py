"""Under CI=true the PostgreSQL tests fail rather than skip, so green CI means they ran."""

from __future__ import annotations

import pytest

from tests.conftest import reachable_postgresql

NOWHERE = "postgresql://postgres@127.0.0.1:1/none"  # loopback port 1: refused at once


@pytest.mark.parametrize("url", ["", NOWHERE])
def test_under_ci_a_missing_server_fails_the_test(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run under CI"):
        reachable_postgresql(url)


@pytest.mark.parametrize("url", ["", NOWHERE])
def test_outside_ci_a_missing_server_skips_the_test(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        reachable_postgresql(url)
