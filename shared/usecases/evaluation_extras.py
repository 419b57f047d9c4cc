"""What an evaluation writes besides the tier: disclosure items and the clean-period due entry, in the
same transaction (hooked into `evaluation.evaluate_enterprise`), and the bus events published after
the commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.adapters.bus import publish
from shared.adapters.credit_store import EnterpriseItems
from shared.adapters.disclosure_store import clear_pending, write_items
from shared.domain.rules import Evaluation
from shared.usecases.clean_period import planned_due_item
from shared.usecases.disclosure_sync import plan_disclosures


def extra_writes(table: str, items: EnterpriseItems, name: str, evaluation: Evaluation,
                 now: datetime) -> tuple[list[dict[str, Any]], Callable[[], None]]:
    """(transaction items, what to do after the commit)."""
    assert items.profile is not None
    uscc = items.profile["uscc"]
    plan = plan_disclosures(uscc, name, items.events, items.disclosures, evaluation.records, now)
    writes = write_items(table, plan.writes)
    due = planned_due_item(uscc, evaluation, items.due)
    if due is not None:
        writes.append({"Put": {"TableName": table, "Item": _to_item(due)}})
    events = [*plan.events, *((p["detail_type"], p["detail"]) for d in plan.resend for p in d["pending_events"])]

    def after_commit() -> None:
        if not events:
            return
        for detail_type in dict.fromkeys(t for t, _ in events):
            publish(detail_type, [d for t, d in events if t == detail_type])
        clear_pending([item for item, _ in plan.writes if item.get("pending_events")] + plan.resend, table)

    return writes, after_commit


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    from shared.adapters.dynamodb import to_item

    return to_item(values)
