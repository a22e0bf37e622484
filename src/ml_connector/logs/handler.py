"""The stream handler whose every line has passed through a :class:`Redactor`.

It accepts only redacting formatters, and it reports its own failures without the stock
``handleError`` dump of the record's message and arguments, which would print the very secrets
the formatter was about to remove.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from typing import TextIO

from ml_connector.logs.formatting import RedactingFormatter
from ml_connector.logs.redaction import Redactor

__all__ = ["RedactingHandler"]


class RedactingHandler(logging.StreamHandler[TextIO]):
    """Writes redacted records to a text stream (standard error by default)."""

    def __init__(self, formatter: RedactingFormatter, stream: TextIO | None = None) -> None:
        super().__init__(sys.stderr if stream is None else stream)
        self._redacting_formatter = formatter
        super().setFormatter(formatter)

    @property
    def redactor(self) -> Redactor:
        """The redactor behind this handler's output."""
        return self._redacting_formatter.redactor

    def setFormatter(self, fmt: logging.Formatter | None) -> None:  # noqa: N802 - logging API
        """Swap the layout, never the redaction: only redacting formatters are accepted."""
        if not isinstance(fmt, RedactingFormatter):
            raise TypeError(f"{type(self).__name__} needs a RedactingFormatter, not {fmt!r}")
        self._redacting_formatter = fmt
        super().setFormatter(fmt)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging API
        """Report a failure to emit ``record``, redacted, on standard error.

        Like the stock handler this stays silent when ``logging.raiseExceptions`` is off.
        """
        if not logging.raiseExceptions:
            return
        error = sys.exc_info()[1]
        detail = "".join(traceback.format_exception(error)) if error is not None else ""
        report = f"--- Logging error ---\n{detail}Message: {record.msg!r}\n"
        # when standard error is gone too, there is nowhere left to say it
        with contextlib.suppress(OSError):
            sys.stderr.write(self.redactor.redact(report))
