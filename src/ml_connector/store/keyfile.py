"""The key file: secret keys kept beside the embedded database, one per line, newest first.

It is created with mode 0600 on first use and only ever replaced by an atomic rename, so a crash
leaves either the old file or the new one, never half of one. Keys given in the environment
(``ML_CONNECTOR_SECRET_KEYS``) take the place of the file entirely.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ml_connector.errors import SecretError
from ml_connector.settings import Settings
from ml_connector.store.keyring import Keyring, encode_key, new_key

__all__ = ["keyring_for", "read_key_file", "write_key_file"]

_HEADER = "# ml-connector secret keys, newest first. Losing this file loses every stored secret.\n"


def read_key_file(path: Path) -> list[str]:
    """The key texts in ``path``, newest first."""
    try:
        text = path.read_text(encoding="ascii")
    except OSError as exc:
        raise SecretError(f"{path}: cannot read the key file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SecretError(f"{path}: the key file is not ASCII text") from None
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace ``path`` atomically with ``keys`` (newest first), readable by the owner only."""
    try:
        _replace(path, keys)
    except OSError as exc:
        raise SecretError(f"{path}: cannot write the key file: {exc.strerror}") from None


def _replace(path: Path, keys: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(tmp, flags, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(_HEADER + "".join(key + "\n" for key in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keyring_for(settings: Settings, *, create: bool = True) -> Keyring:
    """The keyring from the environment, else the key file (made on first use if ``create``)."""
    if settings.secret_keys:
        texts = [key.get_secret_value() for key in settings.secret_keys]
        return Keyring.from_text(texts, source="ML_CONNECTOR_SECRET_KEYS")
    path = settings.key_file
    if not path.exists():
        if not create:
            raise SecretError(f"{path}: no key file, and no ML_CONNECTOR_SECRET_KEYS")
        write_key_file(path, [encode_key(new_key())])
    return Keyring.from_text(read_key_file(path), source=str(path))
