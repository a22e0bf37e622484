"""Wake-ups without a queue message per event: at most one per connection per short window.

Every stored event asks for a drain of its connection, but a drain claims everything pending,
so at 50 events a second one message per event only adds queue writes (four SQLite commits per
event on the embedded default, against the receiver's one) and no-op tasks that contend with
the receiver for the store. The coalescer sends the first wake-up of a quiet connection at
once, and for events inside the window after it, exactly one more when the window ends: so the
last event of a burst always has a wake-up sent after it was committed, and none waits longer
than the window for its drain to be asked for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["DEFAULT_WINDOW", "WakeCoalescer"]

logger = logging.getLogger(__name__)

DEFAULT_WINDOW = 0.2

Later = Callable[[float, Callable[[], None]], None]


def _timer(delay: float, action: Callable[[], None]) -> None:
    timer = threading.Timer(delay, action)
    timer.daemon = True  # a wake-up lost at exit is found by the next poll's drain
    timer.start()


class WakeCoalescer:
    """Calls ``send(connection)`` at most once per ``window`` seconds per connection.

    ``later(delay, action)`` runs ``action`` after ``delay`` seconds (a daemon timer thread by
    default); ``clock`` is monotonic seconds. Safe to call from many threads at once.
    """

    def __init__(
        self,
        send: Callable[[str], None],
        window: float = DEFAULT_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
        later: Later = _timer,
    ) -> None:
        if window < 0:
            raise ValueError("the window is a duration in seconds")
        self._send, self.window, self._clock, self._later = send, window, clock, later
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._due: set[str] = set()  # connections with a wake-up scheduled for the window's end

    def __call__(self, connection: str) -> None:
        """An event of ``connection`` is committed: make sure a wake-up follows it."""
        with self._lock:
            if connection in self._due:
                return  # the wake-up already scheduled comes after this event's commit
            now, last = self._clock(), self._last.get(connection)
            if last is None or now - last >= self.window:
                self._last[connection] = now
                delay = None
            else:
                self._due.add(connection)
                delay = last + self.window - now
        if delay is None:
            self._send(connection)
        else:
            self._later(delay, lambda: self._at_window_end(connection))

    def _at_window_end(self, connection: str) -> None:
        with self._lock:
            self._due.discard(connection)
            self._last[connection] = self._clock()
        try:
            self._send(connection)
        except Exception as exc:  # the events are stored: the next wake-up or poll drains them
            logger.warning(
                "could not wake a drain",
                extra={"connection": connection, "error": type(exc).__name__},
            )
