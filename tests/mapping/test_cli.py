"""``mapping init | validate | schema`` as an operator uses them, including against a Zoho org."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

from ml_connector.auth.session import open_side
from ml_connector.cli.runtime import Runtime
from ml_connector.connections import add_from_file
from ml_connector.mapping import default_mapping_text, mapping_schema
from ml_connector.settings import load_settings
from tests.conftest import Run
from tests.mapping.conftest import NETSUITE

BROKEN = """\
customer:
  module: Acounts
  fields:
    Account_Name: {type: copy, source: companyname}
    Phone: {type: fone, source: phone}
"""


def test_init_writes_the_default_and_its_schema(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "conf" / "mapping.yaml"
    result = run("mapping", "init", str(target))
    assert result.code == 0, result.err
    assert target.read_text() == default_mapping_text()
    schema = json.loads((target.parent / "mapping.schema.json").read_text())
    assert schema == mapping_schema()
    assert run("mapping", "validate", str(target)).code == 0


def test_init_does_not_overwrite_an_edited_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "mapping.yaml"
    target.write_text("# mine\n")
    refused = run("mapping", "init", str(target))
    assert refused.code == 1
    assert "already exists" in refused.err
    assert target.read_text() == "# mine\n"
    assert run("mapping", "init", str(target), "--force").code == 0
    assert target.read_text() == default_mapping_text()


def test_validate_names_the_version_of_a_good_file(run: Run) -> None:
    result = run("mapping", "validate")
    assert result.code == 0
    assert result.out.startswith("(built-in) default.yaml: valid, version ")
    assert "customer → Accounts, vendor → Vendors, contact → Contacts" in result.out


def test_validate_lists_every_problem_with_file_and_line(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(BROKEN)
    result = run("mapping", "validate", str(path))
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == (
        f"{path}:2: customer.module: 'Acounts' is not valid "
        "(valid: 'Accounts', 'Vendors' or 'Contacts')"
    )
    assert lines[1].startswith(f"{path}:5: customer.fields.Phone.type: unknown rule type 'fone'")
    assert lines[2] == f"{path}: 2 problems"


def test_validate_json_for_scripts(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(BROKEN)
    report = run("mapping", "validate", str(path), "--json").json()
    assert report["valid"] is False
    assert report["version"] is None
    assert [(p["line"], p["path"]) for p in report["problems"]] == [
        (2, "customer.module"),
        (5, "customer.fields.Phone.type"),
    ]
    good = run("mapping", "validate", "--json").json()
    assert good["valid"] is True
    assert len(good["version"]) == 16


def test_validate_a_file_that_is_not_yaml(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("customer: [\n")
    result = run("mapping", "validate", str(path))
    assert result.code == 1
    assert "not valid YAML" in result.err


def test_schema_prints_the_schema(run: Run) -> None:
    assert run("mapping", "schema").json() == mapping_schema()


def test_against_zoho_reports_fields_the_org_lacks(run: Run, connection: Runtime) -> None:
    result = run("mapping", "validate", "--against-zoho", "acme")
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    key_line = default_mapping_text().splitlines().index("  key: NetSuite_ID") + 1
    assert lines[0] == (
        f"(built-in) default.yaml:{key_line}: customer.key: key field NetSuite_ID does not exist "
        "in Accounts; `ml-connector setup` creates it"
    )
    missing = [line for line in lines if "NetSuite_Inactive" in line]
    assert len(missing) == 3
    [category] = [line for line in lines if "NetSuite_Category" in line]
    assert category.endswith(
        "contact.fields.NetSuite_Category: Contacts has no field NetSuite_Category "
        "(`ml-connector setup` creates it as a text field)"
    )
    assert lines[-1] == "(built-in) default.yaml: 7 problems"


def test_against_zoho_passes_once_the_fields_exist(run: Run, connection: Runtime) -> None:
    asyncio.run(_create_fields(connection))
    result = run("mapping", "validate", "--against-zoho", "acme", "--json")
    assert result.code == 0, result.out
    assert result.json()["problems"] == []


async def _create_fields(runtime: Runtime) -> None:
    fields = [
        {"field_label": "NetSuite ID", "data_type": "text", "external": {"type": "org"}},
        {"field_label": "NetSuite Inactive", "data_type": "boolean"},
    ]
    category = {"field_label": "NetSuite Category", "data_type": "text"}
    async with open_side(runtime.engine, runtime.keyring, "acme", "zoho") as side:
        for module in ("Accounts", "Vendors", "Contacts"):
            more = [category] if module == "Contacts" else []
            response = await side.client.post(
                "/crm/v8/settings/fields",
                params={"module": module},
                json={"fields": [*fields, *more]},
            )
            assert response.status_code == 201, response.text


def test_against_an_unknown_connection_is_one_clear_error(run: Run) -> None:
    result = run("mapping", "validate", "--against-zoho", "nope")
    assert result.code == 1
    assert "no connection named 'nope'" in result.err


def test_against_an_unreachable_zoho_is_one_clear_error(
    run: Run, tmp_path: Path, home: Path
) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    zoho = {"accounts_url": dead, "api_domain": dead, "client_id": "1000.X"}
    zoho |= {"client_secret": "s-0123456789", "refresh_token": "1000.r-0123456789"}
    path = tmp_path / "dead.json"
    path.write_text(json.dumps({"netsuite": NETSUITE, "zoho": zoho}))
    runtime = Runtime(load_settings())
    add_from_file(runtime.engine, runtime.keyring, "dead", path)
    runtime.engine.dispose()
    result = run("mapping", "validate", "--against-zoho", "dead")
    assert result.code == 1
    assert "cannot reach Zoho: ConnectError" in result.err
