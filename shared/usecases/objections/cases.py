"""Objections through the API (Art 39): filing, reads, and the officer's decision.

A filing names a subject of the enterprise's own (else 422 naming `subject_id`); it is stored
UNDER_REVIEW with the subject's open-objection guard in the same transaction (a second open objection
on that subject: 409), and its execution started under a deterministic name (`objection-<uscc>-<n>`).

The officer's decision needs the objection UNDER_REVIEW (else 409) and the workflow waiting for it
(its task token on the objection, else 409 "retry shortly"): the objection is saved first
(conditional on its version), then the task is resumed; the workflow applies the outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.errors import Conflict, NotFound, ValidationFailed
from shared.domain.objection import (
    ObjectionStatus,
    SubjectType,
    check_correction,
    execution_name,
    objection_id_for,
    review_by,
    subject_key,
    subject_of,
)
from shared.usecases.objection_deadlines import with_deadline_entry
from shared.usecases.objections.common import change, execution_input, history, load, view
from shared.usecases.restoration_redecisions import open_applications_covering
from shared.usecases.stores import Stores


def file(stores: Stores, clock: Clock, uscc: str, subject_type: SubjectType, subject_id: str, grounds: str,
         evidence: Sequence[str], filed_by: str) -> dict[str, Any]:
    """`POST /v1/objections`: 201 body `{objection_id, execution_arn, review_by}`."""
    now = clock.now()
    items = stores.credit.load(uscc)
    if items.profile is None:
        raise ValidationFailed(f"enterprise {uscc} is not registered",
                               errors=[{"loc": ["body", "uscc"], "msg": "no enterprise with this uscc"}])
    subject_of(subject_type, subject_id, events=items.events, decisions=items.decisions,
               restorations=items.restorations)
    objection_id = objection_id_for(uscc, len(items.objections) + 1)
    name = execution_name(objection_id)
    item: dict[str, Any] = {
        "objection_id": objection_id, "uscc": uscc, "subject_type": subject_type.value, "subject_id": subject_id,
        "grounds": grounds, "evidence": list(evidence), "status": ObjectionStatus.UNDER_REVIEW.value,
        "filed_at": iso_instant(now), "filed_by": filed_by, "review_by": review_by(china_date(now)).isoformat(),
        "execution_name": name, "execution_arn": stores.objection_workflow.execution_arn(name),
        "task_token": None, "decision": None, "applied_at": None, "decision_id": None, "published": False,
        "failure": None, "overdue": False, "version": 1,
    }
    item["history"] = history(item, now, filed_by, "objection filed")
    item = with_deadline_entry(item)  # on the case-deadlines index until decided or marked overdue
    stores.objections.create(item, subject_key(subject_type, subject_id))
    stores.objection_workflow.start(name, execution_input(item))
    return {"objection_id": objection_id, "execution_arn": item["execution_arn"], "review_by": item["review_by"]}


def get(stores: Stores, objection_id: str, now: datetime) -> dict[str, Any]:
    return view(load(stores, objection_id), now)


def page(stores: Stores, uscc: str, limit: int, start: dict[str, Any] | None,
         now: datetime) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    items, last = stores.objections.of(uscc, limit, start)
    if not items and start is None and stores.enterprises.get(uscc) is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    return [view(i, now) for i in items], last


def _check_redecidable(stores: Stores, objection: Mapping[str, Any]) -> None:
    """A refused application is decided again as a new application, which needs its records (or TIER)
    free: while another application on them is open, upholding is refused (409), nothing stored."""
    if objection["status"] != ObjectionStatus.UNDER_REVIEW.value:
        return  # the decision itself answers 409
    restorations = stores.credit.load(objection["uscc"]).restorations
    original = next((r for r in restorations if r["restoration_id"] == objection["subject_id"]), None)
    holders = [] if original is None else open_applications_covering(restorations, original)
    if holders:
        raise Conflict(f"application(s) {', '.join(holders)} on the same records are open: decide them before "
                       f"upholding, the refused application is decided again as a new one",
                       extra={"open_applications": holders})


def decide(stores: Stores, clock: Clock, objection_id: str, outcome: ObjectionStatus, reasons: Sequence[str],
           correction: Mapping[str, Any] | None, officer: str) -> dict[str, Any]:
    """`POST /v1/objections/{id}/decision`: UPHELD or DISMISSED, then the workflow applies it."""
    now = clock.now()
    tokens: list[str] = []
    if outcome is ObjectionStatus.UNDER_REVIEW:
        raise ValidationFailed("the outcome is UPHELD or DISMISSED",
                               errors=[{"loc": ["body", "outcome"], "msg": "UPHELD or DISMISSED"}])

    subject = load(stores, objection_id)
    if outcome is ObjectionStatus.UPHELD and subject["subject_type"] == SubjectType.RESTORATION.value:
        _check_redecidable(stores, subject)

    def decided(item: dict[str, Any]) -> dict[str, Any]:
        if item["status"] != ObjectionStatus.UNDER_REVIEW.value:
            raise Conflict(f"objection {objection_id} is {item['status']}: it was decided already",
                           extra={"status": item["status"]})
        if correction and outcome is ObjectionStatus.DISMISSED:
            raise ValidationFailed("a dismissed objection corrects nothing",
                                   errors=[{"loc": ["body", "correction"], "msg": "only with outcome UPHELD"}])
        check_correction(SubjectType(item["subject_type"]), correction)
        if not item.get("task_token"):
            raise Conflict(f"the workflow of objection {objection_id} is not waiting for the review yet; retry "
                           f"shortly", extra={"status": item["status"], "waiting_for": None})
        tokens.append(str(item["task_token"]))
        return {"status": outcome.value, "task_token": None, "decision": {
            "outcome": outcome.value, "reasons": list(reasons), "correction": dict(correction or {}) or None,
            "article": "Art 39", "decided_at": iso_instant(now), "decided_by": officer}}

    updated = change(stores, objection_id, now, officer, f"decided {outcome.value}", decided)
    stores.objection_workflow.resume(tokens[-1], {"outcome": outcome.value})
    return view(updated, now)
