"""The certification standard's items (Arts 17-18): four categories, items per target tier.

A `standard_id` is either an item id (`CATEGORY.n`) or a category id alone. A category id stands
for every item of that category that applies to the case's target tier: in an audit,
`{"standard_id": "FINANCIAL_STATUS", "result": "MET"}` gives each of those items that result (and
each is scored). An audit may not name an item twice, directly or through its category.

The item list paraphrases the published outline of the 2026 standards (label [S~] in the
regulation research: unverified, illustrative); replace it with the official annex when known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.domain.tiers import Tier


class StandardCategory(StrEnum):
    INTERNAL_CONTROL = "INTERNAL_CONTROL"
    FINANCIAL_STATUS = "FINANCIAL_STATUS"
    LEGAL_COMPLIANCE = "LEGAL_COMPLIANCE"
    TRADE_SECURITY = "TRADE_SECURITY"


class ItemResult(StrEnum):
    MET = "MET"
    BASICALLY_MET = "BASICALLY_MET"
    NOT_MET = "NOT_MET"


CERTIFIED_TIERS = frozenset({Tier.CERTIFIED, Tier.ADVANCED_CERTIFIED})
_BOTH = CERTIFIED_TIERS
_ACE = frozenset({Tier.ADVANCED_CERTIFIED})


@dataclass(frozen=True, slots=True)
class StandardItem:
    standard_id: str
    category: StandardCategory
    text: str
    applies_to: frozenset[Tier]

    def as_json(self) -> dict[str, Any]:
        return {"standard_id": self.standard_id, "category": self.category.value, "text": self.text,
                "applies_to": sorted(t.value for t in self.applies_to)}


def _items(category: StandardCategory, *entries: tuple[str, frozenset[Tier]]) -> tuple[StandardItem, ...]:
    return tuple(StandardItem(f"{category.value}.{n}", category, text, tiers)
                 for n, (text, tiers) in enumerate(entries, start=1))


C = StandardCategory
STANDARD_2026: tuple[StandardItem, ...] = (
    *_items(C.INTERNAL_CONTROL,
            ("A customs compliance function with a named customs affairs head and trained staff", _BOTH),
            ("Declarations, filing lists and manifests traceable to contracts, invoices and goods", _BOTH),
            ("Information systems that keep import and export data complete and auditable", _BOTH),
            ("Review of prohibited, restricted and dual-use items before declaration", _BOTH),
            ("Internal audit of customs affairs at least once a year, with corrective action", _ACE)),
    *_items(C.FINANCIAL_STATUS,
            ("Solvency: at least 2 of the 4 solvency indicators met", _BOTH),
            ("Profitability: at least 2 of the 5 profitability indicators met", _BOTH),
            ("Financial statements audited by an accounting firm with an unqualified opinion", _ACE)),
    *_items(C.LEGAL_COMPLIANCE,
            ("No criminal or administrative penalty for smuggling in the last year", _BOTH),
            ("Related persons (legal representative, heads, declarants) without customs crime", _BOTH),
            ("Taxes, fines and fees paid when due", _BOTH),
            ("Annual credit reports filed within their window", _BOTH)),
    *_items(C.TRADE_SECURITY,
            ("Premises: access control and surveillance of loading and storage areas", _BOTH),
            ("Cargo and containers: seals, inspection and tamper evidence", _BOTH),
            ("Personnel: background checks for security-sensitive posts", _BOTH),
            ("Business partners: security requirements assessed and contracted", _ACE)),
)
del C


def items_for(target_tier: Tier, catalogue: Iterable[StandardItem] = STANDARD_2026) -> tuple[StandardItem, ...]:
    """The items an application for `target_tier` is assessed against, in catalogue order."""
    if target_tier not in CERTIFIED_TIERS:
        raise ValueError(f"no certification standard for {target_tier.value}")
    return tuple(item for item in catalogue if target_tier in item.applies_to)


def standards_listing(target_tier: Tier | None = None,
                      catalogue: Iterable[StandardItem] = STANDARD_2026) -> dict[str, Any]:
    """The body of `GET /v1/certification-standards?target_tier=`: every item, or those of one tier."""
    items = tuple(catalogue) if target_tier is None else items_for(target_tier, catalogue)
    return {"target_tier": target_tier.value if target_tier else None,
            "categories": [c.value for c in StandardCategory],
            "items": [item.as_json() for item in items]}


def expand(standard_id: str, applicable: Iterable[StandardItem]) -> tuple[StandardItem, ...] | None:
    """The items `standard_id` names among `applicable`: one item, a category's items, or None when
    it names nothing (unknown, or an item of another tier)."""
    by_id: Mapping[str, StandardItem] = {item.standard_id: item for item in applicable}
    if standard_id in by_id:
        return (by_id[standard_id],)
    if standard_id in StandardCategory.__members__:
        return tuple(item for item in by_id.values() if item.category.value == standard_id)
    return None
