"""A store filled with known secrets in every sealed column, for rotation and at-rest tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from ml_connector.store.connections import add_connection
from ml_connector.store.keyring import Keyring
from ml_connector.store.sealed import channel_context, token_context
from ml_connector.store.tables import channels, tokens


@dataclass(frozen=True)
class Planted:
    """The plaintext secrets written, by where they were written."""

    credentials: dict[tuple[str, str], dict[str, str]]
    tokens: dict[tuple[int, str, str], str]
    channel_tokens: dict[tuple[int, str], str]

    def all_values(self) -> list[str]:
        values = [v for system in self.credentials.values() for v in system.values()]
        return values + list(self.tokens.values()) + list(self.channel_tokens.values())


def _secret(label: str) -> str:
    return f"{label}-{secrets.token_hex(16)}"


def plant(engine: Engine, keyring: Keyring, *, connections: int = 2) -> Planted:
    """Store ``connections`` connections with credentials, tokens and a channel each."""
    creds: dict[tuple[str, str], dict[str, str]] = {}
    toks: dict[tuple[int, str, str], str] = {}
    chans: dict[tuple[int, str], str] = {}
    now = datetime.now(UTC)
    for n in range(connections):
        values = {
            "netsuite": {"private_key_pem": _secret("PEM"), "token_secret": _secret("TS")},
            "zoho": {"client_secret": _secret("CS"), "refresh_token": _secret("RT")},
        }
        row = add_connection(engine, keyring, name=f"org{n}", config={}, secrets=values)
        for system, vals in values.items():
            creds[(row.name, system)] = vals
        with engine.begin() as conn:
            for system in ("netsuite", "zoho"):
                value = _secret("AT")
                toks[(row.id, system, "access")] = value
                context = token_context(row.id, system, "access")
                conn.execute(
                    insert(tokens).values(
                        connection_id=row.id,
                        system=system,
                        kind="access",
                        sealed=keyring.seal(value, context=context),
                        key_id=keyring.primary_id,
                        expires_at=now,
                        updated_at=now,
                    )
                )
            channel_id = f"1000{n}"
            value = _secret("CH")
            chans[(row.id, channel_id)] = value
            conn.execute(
                insert(channels).values(
                    connection_id=row.id,
                    channel_id=channel_id,
                    events=["Accounts.all"],
                    sealed_token=keyring.seal(value, context=channel_context(row.id, channel_id)),
                    key_id=keyring.primary_id,
                )
            )
    return Planted(creds, toks, chans)
