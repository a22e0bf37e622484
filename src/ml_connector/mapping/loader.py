"""Reading a mapping file: YAML, then the models, then the column names, all problems at once.

A person fixing a mapping file wants the whole list in one go, each problem with its line and
key path, and the valid choices where a name was not recognised. Column names are checked
against the row contract of :mod:`ml_connector.mapping.columns` here rather than in the models,
because only the file's top level knows which record type a rule belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ml_connector.errors import ConfigFileError, ConfigValueError
from ml_connector.mapping.columns import COLUMNS, SOURCE_TYPES, is_known_column
from ml_connector.mapping.document import Document, Located, read_yaml
from ml_connector.mapping.model import MappingFile
from ml_connector.mapping.rules import COLUMN_NAME, RULE_TYPES, template_columns
from ml_connector.mapping.structure import model_at

__all__ = [
    "DEFAULT_NAME",
    "LoadedMapping",
    "MappingFileError",
    "default_mapping",
    "default_mapping_text",
    "load_mapping",
    "parse_mapping",
]

DEFAULT_NAME = "default.yaml"


class MappingFileError(ConfigValueError):
    """A mapping file with problems; ``located`` has each with its line and key path."""

    def __init__(self, source: str, located: tuple[Located, ...]) -> None:
        self.located = located
        super().__init__(
            source,
            [f"line {p.line}: {p.path}: {p.message}" for p in located],
            hint="fix the file; `ml-connector mapping validate FILE` lists every problem",
        )


@dataclass(frozen=True)
class LoadedMapping:
    """A valid mapping and the document it came from, to point at lines in later checks."""

    mapping: MappingFile
    document: Document


def parse_mapping(text: str, source: str) -> LoadedMapping:
    """Validate mapping text; every problem is raised at once in one MappingFileError."""
    document = read_yaml(text, source)
    problems = [*document.problems, *_column_problems(document)]
    mapping: MappingFile | None = None
    try:
        mapping = MappingFile.model_validate(document.data)
    except ValidationError as exc:
        problems += [_describe(document, error) for error in exc.errors()]
    if problems or mapping is None:
        raise MappingFileError(source, tuple(sorted(problems, key=lambda p: p.line)))
    return LoadedMapping(mapping, document)


def load_mapping(path: Path) -> LoadedMapping:
    """Read and validate a mapping file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(str(path), f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigFileError(str(path), "not valid UTF-8 text") from None
    return parse_mapping(text, str(path))


def default_mapping_text() -> str:
    """The mapping that ships with the connector, as text (what `mapping init` writes)."""
    return resources.files(__package__).joinpath(DEFAULT_NAME).read_text(encoding="utf-8")


@cache
def default_mapping() -> MappingFile:
    """The mapping that ships with the connector (read once; it is frozen, so shared)."""
    return parse_mapping(default_mapping_text(), f"(built-in) {DEFAULT_NAME}").mapping


def _describe(document: Document, error: Any) -> Located:
    loc, kind, ctx = tuple(error["loc"]), error["type"], error.get("ctx") or {}
    if kind == "missing":
        return document.locate(loc[:-1], "missing required key", leaf=str(loc[-1]))
    if kind == "extra_forbidden":
        model = model_at(MappingFile, loc[:-1])
        valid = ", ".join(sorted(model.model_fields)) if model else "none"
        return document.locate(loc, f"unknown key (valid keys: {valid})")
    if kind == "union_tag_invalid":
        message = f"unknown rule type {ctx['tag']!r} (valid types: {ctx['expected_tags']})"
        return document.locate((*loc, "type"), message)
    if kind == "union_tag_not_found":
        valid = _rule_types()
        return document.locate(loc, f"a rule needs a type (one of {valid})", leaf="type")
    if kind == "literal_error":
        return document.locate(loc, f"{error['input']!r} is not valid (valid: {ctx['expected']})")
    return document.locate(loc, str(error["msg"]).removeprefix("Value error, "))


def _rule_types() -> str:
    return ", ".join(RULE_TYPES)


def _column_problems(document: Document) -> Iterator[Located]:
    data = document.data if isinstance(document.data, dict) else {}
    for source_type in SOURCE_TYPES:
        section = data.get(source_type)
        fields = section.get("fields") if isinstance(section, dict) else None
        for name, rule in fields.items() if isinstance(fields, dict) else ():
            if isinstance(rule, dict):
                path = (source_type, "fields", str(name))
                yield from _rule_columns(document, source_type, path, rule)


def _rule_columns(
    document: Document, source_type: str, path: tuple[str, ...], rule: dict[Any, Any]
) -> Iterator[Located]:
    named: list[tuple[tuple[str, ...], object]] = [
        ((*path, key), rule.get(key)) for key in ("source", "source_type_column")
    ]
    fallback = rule.get("fallback")
    if isinstance(fallback, list):
        named += [((*path, "fallback", str(i)), column) for i, column in enumerate(fallback)]
    named += [((*path, "template"), column) for column in _template_columns(rule)]
    for where, column in named:
        if isinstance(column, str) and not is_known_column(source_type, column):
            valid = ", ".join(sorted(COLUMNS[source_type]))
            message = f"{source_type} rows have no column {column!r} (valid: {valid}, custentity_*)"
            yield document.locate(where, message)


def _template_columns(rule: dict[Any, Any]) -> list[str]:
    template = rule.get("template")
    try:
        named = template_columns(template) if isinstance(template, str) else []
    except ValueError:  # a malformed template is reported by the model's own check
        return []
    return [column for column in named if COLUMN_NAME.match(column)]
