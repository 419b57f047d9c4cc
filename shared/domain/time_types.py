"""The two kinds of time the API accepts, each with one rule and one message that says what to send.

- `CalendarDate`: a China Standard Time calendar date, exactly `YYYY-MM-DD`. Date-times (even at
  midnight), numbers and booleans are refused: a timestamp is not a legal date, and which CST day a
  UTC midnight falls on is exactly the ambiguity the rule avoids.
- `Instant`: an RFC 3339 date-time with an offset (`Z` or `±HH:MM`). Epoch numbers, offset-less
  date-times and bare dates are refused; a bare date is not an instant (start of which day, where?).

pydantic's lax mode would accept all of these refused forms (`0` as the epoch, `true` as 1,
`"2020-01-01T00:00:00Z"` as a date), so both types parse the raw value themselves.

Both are limited to the years 1900-2199 (an instant: the date as written). Python's dates end at years 1
and 9999, and the system converts instants to UTC and China Standard Time and adds statutory periods
of up to years to them: `0001-01-01T00:00:00+08:00` has no UTC date at all. No record of this
system's subject matter lies outside those years, so they are refused on entry (422) rather than
failing later."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

CALENDAR_DATE_REQUIRED = "a calendar date YYYY-MM-DD (China Standard Time) is required"
INSTANT_REQUIRED = ("an RFC 3339 instant with offset is required, e.g. 2026-11-20T10:00:00+08:00 "
                    "or 2026-11-20T02:00:00Z")

FIRST_YEAR, LAST_YEAR = 1900, 2199
OUT_OF_RANGE = f"outside the years {FIRST_YEAR}-{LAST_YEAR} this system accepts"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")
_NO_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
# A `+` left unencoded in a query string arrives as a space: `...T10:00:00 08:00`.
_SPACE_FOR_PLUS = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)? \d{2}:\d{2}")


def parse_calendar_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
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
        if _INSTANT.fullmatch(text):
            try:
                instant = datetime.fromisoformat(_microseconds(text.upper()))
            except ValueError:
                raise ValueError(f"{value} is not a time of the calendar; {INSTANT_REQUIRED}") from None
            if not FIRST_YEAR <= instant.year <= LAST_YEAR:
                raise ValueError(f"{value} is {OUT_OF_RANGE}")
            return instant
        if _SPACE_FOR_PLUS.fullmatch(text):
            raise ValueError(f"{INSTANT_REQUIRED}; the offset's '+' arrived as a space: in a query string "
                             "write it as %2B (…T10:00:00%2B08:00) or use Z")
        if _DATE.fullmatch(text):
            raise ValueError(f"{INSTANT_REQUIRED}; a date alone is not an instant: for the start of that day "
                             f"in China Standard Time send {text}T00:00:00+08:00")
        if _NO_OFFSET.fullmatch(text):
            raise ValueError(f"{INSTANT_REQUIRED}; the offset is missing: add Z (UTC) or +08:00 (CST)")
    raise ValueError(INSTANT_REQUIRED)


def _microseconds(text: str) -> str:
    """`datetime.fromisoformat` takes at most 6 fractional digits; RFC 3339 allows more."""
    match = re.match(r"(.*\.\d{6})\d+(.*)", text)
    return match.group(1) + match.group(2) if match else text


CalendarDate = Annotated[
    date,
    BeforeValidator(parse_calendar_date),
    Field(description="Calendar date in China Standard Time, YYYY-MM-DD, years 1900-2199"),
]
Instant = Annotated[
    datetime,
    BeforeValidator(parse_instant),
    Field(description="RFC 3339 instant with offset, e.g. 2026-11-20T10:00:00+08:00 or 2026-11-20T02:00:00Z, "
                      "years 1900-2199"),
]
