"""``ml-connector setup netsuite``: the deployment steps, with the secret to register."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.cli.conftest import SANDBOX_LIKE
from tests.conftest import Run


def _add(run: Run, tmp_path: Path, **netsuite: str) -> None:
    document = {**SANDBOX_LIKE, "netsuite": {**SANDBOX_LIKE["netsuite"], **netsuite}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document))
    assert run("connection", "add", "acme", "--config", str(path)).code == 0


def test_the_steps_name_the_hook_url_and_the_api_secret(run: Run, tmp_path: Path) -> None:
    key = base64.b64encode(bytes(range(32))).decode()
    _add(run, tmp_path, webhook_secret=f"whsec_{key}")
    result = run("setup", "netsuite", "acme", "--public-url", "https://sync.example.com/")
    assert result.code == 0, result.err
    assert "https://sync.example.com/hooks/netsuite/acme" in result.out
    assert f"Password  {key}" in result.out


def test_a_connection_without_a_webhook_secret_is_told_what_to_add(
    run: Run, tmp_path: Path
) -> None:
    document = {**SANDBOX_LIKE, "netsuite": dict(SANDBOX_LIKE["netsuite"])}
    del document["netsuite"]["webhook_secret"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document))
    run("connection", "add", "acme", "--config", str(path))
    result = run("setup", "netsuite", "acme", "--public-url", "https://sync.example.com")
    assert result.code == 1
    assert "has no netsuite.webhook_secret" in result.err
