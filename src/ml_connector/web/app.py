"""The one ASGI app of the service: webhook receivers and health, built from its dependencies.

Nothing here reads the environment or opens anything: the caller (``serve``, a test) passes the
engine, the keyring, the clock and the options, so the same app runs in-process under
``httpx.ASGITransport`` and behind uvicorn.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from ml_connector.store.keyring import Keyring
from ml_connector.web.health import healthz
from ml_connector.web.netsuite_hook import NetSuiteHook
from ml_connector.web.options import WebOptions

__all__ = ["create_app"]

NETSUITE_HOOK_PATH = "/hooks/netsuite/{connection}"


def create_app(
    *,
    engine: Engine,
    keyring: Keyring,
    clock: Callable[[], float] = time.time,
    options: WebOptions | None = None,
) -> Starlette:
    """The app; ``clock`` gives epoch seconds (timestamps are checked and stamped with it)."""
    hook = NetSuiteHook(engine, keyring, clock, options or WebOptions())
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route(NETSUITE_HOOK_PATH, hook.receive, methods=["POST"]),
    ]
    return Starlette(routes=routes)
