"""The runtime's one clock: time travel flows on from the set instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from local.clock import RuntimeClock
from local.time_travel import ClockFile, warnings_after_moving_back


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


def test_a_travelled_clock_is_kept_as_its_offset(tmp_path: Path) -> None:
    # Given a clock travelled two years ahead, saved on change
    wall = Wall()
    clock = RuntimeClock(wall)
    saved = ClockFile(tmp_path / "clock.json")
    clock.on_change(lambda _b, _a: saved.save(clock))
    clock.set(datetime(2028, 1, 1, tzinfo=UTC))
    # When a new runtime starts an hour later and restores it
    wall.now += timedelta(hours=1)
    restarted = RuntimeClock(wall)
    # Then it is as far ahead as before, time having flowed on
    assert saved.restore(restarted) is True
    assert restarted.now() == datetime(2028, 1, 1, 1, tzinfo=UTC)
    # And returning to real time forgets it
    clock.set(None)
    assert saved.restore(RuntimeClock(wall)) is False


def test_a_broken_clock_file_means_real_time(tmp_path: Path) -> None:
    # Given a clock file that is not one
    (tmp_path / "clock.json").write_text("{not json")
    clock = RuntimeClock(Wall())
    # When restoring it
    # Then the clock stays on real time
    assert ClockFile(tmp_path / "clock.json").restore(clock) is False
    assert not clock.travelling


def test_warning_counts_what_is_dated_after_now() -> None:
    # Given two decisions and one event after the new now
    counts = {"decisions": 2, "events": 1}
    # When phrasing the warning
    [warning] = warnings_after_moving_back(counts, datetime(2026, 1, 1, tzinfo=UTC))
    # Then it names both counts and the instant; nothing dated after means no warning
    assert warning.startswith("2 decisions, 1 event are dated after the new now (2026-01-01T00:00:00+00:00)")
    assert warnings_after_moving_back({"decisions": 0, "events": 0}, datetime(2026, 1, 1, tzinfo=UTC)) == []
