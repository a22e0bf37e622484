"""YAML text read into plain data plus the line of every key, so errors can point at the file.

PyYAML builds a node tree (each node knows where it starts) before it builds Python values; we
keep both: the values for validation, and a table from key path to line for messages in the
``file:line: path: message`` form editors and terminals turn into links. Duplicate keys, which
PyYAML silently lets the last one win, are reported here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml

from ml_connector.errors import ConfigFileError

__all__ = ["Document", "Located", "Path", "read_yaml"]

Path = tuple[str, ...]
STR, MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Located:
    """One problem in a file, at a line and a key path."""

    source: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.path}: {self.message}"


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data, where each key is, and the problems the parse found."""

    source: str
    data: object
    lines: dict[Path, int]
    problems: tuple[Located, ...] = ()

    def locate(self, parts: Sequence[object], message: str, *, leaf: str = "") -> Located:
        """A problem at the deepest key of ``parts`` that is in the file.

        Parts that are not keys of the file (a union's tag in a validation error) are skipped;
        ``leaf`` names a key that is not in the file (a missing key) at the end of the path.
        """
        found: Path = ()
        for part in parts:
            if (*found, str(part)) in self.lines:
                found = (*found, str(part))
        shown = (*found, leaf) if leaf else found
        return Located(self.source, self.lines.get(found, 1), _dotted(shown), message)


def _dotted(path: Path) -> str:
    return ".".join(path) or "(top level)"


def read_yaml(text: str, source: str) -> Document:
    """Parse one YAML document; a syntax error is a ConfigFileError naming its line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _keys_as_written(node, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ConfigFileError(source, _syntax(exc)) from None
    finally:
        loader.dispose()
    lines: dict[Path, int] = {(): 1}
    problems = tuple(_walk(node, (), lines, source, set())) if node is not None else ()
    return Document(source, data, lines, problems)


def _keys_as_written(node: yaml.Node, seen: set[int]) -> None:
    """Read every key as the text written, since every key of a mapping file is a name.

    YAML 1.1 would read a value map's ``NO`` (Norway) or ``off`` as false and ``1.50`` as the
    number 1.5, so NetSuite's values could never match them. Merge keys (``<<``) stay.
    """
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != MERGE:
                key.tag = STR
            _keys_as_written(value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _keys_as_written(item, seen)


def _syntax(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"{where}not valid YAML: {problem}"


def _walk(
    node: yaml.Node, path: Path, lines: dict[Path, int], source: str, seen: set[int]
) -> Iterator[Located]:
    if id(node) in seen:  # an alias back to an enclosing node: already walked
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        yield from _walk_mapping(node, path, lines, source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault((*path, str(index)), item.start_mark.line + 1)
            yield from _walk(item, (*path, str(index)), lines, source, seen)


def _walk_mapping(
    node: yaml.MappingNode, path: Path, lines: dict[Path, int], source: str, seen: set[int]
) -> Iterator[Located]:
    keys: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        line = key_node.start_mark.line + 1
        if key in keys:
            yield Located(source, line, _dotted((*path, key)), "duplicate key")
        keys.add(key)
        lines.setdefault((*path, key), line)
        yield from _walk(value_node, (*path, key), lines, source, seen)
