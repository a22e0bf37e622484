"""``keys`` and ``db`` as an operator uses them, including every way a key can be wrong."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ml_connector.store.keyring import encode_key, new_key
from ml_connector.store.schema import make_engine
from tests.conftest import Run


def _add(run: Run, config_file: Path, name: str = "acme") -> None:
    result = run("connection", "add", name, "--config", str(config_file))
    assert result.code == 0, result.err


def test_the_key_file_is_created_private_on_first_use(
    run: Run, cli_home: Path, config_file: Path
) -> None:
    _add(run, config_file)
    mode = stat.S_IMODE((cli_home / "secret.keys").stat().st_mode)
    assert mode == 0o600


def test_rotate_then_retire(run: Run, cli_home: Path, config_file: Path) -> None:
    _add(run, config_file)
    before = run("keys", "status", "--json").json()["keys"]
    assert run("keys", "rotate").code == 0
    after = run("keys", "status", "--json").json()["keys"]
    assert after[0]["primary"]
    assert after[0]["secrets"] == 2
    assert after[1]["key_id"] == before[0]["key_id"]
    assert after[1]["secrets"] == 0
    assert run("keys", "retire").code == 0
    assert [k["key_id"] for k in run("keys", "status", "--json").json()["keys"]] == [
        after[0]["key_id"]
    ]
    assert run("connection", "show", "acme").code == 0


def test_retire_refuses_while_an_old_key_still_seals_secrets(
    run: Run, cli_home: Path, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(run, config_file)
    old = (cli_home / "secret.keys").read_text().splitlines()[-1]
    fresh = encode_key(new_key())
    (cli_home / "secret.keys").write_text(f"{fresh}\n{old}\n")
    result = run("keys", "retire")
    assert result.code == 1
    assert "still seal stored secrets" in result.err
    assert old in (cli_home / "secret.keys").read_text()


def test_environment_keys_rotate_to_the_first_one(
    run: Run, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = encode_key(new_key()), encode_key(new_key())
    monkeypatch.setenv("ML_CONNECTOR_SECRET_KEYS", old)
    _add(run, config_file)
    monkeypatch.setenv("ML_CONNECTOR_SECRET_KEYS", f"{new},{old}")
    assert run("keys", "rotate").code == 0
    keys = run("keys", "status", "--json").json()["keys"]
    assert [k["secrets"] for k in keys] == [2, 0]


def test_a_wrong_key_is_a_one_line_error_and_changes_nothing(
    run: Run, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ML_CONNECTOR_SECRET_KEYS", encode_key(new_key()))
    _add(run, config_file)
    monkeypatch.setenv("ML_CONNECTOR_SECRET_KEYS", encode_key(new_key()))
    status = run("keys", "status", "--json").json()
    assert len(status["unknown_key_ids"]) == 1
    result = run("keys", "rotate")
    assert result.code == 1
    assert result.err.startswith("error: secret was sealed with key")
    assert result.err.count("\n") == 1
    assert run("keys", "status", "--json").json() == status


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not-a-key\n", "not valid base64"),
        (encode_key(b"0" * 16) + "\n", "must be 32 bytes"),
        ("# every key was deleted by hand\n", "holds no key"),
    ],
)
def test_an_unreadable_key_file_is_named(
    run: Run, cli_home: Path, config_file: Path, content: str, problem: str
) -> None:
    cli_home.mkdir(parents=True)
    (cli_home / "secret.keys").write_text(content)
    result = run("connection", "add", "acme", "--config", str(config_file))
    assert result.code == 1
    assert str(cli_home / "secret.keys") in result.err
    assert problem in result.err
    assert run("connection", "list", "--json").json() == []


def test_db_upgrade_is_idempotent(run: Run) -> None:
    first = run("db", "upgrade")
    assert first.code == 0
    assert "upgraded from empty" in first.out
    assert "already at revision" in run("db", "upgrade").out
    assert run("db", "status", "--json").json()["up_to_date"] is True


def test_a_database_from_a_newer_version_is_refused(run: Run, cli_home: Path) -> None:
    run("db", "upgrade")
    engine = make_engine(f"sqlite:///{cli_home / 'ml-connector.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for args in (("connection", "list"), ("db", "upgrade")):
        result = run(*args)
        assert result.code == 1
        assert "schema revision 9999 is newer" in result.err
        assert result.err.count("\n") == 1


def test_an_unusable_database_url_is_one_line_naming_the_variable(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ML_CONNECTOR_DATABASE_URL", "mysql://admin:pw-secret-123@db.example/crm")
    result = run("connection", "list")
    assert result.code == 1
    assert result.err.startswith(
        "error: environment: 1 problem: ML_CONNECTOR_DATABASE_URL: unsupported database 'mysql'"
    )
    assert result.err.count("\n") == 1
    assert "pw-secret-123" not in result.err


@pytest.mark.parametrize("args", [("connection", "list"), ("db", "upgrade")])
def test_a_data_directory_that_cannot_be_made_is_named(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("ML_CONNECTOR_HOME", str(blocker / "home"))
    result = run(*args)
    assert result.code == 1
    assert result.err.startswith(f"error: {blocker / 'home'}: cannot create the data directory")
    assert result.err.count("\n") == 1


def test_a_key_file_that_cannot_be_written_is_named_and_nothing_is_stored(
    run: Run, tmp_path: Path, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("ML_CONNECTOR_KEY_FILE", str(blocker / "secret.keys"))
    result = run("connection", "add", "acme", "--config", str(config_file))
    assert result.code == 1
    assert result.err.startswith(f"error: {blocker / 'secret.keys'}: cannot write the key file")
    assert result.err.count("\n") == 1
    assert run("connection", "list", "--json").json() == []


def test_a_damaged_database_is_a_one_line_error(run: Run, cli_home: Path) -> None:
    run("db", "upgrade")
    engine = make_engine(f"sqlite:///{cli_home / 'ml-connector.db'}")
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE connections"))
    engine.dispose()
    result = run("connection", "list")
    assert result.code == 1
    assert result.err.startswith("error: the database failed: OperationalError (hint: ")
    assert result.err.count("\n") == 1
    with pytest.raises(OperationalError):
        run("--debug", "connection", "list")
