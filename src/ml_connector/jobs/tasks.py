"""The huey tasks: thin wrappers over :mod:`.work` that carry connection names, never payloads.

Fan-out tasks (``poll_all``, ``drain_all``, ``refresh_all``) list the active connections and
queue one task per connection, so one connection's failure (re-authorization needed, a remote
down) is logged in its own task and never stops the others. Failures are logged, not retried
by huey: the next scheduled run or the next event's wake-up is the retry, and the store keeps
the work.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from huey import Huey

from ml_connector.jobs.wakeups import DEFAULT_WINDOW, WakeCoalescer
from ml_connector.jobs.work import (
    JobContext,
    active_connections,
    drain_connection,
    poll_connection,
    prune_history,
    refresh_tokens,
    sweep_leases,
)
from ml_connector.sync.services import open_services
from ml_connector.zoho.channels import Action, ChannelPolicy, maintain_channels

__all__ = ["Tasks"]

logger = logging.getLogger(__name__)

Task = Callable[..., Any]
T = TypeVar("T")


class Tasks:
    """The service's tasks, registered on one queue, each callable to enqueue it."""

    def __init__(
        self,
        queue: Huey,
        context: JobContext,
        *,
        public_url: str | None = None,
        channel_policy: ChannelPolicy | None = None,
        wake_window: float = DEFAULT_WINDOW,
    ) -> None:
        """``public_url`` is where Zoho reaches the service; without it no channel is kept.

        Wake-ups of one connection are sent at most once per ``wake_window`` seconds (see
        :mod:`.wakeups`); 0 sends one per event.
        """
        self.queue, self.context = queue, context
        self.public_url, self.channel_policy = public_url, channel_policy or ChannelPolicy()
        self.drain: Task = queue.task(name="drain")(self._drain)
        self.poll: Task = queue.task(name="poll")(self._poll)
        self.refresh: Task = queue.task(name="refresh_tokens")(self._refresh)
        self.sweep: Task = queue.task(name="sweep_leases")(self._sweep)
        self.prune: Task = queue.task(name="prune_history")(self._prune)
        self.drain_all: Task = queue.task(name="drain_all")(self._fan_out(self.drain))
        self.poll_all: Task = queue.task(name="poll_all")(self._fan_out(self.poll))
        self.refresh_all: Task = queue.task(name="refresh_all")(self._fan_out(self.refresh))
        self.channels: Task = queue.task(name="zoho_channels")(self._channels)
        self.channels_all: Task = queue.task(name="zoho_channels_all")(self._channels_all)
        self._wake = WakeCoalescer(self.drain, wake_window)

    def wake(self, connection: str) -> None:
        """Ask a worker to drain ``connection`` soon (an event was just stored)."""
        self._wake(connection)

    def _fan_out(self, task: Task) -> Callable[[], None]:
        def fan_out() -> None:
            for name in active_connections(self.context.engine):
                task(name)

        return fan_out

    def _drain(self, name: str) -> None:
        again = functools.partial(self.drain, name)
        report = self._isolated(
            "drain", name, drain_connection(self.context, name, next_turn=again)
        )
        if report is not None and report.claimed:
            logger.info("drained", extra={"connection": name, **report.__dict__})

    def _poll(self, name: str) -> None:
        queued = self._isolated("poll", name, poll_connection(self.context, name))
        if queued:
            logger.info("poll queued changes", extra={"connection": name, "queued": queued})
            self.drain(name)

    def _refresh(self, name: str) -> None:
        self._isolated("token refresh", name, refresh_tokens(self.context, name))

    def _channels(self, name: str) -> None:
        action = self._isolated("channel upkeep", name, self._maintain(name))
        if action not in (None, "current"):
            logger.info("zoho channel upkeep", extra={"connection": name, "action": action})

    def _channels_all(self) -> None:
        if self.public_url is not None:  # Zoho has nowhere to post without it
            for name in active_connections(self.context.engine):
                self.channels(name)

    async def _maintain(self, name: str) -> Action:
        """Create, renew or replace the connection's channel (see :mod:`ml_connector.zoho`)."""
        ctx, url = self.context, self.public_url or ""
        async with open_services(
            ctx.engine, ctx.keyring, name, mapping=ctx.mapping, options=ctx.session_options
        ) as services:
            return await maintain_channels(
                ctx.engine, ctx.keyring, services, url, ctx.now(), policy=self.channel_policy
            )

    def _sweep(self) -> None:
        sweep_leases(self.context)

    def _prune(self) -> None:
        prune_history(self.context)

    def _isolated(self, job: str, name: str, work: Coroutine[Any, Any, T]) -> T | None:
        """Run one connection's job; a failure is logged and stays with that connection."""
        try:
            return asyncio.run(work)
        except Exception as exc:
            logger.warning(
                f"{job} failed",
                extra={"connection": name, "error": type(exc).__name__, "detail": str(exc)},
            )
            return None
