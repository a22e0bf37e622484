"""``connection add|list|show|remove`` as an operator uses them, and how bad input is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ml_connector.errors import NotFoundError
from ml_connector.settings import load_settings
from ml_connector.store.connections import get_connection
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from ml_connector.store.tokens import write_token
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


def test_secrets_added_from_a_file_are_nowhere_in_the_database_files(
    run: Run, cli_home: Path, config_file: Path
) -> None:
    assert run("connection", "add", "acme", "--config", str(config_file)).code == 0
    raw = b"".join(path.read_bytes() for path in cli_home.iterdir() if path.name != "secret.keys")
    assert b"1234567_SB1" in raw, "the scan read the stored connection"
    for secret in [*SECRET_VALUES, "PEMSECRET0123456789"]:
        assert secret.strip().encode() not in raw


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
            "netsuite.time_zone: not an IANA time zone name",
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


@pytest.mark.parametrize(
    ("name", "content"),
    [("acme", '{"netsuite": '), ("acme", "{}"), ("Not A Name", json.dumps(SANDBOX_LIKE))],
)
def test_bad_input_on_a_new_machine_creates_no_store_and_no_key(
    run: Run, cli_home: Path, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run("connection", "add", name, "--config", str(path))
    assert result.code == 1
    assert not (cli_home / "ml-connector.db").exists()
    assert not (cli_home / "secret.keys").exists()


def test_a_secret_in_a_wrong_place_is_not_echoed(run: Run, tmp_path: Path) -> None:
    leaked = "sk-live-do-not-print-0123456789"
    bad = {**SANDBOX_LIKE, "zoho": {**SANDBOX_LIKE["zoho"], "client_secret": {"v": leaked}}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = run("connection", "add", "acme", "--config", str(path))
    assert result.code == 1
    assert "zoho.client_secret" in result.err
    assert leaked not in result.err + result.out


def test_a_url_carrying_a_password_is_refused_so_show_cannot_print_it(
    run: Run, tmp_path: Path
) -> None:
    url = "https://robot:pw-in-url-0123456789@1234567-sb1.suitetalk.api.netsuite.com"
    bad = {**SANDBOX_LIKE, "netsuite": {**SANDBOX_LIKE["netsuite"], "base_url": url}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = run("connection", "add", "acme", "--config", str(path))
    assert result.code == 1
    assert "netsuite.base_url: must not hold a user name or password" in result.err
    assert "pw-in-url" not in result.err + result.out
    _store_is_empty(run)


def test_a_missing_file_is_named(run: Run, tmp_path: Path) -> None:
    result = run("connection", "add", "acme", "--config", str(tmp_path / "nope.json"))
    assert result.code == 1
    assert "nope.json: cannot read" in result.err


def test_a_duplicate_name_is_refused_and_the_first_is_kept(
    run: Run, config_file: Path, tmp_path: Path
) -> None:
    assert run("connection", "add", "acme", "--config", str(config_file)).code == 0
    first = run("connection", "show", "acme", "--json").json()
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**SANDBOX_LIKE, "zoho": {**SANDBOX_LIKE["zoho"], "dc": "eu"}}))
    again = run("connection", "add", "acme", "--config", str(other))
    assert again.code == 1
    assert again.err.startswith("error: a connection named 'acme' already exists")
    assert again.err.count("\n") == 1
    assert run("connection", "show", "acme", "--json").json() == first
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


def test_status_flags_a_refresh_token_about_to_lapse(
    run: Run, config_file: Path, cli_home: Path
) -> None:
    run("connection", "add", "acme", "--config", str(config_file))
    settings = load_settings({"ML_CONNECTOR_HOME": str(cli_home)})
    engine = open_engine(settings)
    connection_id = get_connection(engine, "acme").id
    lapses = datetime.now(UTC) + timedelta(hours=20)
    write_token(
        engine, keyring_for(settings), connection_id, "netsuite", "refresh",
        value="rt", expires_at=lapses, expected_version=None,
    )  # fmt: skip
    engine.dispose()
    shown = run("status", "acme")
    assert shown.code == 0, shown.err
    hint = f"acme: netsuite access lapses at {lapses:%Y-%m-%d %H:%M} UTC"
    assert hint in shown.out
    assert "ml-connector auth netsuite acme --flow code" in shown.out
    flagged = run("status", "acme", "--json").json()[0]
    assert flagged["reauthorize_by"] == {"netsuite": lapses.isoformat()}
