"""``GET /healthz``: the process is up and serving; nothing deeper, so it never flaps."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["healthz"]


async def healthz(request: Request) -> Response:
    """Liveness only: a load balancer restarting us because the database is slow helps nobody."""
    return JSONResponse({"status": "ok"})
