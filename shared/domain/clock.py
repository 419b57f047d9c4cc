"""The clock port. The domain never reads the wall clock: callers pass a Clock (or an instant)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # CST has no DST, a fixed offset is exact


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class FixedClock:
    """A clock that answers one instant (tests, simulations, `as_of` reads)."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._instant = instant

    def now(self) -> datetime:
        return self._instant

    def advance(self, delta: timedelta) -> None:
        self._instant += delta


def china_date(instant: datetime) -> date:
    """The calendar date in China Standard Time of an instant (legal dates are CST dates)."""
    return instant.astimezone(CHINA_TZ).date()


def iso_instant(instant: datetime) -> str:
    """RFC 3339 with offset, UTC, millisecond precision: sortable as a string."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def instant_of(stored: str) -> datetime:
    """The instant a stored RFC 3339 text names (`iso_instant`'s output; `Z` or an offset)."""
    return datetime.fromisoformat(stored)
