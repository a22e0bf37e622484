"""A job world per test (simulators, a store with connection ``acme``), or just a context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from ml_connector.jobs import JobContext, Meters
from ml_connector.mapping import default_mapping
from ml_connector.settings import Settings, load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import make_engine, open_engine, upgrade
from tests.jobs.world import JobWorld, job_world


@pytest.fixture
def context(settings: Settings) -> Iterator[JobContext]:
    """A job context over an empty store, for tests that never run a job."""
    engine = open_engine(settings)
    yield JobContext(engine, keyring_for(settings), default_mapping(), Meters(CollectorRegistry()))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def job_settings(request: pytest.FixtureRequest, settings: Settings, home: Path) -> Settings:
    """The embedded deployment, and the scaled-out store (a migrated PostgreSQL database)."""
    if request.param == "sqlite":
        return settings
    url: str = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return load_settings({"ML_CONNECTOR_HOME": str(home), "ML_CONNECTOR_DATABASE_URL": url})


@pytest.fixture
def world(job_settings: Settings, tmp_path: Path) -> Iterator[JobWorld]:
    with job_world(job_settings, tmp_path) as built:
        yield built
