"""Enterprises under customs credit management: the registration data (the validating input model of
`POST /v1/enterprises`) and how a registration becomes a stored enterprise. The stored enterprise itself
is `shared.domain.enterprise_profile` (no pydantic: the evaluation, the workflows and the schedules read
it) and the enumerations (Art 41 registration status, business types and lines) are
`shared.domain.registration`; both are re-exported here."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import BaseModel, Field

from shared.domain.clock import CHINA_TZ, china_date
from shared.domain.enterprise_profile import Enterprise
from shared.domain.model_configs import STRICT
from shared.domain.registration import BusinessLine, BusinessType, RegistrationStatus
from shared.domain.tiers import INITIAL_TIER
from shared.domain.time_types import CalendarDate
from shared.domain.uscc import Uscc

CustomsCode = Annotated[
    str, Field(pattern=r"^[0-9A-Z]{10}$", description="10-character customs registration code")
]

__all__ = ["BusinessLine", "BusinessType", "CustomsCode", "RegistrationData", "RegistrationStatus",
           "new_enterprise", "registration_of", "same_registration"]


class RegistrationData(BaseModel):
    """What the registration system says about an enterprise: the natural-key content of a registration."""

    model_config = STRICT

    uscc: Uscc
    name: Annotated[str, Field(min_length=1, max_length=200)]
    customs_code: CustomsCode | None = None
    registration_status: RegistrationStatus
    business_types: Annotated[list[BusinessType], Field(min_length=1, max_length=2)]
    registered_on: CalendarDate


def registration_of(enterprise: Enterprise) -> RegistrationData:
    """The registration data a stored enterprise carries (compared with a new registration of it)."""
    return RegistrationData(
        uscc=enterprise.uscc, name=enterprise.name, customs_code=enterprise.customs_code,
        registration_status=enterprise.registration_status, business_types=enterprise.business_types,
        registered_on=enterprise.registered_on,
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
