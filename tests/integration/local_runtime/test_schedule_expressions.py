"""AWS schedule expressions evaluated for the runtime's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from local.schedule_expressions import ExpressionError, parse

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def nxt(expression: str, after: datetime, tz: str | None = "Asia/Shanghai") -> datetime | None:
    return parse(expression, tz, ANCHOR).next_after(after)


def test_daily_cron_in_shanghai_fires_at_local_time() -> None:
    # Given the arrears-watch schedule, daily 00:20 Asia/Shanghai
    # When asking for the next fire time after 2026-11-20 12:00 UTC (20:00 in Shanghai)
    fire = nxt("cron(20 0 * * ? *)", datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    # Then it is 00:20 on the 21st in Shanghai, 16:20 UTC on the 20th
    assert fire == datetime(2026, 11, 20, 16, 20, tzinfo=UTC)


def test_yearly_cron_on_1_july() -> None:
    # Given annual-report-overdue, 1 July 00:05 Shanghai
    # When asking after 2 July 2026
    fire = nxt("cron(5 0 1 7 ? *)", datetime(2026, 7, 2, tzinfo=UTC))
    # Then it is next year's 1 July
    assert fire == datetime(2027, 6, 30, 16, 5, tzinfo=UTC)


def test_next_fire_is_strictly_after() -> None:
    # Given an instant exactly on a fire time
    on_time = datetime(2026, 11, 20, 16, 20, tzinfo=UTC)
    # When asking for the next one
    # Then it is the day after
    assert nxt("cron(20 0 * * ? *)", on_time) == on_time + timedelta(days=1)


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 10 ? * MON-FRI *)", datetime(2026, 11, 21, tzinfo=UTC), datetime(2026, 11, 23, 10, tzinfo=UTC)),
    ("cron(0 0 L * ? *)", datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)),
    ("cron(0 0 ? * 6L *)", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC)),
    ("cron(0 0 ? * 3#2 *)", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)),
    ("cron(0 0 15W * ? *)", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)),
    ("cron(0/15 * * * ? *)", datetime(2026, 11, 1, 0, 1, tzinfo=UTC), datetime(2026, 11, 1, 0, 15, tzinfo=UTC)),
    ("cron(0 0 1 JAN ? 2028)", datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)),
])
def test_aws_cron_features_in_utc(expression: str, after: datetime, expected: datetime) -> None:
    # Given weekdays, last day, last Friday, second Tuesday, nearest weekday, steps, names and years
    # When asking for the next fire time (UTC, as for Events rules)
    # Then AWS's documented meaning holds
    assert nxt(expression, after, tz=None) == expected


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 0 29 2 ? *)", datetime(2026, 3, 1, tzinfo=UTC), datetime(2028, 2, 29, tzinfo=UTC)),
    ("cron(0 0 LW * ? *)", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)),
    ("cron(0 0 ? * L *)", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 7, tzinfo=UTC)),
    ("cron(0 0 ? * FRI-MON *)", datetime(2026, 3, 1, 0, 0, 30, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)),
])
def test_valid_aws_cron_that_pyawscron_breaks_on(expression: str, after: datetime, expected: datetime) -> None:
    # Given expressions AWS accepts: a leap day, last weekday of the month, last day of the week
    # (Saturday) and a range wrapping over the week's end; pyawscron 1.0.7 raises on each
    # When asking for the next fire time
    # Then it is AWS's documented one (this is why the module keeps its own parser)
    assert nxt(expression, after, tz=None) == expected


def test_rate_counts_from_the_anchor() -> None:
    # Given rate(6 hours) anchored at the runtime's start
    # When asking after 13:00 on the first day
    # Then the next is 18:00
    assert nxt("rate(6 hours)", datetime(2026, 1, 1, 13, tzinfo=UTC)) == datetime(2026, 1, 1, 18, tzinfo=UTC)


def test_at_fires_once() -> None:
    # Given a one-time schedule
    expression = "at(2026-12-01T09:00:00)"
    # When asking before and after it
    # Then it fires at 09:00 Shanghai time, and never again
    assert nxt(expression, datetime(2026, 11, 1, tzinfo=UTC)) == datetime(2026, 12, 1, 1, tzinfo=UTC)
    assert nxt(expression, datetime(2026, 12, 2, tzinfo=UTC)) is None


@pytest.mark.parametrize("expression", [
    "cron(0 0 * * * *)", "cron(0 0 ? * ? *)", "cron(61 0 * * ? *)", "cron(0 0 * *)", "rate(0 minutes)",
    "rate(5 fortnights)", "every day", "cron(0 0 ? * FOO *)",
])
def test_bad_expressions_are_refused(expression: str) -> None:
    # Given a malformed expression
    # When parsing it
    # Then it is an ExpressionError, so the schedule is reported and never fires
    with pytest.raises(ExpressionError):
        parse(expression, "UTC", ANCHOR)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_daily_cron_is_always_within_a_day(after: datetime) -> None:
    # Given any instant
    # When asking a daily schedule for its next fire time
    fire = nxt("cron(30 0 * * ? *)", after)
    # Then it is after the instant, within 24 hours, at 00:30 in Shanghai
    assert fire is not None
    assert after < fire <= after + timedelta(days=1)
    assert (fire + timedelta(hours=8)).strftime("%H:%M") == "00:30"
