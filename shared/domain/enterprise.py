"""Enterprises under customs credit management: the registration data and the stored enterprise. Their
enumerations (Art 41 registration status, business types and lines) are `shared.domain.registration`,
re-exported here."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_serializer

from shared.domain.clock import CHINA_TZ, china_date, iso_instant
from shared.domain.model_configs import FROZEN, STRICT
from shared.domain.registration import BusinessLine, BusinessType, RegistrationStatus
from shared.domain.tiers import INITIAL_TIER, Tier
from shared.domain.time_types import CalendarDate
from shared.domain.uscc import Uscc

CustomsCode = Annotated[
    str, Field(pattern=r"^[0-9A-Z]{10}$", description="10-character customs registration code")
]

__all__ = ["BusinessLine", "BusinessType", "CustomsCode", "Enterprise", "RegistrationData", "RegistrationStatus"]


class RegistrationData(BaseModel):
    """What the registration system says about an enterprise: the natural-key content of a registration."""

    model_config = STRICT

    uscc: Uscc
    name: Annotated[str, Field(min_length=1, max_length=200)]
    customs_code: CustomsCode | None = None
    registration_status: RegistrationStatus
    business_types: Annotated[list[BusinessType], Field(min_length=1, max_length=2)]
    registered_on: CalendarDate


class Enterprise(BaseModel):
    """An enterprise with its current credit state. `version` guards every conditional write."""

    model_config = FROZEN

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
    annual_report_overdue: list[int] = []
    """Report years (Art 11) the `annual-report-overdue` schedule found unfiled; never changes the tier by itself."""
    annual_report_check_year: int | None = None
    annual_report_check_on: date | None = None
    """The next report year `annual-report-overdue` checks and the day it becomes overdue (the profile is
    on that schedule's due index at that day; None: the enterprise files no reports)."""
    decisions_made: int | None = None
    """How many tier decisions the enterprise has had: the next is numbered `decisions_made + 1`. Written
    with the decision in one transaction conditional on `version`, so numbers never repeat or skip.
    None only on profiles stored before the counter existed (`next_decision_number` covers them)."""

    def next_decision_number(self) -> int:
        """1 for the first decision. A profile stored before the counter numbered its decisions by
        `version + 1`, so continuing from `version` can never reuse one of its numbers."""
        made = self.decisions_made if self.decisions_made is not None else self.version
        return made + 1

    @field_serializer("tier_since", "created_at", "updated_at")
    def _instant(self, value: datetime) -> str:
        """One wire and storage form for instants: UTC, milliseconds, `Z` (sorts as a string)."""
        return iso_instant(value)

    @property
    def is_aeo(self) -> bool:
        return self.tier.is_aeo

    @property
    def managed_from(self) -> date:
        """The first day under credit management, whenever the system learnt of the enterprise: its
        `registered_on`, or for an Art 41 enterprise (placed under management by the first report about
        it) the day of that report when earlier."""
        return min(self.registered_on, china_date(self.created_at))

    def registration(self) -> RegistrationData:
        return RegistrationData(
            uscc=self.uscc, name=self.name, customs_code=self.customs_code,
            registration_status=self.registration_status, business_types=self.business_types,
            registered_on=self.registered_on,
        )


def new_enterprise(data: RegistrationData, now: datetime) -> Enterprise:
    """A newly managed enterprise starts REGULAR (Art 4: new enterprises start REGULAR), since 00:00 CST of
    its first managed day — the same instant the credit view answers before any decision."""
    first_day = datetime.combine(min(data.registered_on, china_date(now)), time(), CHINA_TZ)
    return Enterprise(
        **data.model_dump(), tier=INITIAL_TIER, tier_since=first_day, created_at=now, updated_at=now, version=1,
        decisions_made=0,
    )


def same_registration(a: RegistrationData, b: RegistrationData) -> bool:
    """Registration bodies compare as sets of business types: order carries no meaning."""
    return a.model_dump(exclude={"business_types"}) == b.model_dump(exclude={"business_types"}) and set(
        a.business_types
    ) == set(b.business_types)
