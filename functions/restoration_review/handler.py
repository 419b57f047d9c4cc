"""Restoration review, fed by the bus (`RestorationReceived` on the `credit` bus) through its inbox
queue, in batches. A failed record is reported (partial batch response): it comes back after the
visibility timeout, then lands in the inbox's DLQ. A re-delivered event changes nothing."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.bus_batches import handle_bus_batch
from shared.api.observability import logger, traced
from shared.usecases.restorations import review_application


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle_bus_batch(event, context, handle_event)


def handle_event(event: dict[str, Any]) -> dict[str, Any]:
    """One bus event. Raises on failure (the record is reported and retried)."""
    detail = event.get("detail") or {}
    uscc, restoration_id = detail.get("uscc"), detail.get("restoration_id")
    if not isinstance(uscc, str) or not isinstance(restoration_id, str) or not uscc or not restoration_id:
        logger.error("event without uscc or restoration_id; dropped", extra={"event_id": event.get("id")})
        return {"reviewed": False, "reason": "no uscc or restoration_id"}
    logger.append_keys(uscc=uscc, restoration_id=restoration_id)
    outcome = review_application(dynamodb_stores(), current_clock(), uscc, restoration_id)
    logger.info("reviewed", extra=outcome)
    return outcome
