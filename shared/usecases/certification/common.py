"""What the certification use cases share: ids, loading a case, saving a transition, and the view.

A case is one item under its enterprise: the domain `Case` (`records.case_to_plain`) plus what the
workflow needs (`execution_arn`, the waiting task's `task_token` and `waiting_for` action), the
applicant's `self_assessment`, `history`, `failure` (why the workflow failed, when it did), and
`outcome_applied` / `published` (the outcome step ran / its events went out)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.domain.certification.case import Case
from shared.domain.certification.records import case_from_plain, case_to_plain
from shared.domain.clock import china_date, iso_instant
from shared.domain.errors import Conflict, NotFound
from shared.domain.outbox import BusEvent
from shared.domain.rules.certification import CertificationRules
from shared.usecases.certification.deadlines import with_deadline_entry
from shared.usecases.stores import Stores

MAX_ATTEMPTS = 5
_ID = re.compile(r"^(CERT|RECERT)-([0-9A-Z]{18})-([0-9A-Za-z-]{1,40})$")


def rules_at(now: datetime) -> CertificationRules:
    from shared.domain.rules.registry import pack_for

    return pack_for(now).certification


def case_id_for(uscc: str, number: int) -> str:
    return f"CERT-{uscc}-{number:03d}"


def execution_name(case_id: str) -> str:
    """`cert-<uscc>-<case number>` (`recert-<uscc>-<cycle>`): a retried start names the same execution."""
    kind, uscc, tail = _parts(case_id)
    return f"{kind.lower()}-{uscc}-{tail}"


def _parts(case_id: str) -> tuple[str, str, str]:
    match = _ID.match(case_id)
    if match is None:
        raise NotFound(f"no certification case {case_id}")
    return match.group(1), match.group(2), match.group(3)


def uscc_of(case_id: str) -> str:
    return _parts(case_id)[1]


def load(stores: Stores, case_id: str) -> dict[str, Any]:
    item = stores.certifications.get_case(uscc_of(case_id), case_id)
    if item is None:
        raise NotFound(f"no certification case {case_id}")
    return item


def history(item: Mapping[str, Any], at: datetime, by: str, what: str) -> list[dict[str, Any]]:
    return [*item.get("history", []), {"at": iso_instant(at), "by": by, "status": item["status"], "what": what}]


def with_case(item: Mapping[str, Any], case: Case, at: datetime, by: str, what: str | None,
              **extra: Any) -> dict[str, Any]:
    """The stored item after a transition to `case` (one more version, one more history entry; none when
    `what` is None: a step run again storing what it stored before, e.g. a new task token)."""
    updated = {**item, **case_to_plain(case), **extra, "version": int(item["version"]) + 1}
    if what is not None:
        updated["history"] = history(updated, at, by, what)
    return with_deadline_entry(updated, case, china_date(at))


def execution_input(item: Mapping[str, Any]) -> dict[str, str]:
    """What a case's execution is started with: by the application, the re-certification schedule, and
    again by the local runtime after a restart lost the execution (`local/workflow_recovery.py`)."""
    return {"uscc": str(item["uscc"]), "case_id": str(item["case_id"])}


def new_case_item(stores: Stores, case: Case, now: datetime, by: str, what: str, **extra: Any) -> dict[str, Any]:
    """The stored item of a case just opened (version 1), its execution named after the case."""
    name = execution_name(case.case_id)
    item: dict[str, Any] = {
        **case_to_plain(case), "received_at": iso_instant(now), "applicant": by, "self_assessment": None,
        "execution_name": name, "execution_arn": stores.workflows.execution_arn(name), "task_token": None,
        "waiting_for": None, "certifiers": [], "failure": None, "decided_at": None, "decided_by": None,
        "outcome_applied": False, "published": False, "overdue": False, "version": 1, **extra,
    }
    item["history"] = history(item, now, by, what)
    return with_deadline_entry(item, case, china_date(now))


def transition(stores: Stores, case_id: str, now: datetime, by: str, what: str | None,
               change: Callable[[dict[str, Any], Case, CertificationRules], tuple[Case, dict[str, Any]]],
               announces: Callable[[dict[str, Any]], Sequence[BusEvent]] | None = None) -> dict[str, Any]:
    """Load, apply `change` (the domain transition and extra attributes), save on the version with the
    events `announces` names for the saved case (the outbox: written in the same transaction); a lost
    race (a workflow step saved first) is tried again on the new state."""
    for _attempt in range(MAX_ATTEMPTS):
        item = load(stores, case_id)
        rules = rules_at(now)
        case, extra = change(item, case_from_plain(item, rules), rules)
        updated = with_case(item, case, now, by, what, **extra)
        try:
            stores.certifications.save_case(updated, int(item["version"]),
                                            outbox=announces(updated) if announces else ())
        except Conflict:
            continue
        return updated
    raise Conflict(f"case {case_id} changed {MAX_ATTEMPTS} times while this request was processed; retry")


def case_view(item: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The case as its enterprise or an officer reads it (`GET /v1/certifications/{case_id}`)."""
    rules = rules_at(now)
    case = case_from_plain(item, rules)
    today = china_date(now)
    clock = case.clock.as_json(today)
    names = {c["certifier_id"]: c["name"] for c in item.get("certifiers") or ()}
    decision = item.get("decision")
    return {
        "case_id": case.case_id, "uscc": case.uscc, "kind": case.kind.value, "route": case.route.value,
        "target_tier": case.target_tier.value, "status": case.status.value,
        "execution_arn": item.get("execution_arn"),
        "clock": {"received_at": item["received_at"], **clock},
        "certifiers": [{"certifier_id": c, "name": names.get(c, c)} for c in case.certifier_ids],
        "self_assessment": item.get("self_assessment"),
        "audit": None if case.audit is None else {
            "items": [{"standard_id": k, "result": v.value} for k, v in case.audit.items()]},
        "score": case.score.as_json() if case.score else None,
        "decision": None if not decision else {**decision, "decided_at": item.get("decided_at"),
                                               "decided_by": item.get("decided_by")},
        "overdue": bool(item.get("overdue")) or (case.status.is_open and case.clock.is_overdue(today)),
        "waiting_for": item.get("waiting_for") if item.get("task_token") else None,
        "failure": item.get("failure"),
        "termination_cause": case.termination_cause,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "history": item.get("history", []),
    }
