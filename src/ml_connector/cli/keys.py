"""``ml-connector keys``: the keys that seal stored secrets, and their rotation."""

from __future__ import annotations

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.errors import SecretError
from ml_connector.store.keyfile import read_key_file, write_key_file
from ml_connector.store.keyring import Keyring, encode_key, new_key
from ml_connector.store.rotation import key_usage, rewrap_all

__all__ = ["keys_app"]

keys_app = typer.Typer(help="Secret keys: status, rotation, retirement.", no_args_is_help=True)


@keys_app.command("generate")
def generate_command() -> None:
    """Print a new random key, for operators who keep keys in ML_CONNECTOR_SECRET_KEYS."""
    typer.echo(encode_key(new_key()))


@keys_app.command("status")
def status_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="print JSON")
) -> None:
    """List the configured keys and how many stored secrets each one seals."""
    runtime: Runtime = ctx.obj
    keyring = runtime.keyring
    usage = key_usage(runtime.engine)
    rows = [
        {"key_id": kid, "primary": kid == keyring.primary_id, "secrets": usage.get(kid, 0)}
        for kid in keyring.key_ids
    ]
    unknown = sorted(set(usage) - set(keyring.key_ids))
    if as_json:
        print_json({"keys": rows, "unknown_key_ids": unknown})
        return
    print_table("Keys", ["key id", "primary", "secrets"], [list(r.values()) for r in rows])
    if unknown:
        typer.echo(f"secrets sealed with keys not configured here: {', '.join(unknown)}")


@keys_app.command("rotate")
def rotate_command(ctx: typer.Context) -> None:
    """Seal every stored secret under a new key (key file) or the first configured key.

    With the key file, a new key is added to the file first (older keys stay, for reading), then
    every secret is re-wrapped. With ML_CONNECTOR_SECRET_KEYS, put the new key first in the list
    (`keys generate` makes one), then run this. Safe to interrupt and run again.
    """
    runtime: Runtime = ctx.obj
    keyring = runtime.keyring if runtime.settings.secret_keys else _add_file_key(runtime)
    report = rewrap_all(runtime.engine, keyring)
    typer.echo(f"{report.total} secrets now sealed under key {report.primary_id}")


def _add_file_key(runtime: Runtime) -> Keyring:
    path = runtime.settings.key_file
    _ = runtime.keyring  # creates the file on first use, so there is something to rotate from
    texts = [encode_key(new_key()), *read_key_file(path)]
    write_key_file(path, texts)
    return Keyring.from_text(texts, source=str(path))


@keys_app.command("retire")
def retire_command(ctx: typer.Context) -> None:
    """Remove old keys from the key file once no stored secret needs them.

    Restart running services after `keys rotate` and before this, so none still seals with an
    old key.
    """
    runtime: Runtime = ctx.obj
    if runtime.settings.secret_keys:
        raise SecretError(
            "keys come from ML_CONNECTOR_SECRET_KEYS; remove retired keys from that variable",
            hint="check `keys status` first: a key still sealing secrets must stay",
        )
    keyring = runtime.keyring
    usage = key_usage(runtime.engine)
    in_use = [kid for kid in keyring.key_ids[1:] if usage.get(kid)]
    if in_use:
        raise SecretError(
            f"keys still seal stored secrets: {', '.join(in_use)}", hint="run `keys rotate` first"
        )
    texts = read_key_file(runtime.settings.key_file)
    write_key_file(runtime.settings.key_file, texts[:1])
    typer.echo(f"retired {len(texts) - 1} old keys; key {keyring.primary_id} remains")
