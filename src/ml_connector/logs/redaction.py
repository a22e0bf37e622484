"""The one object that decides what counts as a secret and removes it.

A :class:`Redactor` combines three rules, each catching what the others cannot:

* field names that look secret (``access_token``, ``client_secret``, ``authorization`` …) hide
  their values wherever a structure is redacted, however deeply nested;
* shapes in free text: ``Authorization`` headers, ``Bearer`` and ``Zoho-oauthtoken`` credentials,
  OAuth 1.0a parameters, ``name=value`` and JSON pairs with secret names, PEM private keys, JWTs;
* exact values registered at runtime with :meth:`Redactor.remember`, so that even an opaque
  random token with no telling context never reaches a log line.

The logging handler uses it for every record, and any other code that shows text to people
(error messages, audit payloads, the dashboard) can use it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final

from ml_connector.logs.known_secrets import KnownSecrets
from ml_connector.logs.patterns import (
    is_secret_name,
    normalize_name,
    replace_spans,
    secret_spans,
)

__all__ = ["REDACTED", "Redactor"]

REDACTED: Final = "[REDACTED]"
"""What a secret is replaced with."""

MAX_DEPTH = 32
"""Structures nested deeper than this (or cyclic) are judged by their text instead."""


class Redactor:
    """Removes secrets from text and from structured values, for logs and anything else shown.

    Configuration is fixed at construction; the set of remembered values grows at runtime and
    is safe to update from any thread.
    """

    def __init__(
        self,
        *,
        marker: str = REDACTED,
        secret_names: Iterable[str] = (),
        capacity: int = 4096,
    ) -> None:
        """``secret_names`` adds field names (or name endings) to those treated as secret;
        ``capacity`` bounds how many remembered values are kept, oldest dropped first."""
        if not marker:
            raise ValueError("the redaction marker must not be empty")
        self._marker = marker
        self._extra_endings = tuple(normalize_name(name) for name in secret_names if name)
        self._known = KnownSecrets(marker=marker, capacity=capacity)

    def __repr__(self) -> str:
        return f"Redactor(marker={self._marker!r}, remembered={len(self._known)})"

    @property
    def marker(self) -> str:
        """The text that stands in for a removed secret."""
        return self._marker

    def remember(self, value: str) -> None:
        """Treat ``value`` as secret from now on, wherever it appears.

        Call this where a secret is opened or a token is received. Values shorter than six
        characters are ignored, since removing them everywhere would wreck unrelated text.
        """
        self._known.add(value)

    def is_secret_name(self, name: str) -> bool:
        """Whether a field called ``name`` holds a secret (case and separators do not matter)."""
        return is_secret_name(name, self._extra_endings)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by the marker.

        Remembered values are removed before the patterns run, so a pattern cannot split one and
        leave part of it behind, and again after, so no replacement can recreate one.
        """
        text = self._known.redact(text)
        spans = secret_spans(text, self._extra_endings)
        if spans:
            text = replace_spans(text, spans, self._marker)
        return self._known.redact(text)

    def redact_known(self, text: str) -> str:
        """``text`` with remembered values removed, and nothing else changed.

        For text whose syntax must survive (an encoded JSON line), where the broader patterns
        could swallow delimiters.
        """
        return self._known.redact(text)

    def redact_value(self, value: object) -> object:
        """A copy of ``value`` with secrets removed, keeping its shape where it can.

        Mappings keep their keys, and values under secret-looking keys become the marker.
        Lists, tuples and sets keep their type; strings are redacted. Numbers, booleans and
        ``None`` pass through. Bytes and any other object pass through unchanged (``%d`` still
        gets a number) unless their text holds a secret, in which case the redacted text
        replaces them.
        """
        return self._scrub(value, depth=0)

    def _scrub(self, value: object, *, depth: int) -> object:
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, Mapping) and depth < MAX_DEPTH:
            return self._scrub_mapping(value, depth=depth + 1)
        if isinstance(value, list | tuple | set | frozenset) and depth < MAX_DEPTH:
            return self._scrub_collection(value, depth=depth + 1)
        return self._scrub_object(value)

    def _scrub_mapping(
        self, mapping: Mapping[object, object], *, depth: int
    ) -> dict[object, object]:
        scrubbed: dict[object, object] = {}
        for key, item in mapping.items():
            hidden = isinstance(key, str) and self.is_secret_name(key) and item is not None
            new_key = self.redact(key) if isinstance(key, str) else key
            scrubbed[new_key] = self._marker if hidden else self._scrub(item, depth=depth)
        return scrubbed

    def _scrub_collection(
        self,
        items: list[object] | tuple[object, ...] | set[object] | frozenset[object],
        *,
        depth: int,
    ) -> object:
        scrubbed = [self._scrub(item, depth=depth) for item in items]
        if isinstance(items, list):
            return scrubbed
        build: Callable[..., object] = type(items)
        if isinstance(items, tuple) and hasattr(items, "_fields"):
            return build(*scrubbed)  # a named tuple is built from positional fields
        return build(scrubbed)

    def _scrub_object(self, value: object) -> object:
        """Keep objects as they are (``%d`` still wants a number) unless their text leaks.

        Structures nested past ``MAX_DEPTH`` (or cyclic) are judged by their text too.
        """
        if isinstance(value, bytes | bytearray):
            text = bytes(value).decode("utf-8", errors="backslashreplace")
        else:
            text = str(value)
        redacted = self.redact(text)
        return value if redacted == text else redacted
