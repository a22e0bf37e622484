"""Which queue a deployment gets: SQLite in the data directory unless Redis is named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import Huey, RedisHuey, SqliteHuey

from ml_connector.errors import ConfigError
from ml_connector.jobs import JobContext, Tasks, check_queue, open_queue
from ml_connector.settings import load_settings
from tests.jobs.redis_queue import REDIS_URL, redis_queue


def test_the_embedded_queue_is_a_file_in_the_data_directory(home: Path) -> None:
    queue = open_queue(load_settings({"ML_CONNECTOR_HOME": str(home)}))

    check_queue(queue)

    assert isinstance(queue, SqliteHuey)
    assert (home / "queue.db").exists()


def test_a_redis_url_scales_the_queue_out(home: Path) -> None:
    settings = load_settings({"ML_CONNECTOR_HOME": str(home), "ML_CONNECTOR_QUEUE_URL": REDIS_URL})

    assert isinstance(open_queue(settings), RedisHuey)


def test_an_unknown_queue_is_refused_with_a_hint(home: Path) -> None:
    settings = load_settings(
        {"ML_CONNECTOR_HOME": str(home), "ML_CONNECTOR_QUEUE_URL": "amqp://broker"}
    )

    with pytest.raises(ConfigError, match="'amqp' is not a supported queue"):
        open_queue(settings)


@pytest.fixture
def on_redis() -> Iterator[Huey]:
    yield from redis_queue()


def test_a_wake_up_on_redis_carries_only_the_connection_name(
    on_redis: Huey, context: JobContext
) -> None:
    tasks = Tasks(on_redis, context)

    tasks.wake("acme")

    [message] = on_redis.pending()
    assert (type(message).__name__, message.args, message.kwargs) == ("drain", ("acme",), {})
