"""Background work: huey tasks over ``sync``, the scheduler, and the consumer that runs them."""

from __future__ import annotations

from ml_connector.jobs.broker import check_queue, open_queue, sqlite_queue
from ml_connector.jobs.meters import Meters
from ml_connector.jobs.runner import Intervals, JobRunner
from ml_connector.jobs.tasks import Tasks
from ml_connector.jobs.work import JobContext

__all__ = [
    "Intervals",
    "JobContext",
    "JobRunner",
    "Meters",
    "Tasks",
    "check_queue",
    "open_queue",
    "sqlite_queue",
]
