"""The two kinds of time the API accepts, each with one rule and one message that says what to send.

- `CalendarDate`: a China Standard Time calendar date, exactly `YYYY-MM-DD`. Date-times (even at
  midnight), numbers and booleans are refused: a timestamp is not a legal date, and which CST day a
  UTC midnight falls on is exactly the ambiguity the rule avoids.
- `Instant`: an RFC 3339 date-time with an offset (`Z` or `±HH:MM`). Epoch numbers, offset-less
  date-times and bare dates are refused; a bare date is not an instant (start of which day, where?).

pydantic's lax mode would accept all of these refused forms (`0` as the epoch, `true` as 1,
`"2020-01-01T00:00:00Z"` as a date), so both types parse the raw value themselves, with the plain
functions of `shared.domain.time_parsing` (which code that parses without pydantic imports).

Both are limited to the years 1900-2199 (an instant: the date as written). Python's dates end at years 1
and 9999, and the system converts instants to UTC and China Standard Time and adds statutory periods
of up to years to them: `0001-01-01T00:00:00+08:00` has no UTC date at all. No record of this
system's subject matter lies outside those years, so they are refused on entry (422) rather than
failing later."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, Field

from shared.domain.time_parsing import parse_calendar_date, parse_instant

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
