"""Tier decisions as stored and as shown: every change of tier is a decision citing its rule pack,
its grounds (rule, article, evidence) and a restoration notice; the history answers any `as_of`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.domain.tiers import INITIAL_TIER, Tier

DECISION_FIELDS = ("decision_id", "uscc", "from_tier", "to_tier", "effective_at", "rule_pack", "grounds",
                   "explanation", "restoration_notice", "correction_of", "trigger")


def public_decision(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item.get(name) for name in DECISION_FIELDS if name in item}


def tier_at(decisions: Iterable[dict[str, Any]], as_of: datetime, created_at: datetime) -> tuple[Tier, datetime]:
    """The tier in force at `as_of` by the recorded decisions (what was official then), and since when.
    Stored instants are UTC ISO strings with `Z`, so they order as strings; two decisions in the same
    millisecond are ordered by their id, which carries the enterprise's version."""
    from shared.domain.clock import iso_instant

    cutoff = iso_instant(as_of)
    in_force = [d for d in decisions if d["effective_at"] <= cutoff]
    latest = max(in_force, key=lambda d: (d["effective_at"], d["decision_id"]), default=None)
    if latest is None:
        return INITIAL_TIER, created_at
    return Tier(latest["to_tier"]), datetime.fromisoformat(latest["effective_at"].replace("Z", "+00:00"))
