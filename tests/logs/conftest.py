"""Fixtures that configure logging for one test and put the root logger back afterwards."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from ml_connector.logs import RedactingHandler, Redactor, configure_logging
from ml_connector.logs.configuration import LogFormat
from tests.logs.fakes import SecretCase, build_cases


def _drop_redacting_handlers(root: logging.Logger) -> None:
    for handler in [h for h in root.handlers if isinstance(h, RedactingHandler)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, stripped of our handlers and reset to its level after the test.

    Only our handlers are touched: pytest's capture handlers come and go per test phase.
    """
    root = logging.getLogger()
    level = root.level
    _drop_redacting_handlers(root)
    yield root
    _drop_redacting_handlers(root)
    root.setLevel(level)


@dataclass
class LogCapture:
    """Logging configured into a string buffer."""

    stream: io.StringIO = field(default_factory=io.StringIO)

    def configure(self, fmt: LogFormat, redactor: Redactor | None = None) -> Redactor:
        return configure_logging(level="DEBUG", fmt=fmt, stream=self.stream, redactor=redactor)

    @property
    def output(self) -> str:
        return self.stream.getvalue()

    def visible(self, fmt: LogFormat) -> str:
        """The raw output plus, for JSON, the decoded values (escapes undone)."""
        if fmt == "text":
            return self.output
        decoded = [_strings(json.loads(line)) for line in self.output.splitlines()]
        return "\n".join([self.output, *decoded])


def _strings(value: object) -> str:
    if isinstance(value, dict):
        return "\n".join(_strings(item) for item in value.values())
    if isinstance(value, list):
        return "\n".join(_strings(item) for item in value)
    return str(value)


@pytest.fixture
def capture(root_logger: logging.Logger) -> LogCapture:
    return LogCapture()


@pytest.fixture(scope="session")
def secret_cases() -> dict[str, SecretCase]:
    return build_cases()
