"""Request bodies of the objection routes (validated at the edge; 422 names each bad field)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shared.domain.model_configs import STRICT
from shared.domain.uscc import Uscc


class ObjectionFiling(BaseModel):
    model_config = STRICT
    uscc: Uscc
    subject_type: Literal["EVENT", "DISCLOSURE", "DECISION", "RESTORATION"]
    subject_id: Annotated[str, Field(min_length=1, max_length=128)]
    grounds: Annotated[str, Field(min_length=1, max_length=4000, description="Why the subject is wrong")]
    evidence: Annotated[list[Annotated[str, Field(min_length=1, max_length=512)]], Field(max_length=20)] = []


class ObjectionDecision(BaseModel):
    model_config = STRICT
    outcome: Literal["UPHELD", "DISMISSED"]
    reasons: Annotated[list[Annotated[str, Field(min_length=1, max_length=2000)]], Field(min_length=1,
                                                                                          max_length=20)]
    correction: Annotated[dict[str, Any] | None, Field(
        max_length=5, description="Only with UPHELD, and only what fits the subject: `{disclosure_months}` "
                                  "(1-36) for a DISCLOSURE (its corrected period); nothing for the others")] = None
