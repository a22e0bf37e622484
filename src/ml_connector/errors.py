"""The one exception tree of ml-connector, grouped by what the caller should do.

    ConnectorError                 every error we raise; ``.hint`` says what to do about it
    ├── ConfigError                bad input from a person: fix the file, flag or variable
    │   ├── ConfigFileError        a file that cannot be read or parsed (``.path``)
    │   └── ConfigValueError       a valid file whose values are wrong (``.path``, ``.problems``)
    ├── StoreError                 the database cannot be used as it is
    │   ├── SchemaTooNewError      the database was migrated by a newer ml-connector
    │   ├── NotFoundError          a named thing (connection, …) does not exist
    │   └── AlreadyExistsError     a name that must be unique is taken
    ├── SecretError                a secret cannot be sealed or opened
    │   └── KeyUnavailableError    the key that sealed a secret is not configured
    ├── RetryableError             try again later (``.retry_after`` seconds, when known)
    ├── PermanentError             the remote side refused for good; do not retry
    ├── AuthError                  credentials rejected: fix them or re-authorize (``.reauthorize``)
    └── RecordError                one record failed; journal it and carry on with the batch

Messages are built in ``__init__`` from the attributes, so every raise site reads the same and no
caller formats a message by hand. No message ever contains a secret.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AlreadyExistsError",
    "AuthError",
    "ConfigError",
    "ConfigFileError",
    "ConfigValueError",
    "ConnectorError",
    "KeyUnavailableError",
    "NotFoundError",
    "PermanentError",
    "RecordError",
    "RetryableError",
    "SchemaTooNewError",
    "SecretError",
    "StoreError",
]


class ConnectorError(Exception):
    """Base of every error ml-connector raises on purpose."""

    hint: str = "run the command again with --debug to see where it failed"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint


class ConfigError(ConnectorError):
    """Input from a person is wrong; nothing was changed."""

    hint = "fix the input and run the command again"


class ConfigFileError(ConfigError):
    """A configuration file cannot be read or parsed."""

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}", hint=hint)


class ConfigValueError(ConfigError):
    """A configuration file parsed, but some of its values are wrong (all are listed)."""

    def __init__(self, path: str, problems: Sequence[str], *, hint: str | None = None) -> None:
        self.path = path
        self.problems = tuple(problems)
        listed = "; ".join(self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{path}: {len(self.problems)} {noun}: {listed}", hint=hint)


class StoreError(ConnectorError):
    """The database cannot be used as it is."""

    hint = "check ML_CONNECTOR_DATABASE_URL and run `ml-connector db upgrade`"


class SchemaTooNewError(StoreError):
    """The database schema is newer than this version of ml-connector understands."""

    def __init__(self, found: str, known: str) -> None:
        self.found = found
        self.known = known
        super().__init__(
            f"database schema revision {found} is newer than this ml-connector knows ({known})",
            hint="upgrade ml-connector to the version that migrated this database",
        )


class NotFoundError(StoreError):
    """A named object does not exist."""

    def __init__(self, kind: str, name: str, *, hint: str | None = None) -> None:
        self.kind = kind
        self.name = name
        super().__init__(f"no {kind} named {name!r}", hint=hint or f"list them with `{kind} list`")


class AlreadyExistsError(StoreError):
    """A name that must be unique is already taken."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        super().__init__(
            f"a {kind} named {name!r} already exists",
            hint=f"choose another name, or remove the old one with `{kind} remove {name}`",
        )


class SecretError(ConnectorError):
    """A secret cannot be sealed or opened."""

    hint = "check ML_CONNECTOR_SECRET_KEYS or the key file in the data directory"


class KeyUnavailableError(SecretError):
    """A secret was sealed under a key that is not configured here."""

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            f"secret was sealed with key {key_id!r}, which is not among the configured keys",
            hint="add the old key to ML_CONNECTOR_SECRET_KEYS (keys are read newest first)",
        )


class RetryableError(ConnectorError):
    """A transient failure: the same request may succeed later."""

    hint = "the connector retries this on its own; check the remote service if it persists"

    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None
    ) -> None:
        self.retry_after = retry_after
        self.status = status
        super().__init__(message)


class PermanentError(ConnectorError):
    """The remote side refused the request for good; retrying will not help."""

    hint = "the remote service will refuse this again: fix the data or settings it names"

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        self.status = status
        self.code = code
        super().__init__(message)


class AuthError(ConnectorError):
    """Credentials were rejected: the connection needs to be authorized again."""

    hint = "run `ml-connector auth` for this connection"

    def __init__(
        self,
        system: str,
        reason: str,
        *,
        connection: str | None = None,
        hint: str | None = None,
        reauthorize: bool = True,
    ) -> None:
        self.system = system
        self.reason = reason
        self.connection = connection
        self.reauthorize = reauthorize
        where = f" for connection {connection!r}" if connection else ""
        super().__init__(f"{system} refused our credentials{where}: {reason}", hint=hint)


class RecordError(ConnectorError):
    """One record failed; it is journalled and the rest of its batch carries on."""

    hint = "find the record with `ml-connector audit list`, fix it, then `ml-connector replay`"

    def __init__(
        self, record_id: str, code: str, message: str, *, field: str | None = None
    ) -> None:
        self.record_id = record_id
        self.code = code
        self.field = field
        on = f" (field {field})" if field else ""
        super().__init__(f"record {record_id}: {code}{on}: {message}")
