"""What a command needs from its environment, built once per invocation and only when used."""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from typing import TextIO, cast

from sqlalchemy import Engine

from ml_connector.auth.session import SessionOptions
from ml_connector.logs import Redactor, configure_logging
from ml_connector.settings import Settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.keyring import Keyring
from ml_connector.store.schema import open_engine

__all__ = ["Runtime"]


class _StandardError:
    """Standard error as it is at each write, so a redirected stderr is honoured."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class Runtime:
    """Settings read once; logging set up; the store and keyring opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redactor: Redactor = configure_logging(
            level=settings.log_level,
            fmt=settings.log_format,
            stream=cast("TextIO", _StandardError()),
        )
        if settings.log_level != "DEBUG":
            # one line per HTTP request is debugging detail, not an operator's business
            for chatty in ("httpx", "httpcore"):
                logging.getLogger(chatty).setLevel(logging.WARNING)

    @cached_property
    def engine(self) -> Engine:
        """The store, migrated (embedded default) or checked (external database)."""
        return open_engine(self.settings)

    @cached_property
    def keyring(self) -> Keyring:
        """The secret keys: from the environment, else the key file (made on first use)."""
        return keyring_for(self.settings)

    def session_options(self) -> SessionOptions:
        """How sessions opened by this command talk; opened secrets are redacted from logs."""
        return SessionOptions(remember=self.redactor.remember)
