"""A case as stored (plain JSON-like mappings) and what the enterprise's closed cases mean to
eligibility: the bar events they start (their tier facts for the engine: `facts`).

`case_to_plain` / `case_from_plain` round-trip a `Case` exactly (the score is recomputed from the
audit on load, so a stored score can never disagree with the rules). The stored item carries more
than the `Case` (execution ARN, task token, history...): those are the use cases' business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from shared.domain.certification.case import Case, CaseKind, CaseStatus, Decision, Outcome, Route
from shared.domain.certification.clock import CaseClock, Extension, Suspension, SuspensionReason
from shared.domain.certification.eligibility import BarEvent, BarReason, bar_events_of_tier_change
from shared.domain.certification.scoring import score
from shared.domain.certification.standards import ItemResult
from shared.domain.clock import china_date, instant_of
from shared.domain.rules.certification import CertificationRules
from shared.domain.tiers import Tier


def _day(value: Any) -> date | None:
    return None if value in (None, "") else date.fromisoformat(str(value))



def case_to_plain(case: Case) -> dict[str, Any]:
    clock = case.clock
    return {
        "case_id": case.case_id, "uscc": case.uscc, "kind": case.kind.value, "route": case.route.value,
        "target_tier": case.target_tier.value, "status": case.status.value,
        "clock": {"received_on": clock.received_on.isoformat(), "decision_days": clock.decision_days,
                  "suspensions": [s.as_json() for s in clock.suspensions],
                  "extension": clock.extension.as_json() if clock.extension else None},
        "certifier_ids": list(case.certifier_ids),
        "audit": None if case.audit is None else {k: v.value for k, v in case.audit.items()},
        "decision": None if case.decision is None else {
            "outcome": case.decision.outcome.value, "reasons": list(case.decision.reasons),
            "decided_on": case.decision.decided_on.isoformat()},
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "termination_cause": case.termination_cause,
    }


def case_from_plain(item: Mapping[str, Any], rules: CertificationRules) -> Case:
    raw_clock = item["clock"]
    extension = raw_clock.get("extension")
    clock = CaseClock(
        received_on=date.fromisoformat(raw_clock["received_on"]), decision_days=int(raw_clock["decision_days"]),
        suspensions=tuple(Suspension(SuspensionReason(s["reason"]), date.fromisoformat(s["from"]), _day(s.get("to")))
                          for s in raw_clock.get("suspensions") or ()),
        extension=None if not extension else Extension(date.fromisoformat(extension["recorded_on"]),
                                                       int(extension["days"])))
    target = Tier(item["target_tier"])
    audit = None if item.get("audit") is None else {k: ItemResult(v) for k, v in item["audit"].items()}
    decision = item.get("decision")
    return Case(
        case_id=item["case_id"], uscc=item["uscc"], kind=CaseKind(item["kind"]), route=Route(item["route"]),
        target_tier=target, status=CaseStatus(item["status"]), clock=clock,
        certifier_ids=tuple(item.get("certifier_ids") or ()), audit=audit,
        score=None if audit is None else score(audit, target, rules),
        decision=None if not decision else Decision(Outcome(decision["outcome"]), tuple(decision["reasons"]),
                                                    date.fromisoformat(decision["decided_on"])),
        closed_on=_day(item.get("closed_on")), termination_cause=item.get("termination_cause"))


def bar_events(cases: Iterable[Mapping[str, Any]], decisions: Iterable[Mapping[str, Any]]) -> list[BarEvent]:
    """Every bar event on the enterprise's file: failed and withdrawn cases (by their closing day) and
    tier decisions that downgraded from ACE/CE or upgraded from DISCREDITED/SD (by their CST day)."""
    found: list[BarEvent] = []
    for item in cases:
        closed_on = _day(item.get("closed_on"))
        if closed_on is None:
            continue
        recert = item["kind"] == CaseKind.RECERTIFICATION.value
        if item["status"] == CaseStatus.REJECTED.value:
            found.append(BarEvent(BarReason.FAILED_RECERTIFICATION if recert else BarReason.FAILED_CERTIFICATION,
                                  closed_on))
        elif item["status"] == CaseStatus.WITHDRAWN.value:
            found.append(BarEvent(BarReason.WITHDRAWN_APPLICATION, closed_on))
    for decision in decisions:
        found += bar_events_of_tier_change(Tier(decision["from_tier"]), Tier(decision["to_tier"]),
                                           china_date(instant_of(str(decision["effective_at"]))))
    return found
