"""Injected trouble: 429s, 5xx, dropped connections and added latency, by chance or schedule.

A fault matches a path prefix, lets the first ``after`` matching calls through, then fires
either with a probability (from the simulator's seeded random generator, so a run is
repeatable) or for the next ``count`` matching calls: a schedule such as "the 3rd and 4th
upsert fail". A connection reset
starts a response and then fails, so uvicorn drops the socket and the client sees a transport
error rather than an HTTP answer.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ml_connector.sandbox.slots import answering_after

from .responses import Json, crm_error, too_many_requests

__all__ = [
    "CONTROL_PREFIX",
    "CallCounter",
    "Fault",
    "FaultMiddleware",
    "FaultPlan",
    "InjectedResetError",
    "fault_from_json",
]

CONTROL_PREFIX = "/_sandbox/"
KINDS = ("status", "reset", "latency")


class InjectedResetError(Exception):
    """Raised mid-response so the server drops the connection."""


@dataclass
class Fault:
    """One injected fault; ``count`` None means "by probability, indefinitely"."""

    kind: str
    path: str = ""
    status: int = 429
    probability: float = 1.0
    count: int | None = None
    latency_ms: int = 0
    after: int = 0

    def matches(self, path: str) -> bool:
        """Whether a call to ``path`` is subject to this fault."""
        return path.startswith(self.path) and (self.count is None or self.count > 0)


def fault_from_json(body: Any) -> Fault | str:
    """A fault from the control API's JSON, or the reason it is refused."""
    if not isinstance(body, dict) or body.get("kind") not in KINDS:
        return f"kind must be one of {', '.join(KINDS)}"
    allowed = {"kind", "path", "status", "probability", "count", "latency_ms", "after"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        return f"unknown keys: {', '.join(unknown)}; valid keys: {', '.join(sorted(allowed))}"
    problem = _value_problem(body)
    if problem:
        return problem
    fault = Fault(**body)
    if fault.kind == "status" and not (fault.status == 429 or 500 <= fault.status <= 599):
        return "status must be 429 or 5xx"
    return fault


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _is_probability(value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and 0 <= value <= 1


# Each value's check and how the refusal describes it.
VALUE_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "path": (lambda v: isinstance(v, str), "a string"),
    "status": (lambda v: _whole(v, 0), "an integer"),
    "probability": (_is_probability, "a number from 0 to 1"),
    "count": (lambda v: v is None or _whole(v, 1), "an integer of at least 1"),
    "latency_ms": (lambda v: _whole(v, 0), "an integer of at least 0"),
    "after": (lambda v: _whole(v, 0), "an integer of at least 0"),
}


def _value_problem(body: Json) -> str | None:
    """Why a value is refused; checked here so a bad fault never reaches a simulated call."""
    for key, (ok, wanted) in VALUE_RULES.items():
        if key in body and not ok(body[key]):
            return f"{key} must be {wanted}"
    return None


class FaultPlan:
    """The faults in force, and the added latency applied to every call."""

    def __init__(self, rng: random.Random, latency_ms: int) -> None:
        self.rng = rng
        self.latency_ms = latency_ms
        self.faults: list[Fault] = []
        # What was actually done to calls, by kind ("429", "503", "reset", "latency"): a fault
        # that never fired proves nothing, and scheduled ones vanish once spent.
        self.injected: Counter[str] = Counter()

    def firing(self, path: str) -> list[Fault]:
        """The faults that fire for this call, consuming scheduled ones."""
        fired = []
        for fault in self.faults:
            if fault.matches(path) and fault.after > 0:
                fault.after -= 1  # still in the calls the schedule lets through
            elif fault.matches(path) and self.rng.random() < fault.probability:
                if fault.count is not None:
                    fault.count -= 1
                fired.append(fault)
        self.faults = [f for f in self.faults if f.count is None or f.count > 0]
        return fired

    def applied(self, fault: Fault) -> None:
        """Count a fault done to a call."""
        self.injected[str(fault.status) if fault.kind == "status" else fault.kind] += 1

    def describe(self) -> list[Json]:
        """The faults as the control API shows them."""
        return [asdict(f) for f in self.faults]


def _injected_status(status: int) -> Any:
    if status == 429:
        return too_many_requests()
    return crm_error(status, "INTERNAL_ERROR", "Internal server error occurred.")


def _simulated(scope: Scope) -> bool:
    """Calls to the simulated services; the control API is never counted or faulted."""
    return scope["type"] == "http" and not scope["path"].startswith(CONTROL_PREFIX)


class CallCounter:
    """Counts every call per endpoint (``"METHOD /path"``), refused ones included."""

    def __init__(self, app: ASGIApp, counters: Counter[str]) -> None:
        self.app = app
        self.counters = counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _simulated(scope):
            self.counters[f"{scope['method']} {scope['path']}"] += 1
        await self.app(scope, receive, send)


class FaultMiddleware:
    """Applies the added latency and any firing fault, inside the concurrency window."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _simulated(scope):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        fired = self.plan.firing(path)
        delay = self.plan.latency_ms + sum(f.latency_ms for f in fired if f.kind == "latency")
        for spike in (f for f in fired if f.kind == "latency"):
            self.plan.applied(spike)
        if not any(f.kind != "latency" for f in fired):  # handled now, answered after the delay
            await self.app(scope, receive, answering_after(send, delay / 1000))
            return
        if delay:
            await asyncio.sleep(delay / 1000)
        for fault in fired:
            if fault.kind == "reset":
                self.plan.applied(fault)
                await send({"type": "http.response.start", "status": 200, "headers": []})
                raise InjectedResetError(path)
            if fault.kind == "status":
                self.plan.applied(fault)
                await _injected_status(fault.status)(scope, receive, send)
                return
        await self.app(scope, receive, send)
