"""``ml-connector sandbox``: NetSuite and Zoho CRM simulators on loopback, until interrupted."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import typer

from ml_connector.cli.output import print_table
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import bind_loopback, serve_forever
from ml_connector.sandbox.zoho import ZohoSimulator

__all__ = ["sandbox_command"]


def sandbox_command(
    *,
    netsuite_port: int = typer.Option(0, help="NetSuite simulator port (0: any free port)"),
    zoho_port: int = typer.Option(0, help="Zoho CRM simulator port (0: any free port)"),
    seed: int = typer.Option(1000, help="NetSuite records to generate"),
    data_seed: int = typer.Option(0, help="random seed of the generated data"),
    latency_ms: int = typer.Option(0, help="added latency per call, in milliseconds"),
    as_json: bool = typer.Option(False, "--json", help="first line: credentials as JSON"),
) -> None:
    """Serve both simulators; with --json the first line is a ready connection file."""
    netsuite = NetSuiteSimulator(records=seed, seed=data_seed, latency_ms=latency_ms)
    zoho = ZohoSimulator(seed=data_seed, latency_ms=latency_ms)
    ns_sock, zoho_sock = bind_loopback(netsuite_port), bind_loopback(zoho_port)
    ns_url = f"http://127.0.0.1:{ns_sock.getsockname()[1]}"
    zoho_url = f"http://127.0.0.1:{zoho_sock.getsockname()[1]}"
    description = {
        "netsuite": netsuite.credentials(ns_url),
        "zoho": zoho.credentials(zoho_url),
        "control": {"netsuite": netsuite.control_url(ns_url), "zoho": zoho.control_url(zoho_url)},
    }
    if as_json:
        sys.stdout.write(json.dumps(description) + "\n")
        sys.stdout.flush()
    else:
        _describe(description, seed)
    asyncio.run(serve_forever([(netsuite.app, ns_sock), (zoho.app, zoho_sock)]))


def _describe(description: dict[str, Any], records: int) -> None:
    rows = [
        ["NetSuite", description["netsuite"]["base_url"], description["control"]["netsuite"]],
        ["Zoho CRM", description["zoho"]["api_domain"], description["control"]["zoho"]],
    ]
    print_table("Simulators", ["system", "base URL", "control API"], rows)
    typer.echo(f"{records} NetSuite records seeded. Ctrl-C stops both.")
    typer.echo("For a connection file: ml-connector sandbox --json | head -n 1 > sandbox.json")
