"""The runtime's one clock: real time by default, or real time shifted by an offset (time travel).

Setting "now" stores the offset between the requested instant and the wall clock, so time keeps
flowing from the set instant: a demo that jumps to 2027-01-01T00:00 sees 00:00:05 five seconds
later, and schedules due at 00:10 fire ten minutes later. (A frozen clock would stop schedules and
token expiry altogether, which surprises more than it helps.) The runtime installs this clock in
`shared.adapters.clock`, so every handler, token check and schedule reads the same "now".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class RuntimeClock:
    def __init__(self, wall: Callable[[], datetime] | None = None) -> None:
        self._wall = wall or (lambda: datetime.now(UTC))
        self._offset = timedelta(0)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[datetime, datetime], None]] = []

    def now(self) -> datetime:
        return self._wall() + self._offset

    @property
    def travelling(self) -> bool:
        return self._offset != timedelta(0)

    @property
    def offset(self) -> timedelta:
        return self._offset

    def set(self, instant: datetime | None) -> datetime:
        """Make `instant` the current time (None returns to real time); returns the new now."""
        if instant is not None and instant.tzinfo is None:
            raise ValueError("the instant needs a UTC offset, e.g. 2027-01-01T00:00:00+08:00")
        with self._lock:
            before = self.now()
            self._offset = timedelta(0) if instant is None else instant - self._wall()
            after = self.now()
        for listener in list(self._listeners):
            listener(before, after)
        return after

    def restore_offset(self, offset: timedelta) -> None:
        """Start from a saved offset (a restart of a travelled runtime); no listeners are told."""
        with self._lock:
            self._offset = offset

    def on_change(self, listener: Callable[[datetime, datetime], None]) -> None:
        """Called with (old now, new now) after every `set` (the scheduler wakes up on it)."""
        self._listeners.append(listener)
