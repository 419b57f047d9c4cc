"""The problem document (RFC 9457) as the OpenAPI document describes it: every 4xx/5xx response of every
route refers to `ProblemModel` (`resolver.PROBLEM_SCHEMA_REF`). Documentation only: the handlers build
problem bodies with `problems.problem_body`, and only the generator (`scripts/openapi.py`) loads these
models, so no function pays for them at cold start."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.domain.model_configs import SHAPE


class ProblemError(BaseModel):
    model_config = SHAPE
    loc: list[str | int]
    msg: str
    type: str | None = None


class ProblemModel(BaseModel):
    """RFC 9457 problem details."""

    model_config = SHAPE

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] = []


def problem_components() -> dict[str, Any]:
    """`ProblemModel` and what it refers to, as entries of the document's `components.schemas`."""
    schema = ProblemModel.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    return {**schema.pop("$defs", {}), "ProblemModel": schema}
