"""The ``q`` parameter of record-collection listing, compiled to SQL over the account's tables.

Oracle documents the language on "Record Collection Filtering"
(https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html):
``field OPERATOR value`` conditions joined by ``AND``/``OR`` (``AND`` binds tighter), ``()`` for
precedence, quoted values when they hold spaces, ``[a, b]`` lists for ``BETWEEN``/``WITHIN``/
``ANY_OF``, no value for ``EMPTY``; each field type allows the operators of the page's table.
The filter runs through N/query, so date literals are in the account's date format, not ISO-8601
(the same page and "Using Datetime Fields", section_157305090645.html, say so).

This account's preferences are pinned: date format ``MM/DD/YYYY``, time format ``h:mm a``, time
zone UTC. So ``"1/5/2026"``, ``"01/05/2026 9:30 pm"`` and ``"1/5/2026 9:30:15 am"`` parse, and
``"2026-01-05"`` or a 24-hour ``"1/5/2026 21:30"`` do not. The refusal's wording is not in
Oracle's pages; it is what real accounts answer as integrations quote it ("Search error occurred:
Parse of date/time "2022-12-31" failed with date format "dd/MM/yy" in time zone
America/Los_Angeles", https://github.com/airbytehq/airbyte/issues/21965), and what Airbyte's
NetSuite source matches on to try its next date format. (Older accounts said "Unparseable date".)

Dates name a day, date-times an instant. ``AFTER "d"`` on a date counts from the start of ``d``
(so ``AFTER d1 AND BEFORE d2`` windows tile with no gap and no overlap, the way incremental
readers slice time), ``ON_OR_BEFORE "d"`` runs to the end of ``d``, ``ON "d"`` is the whole day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ml_connector.sandbox.netsuite.record_fields import Field, RecordType

__all__ = ["Clause", "FilterError", "compile_filter"]

# The generic refusal integrations report for a q NetSuite cannot parse; the "Detailed
# unprocessed description follows." prefix is the one in reference §2's real 400. What follows
# it for unknown fields and operators is this simulator's wording: no source quotes NetSuite's.
SYNTAX = "Invalid search query. Provide a valid search query."
_DETAILED = "Invalid search query. Detailed unprocessed description follows. Search error occurred:"
_TOKEN = re.compile(r'\s*(?:("[^"]*")|([()\[\],])|([^\s()\[\],"]+))')
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)", re.IGNORECASE)
_STAMP = "%Y-%m-%dT%H:%M:%SZ"

_OPERATORS: dict[str, frozenset[str]] = {
    "boolean": frozenset({"IS"}),
    "number": frozenset({"ANY_OF", "BETWEEN", "EQUAL", "GREATER", "GREATER_OR_EQUAL", "LESS",
                         "LESS_OR_EQUAL", "WITHIN"}),
    "string": frozenset({"CONTAIN", "IS", "START_WITH", "END_WITH"}),
    "date": frozenset({"AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE"}),
}  # fmt: skip
_PAIRS = frozenset({"BETWEEN", "WITHIN"})


class FilterError(Exception):
    """A ``q`` NetSuite refuses; ``detail`` is the ``o:errorDetails`` text."""

    def __init__(self, detail: str = SYNTAX) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Clause:
    """A SQL boolean expression and its bound values."""

    sql: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True)
class _Period:
    start: str
    end: str
    date_only: bool


def _tokens(text: str) -> list[str]:
    tokens, at = [], 0
    while at < len(text.rstrip()):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise FilterError
        tokens.append(match.group(match.lastindex or 0))
        at = match.end()
    return tokens


def _field_type(spec: Field) -> str:
    if spec.column == "id" or spec.kind == "ref":
        return "number"
    return {"bool": "boolean", "date": "date"}.get(spec.kind, "string")


def _clock(raw: str) -> tuple[tuple[int, int, int], timedelta] | None:
    """Hour, minute, second of an ``h:mm[:ss] am`` time, and the span its precision names."""
    match = _TIME.fullmatch(raw)
    if match is None or not 1 <= int(match[1]) <= 12:
        return None
    hour = int(match[1]) % 12 + (12 if match[4].lower() == "pm" else 0)
    span = timedelta(seconds=1 if match[3] else 60)
    return (hour, int(match[2]), int(match[3] or 0)), span


def _unparseable(raw: str) -> FilterError:
    return FilterError(
        f'Invalid search query. Search error occurred: Parse of date/time "{raw}" failed '
        'with date format "MM/dd/yyyy" in time zone UTC'
    )


def _period(raw: str) -> _Period:
    date_part, _, time_part = raw.strip().partition(" ")
    day = _DATE.fullmatch(date_part)
    clock = _clock(time_part.strip()) if time_part else None
    if day is None or (time_part and clock is None):
        raise _unparseable(raw)
    hms, span = clock if clock else ((0, 0, 0), timedelta(days=1))
    try:
        start = datetime(int(day[3]), int(day[1]), int(day[2]), *hms, tzinfo=UTC)
    except ValueError:
        raise _unparseable(raw) from None
    return _Period(start.strftime(_STAMP), (start + span).strftime(_STAMP), clock is None)


def _date_clause(column: str, op: str, values: list[str]) -> Clause:
    p = _period(values[0])
    if op == "ON":
        return Clause(f"({column} >= ? AND {column} < ?)", (p.start, p.end))
    comparisons = {
        "AFTER": (">=" if p.date_only else ">", p.start),
        "ON_OR_AFTER": (">=", p.start),
        "BEFORE": ("<", p.start),
        "ON_OR_BEFORE": ("<", p.end),
    }
    sign, bound = comparisons[op]
    return Clause(f"{column} {sign} ?", (bound,))


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise FilterError(f"{_DETAILED} Invalid number value: {raw}.") from None


def _number_clause(column: str, op: str, values: list[str]) -> Clause:
    numbers = tuple(_number(v) for v in values)
    if op in _PAIRS:
        return Clause(f"{column} BETWEEN ? AND ?", numbers)
    if op == "ANY_OF":
        return Clause(f"{column} IN ({', '.join('?' * len(numbers))})", numbers)
    signs = {"EQUAL": "=", "GREATER": ">", "GREATER_OR_EQUAL": ">=", "LESS": "<",
             "LESS_OR_EQUAL": "<="}  # fmt: skip
    return Clause(f"{column} {signs[op]} ?", numbers)


def _string_clause(column: str, op: str, values: list[str]) -> Clause:
    value = values[0]
    if op == "IS":
        return Clause(f"LOWER({column}) = LOWER(?)", (value,))
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = {"START_WITH": f"{escaped}%", "END_WITH": f"%{escaped}"}.get(op, f"%{escaped}%")
    return Clause(f"{column} LIKE ? ESCAPE '\\'", (pattern,))


def _boolean_clause(column: str, op: str, values: list[str]) -> Clause:
    flag = values[0].lower()
    if flag not in ("true", "false"):
        raise FilterError(f"{_DETAILED} Invalid boolean value: {values[0]}.")
    return Clause(f"{column} = ?", ("T" if flag == "true" else "F",))


_BUILDERS: dict[str, Callable[[str, str, list[str]], Clause]] = {
    "date": _date_clause,
    "number": _number_clause,
    "string": _string_clause,
    "boolean": _boolean_clause,
}


def _normalized(operator: str) -> tuple[str, bool]:
    op = operator.upper().replace("ENDWITH", "END_WITH")
    negated = op.endswith("_NOT")
    return (op[: -len("_NOT")] if negated else op), negated


class _Parser:
    """Recursive descent over the tokens: ``or := and (OR and)*``, ``and := term (AND term)*``."""

    def __init__(self, kind: RecordType, tokens: list[str]) -> None:
        self._kind, self._tokens, self._at = kind, tokens, 0

    def parse(self) -> Clause:
        clause = self._joined("OR", self._conjunction)
        if self._at != len(self._tokens):
            raise FilterError
        return clause

    def _peek(self) -> str | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise FilterError
        self._at += 1
        return token

    def _expect(self, token: str) -> None:
        if self._take() != token:
            raise FilterError

    def _joined(self, word: str, part: Callable[[], Clause]) -> Clause:
        clauses = [part()]
        while (self._peek() or "").upper() == word:
            self._at += 1
            clauses.append(part())
        if len(clauses) == 1:
            return clauses[0]
        sql = f" {word} ".join(f"({c.sql})" for c in clauses)
        return Clause(sql, tuple(p for c in clauses for p in c.params))

    def _conjunction(self) -> Clause:
        return self._joined("AND", self._term)

    def _term(self) -> Clause:
        if self._peek() == "(":
            self._at += 1
            clause = self._joined("OR", self._conjunction)
            self._expect(")")
            return clause
        return self._condition()

    def _value(self) -> str:
        token = self._take()
        if token in ("(", ")", "[", "]", ","):
            raise FilterError
        return token[1:-1] if token.startswith('"') else token

    def _values(self, op: str) -> list[str]:
        if op == "EMPTY":
            return []
        if self._peek() != "[":
            if op in _PAIRS:
                raise FilterError
            return [self._value()]
        self._at += 1
        values = [self._value()]
        while self._peek() == ",":
            self._at += 1
            values.append(self._value())
        self._expect("]")
        if (op in _PAIRS and len(values) != 2) or (op not in _PAIRS and op != "ANY_OF"):
            raise FilterError
        return values

    def _condition(self) -> Clause:
        name, (op, negated) = self._take(), _normalized(self._take())
        spec = self._kind.field(name)
        if spec is None:
            raise FilterError(f"{_DETAILED} Unknown field '{name}' for record '{self._kind.name}'.")
        ftype = _field_type(spec)
        if op != "EMPTY" and op not in _OPERATORS[ftype]:
            raise FilterError(f"{_DETAILED} Invalid operator {op} for field {spec.name}.")
        values, column = self._values(op), spec.column
        if op == "EMPTY":
            clause = Clause(f"({column} IS NULL OR {column} = '')")
        else:
            clause = _BUILDERS[ftype](column, op, values)
        if negated:
            return Clause(f"NOT ({clause.sql})", clause.params)
        return clause


def compile_filter(q: str, kind: RecordType) -> Clause:
    """The SQL for ``q`` on ``kind``'s table, or :class:`FilterError` with NetSuite's wording."""
    tokens = _tokens(q)
    if not tokens:
        raise FilterError
    return _Parser(kind, tokens).parse()
