"""`arrears-watch` schedule (EventBridge Scheduler, daily 00:20 Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.due_index import DynamoDueIndex
from shared.api.observability import logger, traced
from shared.usecases.arrears_watch import run_arrears_watch


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcome = run_arrears_watch(current_clock(), DynamoDueIndex(),
                                remaining_ms=getattr(context, "get_remaining_time_in_millis", None))
    logger.info("arrears-watch ran", extra=outcome)
    return outcome
