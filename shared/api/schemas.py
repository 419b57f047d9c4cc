"""Response shapes for the OpenAPI document (requests are validated by the domain models)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.domain.model_configs import SHAPE
from shared.domain.registration import BusinessType, RegistrationStatus
from shared.domain.tiers import Tier

TIER_SINCE = Field(description="When the tier took effect: the `effective_at` of the decision that set it (the "
                              "start of the first managed day before any decision: 00:00 China Standard Time of "
                              "`registered_on`, or of the day the enterprise became known when that is earlier), UTC")
GROUNDS_SINCE = Field(description="When what that decision cites arose, e.g. the day its ground arose (the rules "
                                  "date the tier from then; the decision takes effect later, at `tier_since`); "
                                  "null before any decision, UTC")


class CreditState(BaseModel):
    model_config = SHAPE
    tier: Tier
    is_aeo: bool
    tier_since: str = TIER_SINCE


class AnnualReportDue(BaseModel):
    model_config = SHAPE
    year: int
    window_opens: str
    window_closes: str


class RestorationDates(BaseModel):
    """Set while the enterprise is DISCREDITED or SERIOUSLY_DISCREDITED (Arts 29-30)."""

    model_config = SHAPE

    application_route: bool
    earliest_application_on: str | None = None
    automatic_on: str | None = None
    target_tier: Tier | None = None
    text: str


class ComplianceCalendar(BaseModel):
    model_config = SHAPE
    restoration: RestorationDates | None = None
    annual_report: AnnualReportDue


class EnterpriseRecord(BaseModel):
    model_config = SHAPE
    uscc: str
    name: str
    customs_code: str | None = None
    registration_status: RegistrationStatus
    business_types: list[BusinessType]
    registered_on: str
    credit: CreditState
    open_cases: list[dict[str, object]]
    annual_report_overdue: list[int] = []
    """Report years found unfiled on 1 July (Art 11); the flag never changes the tier by itself."""
    compliance_calendar: ComplianceCalendar
    created_at: str
    updated_at: str
    version: int


class CreditView(BaseModel):
    model_config = SHAPE
    uscc: str
    name: str
    tier: Tier
    is_aeo: bool
    tier_since: str = TIER_SINCE
    grounds_since: str | None = GROUNDS_SINCE
    as_of: str
    measures: list[dict[str, object]]
    disclosures: list[dict[str, object]]


class AuditBreak(BaseModel):
    model_config = SHAPE
    sk: str
    """Sort key of the first entry where the chain breaks (or the one the chain head names)."""
    reason: str


class AuditVerification(BaseModel):
    model_config = SHAPE
    uscc: str
    entries: int
    valid: bool
    broken_at: AuditBreak | None = None
