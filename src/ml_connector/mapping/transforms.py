"""The fixed registry of transforms: what each rule type does to a row.

Transforms are pure functions of a rule, a row and the caller's lookup resolver. They signal
the three ways a field can go wrong with exceptions private to the mapping, which ``apply``
turns into values: :class:`Rejected` (the record fails, naming the field), :class:`Omitted`
(the field is left out and a warning kept) and :class:`Waiting` (a referenced record is not in
Zoho yet). Messages quote the offending value, shortened, because a person has to find it in
NetSuite to fix it.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, Protocol

import phonenumbers
import pycountry

from ml_connector.mapping.columns import ADDRESS_PREFIXES
from ml_connector.mapping.rules import (
    AddressRule,
    ConstantRule,
    CopyRule,
    CustomRule,
    EmailRule,
    InactiveRule,
    LookupRule,
    PhoneRule,
    TemplateRule,
    ValueMapRule,
)

__all__ = [
    "TRANSFORMS",
    "Context",
    "Lookups",
    "Omitted",
    "Rejected",
    "Row",
    "Waiting",
    "e164",
    "text",
]

Row = Mapping[str, object]


class Lookups(Protocol):
    """Resolves a NetSuite record to the id of its Zoho record, or None if not written yet."""

    def __call__(self, ns_type: str, ns_id: str) -> str | None: ...


class Rejected(Exception):  # noqa: N818 - a signal between transforms and apply, not an error
    """The field cannot be mapped: the record fails."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class Omitted(Rejected):
    """The field is left out of the payload, with a warning."""


class Waiting(Exception):  # noqa: N818 - a signal, see Rejected
    """The field refers to a record that is not in Zoho yet."""

    def __init__(self, ns_type: str, ns_id: str) -> None:
        super().__init__(f"{ns_type} {ns_id} is not in Zoho yet")
        self.ns_type, self.ns_id = ns_type, ns_id


@dataclass(frozen=True, slots=True)
class Context:
    """What every transform may read: the row, the resolver and the file-wide settings."""

    row: Row
    lookups: Lookups
    phone_region: str

    def text(self, column: str) -> str | None:
        return text(self.row.get(column))


def text(value: object) -> str | None:
    """A row value as trimmed text; empty and NULL are both None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    stripped = str(value).strip()
    return stripped or None


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def _copy(rule: CopyRule, ctx: Context) -> str | None:
    for column in (rule.source, *rule.fallback):
        value = ctx.text(column)
        if value is not None:
            return value
    return None


class _Texts:
    """The row as ``format_map`` sees it: every column as text, NULL as empty."""

    def __init__(self, row: Row) -> None:
        self.row = row

    def __getitem__(self, column: str) -> str:
        return text(self.row.get(column)) or ""


def _template(rule: TemplateRule, ctx: Context) -> str | None:
    rendered = rule.template.format_map(_Texts(ctx.row))
    return " ".join(rendered.split()) or None


def _constant(rule: ConstantRule, ctx: Context) -> object:
    return rule.value


def _invalid(how: str, code: str, message: str) -> Rejected:
    return Omitted(code, message) if how == "omit" else Rejected(code, message)


PHONE_LENGTH = 30  # Zoho refuses a longer value in a phone field, and the whole record with it


def _phone(rule: PhoneRule, ctx: Context) -> str | None:
    raw = ctx.text(rule.source)
    if raw is None:
        return None
    return _phone_number(raw, rule.region or ctx.phone_region, rule.invalid)


def _phone_number(raw: str, region: str, invalid: str) -> str:
    formatted = e164(raw, region)
    if formatted is None:
        message = f"{_show(raw)} is not a valid phone number (default region {region})"
        raise _invalid(invalid, "INVALID_PHONE", message)
    if len(formatted) > PHONE_LENGTH:
        message = f"{_show(raw)} is longer than Zoho's {PHONE_LENGTH} characters as {formatted!r}"
        raise _invalid(invalid, "INVALID_PHONE", message)
    return formatted


@lru_cache(maxsize=65536)
def e164(raw: str, region: str) -> str | None:
    """A valid number in E.164 (then `` x`` and any extension), or None; kept, as parsing is slow.

    Most of mapping's time goes to reading phone numbers, and the same rows are mapped again on
    every overlapping poll, replay and reconcile, so results are kept for recent numbers. The
    extension is written ``x42`` because Zoho's phone fields take digits, spaces and ``+()-./x#*``
    only: an ``ext.`` would make Zoho refuse the whole record.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{formatted} x{number.extension}" if number.extension else formatted


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})", re.ASCII
)


def _email(rule: EmailRule, ctx: Context) -> str | None:
    raw = ctx.text(rule.source)
    return None if raw is None else _email_address(raw, rule.invalid)


def _email_address(raw: str, invalid: str) -> str:
    match = _EMAIL.fullmatch(raw)
    if match is None or len(raw) > 254 or len(match["local"]) > 64:
        raise _invalid(invalid, "INVALID_EMAIL", f"{_show(raw)} is not an email address")
    return raw.lower()


def _address(rule: AddressRule, ctx: Context) -> str | None:
    prefix = ADDRESS_PREFIXES[rule.address]
    if rule.part == "street":
        lines = (ctx.text(f"{prefix}addr{n}") for n in (1, 2, 3))
        return rule.separator.join(line for line in lines if line) or None
    value = ctx.text(prefix + rule.part)
    if rule.part != "country" or value is None:
        return value
    return _country(value, rule.country_format)


@cache
def _countries() -> dict[str, Any]:
    return {country.alpha_2: country for country in pycountry.countries}


def _country(code: str, form: str) -> str:
    country = _countries().get(code.upper())
    if country is None:
        raise Rejected("UNKNOWN_COUNTRY", f"{_show(code)} is not an ISO 3166 country code")
    return str(getattr(country, form, None) or country.name)


def _value_map(rule: ValueMapRule, ctx: Context) -> object:
    raw = ctx.text(rule.source)
    if raw is None:
        return None
    if raw in rule.values:
        return rule.values[raw]
    if rule.unmapped == "pass":
        return raw
    if rule.unmapped == "default":
        return rule.default
    raise Rejected("UNMAPPED_VALUE", f"{rule.source} {_show(raw)} is not in the value map")


def _lookup(rule: LookupRule, ctx: Context) -> dict[str, str] | None:
    ns_id = ctx.text(rule.source)
    if ns_id is None:
        return None
    if rule.source_type_column and ctx.text(rule.source_type_column) != rule.target:
        return None  # the reference is to another type; that type's field carries it
    zoho_id = ctx.lookups(rule.target, ns_id)
    if zoho_id is None:
        raise Waiting(rule.target, ns_id)
    return {"id": zoho_id}


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    found = {"T": True, "TRUE": True, "F": False, "FALSE": False}.get((text(value) or "F").upper())
    if found is None:
        raise Rejected("INVALID_FLAG", f"{_show(value)} is not T or F")
    return found


def _inactive(rule: InactiveRule, ctx: Context) -> object:
    return rule.inactive if _flag(ctx.row.get(rule.source)) else rule.active


def _integer(value: object) -> int:
    found = text(value) or ""
    if not re.fullmatch(r"[+-]?[0-9]{1,18}", found):
        raise Rejected("INVALID_NUMBER", f"{_show(value)} is not a whole number")
    return int(found)


_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")  # as str(float) writes


def _decimal(value: object) -> float:
    found = text(value) or ""
    number = float(found) if _DECIMAL.fullmatch(found) else math.nan
    if not math.isfinite(number):
        raise Rejected("INVALID_NUMBER", f"{_show(value)} is not a number")
    return number


def _date(value: object) -> str:
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    found = text(value) or ""
    with contextlib.suppress(ValueError):
        if len(found) == len("YYYY-MM-DD"):
            return date.fromisoformat(found).isoformat()
    raise Rejected("INVALID_DATE", f"{_show(value)} is not a date (YYYY-MM-DD)")


_CONVERSIONS: dict[str, Callable[[object], object]] = {
    "boolean": _flag,
    "integer": _integer,
    "double": _decimal,
    "currency": _decimal,
    "date": _date,
}


def _custom(rule: CustomRule, ctx: Context) -> object:
    value = ctx.row.get(rule.source)
    found = text(value)
    if found is None:
        return None
    if rule.data_type == "phone":
        return _phone_number(found, ctx.phone_region, "reject")
    if rule.data_type == "email":
        return _email_address(found, "reject")
    convert = _CONVERSIONS.get(rule.data_type)
    return convert(value) if convert else found


TRANSFORMS: dict[str, Callable[[Any, Context], object]] = {
    "copy": _copy,
    "template": _template,
    "constant": _constant,
    "phone": _phone,
    "email": _email,
    "address": _address,
    "value_map": _value_map,
    "lookup": _lookup,
    "inactive": _inactive,
    "custom": _custom,
}
