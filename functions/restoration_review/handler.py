"""Restoration review, invoked asynchronously by EventBridge (`RestorationReceived` on the `credit`
bus). Failures raise: Lambda retries, then the DLQ. A re-delivered event changes nothing."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.observability import logger, traced
from shared.usecases.restorations import review_application


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    detail = event.get("detail") or {}
    uscc, restoration_id = detail.get("uscc"), detail.get("restoration_id")
    if not isinstance(uscc, str) or not isinstance(restoration_id, str) or not uscc or not restoration_id:
        logger.error("event without uscc or restoration_id; dropped", extra={"event_id": event.get("id")})
        return {"reviewed": False, "reason": "no uscc or restoration_id"}
    logger.append_keys(uscc=uscc, restoration_id=restoration_id)
    outcome = review_application(dynamodb_stores(), current_clock(), uscc, restoration_id)
    logger.info("reviewed", extra=outcome)
    return outcome
