"""Exact secret values learned at runtime, found again in any text.

An opaque random token has no shape a pattern could catch, but the code that opens a stored
secret or receives a fresh token knows the value; it hands it here, and from then on the value
(and its escaped or percent-encoded spellings) is removed wherever it appears.

Lookups use an index keyed by each value's first few characters, so the cost of scanning a line
does not grow with the number of values remembered. The index is rebuilt on each ``add`` and
swapped in whole, so readers never take the lock and never see a half-built index.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from urllib.parse import quote

from ml_connector.logs.patterns import Span, merge_spans, replace_spans

__all__ = ["KnownSecrets"]

MIN_LENGTH = 6
"""Shorter values are ignored: removing every ``abc`` from the logs would wreck them."""

MIN_LINE_LENGTH = 16
"""Lines of a multi-line secret (a PEM body) long enough to be remembered on their own."""

MAX_PASSES = 8
"""Replacing a value can, in contrived cases, form it again across the marker; rescan a bounded
number of times, then give up on the text rather than risk showing the value."""

Index = dict[str, tuple[str, ...]]


class KnownSecrets:
    """A bounded, thread-safe set of secret values and the scanner that removes them."""

    def __init__(self, *, marker: str, capacity: int = 4096) -> None:
        self._marker = marker
        self._capacity = capacity
        self._values: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = threading.Lock()
        self._index: Index = {}

    def __len__(self) -> int:
        return len(self._values)

    def add(self, value: str) -> None:
        """Remember ``value``; the oldest values are dropped past ``capacity`` (tokens expire)."""
        spellings = self._spellings(value)
        if not spellings:
            return
        with self._lock:
            self._values[value] = spellings
            self._values.move_to_end(value)
            while len(self._values) > self._capacity:
                self._values.popitem(last=False)
            self._index = self._build_index()

    def redact(self, text: str) -> str:
        """``text`` with every remembered value replaced by the marker."""
        index = self._index
        if not index:
            return text
        for _ in range(MAX_PASSES):
            spans = _find(text, index)
            if not spans:
                return text
            text = replace_spans(text, spans, self._marker)
        return text if not _find(text, index) else self._marker

    def _spellings(self, value: str) -> frozenset[str]:
        """The forms a value takes in logs: as is, JSON- or repr-escaped, percent-encoded."""
        forms = {
            value,
            json.dumps(value)[1:-1],
            repr(value)[1:-1],
            quote(value, safe="", errors="backslashreplace"),
        }
        lines = (line.strip() for line in value.splitlines())
        forms.update(line for line in lines if len(line) >= MIN_LINE_LENGTH)
        return frozenset(
            form for form in forms if len(form) >= MIN_LENGTH and form not in self._marker
        )

    def _build_index(self) -> Index:
        grouped: dict[str, set[str]] = {}
        for spellings in self._values.values():
            for form in spellings:
                grouped.setdefault(form[:MIN_LENGTH], set()).add(form)
        return {
            prefix: tuple(sorted(forms, key=len, reverse=True)) for prefix, forms in grouped.items()
        }


def _find(text: str, index: Index) -> list[Span]:
    """Every occurrence of an indexed value, overlapping ones merged."""
    spans: list[Span] = []
    for start in range(len(text) - MIN_LENGTH + 1):
        candidates = index.get(text[start : start + MIN_LENGTH])
        if candidates is None:
            continue
        for form in candidates:
            if text.startswith(form, start):
                spans.append((start, start + len(form)))
                break
    return merge_spans(spans)
