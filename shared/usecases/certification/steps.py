"""The certification state machine's steps (the `certification_steps` function), and the termination
of open cases when the enterprise is downgraded to DISCREDITED/SD (`TierChanged` on the bus).

Each step is idempotent (a Retry may run it twice, and an execution started again from the start
after it was lost, as the local runtime does after a restart, runs them all again): it reads the case
and does only what is still to do, writing no history twice. The waiting steps store the task token
on the case (a new token replaces the old one without a history entry); the officer routes resume
the task; a waiting step whose officer action the case already records completes at once.

- `eligibility`: still REGISTERED/FILED and not DISCREDITED/SD, else the case is TERMINATED here (a
  decided case whose outcome is not published yet goes on to it);
- `assign`: the certifiers (Art 19), or AWAITING_CERTIFIERS (nothing written when still short);
- `wait`: store the token of the task waiting for ASSIGN_CERTIFIERS, AUDIT or DECIDE (for
  ASSIGN_CERTIFIERS, resumed at once when the roster has changed meanwhile);
- `outcome`: the decision's effects (Art 8): `outcome_applied` (which makes the case a tier fact
  of the evaluation), `CertificationDecided` and a re-evaluation request on the bus, once;
- `failure`: why the workflow failed, recorded on the case (`failure`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from shared.domain.bus_events import (
    CERTIFICATION_DECIDED,
    REEVALUATION_REQUESTED,
    CertificationDecided,
    DecisionOutcome,
    ReevaluationRequested,
    detail_of,
)
from shared.domain.certification import case as cases
from shared.domain.certification.case import Action, Case, CaseStatus
from shared.domain.certification.certifiers import CertifierChoice, choose_certifiers
from shared.domain.certification.errors import CaseStateConflict
from shared.domain.certification.records import case_from_plain
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.enterprise_profile import Enterprise
from shared.domain.outbox import announce
from shared.domain.registration import RegistrationStatus
from shared.domain.rules.certification import CertificationRules
from shared.domain.tiers import DOWNGRADED_TIERS, Tier
from shared.usecases.certification.common import load, rules_at, transition, uscc_of
from shared.usecases.certification.roster import certifier_from_plain
from shared.usecases.stores import Stores

WORKFLOW = "workflow"
_REGISTERED = (RegistrationStatus.REGISTERED, RegistrationStatus.FILED)


_DECIDED = frozenset({CaseStatus.APPROVED, CaseStatus.REJECTED})
_RECORDED: Mapping[Action, frozenset[CaseStatus]] = {
    Action.AUDIT: frozenset({CaseStatus.AWAITING_DECISION, *_DECIDED}),
    Action.DECIDE: _DECIDED,
}
"""The statuses in which the case already records the officer action a waiting step is for."""


class StepFailed(Exception):
    """A step that cannot do what the workflow asks (the state machine catches it and records why)."""


def _termination_cause(enterprise: Enterprise | None) -> str | None:
    if enterprise is None or enterprise.registration_status not in _REGISTERED:
        return "DEREGISTERED"
    if enterprise.tier in DOWNGRADED_TIERS:
        return enterprise.tier.value
    return None


def eligibility(stores: Stores, clock: Clock, case_id: str) -> dict[str, Any]:
    now = clock.now()
    item = load(stores, case_id)
    if CaseStatus(item["status"]) in _DECIDED and not item.get("published"):
        return {"eligible": True, "status": item["status"], "route": item["route"]}  # its outcome is still to apply
    if not CaseStatus(item["status"]).is_open:
        return {"eligible": False, "status": item["status"]}
    cause = _termination_cause(stores.enterprises.get(item["uscc"]))
    if cause is None:
        return {"eligible": True, "status": item["status"], "route": item["route"]}
    updated = terminate_case(stores, clock, case_id, cause, stop=False)
    return {"eligible": False, "status": updated["status"], "cause": cause, "at": iso_instant(now)}


def _choice(stores: Stores, case: Case, now: datetime, rules: CertificationRules) -> tuple[CertifierChoice,
                                                                                       dict[str, str]]:
    roster = [certifier_from_plain(c) for c in stores.certifications.certifiers()]
    names = {c.certifier_id: c.name for c in roster}
    return choose_certifiers(roster, case.uscc, china_date(now), rules), names


def assign(stores: Stores, clock: Clock, case_id: str) -> dict[str, Any]:
    now = clock.now()
    item = load(stores, case_id)
    if CaseStatus(item["status"]) not in cases.ALLOWED[Action.ASSIGN_CERTIFIERS]:
        return {"status": item["status"], "route": item["route"]}  # assigned already (a retried step)

    rules = rules_at(now)
    if CaseStatus(item["status"]) is CaseStatus.AWAITING_CERTIFIERS and \
            not _choice(stores, case_from_plain(item, rules), now, rules)[0].complete:
        return {"status": item["status"], "route": item["route"]}  # still short: as assigned before

    def change(_item: dict[str, Any], case: Case, rules: CertificationRules) -> tuple[Case, dict[str, Any]]:
        choice, names = _choice(stores, case, now, rules)
        assigned = cases.assign_certifiers(case, choice)
        return assigned, {"certifiers": [{"certifier_id": c, "name": names[c]} for c in assigned.certifier_ids],
                          "certifier_exclusions": dict(choice.excluded)}

    updated = transition(stores, case_id, now, WORKFLOW, "certifiers assigned", change)
    return {"status": updated["status"], "route": updated["route"]}


def wait(stores: Stores, clock: Clock, case_id: str, action: Action, token: str) -> dict[str, Any]:
    now = clock.now()
    item = load(stores, case_id)
    status = CaseStatus(item["status"])
    if status in _RECORDED.get(action, ()):  # the officer did it already: the task completes at once
        stores.workflows.resume(token, {"status": status.value})
        return {"status": status.value, "waiting_for": None}
    again = item.get("waiting_for") == action.value and bool(item.get("task_token"))

    def change(_item: dict[str, Any], case: Case, _rules: CertificationRules) -> tuple[Case, dict[str, Any]]:
        if action is Action.ASSIGN_CERTIFIERS and case.status is not CaseStatus.AWAITING_CERTIFIERS:
            raise StepFailed(f"case {case_id} is {case.status.value}, not AWAITING_CERTIFIERS")
        if action is not Action.ASSIGN_CERTIFIERS:
            cases.require(case, action)
        return case, {"task_token": token, "waiting_for": action.value}

    try:
        updated = transition(stores, case_id, now, WORKFLOW, None if again else f"waiting for {action.value}",
                             change)
    except CaseStateConflict:
        if CaseStatus(load(stores, case_id)["status"]) in _RECORDED.get(action, ()):
            return wait(stores, clock, case_id, action, token)  # the officer acted meanwhile (an old token)
        raise
    if action is Action.ASSIGN_CERTIFIERS:
        choice, _names = _choice(stores, case_from_plain(updated, rules_at(now)), now, rules_at(now))
        if choice.complete:  # the roster changed between the assignment and this wait
            stores.workflows.resume(token, {"roster_changed": True})
    return {"status": updated["status"], "waiting_for": action.value}


def outcome(stores: Stores, clock: Clock, case_id: str) -> dict[str, Any]:
    now = clock.now()
    item = load(stores, case_id)
    status = CaseStatus(item["status"])
    if status not in (CaseStatus.APPROVED, CaseStatus.REJECTED):
        raise StepFailed(f"case {case_id} is {status.value}: there is no decision to apply")
    if not item.get("outcome_applied"):
        item = transition(stores, case_id, now, WORKFLOW, "outcome applied",
                          lambda _i, case, _r: (case, {"outcome_applied": True}))
    if not item.get("published"):
        case = case_from_plain(item, rules_at(now))
        decided = (*announce(CERTIFICATION_DECIDED, [detail_of(CertificationDecided(
            uscc=case.uscc, case_id=case_id, kind=case.kind.value, target_tier=case.target_tier,
            outcome=cast(DecisionOutcome, status.value), reasons=list(case.decision.reasons if case.decision else ()),
            score=case.score.total if case.score else None, decided_at=str(item["decided_at"]),
            decided_by=str(item["decided_by"])))]),
            *announce(REEVALUATION_REQUESTED, [detail_of(ReevaluationRequested(
                uscc=case.uscc, reason=f"certification {case_id} {status.value}",
                due_on=str(item["decided_at"])[:10]))]))
        # The events are written with the flag (the outbox): a retried step finds it set and announces nothing.
        item = transition(stores, case_id, now, WORKFLOW, "decision published",
                          lambda _i, case, _r: (case, {"published": True}), announces=lambda _updated: decided)
    return {"status": item["status"], "outcome_applied": True}


def record_failure(stores: Stores, clock: Clock, case_id: str, error: str, cause: str) -> dict[str, Any]:
    now = clock.now()
    failure = {"error": error, "cause": cause[:2000], "at": iso_instant(now)}
    transition(stores, case_id, now, WORKFLOW, f"workflow failed: {error}",
               lambda _i, case, _r: (case, {"failure": failure, "task_token": None, "waiting_for": None}))
    return failure


def terminate_case(stores: Stores, clock: Clock, case_id: str, cause: str, *, stop: bool = True) -> dict[str, Any]:
    now = clock.now()
    updated = transition(stores, case_id, now, WORKFLOW, f"terminated: the enterprise became {cause}",
                         lambda _i, case, _r: (cases.terminate(case, china_date(now), cause),
                                               {"task_token": None, "waiting_for": None}))
    if stop and updated.get("execution_arn"):
        stores.workflows.stop(str(updated["execution_arn"]), f"case {case_id} terminated: {cause}")
    return updated


def on_tier_changed(stores: Stores, clock: Clock, detail: Mapping[str, Any]) -> dict[str, Any]:
    """`TierChanged` to DISCREDITED/SD: every open case of the enterprise is TERMINATED, its execution stopped."""
    to_tier = Tier(str(detail["to_tier"]))
    uscc = str(detail["uscc"])
    if to_tier not in DOWNGRADED_TIERS:
        return {"uscc": uscc, "terminated": []}
    items, _ = stores.certifications.cases_of(uscc)
    open_ids = [i["case_id"] for i in items if CaseStatus(i["status"]).is_open]
    for case_id in open_ids:
        assert uscc_of(case_id) == uscc
        terminate_case(stores, clock, case_id, to_tier.value)
    return {"uscc": uscc, "terminated": open_ids}
