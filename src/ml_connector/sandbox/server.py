"""Serve simulator ASGI apps on loopback with uvicorn, in this thread or a background one.

Tests and the demo need real HTTP (real sockets, real connection resets), not an in-memory
transport, so the same uvicorn server that ``ml-connector sandbox`` runs is started here on a
socket bound before the server starts: the port is known at once, and port 0 means any free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

__all__ = ["ServedApp", "bind_loopback", "serve_forever", "serving"]

LOOPBACK = "127.0.0.1"


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (``port`` 0 = any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this. Without it every response pays Nagle against the peer's
    # delayed ACK: about 40 ms a request on loopback instead of about 2.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@dataclass(frozen=True)
class ServedApp:
    """An app being served: its base URL (no trailing slash) and port."""

    base_url: str
    port: int


def _server(app: ASGIApp) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        # Loopback servers for the simulators, the demo and tests share a process, and a busy
        # moment can hold a client's loop for seconds: idle connections stay open long enough
        # that a client never sends on one the server has just closed (uvicorn's 5 s default).
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


def _served(sock: socket.socket) -> ServedApp:
    port = int(sock.getsockname()[1])
    return ServedApp(base_url=f"http://{LOOPBACK}:{port}", port=port)


@contextlib.contextmanager
def serving(app: ASGIApp, port: int = 0) -> Iterator[ServedApp]:
    """Serve ``app`` on loopback in a background thread for the duration of the block."""
    sock = bind_loopback(port)
    server = _server(app)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True, name="sandbox"
    )
    thread.start()
    try:
        # The socket already listens, so the kernel queues connections until uvicorn accepts
        # them: callers can connect at once, no readiness polling needed.
        yield _served(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its owner, so several can share one loop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_forever(apps: list[tuple[ASGIApp, socket.socket]]) -> None:
    """Serve several apps, each on its own pre-bound socket, until SIGINT or SIGTERM."""
    servers = [(_QuietServer(_server(app).config), sock) for app, sock in apps]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server, _sock in servers:
            server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in servers))
