"""Process-wide logging setup: one redacting handler on the root logger.

Putting redaction in the root handler rather than at call sites means no call site can forget
it: every record that propagates to the root is redacted on its way out.
"""

from __future__ import annotations

import logging
from typing import Literal, TextIO, get_args

from ml_connector.errors import ConfigError
from ml_connector.logs.formatting import JsonFormatter, RedactingFormatter, TextFormatter
from ml_connector.logs.handler import RedactingHandler
from ml_connector.logs.redaction import Redactor

__all__ = ["LogFormat", "configure_logging"]

LogFormat = Literal["json", "text"]


def configure_logging(
    *,
    level: str = "INFO",
    fmt: LogFormat = "text",
    stream: TextIO | None = None,
    redactor: Redactor | None = None,
) -> Redactor:
    """Route all logging through one redacting handler on the root logger; return its redactor.

    Calling it again replaces the handler instead of adding a second one, and keeps the
    previous redactor (with the values it remembered) unless another is passed. Handlers that
    others installed, such as pytest's capture, are left alone.
    """
    number = _level_number(level)
    formatter = _formatter(fmt)
    root = logging.getLogger()
    previous = [handler for handler in root.handlers if isinstance(handler, RedactingHandler)]
    if redactor is None:
        redactor = previous[0].redactor if previous else Redactor()
    for handler in previous:
        root.removeHandler(handler)
        handler.close()
    root.addHandler(RedactingHandler(formatter(redactor), stream))
    root.setLevel(number)
    return redactor


# The standard levels only: libraries may register more (uvicorn adds TRACE) at import time,
# and what we accept must not depend on what happens to be imported.
_LEVELS = {
    "NOTSET": logging.NOTSET,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}


def _level_number(level: str) -> int:
    number = _LEVELS.get(level.upper())
    if number is None:
        valid = ", ".join(_LEVELS)
        raise ConfigError(f"unknown log level {level!r}; valid levels: {valid}")
    return number


def _formatter(fmt: str) -> type[RedactingFormatter]:
    if fmt == "json":
        return JsonFormatter
    if fmt == "text":
        return TextFormatter
    valid = ", ".join(get_args(LogFormat))
    raise ConfigError(f"unknown log format {fmt!r}; valid formats: {valid}")
