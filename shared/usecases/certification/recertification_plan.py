"""The RECERTIFICATION due item as the evaluation plans it (`planned_due_item`, hooked into
`evaluation_extras`): written when the tier becomes ACE/CE or its anchor changes, taken off the due
index when the tier leaves ACE/CE (see `recertification` for the schedule that consumes it). Apart
from the schedule's module so that the evaluation loads the certification domain only for ACE/CE
enterprises."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from shared.adapters import keys
from shared.domain.certification.statuses import CaseKind, CaseStatus
from shared.domain.clock import china_date, instant_of
from shared.domain.rules.registry import pack_for
from shared.domain.tiers import Tier
from shared.usecases.credit_file import EnterpriseItems

DUE_KIND = "RECERTIFICATION"
DUE_SK = f"DUE#{DUE_KIND}"


def due_sk(check_on: date, uscc: str) -> str:
    return keys.due_sk(check_on.isoformat(), uscc, DUE_KIND)



def certified_on(certifications: Iterable[Mapping[str, Any]], tier: Tier) -> date | None:
    """The CST day of the applied INITIAL approval that granted `tier` (the latest), None without one."""
    days = [china_date(instant_of(str(c["decided_at"]))) for c in certifications
            if c.get("kind") == CaseKind.INITIAL.value and c.get("status") == CaseStatus.APPROVED.value
            and c.get("outcome_applied") and c.get("decided_at") and c.get("target_tier") == tier.value]
    return max(days) if days else None


def planned_due_item(uscc: str, tier: Tier, items: EnterpriseItems, now: datetime) -> dict[str, Any] | None:
    """The enterprise's due item as an evaluation leaving it at `tier` must write it (None: no change)."""
    current = next((d for d in items.due if d["sk"] == DUE_SK), None)
    anchor = certified_on(items.certifications, tier) if tier.is_aeo else None
    base = {"pk": keys.enterprise_pk(uscc), "sk": DUE_SK, "entity": "DUE", "kind": DUE_KIND, "uscc": uscc,
            "tier": tier.value}
    if anchor is None:
        return None if current is None or "gsi2sk" not in current else base  # off the index
    if current is not None and "gsi2sk" in current and (current.get("tier"), current.get("certified_on")) == (
            tier.value, anchor.isoformat()):
        return None  # the schedule moves it from here
    # Only ACE/CE enterprises need the certification domain: the evaluation of every other loads none of it.
    from shared.domain.certification.recertification import next_check_on

    check_on = next_check_on(tier, anchor, anchor, pack_for(now).certification)
    assert check_on is not None
    return {**base, "certified_on": anchor.isoformat(), "check_on": check_on.isoformat(),
            "gsi2pk": keys.due_pk(DUE_KIND), "gsi2sk": due_sk(check_on, uscc)}
