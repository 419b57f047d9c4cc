"""The runtime's one clock: time travel flows on from the set instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from local.clock import RuntimeClock


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_set_time_flows_on_and_null_returns_to_real_time() -> None:
    # Given a clock over a controllable wall clock
    wall = Wall()
    clock = RuntimeClock(wall)
    # When setting it to 2027 and letting ten real seconds pass
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    wall.now += timedelta(seconds=10)
    # Then it reads 2027 plus ten seconds
    assert clock.now() == datetime(2027, 1, 1, 0, 0, 10, tzinfo=UTC)
    assert clock.travelling
    # When returning to real time
    clock.set(None)
    # Then it reads the wall clock
    assert clock.now() == wall.now
    assert not clock.travelling


def test_listeners_hear_every_change() -> None:
    # Given a listener
    clock = RuntimeClock(Wall())
    heard: list[tuple[datetime, datetime]] = []
    clock.on_change(lambda before, after: heard.append((before, after)))
    # When setting the clock back a day
    clock.set(datetime(2025, 12, 31, tzinfo=UTC))
    # Then it heard the old and new now
    assert heard == [(datetime(2026, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC))]


def test_naive_instants_are_refused() -> None:
    # Given an instant without offset
    # When setting the clock
    # Then it is refused (which zone it meant is unknowable)
    with pytest.raises(ValueError, match="offset"):
        RuntimeClock().set(datetime(2027, 1, 1))
