"""Everything one simulated Zoho org holds, built once from a seed and shared by the routes."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .channels import Channels
from .faults import FaultPlan
from .ids import IdMint
from .limits import CONCURRENCY, Credits, InFlight, credit_budget
from .modules import Module, standard_modules
from .notifier import Notifier
from .records import RecordStore
from .tokens import TokenAuthority
from .users import Users
from .writes import Writer

__all__ = ["LICENSED_USERS", "OrgState"]

LICENSED_USERS = 10


@dataclass
class OrgState:
    """One org: its users, modules, records, tokens, channels, limits and faults."""

    clock: Callable[[], float]
    rng: random.Random
    mint: IdMint
    users: Users
    modules: dict[str, Module]
    store: RecordStore
    writer: Writer
    authority: TokenAuthority
    channels: Channels
    notifier: Notifier
    faults: FaultPlan
    edition: str
    in_flight: InFlight
    credits: Credits
    org_id: str
    counters: Counter[str] = field(default_factory=Counter)
    page_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        seed: int,
        clock: Callable[[], float],
        edition: str,
        token_ttl: float,
        latency_ms: int,
    ) -> OrgState:
        """A new org with the standard modules and no records."""
        rng = random.Random(seed)
        mint = IdMint(rng)
        users = Users(mint)
        modules = standard_modules(mint)
        store = RecordStore(modules, users, clock)
        channels = Channels(clock, list(modules))
        return cls(
            clock=clock,
            rng=rng,
            mint=mint,
            users=users,
            modules=modules,
            store=store,
            writer=Writer(store, mint),
            authority=TokenAuthority(clock, token_ttl, users.api.id),
            channels=channels,
            notifier=Notifier(channels, clock),
            faults=FaultPlan(rng, latency_ms),
            edition=edition,
            in_flight=InFlight(CONCURRENCY[edition]),
            credits=Credits(credit_budget(edition, LICENSED_USERS), clock),
            org_id=mint.new(),
        )

    def set_edition(self, edition: str) -> None:
        """Switch edition: concurrency and the credit budget follow Zoho's table."""
        self.edition = edition
        self.in_flight.limit = CONCURRENCY[edition]
        self.credits.budget = credit_budget(edition, LICENSED_USERS)
