"""The JSON Schema shipped for editors is the one the models generate (the CI check)."""

from __future__ import annotations

import json

from ml_connector.mapping import RULE_TYPES, mapping_schema, mapping_schema_text
from ml_connector.mapping.schema import shipped_schema_text


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
