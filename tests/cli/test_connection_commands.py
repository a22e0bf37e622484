"""``connection add|list|show|remove`` as an operator uses them, and how bad input is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_connector.errors import NotFoundError
from tests.cli.conftest import SANDBOX_LIKE, SECRET_VALUES
from tests.conftest import Run


def test_add_list_show_remove(run: Run, config_file: Path) -> None:
    added = run("connection", "add", "acme", "--config", str(config_file))
    assert added.code == 0, added.err
    listed = run("connection", "list", "--json").json()
    assert [c["name"] for c in listed] == ["acme"]
    shown = run("connection", "show", "acme", "--json").json()
    assert shown["netsuite"]["account_id"] == "1234567_SB1"
    assert shown["zoho"]["api_domain"] == "http://127.0.0.1:9002"
    assert "refresh_token" in shown["secrets_set"]["zoho"]
    assert run("connection", "remove", "acme").code == 0
    assert run("connection", "list", "--json").json() == []


def test_no_listing_ever_prints_a_secret(run: Run, config_file: Path) -> None:
    run("connection", "add", "acme", "--config", str(config_file))
    outputs = [
        run("connection", "list").out,
        run("connection", "list", "--json").out,
        run("connection", "show", "acme").out,
        run("connection", "show", "acme", "--json").out,
    ]
    for output in outputs:
        assert "acme" in output
        for secret in SECRET_VALUES:
            assert secret.strip() not in output


def test_a_toml_file_is_accepted_too(run: Run, tmp_path: Path) -> None:
    ns, zoho = SANDBOX_LIKE["netsuite"], SANDBOX_LIKE["zoho"]
    path = tmp_path / "beta.toml"
    path.write_text(
        "[netsuite]\n"
        f'account_id = "{ns["account_id"]}"\nauth = "tba"\n'
        f'consumer_key = "a-key"\nconsumer_secret = "b-secret"\n'
        f'token_id = "c-token"\ntoken_secret = "d-secret"\n'
        "[zoho]\n"
        f'client_id = "{zoho["client_id"]}"\nclient_secret = "e-secret"\ndc = "eu"\n'
    )
    assert run("connection", "add", "beta", "--config", str(path)).code == 0
    assert run("connection", "show", "beta", "--json").json()["zoho"]["dc"] == "eu"


def _store_is_empty(run: Run) -> None:
    assert run("connection", "list", "--json").json() == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"netsuite": ', "not valid JSON at line 1"),
        ("[1, 2]", "valid dictionary"),
        (
            json.dumps({**SANDBOX_LIKE, "zoho": {**SANDBOX_LIKE["zoho"], "colour": "red"}}),
            "unknown key 'zoho.colour' (valid keys: accounts_url, api_domain, client_id",
        ),
        (
            json.dumps({**SANDBOX_LIKE, "zoho": {"client_id": "x"}}),
            "missing required key 'zoho.client_secret'",
        ),
        (
            json.dumps({**SANDBOX_LIKE, "zoho": {**SANDBOX_LIKE["zoho"], "dc": "mars"}}),
            "zoho.dc: Input should be 'com', 'eu'",
        ),
        (
            json.dumps({"netsuite": {"account_id": "1"}, "zoho": SANDBOX_LIKE["zoho"]}),
            "needs client_id, certificate_id, private_key_pem",
        ),
        (
            json.dumps(
                {
                    **SANDBOX_LIKE,
                    "netsuite": {**SANDBOX_LIKE["netsuite"], "signing_algorithm": "RS256"},
                }
            ),
            "RS256 is no longer accepted by NetSuite",
        ),
        (
            json.dumps(
                {**SANDBOX_LIKE, "netsuite": {**SANDBOX_LIKE["netsuite"], "time_zone": "PST"}}
            ),
            "netsuite.time_zone: Value error, not an IANA time zone name",
        ),
    ],
)
def test_bad_files_get_one_line_naming_the_file_and_store_nothing(
    run: Run, tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run("connection", "add", "acme", "--config", str(path))
    assert result.code == 1
    assert result.err.count("\n") == 1, "one line, no traceback"
    assert result.err.startswith(f"error: {path}")
    assert expected in result.err
    _store_is_empty(run)


def test_a_secret_in_a_wrong_place_is_not_echoed(run: Run, tmp_path: Path) -> None:
    leaked = "sk-live-do-not-print-0123456789"
    bad = {**SANDBOX_LIKE, "zoho": {**SANDBOX_LIKE["zoho"], "client_secret": {"v": leaked}}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = run("connection", "add", "acme", "--config", str(path))
    assert result.code == 1
    assert "zoho.client_secret" in result.err
    assert leaked not in result.err + result.out


def test_a_missing_file_is_named(run: Run, tmp_path: Path) -> None:
    result = run("connection", "add", "acme", "--config", str(tmp_path / "nope.json"))
    assert result.code == 1
    assert "nope.json: cannot read" in result.err


def test_a_duplicate_name_is_refused_and_the_first_is_kept(run: Run, config_file: Path) -> None:
    assert run("connection", "add", "acme", "--config", str(config_file)).code == 0
    again = run("connection", "add", "acme", "--config", str(config_file))
    assert again.code == 1
    assert "already exists" in again.err
    assert len(run("connection", "list", "--json").json()) == 1


@pytest.mark.parametrize("name", ["Acme", "a b", "_x", "x" * 64, "../etc"])
def test_names_must_be_url_safe(run: Run, config_file: Path, name: str) -> None:
    result = run("connection", "add", name, "--config", str(config_file))
    assert result.code == 1
    assert "invalid connection name" in result.err
    _store_is_empty(run)


def test_unknown_connection(run: Run) -> None:
    result = run("connection", "show", "ghost")
    assert result.code == 1
    assert (
        result.err
        == "error: no connection named 'ghost' (hint: list them with `connection list`)\n"
    )


def test_usage_errors_exit_2_without_a_traceback(run: Run) -> None:
    result = run("connection", "add", "acme")
    assert result.code == 2
    assert "--config" in result.err
    assert "Traceback" not in result.err


def test_debug_shows_the_traceback(run: Run) -> None:
    with pytest.raises(NotFoundError):
        run("--debug", "connection", "show", "ghost")
