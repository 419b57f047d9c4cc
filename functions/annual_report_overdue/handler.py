"""`annual-report-overdue` schedule (EventBridge Scheduler, 1 July 00:05 Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.observability import logger, traced
from shared.usecases.annual_report_overdue import run_annual_report_overdue


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcome = run_annual_report_overdue(dynamodb_stores(), current_clock(),
                                        remaining_ms=getattr(context, "get_remaining_time_in_millis", None)).to_dict()
    logger.info("annual-report-overdue ran", extra=outcome)
    return outcome
