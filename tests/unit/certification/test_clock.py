"""The Art 20 decision clock: 90 days, +30 once, suspended days added back (Civil Code counting)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.certification.clock import CaseClock, SuspensionReason
from shared.domain.certification.errors import ClockConflict
from shared.domain.rules import ORDER_282

RULES = ORDER_282.certification
AUDIT, VERIFICATION, INVESTIGATION = SuspensionReason
RECEIVED = date(2026, 5, 1)
BASE = date(2026, 7, 30)  # the rules' example: received 2026-05-01, 90 days: last day 2026-07-30


def clock() -> CaseClock:
    return CaseClock.start(RECEIVED, RULES)


def test_decide_by_is_90_calendar_days_after_receipt() -> None:
    assert clock().decide_by(RECEIVED) == BASE


def test_one_extension_adds_30_days_and_a_second_is_refused() -> None:
    extended = clock().extend(date(2026, 6, 1), RULES)
    assert extended.decide_by(date(2026, 6, 1)) == date(2026, 8, 29)
    with pytest.raises(ClockConflict, match="already extended on 2026-06-01"):
        extended.extend(date(2026, 6, 2), RULES)


def test_an_extension_on_the_deadline_is_allowed_and_the_day_after_is_refused() -> None:
    assert clock().extend(BASE, RULES).extension is not None
    with pytest.raises(ClockConflict, match="has passed"):
        clock().extend(date(2026, 7, 31), RULES)


def test_suspended_from_a_resumed_on_b_adds_b_minus_a_days() -> None:
    c = clock().suspend(AUDIT, date(2026, 5, 10)).resume(date(2026, 5, 20))
    assert c.suspended_days(date(2026, 6, 1)) == 10
    assert c.decide_by(date(2026, 6, 1)) == date(2026, 8, 9)


def test_back_to_back_suspensions_count_no_day_twice() -> None:
    # Given AUDIT 05-10..05-20 then VERIFICATION from 05-20 (the day of resumption) to 05-25
    c = (clock().suspend(AUDIT, date(2026, 5, 10)).resume(date(2026, 5, 20))
         .suspend(VERIFICATION, date(2026, 5, 20)).resume(date(2026, 5, 25)))
    # Then exactly the days of one suspension 05-10..05-25 are added
    assert c.suspended_days(date(2026, 6, 1)) == 15
    assert c.decide_by(date(2026, 6, 1)) == date(2026, 8, 14)


def test_a_suspension_resumed_the_same_day_adds_nothing_but_is_recorded() -> None:
    c = clock().suspend(INVESTIGATION, date(2026, 5, 10)).resume(date(2026, 5, 10))
    assert c.decide_by(date(2026, 6, 1)) == BASE
    assert [s.as_json() for s in c.suspensions] == [
        {"reason": "INVESTIGATION", "from": "2026-05-10", "to": "2026-05-10"}]


def test_extension_and_suspensions_add_up() -> None:
    c = (clock().suspend(AUDIT, date(2026, 5, 2)).resume(date(2026, 5, 7))
         .extend(date(2026, 7, 1), RULES).suspend(INVESTIGATION, date(2026, 7, 2)).resume(date(2026, 7, 4)))
    assert c.decide_by(date(2026, 8, 1)) == date(2026, 9, 5)  # 07-30 + 30 + 5 + 2


def test_an_open_suspension_counts_through_today_and_never_makes_the_case_overdue() -> None:
    c = clock().suspend(AUDIT, date(2026, 7, 1))
    assert c.suspended
    assert c.decide_by(date(2026, 7, 11)) == date(2026, 8, 9)
    assert not c.is_overdue(date(2026, 12, 31))


def test_overdue_from_the_day_after_decide_by() -> None:
    assert not clock().is_overdue(BASE)
    assert clock().is_overdue(date(2026, 7, 31))


def test_a_suspension_while_suspended_is_refused() -> None:
    with pytest.raises(ClockConflict, match="already suspended since 2026-05-10") as caught:
        clock().suspend(AUDIT, date(2026, 5, 10)).suspend(VERIFICATION, date(2026, 5, 12))
    assert caught.value.extra == {"clock": "SUSPENDED"}


def test_a_resumption_without_a_suspension_is_refused() -> None:
    with pytest.raises(ClockConflict, match="nothing to resume"):
        clock().resume(date(2026, 5, 10))
    with pytest.raises(ClockConflict, match="nothing to resume"):
        clock().suspend(AUDIT, date(2026, 5, 10)).resume(date(2026, 5, 11)).resume(date(2026, 5, 12))


def test_events_cannot_go_back_in_time() -> None:
    with pytest.raises(ClockConflict, match="before the clock's last event"):
        clock().suspend(AUDIT, date(2026, 4, 30))
    with pytest.raises(ClockConflict, match="before the clock's last event"):
        clock().suspend(AUDIT, date(2026, 5, 10)).resume(date(2026, 5, 9))


def test_close_ends_an_open_suspension_and_keeps_a_running_clock() -> None:
    closed = clock().suspend(AUDIT, date(2026, 5, 10)).close(date(2026, 5, 15))
    assert not closed.suspended
    assert closed.suspended_days(date(2026, 9, 1)) == 5
    assert clock().close(date(2026, 5, 15)) == clock()


def test_as_json_shows_received_suspensions_extension_and_decide_by() -> None:
    c = clock().suspend(AUDIT, date(2026, 5, 10))
    assert c.as_json(date(2026, 5, 12)) == {
        "received_on": "2026-05-01", "suspensions": [{"reason": "AUDIT", "from": "2026-05-10", "to": None}],
        "extension": None, "decide_by": "2026-08-01", "suspended": True}
