"""What an evaluation writes besides the tier: disclosure items and the clean-period due entry, in the
same commit (hooked into `evaluation.evaluate_enterprise`), and the bus events published after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.rules import Evaluation
from shared.usecases.certification.recertification import planned_due_item as recertification_due_item
from shared.usecases.clean_period import planned_due_item
from shared.usecases.disclosure_sync import plan_disclosures
from shared.usecases.ports import EnterpriseItems, Stores


@dataclass(frozen=True)
class Extras:
    disclosures: list[tuple[dict[str, Any], int | None]]
    due_items: list[dict[str, Any]]
    after_commit: Callable[[], None]


def extras_of(stores: Stores, items: EnterpriseItems, name: str, evaluation: Evaluation, now: datetime) -> Extras:
    assert items.profile is not None
    uscc = items.profile["uscc"]
    plan = plan_disclosures(uscc, name, items.events, items.disclosures, evaluation.records, now)
    due = [d for d in (planned_due_item(uscc, evaluation, items.due),
                       recertification_due_item(uscc, evaluation.tier, items, now)) if d is not None]
    events = [*plan.events, *((p["detail_type"], p["detail"]) for d in plan.resend for p in d["pending_events"])]

    def after_commit() -> None:
        if not events:
            return
        for detail_type in dict.fromkeys(t for t, _ in events):
            stores.bus.publish(detail_type, [d for t, d in events if t == detail_type])
        stores.credit.clear_pending([item for item, _ in plan.writes if item.get("pending_events")] + plan.resend)

    return Extras(plan.writes, due, after_commit)
