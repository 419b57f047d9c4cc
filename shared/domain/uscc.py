"""`Uscc`: the validated field type (pydantic) of every model and route parameter that names an
enterprise, a Unified Social Credit Code (GB 32100-2015) checked by `shared.domain.uscc_check`.

A module of its own (not `enterprise`): a handler that takes a `uscc` parameter needs this name only,
not the enterprise models. Code that only checks a code imports `uscc_check` and loads no pydantic."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from shared.domain.uscc_check import USCC_PATTERN, validate_uscc

Uscc = Annotated[
    str,
    Field(min_length=1, max_length=64,
          description="Unified Social Credit Code, 18 characters, GB 32100-2015 check character, upper case",
          examples=["91110000600037341L"], json_schema_extra={"pattern": USCC_PATTERN}),
    AfterValidator(validate_uscc),
]
