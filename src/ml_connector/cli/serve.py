"""``ml-connector serve``: the web app, the workers and the scheduler, in one process by default.

One machine needs nothing else: the queue is a SQLite file beside the database. To scale out,
point the store at PostgreSQL and the queue at Redis and run the same command with a role: many
``--role web`` behind a load balancer, as many ``--role worker`` as needed, exactly one
``--role scheduler``. SIGTERM or SIGINT stops taking requests and tasks, lets a drain finish
the batch it holds (its inbox rows end committed, not leased), then exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Iterator
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

import typer
import uvicorn
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from starlette.applications import Starlette

from ml_connector.cli.runtime import Runtime
from ml_connector.jobs import (
    Intervals,
    JobContext,
    JobRunner,
    Meters,
    Tasks,
    check_queue,
    open_queue,
)
from ml_connector.mapping import MappingFile, default_mapping, load_mapping
from ml_connector.settings import Settings
from ml_connector.web import WebOptions, create_app, create_operations_app

__all__ = ["Role", "serve_command", "web_options"]

DEFAULT_PORT = 8000


class Role(StrEnum):
    """Which parts of the service this process runs."""

    ALL = "all"
    WEB = "web"
    WORKER = "worker"
    SCHEDULER = "scheduler"


def serve_command(
    ctx: typer.Context,
    *,
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int | None = typer.Option(
        None,
        help="port to listen on (0: any free port); web roles default to 8000, a worker or "
        "scheduler serves health and metrics only when given one",
    ),
    role: Role = typer.Option(Role.ALL, help="run only one part of the service"),
    workers: int = typer.Option(2, min=1, help="worker threads taking tasks"),
    poll_seconds: float = typer.Option(
        60.0, min=1.0, help="how often every connection is polled and drained (the safety net)"
    ),
    mapping: Path | None = typer.Option(None, help="mapping file (default: the shipped one)"),
    public_url: str | None = typer.Option(
        None, help="where Zoho reaches this service; with it, notification channels are kept"
    ),
    channel_seconds: float = typer.Option(
        600.0, min=1.0, help="how often each Zoho channel is checked, renewed or replaced"
    ),
) -> None:
    """Serve webhooks, health and metrics, and run the sync in the background."""
    runtime: Runtime = ctx.obj
    chosen = load_mapping(mapping).mapping if mapping else default_mapping()
    intervals = Intervals(poll=poll_seconds, drain=poll_seconds, channels=channel_seconds)
    service = _Service(runtime, role, chosen, workers, intervals, public_url=public_url)
    asyncio.run(service.run(host, port))


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: ``serve`` stops the jobs too, then it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Service:
    """The parts one process runs, wired over one store, one queue and one registry."""

    def __init__(
        self,
        runtime: Runtime,
        role: Role,
        mapping: MappingFile,
        workers: int,
        intervals: Intervals,
        *,
        public_url: str | None = None,
    ) -> None:
        self.role, self.runtime, self.mapping = role, runtime, mapping
        if runtime.settings.log_level != "DEBUG":
            # a line per task run is debugging detail; failures are still logged by our jobs
            logging.getLogger("huey").setLevel(logging.WARNING)
        self.queue = open_queue(runtime.settings)
        self.registry = CollectorRegistry()
        self.meters = Meters(self.registry)
        context = JobContext(
            runtime.engine,
            runtime.keyring,
            mapping,
            self.meters,
            session_options=runtime.session_options(),
            lease=timedelta(seconds=runtime.settings.lease_seconds),
            retention=timedelta(days=runtime.settings.retention_days),
        )
        self.tasks = Tasks(self.queue, context, public_url=public_url)
        self.runner = JobRunner(
            self.tasks,
            worker=role in (Role.ALL, Role.WORKER),
            scheduler=role in (Role.ALL, Role.SCHEDULER),
            workers=workers,
            intervals=intervals,
        )

    def on_event(self, connection: str) -> None:
        """A new event is committed: count it and wake a drain of its connection."""
        self.meters.event_received(connection)
        self.tasks.wake(connection)

    def app(self) -> Starlette:
        return create_app(
            engine=self.runtime.engine,
            keyring=self.runtime.keyring,
            on_event=self.on_event,
            queue_check=lambda: check_queue(self.queue),
            registry=self.registry,
            mapping=self.mapping,
            admin_token=_secret(self.runtime.settings.admin_token),
            session_options=self.runtime.session_options(),
            options=web_options(self.runtime.settings),
        )

    async def run(self, host: str, port: int | None) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        self.runner.start()
        try:
            if self.role in (Role.ALL, Role.WEB):
                chosen = DEFAULT_PORT if port is None else port
                await self._serve_web(self.app(), host, chosen, stop)
            elif port is not None:
                await self._serve_web(self.operations_app(), host, port, stop)
            else:
                typer.echo(f"running as {self.role.value}; stop with SIGTERM or Ctrl-C")
                await stop.wait()
        finally:
            await asyncio.to_thread(self.runner.stop)
        typer.echo("stopped")

    def operations_app(self) -> Starlette:
        return create_operations_app(
            engine=self.runtime.engine,
            queue_check=lambda: check_queue(self.queue),
            registry=self.registry,
        )

    async def _serve_web(self, app: Starlette, host: str, port: int, stop: asyncio.Event) -> None:
        sock = _bind(host, port)
        config = uvicorn.Config(
            app, lifespan="off", log_level="warning", access_log=False,
            timeout_graceful_shutdown=10,
        )  # fmt: skip
        server = _Server(config)
        bound = sock.getsockname()
        typer.echo(f"serving on http://{_url_host(host)}:{bound[1]} as {self.role.value}")
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stopping.cancel()
        await serving
        sock.close()


def web_options(settings: Settings) -> WebOptions:
    """The receivers' source allowlist, trusted proxies and body limit, as configured."""
    return WebOptions.parse(
        allowlist=settings.webhook_allowlist,
        trusted_proxies=settings.trusted_proxies,
        max_body_bytes=settings.webhook_max_body_bytes,
    )


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts so port 0 is known at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
