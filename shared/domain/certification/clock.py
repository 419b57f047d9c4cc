"""The decision clock of a certification case (Art 20).

`decide_by` = `calendar_days_after(received_on, decision_days)`, plus `extension_days` once an
extension is recorded, plus the days of every suspension. A suspension recorded on day a and
ended by a resumption on day b adds b - a days: the day it starts still counts (as the day of an
event never counts in the period it opens, Civil Code Art 201), the day of resumption does not,
so back-to-back suspensions (resumed and suspended again on day b) never count a day twice and a
suspension resumed on its own day adds nothing. While a suspension is open, `decide_by(today)`
counts it as if resumed `today`, so an open suspension never makes a case overdue.

Suspensions do not overlap: suspending a suspended clock, or resuming a running one, is a
`ClockConflict`; so is an event dated before the previous one, or a second extension. An
extension must be recorded on or before the deadline it extends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from shared.domain.certification.errors import ClockConflict
from shared.domain.periods import calendar_days_after
from shared.domain.rules.certification import CertificationRules


class SuspensionReason(StrEnum):
    AUDIT = "AUDIT"  # 稽查
    VERIFICATION = "VERIFICATION"  # 核查
    INVESTIGATION = "INVESTIGATION"  # 调查


@dataclass(frozen=True, slots=True)
class Suspension:
    reason: SuspensionReason
    start: date
    end: date | None = None  # the day of resumption; None while suspended

    def days(self, today: date) -> int:
        return max(0, ((self.end or today) - self.start).days)

    def as_json(self) -> dict[str, Any]:
        return {"reason": self.reason.value, "from": self.start.isoformat(),
                "to": self.end.isoformat() if self.end else None}


@dataclass(frozen=True, slots=True)
class Extension:
    recorded_on: date
    days: int

    def as_json(self) -> dict[str, Any]:
        return {"recorded_on": self.recorded_on.isoformat(), "days": self.days}


@dataclass(frozen=True, slots=True)
class CaseClock:
    received_on: date
    decision_days: int
    suspensions: tuple[Suspension, ...] = ()
    extension: Extension | None = None

    @classmethod
    def start(cls, received_on: date, rules: CertificationRules) -> CaseClock:
        return cls(received_on, rules.decision_days)

    @property
    def suspended(self) -> bool:
        return bool(self.suspensions) and self.suspensions[-1].end is None

    def suspended_days(self, today: date) -> int:
        return sum(s.days(today) for s in self.suspensions)

    def decide_by(self, today: date) -> date:
        """The deadline as of `today` (an open suspension counted through `today`)."""
        base = calendar_days_after(self.received_on, self.decision_days)
        extra = (self.extension.days if self.extension else 0) + self.suspended_days(today)
        return base + timedelta(days=extra)

    def is_overdue(self, today: date) -> bool:
        return not self.suspended and today > self.decide_by(today)

    def suspend(self, reason: SuspensionReason, on: date) -> CaseClock:
        if self.suspended:
            raise ClockConflict(f"the clock is already suspended since {self.suspensions[-1].start}",
                                extra={"clock": "SUSPENDED"})
        self._not_before_last_event(on)
        return replace(self, suspensions=(*self.suspensions, Suspension(reason, on)))

    def resume(self, on: date) -> CaseClock:
        if not self.suspended:
            raise ClockConflict("the clock is not suspended: there is nothing to resume",
                                extra={"clock": "RUNNING"})
        self._not_before_last_event(on)
        return replace(self, suspensions=(*self.suspensions[:-1], replace(self.suspensions[-1], end=on)))

    def extend(self, on: date, rules: CertificationRules) -> CaseClock:
        if self.extension is not None:
            raise ClockConflict(f"the decision period was already extended on {self.extension.recorded_on}",
                                extra={"extension": self.extension.as_json()})
        self._not_before_last_event(on)
        if on > self.decide_by(on):
            raise ClockConflict(f"the deadline {self.decide_by(on)} has passed; it cannot be extended",
                                extra={"decide_by": self.decide_by(on).isoformat()})
        return replace(self, extension=Extension(on, rules.extension_days))

    def close(self, on: date) -> CaseClock:
        """The clock of a case that ends on `on`: an open suspension ends that day."""
        return self.resume(on) if self.suspended else self

    def _not_before_last_event(self, on: date) -> None:
        last = max([self.received_on, *(d for s in self.suspensions for d in (s.start, s.end) if d)])
        if on < last:
            raise ClockConflict(f"{on} is before the clock's last event ({last})",
                                extra={"last_event": last.isoformat()})

    def as_json(self, today: date) -> dict[str, Any]:
        return {"received_on": self.received_on.isoformat(),
                "suspensions": [s.as_json() for s in self.suspensions],
                "extension": self.extension.as_json() if self.extension else None,
                "decide_by": self.decide_by(today).isoformat(), "suspended": self.suspended}
