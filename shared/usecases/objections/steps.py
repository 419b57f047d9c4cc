"""The objection state machine's steps (the `objection_steps` function). Each is idempotent (a Retry
may run it twice, and an execution started again from the start after it was lost, as the local runtime
does after a restart, runs them all again): it reads the objection and does only what is still to do,
writing no history twice.

- `filed`: the objection is there and under review;
- `wait`: store the token of the task waiting for the officer's decision (a new token replaces the old
  one without a history line); when the objection is decided already, the task completes at once;
- `apply`: an UPHELD objection's correction takes effect now (`applied_at`: from this instant the
  engine reads it: an EVENT withdrawn, a DISCLOSURE withdrawn or re-timed; a refused RESTORATION
  reviewed again as a new application, `redecision`); DISMISSED: nothing;
- `reevaluate`: the tier decided again through the evaluation path: a new decision citing Art 39
  with the objection as evidence (and the re-decided application, whose approval it applies);
- `notify`: `ObjectionDecided` on the bus, once;
- `failure`: why the workflow failed, recorded on the objection."""

from __future__ import annotations

from typing import Any, cast

from shared.domain.bus_events import OBJECTION_DECIDED, ObjectionDecided, ObjectionOutcome, detail_of
from shared.domain.clock import Clock, iso_instant
from shared.domain.errors import Conflict
from shared.domain.objection import ObjectionStatus, SubjectType
from shared.domain.outbox import announce
from shared.usecases.evaluation import evaluate_enterprise
from shared.usecases.objections.common import change, load
from shared.usecases.restoration_redecisions import redecide
from shared.usecases.stores import Stores

WORKFLOW = "workflow"


class StepFailed(Exception):
    """A step that cannot do what the workflow asks (the state machine catches it and records why)."""


def filed(stores: Stores, objection_id: str) -> dict[str, Any]:
    """`review_by` in the output: the operators' console shows the waiting review's deadline from it."""
    item = load(stores, objection_id)
    return {"status": item["status"], "review_by": item["review_by"]}


def wait(stores: Stores, clock: Clock, objection_id: str, token: str) -> dict[str, Any]:
    item = load(stores, objection_id)
    if item["status"] != ObjectionStatus.UNDER_REVIEW.value:  # decided already: the task completes at once
        stores.objection_workflow.resume(token, {"outcome": item["status"]})
        return {"status": item["status"]}
    again = bool(item.get("task_token"))

    def waiting(item: dict[str, Any]) -> dict[str, Any]:
        if item["status"] != ObjectionStatus.UNDER_REVIEW.value:
            raise StepFailed(f"objection {objection_id} is {item['status']}, not UNDER_REVIEW")
        return {"task_token": token}

    try:
        updated = change(stores, objection_id, clock.now(), WORKFLOW,
                         None if again else "waiting for the officer's review", waiting)
    except StepFailed:
        if load(stores, objection_id)["status"] != ObjectionStatus.UNDER_REVIEW.value:
            return wait(stores, clock, objection_id, token)  # decided meanwhile (on an old token)
        raise
    return {"status": updated["status"]}


def _decided(objection_id: str, item: dict[str, Any]) -> ObjectionStatus:
    status = ObjectionStatus(item["status"])
    if status is ObjectionStatus.UNDER_REVIEW:
        raise StepFailed(f"objection {objection_id} is UNDER_REVIEW: there is no decision to apply")
    return status


def apply(stores: Stores, clock: Clock, objection_id: str) -> dict[str, Any]:
    item = load(stores, objection_id)
    status = _decided(objection_id, item)
    if status is ObjectionStatus.UPHELD and not item.get("applied_at"):
        now = clock.now()
        item = change(stores, objection_id, now, WORKFLOW, "correction applied",
                      lambda _i: {"applied_at": iso_instant(now)})
    if (status is ObjectionStatus.UPHELD and item["subject_type"] == SubjectType.RESTORATION.value
            and not item.get("redecision")):
        try:
            redecision = redecide(stores, clock, item)
        except Conflict as exc:
            raise StepFailed(f"the refused application {item['subject_id']} cannot be decided again now: "
                             f"{exc}") from exc
        item = change(stores, objection_id, clock.now(), WORKFLOW,
                      f"decided again as {redecision['restoration_id']}: {redecision['status']}",
                      lambda _i: {"redecision": redecision})
    return {"outcome": status.value, "applied_at": item.get("applied_at"), "redecision": item.get("redecision")}


def reevaluate(stores: Stores, clock: Clock, objection_id: str) -> dict[str, Any]:
    item = load(stores, objection_id)
    if _decided(objection_id, item) is not ObjectionStatus.UPHELD or not item.get("applied_at"):
        raise StepFailed(f"objection {objection_id} has no applied correction to re-evaluate")
    if not item.get("decision_id"):
        evaluate_enterprise(stores, clock, item["uscc"], f"objection {objection_id} upheld (Art 39)", item)
        decisions = stores.credit.load(item["uscc"]).decisions
        decision_id = next((d["decision_id"] for d in decisions for g in d.get("grounds") or ()
                            if g.get("rule_id") == "OBJECTION" and objection_id in g.get("evidence", ())), None)
        if decision_id is None:
            raise StepFailed(f"the re-evaluation recorded no decision for objection {objection_id}")
        item = change(stores, objection_id, clock.now(), WORKFLOW, f"new decision {decision_id} citing Art 39",
                      lambda _i: {"decision_id": decision_id})
    return {"decision_id": item["decision_id"]}


def notify(stores: Stores, clock: Clock, objection_id: str) -> dict[str, Any]:
    item = load(stores, objection_id)
    status = _decided(objection_id, item)
    if not item.get("published"):
        decision = item["decision"]
        decided = announce(OBJECTION_DECIDED, [detail_of(ObjectionDecided(
            uscc=item["uscc"], objection_id=objection_id, subject_type=item["subject_type"],
            subject_id=item["subject_id"], outcome=cast(ObjectionOutcome, status.value),
            reasons=list(decision["reasons"]),
            decision_id=item.get("decision_id"), decided_at=decision["decided_at"],
            decided_by=decision["decided_by"]))])
        # Written with the flag (the outbox): a retried step finds it set and announces nothing again.
        change(stores, objection_id, clock.now(), WORKFLOW, "decision published", lambda _i: {"published": True},
               outbox=decided)
    return {"outcome": status.value, "published": True}


def record_failure(stores: Stores, clock: Clock, objection_id: str, error: str, cause: str) -> dict[str, Any]:
    now = clock.now()
    failure = {"error": error, "cause": cause[:2000], "at": iso_instant(now)}
    change(stores, objection_id, now, WORKFLOW, f"workflow failed: {error}",
           lambda _i: {"failure": failure, "task_token": None})
    return failure
