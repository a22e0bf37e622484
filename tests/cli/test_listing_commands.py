"""Every command that lists or shows stored things can print JSON for scripts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main

from ml_connector.cli import app

LISTING = {"list", "show", "status"}


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    # Typer ships its own copy of click, so groups are told apart by having sub-commands
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield path


def _options(path: tuple[str, ...]) -> set[str]:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


def test_every_listing_command_has_json() -> None:
    listing = [p for p in _commands(typer.main.get_command(app)) if p[-1] in LISTING]
    assert {" ".join(p) for p in listing} >= {"connection list", "connection show", "keys status"}
    missing = [" ".join(p) for p in listing if "--json" not in _options(p)]
    assert missing == []
