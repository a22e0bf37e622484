"""Fixtures: a simulator on a fake clock, served on loopback, and clients that talk to it."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ml_connector.sandbox.server import ServedApp, serving
from ml_connector.sandbox.zoho import ZohoSimulator

START = 1_750_000_000.0


class FakeClock:
    """A clock tests move by hand, so nothing ever sleeps."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Receiver:
    """A notify_url endpoint on loopback that queues every callback it receives."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])

    async def _hook(self, request: Request) -> JSONResponse:
        self.received.put(await request.json())
        return JSONResponse({}, status_code=self.status)

    def next(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next callback; fails the test when none arrives in time."""
        return self.received.get(timeout=timeout)

    def nothing_within(self, timeout: float = 0.5) -> bool:
        """True when no callback arrives within ``timeout`` (waits on the queue, not a sleep)."""
        try:
            self.received.get(timeout=timeout)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> ZohoSimulator:
    return ZohoSimulator(seed=7, clock=clock)


class Switchboard:
    """One loopback server for the whole session, passing calls to this test's simulator.

    Starting uvicorn per test costs a quarter of a second; swapping the app behind one server
    keeps every test on a fresh simulator over real sockets without paying that each time.
    """

    def __init__(self) -> None:
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.target is not None, "no simulator is plugged in"
        await self.target(scope, receive, send)


@pytest.fixture(scope="session")
def switchboard() -> Iterator[tuple[Switchboard, ServedApp]]:
    board = Switchboard()
    with serving(board) as app:
        yield board, app


@pytest.fixture
def served(sim: ZohoSimulator, switchboard: tuple[Switchboard, ServedApp]) -> Iterator[ServedApp]:
    """The simulator of this test, on a real loopback socket."""
    board, app = switchboard
    board.target = sim.app
    yield app
    board.target = None


@pytest.fixture
def anon(served: ServedApp) -> Iterator[httpx.Client]:
    """A plain client with no credentials."""
    with httpx.Client(base_url=served.base_url, timeout=10) as client:
        yield client


def mint_token(client: httpx.Client, sim: ZohoSimulator) -> str:
    """One refresh-token grant with the simulator's self-client."""
    creds = sim.credentials(str(client.base_url))
    response = client.post(
        "/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "refresh_token": creds["refresh_token"],
        },
    )
    return str(response.json()["access_token"])


@pytest.fixture
def api(served: ServedApp, sim: ZohoSimulator, anon: httpx.Client) -> Iterator[httpx.Client]:
    """A client carrying a valid ``Zoho-oauthtoken``."""
    headers = {"Authorization": f"Zoho-oauthtoken {mint_token(anon, sim)}"}
    with httpx.Client(base_url=served.base_url, headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
def control(served: ServedApp, sim: ZohoSimulator) -> Iterator[httpx.Client]:
    """A client for the control API."""
    with httpx.Client(base_url=sim.control_url(served.base_url), timeout=10) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A callback receiver served on loopback, and its notify_url."""
    hook = Receiver()
    with serving(hook.app) as app:
        yield hook, f"{app.base_url}/hook"
