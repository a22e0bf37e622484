"""Record, field and user identifiers shaped like Zoho's 19-digit ids."""

from __future__ import annotations

import random

__all__ = ["IdMint"]


class IdMint:
    """Hands out 19-digit decimal ids: a per-org 7-digit prefix, then a rising 12-digit counter.

    Zoho ids are long decimal strings that clients must treat as opaque strings; making them
    19 digits here catches clients that parse them as 53-bit floats or ints of the wrong size.
    """

    def __init__(self, rng: random.Random) -> None:
        self.prefix = str(rng.randint(1_000_000, 9_999_999))
        self._next = rng.randint(100_000, 900_000)

    def new(self) -> str:
        """The next unused id."""
        # Successive Zoho ids are not consecutive; a step of 3 keeps clients from assuming so.
        self._next += 3
        return f"{self.prefix}{self._next:012d}"
