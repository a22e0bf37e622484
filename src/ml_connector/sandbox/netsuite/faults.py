"""Injected faults: what a flaky NetSuite does to calls, on a schedule or at a seeded rate.

A rule matches calls by method and path prefix, skips the first ``after`` matches, then fires on
the next ``count`` matches (a schedule) or with ``probability`` drawn from a ``random.Random``
seeded at construction (a rate) — so a failing run can be replayed exactly. Kinds: ``429``
(NetSuite's concurrency body), ``500``/``502``/``503``, ``reset`` (the connection is dropped
mid-response) and ``latency`` (extra delay).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

__all__ = ["FAULT_KINDS", "Fault", "FaultPlan", "FaultRule"]

FAULT_KINDS = frozenset({"429", "500", "502", "503", "reset", "latency"})


@dataclass(frozen=True)
class Fault:
    """One fault to apply to one call."""

    kind: str
    latency_ms: int = 0


@dataclass
class FaultRule:
    """Which calls a fault hits and how often; ``count`` None means without end."""

    kind: str
    path: str = "/"
    method: str | None = None
    after: int = 0
    count: int | None = None
    probability: float = 1.0
    latency_ms: int = 0
    seen: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(FAULT_KINDS)}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to a call (before counting)."""
        return path.startswith(self.path) and self.method in (None, method.upper())

    def exhausted(self) -> bool:
        """Whether the rule has fired as often as it may."""
        return self.count is not None and self.fired >= self.count


class FaultPlan:
    """The active rules; :meth:`draw` decides, call by call, which faults apply."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        """Activate a rule."""
        with self._lock:
            self.rules.append(rule)

    def clear(self, seed: int | None = None) -> None:
        """Remove every rule (and reseed, if asked)."""
        with self._lock:
            self.rules.clear()
            if seed is not None:
                self._rng.seed(seed)

    def draw(self, method: str, path: str) -> list[Fault]:
        """The faults for this call: any latency, then at most one failure."""
        with self._lock:
            fired = [r for r in self.rules if r.matches(method, path) and self._fires(r)]
        latency = [Fault("latency", r.latency_ms) for r in fired if r.kind == "latency"]
        failures = [Fault(r.kind) for r in fired if r.kind != "latency"]
        return latency + failures[:1]

    def _fires(self, rule: FaultRule) -> bool:
        rule.seen += 1
        if rule.seen <= rule.after or rule.exhausted():
            return False
        if self._rng.random() >= rule.probability:
            return False
        rule.fired += 1
        return True
