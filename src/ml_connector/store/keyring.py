"""Envelope encryption of stored secrets with AES-256-GCM.

Every secret gets its own random data key; the data key is sealed under a key-encryption key (KEK)
from the keyring, and the value under the data key. Both layers authenticate an *associated data*
string naming where the secret lives (``credentials/7/zoho``), so a sealed value copied into
another row does not open.

Rotation only re-wraps data keys: it never needs the plaintext to leave this module, and a sealed
value names the KEK that sealed it (``kid``, a fingerprint of the key), so reading works with any
key still in the ring while a rotation is half done.

Sealed format (ASCII, safe in any text column)::

    mlc1.<kid>.<b64 nonce‖wrapped data key>.<b64 nonce‖ciphertext>
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ml_connector.errors import KeyUnavailableError, SecretError

__all__ = ["Keyring", "decode_key", "encode_key", "new_key", "sealed_key_id"]

_PREFIX = "mlc1"
_NONCE = 12
_KEY_BYTES = 32


def new_key() -> bytes:
    """A fresh random 256-bit key-encryption key."""
    return AESGCM.generate_key(bit_length=256)


def encode_key(key: bytes) -> str:
    """The text form of a key, as it is written in the key file or the environment."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str, *, source: str) -> bytes:
    """Parse a key's text form; ``source`` names where it came from for the error message."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SecretError(f"{source}: a key is not valid base64") from None
    if len(key) != _KEY_BYTES:
        raise SecretError(f"{source}: a key must be 32 bytes (base64 of AES-256), got {len(key)}")
    return key


def _kid(key: bytes) -> str:
    return hashlib.sha256(b"ml-connector kek\x00" + key).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _seal_bytes(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open_bytes(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], aad)


@dataclass(frozen=True)
class _Parts:
    kid: str
    wrapped: bytes
    body: bytes


def _split(sealed: str) -> _Parts:
    pieces = sealed.split(".")
    if len(pieces) != 4 or pieces[0] != _PREFIX:
        raise SecretError("stored secret is not in a format this ml-connector can read")
    try:
        return _Parts(pieces[1], _unb64(pieces[2]), _unb64(pieces[3]))
    except (binascii.Error, ValueError):
        raise SecretError("stored secret is corrupt") from None


def sealed_key_id(sealed: str) -> str:
    """The id of the key that sealed ``sealed`` (to find what a rotation still has to do)."""
    return _split(sealed).kid


class Keyring:
    """The keys this process may use: the first seals, every one of them opens."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SecretError("no secret keys configured")
        self._keys = {_kid(key): key for key in keys}
        self.primary_id = _kid(keys[0])

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Ids of every key in the ring, the sealing key first."""
        return tuple(self._keys)

    def seal(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` for the place named by ``context``."""
        aad = context.encode()
        data_key = new_key()
        wrapped = _seal_bytes(self._keys[self.primary_id], data_key, aad)
        body = _seal_bytes(data_key, plaintext.encode(), aad)
        return ".".join((_PREFIX, self.primary_id, _b64(wrapped), _b64(body)))

    def open(self, sealed: str, *, context: str) -> str:
        """Decrypt a value sealed for ``context`` by any key in the ring."""
        parts = _split(sealed)
        aad = context.encode()
        try:
            data_key = _open_bytes(self._key(parts.kid), parts.wrapped, aad)
            return _open_bytes(data_key, parts.body, aad).decode()
        except InvalidTag:
            raise SecretError(
                f"stored secret for {context} failed authentication (wrong key or tampered row)"
            ) from None

    def rewrap(self, sealed: str, *, context: str) -> str:
        """The same secret with its data key sealed under the primary key instead."""
        parts = _split(sealed)
        if parts.kid == self.primary_id:
            return sealed
        aad = context.encode()
        try:
            data_key = _open_bytes(self._key(parts.kid), parts.wrapped, aad)
        except InvalidTag:
            raise SecretError(f"stored secret for {context} failed authentication") from None
        wrapped = _seal_bytes(self._keys[self.primary_id], data_key, aad)
        return ".".join((_PREFIX, self.primary_id, _b64(wrapped), _b64(parts.body)))

    def _key(self, kid: str) -> bytes:
        try:
            return self._keys[kid]
        except KeyError:
            raise KeyUnavailableError(kid) from None

    @classmethod
    def from_text(cls, texts: Iterable[str], *, source: str) -> Keyring:
        """A ring from key texts (newest first) read from ``source``."""
        keys = [decode_key(text, source=source) for text in texts if text.strip()]
        if not keys:
            raise SecretError(f"{source}: holds no key")
        return cls(keys)
