"""`disclosure-expiry` schedule (EventBridge Scheduler, daily 00:10 Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.disclosure_store import DynamoExpiryStore
from shared.adapters.due_index import DynamoDueIndex
from shared.api.observability import logger, traced
from shared.usecases.disclosure_expiry import run_disclosure_expiry


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcome = run_disclosure_expiry(current_clock(), DynamoDueIndex(), DynamoExpiryStore(),
                                    remaining_ms=getattr(context, "get_remaining_time_in_millis", None)).to_dict()
    logger.info("disclosure-expiry ran", extra=outcome)
    return outcome
