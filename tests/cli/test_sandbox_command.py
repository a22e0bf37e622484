"""``ml-connector sandbox --json``: its first line is a connection file that works as it is."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run


@pytest.fixture
def sandbox_process() -> Iterator[subprocess.Popen[str]]:
    with subprocess.Popen(
        [sys.executable, "-m", "ml_connector", "sandbox", "--seed", "25", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()


def test_the_json_line_is_a_working_connection_file(
    run: Run, tmp_path: Path, sandbox_process: subprocess.Popen[str]
) -> None:
    assert sandbox_process.stdout is not None
    line = sandbox_process.stdout.readline()
    document = json.loads(line)
    assert set(document["netsuite"]) == {
        "base_url",
        "account_id",
        "client_id",
        "certificate_id",
        "private_key_pem",
        "consumer_key",
        "consumer_secret",
        "token_id",
        "token_secret",
        "webhook_secret",
    }
    assert set(document["zoho"]) == {
        "accounts_url",
        "api_domain",
        "client_id",
        "client_secret",
        "refresh_token",
        "dc",
    }
    assert set(document["control"]) == {"netsuite", "zoho"}
    path = tmp_path / "sandbox.json"
    path.write_text(line)
    assert run("connection", "add", "demo", "--config", str(path)).code == 0
    pinged = run("ping", "demo", "--json")
    assert pinged.code == 0, pinged.out + pinged.err
    assert all(check["ok"] for check in pinged.json()["demo"])
    sandbox_process.send_signal(signal.SIGINT)
    assert sandbox_process.wait(timeout=15) == 0


def test_ping_exits_non_zero_when_a_side_fails(run: Run, tmp_path: Path) -> None:
    document = {
        "netsuite": {"account_id": "1", "auth": "tba", "base_url": "http://127.0.0.1:9"}
        | dict.fromkeys(("consumer_key", "consumer_secret", "token_id", "token_secret"), "x"),
        "zoho": {"client_id": "c", "client_secret": "s", "refresh_token": "r"}
        | {"accounts_url": "http://127.0.0.1:9", "api_domain": "http://127.0.0.1:9"},
    }
    path = tmp_path / "dead.json"
    path.write_text(json.dumps(document))
    run("connection", "add", "dead", "--config", str(path))
    result = run("ping", "dead", "--json")
    assert result.code == 1
    checks = result.json()["dead"]
    assert [c["ok"] for c in checks] == [False, False]
    assert all("cannot reach" in c["detail"] for c in checks)
