"""The registry's response shapes for the OpenAPI document (requests are validated by the domain models):
the enterprise record and the audit-chain verification."""

from __future__ import annotations

from pydantic import BaseModel

from shared.api.credit_view_schema import TIER_SINCE
from shared.domain.model_configs import SHAPE
from shared.domain.registration import BusinessType, RegistrationStatus
from shared.domain.tiers import Tier


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
