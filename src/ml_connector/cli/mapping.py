"""``ml-connector mapping``: write a mapping to edit, check it (also against Zoho), see its schema.

``validate`` lists every problem as ``file:line: path: message``, the form editors and terminals
turn into links, and exits 1 when there is an error, so scripts can gate a deploy on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import typer

from ml_connector.auth.session import open_side
from ml_connector.cli.output import print_json
from ml_connector.cli.runtime import Runtime
from ml_connector.errors import ConfigError, ConnectorError
from ml_connector.mapping import (
    SCHEMA_NAME,
    LoadedMapping,
    Located,
    MappingFileError,
    check_against_fields,
    default_mapping_text,
    load_mapping,
    mapping_schema_text,
    parse_mapping,
)
from ml_connector.rest import raise_for_verdict

__all__ = ["mapping_app"]

FIELDS_PATH = "/crm/v8/settings/fields"
BUILT_IN = "(built-in) default.yaml"

mapping_app = typer.Typer(
    help="The mapping file from NetSuite fields to Zoho fields.", no_args_is_help=True
)


@mapping_app.command("init")
def init_command(
    path: Path = typer.Argument(Path("mapping.yaml"), help="where to write the copy"),
    force: bool = typer.Option(False, "--force", help="overwrite an existing file"),
) -> None:
    """Write the default mapping to edit, with its JSON Schema beside it for editors."""
    schema = path.parent / SCHEMA_NAME
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists", hint="pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(default_mapping_text(), encoding="utf-8")
    schema.write_text(mapping_schema_text(), encoding="utf-8")
    typer.echo(f"wrote {path} and {schema}")


@mapping_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of mapping files."""
    typer.echo(mapping_schema_text(), nl=False)


@mapping_app.command("validate")
def validate_command(
    ctx: typer.Context,
    file: Path | None = typer.Argument(None, help="mapping file; default: the built-in one"),
    against_zoho: str | None = typer.Option(
        None, "--against-zoho", metavar="CONNECTION", help="also check the org's fields"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Check a mapping file; with --against-zoho, also against the org's live field metadata."""
    source = str(file) if file else BUILT_IN
    try:
        loaded = load_mapping(file) if file else parse_mapping(default_mapping_text(), BUILT_IN)
    except MappingFileError as exc:
        _report(source, None, [("error", p) for p in exc.located], as_json)
        raise typer.Exit(1) from None
    found = _zoho_findings(ctx.obj, against_zoho, loaded) if against_zoho else []
    _report(source, loaded, found, as_json)
    if any(severity == "error" for severity, _ in found):
        raise typer.Exit(1)


def _zoho_findings(runtime: Runtime, name: str, loaded: LoadedMapping) -> list[tuple[str, Located]]:
    modules = [loaded.mapping.entity(t).module for t in loaded.mapping.source_types()]
    metadata = asyncio.run(_fetch_fields(runtime, name, modules))
    return [
        (f.severity, loaded.document.locate(f.path, f.message))
        for f in check_against_fields(loaded.mapping, metadata)
    ]


async def _fetch_fields(runtime: Runtime, name: str, modules: Sequence[str]) -> dict[str, Any]:
    options = runtime.session_options()
    async with open_side(runtime.engine, runtime.keyring, name, "zoho", options) as side:
        return {module: await _module_fields(side.client, module) for module in modules}


async def _module_fields(client: httpx.AsyncClient, module: str) -> list[dict[str, Any]]:
    try:
        response = await client.get(FIELDS_PATH, params={"module": module})
    except httpx.TransportError as exc:
        raise ConnectorError(
            f"cannot reach Zoho: {type(exc).__name__}",
            hint="check the connection's zoho.api_domain and the network",
        ) from None
    raise_for_verdict(response, system="Zoho")
    return list(response.json().get("fields", []))


def _report(
    source: str, loaded: LoadedMapping | None, found: list[tuple[str, Located]], as_json: bool
) -> None:
    if as_json:
        print_json(_as_json(source, loaded, found))
        return
    for severity, problem in found:
        typer.echo(str(problem) if severity == "error" else _warning(problem))
    typer.echo(_summary(source, loaded, found))


def _warning(problem: Located) -> str:
    return f"{problem.source}:{problem.line}: {problem.path}: warning: {problem.message}"


def _summary(source: str, loaded: LoadedMapping | None, found: list[tuple[str, Located]]) -> str:
    errors = sum(severity == "error" for severity, _ in found)
    if loaded is None or errors:
        return f"{source}: {errors} {'problem' if errors == 1 else 'problems'}"
    mapping = loaded.mapping
    sections = ", ".join(f"{t} → {mapping.entity(t).module}" for t in mapping.source_types())
    return f"{source}: valid, version {mapping.version} ({sections})"


def _as_json(
    source: str, loaded: LoadedMapping | None, found: list[tuple[str, Located]]
) -> dict[str, Any]:
    return {
        "file": source,
        "valid": loaded is not None and all(severity != "error" for severity, _ in found),
        "version": loaded.mapping.version if loaded else None,
        "problems": [
            {"severity": s, "line": p.line, "path": p.path, "message": p.message} for s, p in found
        ],
    }
