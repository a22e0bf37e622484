"""A small checker of JSON values against Zoho's OpenAPI 3.0 schemas, with the known gaps.

Zoho's own documents (``../shared/reference/zoho-oas``) are the contract, except where they
contradict Zoho's documented examples; those gaps (listed in that folder's README) are named
here one by one, so everything else in the schemas is enforced. Only the keywords Zoho's files
use are handled: ``$ref`` (across files), ``oneOf``/``anyOf``/``allOf``, ``type``, ``nullable``,
``enum``, ``properties``, ``required`` and ``items``. ``oneOf`` is checked as "any of", because
Zoho's alternatives are open objects that overlap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["OAS_DIR", "Contract"]

OAS_DIR = Path(__file__).resolve().parents[4] / "shared" / "reference" / "zoho-oas"

# Keys Zoho's examples send as null although the schema says non-nullable (README gaps).
NULL_IN_EXAMPLES = {
    "previous_page_token",
    "next_page_token",
    "page_token_expiry",
    "paid_expiry",
    "duplicate_field",
    "external",  # reference §3.2, from Zoho's fields sample: null when not an external id
}
# Messages of documented examples missing from the schemas' message enums.
EXAMPLE_MESSAGES = {
    "required param is missing",
    "limit exceeded",
    "the field api name given seems to be invalid",
    "the related id given seems to be invalid",
}
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


@dataclass
class Contract:
    """Zoho's schema files, loaded on demand, and the checks against them."""

    folder: Path = OAS_DIR
    docs: dict[str, Any] = field(default_factory=dict)

    def doc(self, name: str) -> Any:
        if name not in self.docs:
            self.docs[name] = json.loads((self.folder / name).read_text())
        return self.docs[name]

    def schema(self, name: str, pointer: str) -> tuple[Any, str]:
        """The schema at a JSON pointer (``/paths/…`` or ``/components/…``) of a file."""
        node = self.doc(name)
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, name

    def response_schema(self, name: str, path: str, method: str, status: str) -> tuple[Any, str]:
        """The JSON schema of one documented response, following a response ``$ref``."""
        response = self.doc(name)["paths"][path][method]["responses"][status]
        if "$ref" in response:
            response, name = self.follow(response["$ref"], name)
        return response["content"]["application/json"]["schema"], name

    def follow(self, ref: str, current: str) -> tuple[Any, str]:
        target, _, pointer = ref.partition("#")
        name = target.rsplit("/", 1)[-1] if target else current
        return self.schema(name, pointer)

    def problems(
        self, schema: Any, value: Any, where: str, *, loose_required: bool = False
    ) -> list[str]:
        """Every way ``value`` breaks ``schema``; empty when it conforms."""
        found: list[str] = []
        _Check(self, found, loose_required).check(schema, value, where, "$")
        return found


@dataclass
class _Check:
    contract: Contract
    found: list[str]
    loose_required: bool

    def check(self, schema: Any, value: Any, doc: str, path: str, key: str = "") -> None:
        if "$ref" in schema:
            target, doc = self.contract.follow(schema["$ref"], doc)
            self.check(target, value, doc, path, key)
            return
        if "oneOf" in schema or "anyOf" in schema:
            self._any(schema.get("oneOf") or schema["anyOf"], value, doc, path, key)
            return
        for part in schema.get("allOf", []):
            self.check(part, value, doc, path, key)
        if value is None:
            if not (schema.get("nullable") or key in NULL_IN_EXAMPLES):
                self.found.append(f"{path}: null where {doc} says non-nullable")
            return
        self._typed(schema, value, doc, path, key)

    def _any(self, options: list[Any], value: Any, doc: str, path: str, key: str) -> None:
        failures = []
        for option in options:
            attempt = _Check(self.contract, [], self.loose_required)
            attempt.check(option, value, doc, path, key)
            if not attempt.found:
                return
            failures += attempt.found
        self.found.append(f"{path}: matches none of the alternatives: {failures}")

    def _typed(self, schema: Any, value: Any, doc: str, path: str, key: str) -> None:
        kind = schema.get("type")
        if kind and not self._type_ok(kind, value, key):
            self.found.append(f"{path}: {type(value).__name__} where {doc} says {kind}")
            return
        if "enum" in schema and not self._enum_ok(schema["enum"], value, key):
            self.found.append(f"{path}: {value!r} not in {doc}'s enum")
        if isinstance(value, dict):
            self._object(schema, value, doc, path)
        if isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                self.check(schema["items"], item, doc, f"{path}[{index}]")

    def _type_ok(self, kind: str, value: Any, key: str) -> bool:
        if key == "channel_id" and isinstance(value, str):
            return True  # README gap: typed as object, sent as a string
        if isinstance(value, bool) and kind != "boolean":
            return False
        return isinstance(value, TYPES[kind])

    def _enum_ok(self, enum: list[Any], value: Any, key: str) -> bool:
        if key == "message" and value in EXAMPLE_MESSAGES:
            return True
        if key == "type" and isinstance(value, str):
            return value.casefold() in {str(v).casefold() for v in enum}  # README gap
        return value in enum

    def _object(self, schema: Any, value: dict[str, Any], doc: str, path: str) -> None:
        if not self.loose_required:
            missing = [k for k in schema.get("required", []) if k not in value]
            if missing:
                self.found.append(f"{path}: missing {missing} required by {doc}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                self.check(sub, value[name], doc, f"{path}.{name}", name)
