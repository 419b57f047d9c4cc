"""`recertification-due` schedule (EventBridge Scheduler, daily 01:00 Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.recertification_due import DynamoRecertificationIndex
from shared.adapters.stores import dynamodb_stores
from shared.api.observability import logger, traced
from shared.usecases.certification.recertification import run_recertification_due


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcome = run_recertification_due(dynamodb_stores(), current_clock(), DynamoRecertificationIndex(),
                                      remaining_ms=getattr(context, "get_remaining_time_in_millis", None)).to_dict()
    logger.info("recertification-due ran", extra=outcome)
    return outcome
