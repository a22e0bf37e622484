"""Every error of the one tree tells a person what to do, in one line on the command line."""

from __future__ import annotations

import pytest

from ml_connector import errors
from ml_connector.cli.output import error_line
from ml_connector.errors import ConnectorError

EXAMPLES: list[ConnectorError] = [
    errors.ConnectorError("something went wrong"),
    errors.ConfigError("bad flag"),
    errors.ConfigFileError("acme.json", "not valid JSON"),
    errors.ConfigValueError("acme.json", ["zoho.dc: wrong", "netsuite: missing"]),
    errors.StoreError("cannot open the database"),
    errors.SchemaTooNewError("9999", "0003"),
    errors.NotFoundError("connection", "ghost"),
    errors.AlreadyExistsError("connection", "acme"),
    errors.SecretError("no secret keys configured"),
    errors.KeyUnavailableError("0123456789abcdef"),
    errors.RetryableError("Zoho answered 503", retry_after=4.0, status=503),
    errors.PermanentError("Zoho answered 400", status=400, code="INVALID_DATA"),
    errors.AuthError("zoho", "invalid_client", connection="acme"),
    errors.RecordError("Account 42", "DUPLICATE_DATA", "already there", field="Account_Name"),
]


def test_the_examples_cover_the_whole_tree() -> None:
    exported = {getattr(errors, name) for name in errors.__all__}
    assert {type(example) for example in EXAMPLES} == exported


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_has_a_hint_and_a_one_line_message(error: ConnectorError) -> None:
    assert error.hint.strip()
    line = error_line(error.message, error.hint)
    assert "\n" not in line
    assert line == f"error: {error.message} (hint: {error.hint})"


def test_a_message_spanning_lines_is_printed_as_one() -> None:
    refused = errors.PermanentError("Zoho answered 400:\n  MANDATORY_NOT_FOUND\r\n  Last_Name")
    line = error_line(refused.message, refused.hint)
    assert line.startswith("error: Zoho answered 400: MANDATORY_NOT_FOUND Last_Name (hint: ")
    assert "\n" not in line
    assert "\r" not in line
