"""``GET /readyz``: may this process take traffic? Only if the store and the queue answer.

Unlike ``/healthz`` (alive), readiness depends on what the process needs to do its work: a
webhook must be committed to the store before it is acknowledged, and the wake-up after it goes
through the queue. A load balancer that sees 503 sends deliveries to another instance; the
body names what failed so an operator knows where to look.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["Readiness"]

logger = logging.getLogger(__name__)

Check = Callable[[], None]


class Readiness:
    """Runs each named check (raising means not ready) and answers 200 or 503."""

    def __init__(self, engine: Engine, queue_check: Check | None = None) -> None:
        self._checks: dict[str, Check] = {"store": lambda: _ping(engine)}
        if queue_check is not None:
            self._checks["queue"] = queue_check

    async def readyz(self, request: Request) -> Response:
        """200 with every check ``ok``, or 503 naming the checks that failed."""
        results = await run_in_threadpool(self._run)
        failed = [name for name, result in results.items() if result != "ok"]
        status = 503 if failed else 200
        return JSONResponse({"status": "unready" if failed else "ready", "checks": results}, status)

    def _run(self) -> dict[str, str]:
        return {name: _outcome(name, check) for name, check in self._checks.items()}


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _outcome(name: str, check: Check) -> str:
    try:
        check()
    except Exception as exc:  # any failure means not ready; the type says which kind
        logger.warning("readiness check failed", extra={"check": name, "error": type(exc).__name__})
        return f"failed: {type(exc).__name__}"
    return "ok"
