"""What an evaluation writes besides the tier: disclosure items and the clean-period due entry, and
the events they announce, in the same commit (hooked into `evaluation.evaluate_enterprise`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.outbox import BusEvent
from shared.domain.rules import Evaluation
from shared.usecases.certification.recertification_plan import planned_due_item as recertification_due_item
from shared.usecases.clean_period import planned_due_item
from shared.usecases.credit_file import EnterpriseItems
from shared.usecases.disclosure_sync import plan_disclosures


@dataclass(frozen=True)
class Extras:
    disclosures: list[tuple[dict[str, Any], int | None]]
    due_items: list[dict[str, Any]]
    outbox: list[BusEvent]


def extras_of(items: EnterpriseItems, name: str, evaluation: Evaluation, now: datetime) -> Extras:
    assert items.profile is not None
    uscc = items.profile["uscc"]
    plan = plan_disclosures(uscc, name, items.events, items.disclosures, evaluation.records, now)
    due = [d for d in (planned_due_item(uscc, evaluation, items.due),
                       recertification_due_item(uscc, evaluation.tier, items, now)) if d is not None]
    return Extras(plan.writes, due, [BusEvent(t, d) for t, d in plan.events])
