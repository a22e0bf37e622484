"""Zoho's API limits: concurrent calls per edition, the heavy-call sub-limit and daily credits.

Beyond any of them Zoho answers 429 TOO_MANY_REQUESTS with no ``Retry-After``; the connector's
adaptive limiter and backoff are tested against exactly that.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CONCURRENCY",
    "HEAVY_CONCURRENCY",
    "Credits",
    "InFlight",
    "credit_budget",
    "write_cost",
]

CONCURRENCY = {"free": 5, "standard": 10, "professional": 15, "enterprise": 20, "ultimate": 25}
HEAVY_CONCURRENCY = 10
CREDIT_WINDOW = 24 * 3600.0

# Edition → (credits per user license, maximum); None = no maximum. Base is 50,000 but Free.
CREDIT_RULES: dict[str, tuple[int, int | None]] = {
    "standard": (250, 100_000),
    "professional": (500, 3_000_000),
    "enterprise": (1_000, 5_000_000),
    "ultimate": (2_000, None),
}


def credit_budget(edition: str, users: int) -> int:
    """Credits per rolling 24 hours for an edition and number of user licenses."""
    if edition == "free":
        return 5_000
    per_user, ceiling = CREDIT_RULES[edition]
    budget = 50_000 + users * per_user
    return budget if ceiling is None else min(budget, ceiling)


def write_cost(records: int) -> int:
    """Insert, update and upsert cost 1 credit per 10 records, at least 1."""
    return max(1, math.ceil(records / 10))


@dataclass
class InFlight:
    """Calls being served right now, overall and of the heavy kind."""

    limit: int
    all: int = 0
    heavy: int = 0

    def enter(self) -> bool:
        """Admit a call, or False when the edition's concurrency is used up."""
        if self.all >= self.limit:
            return False
        self.all += 1
        return True

    def leave(self) -> None:
        """A call finished."""
        self.all -= 1

    def enter_heavy(self) -> bool:
        """Admit a heavy call (a write of more than 10 records), or False beyond 10."""
        if self.heavy >= HEAVY_CONCURRENCY:
            return False
        self.heavy += 1
        return True

    def leave_heavy(self) -> None:
        """A heavy call finished."""
        self.heavy -= 1


class Credits:
    """The org's rolling 24-hour credit budget."""

    def __init__(self, budget: int, clock: Callable[[], float]) -> None:
        self.budget = budget
        self.clock = clock
        self._spent: deque[tuple[float, int]] = deque()
        # Kept with the deque so a charge costs the same in a long benchmark as in a short test.
        self._total = 0

    def used(self) -> int:
        """Credits charged in the last 24 hours."""
        horizon = self.clock() - CREDIT_WINDOW
        while self._spent and self._spent[0][0] <= horizon:
            self._total -= self._spent.popleft()[1]
        return self._total

    def charge(self, cost: int) -> bool:
        """Charge a call, or False (charging nothing) when the budget cannot cover it."""
        if self.used() + cost > self.budget:
            return False
        self._spent.append((self.clock(), cost))
        self._total += cost
        return True

    def remaining_header(self) -> dict[str, str]:
        """``X-API-CREDITS-REMAINING``, which Zoho sends once half the window is used."""
        used = self.used()
        if used * 2 < self.budget:
            return {}
        return {"X-API-CREDITS-REMAINING": str(self.budget - used)}
