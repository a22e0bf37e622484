"""The scheduler: enqueue each periodic task every so many seconds, in one background thread.

Huey's own periodic tasks tick once a minute on crontab boundaries; polling is the safety net
for missed events and must be tunable in seconds, so the schedule is ours. It only enqueues:
the work runs on whichever worker takes it. Two schedulers by mistake enqueue each task twice,
which costs a little work and nothing else (every job is idempotent, see :mod:`.work`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Every", "Schedule"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Every:
    """Enqueue ``task`` every ``seconds`` (and once at start)."""

    seconds: float
    task: Callable[[], object]
    name: str


class Schedule:
    """Runs the enqueue loop in a daemon thread until :meth:`stop`."""

    def __init__(
        self, entries: Sequence[Every], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries = list(entries)
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)

    def start(self) -> None:
        """Begin enqueueing; every entry is due at once."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop enqueueing and wait for the loop to end."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        # The first round always runs, even if stop came first: enqueueing is harmless.
        due = dict.fromkeys(range(len(self._entries)), self._clock())
        while True:
            now = self._clock()
            for index, entry in enumerate(self._entries):
                if due[index] <= now:
                    due[index] = now + entry.seconds
                    self._enqueue(entry)
            wait = max(0.0, min(due.values()) - self._clock()) if due else None
            if self._stop.wait(wait):
                return

    def _enqueue(self, entry: Every) -> None:
        try:
            entry.task()
        except Exception as exc:  # the queue is down: try again at the next tick
            logger.warning(
                "could not enqueue periodic task",
                extra={"task": entry.name, "error": type(exc).__name__},
            )
