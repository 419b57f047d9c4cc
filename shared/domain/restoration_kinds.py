"""What a restoration or upgrade application is and goes through, apart from the request models
(`shared.domain.restoration_requests`, pydantic): its kinds, statuses and document types, the documents
as stored and the reasons of a decision. The review (`shared.domain.restoration`), the bus consumers and
the schedules read stored applications with these alone and load no pydantic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class RestorationKind(StrEnum):
    DISCLOSURE = "DISCLOSURE"  # restore records: their disclosure ends as RESTORED (Arts 36-40)
    TIER = "TIER"  # upgrade on application to REGULAR (Arts 29-30)


class DocumentType(StrEnum):
    FULFILMENT_PROOF = "FULFILMENT_PROOF"
    COMMITMENT_LETTER = "COMMITMENT_LETTER"
    COURT_RESTRUCTURING_ORDER = "COURT_RESTRUCTURING_ORDER"
    OTHER = "OTHER"


class RestorationStatus(StrEnum):
    RECEIVED = "RECEIVED"
    NEEDS_OFFICER = "NEEDS_OFFICER"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"

    @property
    def is_open(self) -> bool:
        return self in (RestorationStatus.RECEIVED, RestorationStatus.NEEDS_OFFICER)


class DocumentLike(Protocol):
    """What the review reads of a document: its type (the request's `Document` is one, so is `StoredDocument`)."""

    @property
    def type(self) -> DocumentType: ...


@dataclass(frozen=True)
class StoredDocument:
    """A document of a stored application (validated as a `Document` when the application was received)."""

    type: DocumentType
    reference: str

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> StoredDocument:
        return cls(DocumentType(values["type"]), str(values["reference"]))


@dataclass(frozen=True, kw_only=True)
class Reason:
    """Why an application was refused or sent to an officer: the check (rule and article) and what it found."""

    rule_id: str
    article: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "article": self.article, "detail": self.detail}
