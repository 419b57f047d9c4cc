"""Differentiated administrative measures per credit tier (Order 282 Art 32), as data.

Art 32 says customs applies differentiated measures to each of the five tiers and that GACC
issues the concrete measures separately [A]. Until that notice is loaded, the catalogue below
carries the Order 251 measures (ACE: 12 items, confirmed; DISCREDITED recalled, with the 80%
inspection figure from Order 237), CE as a subset of ACE (commentary, and a default), and SD as
the DISCREDITED measures plus joint punishment. Each measure's `source` says what it cites and
its `provenance` labels say how sure that is (`shared.domain.provenance`, legend in docs/rules.md).

The catalogue belongs to a rule pack (`RulePack.measures`); callers choose the pack in force
(`shared.domain.rules.pack_for(now)`) and read it with `measures_catalogue(pack)` (the body of
`GET /v1/measures`) or `measures_for(tier, pack)` (the `measures` of a credit view).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.domain.provenance import PROVENANCE_LABELS, provenance
from shared.domain.tiers import Tier

if TYPE_CHECKING:
    from shared.domain.rules.model import RulePack


@dataclass(frozen=True)
class Measure:
    measure_id: str
    description: str
    source: str
    """What the measure is taken from, in words (no labels)."""
    labels: tuple[str, ...]
    """Provenance labels of `source`, in the order of its parts (`PROVENANCE_LABELS`)."""
    article: str = "Art 32"

    def __post_init__(self) -> None:
        unknown = [label for label in self.labels if label not in PROVENANCE_LABELS]
        if unknown or not self.labels:
            raise ValueError(f"{self.measure_id}: provenance labels {list(self.labels)} (unknown: {unknown})")

    def to_dict(self) -> dict[str, Any]:
        return {"measure_id": self.measure_id, "description": self.description, "article": self.article,
                "source": self.source, "provenance": provenance(self.labels)}


@dataclass(frozen=True)
class MeasuresCatalogue:
    article: str
    source: str
    labels: tuple[str, ...]
    own: Mapping[Tier, tuple[Measure, ...]]  # measures listed for the tier itself
    inherits: Mapping[Tier, Tier]  # a tier that also gets every measure of another tier

    def for_tier(self, tier: Tier) -> tuple[Measure, ...]:
        """Inherited measures first (SD: the DISCREDITED measures), then the tier's own."""
        parent = self.inherits.get(tier)
        inherited = self.for_tier(parent) if parent is not None else ()
        return inherited + self.own.get(tier, ())


_ACE = "Order 251 ACE measure (etongguan); Order 282 Art 32 notice not yet loaded", ("B✓",)
_CE = ("commentary and news of the official interpretation; CE measures are a subset of ACE pending the "
       "Art 32 notice", ("C", "D"))
_DIS = "Order 251 discredited measure", ("B~",)

ORDER_282_MEASURES = MeasuresCatalogue(
    article="Art 32",
    source="Art 32: measures per tier are issued separately by GACC; until that notice, the Order 251 measures",
    labels=("A", "D"),
    own={
        Tier.ADVANCED_CERTIFIED: (
            Measure("ACE-01", "Average inspection rate below 20% of the REGULAR enterprises' average, "
                              "unless law or GACC provides otherwise", *_ACE),
            Measure("ACE-02", "Export origin-verification sampling below 20% of the average", *_ACE),
            Measure("ACE-03", "Priority handling of clearance and related procedures", *_ACE),
            Measure("ACE-04", "Priority recommendation for foreign registration (agricultural and food exporters)",
                    *_ACE),
            Measure("ACE-05", "May apply for a guarantee waiver", *_ACE),
            Measure("ACE-06", "Fewer audits and verifications", *_ACE),
            Measure("ACE-07", "May declare before export goods arrive in the customs-supervised area", *_ACE),
            Measure("ACE-08", "A customs coordinator is assigned", *_ACE),
            Measure("ACE-09", "Facilitation in AEO mutual-recognition partner economies (Art 8: AEO)",
                    "Art 8; Order 251", ("A", "B✓")),
            Measure("ACE-10", "Joint reward measures of other departments", *_ACE),
            Measure("ACE-11", "Priority clearance on resumption after force majeure", *_ACE),
            Measure("ACE-12", "Export food and cosmetics inspection sampling below 20% of REGULAR enterprises",
                    "GACC notice 署稽发〔2024〕36号 (ordoszxqy)", ("B✓",)),
            Measure("ACE-13", "Other measures published by GACC", *_ACE),
        ),
        Tier.CERTIFIED: (
            Measure("CE-01", "Inspection rate reduced below the REGULAR enterprises' average "
                             "(higher than for ADVANCED_CERTIFIED)", *_CE),
            Measure("CE-02", "Simplified procedures and priority handling of clearance", *_CE),
            Measure("CE-03", "Lower guarantees (no guarantee waiver unless GACC provides otherwise)",
                    "Brownstein 'lower guarantees'; a default", ("C", "D")),
            Measure("CE-04", "Facilitation in AEO mutual-recognition partner economies (Art 8: AEO)", "Art 8", ("A",)),
            Measure("CE-05", "Other measures published by GACC", *_CE),
        ),
        Tier.REGULAR: (
            Measure("REG-01", "Standard administrative measures: the regular inspection rate, guarantees and "
                              "procedures", "Order 251 'regular measures'", ("B~",)),
        ),
        Tier.DISCREDITED: (
            Measure("DIS-01", "Inspection rate of at least 80%", "Order 237; Order 251", ("H✓", "B~")),
            Measure("DIS-02", "Full guarantee for processing-trade business", *_DIS),
            Measure("DIS-03", "More audits and verifications", *_DIS),
            Measure("DIS-04", "Other measures published by GACC", *_DIS),
        ),
        Tier.SERIOUSLY_DISCREDITED: (
            Measure("SD-01", "Joint punishment by other departments under laws, regulations and State Council "
                             "documents (e.g. financing restrictions, procurement bans); entry on the Art 16 list",
                    "Art 16; Order 251; Brownstein", ("A", "B~", "C")),
        ),
    },
    inherits={Tier.SERIOUSLY_DISCREDITED: Tier.DISCREDITED},
)

_TIER_ORDER = (Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED, Tier.REGULAR, Tier.DISCREDITED,
               Tier.SERIOUSLY_DISCREDITED)


def measures_for(tier: Tier, pack: RulePack) -> tuple[Measure, ...]:
    """The measures an enterprise of `tier` is subject to under `pack`."""
    return pack.measures.for_tier(tier)


def measures_catalogue(pack: RulePack) -> dict[str, Any]:
    """The body of `GET /v1/measures`: every tier, best first, with its measures and their sources."""
    catalogue = pack.measures
    return {
        "rule_pack": pack.pack_id,
        "article": catalogue.article,
        "source": catalogue.source,
        "provenance": provenance(catalogue.labels),
        "tiers": [
            {
                "tier": tier.value,
                "is_aeo": tier.is_aeo,
                "inherits": catalogue.inherits[tier].value if tier in catalogue.inherits else None,
                "measures": [m.to_dict() for m in catalogue.for_tier(tier)],
            }
            for tier in _TIER_ORDER
        ],
    }
