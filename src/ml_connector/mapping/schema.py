"""The JSON Schema of mapping files, for editors (completion, inline errors) and for CI.

The schema is generated from the models, so it cannot drift from what the loader accepts; the
copy shipped beside the default mapping is compared with a fresh one by the test suite.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ml_connector.mapping.model import MappingFile

__all__ = ["SCHEMA_NAME", "mapping_schema", "mapping_schema_text", "shipped_schema_text"]

SCHEMA_NAME = "mapping.schema.json"
SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def mapping_schema() -> dict[str, Any]:
    """The schema of a mapping file, as pydantic generates it from the models."""
    schema = MappingFile.model_json_schema()
    return {**schema, "$schema": SCHEMA_DRAFT, "title": "ml-connector mapping file"}


def mapping_schema_text() -> str:
    """The schema as the text checked in beside the default mapping."""
    return json.dumps(mapping_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def shipped_schema_text() -> str:
    """The schema file shipped in the package."""
    return resources.files(__package__).joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
