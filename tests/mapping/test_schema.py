"""The JSON Schema shipped for editors is the one the models generate (the CI check)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from ml_connector.mapping import (
    RULE_TYPES,
    default_mapping_text,
    mapping_schema,
    mapping_schema_text,
)
from ml_connector.mapping.schema import shipped_schema_text

EDITOR = Draft202012Validator(json.loads(shipped_schema_text()))


def test_the_shipped_schema_is_up_to_date() -> None:
    assert shipped_schema_text() == mapping_schema_text(), (
        "regenerate src/ml_connector/mapping/mapping.schema.json with "
        "`ml-connector mapping schema > src/ml_connector/mapping/mapping.schema.json`"
    )


def test_the_schema_closes_every_object_and_tags_rules_by_type() -> None:
    schema = mapping_schema()
    assert schema["additionalProperties"] is False
    definitions = schema["$defs"]
    objects = [d for d in definitions.values() if "properties" in d]
    assert all(d["additionalProperties"] is False for d in objects)
    [rule] = definitions["EntityMapping"]["properties"]["fields"]["patternProperties"].values()
    assert set(rule["discriminator"]["mapping"]) == set(RULE_TYPES)


def test_the_schema_is_plain_json() -> None:
    assert json.loads(mapping_schema_text()) == mapping_schema()


def test_editors_find_the_default_file_valid() -> None:
    assert list(EDITOR.iter_errors(yaml.safe_load(default_mapping_text()))) == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Account Name", {"type": "copy", "source": "companyname"}),
        ("Phone", {"type": "phone", "source": "phone", "colour": "red"}),
        ("Phone", {"type": "fone", "source": "phone"}),
        ("Phone", {"type": "phone"}),
        ("Fax", {"type": "phone", "source": "fax", "invalid": "guess"}),
        ("Tier", {"type": "custom", "source": "tier"}),
    ],
)
def test_editors_flag_what_the_loader_refuses(name: str, rule: dict[str, Any]) -> None:
    document = {"customer": {"module": "Accounts", "fields": {name: rule}}}
    assert list(EDITOR.iter_errors(document)) != []
