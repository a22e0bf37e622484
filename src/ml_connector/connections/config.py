"""The connection file: one customer organisation's NetSuite and Zoho settings and secrets.

It is the shape that ``ml-connector sandbox --json`` prints, so a sandbox's first line can be saved
and added as it is. JSON or TOML; unknown keys are rejected with the valid ones listed; every
problem is reported at once; no message ever repeats a value, so a secret typed into the wrong key
does not end up on a terminal.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)

from ml_connector.errors import ConfigFileError, ConfigValueError

__all__ = [
    "ConnectionFile",
    "NetSuiteSection",
    "ZohoSection",
    "load_connection_file",
    "parse_connection",
]

ZOHO_DATA_CENTRES = ("com", "eu", "in", "com.au", "jp", "ca", "com.cn", "sa")
NETSUITE_AUTH = ("client_credentials", "authorization_code", "tba")


def _http_url(value: str) -> str:
    """Check an http(s) URL but keep it as written, less any trailing slash.

    URLs are shown by ``connection show``, so one carrying a user name or password is refused:
    credentials belong in the section's secret keys, which are sealed and never printed.
    """
    url = AnyHttpUrl(value)
    if url.username or url.password:
        raise ValueError("must not hold a user name or password; use the secret keys instead")
    return value.rstrip("/")


HttpUrl = Annotated[str, AfterValidator(_http_url)]


def _time_zone(value: str) -> str:
    """Check an IANA time zone name, so a typo is refused when the connection is added."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone name such as America/Los_Angeles") from None
    return value


TimeZone = Annotated[str, AfterValidator(_time_zone)]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    def public(self) -> dict[str, Any]:
        """The settings that are not secret, as JSON-ready values."""
        values = self.model_dump(mode="json", exclude_none=True)
        return {k: v for k, v in values.items() if k not in self.secret_fields()}

    def secrets(self) -> dict[str, str]:
        """The secret values that were given, by field name."""
        found = {name: getattr(self, name) for name in self.secret_fields()}
        return {name: value.get_secret_value() for name, value in found.items() if value}

    @classmethod
    def secret_fields(cls) -> tuple[str, ...]:
        """Names of the fields that hold secrets (sealed in the store, never printed)."""
        return tuple(
            name for name, field in cls.model_fields.items() if _is_secret(field.annotation)
        )


def _is_secret(annotation: Any) -> bool:
    return "SecretStr" in str(annotation)


class NetSuiteSection(_Section):
    """How to reach and authenticate to one NetSuite account."""

    account_id: str = Field(pattern=r"^[0-9A-Za-z]+(_[A-Za-z]+[0-9]*)?$", max_length=40)
    base_url: HttpUrl | None = None
    auth: Literal["client_credentials", "authorization_code", "tba"] = "client_credentials"
    client_id: str | None = None
    # sealed with the key: together with the key it is the whole M2M identity
    certificate_id: SecretStr | None = None
    private_key_pem: SecretStr | None = None
    signing_algorithm: Literal["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"] | None = None
    client_secret: SecretStr | None = None
    consumer_key: SecretStr | None = None
    consumer_secret: SecretStr | None = None
    token_id: SecretStr | None = None
    token_secret: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    concurrency: int = Field(default=4, ge=1, le=100)
    # SuiteQL shows and compares times in the time zone of the user we sign in as (Set
    # Preferences > Time Zone); polling needs it to ask for "changed since" correctly.
    time_zone: TimeZone | None = Field(default=None, description="IANA name; default UTC")

    @model_validator(mode="before")
    @classmethod
    def _no_rs256(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("signing_algorithm") == "RS256":
            raise ValueError(
                "signing_algorithm RS256 is no longer accepted by NetSuite (since 2025-03-01); "
                "use PS256 with the same RSA key, or an EC key with ES256"
            )
        return data

    @model_validator(mode="after")
    def _auth_complete(self) -> NetSuiteSection:
        missing = [name for name in _NEEDED[self.auth] if not getattr(self, name)]
        if missing:
            raise ValueError(f"auth {self.auth!r} needs {', '.join(missing)}")
        return self


_NEEDED = {
    "client_credentials": ("client_id", "certificate_id", "private_key_pem"),
    "authorization_code": ("client_id",),
    "tba": ("consumer_key", "consumer_secret", "token_id", "token_secret"),
}


class ZohoSection(_Section):
    """How to reach and authenticate to one Zoho CRM organisation."""

    dc: Literal["com", "eu", "in", "com.au", "jp", "ca", "com.cn", "sa"] = "com"
    accounts_url: HttpUrl | None = None
    api_domain: HttpUrl | None = None
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    refresh_token: SecretStr | None = None


class ConnectionFile(BaseModel):
    """A whole connection file: both systems, plus the sandbox's control URLs when it made it."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    netsuite: NetSuiteSection
    zoho: ZohoSection
    control: dict[str, HttpUrl] | None = None


def parse_connection(data: object, *, source: str) -> ConnectionFile:
    """Validate parsed data; every problem is reported at once, naming ``source``."""
    try:
        return ConnectionFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigValueError(source, [_describe(error) for error in exc.errors()]) from None


def _describe(error: Any) -> str:
    path = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key {path!r} (valid keys: {_valid_keys(error['loc'])})"
    if error["type"] == "missing":
        return f"missing required key {path!r}"
    return f"{path}: {str(error['msg']).removeprefix('Value error, ')}"


def _valid_keys(loc: tuple[Any, ...]) -> str:
    sections: dict[str, type[BaseModel]] = {"netsuite": NetSuiteSection, "zoho": ZohoSection}
    model = sections.get(str(loc[0]), ConnectionFile) if len(loc) > 1 else ConnectionFile
    return ", ".join(sorted(model.model_fields))


def load_connection_file(path: Path) -> ConnectionFile:
    """Read and validate a JSON or TOML connection file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigFileError(str(path), f"cannot read: {exc.strerror}") from None
    return parse_connection(_parse(raw, path), source=str(path))


def _parse(raw: bytes, path: Path) -> object:
    if path.suffix.lower() == ".toml":
        try:
            return tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigFileError(str(path), f"not valid TOML: {exc}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ConfigFileError(str(path), f"not valid JSON at {where}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise ConfigFileError(str(path), "not valid UTF-8 text") from None
