"""Tier decisions as stored and as shown: every change of tier is a decision citing its rule pack,
its grounds (rule, article, evidence) and a restoration notice; the history answers any `as_of`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.domain.clock import instant_of
from shared.domain.tiers import INITIAL_TIER, Tier

DECISION_FIELDS = ("decision_id", "uscc", "from_tier", "to_tier", "grounds_since", "effective_at", "rule_pack",
                   "grounds", "explanation", "restoration_notice", "correction_of", "trigger")


def grounds_since(decision: dict[str, Any]) -> str | None:
    """When what the decision cites arose (stored as `ground_since` before the field was renamed)."""
    value = decision.get("grounds_since", decision.get("ground_since"))
    return None if value is None else str(value)


def public_decision(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item.get(name) for name in DECISION_FIELDS if name in item} | {"grounds_since": grounds_since(item)}


def decision_in_force(decisions: Iterable[dict[str, Any]], as_of: datetime) -> dict[str, Any] | None:
    """The latest decision that had taken effect at `as_of` (None: no decision yet, REGULAR from the start).
    Stored instants are UTC ISO strings with `Z`, so they order as strings; two decisions in the same
    millisecond are ordered by their id, whose number grows with each decision of the enterprise."""
    from shared.domain.clock import iso_instant

    cutoff = iso_instant(as_of)
    in_force = [d for d in decisions if d["effective_at"] <= cutoff]
    return max(in_force, key=lambda d: (d["effective_at"], d["decision_id"]), default=None)


def tier_at(decisions: Iterable[dict[str, Any]], as_of: datetime, created_at: datetime) -> tuple[Tier, datetime]:
    """The tier in force at `as_of` by the recorded decisions (what was official then), and since when
    it took effect (the decision's `effective_at`, or `created_at` before any decision)."""
    latest = decision_in_force(decisions, as_of)
    if latest is None:
        return INITIAL_TIER, created_at
    return Tier(latest["to_tier"]), instant_of(latest["effective_at"])
