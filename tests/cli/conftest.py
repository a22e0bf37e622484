"""Connection files shaped like the sandbox's, for the CLI tests (the runner: tests/conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SANDBOX_LIKE = {
    "netsuite": {
        "base_url": "http://127.0.0.1:9001",
        "account_id": "1234567_SB1",
        "client_id": "client-abc",
        "certificate_id": "cert-1",
        "private_key_pem": (
            "-----BEGIN PRIVATE KEY-----\nPEMSECRET0123456789\n-----END PRIVATE KEY-----\n"
        ),
        "consumer_key": "ck-secret-0123456789",
        "consumer_secret": "cs-secret-0123456789",
        "token_id": "tid-secret-0123456789",
        "token_secret": "ts-secret-0123456789",
        "webhook_secret": "wh-secret-0123456789",
    },
    "zoho": {
        "accounts_url": "http://127.0.0.1:9002",
        "api_domain": "http://127.0.0.1:9002",
        "client_id": "1000.CLIENTID",
        "client_secret": "zoho-cs-secret-0123456789",
        "refresh_token": "1000.rt-secret-0123456789",
        "dc": "com",
    },
    "control": {
        "netsuite": "http://127.0.0.1:9001/_sandbox",
        "zoho": "http://127.0.0.1:9002/_sandbox",
    },
}

SECRET_VALUES = [
    SANDBOX_LIKE[system][key]
    for system, keys in {
        "netsuite": [
            "private_key_pem",
            "consumer_key",
            "consumer_secret",
            "token_id",
            "token_secret",
            "webhook_secret",
        ],
        "zoho": ["client_secret", "refresh_token"],
    }.items()
    for key in keys
]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(SANDBOX_LIKE))
    return path
