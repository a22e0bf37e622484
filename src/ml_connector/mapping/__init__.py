"""The mapping: a validated file from NetSuite columns to Zoho fields, and a pure ``apply()``."""

from __future__ import annotations

from ml_connector.mapping.columns import CATEGORY_COLUMN, COLUMNS, SOURCE_TYPES
from ml_connector.mapping.compatibility import Finding, check_against_fields
from ml_connector.mapping.document import Located
from ml_connector.mapping.explanation import FieldLine, explain
from ml_connector.mapping.loader import (
    LoadedMapping,
    MappingFileError,
    default_mapping,
    default_mapping_text,
    load_mapping,
    parse_mapping,
)
from ml_connector.mapping.mapper import apply
from ml_connector.mapping.model import EntityMapping, MappingFile
from ml_connector.mapping.outcome import (
    AwaitingDependency,
    Dependency,
    FieldIssue,
    MappedRecord,
    MappingFailure,
    Outcome,
    awaited,
)
from ml_connector.mapping.ownership import ZohoEdit, reassertion, zoho_edits
from ml_connector.mapping.rules import RULE_TYPES, Rule
from ml_connector.mapping.schema import SCHEMA_NAME, mapping_schema, mapping_schema_text
from ml_connector.mapping.transforms import Lookups, Row

__all__ = [
    "CATEGORY_COLUMN",
    "COLUMNS",
    "RULE_TYPES",
    "SCHEMA_NAME",
    "SOURCE_TYPES",
    "AwaitingDependency",
    "Dependency",
    "EntityMapping",
    "FieldIssue",
    "FieldLine",
    "Finding",
    "LoadedMapping",
    "Located",
    "Lookups",
    "MappedRecord",
    "MappingFailure",
    "MappingFile",
    "MappingFileError",
    "Outcome",
    "Row",
    "Rule",
    "ZohoEdit",
    "apply",
    "awaited",
    "check_against_fields",
    "default_mapping",
    "default_mapping_text",
    "explain",
    "load_mapping",
    "mapping_schema",
    "mapping_schema_text",
    "parse_mapping",
    "reassertion",
    "zoho_edits",
]
