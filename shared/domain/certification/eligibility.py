"""Who may apply for certification on a day (Arts 17 and 21): refusals as data.

`refusals(...)` returns every reason an application is refused (empty: eligible); the route
answers 409 naming them. A bar event opens a period of `bar_months` (Civil Code convention):
the enterprise is barred through its last day and may apply from `first_day_after`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from shared.domain.periods import Period, last_day
from shared.domain.registration import RegistrationStatus
from shared.domain.rules.certification import CertificationRules
from shared.domain.tiers import Tier


class BarReason(StrEnum):
    FAILED_CERTIFICATION = "FAILED_CERTIFICATION"
    FAILED_RECERTIFICATION = "FAILED_RECERTIFICATION"
    WITHDRAWN_APPLICATION = "WITHDRAWN_APPLICATION"
    DOWNGRADED_FROM_CERTIFIED = "DOWNGRADED_FROM_CERTIFIED"  # from ACE or CE, to any lower tier
    UPGRADED_FROM_DISCREDITED = "UPGRADED_FROM_DISCREDITED"  # from DISCREDITED or SD


class RefusalCode(StrEnum):
    NOT_REGISTERED = "NOT_REGISTERED"  # neither REGISTERED nor FILED (Art 41 related enterprises)
    DISCREDITED = "DISCREDITED"  # tier DISCREDITED or SERIOUSLY_DISCREDITED
    ALREADY_AT_TARGET = "ALREADY_AT_TARGET"  # the current tier is the target tier or above it
    OPEN_CASE = "OPEN_CASE"
    # one code per bar reason: BARRED_<BarReason>
    BARRED_FAILED_CERTIFICATION = "BARRED_FAILED_CERTIFICATION"
    BARRED_FAILED_RECERTIFICATION = "BARRED_FAILED_RECERTIFICATION"
    BARRED_WITHDRAWN_APPLICATION = "BARRED_WITHDRAWN_APPLICATION"
    BARRED_DOWNGRADED_FROM_CERTIFIED = "BARRED_DOWNGRADED_FROM_CERTIFIED"
    BARRED_UPGRADED_FROM_DISCREDITED = "BARRED_UPGRADED_FROM_DISCREDITED"


_DISCREDITED = frozenset({Tier.DISCREDITED, Tier.SERIOUSLY_DISCREDITED})


@dataclass(frozen=True, slots=True)
class BarEvent:
    reason: BarReason
    on: date  # the effective date of the decision (or the withdrawal)


@dataclass(frozen=True, slots=True)
class Refusal:
    code: RefusalCode
    detail: str
    until: date | None = None  # last day of a bar

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code.value, "detail": self.detail,
                "until": self.until.isoformat() if self.until else None}


def bar_events_of_tier_change(from_tier: Tier, to_tier: Tier, on: date) -> tuple[BarEvent, ...]:
    """The bar events a tier change starts: a downgrade from ACE/CE, an upgrade from DISCREDITED/SD."""
    events: list[BarEvent] = []
    if from_tier.is_aeo and to_tier.rank < from_tier.rank:
        events.append(BarEvent(BarReason.DOWNGRADED_FROM_CERTIFIED, on))
    if from_tier in _DISCREDITED and to_tier.rank > from_tier.rank:
        events.append(BarEvent(BarReason.UPGRADED_FROM_DISCREDITED, on))
    return tuple(events)


def bar_refusals(bars: Iterable[BarEvent], today: date, rules: CertificationRules) -> list[Refusal]:
    """One refusal per bar reason still running on `today` (the latest event of each reason)."""
    period = Period.months(rules.bar_months)
    latest: dict[BarReason, date] = {}
    for bar in bars:
        latest[bar.reason] = max(bar.on, latest.get(bar.reason, bar.on))
    refusals = []
    for reason in BarReason:
        if reason in latest and today <= (through := last_day(latest[reason], period)):
            refusals.append(Refusal(RefusalCode[f"BARRED_{reason.value}"],
                                    f"{reason.value} on {latest[reason]}: no application through {through} "
                                    f"({rules.bar_months} months)", until=through))
    return refusals


def refusals(*, registration_status: RegistrationStatus, tier: Tier, target_tier: Tier,
             bars: Iterable[BarEvent], open_case_id: str | None, today: date,
             rules: CertificationRules) -> list[Refusal]:
    """Every reason an application for `target_tier` on `today` is refused; empty when eligible."""
    found: list[Refusal] = []
    if registration_status not in (RegistrationStatus.REGISTERED, RegistrationStatus.FILED):
        found.append(Refusal(RefusalCode.NOT_REGISTERED,
                             f"registration status {registration_status.value}: only REGISTERED or FILED may apply"))
    if tier in _DISCREDITED:
        found.append(Refusal(RefusalCode.DISCREDITED, f"tier {tier.value} may not apply"))
    elif tier.rank >= target_tier.rank:
        found.append(Refusal(RefusalCode.ALREADY_AT_TARGET,
                             f"tier {tier.value} is already {target_tier.value} or above"))
    found.extend(bar_refusals(bars, today, rules))
    if open_case_id is not None:
        found.append(Refusal(RefusalCode.OPEN_CASE, f"case {open_case_id} is still open"))
    return found
