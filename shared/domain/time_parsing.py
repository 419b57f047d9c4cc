"""The parsing behind the two kinds of time the API accepts (`shared.domain.time_types`, the pydantic
field types, says what each accepts and why): plain functions, no pydantic."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

CALENDAR_DATE_REQUIRED = "a calendar date YYYY-MM-DD (China Standard Time) is required"
INSTANT_REQUIRED = ("an RFC 3339 instant with offset is required, e.g. 2026-11-20T10:00:00+08:00 "
                    "or 2026-11-20T02:00:00Z")

FIRST_YEAR, LAST_YEAR = 1900, 2199
OUT_OF_RANGE = f"outside the years {FIRST_YEAR}-{LAST_YEAR} this system accepts"

# Patterns as text, matched through `re`'s own cache: compiled on first use, not at every cold start of
# every API function (~0.4 ms for the four).
_DATE = r"\d{4}-\d{2}-\d{2}"
_INSTANT = r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
_NO_OFFSET = r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
# A `+` left unencoded in a query string arrives as a space: `...T10:00:00 08:00`.
_SPACE_FOR_PLUS = r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)? \d{2}:\d{2}"


def parse_calendar_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(_DATE, value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a day of the calendar; {CALENDAR_DATE_REQUIRED}") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(f"{value} is {OUT_OF_RANGE}")
        return day
    raise ValueError(CALENDAR_DATE_REQUIRED)


def parse_instant(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(_INSTANT, text):
            try:
                instant = datetime.fromisoformat(_microseconds(text.upper()))
            except ValueError:
                raise ValueError(f"{value} is not a time of the calendar; {INSTANT_REQUIRED}") from None
            if not FIRST_YEAR <= instant.year <= LAST_YEAR:
                raise ValueError(f"{value} is {OUT_OF_RANGE}")
            return instant
        if re.fullmatch(_SPACE_FOR_PLUS, text):
            raise ValueError(f"{INSTANT_REQUIRED}; the offset's '+' arrived as a space: in a query string "
                             "write it as %2B (…T10:00:00%2B08:00) or use Z")
        if re.fullmatch(_DATE, text):
            raise ValueError(f"{INSTANT_REQUIRED}; a date alone is not an instant: for the start of that day "
                             f"in China Standard Time send {text}T00:00:00+08:00")
        if re.fullmatch(_NO_OFFSET, text):
            raise ValueError(f"{INSTANT_REQUIRED}; the offset is missing: add Z (UTC) or +08:00 (CST)")
    raise ValueError(INSTANT_REQUIRED)


def _microseconds(text: str) -> str:
    """`datetime.fromisoformat` takes at most 6 fractional digits; RFC 3339 allows more."""
    match = re.match(r"(.*\.\d{6})\d+(.*)", text)
    return match.group(1) + match.group(2) if match else text
