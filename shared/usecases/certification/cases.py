"""Certification cases through the API: the application, reads, the officers' steps and the
enterprise's withdrawal (Arts 8, 17-23).

An application is checked (self-assessment against the target tier's standard: 422; eligibility on
the file's own facts: 409 naming each refusal code), stored RECEIVED with its open-case guard, and its
execution started under a deterministic name (`cert-<uscc>-<case number>`).

Officer steps that the workflow waits for (the audit or desk review, the decision) need the case in
the status that allows them (`case.require`, else 409 naming the status) AND the workflow waiting
for exactly that step (its task token stored on the case by the waiting task, else 409): the case is
saved first (conditional on its version), then the task is resumed. Suspensions, resumptions and the
extension are clock data (Art 20): no workflow step waits for them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.domain.bus_events import REEVALUATION_REQUESTED, ReevaluationRequested, detail_of
from shared.domain.certification import case as cases
from shared.domain.certification.case import Action, Case, CaseKind, CaseStatus, Outcome, Route
from shared.domain.certification.clock import SuspensionReason
from shared.domain.certification.eligibility import refusals
from shared.domain.certification.errors import CaseStateConflict, InvalidAudit
from shared.domain.certification.records import bar_events
from shared.domain.certification.scoring import validate_audit
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import Conflict, NotFound, ValidationFailed
from shared.domain.outbox import BusEvent, announce
from shared.domain.tiers import Tier
from shared.usecases.certification.common import (
    case_id_for,
    case_view,
    execution_input,
    load,
    new_case_item,
    rules_at,
    transition,
)
from shared.usecases.stores import Stores


def apply(stores: Stores, clock: Clock, uscc: str, target_tier: Tier,
          self_assessment: Sequence[Mapping[str, Any]], applicant: str) -> dict[str, Any]:
    """`POST /v1/certifications`: 201 body `{case_id, execution_arn, status, received_at, decide_by}`."""
    now = clock.now()
    rules, today = rules_at(now), china_date(now)
    try:
        validate_audit(self_assessment, target_tier)
    except InvalidAudit as exc:
        raise InvalidAudit(exc.detail, errors=[{**e, "loc": ["body", "self_assessment", *e["loc"]]}
                                               for e in exc.errors]) from None
    items = stores.credit.load(uscc)
    if items.profile is None:
        raise ValidationFailed(f"enterprise {uscc} is not registered",
                               errors=[{"loc": ["body", "uscc"], "msg": "no enterprise with this uscc"}])
    enterprise = Enterprise.from_stored(items.profile)
    open_case = next((c["case_id"] for c in items.certifications if CaseStatus(c["status"]).is_open), None)
    refused = refusals(registration_status=enterprise.registration_status, tier=enterprise.tier,
                       target_tier=target_tier, bars=bar_events(items.certifications, items.decisions),
                       open_case_id=open_case, today=today, rules=rules)
    if refused:
        raise Conflict(f"the application is refused: {', '.join(r.code.value for r in refused)}",
                       extra={"refusals": [r.as_json() for r in refused]})
    case = cases.open_case(case_id_for(uscc, len(items.certifications) + 1), uscc, CaseKind.INITIAL,
                           Route.STANDARD, target_tier, today, rules)
    item = new_case_item(stores, case, now, applicant, "application received",
                         self_assessment={"items": [dict(e) for e in self_assessment]})
    stores.certifications.create_case(item)
    stores.workflows.start(item["execution_name"], execution_input(item))
    return {"case_id": case.case_id, "execution_arn": item["execution_arn"], "status": case.status.value,
            "received_at": item["received_at"], "decide_by": case.clock.decide_by(today).isoformat()}


def get_case(stores: Stores, case_id: str, now: Any) -> dict[str, Any]:
    return case_view(load(stores, case_id), now)


def cases_page(stores: Stores, uscc: str, limit: int, start: dict[str, Any] | None,
               now: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    items, last = stores.certifications.cases_of(uscc, limit, start)
    if not items and start is None and stores.enterprises.get(uscc) is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    return [case_view(i, now) for i in items], last


def suspend(stores: Stores, clock: Clock, case_id: str, reason: SuspensionReason, officer: str) -> dict[str, Any]:
    now = clock.now()
    return case_view(transition(stores, case_id, now, officer, f"clock suspended ({reason.value})",
                                lambda _i, case, _r: (cases.suspend(case, reason, china_date(now)), {})), now)


def resume(stores: Stores, clock: Clock, case_id: str, officer: str) -> dict[str, Any]:
    now = clock.now()
    return case_view(transition(stores, case_id, now, officer, "clock resumed",
                                lambda _i, case, _r: (cases.resume(case, china_date(now)), {})), now)


def extend(stores: Stores, clock: Clock, case_id: str, officer: str) -> dict[str, Any]:
    now = clock.now()
    return case_view(transition(stores, case_id, now, officer, "decision period extended",
                                lambda _i, case, rules: (cases.extend(case, china_date(now), rules), {})), now)


def _waiting(item: Mapping[str, Any], case: Case, action: Action) -> str:
    """The task token of the workflow step waiting for `action` (409 when none waits for it)."""
    cases.require(case, action)
    token = item.get("task_token")
    if not token or item.get("waiting_for") != action.value:
        raise CaseStateConflict(f"the workflow of case {case.case_id} is not waiting for {action.value} yet; retry "
                                f"shortly", status=case.status.value, action=action.value,
                                waiting_for=item.get("waiting_for"))
    return str(token)


def record_audit(stores: Stores, clock: Clock, case_id: str, entries: Sequence[Mapping[str, Any]],
                 officer: str) -> dict[str, Any]:
    now = clock.now()
    tokens: list[str] = []

    def change(item: dict[str, Any], case: Case, rules: Any) -> tuple[Case, dict[str, Any]]:
        tokens.append(_waiting(item, case, Action.AUDIT))
        try:
            audited = cases.record_audit(case, entries, rules)
        except InvalidAudit as exc:
            raise InvalidAudit(exc.detail, errors=[{**e, "loc": ["body", *e["loc"]]} for e in exc.errors]) from None
        return audited, {"task_token": None, "waiting_for": None}

    updated = transition(stores, case_id, now, officer, "audit recorded", change)
    stores.workflows.resume(tokens[-1], {"status": updated["status"]})
    return case_view(updated, now)


def decide(stores: Stores, clock: Clock, case_id: str, outcome: Outcome, reasons: Sequence[str],
           officer: str) -> dict[str, Any]:
    now = clock.now()
    tokens: list[str] = []

    def change(item: dict[str, Any], case: Case, _rules: Any) -> tuple[Case, dict[str, Any]]:
        tokens.append(_waiting(item, case, Action.DECIDE))
        decided = cases.decide(case, outcome, reasons, china_date(now))
        return decided, {"task_token": None, "waiting_for": None, "decided_at": iso_instant(now),
                         "decided_by": officer}

    updated = transition(stores, case_id, now, officer, f"decided {outcome.value}", change)
    stores.workflows.resume(tokens[-1], {"status": updated["status"]})
    return case_view(updated, now)


def withdraw(stores: Stores, clock: Clock, case_id: str, applicant: str) -> dict[str, Any]:
    """The enterprise withdraws an open case: WITHDRAWN (the 12-month bar starts), its execution stopped;
    a withdrawn re-certification withdraws the certificate like a failure (re-evaluation requested)."""
    now = clock.now()

    def change(item: dict[str, Any], case: Case, _rules: Any) -> tuple[Case, dict[str, Any]]:
        recert = case.kind is CaseKind.RECERTIFICATION
        return cases.withdraw(case, china_date(now)), {
            "task_token": None, "waiting_for": None, "decided_at": iso_instant(now), "decided_by": applicant,
            "outcome_applied": recert}

    def announces(updated: dict[str, Any]) -> tuple[BusEvent, ...]:
        if not updated["outcome_applied"]:
            return ()
        return announce(REEVALUATION_REQUESTED, [detail_of(ReevaluationRequested(
            uscc=updated["uscc"], reason=f"re-certification {case_id} withdrawn",
            due_on=china_date(now).isoformat()))])

    updated = transition(stores, case_id, now, applicant, "withdrawn by the enterprise", change, announces)
    if updated.get("execution_arn"):
        stores.workflows.stop(str(updated["execution_arn"]), f"case {case_id} withdrawn by the enterprise")
    return case_view(updated, now)
