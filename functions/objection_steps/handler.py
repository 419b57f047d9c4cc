"""The objection state machine's steps (`{"step": ..., "objection_id": ...}` from its Lambda tasks).
Errors raise: the state machine retries transient ones and catches the rest into its failure path."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.observability import logger, traced
from shared.usecases.objections import steps


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    stores, clock = dynamodb_stores(), current_clock()
    step, objection_id = str(event.get("step")), str(event.get("objection_id"))
    logger.append_keys(step=step, objection_id=objection_id)
    if step == "filed":
        return steps.filed(stores, objection_id)
    if step == "wait":
        return steps.wait(stores, clock, objection_id, str(event.get("token")))
    if step == "apply":
        return steps.apply(stores, clock, objection_id)
    if step == "reevaluate":
        return steps.reevaluate(stores, clock, objection_id)
    if step == "notify":
        return steps.notify(stores, clock, objection_id)
    if step == "failure":
        failure = event.get("failure") or {}
        return steps.record_failure(stores, clock, objection_id, str(failure.get("Error", "States.ALL")),
                                    str(failure.get("Cause", "")))
    raise steps.StepFailed(f"unknown step {step!r}")
