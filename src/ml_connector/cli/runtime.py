"""What a command needs from its environment, built once per invocation and only when used."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import Engine

from ml_connector.settings import Settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.keyring import Keyring
from ml_connector.store.schema import open_engine

__all__ = ["Runtime"]


class Runtime:
    """Settings read once; the store and the keyring opened on first use, not at start-up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        """The store, migrated (embedded default) or checked (external database)."""
        return open_engine(self.settings)

    @cached_property
    def keyring(self) -> Keyring:
        """The secret keys: from the environment, else the key file (made on first use)."""
        return keyring_for(self.settings)
