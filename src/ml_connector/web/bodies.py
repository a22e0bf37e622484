"""Request bodies read with a ceiling, so a sender cannot make us buffer without limit."""

from __future__ import annotations

from starlette.requests import Request

from ml_connector.netsuite.events import EventRejectedError

__all__ = ["read_body"]


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or a 413 rejection as soon as it is known to exceed ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused before reading anything; a body
    streamed without one (or lying about it) is refused the moment it passes the limit.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise EventRejectedError(413, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise EventRejectedError(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
