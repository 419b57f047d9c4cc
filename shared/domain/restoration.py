"""Restoration of records (`kind: DISCLOSURE`, Arts 36-40) and upgrade on application (`kind: TIER`,
Arts 29-30): the application, its statutory clock and the review. Pure: no clock, no storage.

The review (`review`) applies every condition of the rule pack's `restoration.checks` (rules as data,
each with its id and article) to the facts as they stand at the decision instant:

- a check whose outcome is REJECTED and that fails refuses the application, with every such reason;
- otherwise a failed NEEDS_OFFICER check sends it to an officer (`NEEDS_OFFICER`, with its reasons);
- otherwise it is APPROVED (`reasons` empty).

Dates are China Standard Time calendar dates. The minimum period of a record runs from the day
after its disclosure starts (shared/domain/periods.py): a GENERAL record decided 2026-04-15 has
its 3-month minimum end on 2026-07-15, so an application received on 2026-07-15 is refused and one
received on 2026-07-16 may be approved. What "received" means is the CST date of receipt.

The clock (`deadlines`): `decide_by` is the 3rd working day after the day of receipt, `respond_by`
the 10th (the day of receipt does not count; PRC holidays and adjusted working weekends through
`chinese-calendar`); an officer's extension of N working days (1-10, once) moves both by N working
days, still counted from the day of receipt. For a year the calendar package does not know yet the
deadline counts Monday-Friday and is marked `provisional` (`shared.domain.periods`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.domain.clock import china_date, instant_of
from shared.domain.credit_events import ARREARS_TYPES
from shared.domain.periods import Period, last_day, working_days_after
from shared.domain.restoration_kinds import (
    DocumentLike,
    DocumentType,
    Reason,
    RestorationKind,
    RestorationStatus,
)
from shared.domain.rules.counting import count_events
from shared.domain.rules.facts import EnterpriseFacts, RecordRestoration, TierFact, TierFactKind
from shared.domain.rules.model import RestorationCheck, ReviewOutcome, RulePack
from shared.domain.tiers import DOWNGRADED_TIERS

# ---------------------------------------------------------------------------------------------
# Clock
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadlines:
    received_on: date
    decide_by: date
    respond_by: date
    provisional: bool
    extension_working_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"decide_by": self.decide_by.isoformat(), "respond_by": self.respond_by.isoformat(),
                "deadlines_provisional": self.provisional}


def deadlines(received_on: date, pack: RulePack, extension_working_days: int = 0) -> Deadlines:
    """`decide_by` / `respond_by` of an application received on `received_on` (CST), with an extension."""
    rules = pack.restoration
    if not 0 <= extension_working_days <= rules.extension_max_working_days:
        raise ValueError(f"an extension is 1-{rules.extension_max_working_days} working days")
    decide_by = working_days_after(received_on, rules.decision_working_days + extension_working_days)
    respond_by = working_days_after(received_on, rules.feedback_working_days + extension_working_days)
    return Deadlines(received_on, decide_by.due_on, respond_by.due_on,
                     decide_by.provisional or respond_by.provisional, extension_working_days)


# ---------------------------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Review:
    status: RestorationStatus  # APPROVED, REJECTED or NEEDS_OFFICER
    reasons: tuple[Reason, ...]
    decided_on: date

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status.value, "reasons": [r.to_dict() for r in self.reasons]}


def _reason(check: RestorationCheck, detail: str) -> tuple[ReviewOutcome, Reason]:
    return check.outcome, Reason(rule_id=check.rule_id, article=check.article, detail=detail)


def _document_findings(pack: RulePack, kind: RestorationKind,
                       documents: Sequence[DocumentLike]) -> list[tuple[ReviewOutcome, Reason]]:
    rules = pack.restoration
    checks = rules.checks_by_id
    types = {d.type.value for d in documents}
    covered = types | {rules.substitutes[t] for t in types if t in rules.substitutes}
    missing = [t for t in rules.required_documents if t not in covered]
    found = []
    if missing:
        if DocumentType.OTHER.value in types:
            found.append(_reason(checks["OTHER_DOCUMENTS_ONLY"],
                                 f"missing {', '.join(missing)}; OTHER documents were given instead"))
        else:
            found.append(_reason(checks["DOCUMENTS_MISSING"], f"missing {', '.join(missing)}"))
    for substitute, replaced in sorted(rules.substitutes.items()):
        if substitute in types and replaced not in types and substitute in checks:
            found.append(_reason(checks[substitute], f"a {substitute} stands in for the {replaced}"))
    return [f for f in found if kind.value in checks[f[1].rule_id].applies_to]


def _disclosure_findings(pack: RulePack, facts: EnterpriseFacts, event_ids: Sequence[str], received_on: date,
                         decided_at: datetime) -> list[tuple[ReviewOutcome, Reason]]:
    from shared.domain.rules import evaluate

    checks = pack.restoration.checks_by_id
    day = china_date(decided_at)
    evaluation = evaluate(facts, decided_at, pack)
    records = {r.event_id: r for r in evaluation.records}
    settled_on = count_events(facts.events, day, withdrawals=facts.withdrawals).settled_on
    applied = set(event_ids)
    found: list[tuple[ReviewOutcome, Reason]] = []
    for event_id in event_ids:
        record = records.get(event_id)
        status = record.status_on(day) if record is not None else "NOT_A_RECORD"
        if record is None or record.severity is None or record.disclosure_from is None or status not in (
                "DISCLOSED", "PENDING", "NOT_PUBLISHED"):
            found.append(_reason(checks["NOT_A_DISCLOSED_RECORD"],
                                 f"{event_id}: {status.replace('_', ' ').lower()} on {day.isoformat()}"))
            continue
        allowed_from = record.restorable_from  # the day after the minimum period (a law's override included)
        if allowed_from is not None and received_on < allowed_from:
            last = allowed_from - timedelta(days=1)
            found.append(_reason(checks["WITHIN_MINIMUM_PERIOD"],
                                 f"{event_id}: the minimum period of a {record.severity.value} record disclosed "
                                 f"from {record.disclosure_from.isoformat()} ends {last.isoformat()}; received "
                                 f"{received_on.isoformat()}, an application is possible from "
                                 f"{allowed_from.isoformat()}"))
        barred = [rule_id for rule_id in record.rule_ids if not pack.rule(rule_id).restorable]
        if barred:
            found.append(_reason(checks["NON_RESTORABLE_BY_LAW"],
                                 f"{event_id} grounds {', '.join(barred)}, which a law marks non-restorable"))
        if record.event_type in ARREARS_TYPES and event_id not in settled_on:
            found.append(_reason(checks["OBLIGATIONS_UNFULFILLED"],
                                 f"{event_id}: the overdue {record.event_type.value.split('_')[0].lower()} is not "
                                 f"settled on {day.isoformat()}"))
        same_kind = _newer_of_same_kind(record, evaluation.records, applied, day)
        if same_kind:
            found.append(_reason(checks["NEW_GROUND_OF_SAME_KIND"],
                                 f"{event_id}: {', '.join(same_kind)} of the same kind arose after it, on or before "
                                 f"{day.isoformat()}"))
    return found


def _newer_of_same_kind(record: Any, records: Iterable[Any], applied: set[str], day: date) -> list[str]:
    """Records (not in this application, not withdrawn) that arose after `record` up to `day`, grounding
    one of its rules (or, when it grounds none, of its event type)."""
    assert record.disclosure_from is not None
    rules = set(record.rule_ids)
    newer = []
    for other in records:
        if (other.event_id in applied or other.severity is None or other.withdrawn_on is not None
                or other.disclosure_from is None or not record.disclosure_from < other.disclosure_from <= day):
            continue
        if (rules & set(other.rule_ids)) if rules else (not other.rule_ids and other.event_type == record.event_type):
            newer.append(other.event_id)
    return newer


def _tier_findings(pack: RulePack, facts: EnterpriseFacts, received_on: date,
                   decided_at: datetime) -> list[tuple[ReviewOutcome, Reason]]:
    from shared.domain.rules import evaluate

    checks = pack.restoration.checks_by_id
    day = china_date(decided_at)
    evaluation = evaluate(facts, decided_at, pack)
    if evaluation.tier not in DOWNGRADED_TIERS:
        return [_reason(checks["NOT_DOWNGRADED"], f"the enterprise is {evaluation.tier.value} on {day.isoformat()}")]
    notice = evaluation.restoration_notice
    found = []
    if not notice.application_route:
        blocked = sorted({g.rule_id for g in notice.grounds if g.route.value == "NO_APPLICATION_ROUTE"})
        found.append(_reason(checks["NO_APPLICATION_ROUTE"],
                             f"{', '.join(blocked)} has no application route; automatic restoration "
                             f"{'on ' + notice.automatic_on.isoformat() if notice.automatic_on else 'only'}"))
    elif notice.earliest_application_on is not None and received_on < notice.earliest_application_on:
        found.append(_reason(checks["UPGRADE_WAITING_PERIOD"],
                             f"received {received_on.isoformat()}; the enterprise may apply from "
                             f"{notice.earliest_application_on.isoformat()}"))
    counted = count_events(facts.events, day, withdrawals=facts.withdrawals)
    unpaid = [e.event_id for e in counted.records if e.type in ARREARS_TYPES and e.event_id not in counted.settled_on]
    if unpaid:
        found.append(_reason(checks["ARREARS_UNPAID"],
                             f"unpaid on {day.isoformat()}: {', '.join(unpaid)} (the waiting period of D4/D5 "
                             f"counts from settlement)"))
    return found


def review(pack: RulePack, facts: EnterpriseFacts, kind: RestorationKind, event_ids: Sequence[str],
           documents: Sequence[DocumentLike], received_on: date, decided_at: datetime, *,
           officer_approval: bool = False) -> Review:
    """The review of one application at `decided_at` on `facts` (the enterprise's facts then).

    `officer_approval`: an officer approves an application sent to them; the documents were theirs to
    weigh, so only the conditions that refuse are checked again (none may be approved inside its
    minimum period, with unpaid arrears, ...)."""
    findings: list[tuple[ReviewOutcome, Reason]] = []
    if not officer_approval:
        findings += _document_findings(pack, kind, documents)
    if kind is RestorationKind.DISCLOSURE:
        findings += _disclosure_findings(pack, facts, event_ids, received_on, decided_at)
    else:
        findings += _tier_findings(pack, facts, received_on, decided_at)
    refused = tuple(r for outcome, r in findings if outcome is ReviewOutcome.REJECTED)
    day = china_date(decided_at)
    if refused:
        return Review(RestorationStatus.REJECTED, refused, day)
    officer = tuple(r for outcome, r in findings if outcome is ReviewOutcome.NEEDS_OFFICER)
    if officer:
        return Review(RestorationStatus.NEEDS_OFFICER, officer, day)
    return Review(RestorationStatus.APPROVED, (), day)


# ---------------------------------------------------------------------------------------------
# Approved applications as facts of the engine; upgrade decisions
# ---------------------------------------------------------------------------------------------

def restoration_facts(applications: Iterable[Mapping[str, Any]]
                      ) -> tuple[tuple[RecordRestoration, ...], tuple[TierFact, ...]]:
    """Approved applications (stored items) → the engine's `RecordRestoration`s and `UPGRADED` tier facts."""
    records: list[RecordRestoration] = []
    tiers: list[TierFact] = []
    for item in applications:
        if item.get("status") != RestorationStatus.APPROVED.value or not item.get("decided_at"):
            continue
        at = instant_of(str(item["decided_at"]))
        if item.get("kind") == RestorationKind.TIER.value:
            tiers.append(TierFact(TierFactKind.UPGRADED, at, fact_id=str(item["restoration_id"])))
        else:
            records.append(RecordRestoration(at, tuple(item.get("event_ids") or ()), str(item["restoration_id"])))
    return tuple(records), tuple(tiers)


def certification_bar_through(upgraded_on: date, pack: RulePack) -> date:
    """The last day of the certification bar an upgrade starts (12 months from the day after it)."""
    return last_day(upgraded_on, Period.months(pack.tier_restoration.certification_bar_months))


def upgrade_citations(evaluation: Any, pack: RulePack) -> list[dict[str, Any]]:
    """The grounds of a decision that lifts a downgrade (Arts 29-30): the approved upgrade (or the
    automatic clean period) that ended it, with the certification bar it starts. Empty otherwise.

    The bar is derivable from the decision: a decision with an `UPGRADE` or `AUTOMATIC_UPGRADE` ground
    bars certification through `certification_bar_through(china_date(effective_at))`."""
    transitions = evaluation.transitions
    if evaluation.tier in DOWNGRADED_TIERS or not transitions:
        return []
    last = transitions[-1]
    if last.cause.value not in ("UPGRADE", "AUTOMATIC_RESTORATION") or last.to_tier is not evaluation.tier:
        return []
    day = china_date(last.at)
    bar = certification_bar_through(day, pack)
    rules = pack.tier_restoration
    if last.cause.value == "UPGRADE":
        return [{"rule_id": "UPGRADE", "article": rules.article, "evidence": [last.reference],
                 "summary": f"Upgrade to {last.to_tier.value} approved on {day.isoformat()} by application "
                            f"{last.reference} (lifts {', '.join(last.rule_ids)}); certification is barred "
                            f"through {bar.isoformat()}"}]
    return [{"rule_id": "AUTOMATIC_UPGRADE", "article": rules.article, "evidence": list(last.evidence),
             "summary": f"Automatic upgrade to {last.to_tier.value} on {day.isoformat()}: {last.reference} "
                        f"(lifts {', '.join(last.rule_ids)}); certification is barred through {bar.isoformat()}"}]
