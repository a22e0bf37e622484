"""A job world per test: simulators, a store with connection ``acme``, a job context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ml_connector.settings import Settings
from tests.jobs.world import JobWorld, job_world


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> Iterator[JobWorld]:
    with job_world(settings, tmp_path) as built:
        yield built
