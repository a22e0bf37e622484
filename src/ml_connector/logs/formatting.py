"""Formatters that redact every part of a record before any of it is written.

They read a record but never write to it: the stock ``logging.Formatter`` caches the message and
the exception text on the record, which would hand other handlers our copy (or hand us theirs,
unredacted). Each part that can carry a secret is redacted on its own path — the message template
and its ``%`` arguments, ``extra=`` fields, the exception with its chain, the stack — and the
finished line is checked once more for remembered values.
"""

from __future__ import annotations

import abc
import json
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import cast

from ml_connector.logs.redaction import MAX_DEPTH, Redactor

__all__ = ["JsonFormatter", "RedactedRecord", "RedactingFormatter", "TextFormatter"]

RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
"""Attributes every record has; anything else on a record came from ``extra=``."""

JSON_RESERVED = ("time", "level", "logger", "message", "exc", "stack")
"""Keys a JSON line always means the same thing by; an extra with one of these names is renamed."""


@dataclass(frozen=True, slots=True)
class RedactedRecord:
    """The parts of a log record that reach output, each already redacted."""

    time: str
    level: str
    logger: str
    message: str
    extras: dict[str, object]
    exc: str | None
    stack: str | None


class RedactingFormatter(logging.Formatter, abc.ABC):
    """Base of the formatters: redacts the record, leaves the layout to subclasses."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    @property
    def redactor(self) -> Redactor:
        """The redactor this formatter applies to every record."""
        return self._redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redactor.redact_known(self.render(self.redacted(record)))

    @abc.abstractmethod
    def render(self, record: RedactedRecord) -> str:
        """Lay out an already redacted record as one entry of output."""

    def redacted(self, record: logging.LogRecord) -> RedactedRecord:
        """Every part of ``record`` that can reach output, with secrets removed."""
        return RedactedRecord(
            time=_utc_iso(record.created),
            level=record.levelname,
            logger=record.name,
            message=self._message(record),
            extras=self._extras(record),
            exc=self._exception(record),
            stack=self._redactor.redact(record.stack_info) if record.stack_info else None,
        )

    def formatException(  # noqa: N802 - overrides the logging API
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        return self._redactor.redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - overrides the logging API
        return self._redactor.redact(stack_info)

    def _message(self, record: logging.LogRecord) -> str:
        """The message as ``getMessage`` would build it, from arguments redacted beforehand.

        Redacting the arguments first lets a secret-named key in a dict argument hide its value;
        redacting the result catches what only the formatted text shows.
        """
        message = record.msg
        if not isinstance(message, str):  # log.info(payload) logs the payload's text
            message = str(self._redactor.redact_value(message))
        if record.args:
            message = message % self._redactor.redact_value(record.args)
        return self._redactor.redact(message)

    def _extras(self, record: logging.LogRecord) -> dict[str, object]:
        fields = {
            key: _jsonable(value)
            for key, value in record.__dict__.items()
            if key not in RECORD_ATTRIBUTES and not key.startswith("_")
        }
        # a mapping with text keys always comes back as a dict with text keys
        return cast("dict[str, object]", self._redactor.redact_value(fields))

    def _exception(self, record: logging.LogRecord) -> str | None:
        """The traceback with chained causes, rebuilt from ``exc_info`` rather than the cache."""
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text = "".join(traceback.format_exception(error)).rstrip("\n")
        elif record.exc_text:
            text = record.exc_text
        else:
            return None
        return self._redactor.redact(text)


class JsonFormatter(RedactingFormatter):
    """One JSON object per line, for log shippers: time, level, logger, message, extras, exc."""

    def render(self, record: RedactedRecord) -> str:
        payload: dict[str, object] = {
            "time": record.time,
            "level": record.level,
            "logger": record.logger,
            "message": record.message,
        }
        for key, value in record.extras.items():
            payload[f"extra_{key}" if key in JSON_RESERVED else key] = value
        if record.exc is not None:
            payload["exc"] = record.exc
        if record.stack is not None:
            payload["stack"] = record.stack
        return json.dumps(payload, ensure_ascii=False, default=str)


class TextFormatter(RedactingFormatter):
    """A line for people: time, level, logger, message, then extras as ``key=value``."""

    def render(self, record: RedactedRecord) -> str:
        head = f"{record.time} {record.level:<8} {record.logger}: {record.message}"
        pairs = " ".join(f"{key}={_text_value(value)}" for key, value in record.extras.items())
        lines = [f"{head} {pairs}" if pairs else head]
        lines += [part for part in (record.exc, record.stack) if part is not None]
        return "\n".join(lines)


def _utc_iso(created: float) -> str:
    moment = datetime.fromtimestamp(created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_value(value: object) -> str:
    """Bare when unambiguous, JSON-quoted when spaces or quotes would blur the pairs."""
    if isinstance(value, str) and value and not any(c in value for c in " \t\r\n\"'="):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _jsonable(value: object, depth: int = 0) -> object:
    """Mappings with text keys and lists in place of other collections, as JSON can hold them.

    Keys become text before redaction, so a secret hidden in a tuple key is still seen.
    """
    if depth >= MAX_DEPTH:
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item, depth + 1) for item in value]
    return value
