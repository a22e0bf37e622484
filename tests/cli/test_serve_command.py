"""``ml-connector serve`` as an operator runs it: a real process, real HTTP, then SIGTERM.

The command prints the URL it is bound to (``--port 0`` picks a free port), so the test reads
the port instead of guessing one, and waits on the process, not on a timer.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

# Runs the real entry point with ``serve`` registered, whether or not the CLI lists it yet.
LAUNCH = """
import sys
from ml_connector.cli.app import app, main
from ml_connector.cli.serve import serve_command
if not any(command.name == "serve" for command in app.registered_commands):
    app.command("serve")(serve_command)
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.fixture
def serve(cli_home: Path, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        with (tmp_path / "serve.log").open("a") as log:
            process = subprocess.Popen(  # noqa: S603  # this test's own arguments
                [sys.executable, "-c", LAUNCH, "serve", *args],
                stdout=subprocess.PIPE, stderr=log, text=True,
            )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_then_stops_cleanly_on_a_signal(
    serve: Callable[..., subprocess.Popen[str]], stop: signal.Signals
) -> None:
    process = serve("--port", "0")
    line = _first_line(process)
    url = line.split()[2]

    health = httpx.get(f"{url}/healthz", timeout=10)
    ready = httpx.get(f"{url}/readyz", timeout=10)
    metrics = httpx.get(f"{url}/metrics", timeout=10)
    process.send_signal(stop)

    assert line.startswith("serving on http://127.0.0.1:")
    assert line.endswith(" as all")
    assert (health.status_code, ready.status_code, metrics.status_code) == (200, 200, 200)
    assert ready.json()["checks"] == {"store": "ok", "queue": "ok"}
    assert process.wait(timeout=60) == 0


def test_a_worker_role_serves_no_http_and_stops_cleanly(
    serve: Callable[..., subprocess.Popen[str]], cli_home: Path
) -> None:
    process = serve("--role", "worker")
    line = _first_line(process)
    process.send_signal(signal.SIGTERM)

    assert line.startswith("running as worker")
    assert process.wait(timeout=60) == 0
    assert (cli_home / "queue.db").exists(), "the embedded queue lives in the data directory"


def test_a_worker_given_a_port_serves_its_own_health_and_metrics_only(
    serve: Callable[..., subprocess.Popen[str]],
) -> None:
    process = serve("--role", "worker", "--port", "0")
    line = _first_line(process)
    url = line.split()[2]

    ready = httpx.get(f"{url}/readyz", timeout=10)
    metrics = httpx.get(f"{url}/metrics", timeout=10)
    hook = httpx.post(f"{url}/hooks/netsuite/acme", content=b"{}", timeout=10)
    process.send_signal(signal.SIGTERM)

    assert line.endswith(" as worker")
    assert ready.json()["checks"] == {"store": "ok", "queue": "ok"}
    assert "ml_connector_inbox_depth" in metrics.text
    assert hook.status_code == 404, "webhooks are the web role's"
    assert process.wait(timeout=60) == 0


def test_serve_shows_the_dashboard_when_an_admin_token_is_set(
    serve: Callable[..., subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ML_CONNECTOR_ADMIN_TOKEN", "serve-admin-token-0123456789")
    process = serve("--port", "0")
    url = _first_line(process).split()[2]

    login = httpx.get(f"{url}/dashboard/login", timeout=10)
    overview = httpx.get(f"{url}/dashboard/", timeout=10)
    process.send_signal(signal.SIGTERM)

    assert login.status_code == 200
    assert "Admin token" in login.text
    assert overview.status_code == 303, "signed out: sent to sign in"
    assert process.wait(timeout=60) == 0


def test_serve_answers_the_admin_api_only_with_its_token(
    serve: Callable[..., subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "serve-admin-token-0123456789"
    monkeypatch.setenv("ML_CONNECTOR_ADMIN_TOKEN", token)
    process = serve("--port", "0")
    url = _first_line(process).split()[2]

    allowed = httpx.get(f"{url}/admin/api/status", headers={"authorization": f"Bearer {token}"})
    refused = httpx.get(f"{url}/admin/api/status")
    document = httpx.get(f"{url}/admin/api/openapi.json")
    process.send_signal(signal.SIGTERM)

    assert (allowed.status_code, allowed.json()) == (200, [])
    assert refused.status_code == 401
    assert "/connections/{name}/replay" in document.json()["paths"]
    assert process.wait(timeout=60) == 0


def test_serve_takes_netsuite_events_only_from_the_configured_sources(
    serve: Callable[..., subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ML_CONNECTOR_WEBHOOK_ALLOWLIST", "203.0.113.0/24")
    monkeypatch.setenv("ML_CONNECTOR_TRUSTED_PROXIES", "127.0.0.1")
    process = serve("--port", "0")
    hook = _first_line(process).split()[2] + "/hooks/netsuite/acme"

    direct = httpx.post(hook, content=b"{}", timeout=10)
    outsider = httpx.post(hook, content=b"{}", headers={"x-forwarded-for": "198.51.100.7"})
    proxied = httpx.post(hook, content=b"{}", headers={"x-forwarded-for": "203.0.113.9"})
    process.send_signal(signal.SIGTERM)

    assert (direct.status_code, direct.json()["reason"]) == (
        403, "source address is not in the allowlist"
    )  # fmt: skip
    assert outsider.status_code == 403
    assert (proxied.status_code, proxied.json()["reason"]) == (404, "no such connection")
    assert process.wait(timeout=60) == 0
