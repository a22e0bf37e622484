"""Process settings: ``ML_CONNECTOR_*`` variables and an optional TOML file, read once.

This is the one module that reads the environment. Everything else receives a frozen
:class:`Settings` (or the values it needs) as an argument, so tests build settings from a plain
mapping and no code path depends on what the process happened to inherit.

Precedence, highest first: environment variables, the TOML file, built-in defaults. The TOML file
is ``$ML_CONNECTOR_CONFIG`` if set, else ``config.toml`` in the data directory when it exists.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ml_connector.errors import ConfigFileError, ConfigValueError

__all__ = ["ENV_PREFIX", "Settings", "load_settings", "sqlalchemy_url"]

ENV_PREFIX = "ML_CONNECTOR_"
APP_NAME = "ml-connector"
SUPPORTED_DATABASES = ("postgresql", "sqlite")


class Settings(BaseModel):
    """Everything the process needs to know about where it runs; immutable once read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    home: Path = Field(description="data directory: the SQLite database and the key file")
    database_url: str = Field(description="SQLAlchemy URL; default: SQLite in the data directory")
    queue_url: str | None = Field(
        default=None, description="redis://… to scale out; default: SQLite"
    )
    secret_keys: tuple[SecretStr, ...] = Field(
        default=(), description="base64 AES-256 keys, newest first; default: the key file"
    )
    key_file: Path = Field(description="file holding the secret keys when none are given")
    lease_seconds: float = Field(
        default=300.0, gt=0, description="how long a worker holds a batch before others may take it"
    )
    retention_days: float = Field(
        default=90.0,
        gt=0,
        description="days of audit trail, runs and finished inbox rows kept (each record's "
        "latest attempt is kept however old)",
    )
    admin_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="bearer token of the admin API and the dashboard login; unset: both are off",
    )
    webhook_allowlist: tuple[str, ...] = Field(
        default=(),
        description="CIDR blocks allowed to deliver NetSuite change events; empty: any source "
        "(the signature is what authenticates them)",
    )
    trusted_proxies: tuple[str, ...] = Field(
        default=(),
        description="CIDR blocks of our own reverse proxies: only their X-Forwarded-For is "
        "believed when the allowlist is checked",
    )
    webhook_max_body_bytes: int = Field(
        default=64 * 1024, ge=1, description="larger webhook bodies are refused with 413"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    config_file: Path | None = Field(default=None, description="the TOML file that was read")

    @field_validator("webhook_allowlist", "trusted_proxies")
    @classmethod
    def _cidrs(cls, blocks: tuple[str, ...]) -> tuple[str, ...]:
        for block in blocks:
            try:
                ipaddress.ip_network(block, strict=False)
            except ValueError:
                raise ValueError(f"{block!r} is not an IP address or CIDR block") from None
        return blocks

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        # checked here, so a typo is a one-line error naming the setting, not a driver traceback;
        # the message never repeats the URL, which may hold a password
        try:
            backend = make_url(sqlalchemy_url(value)).get_backend_name()
        except ArgumentError:
            raise ValueError("not a database URL (sqlite:///PATH or postgresql://…)") from None
        if backend not in SUPPORTED_DATABASES:
            supported = ", ".join(SUPPORTED_DATABASES)
            raise ValueError(f"unsupported database {backend!r} (supported: {supported})")
        return value

    @field_validator("secret_keys")
    @classmethod
    def _no_empty_key(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        if any(not key.get_secret_value().strip() for key in value):
            raise ValueError("an empty key in the list (a stray comma?)")
        return value

    @property
    def is_embedded(self) -> bool:
        """True when the store is the default SQLite file (migrated automatically)."""
        return self.database_url == default_database_url(self.home)


def default_database_url(home: Path) -> str:
    """The embedded default database: one SQLite file in the data directory."""
    return f"sqlite:///{home / 'ml-connector.db'}"


def sqlalchemy_url(url: str) -> str:
    """Name the driver we ship for a bare ``postgresql://`` URL (psycopg 3, not psycopg2)."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare) :]
    return url


_ENV_KEYS = {
    "HOME": "home",
    "DATABASE_URL": "database_url",
    "QUEUE_URL": "queue_url",
    "SECRET_KEYS": "secret_keys",
    "KEY_FILE": "key_file",
    "LEASE_SECONDS": "lease_seconds",
    "ADMIN_TOKEN": "admin_token",
    "RETENTION_DAYS": "retention_days",
    "WEBHOOK_ALLOWLIST": "webhook_allowlist",
    "TRUSTED_PROXIES": "trusted_proxies",
    "WEBHOOK_MAX_BODY_BYTES": "webhook_max_body_bytes",
    "LOG_LEVEL": "log_level",
    "LOG_FORMAT": "log_format",
}


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for suffix, field in _ENV_KEYS.items():
        raw = environ.get(ENV_PREFIX + suffix)
        if raw:
            values[field] = raw
    if "secret_keys" in values:  # an empty entry is kept, so that it is refused
        values["secret_keys"] = tuple(k.strip() for k in values["secret_keys"].split(","))
    for listed in ("webhook_allowlist", "trusted_proxies"):
        if listed in values:  # comma-separated in a variable, an array in the TOML file
            values[listed] = tuple(v.strip() for v in values[listed].split(",") if v.strip())
    return values


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigFileError(str(path), f"cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(str(path), f"not valid TOML: {exc}") from None


def _config_path(environ: Mapping[str, str], home: Path) -> Path | None:
    explicit = environ.get(ENV_PREFIX + "CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    candidate = home / "config.toml"
    return candidate if candidate.is_file() else None


def _home(environ: Mapping[str, str]) -> Path:
    explicit = environ.get(ENV_PREFIX + "HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = environ.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg).expanduser() / APP_NAME
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default: the process environment) and the TOML file."""
    env = dict(os.environ if environ is None else environ)
    home = _home(env)
    path = _config_path(env, home)
    from_file = _read_toml(path) if path else {}
    from_env = _from_env(env)
    merged: dict[str, Any] = {**from_file, **from_env}
    merged_home = Path(merged.get("home", home)).expanduser()
    merged.setdefault("database_url", default_database_url(merged_home))
    merged.setdefault("key_file", merged_home / "secret.keys")
    merged.update(home=merged_home, config_file=path)
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        raise _value_error(exc, path, set(from_env)) from None


_VARIABLES = {field: ENV_PREFIX + suffix for suffix, field in _ENV_KEYS.items()}


def _value_error(exc: ValidationError, path: Path | None, from_env: set[str]) -> ConfigValueError:
    """Every problem at once, each named as the person wrote it: a variable or a file's key."""
    problems, in_file = [], False
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        reason = error["msg"].removeprefix("Value error, ")
        if field in from_env:
            problems.append(f"{_VARIABLES[field]}: {reason}")
            continue
        in_file = True
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            known = ", ".join(sorted(Settings.model_fields))
            problems.append(f"unknown key {key!r} (valid keys: {known})")
        else:
            problems.append(f"{key}: {reason}")
    where = str(path) if path and in_file else "environment"
    return ConfigValueError(where, problems)
