"""Structured logging whose output is free of secrets by construction.

``configure_logging`` puts one handler on the root logger; everything it writes has passed
through a :class:`Redactor`, whichever path a secret took into the record: message, ``%``
arguments, ``extra=`` fields, exception or stack. Code that learns a secret at runtime (opens a
stored credential, receives a token) calls ``redactor.remember(value)`` so that even an opaque
value is removed wherever it appears.
"""

from __future__ import annotations

from ml_connector.logs.configuration import LogFormat, configure_logging
from ml_connector.logs.formatting import JsonFormatter, RedactingFormatter, TextFormatter
from ml_connector.logs.handler import RedactingHandler
from ml_connector.logs.redaction import REDACTED, Redactor

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "LogFormat",
    "RedactingFormatter",
    "RedactingHandler",
    "Redactor",
    "TextFormatter",
    "configure_logging",
]
