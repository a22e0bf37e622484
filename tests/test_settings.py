"""Settings come from ML_CONNECTOR_* variables over an optional TOML file, read once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ml_connector.errors import ConfigFileError, ConfigValueError
from ml_connector.settings import load_settings, sqlalchemy_url


def test_defaults_live_in_the_xdg_data_directory(tmp_path: Path) -> None:
    settings = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    assert settings.home == tmp_path / "ml-connector"
    assert settings.database_url == f"sqlite:///{tmp_path / 'ml-connector' / 'ml-connector.db'}"
    assert settings.key_file == tmp_path / "ml-connector" / "secret.keys"
    assert settings.is_embedded


def test_home_overrides_xdg(tmp_path: Path) -> None:
    settings = load_settings({"XDG_DATA_HOME": "/elsewhere", "ML_CONNECTOR_HOME": str(tmp_path)})
    assert settings.home == tmp_path


def test_environment_wins_over_the_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('log_level = "debug"\nqueue_url = "redis://127.0.0.1:6379/0"\n')
    settings = load_settings(
        {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_LOG_LEVEL": "warning"}
    )
    assert settings.config_file == config
    assert settings.log_level == "WARNING"
    assert settings.queue_url == "redis://127.0.0.1:6379/0"


def test_an_unknown_key_in_the_file_lists_the_valid_ones(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('log_levle = "debug"\n')
    with pytest.raises(ConfigValueError) as info:
        load_settings({"ML_CONNECTOR_CONFIG": str(config), "ML_CONNECTOR_HOME": str(tmp_path)})
    message = str(info.value)
    assert message.startswith(str(config))
    assert "unknown key 'log_levle'" in message
    assert "log_level" in message.split("valid keys:")[1]


def test_a_malformed_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("log_level = \n")
    with pytest.raises(ConfigFileError, match="not valid TOML"):
        load_settings({"ML_CONNECTOR_CONFIG": str(config)})


def test_a_bad_value_from_the_environment_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigValueError, match="ML_CONNECTOR_LOG_FORMAT: Input should be"):
        load_settings({"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_LOG_FORMAT": "xml"})


def test_a_bad_variable_is_named_as_the_variable_not_as_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('log_level = "info"\n')
    env = {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_LOG_FORMAT": "xml"}
    with pytest.raises(ConfigValueError) as info:
        load_settings(env)
    assert str(info.value).startswith("environment: 1 problem: ML_CONNECTOR_LOG_FORMAT: ")
    assert "config.toml" not in str(info.value)


def test_problems_in_the_file_and_the_environment_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("lease_seconds = -1\n")
    env = {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_LOG_FORMAT": "xml"}
    with pytest.raises(ConfigValueError) as info:
        load_settings(env)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'config.toml'}: 2 problems: ")
    assert "lease_seconds: Input should be greater than 0" in message
    assert "ML_CONNECTOR_LOG_FORMAT: Input should be 'text' or 'json'" in message


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("nonsense", "not a database URL"),
        ("mysql://admin:hunter2-secret@db.example/crm", "unsupported database 'mysql'"),
    ],
)
def test_an_unusable_database_url_is_refused_without_echoing_it(
    tmp_path: Path, url: str, problem: str
) -> None:
    env = {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_DATABASE_URL": url}
    with pytest.raises(ConfigValueError) as info:
        load_settings(env)
    assert f"ML_CONNECTOR_DATABASE_URL: {problem}" in str(info.value)
    assert url not in str(info.value)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("url", ["sqlite:///x.db", "postgresql://u@h/db", "postgres://u@h/db"])
def test_supported_database_urls_are_accepted(tmp_path: Path, url: str) -> None:
    env = {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_DATABASE_URL": url}
    assert load_settings(env).database_url == url


@pytest.mark.parametrize("keys", [" , ", "a-key,,b-key", ","])
def test_an_empty_entry_in_the_key_list_is_refused(tmp_path: Path, keys: str) -> None:
    env = {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_SECRET_KEYS": keys}
    with pytest.raises(ConfigValueError, match=r"ML_CONNECTOR_SECRET_KEYS: .*an empty key"):
        load_settings(env)


def test_several_keys_are_read_newest_first_and_never_shown(tmp_path: Path) -> None:
    settings = load_settings(
        {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_SECRET_KEYS": "new-key, old-key"}
    )
    assert [k.get_secret_value() for k in settings.secret_keys] == ["new-key", "old-key"]
    assert "new-key" not in repr(settings)


def test_the_admin_token_is_secret_and_must_not_be_guessable(tmp_path: Path) -> None:
    token = "a-long-enough-admin-token"
    env = {"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_ADMIN_TOKEN": token}
    settings = load_settings(env)
    assert settings.admin_token is not None
    assert settings.admin_token.get_secret_value() == token
    assert token not in repr(settings)
    with pytest.raises(ConfigValueError, match="ML_CONNECTOR_ADMIN_TOKEN: "):
        load_settings({"ML_CONNECTOR_HOME": str(tmp_path), "ML_CONNECTOR_ADMIN_TOKEN": "short"})


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings({"ML_CONNECTOR_HOME": str(tmp_path)})
    with pytest.raises(ValidationError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgresql_urls_use_the_shipped_driver(url: str, expected: str) -> None:
    assert sqlalchemy_url(url) == expected


def test_webhook_network_trust_comes_from_comma_separated_variables(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "ML_CONNECTOR_HOME": str(tmp_path),
            "ML_CONNECTOR_WEBHOOK_ALLOWLIST": "203.0.113.0/24, 2001:db8::/32",
            "ML_CONNECTOR_TRUSTED_PROXIES": "10.0.0.0/8",
            "ML_CONNECTOR_WEBHOOK_MAX_BODY_BYTES": "4096",
        }
    )
    assert settings.webhook_allowlist == ("203.0.113.0/24", "2001:db8::/32")
    assert settings.trusted_proxies == ("10.0.0.0/8",)
    assert settings.webhook_max_body_bytes == 4096


def test_every_bad_block_of_the_webhook_allowlist_is_named(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('webhook_allowlist = ["203.0.113.0/24", "office"]\n')
    environ = {"ML_CONNECTOR_CONFIG": str(config), "ML_CONNECTOR_HOME": str(tmp_path),
               "ML_CONNECTOR_TRUSTED_PROXIES": "10.0.0.0/33"}  # fmt: skip
    with pytest.raises(ConfigValueError) as info:
        load_settings(environ)
    assert "'office' is not an IP address or CIDR block" in str(info.value)
    assert "'10.0.0.0/33' is not an IP address or CIDR block" in str(info.value)
