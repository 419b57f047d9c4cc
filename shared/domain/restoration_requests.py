"""Restoration and upgrade applications as they arrive (Arts 29-30, 36-40): the request models of
`POST /v1/restorations` and the officer's routes (pydantic). The kinds, statuses and document types
are `shared.domain.restoration_kinds`, re-exported here; the review and the clock are in
`shared.domain.restoration`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from shared.domain.credit_events.model import EventId
from shared.domain.model_configs import STRICT
from shared.domain.restoration_kinds import DocumentType, RestorationKind
from shared.domain.uscc import Uscc

MAX_EVENT_IDS = 100
MAX_DOCUMENTS = 20
EXTENSION_MIN_WORKING_DAYS = 1


class Document(BaseModel):
    model_config = STRICT

    type: DocumentType
    reference: Annotated[str, Field(min_length=1, max_length=500,
                                    description="Where the document is: file number, archive reference, URL")]


class RestorationApplication(BaseModel):
    """`POST /v1/restorations` body. `event_ids` are required for DISCLOSURE and not used for TIER
    (sending them with TIER is refused rather than silently ignored)."""

    model_config = STRICT

    uscc: Uscc
    kind: RestorationKind
    event_ids: Annotated[list[EventId], Field(min_length=1, max_length=MAX_EVENT_IDS)] | None = None
    documents: Annotated[list[Document], Field(max_length=MAX_DOCUMENTS)] = []

    @model_validator(mode="after")
    def _event_ids_by_kind(self) -> RestorationApplication:
        if self.kind is RestorationKind.DISCLOSURE and not self.event_ids:
            raise ValueError("event_ids are required for kind DISCLOSURE (the records to restore)")
        if self.kind is RestorationKind.TIER and self.event_ids:
            raise ValueError("event_ids are not used for kind TIER (an upgrade concerns the tier, not records)")
        if self.event_ids and len(set(self.event_ids)) != len(self.event_ids):
            raise ValueError("event_ids lists an id twice")
        return self


class OfficerReason(BaseModel):
    model_config = STRICT

    rule_id: Annotated[str, Field(min_length=1, max_length=64)] = "OFFICER_DECISION"
    article: Annotated[str, Field(min_length=1, max_length=64)] = "Arts 36-40"
    detail: Annotated[str, Field(min_length=1, max_length=2000)]


class OfficerDecision(BaseModel):
    """`POST /v1/restorations/{id}/decision`. A refusal states at least one reason."""

    model_config = STRICT

    outcome: Literal["APPROVED", "REJECTED"]
    reasons: Annotated[list[OfficerReason], Field(max_length=20)] = []

    @model_validator(mode="after")
    def _refusal_has_reasons(self) -> OfficerDecision:
        if self.outcome == "REJECTED" and not self.reasons:
            raise ValueError("a REJECTED decision lists at least one reason")
        return self


class Extension(BaseModel):
    """`POST /v1/restorations/{id}/extension`: once, recorded with its reason."""

    model_config = STRICT

    reason: Annotated[str, Field(min_length=1, max_length=1000)]
    working_days: Annotated[int, Field(ge=EXTENSION_MIN_WORKING_DAYS, le=10,
                                       description="1-10 working days (the pack's maximum)")]
