"""What the registration system and enterprises file besides credit events: declaration volumes
(the Art 15 denominator), enterprise-related personnel (Art 46) and annual credit reports (Art 11)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field

from shared.domain.annual_report import AnnualReportWindow, first_report_year, window_for
from shared.domain.model_configs import STRICT
from shared.domain.registration import BusinessLine

if TYPE_CHECKING:
    from shared.domain.rules.model import AnnualReportRules


class PersonRole(StrEnum):
    """Art 46 widens enterprise-related personnel to customs declarants."""

    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    PRINCIPAL = "PRINCIPAL"
    FINANCE_HEAD = "FINANCE_HEAD"
    CUSTOMS_HEAD = "CUSTOMS_HEAD"
    DECLARANT = "DECLARANT"
    DIRECTOR = "DIRECTOR"
    SUPERVISOR = "SUPERVISOR"
    SENIOR_MANAGER = "SENIOR_MANAGER"
    OTHER = "OTHER"


Year = Annotated[int, Field(ge=2000, le=2100)]


class DeclarationVolume(BaseModel):
    """Declarations, filing lists and manifests of one business line in one year."""

    model_config = STRICT

    year: Year
    business_line: BusinessLine
    documents: Annotated[int, Field(ge=0, le=10**9, strict=True)]


class Person(BaseModel):
    model_config = STRICT

    person_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: PersonRole


class AnnualReport(BaseModel):
    model_config = STRICT

    year: Year
    contact: Annotated[str, Field(max_length=500)] | None = None
    business_summary: Annotated[str, Field(max_length=5000)] | None = None
    internal_control_statement: Annotated[str, Field(max_length=5000)] | None = None
    financial_summary: Annotated[str, Field(max_length=5000)] | None = None


def annual_report_timing(year: int, registered_on: date, today: date,
                         rules: AnnualReportRules) -> tuple[AnnualReportWindow, bool]:
    """(window, late) for filing the report of `year` on `today`; ValueError when it cannot be filed yet
    or was never due (the pack's window and first report year, Art 11)."""
    if year < first_report_year(registered_on, rules):
        raise ValueError(f"no report is due for {year}: the enterprise was registered in {registered_on.year}")
    window = window_for(year, rules)
    if today < window.opens_on:
        raise ValueError(f"the window for the {year} report opens on {window.opens_on.isoformat()}")
    return window, today > window.closes_on

