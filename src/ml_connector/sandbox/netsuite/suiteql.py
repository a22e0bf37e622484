"""SuiteQL over SQLite: Oracle-flavoured SuiteQL parsed with sqlglot and run as real SQL.

Translation keeps NetSuite's semantics where a client could notice them:

- Oracle outer joins ``a.nkey(+) = c.defaultbillingaddress`` become ``LEFT JOIN``; ``NVL``,
  ``NVL2``, ``DECODE`` and ``||`` map to their SQLite equivalents.
- ``TO_CHAR``, ``TO_DATE``, ``TO_TIMESTAMP`` and ``TRUNC`` are Python functions speaking Oracle
  format models (``YYYY-MM-DD HH24:MI:SS``); ``BUILTIN.DF(ref)`` becomes a lookup of the
  referenced record's display name.
- Raw datetime columns come out as the user-preference date ``3/15/2026`` with the time dropped,
  as NetSuite does; only ``TO_CHAR`` gives the time. Times are stored in UTC; ``TO_CHAR`` shows
  and ``TO_DATE`` reads them in the account's time zone (UTC unless the simulator is given one),
  taking a wall-clock time that the zone repeats as its earlier moment.
- ``WITH``, statements other than ``SELECT``, syntax errors and unknown tables or columns raise
  :class:`SuiteQLError` carrying NetSuite's wording.
- SQLite is not what NetSuite runs, so what only SQLite has is refused as NetSuite refuses what it
  does not know: its catalog tables (``sqlite_master``), table-valued functions, functions Oracle
  lacks (``strftime``, ``IFNULL``, ``sqlite_version`` …), and ``DATE '…'``/``TIMESTAMP '…'``
  literals, which SuiteQL does not accept (reference §2: wrap dates with ``TO_DATE``).
- A plain string (or bound value) compared with a datetime column is read as Oracle reads it, in
  the user's date format (``M/D/YYYY``, optionally ``h:mm[:ss] am``), not compared as text: a
  client that filters with ``'2026-01-05'`` instead of ``TO_DATE`` is refused here as there.
"""

# ruff: noqa: S608 - SQL is built only from the fixed schema's names; values are bound.

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

import sqlglot
from sqlglot import exp, transforms
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import Token, TokenType

from ml_connector.sandbox.netsuite.database import Database
from ml_connector.sandbox.netsuite.schema import QUERYABLE

__all__ = ["Page", "SuiteQLError", "install_functions", "run_page"]

_STORED = "%Y-%m-%dT%H:%M:%SZ"
_STORED_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_FORMAT_TOKENS = (
    ("YYYY", "%Y"), ("HH24", "%H"), ("HH12", "%I"), ("HH", "%I"), ("MONTH", "%B"),
    ("MON", "%b"), ("MM", "%m"), ("DD", "%d"), ("MI", "%M"), ("SS", "%S"), ("YY", "%y"),
    ("AM", "%p"), ("PM", "%p"),
)  # fmt: skip
_DISPLAY_NAMES: dict[str, str | dict[str, str]] = {
    "category": {c: f"{c}category" for c in ("customer", "vendor", "contact")},
    "subsidiary": "subsidiary",
    "currency": "currency",
    "entitystatus": "customerstatus",
    "parent": "entity",
    "company": "entity",
    "salesrep": "entity",
    "entity": "entity",
}
_NAME_COLUMN = {"entity": "entityid", "currency": "name"}
# Functions SQLite answers that Oracle SQL has not: a query using one fails against NetSuite.
_SQLITE_ONLY = frozenset({
    "changes", "date", "datetime", "format", "glob", "group_concat", "hex", "ifnull",
    "iif", "julianday", "last_insert_rowid", "likelihood", "likely", "load_extension", "printf",
    "quote", "random", "randomblob", "strftime", "time", "timediff", "total", "total_changes",
    "typeof", "unhex", "unicode", "unixepoch", "unlikely", "zeroblob",
})  # fmt: skip
_SQLITE_PREFIXES = ("sqlite_", "pragma_")
_DATETIME_COLUMNS = frozenset({"datecreated", "lastmodifieddate"})
_USER_DATE = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m))?", re.IGNORECASE
)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class SuiteQLError(Exception):
    """A query NetSuite would refuse; ``detail`` is the ``o:errorDetails`` text."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Page:
    """One page of results (already string-valued, null-free) and the query's total row count."""

    items: list[dict[str, str]]
    total: int


def _strftime_format(oracle: str) -> str:
    pattern = "|".join(re.escape(token) for token, _ in _FORMAT_TOKENS)
    mapping = dict(_FORMAT_TOKENS)
    return re.sub(pattern, lambda m: mapping[m.group(0)], oracle.upper())


def _to_char(value: object, fmt: str | None = None, *, zone: tzinfo = UTC) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and _STORED_RE.match(value):
        moment = datetime.strptime(value, _STORED).replace(tzinfo=UTC).astimezone(zone)
        return moment.strftime(_strftime_format(fmt or "MM/DD/YYYY"))
    return _scalar_text(value)


def _to_date(value: object, fmt: str | None = None, *, zone: tzinfo = UTC) -> str | None:
    if value is None:
        return None
    # sqlglot already turns TO_DATE's format model into strftime form; TO_TIMESTAMP's it keeps.
    pattern = fmt if fmt and "%" in fmt else _strftime_format(fmt or "MM/DD/YYYY")
    try:
        moment = datetime.strptime(str(value), pattern)
    except ValueError as exc:
        raise ValueError(f"Invalid date value: {value}") from exc
    return moment.replace(tzinfo=zone).astimezone(UTC).strftime(_STORED)


def _implicit_date(value: object) -> str | None:
    """A string compared with a datetime, read in the user's date format (``M/D/YYYY``)."""
    if value is None:
        return None
    text = str(value).strip()
    match = _USER_DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        month, day, year, hour, minute, second, half = match.groups()
        hours = 0 if hour is None else int(hour) % 12 + (12 if half.lower() == "pm" else 0)
        moment = datetime(
            int(year), int(month), int(day), hours, int(minute or 0), int(second or 0)
        )
    except ValueError:
        raise ValueError(f"Invalid date value: {text}") from None
    return moment.strftime(_STORED)


def _trunc(value: object) -> str | int | None:
    if isinstance(value, str) and _STORED_RE.match(value):
        return value[:10] + "T00:00:00Z"
    if isinstance(value, int | float):
        return int(value)
    return None if value is None else str(value)


def install_functions(db: Database, zone: tzinfo = UTC) -> None:
    """Register the Oracle shims on the database connection, speaking ``zone``'s wall time."""
    for name, function in (
        ("ns_to_char", functools.partial(_to_char, zone=zone)),
        ("ns_to_date", functools.partial(_to_date, zone=zone)),
    ):
        db.register(name, 1, function)
        db.register(name, 2, function)
    db.register("ns_trunc", 1, _trunc)
    db.register("ns_implicit_date", 1, _implicit_date)


def _shim(name: str, *args: exp.Expr | None) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=[a for a in args if a is not None])


def _replace_functions(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.ToChar):
        return _shim("ns_to_char", node.this, node.args.get("format"))
    if isinstance(node, exp.StrToDate | exp.StrToTime):
        return _shim("ns_to_date", node.this, node.args.get("format"))
    if isinstance(node, exp.Anonymous) and node.name.upper() in ("TO_DATE", "TO_TIMESTAMP"):
        return _shim("ns_to_date", *node.expressions)
    if isinstance(node, exp.Anonymous) and node.name.upper() == "TRUNC" and node.expressions:
        return _shim("ns_trunc", node.expressions[0])
    if isinstance(node, exp.DateTrunc | exp.TimestampTrunc):
        return _shim("ns_trunc", node.this)
    return node


def _replace_all_functions(tree: exp.Expr) -> exp.Expr:
    """Swap the shims in bottom-up, so ``TO_DATE(TO_CHAR(…))`` has both replaced."""
    for node in reversed(list(tree.walk())):
        replacement = _replace_functions(node)
        if replacement is not node:
            if node is tree:
                return replacement
            node.replace(replacement)
    return tree


def _unknown_table(name: str) -> SuiteQLError:
    return SuiteQLError(
        "Invalid search query. Detailed unprocessed description follows. "
        f"Search error occurred: Record '{name}' was not found."
    )


def _unknown_function(name: str) -> SuiteQLError:
    return SuiteQLError(
        "Invalid search query. Detailed unprocessed description follows. "
        f"Unknown function {name.upper()}."
    )


def _sqlite_only(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SQLITE_ONLY or lowered.startswith(_SQLITE_PREFIXES)


def _check_tokens(tokens: list[Token]) -> None:
    """Refuse SQLite-only function calls and ``DATE '…'``/``TIMESTAMP '…'`` literals."""
    for token, following in itertools.pairwise(tokens):
        if following.token_type == TokenType.L_PAREN and _sqlite_only(token.text):
            raise _unknown_function(token.text)
        literal = token.token_type in (TokenType.DATE, TokenType.TIMESTAMP)
        if literal and following.token_type == TokenType.STRING:
            raise SuiteQLError(
                "Invalid search query. Date literals are not supported; use TO_DATE(): "
                f"{token.text} '{following.text}'"
            )


def _check_tables(tree: exp.Expr) -> None:
    for table in tree.find_all(exp.Table):
        if isinstance(table.this, exp.Func):
            raise _unknown_table(table.this.sql("oracle"))
        if table.name.lower() not in QUERYABLE:
            raise _unknown_table(table.name)


def _is_datetime_column(node: exp.Expr) -> bool:
    return isinstance(node, exp.Column) and node.name.lower() in _DATETIME_COLUMNS


def _as_date(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Literal) and node.is_string:
        try:
            return exp.Literal.string(str(_implicit_date(node.name)))
        except ValueError:
            raise SuiteQLError(
                "Invalid search query. Detailed unprocessed description follows. "
                f"Invalid date value: '{node.name}'. Use TO_DATE() with a format."
            ) from None
    if isinstance(node, exp.Placeholder):
        return _shim("ns_implicit_date", node.copy())
    return node


def _convert_implicit_dates(tree: exp.Expr) -> exp.Expr:
    """Strings compared with datetime columns become datetimes, as Oracle converts them."""
    for node in list(tree.find_all(*_COMPARISONS, exp.Between)):
        sides = [node.this, node.expression] if isinstance(node, _COMPARISONS) else []
        if isinstance(node, exp.Between):
            sides = [node.this, node.args.get("low"), node.args.get("high")]
        if not any(_is_datetime_column(side) for side in sides if side is not None):
            continue
        for side in sides:
            if side is not None and not _is_datetime_column(side):
                converted = _as_date(side)
                if converted is not side:
                    side.replace(converted)
    return tree


def _rownum_limit(node: exp.Expr) -> int | None:
    if not isinstance(node, exp.LTE | exp.LT) or not isinstance(node.this, exp.Column):
        return None
    if node.this.name.upper() != "ROWNUM" or not isinstance(node.expression, exp.Literal):
        return None
    bound = int(node.expression.name)
    return bound if isinstance(node, exp.LTE) else bound - 1


def _replace_rownum(tree: exp.Expr) -> exp.Expr:
    """``WHERE … AND ROWNUM <= n`` (Oracle's row cap) becomes ``LIMIT n``."""
    where = tree.args.get("where")
    if not isinstance(tree, exp.Select) or where is None:
        return tree
    for condition in list(where.find_all(exp.LTE, exp.LT)):
        bound = _rownum_limit(condition)
        if bound is not None:
            condition.replace(exp.true())
            tree = tree.limit(bound)
    return tree


def _tables_by_alias(tree: exp.Expr) -> dict[str, str]:
    return {t.alias_or_name.lower(): t.name.lower() for t in tree.find_all(exp.Table)}


def _display(column: exp.Column, aliases: dict[str, str]) -> exp.Expr:
    owner = aliases.get(column.table.lower(), "") if column.table else ""
    found = _DISPLAY_NAMES.get(column.name.lower())
    target = found.get(owner) if isinstance(found, dict) else found
    if target is None:
        return column
    name_column = _NAME_COLUMN.get(target, "name")
    sql = f"(SELECT {name_column} FROM {target} WHERE id = {column.sql('sqlite')})"
    return sqlglot.parse_one(sql, read="sqlite")


def _replace_builtin_df(tree: exp.Expr) -> exp.Expr:
    aliases = _tables_by_alias(tree)

    def swap(node: exp.Expr) -> exp.Expr:
        call = node.expression if isinstance(node, exp.Dot) else None
        if not (isinstance(call, exp.Anonymous) and node.this.name.upper() == "BUILTIN"):
            return node
        if call.name.upper() != "DF" or len(call.expressions) != 1:
            raise SuiteQLError(f"Unknown function BUILTIN.{call.name}")
        argument = call.expressions[0]
        return _display(argument, aliases) if isinstance(argument, exp.Column) else argument

    return tree.transform(swap)


def _alias_expressions(tree: exp.Expr) -> exp.Expr:
    """Unnamed computed columns come back as ``expr1``, ``expr2``… as NetSuite names them."""
    if not isinstance(tree, exp.Select):
        return tree
    for index, node in enumerate(tree.expressions, 1):
        if not isinstance(node, exp.Alias | exp.Column | exp.Star):
            node.replace(exp.alias_(node.copy(), f"expr{index}"))
    return tree


@functools.lru_cache(maxsize=256)
def translate(query: str) -> str:
    """SQLite SQL for a SuiteQL query, or :class:`SuiteQLError` for what NetSuite refuses.

    Cached by text: a keyset read sends the same query with new parameters page after page.
    """
    try:
        _check_tokens(Dialect.get_or_raise("oracle").tokenize(query))
        statements = sqlglot.parse(query, read="oracle")
    except SqlglotError as exc:
        # sqlglot underlines the culprit with terminal escapes; a JSON body has no terminal.
        message = _ANSI_ESCAPE.sub("", str(exc))
        raise SuiteQLError(f"Invalid search query. Syntax error: {message}") from exc
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise SuiteQLError("Invalid search query. Syntax error: expected one SELECT statement.")
    if statements[0].find(exp.With):
        raise SuiteQLError("Invalid search query. The WITH clause is not supported.")
    _check_tables(statements[0])
    tree = _alias_expressions(_replace_rownum(transforms.eliminate_join_marks(statements[0])))
    tree = _convert_implicit_dates(tree)
    return _replace_all_functions(_replace_builtin_df(tree)).sql("sqlite")


def _scalar_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and _STORED_RE.match(value):
        moment = datetime.strptime(value, _STORED)
        return f"{moment.month}/{moment.day}/{moment.year}"
    return str(value)


def _item(columns: list[str], row: tuple[Any, ...]) -> dict[str, str]:
    return {c: _scalar_text(v) for c, v in zip(columns, row, strict=True) if v is not None}


def _sqlite_error(exc: sqlite3.Error) -> SuiteQLError:
    message = str(exc)
    if message.startswith("no such table: "):
        return _unknown_table(message.removeprefix("no such table: "))
    if message.startswith("no such function: "):
        return _unknown_function(message.removeprefix("no such function: "))
    if message == "user-defined function raised exception":
        # Only the date readers (TO_DATE, implicit conversion of a bound value) raise.
        return SuiteQLError(
            "Invalid search query. Detailed unprocessed description follows. Invalid date value."
        )
    if message.startswith("no such column: "):
        return SuiteQLError(f"Unknown identifier '{message.removeprefix('no such column: ')}'")
    return SuiteQLError(
        f"Invalid search query. Detailed unprocessed description follows. {message}"
    )


@functools.lru_cache(maxsize=256)
def _countable(sql: str) -> str:
    """The same rows with nothing selected, when that cannot change how many there are.

    ``totalResults`` is counted on every page; evaluating every column (scalar subqueries,
    display values) for every row only to count them made each page of a 100,000-row keyset read
    cost seconds. Queries whose projection decides the row count (DISTINCT, GROUP BY,
    aggregates, LIMIT, set operations) are counted as written.
    """
    tree = sqlglot.parse_one(sql, read="sqlite")
    if not isinstance(tree, exp.Select) or any(
        tree.args.get(part) for part in ("distinct", "group", "having", "limit", "offset")
    ):
        return sql
    if any(p.find(exp.AggFunc) for p in tree.expressions):
        return sql
    bound = len(list(tree.find_all(exp.Placeholder)))
    tree.set("order", None)
    counted = tree.select("1", append=False)
    # A ``?`` in the dropped projection or ORDER BY would shift every later bound value.
    if len(list(counted.find_all(exp.Placeholder))) != bound:
        return sql
    return str(counted.sql(dialect="sqlite"))


def run_page(db: Database, query: str, params: list[object], limit: int, offset: int) -> Page:
    """Run ``query`` with bound ``params`` and return rows ``offset .. offset+limit``."""
    sql = translate(query)
    try:
        columns, rows = db.execute(
            f"SELECT * FROM ({sql}) LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        _, counted = db.execute(f"SELECT COUNT(*) FROM ({_countable(sql)})", params)
    except sqlite3.Error as exc:
        raise _sqlite_error(exc) from exc
    names = [c.lower() for c in columns]
    return Page(items=[_item(names, r) for r in rows], total=int(counted[0][0]))
