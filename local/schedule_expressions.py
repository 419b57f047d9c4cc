"""EventBridge schedule expressions: `rate(...)`, six-field AWS `cron(...)` and Scheduler's `at(...)`.

`next_after(t)` answers the first fire time strictly after `t`. Cron fields are evaluated in the
schedule's time zone (Scheduler's ScheduleExpressionTimezone; UTC for Events rules), day by day,
so a yearly job costs a few hundred day checks, not half a million minute checks.
AWS cron: minutes hours day-of-month month day-of-week year; day-of-week 1-7 is SUN-SAT; one of
day-of-month / day-of-week is `?`; `L`, `W` and `#` are supported as documented by AWS.

Why not `pyawscron` (1.0.7, the kept parser of AWS cron): it passes this module's original
expression tests (given the time-zone shift below), but it fails the ones in
`tests/integration/local_runtime/test_schedule_expressions.py::test_valid_aws_cron_that_pyawscron_breaks_on`,
each an expression AWS accepts: a leap day `cron(0 0 29 2 ? *)` raises ValueError in a non-leap
year (it builds 29 February without checking the month), `cron(0 0 LW * ? *)` raises ValueError,
`cron(0 0 ? * L *)` raises its own "this shouldn't happen, but iter 11 > 10", and a wrap-around
range `cron(0 0 ? * FRI-MON *)` raises IndexError. It also computes in UTC only (it refuses any
other tzinfo), while Scheduler schedules fire in their `ScheduleExpressionTimezone`
(Asia/Shanghai here), and it accepts `cron(0 0 * * * *)`, which AWS refuses. A schedule that
raises at fire time stops firing silently, so the parser stays here; `rate()` and `at()` would have
stayed here anyway (pyawscron has neither).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.domain.clock import CHINA_TZ

_MONTHS = {name: i for i, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
SEARCH_YEARS = 10


class ExpressionError(ValueError):
    pass


def zone(name: str | None) -> tzinfo:
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in {"Asia/Shanghai", "Asia/Chongqing", "PRC"}:  # no tz database (e.g. Windows): fixed +8 is exact
            return CHINA_TZ
        raise ExpressionError(f"unknown time zone {name!r}") from None


class Schedule:
    def next_after(self, instant: datetime) -> datetime | None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class Rate(Schedule):
    period: timedelta
    anchor: datetime

    def next_after(self, instant: datetime) -> datetime:
        if instant < self.anchor:
            return self.anchor + self.period
        periods = (instant - self.anchor) // self.period + 1
        return self.anchor + periods * self.period


@dataclass(frozen=True)
class At(Schedule):
    when: datetime

    def next_after(self, instant: datetime) -> datetime | None:
        return self.when if self.when > instant else None


def _number(token: str, names: dict[str, int]) -> int:
    upper = token.upper()
    if upper in names:
        return names[upper]
    if not token.isdigit():
        raise ExpressionError(f"not a number or name: {token!r}")
    return int(token)


def _expand(field: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    names = names or {}
    values: set[int] = set()
    for part in field.split(","):
        step = 1
        stepped = "/" in part
        if stepped:
            part, step_text = part.split("/", 1)
            step = _number(step_text, {})
            if step <= 0:
                raise ExpressionError(f"bad step in {field!r}")
        if part in {"*", "?"}:
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _number(a, names), _number(b, names)
        else:
            start = _number(part, names)
            end = high if stepped else start
        if not (low <= start <= high and low <= end <= high):
            raise ExpressionError(f"{field!r} is outside {low}-{high}")
        if start <= end:
            values.update(range(start, end + 1, step))
        else:  # wrap-around range such as FRI-MON
            values.update(v for i, v in enumerate(list(range(start, high + 1)) + list(range(low, end + 1)))
                          if i % step == 0)
    return frozenset(values)


@dataclass(frozen=True)
class Cron(Schedule):
    minutes: frozenset[int]
    hours: frozenset[int]
    dom: str
    months: frozenset[int]
    dow: str
    years: frozenset[int] | None
    tz: tzinfo

    @classmethod
    def parse(cls, body: str, tz: tzinfo) -> Cron:
        fields = body.split()
        if len(fields) != 6:
            raise ExpressionError(f"cron needs 6 fields (min hour dom month dow year): {body!r}")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ExpressionError("exactly one of day-of-month and day-of-week must be '?'")
        cron = cls(
            minutes=_expand(minute, 0, 59), hours=_expand(hour, 0, 23), dom=dom.upper(),
            months=_expand(month, 1, 12, _MONTHS), dow=dow.upper(),
            years=None if year in {"*", "?"} else _expand(year, 1970, 2199), tz=tz,
        )
        cron.day_matches(date(2000, 1, 1))  # validates the day fields now rather than at fire time
        return cron

    def day_matches(self, day: date) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.dom != "?":
            return _dom_matches(self.dom, day)
        return _dow_matches(self.dow, day)

    def next_after(self, instant: datetime) -> datetime | None:
        local = instant.astimezone(self.tz)
        day = local.date()
        for _ in range(366 * SEARCH_YEARS):
            if self.day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = datetime.combine(day, time(hour, minute), tzinfo=self.tz)
                        if candidate > instant:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        return None


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _nearest_weekday(year: int, month: int, wanted: int) -> int:
    last = calendar.monthrange(year, month)[1]
    wanted = min(wanted, last)
    weekday = date(year, month, wanted).weekday()  # Monday = 0
    if weekday == 5:  # Saturday → Friday, unless that leaves the month
        return wanted - 1 if wanted > 1 else wanted + 2
    if weekday == 6:  # Sunday → Monday, unless that leaves the month
        return wanted + 1 if wanted < last else wanted - 2
    return wanted


def _dom_matches(field: str, day: date) -> bool:
    if field == "L":
        return day.day == _last_day(day)
    if field == "LW":
        return day.day == _nearest_weekday(day.year, day.month, _last_day(day))
    if field.endswith("W"):
        return day.day == _nearest_weekday(day.year, day.month, _number(field[:-1], {}))
    return day.day in _expand(field, 1, 31)


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Monday=0 → 2 … Sunday=6 → 1


def _dow_matches(field: str, day: date) -> bool:
    weekday = _aws_weekday(day)
    if "#" in field:
        which, nth = field.split("#", 1)
        return weekday == _number(which, _DAYS) and (day.day - 1) // 7 + 1 == _number(nth, {})
    if field == "L":
        return weekday == 7
    if field.endswith("L"):
        return weekday == _number(field[:-1], _DAYS) and day.day + 7 > _last_day(day)
    return weekday in _expand(field, 1, 7, _DAYS)


_RATE = re.compile(r"^(\d+)\s+(minute|minutes|hour|hours|day|days)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def parse(expression: str, timezone: str | None, anchor: datetime) -> Schedule:
    """`anchor` is when a rate schedule starts counting (the runtime's start, on its clock)."""
    text = expression.strip()
    tz = zone(timezone)
    if text.startswith("rate(") and text.endswith(")"):
        match = _RATE.match(text[5:-1].strip())
        if not match or int(match.group(1)) <= 0:
            raise ExpressionError(f"bad rate expression {expression!r}")
        seconds = int(match.group(1)) * _UNITS[match.group(2).rstrip("s")]
        return Rate(timedelta(seconds=seconds), anchor)
    if text.startswith("cron(") and text.endswith(")"):
        return Cron.parse(text[5:-1], tz)
    if text.startswith("at(") and text.endswith(")"):
        try:
            when = datetime.fromisoformat(text[3:-1]).replace(tzinfo=tz)
        except ValueError:
            raise ExpressionError(f"bad at expression {expression!r}") from None
        return At(when.astimezone(UTC))
    raise ExpressionError(f"unknown schedule expression {expression!r}")
