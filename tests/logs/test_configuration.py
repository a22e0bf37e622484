"""The root handler: installed once, laid out as promised, and harmless to other handlers."""

from __future__ import annotations

import io
import json
import logging
import secrets
from datetime import UTC, datetime

import pytest

from ml_connector.errors import ConfigError
from ml_connector.logs import (
    REDACTED,
    JsonFormatter,
    RedactingHandler,
    Redactor,
    TextFormatter,
    configure_logging,
)
from tests.logs.conftest import LogCapture

log = logging.getLogger("ml_connector.tests.configuration")


def ours(root: logging.Logger) -> list[RedactingHandler]:
    return [handler for handler in root.handlers if isinstance(handler, RedactingHandler)]


def test_configuring_twice_leaves_one_handler_and_keeps_remembered_values(
    root_logger: logging.Logger,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    redactor = configure_logging(stream=first)
    token = secrets.token_urlsafe(24)
    redactor.remember(token)

    again = configure_logging(stream=second, fmt="json")
    log.warning("token %s", token)

    assert again is redactor
    assert len(ours(root_logger)) == 1
    assert first.getvalue() == ""
    assert json.loads(second.getvalue())["message"] == f"token {REDACTED}"


def test_a_redactor_passed_in_replaces_the_previous_one(root_logger: logging.Logger) -> None:
    configure_logging(stream=io.StringIO())
    mine = Redactor(marker="<hidden>")
    assert configure_logging(stream=io.StringIO(), redactor=mine) is mine
    assert ours(root_logger)[0].redactor is mine


def test_the_level_filters_records(capture: LogCapture) -> None:
    configure_logging(level="warning", stream=capture.stream)
    log.info("quiet")
    log.warning("loud")
    assert "quiet" not in capture.output
    assert "loud" in capture.output


@pytest.mark.parametrize(
    ("arguments", "named"),
    [({"level": "LOUD"}, "valid levels: NOTSET, DEBUG, INFO"), ({"fmt": "xml"}, "json, text")],
)
def test_unknown_settings_are_refused_with_the_valid_ones(
    root_logger: logging.Logger, arguments: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        configure_logging(**arguments)  # type: ignore[arg-type]  # wrong on purpose
    assert ours(root_logger) == []


def test_json_lines_carry_time_level_logger_message_extras_and_exception(
    capture: LogCapture,
) -> None:
    capture.configure("json")
    try:
        raise KeyError("missing")
    except KeyError:
        log.error(
            "write failed for %s",
            "acme",
            extra={"time": "clash", "records": 3, "at": datetime(2026, 1, 1, tzinfo=UTC)},
            exc_info=True,
        )

    entry = json.loads(capture.output)
    assert datetime.fromisoformat(entry["time"]).utcoffset() is not None
    assert entry["time"].endswith("Z")
    assert entry["level"] == "ERROR"
    assert entry["logger"] == log.name
    assert entry["message"] == "write failed for acme"
    assert entry["extra_time"] == "clash"
    assert entry["records"] == 3
    assert entry["at"] == "2026-01-01 00:00:00+00:00"
    assert entry["exc"].startswith("Traceback (most recent call last):")
    assert entry["exc"].endswith("KeyError: 'missing'")


def test_text_lines_read_as_message_then_key_value_pairs(capture: LogCapture) -> None:
    capture.configure("text")
    log.info("upserted", extra={"zoho_module": "Accounts", "note": "two words", "ids": [1, 2]})

    line = capture.output.rstrip("\n")
    time, level, rest = line.split(" ", 2)
    assert datetime.fromisoformat(time).tzinfo is not None
    assert level == "INFO"
    assert rest.lstrip() == f'{log.name}: upserted zoho_module=Accounts note="two words" ids=[1, 2]'


def test_stack_info_is_redacted(capture: LogCapture) -> None:
    capture.configure("text")
    record = log.makeRecord(
        log.name, logging.INFO, __file__, 1, "with stack", (), None,
        sinfo="Stack (most recent call last):\n  headers = 'Authorization: Bearer s3cr3tt0k3n'",
    )  # fmt: skip
    log.handle(record)
    assert "s3cr3tt0k3n" not in capture.output
    assert "Stack (most recent call last)" in capture.output


def test_exception_notes_and_cached_exception_text_are_redacted(capture: LogCapture) -> None:
    capture.configure("text")
    error = RuntimeError("upsert failed")
    error.add_note("request body: refresh_token=n0t3dt0k3n")
    log.error("failed", exc_info=error)
    relayed = logging.makeLogRecord(
        {
            "name": log.name,
            "msg": "relayed",
            "levelno": logging.ERROR,
            "levelname": "ERROR",
            "exc_text": "ValueError: client_secret=c4ch3d",
        }
    )
    log.handle(relayed)

    assert "n0t3dt0k3n" not in capture.output
    assert "c4ch3d" not in capture.output
    assert "request body: refresh_token=" in capture.output
    assert "ValueError: client_secret=" in capture.output


def test_other_handlers_see_the_record_unchanged_and_caplog_still_works(
    capture: LogCapture, caplog: pytest.LogCaptureFixture
) -> None:
    capture.configure("json")
    token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
    with caplog.at_level(logging.INFO):
        log.info("token %s", token, extra={"access_token": token})

    record = caplog.records[-1]
    assert record.args == (token,)
    assert record.__dict__["access_token"] == token
    assert token in caplog.text
    assert token not in capture.output


def test_formatting_writes_nothing_onto_the_record() -> None:
    try:
        raise ValueError("password=hunter22")
    except ValueError as error:
        record = log.makeRecord(log.name, logging.ERROR, __file__, 1, "x %s", ("y",), (
            type(error), error, error.__traceback__))  # fmt: skip
    before = dict(record.__dict__)
    for formatter in (JsonFormatter(Redactor()), TextFormatter(Redactor())):
        formatter.format(record)
    assert record.__dict__ == before


def test_a_handler_that_formats_first_does_not_leak_its_cached_traceback(
    capture: LogCapture, root_logger: logging.Logger
) -> None:
    capture.configure("text")
    plain = logging.StreamHandler(io.StringIO())
    root_logger.handlers.insert(0, plain)  # the stock formatter caches exc_text before ours runs
    try:
        try:
            raise ValueError("client_secret=f1rstf0rm4tt3d")
        except ValueError:
            log.exception("boom")
    finally:
        root_logger.removeHandler(plain)
    assert "f1rstf0rm4tt3d" in plain.stream.getvalue()
    assert "f1rstf0rm4tt3d" not in capture.output
    assert "ValueError: client_secret=" in capture.output


def test_a_record_that_cannot_be_formatted_is_reported_without_its_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # handled directly: pytest's own capture handler would turn the logging error into a failure
    stream = io.StringIO()
    handler = RedactingHandler(TextFormatter(Redactor()), stream)
    record = log.makeRecord(
        log.name, logging.INFO, __file__, 1,
        "count %d, with Authorization: Bearer %s", ("many", "f41l3dt0k3n"), None,
    )  # fmt: skip
    handler.handle(record)

    report = capsys.readouterr().err
    assert "--- Logging error ---" in report
    assert "TypeError" in report
    assert "f41l3dt0k3n" not in report
    assert stream.getvalue() == ""


def test_only_redacting_formatters_are_accepted(capture: LogCapture) -> None:
    capture.configure("text")
    handler = ours(logging.getLogger())[0]
    with pytest.raises(TypeError, match="RedactingFormatter"):
        handler.setFormatter(logging.Formatter())
    handler.setFormatter(JsonFormatter(handler.redactor))
    log.info("switched")
    assert json.loads(capture.output)["message"] == "switched"


def test_a_mapping_logged_as_the_message_hides_its_secret_fields(capture: LogCapture) -> None:
    capture.configure("json")
    log.info({"connection": "acme-prod", "client_secret": "m3ss4g3s3cr3t"})
    message = json.loads(capture.output)["message"]
    assert message == f"{{'connection': 'acme-prod', 'client_secret': '{REDACTED}'}}"
