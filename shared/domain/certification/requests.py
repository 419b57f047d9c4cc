"""Request bodies of the certification routes (validated at the edge; 422 names each bad field)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, model_validator

from shared.domain.certification.certifiers import Certifier, Relation, RelationKind
from shared.domain.certification.clock import SuspensionReason
from shared.domain.certification.standards import ItemResult
from shared.domain.model_configs import STRICT
from shared.domain.time_types import CalendarDate
from shared.domain.uscc import Uscc

StandardId = Annotated[str, Field(min_length=1, max_length=64, description="An item id (`CATEGORY.n`) or a "
                                  "category id standing for its items")]


class ItemAssessment(BaseModel):
    model_config = STRICT
    standard_id: StandardId
    result: ItemResult


class Assessment(BaseModel):
    """The items of the target tier's standard, each named once (directly or through its category)."""

    model_config = STRICT
    items: Annotated[list[ItemAssessment], Field(min_length=1, max_length=100)]

    def entries(self) -> list[dict[str, str]]:
        return [{"standard_id": i.standard_id, "result": i.result.value} for i in self.items]


class CertificationApplication(BaseModel):
    model_config = STRICT
    uscc: Uscc
    target_tier: Literal["CERTIFIED", "ADVANCED_CERTIFIED"]
    self_assessment: Assessment


class NoFields(BaseModel):
    """The body of a step that needs nothing but the case: none, or `{}` (a malformed body is still 400)."""

    model_config = STRICT


class SuspensionRequest(BaseModel):
    model_config = STRICT
    reason: SuspensionReason


class DecisionRequest(BaseModel):
    model_config = STRICT
    outcome: Literal["APPROVED", "REJECTED"]
    reasons: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=20)] = []

    @model_validator(mode="after")
    def _rejection_has_reasons(self) -> DecisionRequest:
        if self.outcome == "REJECTED" and not self.reasons:
            raise ValueError("a REJECTED decision lists at least one reason")
        return self


class RelationBody(BaseModel):
    model_config = STRICT
    uscc: Uscc
    kind: RelationKind
    until: CalendarDate | None = Field(None, description="Last day of the relation; null while it lasts")


class CertifierFields(BaseModel):
    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=200)]
    qualified: StrictBool  # not "yes" or 1: a qualification is a JSON boolean
    relations: Annotated[list[RelationBody], Field(max_length=200)] = []

    def certifier(self, certifier_id: str) -> Certifier:
        return Certifier(certifier_id, self.name, self.qualified,
                         tuple(Relation(r.uscc, r.kind, r.until) for r in self.relations))


class NewCertifier(CertifierFields):
    certifier_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
