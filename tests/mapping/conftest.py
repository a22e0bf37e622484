"""The mapping commands run in-process under a root like the real one, in a temporary home."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

from ml_connector.cli.mapping import mapping_app
from ml_connector.cli.runtime import Runtime
from ml_connector.connections import add_from_file
from ml_connector.errors import ConnectorError
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import load_settings


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


def _root() -> typer.Typer:
    root = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    root.add_typer(mapping_app, name="mapping")

    @root.callback()
    def runtime(ctx: typer.Context) -> None:
        ctx.obj = Runtime(load_settings())

    return root


def _exit_code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for name in ("DATABASE_URL", "QUEUE_URL", "SECRET_KEYS", "KEY_FILE", "CONFIG"):
        monkeypatch.delenv(f"ML_CONNECTOR_{name}", raising=False)
    monkeypatch.setenv("ML_CONNECTOR_HOME", str(home))
    return home


@pytest.fixture
def run(home: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``ml-connector ARGS`` as the entry point does: a ConnectorError is one line, code 1."""
    root = _root()

    def invoke(*args: str) -> Result:
        try:
            root(args=list(args), prog_name="ml-connector", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except ConnectorError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            code = 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


NETSUITE = {
    "account_id": "1234567_SB1",
    "auth": "tba",
    "consumer_key": "ck-0123456789",
    "consumer_secret": "cs-0123456789",
    "token_id": "tid-0123456789",
    "token_secret": "ts-0123456789",
}


@dataclass(frozen=True)
class ServedZoho:
    simulator: ZohoSimulator
    base_url: str


@pytest.fixture
def zoho() -> Iterator[ServedZoho]:
    """A fresh Zoho simulator served on loopback."""
    simulator = ZohoSimulator(seed=5)
    with serving(simulator.app) as served:
        yield ServedZoho(simulator, served.base_url)


@pytest.fixture
def connection(home: Path, tmp_path: Path, zoho: ServedZoho) -> Iterator[Runtime]:
    """A connection ``acme`` whose Zoho side is the simulator; yields the store's runtime."""
    path = tmp_path / "acme.json"
    zoho_side = zoho.simulator.credentials(zoho.base_url)
    path.write_text(json.dumps({"netsuite": NETSUITE, "zoho": zoho_side}))
    runtime = Runtime(load_settings())
    add_from_file(runtime.engine, runtime.keyring, "acme", path)
    yield runtime
    runtime.engine.dispose()


@dataclass(frozen=True)
class ServedNetSuite:
    simulator: NetSuiteSimulator
    base_url: str


@pytest.fixture
def netsuite() -> Iterator[ServedNetSuite]:
    """A NetSuite simulator with a few seeded records, served on loopback."""
    simulator = NetSuiteSimulator(records=40, seed=3)
    with serving(simulator.app) as served:
        yield ServedNetSuite(simulator, served.base_url)


@pytest.fixture
def both(
    home: Path, tmp_path: Path, zoho: ServedZoho, netsuite: ServedNetSuite
) -> Iterator[Runtime]:
    """A connection ``acme`` to both simulators; yields the store's runtime."""
    path = tmp_path / "acme.json"
    document = {
        "netsuite": netsuite.simulator.credentials(netsuite.base_url),
        "zoho": zoho.simulator.credentials(zoho.base_url),
    }
    path.write_text(json.dumps(document))
    runtime = Runtime(load_settings())
    add_from_file(runtime.engine, runtime.keyring, "acme", path)
    yield runtime
    runtime.engine.dispose()
