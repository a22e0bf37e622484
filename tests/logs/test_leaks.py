"""Every kind of secret, through every path into a record, in both formats, never reaches output.

Each test also checks that the non-secret context survives, so a formatter that printed nothing
could not pass.
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.logs import JsonFormatter, Redactor, TextFormatter
from ml_connector.logs.configuration import LogFormat
from tests.logs.conftest import LogCapture
from tests.logs.fakes import SecretCase

CONTEXT = "syncing connection acme-prod"
log = logging.getLogger("ml_connector.tests.leaks")


class Carrier:
    """An object whose text form holds a secret, as a response or a credential object might."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return f"Carrier({self.text})"

    __repr__ = __str__


def via_message(case: SecretCase) -> None:
    log.info(f"{CONTEXT}: {case.text}")  # the secret baked into the template itself


def via_args(case: SecretCase) -> None:
    log.info("%s: %s", CONTEXT, case.text)


def via_mapping_arg(case: SecretCase) -> None:
    log.info("%(context)s: %(detail)s", {"context": CONTEXT, "detail": case.text})


def via_object_arg(case: SecretCase) -> None:
    log.info("%s: %s %r", CONTEXT, Carrier(case.text), [Carrier(case.text)])


def via_extra_fields(case: SecretCase) -> None:
    nested = {"request": {"attempts": [{case.field: case.field_value, "status": 401}]}}
    log.info(CONTEXT, extra={case.field: case.field_value, "payload": nested})


def via_extra_text(case: SecretCase) -> None:
    log.info(CONTEXT, extra={"detail": case.text, "items": [case.text]})


def via_exception(case: SecretCase) -> None:
    try:
        try:
            raise ValueError(case.text)
        except ValueError as cause:
            raise RuntimeError(f"token exchange failed: {case.text}") from cause
    except RuntimeError:
        log.exception(CONTEXT)


PATHS: dict[str, Callable[[SecretCase], None]] = {
    "message": via_message,
    "args": via_args,
    "mapping_arg": via_mapping_arg,
    "object_arg": via_object_arg,
    "extra_fields": via_extra_fields,
    "extra_text": via_extra_text,
    "exception": via_exception,
}
CASES = [
    "access_token",
    "refresh_token",
    "client_secret",
    "private_key_pem",
    "jwt_assertion",
    "authorization_header",
    "oauth1_header",
]


@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("case_name", CASES)
def test_secret_never_reaches_output(
    capture: LogCapture,
    secret_cases: dict[str, SecretCase],
    case_name: str,
    path: str,
    fmt: LogFormat,
) -> None:
    case = secret_cases[case_name]
    redactor = capture.configure(fmt)
    if case.remember:
        redactor.remember(case.hidden[0])

    PATHS[path](case)

    visible = capture.visible(fmt)
    assert case.leaked(visible) == []
    assert CONTEXT in visible
    assert redactor.marker in visible
    if path == "exception":
        assert "RuntimeError: token exchange failed:" in visible
        assert "ValueError" in visible


@pytest.mark.parametrize("case_name", CASES)
def test_json_output_stays_one_valid_object_per_record(
    capture: LogCapture, secret_cases: dict[str, SecretCase], case_name: str
) -> None:
    case = secret_cases[case_name]
    capture.configure("json")

    for write in PATHS.values():
        write(case)

    lines = capture.output.splitlines()
    assert len(lines) == len(PATHS)
    assert all(json.loads(line)["message"].startswith(CONTEXT) for line in lines)


@settings(max_examples=200, database=None, deadline=None)
@given(
    before=st.text(),
    after=st.text(),
    secret=st.text(alphabet=string.ascii_letters + string.digits + "-._~", min_size=6),
    where=st.sampled_from(["msg", "arg", "extra", "exc"]),
)
def test_a_remembered_token_never_reaches_a_line_and_json_stays_valid(
    before: str, after: str, secret: str, where: str
) -> None:
    redactor = Redactor()
    redactor.remember(secret)
    text = f"{before}{secret}{after}"
    fields: dict[str, object] = {"name": "t", "levelno": 20, "levelname": "INFO", "msg": "%s"}
    places: dict[str, dict[str, object]] = {
        "msg": {"msg": text, "args": ()},
        "arg": {"args": (text,)},
        "extra": {"args": ("x",), "detail": [text]},
        "exc": {"args": ("x",), "exc_info": (ValueError, ValueError(text), None)},
    }
    fields |= places[where]
    record = logging.makeLogRecord(fields)

    json_line = JsonFormatter(redactor).format(record)
    text_line = TextFormatter(redactor).format(record)

    assert secret not in json_line
    assert secret not in text_line
    assert isinstance(json.loads(json_line), dict)
