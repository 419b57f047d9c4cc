"""The stored enterprise (its profile): registration data and current credit state, read back from its
item and written as one. A frozen dataclass, not a pydantic model: it is what the repository stored,
validated as `RegistrationData` (`shared.domain.enterprise`) when it first arrived, so the evaluation,
the workflows and the schedules read and update it without loading pydantic."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.domain.clock import china_date, instant_of, iso_instant
from shared.domain.registration import BusinessType, RegistrationStatus
from shared.domain.tiers import INITIAL_TIER, Tier

_INSTANTS = ("tier_since", "created_at", "updated_at")


@dataclass(frozen=True, kw_only=True)
class Enterprise:
    """An enterprise with its current credit state. `version` guards every conditional write."""

    uscc: str
    name: str
    customs_code: str | None = None
    registration_status: RegistrationStatus
    business_types: list[BusinessType]
    registered_on: date
    tier: Tier = INITIAL_TIER
    tier_since: datetime
    created_at: datetime
    updated_at: datetime
    version: int = 1
    restoration: dict[str, Any] | None = None
    """When and how a downgrade can end (earliest application, automatic date), from the latest evaluation."""
    annual_report_overdue: list[int] = field(default_factory=list)
    """Report years (Art 11) the `annual-report-overdue` schedule found unfiled; never changes the tier by itself."""
    annual_report_check_year: int | None = None
    annual_report_check_on: date | None = None
    """The next report year `annual-report-overdue` checks and the day it becomes overdue (the profile is
    on that schedule's due index at that day; None: the enterprise files no reports)."""
    decisions_made: int | None = None
    """How many tier decisions the enterprise has had: the next is numbered `decisions_made + 1`. Written
    with the decision in one transaction conditional on `version`, so numbers never repeat or skip.
    None only on profiles stored before the counter existed (`next_decision_number` covers them)."""

    @classmethod
    def from_stored(cls, values: Mapping[str, Any]) -> Enterprise:
        """The enterprise of a stored profile item (or of `stored()`); the item's other attributes (keys,
        index keys) are ignored."""
        check_on = values.get("annual_report_check_on")
        check_year = values.get("annual_report_check_year")
        made = values.get("decisions_made")
        return cls(
            uscc=str(values["uscc"]), name=str(values["name"]), customs_code=values.get("customs_code"),
            registration_status=RegistrationStatus(values["registration_status"]),
            business_types=[BusinessType(t) for t in values["business_types"]],
            registered_on=_day(values["registered_on"]), tier=Tier(values.get("tier", INITIAL_TIER)),
            **{name: _instant(values[name]) for name in _INSTANTS}, version=int(values.get("version", 1)),
            restoration=values.get("restoration"),
            annual_report_overdue=[int(y) for y in values.get("annual_report_overdue") or ()],
            annual_report_check_year=None if check_year is None else int(check_year),
            annual_report_check_on=None if check_on is None else _day(check_on),
            decisions_made=None if made is None else int(made),
        )

    def stored(self) -> dict[str, Any]:
        """The stored and wire form, every field in order: enums as values, dates ISO, instants as
        `iso_instant` writes them (UTC, milliseconds, `Z`: they sort as strings)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {**values, "registration_status": self.registration_status.value,
                "business_types": [t.value for t in self.business_types],
                "registered_on": self.registered_on.isoformat(), "tier": self.tier.value,
                **{name: iso_instant(values[name]) for name in _INSTANTS},
                "restoration": None if self.restoration is None else dict(self.restoration),
                "annual_report_overdue": list(self.annual_report_overdue),
                "annual_report_check_on": None if self.annual_report_check_on is None
                else self.annual_report_check_on.isoformat()}

    def with_changes(self, **changes: Any) -> Enterprise:
        return dataclasses.replace(self, **changes)

    def next_decision_number(self) -> int:
        """1 for the first decision. A profile stored before the counter numbered its decisions by
        `version + 1`, so continuing from `version` can never reuse one of its numbers."""
        made = self.decisions_made if self.decisions_made is not None else self.version
        return made + 1

    @property
    def is_aeo(self) -> bool:
        return self.tier.is_aeo

    @property
    def managed_from(self) -> date:
        """The first day under credit management, whenever the system learnt of the enterprise: its
        `registered_on`, or for an Art 41 enterprise (placed under management by the first report about
        it) the day of that report when earlier."""
        return min(self.registered_on, china_date(self.created_at))


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _instant(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else instant_of(value)
