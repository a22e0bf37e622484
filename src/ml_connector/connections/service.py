"""Adding and showing connections: the connection file split into public settings and secrets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ml_connector.connections.config import ConnectionFile, load_connection_file
from ml_connector.errors import ConfigError
from ml_connector.store.connections import (
    ConnectionRow,
    add_connection,
    get_connection,
    list_connections,
)
from ml_connector.store.keyring import Keyring

__all__ = [
    "NAME_PATTERN",
    "ConnectionView",
    "add_from_file",
    "connection_views",
    "show_connection",
    "store_connection",
    "validate_name",
]

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_NAME = re.compile(NAME_PATTERN)
SYSTEMS = ("netsuite", "zoho")


def validate_name(name: str) -> str:
    """Connection names appear in webhook URLs, so they are short, lowercase and URL-safe."""
    if not _NAME.match(name):
        raise ConfigError(
            f"invalid connection name {name!r}",
            hint="use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
        )
    return name


def _public_config(parsed: ConnectionFile) -> dict[str, Any]:
    config: dict[str, Any] = {system: getattr(parsed, system).public() for system in SYSTEMS}
    config["secrets_set"] = {
        system: sorted(getattr(parsed, system).secrets()) for system in SYSTEMS
    }
    if parsed.control:
        config["control"] = dict(parsed.control)
    return config


def add_from_file(engine: Engine, keyring: Keyring, name: str, path: Path) -> ConnectionRow:
    """Validate ``path`` completely, then store the connection; nothing is stored on error."""
    validate_name(name)
    return store_connection(engine, keyring, name, load_connection_file(path))


def store_connection(
    engine: Engine, keyring: Keyring, name: str, parsed: ConnectionFile
) -> ConnectionRow:
    """Store an already validated connection file under ``name``, its secrets sealed."""
    secrets = {system: getattr(parsed, system).secrets() for system in SYSTEMS}
    return add_connection(
        engine, keyring, name=name, config=_public_config(parsed), secrets=secrets
    )


@dataclass(frozen=True)
class ConnectionView:
    """What ``connection show`` prints: settings, which secrets are set, never their values."""

    name: str
    status: str
    created_at: str
    config: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "status": self.status,
            "created_at": self.created_at,
            **self.config,
        }


def show_connection(engine: Engine, name: str) -> ConnectionView:
    """The connection's public settings and the names (only) of its stored secrets."""
    return _view(get_connection(engine, name))


def connection_views(engine: Engine) -> list[ConnectionView]:
    """Every connection as ``show_connection`` gives it, by name."""
    return [_view(row) for row in list_connections(engine)]


def _view(row: ConnectionRow) -> ConnectionView:
    return ConnectionView(
        name=row.name,
        status=row.status,
        created_at=row.created_at.isoformat(),
        config=row.config,
    )
