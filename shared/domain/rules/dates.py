"""The instant a date-based fact takes effect. Period arithmetic is `shared.domain.periods`."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from shared.domain.clock import CHINA_TZ


@lru_cache(maxsize=1 << 16)
def start_of_day(day: date) -> datetime:
    """00:00 CST of a calendar date: the instant a date-based fact takes effect."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ)
