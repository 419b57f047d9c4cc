"""The clock source handlers use. Real time by default; the local runtime installs its own clock
(time travel) through `install_clock`, so every handler and schedule shares one "now"."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.clock import Clock


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


_SYSTEM = SystemClock()
_installed: Clock | None = None


def install_clock(clock: Clock | None) -> None:
    """Replace the process clock (None restores the system clock)."""
    global _installed
    _installed = clock


def current_clock() -> Clock:
    return _installed or _SYSTEM
