"""Verifying change events: genuine, fresh deliveries pass; anything else is refused, with why."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigError
from ml_connector.netsuite.events import (
    ChangeEvent,
    EventRejectedError,
    new_secret,
    parse_secrets,
    same_account,
    sign,
    verify,
)

NOW = 1_780_000_000
SECRET = new_secret()
OLD_SECRET = new_secret()
EVENT = {
    "event_id": "0b0f4c1e-5d9b-4a57-9a51-2d1f3c4b5a6d",
    "account": "1234567_SB1",
    "record_type": "customer",
    "record_id": "107",
    "event_type": "edit",
    "occurred_at": "2026-05-10T12:34:56Z",
    "execution_context": "USERINTERFACE",
}


def _body(**changes: object) -> bytes:
    return json.dumps(EVENT | changes, separators=(",", ":")).encode()


def _headers(body: bytes, *, secret: str = SECRET, ts: int = NOW) -> dict[str, str]:
    event_id = str(EVENT["event_id"])
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, event_id, ts, body),
    }


def test_a_genuine_delivery_yields_its_event() -> None:
    body = _body()

    event = verify(_headers(body), body, parse_secrets(SECRET), NOW)

    assert event == ChangeEvent(**EVENT)
    assert event.payload() == EVENT
    assert not event.from_own_writes


def test_the_signature_is_standard_webhooks_hmac_over_id_timestamp_and_body() -> None:
    # Computed independently: key = base64-decoded secret, message = "{id}.{ts}.{body}".
    body = _body()
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    message = f"{EVENT['event_id']}.{NOW}.".encode() + body
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()

    assert sign(SECRET, str(EVENT["event_id"]), NOW, body) == f"v1,{expected}"


def test_any_of_several_secrets_verifies_during_rotation() -> None:
    body = _body()
    both = parse_secrets(f"{SECRET} {OLD_SECRET}")

    assert verify(_headers(body, secret=OLD_SECRET), body, both, NOW).record_id == "107"
    assert verify(_headers(body, secret=SECRET), body, both, NOW).record_id == "107"


def test_a_header_with_several_signatures_passes_if_one_matches() -> None:
    body = _body()
    headers = _headers(body)
    headers["webhook-signature"] = "v1,AAAA v1a,ignored " + headers["webhook-signature"]

    assert verify(headers, body, parse_secrets(SECRET), NOW).event_type == "edit"


@pytest.mark.parametrize("context", ["RESTWEBSERVICES", "REST_WEBSERVICES"])
def test_events_of_our_own_writes_are_recognised(context: str) -> None:
    body = _body(execution_context=context)

    assert verify(_headers(body), body, parse_secrets(SECRET), NOW).from_own_writes


Headers = dict[str, str]
Spoil = Callable[[Headers, bytes], tuple[Headers, bytes]]


def _tampered(headers: Headers, body: bytes) -> tuple[Headers, bytes]:
    return headers, body.replace(b'"107"', b'"108"')


def _unversioned(headers: Headers, body: bytes) -> tuple[Headers, bytes]:
    return headers | {"webhook-signature": headers["webhook-signature"].removeprefix("v1,")}, body


def _drop(name: str) -> Spoil:
    return lambda h, b: ({k: v for k, v in h.items() if k != name}, b)


REJECTIONS: list[tuple[str, Spoil, int, str]] = [
    ("tampered body", _tampered, 401, "no webhook-signature matches"),
    ("other secret", lambda h, b: (_headers(b, secret=OLD_SECRET), b), 401, "no webhook-signature"),
    ("garbage signature", lambda h, b: (h | {"webhook-signature": "v1,!!"}, b), 401, "matches"),
    ("unversioned signature", _unversioned, 401, "matches"),
    ("old timestamp", lambda h, b: (_headers(b, ts=NOW - 301), b), 401, "more than 300s old"),
    ("future timestamp", lambda h, b: (_headers(b, ts=NOW + 301), b), 401, "more than 300s ahead"),
    ("timestamp not a number", lambda h, b: (h | {"webhook-timestamp": "x"}, b), 400, "seconds"),
    ("timestamp in milliseconds", lambda h, b: (_headers(b, ts=NOW * 1000), b), 401, "ahead"),
    ("no webhook-id", _drop("webhook-id"), 400, "missing webhook-id"),
    ("no webhook-timestamp", _drop("webhook-timestamp"), 400, "missing webhook-timestamp"),
    ("no webhook-signature", _drop("webhook-signature"), 400, "missing webhook-signature"),
    ("id differs from body", lambda h, b: _resigned(b, event_id="other"), 400, "differs"),
]


def _resigned(body: bytes, *, event_id: str) -> tuple[Headers, bytes]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(NOW),
        "webhook-signature": sign(SECRET, event_id, NOW, body),
    }, body


@pytest.mark.parametrize(
    ("case", "spoil", "status", "reason"), REJECTIONS, ids=[r[0] for r in REJECTIONS]
)
def test_a_spoiled_delivery_is_rejected_with_its_reason(
    case: str, spoil: Spoil, status: int, reason: str
) -> None:
    body = _body()
    headers, sent = spoil(_headers(body), body)

    with pytest.raises(EventRejectedError) as caught:
        verify(headers, sent, parse_secrets(SECRET), NOW)

    assert (caught.value.status, reason in caught.value.reason) == (status, True)


BAD_BODIES = [
    ("not JSON", b"record 107 changed", "not JSON"),
    ("not UTF-8", b"\xff\xfe{}", "not JSON"),
    ("a list", b"[]", "JSON object"),
    ("missing fields", b'{"event_id": "e"}', "account, record_type"),
    ("unknown record type", _body(record_type="invoice"), "record_type must be one of"),
    ("deletion", _body(event_type="delete"), "event_type must be one of"),
    ("record id not an id", _body(record_id="107; DROP"), "internal id"),
    ("number where a string goes", _body(record_id=107), "record_id"),
]


@pytest.mark.parametrize(("case", "body", "reason"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_a_signed_but_malformed_body_is_rejected(case: str, body: bytes, reason: str) -> None:
    with pytest.raises(EventRejectedError) as caught:
        verify(_headers(body), body, parse_secrets(SECRET), NOW)

    assert caught.value.status == 400
    assert reason in caught.value.reason


def test_timestamps_at_the_edge_of_the_window_are_accepted() -> None:
    body = _body()
    keys = parse_secrets(SECRET)

    assert verify(_headers(body, ts=NOW - 300), body, keys, NOW)
    assert verify(_headers(body, ts=NOW + 300), body, keys, NOW)


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "must start with 'whsec_'"),
        ("whsec_not base64!", "not valid base64"),
        ("whsec_***", "not valid base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "at least 24 bytes"),
    ],
)
def test_an_unusable_secret_is_a_configuration_error(secret: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_secrets(secret)


def test_rejection_reasons_never_contain_the_secret() -> None:
    body = _body()
    for _case, spoil, _status, _reason in REJECTIONS:
        headers, sent = spoil(_headers(body), body)
        with pytest.raises(EventRejectedError) as caught:
            verify(headers, sent, parse_secrets(SECRET), NOW)
        assert SECRET.removeprefix("whsec_") not in str(caught.value)


@given(st.binary(min_size=0, max_size=300))
def test_any_body_signed_with_the_secret_verifies_its_signature(body: bytes) -> None:
    # Whatever the bytes, the signature step passes; only then is the body parsed.
    with pytest.raises(EventRejectedError) as caught:
        verify(_headers(body), body, parse_secrets(SECRET), NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("1234567_SB1", "1234567-sb1", True), ("TSTDRV1", "tstdrv1", True), ("123", "124", False)],
)
def test_account_ids_compare_as_netsuite_spells_them(a: str, b: str, same: bool) -> None:
    assert same_account(a, b) is same
