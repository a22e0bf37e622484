"""Envelope encryption: values open only with a key of the ring and only in their own place."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import KeyUnavailableError, SecretError
from ml_connector.store.keyring import Keyring, decode_key, encode_key, new_key, sealed_key_id


@given(st.text())
def test_any_text_survives_sealing(value: str) -> None:
    ring = Keyring([new_key()])
    assert ring.open(ring.seal(value, context="here"), context="here") == value


def test_a_sealed_value_does_not_contain_the_plaintext() -> None:
    ring = Keyring([new_key()])
    sealed = ring.seal("refresh-token-1234567890", context="tokens/1/zoho/refresh")
    assert "refresh-token" not in sealed
    assert sealed_key_id(sealed) == ring.primary_id


def test_sealing_twice_gives_different_ciphertexts() -> None:
    ring = Keyring([new_key()])
    assert ring.seal("same", context="c") != ring.seal("same", context="c")


def test_a_value_moved_to_another_row_does_not_open() -> None:
    ring = Keyring([new_key()])
    sealed = ring.seal("secret", context="credentials/1/zoho")
    with pytest.raises(SecretError, match="failed authentication"):
        ring.open(sealed, context="credentials/2/zoho")


def test_a_ring_without_the_sealing_key_names_the_missing_key() -> None:
    old = Keyring([new_key()])
    sealed = old.seal("secret", context="c")
    with pytest.raises(KeyUnavailableError, match=old.primary_id):
        Keyring([new_key()]).open(sealed, context="c")


def test_older_keys_still_open_and_rewrap_moves_to_the_primary() -> None:
    old_key, new = new_key(), new_key()
    sealed = Keyring([old_key]).seal("secret", context="c")
    ring = Keyring([new, old_key])
    assert ring.open(sealed, context="c") == "secret"
    rewrapped = ring.rewrap(sealed, context="c")
    assert sealed_key_id(rewrapped) == ring.primary_id
    assert Keyring([new]).open(rewrapped, context="c") == "secret"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("not base64!!", "not valid base64"), (encode_key(b"short"), "must be 32 bytes")],
)
def test_bad_key_text_is_refused_with_its_source(text: str, problem: str) -> None:
    with pytest.raises(SecretError, match=problem) as info:
        decode_key(text, source="ML_CONNECTOR_SECRET_KEYS")
    assert "ML_CONNECTOR_SECRET_KEYS" in str(info.value)


@pytest.mark.parametrize("garbage", ["", "mlc1.abc", "v0.a.b.c", "mlc1.kid.@@@.###"])
def test_corrupt_stored_values_are_refused(garbage: str) -> None:
    with pytest.raises(SecretError):
        Keyring([new_key()]).open(garbage, context="c")
