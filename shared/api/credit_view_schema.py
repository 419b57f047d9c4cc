"""The public credit view's response shape for the OpenAPI document (`GET /v1/enterprises/{uscc}/credit`),
apart from the registry's shapes so that the credit-view function builds only this one at cold start."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.domain.model_configs import SHAPE
from shared.domain.tiers import Tier

TIER_SINCE = Field(description="When the tier took effect: the `effective_at` of the decision that set it (the "
                              "start of the first managed day before any decision: 00:00 China Standard Time of "
                              "`registered_on`, or of the day the enterprise became known when that is earlier), UTC")
GROUNDS_SINCE = Field(description="When what that decision cites arose, e.g. the day its ground arose (the rules "
                                  "date the tier from then; the decision takes effect later, at `tier_since`); "
                                  "null before any decision, UTC")


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
