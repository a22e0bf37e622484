"""A job world per test (simulators, a store with connection ``acme``), or just a context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from ml_connector.jobs import JobContext, Meters
from ml_connector.mapping import default_mapping
from ml_connector.settings import Settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from tests.jobs.world import JobWorld, job_world


@pytest.fixture
def context(settings: Settings) -> Iterator[JobContext]:
    """A job context over an empty store, for tests that never run a job."""
    engine = open_engine(settings)
    yield JobContext(engine, keyring_for(settings), default_mapping(), Meters(CollectorRegistry()))
    engine.dispose()


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> Iterator[JobWorld]:
    with job_world(settings, tmp_path) as built:
        yield built
