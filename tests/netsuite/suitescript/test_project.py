"""The SDF project as shipped: consistent files, and the deployment an administrator is given."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ml_connector.errors import ConfigError
from ml_connector.netsuite.suitescript import (
    PROJECT,
    SECRET_SCRIPT_ID,
    api_secret_value,
    config_module,
    deployment_steps,
    write_project,
)
from tests.netsuite.suitescript.conftest import SECRET

OBJECTS = sorted((PROJECT / "Objects").glob("*.xml"))


def _xml(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - our own shipped files


def _referenced_script(root: ET.Element) -> Path:
    reference = (root.findtext("scriptfile") or root.findtext("scriptfilepath") or "").strip()
    assert re.fullmatch(r"\[/SuiteScripts/.+\.js\]", reference), reference
    return PROJECT / "FileCabinet" / reference[2:-1]


def test_the_manifest_is_an_account_customization_needing_server_scripts() -> None:
    manifest = _xml(PROJECT / "manifest.xml")

    assert manifest.get("projecttype") == "ACCOUNTCUSTOMIZATION"
    assert [f.text for f in manifest.iter("feature")] == ["SERVERSIDESCRIPTING"]


def test_deploy_covers_the_scripts_and_the_objects() -> None:
    deploy = _xml(PROJECT / "deploy.xml")

    assert [p.text for p in deploy.iter("path")] == [
        "~/FileCabinet/SuiteScripts/ml_connector/*", "~/Objects/*"
    ]  # fmt: skip


@pytest.mark.parametrize("path", OBJECTS, ids=[p.name for p in OBJECTS])
def test_every_object_is_named_after_its_script_id_and_points_at_a_shipped_script(
    path: Path,
) -> None:
    root = _xml(path)
    script = _referenced_script(root)

    assert root.get("scriptid") == path.stem
    assert script.is_file()
    annotation = {"usereventscript": "UserEventScript", "eventsubscriber": "EventSubscriber"}
    assert f"@NScriptType {annotation[root.tag]}" in script.read_text()


def test_event_subscribers_fit_the_id_limit_and_subscribe_to_the_three_record_types() -> None:
    for name in ("custevsub_mlc_created", "custevsub_mlc_updated"):
        root = _xml(PROJECT / "Objects" / f"{name}.xml")
        values = sorted(p.findtext("value") or "" for p in root.iter("parameter"))
        assert len(name) <= 27
        assert values == ["CONTACT", "CUSTOMER", "VENDOR"]
        assert "async function handle(options)" in _referenced_script(root).read_text()


def test_the_user_event_is_deployed_on_the_three_record_types() -> None:
    root = _xml(PROJECT / "Objects" / "customscript_mlc_change_events_ue.xml")

    types = sorted(d.findtext("recordtype") or "" for d in root.iter("scriptdeployment"))
    assert types == ["CONTACT", "CUSTOMER", "VENDOR"]


def test_the_config_module_carries_the_url_safely_quoted() -> None:
    text = config_module("https://connector.example/hooks/netsuite/acme?x='1'", [1042])

    assert "webhookUrl: \"https://connector.example/hooks/netsuite/acme?x='1'\"," in text
    assert "skipRoles: [1042]," in text
    assert f"secretScriptId: '{SECRET_SCRIPT_ID}'" in text


def test_a_written_project_holds_only_the_scripts_the_account_runs(tmp_path: Path) -> None:
    modern = write_project(tmp_path / "modern", "https://c.example/h", event_subscriber=True)
    legacy = write_project(tmp_path / "legacy", "https://c.example/h", event_subscriber=False)

    assert sorted(p.name for p in (modern / "Objects").iterdir()) == [
        "custevsub_mlc_created.xml", "custevsub_mlc_updated.xml"
    ]  # fmt: skip
    assert [p.name for p in (legacy / "Objects").iterdir()] == [
        "customscript_mlc_change_events_ue.xml"
    ]
    config = legacy / "FileCabinet/SuiteScripts/ml_connector/mlc_config.js"
    assert '"https://c.example/h"' in config.read_text()
    assert not list(modern.rglob("*.py"))


def test_the_steps_name_the_secret_to_register_and_where_events_go() -> None:
    steps = deployment_steps("acme", "https://connector.example/hooks/netsuite/acme", SECRET)

    assert SECRET.removeprefix("whsec_") in steps
    assert "whsec_" + SECRET.removeprefix("whsec_") not in steps
    assert SECRET_SCRIPT_ID in steps
    assert "Restrict to domains: connector.example" in steps
    assert '"https://connector.example/hooks/netsuite/acme"' in steps
    assert "Warning" not in steps


def test_the_api_secret_is_the_newest_of_a_rotation() -> None:
    older = "whsec_" + "b" * 44
    assert api_secret_value(f"{SECRET} {older}") == SECRET.removeprefix("whsec_")


@pytest.mark.parametrize(
    ("url", "secret", "problem"),
    [
        ("ftp://connector.example/x", SECRET, "not an http(s) URL"),
        ("https://connector.example/x", "plain", "must start with 'whsec_'"),
    ],
)
def test_steps_are_refused_for_a_url_or_secret_that_cannot_work(
    url: str, secret: str, problem: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        deployment_steps("acme", url, secret)


def test_a_plain_http_url_is_flagged() -> None:
    assert "not https" in deployment_steps("acme", "http://127.0.0.1:8000/hooks/x", SECRET)
