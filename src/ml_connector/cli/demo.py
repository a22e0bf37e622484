"""``ml-connector demo``: the sync end to end against the built-in simulators."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console

from ml_connector.cli.output import print_json
from ml_connector.demo import DemoSummary, Simulators, run_demo
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine

__all__ = ["demo_command"]


@contextlib.contextmanager
def _simulators(records: int) -> Iterator[Simulators]:
    netsuite = NetSuiteSimulator(records=records, seed=7)
    zoho = ZohoSimulator(seed=7)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        yield Simulators(netsuite, zoho, ns_at, zoho_at)


def _wait_for_interrupt(sims: Simulators, home: Path, console: Console) -> None:
    console.print(f"NetSuite simulator: {sims.netsuite_at.base_url} (control: /_sandbox)")
    console.print(f"Zoho CRM simulator: {sims.zoho_at.base_url} (control: /_sandbox)")
    console.print(f"Store: ML_CONNECTOR_HOME={home} (connection 'demo'). Ctrl-C stops.")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(asyncio.Event().wait())


def demo_command(
    *,
    records: int = typer.Option(3000, help="NetSuite records to generate"),
    keep_running: bool = typer.Option(
        False, "--keep-running", help="leave the simulators up afterwards and print their URLs"
    ),
    as_json: bool = typer.Option(False, "--json", help="print only the summary, as JSON"),
) -> None:
    """Sync a simulated NetSuite into a simulated Zoho CRM, live changes included (no accounts)."""
    console = Console(stderr=as_json)
    with tempfile.TemporaryDirectory(prefix="ml-connector-demo-") as tmp:
        home = Path(tmp)
        settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
        engine = open_engine(settings)
        with _simulators(records) as sims:
            summary = asyncio.run(
                run_demo(
                    engine, keyring_for(settings), sims, home=home, console=console, quiet=as_json
                )
            )
            _report(summary, console, as_json)
            if keep_running:
                _wait_for_interrupt(sims, home, console)
        engine.dispose()
    if summary.failed or summary.differences:
        raise typer.Exit(1)


def _report(summary: DemoSummary, console: Console, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_json())
        return
    counts = ", ".join(f"{n} {t}s" for t, n in summary.records.items())
    console.print(
        f"[bold green]Done[/] in {summary.seconds:.1f} s: {counts}; {summary.written} writes, "
        f"{summary.failed} failed, {summary.differences} differences left."
    )
