"""The certification state machine's steps (`{"step": ..., "case_id": ...}` from its Lambda tasks) and
the termination of open cases on `TierChanged` to DISCREDITED/SD (bus rule, delivered in batches through
the inbox queue: a failed record is reported and retried, then parked in the inbox's DLQ). Step errors
raise: the state machine retries transient ones and catches the rest into its failure path."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.bus_batches import handle_bus_batch
from shared.api.observability import logger, traced
from shared.domain.bus_events import TIER_CHANGED
from shared.domain.certification.case import Action
from shared.usecases.certification import steps


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "Records" in event:  # the inbox queue's batch of bus events
        return handle_bus_batch(event, context, handle_event)
    stores, clock = dynamodb_stores(), current_clock()
    step, case_id = str(event.get("step")), str(event.get("case_id"))
    logger.append_keys(step=step, case_id=case_id)
    if step == "eligibility":
        return steps.eligibility(stores, clock, case_id)
    if step == "assign":
        return steps.assign(stores, clock, case_id)
    if step == "wait":
        return steps.wait(stores, clock, case_id, Action(str(event.get("action"))), str(event.get("token")))
    if step == "outcome":
        return steps.outcome(stores, clock, case_id)
    if step == "failure":
        failure = event.get("failure") or {}
        return steps.record_failure(stores, clock, case_id, str(failure.get("Error", "States.ALL")),
                                    str(failure.get("Cause", "")))
    raise steps.StepFailed(f"unknown step {step!r}")


def handle_event(event: dict[str, Any]) -> dict[str, Any]:
    """One bus event (`TierChanged`). Raises on failure (the record is reported and retried)."""
    if event.get("detail-type") != TIER_CHANGED:
        logger.error("unexpected bus event; dropped", extra={"event_id": event.get("id")})
        return {"terminated": [], "reason": f"not {TIER_CHANGED}"}
    outcome = steps.on_tier_changed(dynamodb_stores(), current_clock(), event.get("detail") or {})
    logger.info("tier changed", extra=outcome)
    return outcome
