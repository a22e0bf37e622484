"""Everything one simulated NetSuite account holds, passed to each endpoint explicitly.

The endpoints are small classes over this one object instead of sharing module state, so two
simulators in one process (two accounts) never see each other's data, tokens or faults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ml_connector.sandbox.netsuite.database import Database
from ml_connector.sandbox.netsuite.events import EventEmitter
from ml_connector.sandbox.netsuite.faults import FaultPlan
from ml_connector.sandbox.netsuite.integration import IntegrationRecord
from ml_connector.sandbox.netsuite.tba import TbaVerifier
from ml_connector.sandbox.netsuite.tokens import TokenStore

__all__ = ["Account", "Settings", "host_slug"]


def host_slug(account_id: str) -> str:
    """The hostname label of an account id: ``1234567_SB1`` → ``1234567-sb1``."""
    return account_id.lower().replace("_", "-")


@dataclass
class Settings:
    """Knobs the control API may turn while the simulator runs."""

    concurrency: int
    latency_ms: int


@dataclass
class Account:
    """The state of one simulated account."""

    account_id: str
    integration: IntegrationRecord
    db: Database
    tokens: TokenStore
    tba: TbaVerifier
    events: EventEmitter
    faults: FaultPlan
    settings: Settings
    clock: Callable[[], float]
    redirect_uris: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)

    def token_urls(self) -> set[str]:
        """The ``aud`` values NetSuite documents for this account's token endpoint."""
        path = "/services/rest/auth/oauth2/v1/token"
        slug = host_slug(self.account_id)
        return {
            f"https://{slug}.{kind}.api.netsuite.com{path}" for kind in ("suitetalk", "restlets")
        }
