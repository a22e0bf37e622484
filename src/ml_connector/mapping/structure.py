"""Which model a validation error's location points into, to list the keys it accepts.

Pydantic reports an unknown key with its location only; to answer with the valid keys we walk
the annotations from the root model along that location: model fields, dict values, list items
and, for the rule union, the member whose ``type`` tag the location names.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["model_at"]


def model_at(root: type[BaseModel], loc: Sequence[object]) -> type[BaseModel] | None:
    """The model class found at ``loc`` below ``root``, or None if it leads elsewhere."""
    current: Any = root
    for part in loc:
        current = _step(_unwrap(current), str(part))
        if current is None:
            return None
    current = _unwrap(current)
    return current if _is_model(current) else None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` down to the type that matters."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    members = _union_members(annotation)
    if members is not None and len(members) == 1:
        return _unwrap(members[0])
    return annotation


def _union_members(annotation: Any) -> list[Any] | None:
    if get_origin(annotation) not in (Union, types.UnionType):
        return None
    return [member for member in get_args(annotation) if member is not type(None)]


def _step(annotation: Any, part: str) -> Any:
    if _is_model(annotation):
        field = annotation.model_fields.get(part)
        return field.annotation if field is not None else None
    origin = get_origin(annotation)
    if origin is dict:
        return get_args(annotation)[1]
    if origin in (list, tuple):
        return get_args(annotation)[0]
    return _tagged_member(_union_members(annotation) or [], part)


def _tagged_member(members: list[Any], tag: str) -> Any:
    for member in members:
        field = member.model_fields.get("type") if _is_model(member) else None
        annotation = field.annotation if field is not None else None
        if get_origin(annotation) is Literal and tag in get_args(annotation):
            return member
    return None
