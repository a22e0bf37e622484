"""The queue that carries wake-ups: huey over SQLite in the data directory, or over Redis.

The queue holds nothing that is not already in the store (DESIGN.md §3): a lost or repeated
message costs at most one early or late drain, never data. That is why the embedded default can
be a SQLite file beside the database, and why scaling out only swaps the storage for Redis.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from ml_connector.errors import ConfigError
from ml_connector.settings import Settings

__all__ = ["QUEUE_FILE", "QUEUE_NAME", "check_queue", "open_queue", "sqlite_queue"]

QUEUE_NAME = "ml-connector"
QUEUE_FILE = "queue.db"


def open_queue(settings: Settings) -> Huey:
    """Huey on Redis when ``queue_url`` names Redis, else on SQLite in the data directory."""
    url = settings.queue_url
    if url is None:
        settings.home.mkdir(parents=True, exist_ok=True)
        return sqlite_queue(settings.home / QUEUE_FILE)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    raise ConfigError(
        f"queue_url: {url.split(':', 1)[0]!r} is not a supported queue",
        hint="use redis://host:6379/0, or leave it unset for the embedded queue",
    )


def sqlite_queue(path: Path) -> Huey:
    """The embedded queue: one SQLite file, no results kept (tasks report through the store)."""
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)


def check_queue(queue: Huey) -> None:
    """Raise if the queue's storage does not answer (a cheap read, nothing enqueued)."""
    queue.storage.queue_size()
