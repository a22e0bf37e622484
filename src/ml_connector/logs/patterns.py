"""The shapes secrets take in text, and the names of fields that hold them.

Everything here is a pure function over a string, so the rules can be tested one by one and reused
by the :class:`~ml_connector.logs.redaction.Redactor` without any state. The rules lean towards
removing too much: a log line that loses a word is cheaper than a leaked token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["is_secret_name", "secret_spans"]

Span = tuple[int, int]

# Field names are compared after lower-casing and dropping separators, so ``access_token``,
# ``accessToken`` and ``Access-Token`` are one name; a name is secret when it ends with one of
# these, which also covers ``zoho_refresh_token``, ``webhook_secret`` or ``oauth_signature``.
SECRET_NAME_ENDINGS = (
    "token",
    "secret",
    "secrets",
    "password",
    "passwd",
    "passphrase",
    "privatekey",
    "privatekeypem",
    "secretkey",
    "signingkey",
    "apikey",
    "consumerkey",
    "assertion",
    "verifier",
    "signature",
    "authorization",
    "cookie",
    "credentials",
    "sessionid",
)

# Header names whose unquoted value runs to the end of the line: an ``Authorization`` value has
# a scheme, spaces and, for OAuth 1.0a, comma-separated parameters.
WHOLE_LINE_NAMES = frozenset({"authorization", "proxyauthorization", "cookie", "setcookie"})

PRIVATE_KEY_PEM = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
    r".*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}")
ZOHO_TOKEN = re.compile(r"\b1000\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b")
# The credential after an HTTP auth scheme, wherever it appears. Bearer tokens shorter than eight
# characters are left alone so that prose such as "Bearer token expired" survives.
# A credential must end where the token alphabet ends, so ``Bearer expires_in=3600`` (a pair,
# not a token) is left alone.
SCHEME_CREDENTIAL = re.compile(
    r"(?i)\b(?:bearer\s+(?P<bearer>[A-Za-z0-9._~+/-]{8,}=*)"
    r"|zoho-oauthtoken\s+(?P<zoho>[A-Za-z0-9._~+/-]+=*))"
    r"(?![A-Za-z0-9._~+/=-])"
)
KEY_THEN_SEPARATOR = re.compile(
    r"(?<![\w-])(?P<key>[A-Za-z][\w-]*)(?P<quote>\\?[\"'])?[ \t]*(?P<sep>[:=])[ \t]*"
)
QUOTED_VALUE = re.compile(
    r"\\\"(?P<escaped>.*?)\\\"|\"(?P<double>(?:[^\"\\\r\n]|\\.)*)\"|'(?P<single>(?:[^'\\\r\n]|\\.)*)'"
)
BARE_VALUE = re.compile(r"[^\s&,;\"'<>(){}\[\]]+")
REST_OF_LINE = re.compile(r"[^\r\n]+")
COMPOUND_NAME = re.compile(r"[_-]|[a-z][A-Z]")


def normalize_name(name: str) -> str:
    """Fold a field name so that spelling conventions do not hide a secret."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_secret_name(name: str, extra_endings: Iterable[str] = ()) -> bool:
    """Whether a field called ``name`` should never have its value shown."""
    folded = normalize_name(name)
    endings = (*SECRET_NAME_ENDINGS, *extra_endings)
    return bool(folded) and folded.endswith(endings)


def secret_spans(text: str, extra_endings: tuple[str, ...] = ()) -> list[Span]:
    """Every stretch of ``text`` that holds a secret, found by shape or by the name before it."""
    spans = [*_shape_spans(text), *_named_value_spans(text, extra_endings)]
    return merge_spans(spans)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Join overlapping or touching spans, so each secret becomes one marker."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def replace_spans(text: str, spans: list[Span], marker: str) -> str:
    """Put ``marker`` in place of each (sorted, disjoint) span."""
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        pieces += [text[cursor:start], marker]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _shape_spans(text: str) -> Iterator[Span]:
    """Secrets recognisable without context: private keys, JWTs, Zoho tokens, auth schemes."""
    for pattern in (PRIVATE_KEY_PEM, JWT, ZOHO_TOKEN):
        yield from (match.span() for match in pattern.finditer(text))
    for match in SCHEME_CREDENTIAL.finditer(text):
        group = "bearer" if match.group("bearer") is not None else "zoho"
        yield match.span(group)


def _named_value_spans(text: str, extra_endings: tuple[str, ...]) -> Iterator[Span]:
    """Values that follow a secret-looking name: ``client_secret=…``, ``"refresh_token": "…"``.

    Only the name and separator are consumed while scanning, so a pair nested inside another
    value (``url=https://…?access_token=…``) is still found.
    """
    for match in KEY_THEN_SEPARATOR.finditer(text):
        key = match.group("key")
        if not is_secret_name(key, extra_endings) or not _reads_as_assignment(match):
            continue
        span = _value_span(text, match.end(), whole_line=normalize_name(key) in WHOLE_LINE_NAMES)
        if span is not None:
            yield span


def _reads_as_assignment(match: re.Match[str]) -> bool:
    """Tell ``refresh_token: abc`` (a field) from ``refresh token: expired`` (prose).

    ``=`` and quoted names always assign; after a bare name, ``:`` assigns only when the name is
    compound (``client_secret``, ``X-Api-Key``) or a header that carries credentials.
    """
    key = match.group("key")
    if match.group("sep") == "=" or match.group("quote"):
        return True
    return bool(COMPOUND_NAME.search(key)) or normalize_name(key) in WHOLE_LINE_NAMES


def _value_span(text: str, position: int, *, whole_line: bool) -> Span | None:
    """Where the value starting at ``position`` lies, without its quotes."""
    quoted = QUOTED_VALUE.match(text, position)
    if quoted is not None:
        group = next(
            name for name in ("escaped", "double", "single") if quoted.group(name) is not None
        )
        start, end = quoted.span(group)
    else:
        bare = (REST_OF_LINE if whole_line else BARE_VALUE).match(text, position)
        if bare is None:
            return None
        start, end = bare.span()
    return (start, end) if end > start else None
