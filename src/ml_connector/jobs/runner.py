"""The background half of ``serve``: a huey consumer and the scheduler, started by role.

``--role worker`` runs only the consumer, ``--role scheduler`` only the schedule, ``all`` both
(and the web app, which ``serve`` runs). Signals stay with the owner of the process (uvicorn's
loop in ``serve``): the consumer is started without installing handlers, and stopped on request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from huey import Huey
from huey.consumer import Consumer

from ml_connector.jobs.schedule import Every, Schedule
from ml_connector.jobs.tasks import Tasks

__all__ = ["Intervals", "JobRunner"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intervals:
    """How often, in seconds, the scheduler enqueues each periodic job."""

    poll: float = 60.0
    drain: float = 60.0
    sweep: float = 60.0
    refresh: float = 60.0
    channels: float = 600.0
    prune: float = 3600.0


class _OwnedConsumer(Consumer):  # type: ignore[misc]  # huey ships no type hints
    """A consumer whose signals are handled by its owner, so it can live in a thread."""

    def _set_signal_handlers(self) -> None:
        """Leave the process's signal handlers alone."""


class JobRunner:
    """Starts and stops the consumer and the schedule of one process."""

    def __init__(
        self,
        tasks: Tasks,
        *,
        worker: bool,
        scheduler: bool,
        workers: int = 2,
        intervals: Intervals | None = None,
        shutdown_timeout: float = 30.0,
    ) -> None:
        self._tasks = tasks
        self._consumer: Consumer | None = None
        self._schedule: Schedule | None = None
        if worker:
            self._consumer = _consumer(tasks.queue, workers, shutdown_timeout)
        if scheduler:
            self._schedule = Schedule(_entries(tasks, intervals or Intervals()))

    def start(self) -> None:
        """Start taking tasks and enqueueing periodic ones."""
        if self._consumer is not None:
            self._consumer.start()
        if self._schedule is not None:
            self._schedule.start()

    def stop(self) -> None:
        """Stop enqueueing, let drains finish the batch in hand, then stop the workers."""
        if self._schedule is not None:
            self._schedule.stop()
        self._tasks.context.stopping.set()
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            logger.info("workers stopped")


def _consumer(queue: Huey, workers: int, shutdown_timeout: float) -> Consumer:
    # periodic=False: huey's minute-granular periodic tasks are not used (see .schedule);
    # its scheduler thread still runs, for delayed tasks.
    return _OwnedConsumer(
        queue,
        workers=workers,
        periodic=False,
        worker_type="thread",
        initial_delay=0.05,
        max_delay=1.0,
        check_worker_health=False,
        shutdown_timeout=shutdown_timeout,
    )


def _entries(tasks: Tasks, intervals: Intervals) -> list[Every]:
    return [
        Every(intervals.sweep, tasks.sweep, "sweep_leases"),
        Every(intervals.refresh, tasks.refresh_all, "refresh_all"),
        Every(intervals.poll, tasks.poll_all, "poll_all"),
        Every(intervals.drain, tasks.drain_all, "drain_all"),
        Every(intervals.channels, tasks.channels_all, "zoho_channels_all"),
        Every(intervals.prune, tasks.prune, "prune_history"),
    ]
