"""The periodic channel job: one channel per active connection, only when Zoho can reach us."""

from __future__ import annotations

from huey import MemoryHuey
from prometheus_client import CollectorRegistry

from ml_connector.jobs import JobContext, Meters, Tasks
from ml_connector.mapping import default_mapping
from ml_connector.store.channels import active_channel
from ml_connector.store.connections import get_connection
from tests.integration.conftest import Sandbox, Store


def _tasks(store: Store, public_url: str | None) -> Tasks:
    context = JobContext(
        store.engine, store.keyring, default_mapping(), Meters(CollectorRegistry())
    )
    return Tasks(MemoryHuey("channels-test", immediate=True), context, public_url=public_url)


def test_the_job_creates_a_channel_once_and_leaves_it_while_current(
    sandbox: Sandbox, store: Store
) -> None:
    store.add("acme", sandbox.connection_file())
    connection_id = get_connection(store.engine, "acme").id
    tasks = _tasks(store, "https://sync.example")

    tasks.channels_all()
    first = active_channel(store.engine, connection_id)
    tasks.channels_all()

    assert first is not None
    assert active_channel(store.engine, connection_id) == first


def test_without_a_public_url_no_channel_is_made(sandbox: Sandbox, store: Store) -> None:
    store.add("acme", sandbox.connection_file())

    _tasks(store, None).channels_all()

    assert active_channel(store.engine, get_connection(store.engine, "acme").id) is None
