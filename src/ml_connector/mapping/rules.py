"""The rules a mapping file may give a Zoho field, one model per ``type``.

Rules are data only: what to read and how to shape it. What each rule does to a row lives in the
fixed registry of :mod:`ml_connector.mapping.transforms`, so a file can only ever ask for
behaviour the connector ships. Every rule says who owns its field: ``netsuite`` fields are
re-asserted when someone edits them in Zoho, ``shared`` ones are only reported.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any, Literal, NoReturn, TypeVar

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

__all__ = [
    "COLUMN_NAME",
    "RULE_TYPES",
    "AddressRule",
    "ConstantRule",
    "CopyRule",
    "CustomRule",
    "EmailRule",
    "FrozenDict",
    "InactiveRule",
    "LookupRule",
    "PhoneRule",
    "Rule",
    "Scalar",
    "TemplateRule",
    "ValueMapRule",
    "check_region",
    "frozen",
]

COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
Column = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=100, description="a SuiteQL column of the row"),
]
CustomColumn = Annotated[
    str, Field(pattern=r"^custentity_[a-z0-9_]{1,80}$", description="a custentity_* column")
]


def _scalar(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError("must be text, a number, true, false or null")


Scalar = Annotated[
    str | int | float | bool | None,
    PlainValidator(_scalar),
    WithJsonSchema({"type": ["string", "number", "boolean", "null"]}),
]
Invalid = Literal["reject", "omit"]
INVALID_HELP = "reject: the record fails, naming the field; omit: leave the field out and warn"


K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A dict that refuses changes, so a loaded mapping always matches its version hash.

    Pydantic's ``frozen`` stops attribute assignment only; a rule table or value map could
    still be edited in place, and audit rows would then name a version that did not build them.
    """

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a loaded mapping cannot be changed: load or model_copy it instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))


def frozen(value: dict[K, V]) -> FrozenDict[K, V]:
    """The validated dict, frozen (used as an ``AfterValidator``)."""
    return FrozenDict(value)


class Strict(BaseModel):
    """Frozen and closed: a misspelt key is an error, not a silently ignored setting."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class _Rule(Strict):
    owner: Literal["netsuite", "shared"] = Field(
        "netsuite", description="netsuite: re-assert edits made in Zoho; shared: only report them"
    )
    required: bool = Field(False, description="an empty result fails the record")
    max_length: int | None = Field(
        None, ge=1, description="cut longer text to this many characters (with a warning)"
    )


def check_region(value: str) -> str:
    """A region phonenumbers knows, so numbers without a country code can be read."""
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {value!r} (use an ISO 3166 code such as US, GB)")
    return value


class CopyRule(_Rule):
    """The column's text, as it is; the first non-empty of ``source`` and ``fallback``."""

    type: Literal["copy"]
    source: Column
    fallback: tuple[Column, ...] = Field((), description="columns tried in turn when empty")


class TemplateRule(_Rule):
    """Text built from columns, e.g. ``"{firstname} {lastname}"``; spaces are tidied."""

    type: Literal["template"]
    template: str = Field(min_length=1, max_length=1000)

    @field_validator("template")
    @classmethod
    def _plain_placeholders(cls, value: str) -> str:
        for column in template_columns(value):
            if not COLUMN_NAME.match(column):
                raise ValueError(f"placeholder {{{column}}} must be a lower-case column name")
        return value


def template_columns(template: str) -> list[str]:
    """The columns a template names; a malformed template raises ValueError."""
    parsed = list(string.Formatter().parse(template))
    if any(spec or conv for _, name, spec, conv in parsed if name is not None):
        raise ValueError("placeholders take no format spec or conversion")
    return [name for _, name, _, _ in parsed if name is not None]


class ConstantRule(_Rule):
    """The same value for every record (e.g. a Lead_Source of ``NetSuite``)."""

    type: Literal["constant"]
    value: Scalar


class PhoneRule(_Rule):
    """A phone number as E.164, read with a default region; an invalid one is never guessed."""

    type: Literal["phone"]
    source: Column
    region: str | None = Field(None, description="default region; else the file's phone_region")
    invalid: Invalid = Field("reject", description=INVALID_HELP)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return None if value is None else check_region(value)


class EmailRule(_Rule):
    """An email address, checked and lower-cased so duplicate checks compare like with like."""

    type: Literal["email"]
    source: Column
    invalid: Invalid = Field("reject", description=INVALID_HELP)


class AddressRule(_Rule):
    """One part of the default billing or shipping address; countries become Zoho's names."""

    type: Literal["address"]
    address: Literal["billing", "shipping"]
    part: Literal[
        "street",
        "addr1",
        "addr2",
        "addr3",
        "addressee",
        "attention",
        "city",
        "state",
        "zip",
        "country",
    ] = Field(description="street joins addr1, addr2 and addr3")
    separator: str = Field(", ", description="between the lines of a street")
    country_format: Literal["name", "common_name", "official_name", "alpha_2", "alpha_3"] = Field(
        "name",
        description="how a country code is written in Zoho (part: country); common_name gives "
        "South Korea for ISO's Korea, Republic of, and the ISO name where there is no other",
    )


class ValueMapRule(_Rule):
    """A NetSuite value translated to a Zoho one, e.g. a category to a picklist value."""

    type: Literal["value_map"]
    source: Column
    values: Annotated[dict[str, Scalar], AfterValidator(frozen)] = Field(
        description="NetSuite value → Zoho value"
    )
    unmapped: Literal["reject", "default", "pass"] = Field(
        "reject", description="a value not in values: fail the record, use default, or keep it"
    )
    default: Scalar = None

    @field_validator("values", mode="before")
    @classmethod
    def _text_keys(cls, value: object) -> object:
        """Rows carry ids as text, so a key given as a number (from Python) is matched as text."""
        if isinstance(value, dict):
            return {k if isinstance(k, str) else _key_text(k): v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _default_given(self) -> ValueMapRule:
        if self.unmapped == "default" and "default" not in self.model_fields_set:
            raise ValueError("unmapped: default needs a default value")
        return self


def _key_text(key: object) -> object:
    if isinstance(key, bool) or not isinstance(key, int | float):
        return key
    return str(key)


class LookupRule(_Rule):
    """A reference to another synced record, as Zoho's ``{"id": …}`` lookup value."""

    type: Literal["lookup"]
    source: Column
    target: Literal["customer", "vendor", "contact"] = Field(
        description="the NetSuite type the referenced record is synced as"
    )
    source_type_column: Column | None = Field(
        None, description="a column saying which type the reference is (contact: company_type)"
    )


class InactiveRule(_Rule):
    """NetSuite's inactive flag as a chosen Zoho value, since records are never deleted."""

    type: Literal["inactive"]
    source: Column = "isinactive"
    inactive: Scalar = True
    active: Scalar = False


class CustomRule(_Rule):
    """A ``custentity_*`` column into a Zoho custom field of the given data type.

    Phone numbers and email addresses are read as the phone and email rules read them (the
    file's ``phone_region``), and a value Zoho would refuse fails the record, naming the field.
    """

    type: Literal["custom"]
    source: CustomColumn
    data_type: Literal[
        "text",
        "textarea",
        "picklist",
        "email",
        "phone",
        "website",
        "boolean",
        "integer",
        "double",
        "currency",
        "date",
    ] = "text"


Rule = Annotated[
    CopyRule
    | TemplateRule
    | ConstantRule
    | PhoneRule
    | EmailRule
    | AddressRule
    | ValueMapRule
    | LookupRule
    | InactiveRule
    | CustomRule,
    Field(discriminator="type"),
]

RULE_TYPES: dict[str, type[_Rule]] = {
    "copy": CopyRule,
    "template": TemplateRule,
    "constant": ConstantRule,
    "phone": PhoneRule,
    "email": EmailRule,
    "address": AddressRule,
    "value_map": ValueMapRule,
    "lookup": LookupRule,
    "inactive": InactiveRule,
    "custom": CustomRule,
}
