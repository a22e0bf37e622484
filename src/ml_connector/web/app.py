"""The one ASGI app of the service: webhook receivers and health, built from its dependencies.

Nothing here reads the environment or opens anything: the caller (``serve``, a test) passes the
engine, the keyring, the clock and the options, so the same app runs in-process under
``httpx.ASGITransport`` and behind uvicorn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from ml_connector.auth.session import SessionOptions
from ml_connector.mapping import MappingFile, default_mapping
from ml_connector.store.keyring import Keyring
from ml_connector.web.admin import ADMIN_API_PATH, admin_api, not_found
from ml_connector.web.dashboard import dashboard
from ml_connector.web.health import healthz
from ml_connector.web.metrics import InboxDepth, MetricsEndpoint
from ml_connector.web.netsuite_hook import NetSuiteHook
from ml_connector.web.options import WebOptions
from ml_connector.web.readiness import Readiness
from ml_connector.web.zoho_hook import ZohoHook

__all__ = ["create_app", "create_operations_app"]

logger = logging.getLogger(__name__)

NETSUITE_HOOK_PATH = "/hooks/netsuite/{connection}"
ZOHO_HOOK_PATH = "/hooks/zoho/{connection}"


def create_app(
    *,
    engine: Engine,
    keyring: Keyring,
    clock: Callable[[], float] = time.time,
    options: WebOptions | None = None,
    on_event: Callable[[str], None] | None = None,
    queue_check: Callable[[], None] | None = None,
    registry: CollectorRegistry | None = None,
    mapping: MappingFile | None = None,
    admin_token: str | None = None,
    session_options: SessionOptions | None = None,
) -> Starlette:
    """The app; ``clock`` gives epoch seconds (timestamps are checked and stamped with it).

    ``on_event`` is called with the connection name after a new event is committed (the
    service wakes a drain with it); ``queue_check`` raises when the queue is unreachable and
    makes ``/readyz`` say so; ``registry`` enables ``/metrics`` and gets the inbox depth gauge.
    ``mapping`` says which NetSuite type each Zoho module's callbacks belong to (default: the
    default mapping). ``admin_token`` turns on the admin API and the dashboard, which ask for it;
    without it they are not served at all. ``session_options`` is how a replay asked for through
    the dashboard or the admin API talks to Zoho (secrets it opens are remembered for redaction).
    """
    hook = NetSuiteHook(engine, keyring, clock, options or WebOptions())
    mapping = mapping or default_mapping()
    zoho_hook = ZohoHook(engine, keyring, clock, mapping, on_event)
    routes = [
        *_operations(engine, queue_check, registry),
        Route(NETSUITE_HOOK_PATH, _notifying(hook.receive, on_event), methods=["POST"]),
        Route(ZOHO_HOOK_PATH, zoho_hook.receive, methods=["POST"]),
    ]
    if admin_token is not None:
        routes.append(
            dashboard(
                engine=engine,
                keyring=keyring,
                admin_token=admin_token,
                mapping=mapping,
                clock=clock,
                session_options=session_options,
            )
        )
        admin = admin_api(
            engine=engine, keyring=keyring, mapping=mapping, token=admin_token, clock=clock,
            session_options=session_options,
        )  # fmt: skip
        routes.append(Mount(ADMIN_API_PATH, app=admin))
    return Starlette(routes=routes, exception_handlers={404: not_found})


def create_operations_app(
    *,
    engine: Engine,
    queue_check: Callable[[], None] | None = None,
    registry: CollectorRegistry | None = None,
) -> Starlette:
    """Health, readiness and metrics only: what a worker or scheduler process serves.

    Prometheus scrapes every process of a scaled-out deployment; a worker's counters (records
    written, 429s, token refreshes) live in that worker, so it answers for them itself.
    """
    return Starlette(routes=_operations(engine, queue_check, registry))


def _operations(
    engine: Engine, queue_check: Callable[[], None] | None, registry: CollectorRegistry | None
) -> list[BaseRoute]:
    readiness = Readiness(engine, queue_check)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readiness.readyz, methods=["GET"]),
    ]
    if registry is not None:
        registry.register(InboxDepth(engine))
        routes.append(Route("/metrics", MetricsEndpoint(registry).metrics, methods=["GET"]))
    return routes


Endpoint = Callable[[Request], Awaitable[Response]]


def _notifying(receive: Endpoint, on_event: Callable[[str], None] | None) -> Endpoint:
    """``receive``, then ``on_event`` for a newly stored event (202) once it is committed."""
    if on_event is None:
        return receive
    notify = on_event

    async def receive_and_notify(request: Request) -> Response:
        response = await receive(request)
        if response.status_code == 202:
            name = request.path_params["connection"]
            try:
                await run_in_threadpool(notify, name)
            except Exception as exc:  # the event is stored; polling and drains will reach it
                logger.warning(
                    "could not wake a drain",
                    extra={"connection": name, "error": type(exc).__name__},
                )
        return response

    return receive_and_notify
