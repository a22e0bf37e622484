"""What the text rules remove, and what they leave alone, one shape per row."""

from __future__ import annotations

import pytest

from ml_connector.logs import REDACTED, Redactor

R = REDACTED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # header values, to the end of the line
        ("Authorization: Bearer abc.def-ghi", f"Authorization: {R}"),
        ("authorization=Basic dXNlcjpwYXNz\nnext", f"authorization={R}\nnext"),
        ('Authorization: OAuth realm="1", oauth_token="t0k3n99"', f"Authorization: {R}"),
        ("proxy-authorization: Negotiate YIIG", f"proxy-authorization: {R}"),
        ("Cookie: session=8c1f2a; theme=dark", f"Cookie: {R}"),
        ("{'Authorization': 'Zoho-oauthtoken 1000.x'}", f"{{'Authorization': '{R}'}}"),
        # credentials after an auth scheme, anywhere
        ("sent Bearer Qm9ndXNUb2tlbg== upstream", f"sent Bearer {R} upstream"),
        ("header Zoho-oauthtoken 1000.ab12.cd34 set", f"header Zoho-oauthtoken {R} set"),
        ("zoho-oauthtoken abcdefgh", f"zoho-oauthtoken {R}"),
        # OAuth 1.0a parameters, without the header name
        (
            'OAuth oauth_consumer_key="ck1234",oauth_signature_method="HMAC-SHA256",'
            'oauth_signature="c2lnbmF0dXJl%3D"',
            f'OAuth oauth_consumer_key="{R}",oauth_signature_method="HMAC-SHA256",'
            f'oauth_signature="{R}"',
        ),
        # query strings and form bodies
        ("GET /cb?access_token=abc123&state=xyz", f"GET /cb?access_token={R}&state=xyz"),
        (
            "grant_type=refresh_token&refresh_token=r3fr3sh&client_id=c1",
            f"grant_type=refresh_token&refresh_token={R}&client_id=c1",
        ),
        ("url=https://h/p?client_secret=s3cr3t", f"url=https://h/p?client_secret={R}"),
        ("password=hunter22 user=ann", f"password={R} user=ann"),
        # JSON, Python reprs and escaped JSON inside a string
        (
            '{"refresh_token": "1000.aa", "expires_in": 3600}',
            f'{{"refresh_token": "{R}", "expires_in": 3600}}',
        ),
        ("{'client_secret': 'zz99'}", f"{{'client_secret': '{R}'}}"),
        ('{\\"id_token\\": \\"e30\\"}', f'{{\\"id_token\\": \\"{R}\\"}}'),
        ('{"api_key":12345678}', f'{{"api_key":{R}}}'),
        (
            "Credentials(password='pw123456', user='ann')",
            f"Credentials(password='{R}', user='ann')",
        ),
        ("accessToken=abc123x", f"accessToken={R}"),
        ("X-Api-Key: k3yk3yk3y", f"X-Api-Key: {R}"),
        ("webhook_secret: whsec_abc", f"webhook_secret: {R}"),
        # shapes that need no context
        ("sig eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. end", f"sig {R} end"),
        (
            "tok 1000.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210 ok",
            f"tok {R} ok",
        ),
        (
            "key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- done",
            f"key {R} done",
        ),
        ("cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN", f"cut {R}"),
        ("'-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----\\n'", f"'{R}\\n'"),
    ],
)
def test_secret_shapes_are_removed(text: str, expected: str) -> None:
    assert Redactor().redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "refresh token: invalid_grant",
        "zoho refused our credentials: invalid_code",
        "Bearer token expired",
        "token_type=Bearer expires_in=3600",
        '{"grant_type": "refresh_token", "token_type": "Bearer"}',
        "code=4f2a&state=abc",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "synced 100 Accounts in 2.5s",
        "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "the password policy changed",
        "oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


def test_redacting_twice_changes_nothing_more() -> None:
    redactor = Redactor()
    once = redactor.redact('Authorization: Bearer abcdefgh1234 {"access_token": "x"} password=p')
    assert redactor.redact(once) == once


def test_a_custom_marker_is_used() -> None:
    assert Redactor(marker="***").redact("password=hunter22") == "password=***"


def test_extra_secret_names_extend_the_builtin_ones() -> None:
    redactor = Redactor(secret_names=["channel_pin"])
    assert redactor.redact("channel_pin=8812 other=1") == f"channel_pin={R} other=1"
    assert redactor.is_secret_name("Channel-PIN")
