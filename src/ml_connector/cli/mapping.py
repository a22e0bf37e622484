"""``ml-connector mapping``: write a mapping to edit, check it, preview it, print its schema.

``validate`` lists every problem as ``file:line: path: message``, the form editors and terminals
turn into links, and exits 1 when there is an error, so scripts can gate a deploy on it.
``preview`` reads one record from NetSuite and writes nothing anywhere, so it is safe to run
against a live connection while a mapping is being edited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import typer
from sqlalchemy import Engine, select

from ml_connector.auth.session import open_side
from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.errors import ConfigError, ConnectorError
from ml_connector.mapping import (
    SCHEMA_NAME,
    SOURCE_TYPES,
    FieldLine,
    LoadedMapping,
    Located,
    MappedRecord,
    MappingFailure,
    MappingFile,
    MappingFileError,
    Outcome,
    check_against_fields,
    default_mapping_text,
    explain,
    load_mapping,
    mapping_schema_text,
    parse_mapping,
)
from ml_connector.netsuite import RecordReader, SuiteQL
from ml_connector.rest import raise_for_verdict
from ml_connector.store.connections import get_connection
from ml_connector.store.tables import links

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
        loaded = _load(file)
    except MappingFileError as exc:
        _report(source, None, [("error", p) for p in exc.located], as_json)
        raise typer.Exit(1) from None
    found = _zoho_findings(ctx.obj, against_zoho, loaded) if against_zoho else []
    _report(source, loaded, found, as_json)
    if any(severity == "error" for severity, _ in found):
        raise typer.Exit(1)


def _zoho_findings(runtime: Runtime, name: str, loaded: LoadedMapping) -> list[tuple[str, Located]]:
    modules = [loaded.mapping.entity(t).module for t in loaded.mapping.source_types()]
    with _reaching("Zoho"):
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
    response = await client.get(FIELDS_PATH, params={"module": module})
    raise_for_verdict(response, system="Zoho")
    return list(response.json().get("fields", []))


@contextlib.contextmanager
def _reaching(system: str) -> Iterator[None]:
    """A network failure as one line with a hint, not a traceback."""
    try:
        yield
    except httpx.TransportError as exc:
        raise ConnectorError(
            f"cannot reach {system}: {type(exc).__name__}",
            hint="check the connection's base URL or data centre, and the network",
        ) from None


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


@mapping_app.command("preview")
def preview_command(
    ctx: typer.Context,
    connection: str = typer.Argument(help="connection name"),
    source_type: str = typer.Argument(metavar="TYPE", help="customer, vendor or contact"),
    record_id: str = typer.Argument(metavar="ID", help="the NetSuite internal id"),
    *,
    mapping_file: Path | None = typer.Option(
        None, "--mapping", help="mapping file; default: the built-in one"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show, field by field, the Zoho payload one NetSuite record becomes; nothing is written."""
    runtime: Runtime = ctx.obj
    mapping = _load(mapping_file).mapping
    if source_type not in SOURCE_TYPES:
        valid = ", ".join(SOURCE_TYPES)
        raise ConfigError(f"unknown record type {source_type!r} (valid: {valid})")
    mapping.entity(source_type)
    with _reaching("NetSuite"):
        row = asyncio.run(_fetch_row(runtime, connection, mapping, source_type, record_id))
    resolve = _Links(runtime.engine, get_connection(runtime.engine, connection).id)
    outcome, lines = explain(mapping, source_type, row, resolve)
    if as_json:
        print_json(_preview_json(outcome, lines))
    else:
        _print_preview(outcome, lines)


def _load(path: Path | None) -> LoadedMapping:
    return load_mapping(path) if path else parse_mapping(default_mapping_text(), BUILT_IN)


async def _fetch_row(
    runtime: Runtime, name: str, mapping: MappingFile, source_type: str, record_id: str
) -> dict[str, Any]:
    options = runtime.session_options()
    async with open_side(runtime.engine, runtime.keyring, name, "netsuite", options) as side:
        reader = RecordReader(SuiteQL(side.client), custom_fields=mapping.custom_columns())
        rows = await reader.by_ids(source_type, [record_id])
    if not rows:
        raise ConfigError(f"NetSuite has no {source_type} with internal id {record_id!r}")
    return rows[0]


class _Links:
    """Zoho ids of records this connection has already written, from the links table."""

    def __init__(self, engine: Engine, connection_id: int) -> None:
        self.engine, self.connection_id = engine, connection_id

    def __call__(self, ns_type: str, ns_id: str) -> str | None:
        query = select(links.c.zoho_id).where(
            links.c.connection_id == self.connection_id,
            links.c.ns_type == ns_type,
            links.c.ns_id == ns_id,
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar_one_or_none()
        return None if found is None else str(found)


def _shown(value: Any) -> str:
    return "" if value is None else json.dumps(value, default=str, ensure_ascii=False)


def _print_preview(outcome: Outcome, lines: list[FieldLine]) -> None:
    rows = [[line.field, _read(line), _becomes(line)] for line in lines]
    print_table("Preview", ["Zoho field", "from NetSuite", "becomes"], rows)
    typer.echo(_verdict(outcome))


def _read(line: FieldLine) -> str:
    found = [
        f"{column}={_shown(value)}" for column, value in line.read.items() if value is not None
    ]
    return ", ".join(found) or ("(constant)" if line.rule == "constant" else "(empty)")


_STATUS_WORDS = {"omitted": "left out", "failed": "FAILS", "waiting": "waits"}


def _becomes(line: FieldLine) -> str:
    if line.status in _STATUS_WORDS:
        return f"{_STATUS_WORDS[line.status]}: {line.note}"
    shown = "null" if line.status == "empty" else _shown(line.value)
    return f"{shown} ({line.note})" if line.note else shown


def _verdict(outcome: Outcome) -> str:
    if isinstance(outcome, MappedRecord):
        return f"maps to {outcome.module} (mapping version {outcome.version}); nothing was written"
    if isinstance(outcome, MappingFailure):
        return f"would fail: {', '.join(p.field for p in outcome.problems)}; nothing was written"
    waits = ", ".join(f"{n.ns_type} {n.ns_id}" for n in outcome.needs)
    return f"waits for {waits} to reach Zoho first; nothing was written"


def _preview_json(outcome: Outcome, lines: list[FieldLine]) -> dict[str, Any]:
    return {
        "outcome": type(outcome).__name__,
        "version": outcome.version,
        "payload": outcome.payload if isinstance(outcome, MappedRecord) else None,
        "fields": [line.__dict__ for line in lines],
    }
