"""Tier evaluation, fed by the bus (`CreditFactsRecorded`, `ReevaluationRequested` on the `credit` bus)
through its inbox queue, in batches. A failed record is reported (partial batch response): it comes
back after the visibility timeout, then lands in the inbox's DLQ."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.bus_batches import handle_bus_batch
from shared.api.observability import logger, traced
from shared.usecases.evaluation import evaluate_enterprise


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle_bus_batch(event, context, handle_event)


def handle_event(event: dict[str, Any]) -> dict[str, Any]:
    """One bus event. Raises on failure (the record is reported and retried)."""
    detail = event.get("detail") or {}
    uscc = detail.get("uscc")
    if not isinstance(uscc, str) or not uscc:
        logger.error("event without uscc; dropped", extra={"event_id": event.get("id")})
        return {"changed": False, "reason": "no uscc"}
    logger.append_keys(uscc=uscc, trigger=event.get("detail-type"))
    outcome = evaluate_enterprise(dynamodb_stores(), current_clock(), uscc,
                                  trigger=str(event.get("detail-type", "unknown")))
    logger.info("evaluated", extra=outcome)
    return outcome
