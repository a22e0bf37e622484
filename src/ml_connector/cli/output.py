"""Printing for commands: tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["error_line", "print_json", "print_table"]


def print_json(value: Any) -> None:
    """One JSON document on stdout."""
    typer.echo(json.dumps(value, indent=2, sort_keys=True, default=str))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on stdout; an empty table says so instead of printing only headers."""
    console = Console()
    if not rows:
        console.print(f"no {title.lower()}")
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)


def error_line(message: str, hint: str) -> str:
    """An error as one line, whatever the message holds (a remote service's text may span lines)."""
    flat = " ".join(message.split())
    suffix = f" (hint: {' '.join(hint.split())})" if hint.strip() else ""
    return f"error: {flat}{suffix}"
