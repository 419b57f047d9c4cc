"""Test builders: credit events, facts and instants in a few words (Given ... steps)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from itertools import count
from typing import Any

from shared.domain.clock import CHINA_TZ
from shared.domain.credit_events import BusinessLine
from shared.domain.credit_events.model import CreditEvent
from shared.domain.rules import EnterpriseFacts, Evaluation, RulePack, TierFact, TierFactKind, evaluate
from shared.domain.tiers import Tier

USCC = "91110000600037341L"
OTHER_USCC = "91310000MA1FL0000N"
_ids = count(1)


def day(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str, hour: int = 12) -> datetime:
    """Noon CST (or `hour`) of a calendar day: an instant inside that day."""
    d = day(text)
    return datetime(d.year, d.month, d.day, hour, tzinfo=CHINA_TZ)


def event(etype: str, decided_on: str, *, event_id: str | None = None, line: str = "OWN_ACCOUNT",
          **fields: Any) -> CreditEvent:
    """A validated CreditEvent with the boring fields filled in."""
    return CreditEvent(
        event_id=event_id or f"ev-{next(_ids)}", uscc=fields.pop("uscc", USCC), type=etype, business_line=line,
        decided_on=decided_on, document_no=fields.pop("document_no", "海关缉违字〔2026〕1号"),
        authority=fields.pop("authority", "Shanghai Customs"), **fields,
    )


def fine(etype: str, decided_on: str, amount: str | int, **fields: Any) -> CreditEvent:
    return event(etype, decided_on, penalty_kind="FINE", amount_cny=str(amount), **fields)


def violation(decided_on: str, amount: str | int, *, line: str = "OWN_ACCOUNT", **fields: Any) -> CreditEvent:
    return fine("SUPERVISION_VIOLATION_PENALTY", decided_on, amount, line=line, **fields)


def tax_overdue(decided_on: str, due_on: str, amount: str | int = "5000.00", **fields: Any) -> CreditEvent:
    return event("TAX_OVERDUE", decided_on, due_on=due_on, amount_cny=str(amount), **fields)


def fine_overdue(decided_on: str, due_on: str, amount: str | int, **fields: Any) -> CreditEvent:
    return event("FINE_OVERDUE", decided_on, due_on=due_on, amount_cny=str(amount), **fields)


def settled(target: CreditEvent, decided_on: str, **fields: Any) -> CreditEvent:
    return event("ARREARS_SETTLED", decided_on, refers_to=target.event_id, **fields)


def revoked(target: CreditEvent, decided_on: str, **fields: Any) -> CreditEvent:
    return event("PENALTY_REVOKED", decided_on, refers_to=target.event_id, **fields)


def certified(tier: Tier, when: str, fact_id: str = "cert-1") -> TierFact:
    return TierFact(TierFactKind.CERTIFIED, at(when, 9), tier, fact_id)


def upgraded(when: str, fact_id: str = "upg-1") -> TierFact:
    return TierFact(TierFactKind.UPGRADED, at(when, 9), None, fact_id)


def withdrawn(when: str, fact_id: str = "wd-1") -> TierFact:
    return TierFact(TierFactKind.CERTIFICATE_WITHDRAWN, at(when, 9), None, fact_id)


def facts(*events: CreditEvent, volumes: Mapping[tuple[int, str], int] | None = None,
          tier_facts: tuple[TierFact, ...] = (), **extra: Any) -> EnterpriseFacts:
    return EnterpriseFacts(
        USCC, events=tuple(events),
        declaration_volumes={(year, BusinessLine(line)): n for (year, line), n in (volumes or {}).items()},
        tier_facts=tier_facts, **extra,
    )


def tier_on(when: str, *events: CreditEvent, pack: RulePack | None = None, **kw: Any) -> Tier:
    return evaluate(facts(*events, **kw), at(when), pack).tier


def evaluate_on(when: str, *events: CreditEvent, pack: RulePack | None = None, **kw: Any) -> Evaluation:
    return evaluate(facts(*events, **kw), at(when), pack)


def rule_ids(evaluation: Evaluation) -> list[str]:
    return [g.rule_id for g in evaluation.grounds]


def record(evaluation: Evaluation, event_id: str) -> Any:
    matches = [r for r in evaluation.records if r.event_id == event_id]
    assert len(matches) == 1, f"{event_id} not classified exactly once: {evaluation.records}"
    return matches[0]
