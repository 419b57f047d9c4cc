"""Certifiers of a case (Art 19): qualified, and without a conflict of interest.

A certifier has a conflict with an enterprise on a day when one of its relations with that
enterprise (employed by it, or audited it) lasted into the rolling window of `conflict_months`
ending on that day (`periods.window_first_day`): a relation whose `until` is exactly 3 years
before the day is outside the window (no conflict), one day later it is inside. A relation
without an end, or ending in the future, is a conflict.

The choice is deterministic: eligible certifiers ordered by open assignments, then id; the first
`certifiers_per_case` are chosen. With fewer eligible, none is chosen and the case waits
(`AWAITING_CERTIFIERS`) until the roster changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from shared.domain.periods import Period, window_first_day
from shared.domain.rules.certification import CertificationRules


class RelationKind(StrEnum):
    EMPLOYED = "EMPLOYED"  # worked for the enterprise
    AUDITED = "AUDITED"  # audited the enterprise


@dataclass(frozen=True, slots=True)
class Relation:
    uscc: str
    kind: RelationKind
    until: date | None  # last day of the relation; None: still lasting


@dataclass(frozen=True, slots=True)
class Certifier:
    certifier_id: str
    name: str
    qualified: bool
    relations: tuple[Relation, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"certifier_id": self.certifier_id, "name": self.name, "qualified": self.qualified,
                "relations": [{"uscc": r.uscc, "kind": r.kind.value,
                               "until": r.until.isoformat() if r.until else None} for r in self.relations]}


def conflicting_relations(certifier: Certifier, uscc: str, day: date,
                          rules: CertificationRules) -> tuple[Relation, ...]:
    """The relations of `certifier` with `uscc` that fall within the conflict window ending on `day`."""
    window_start = window_first_day(day, Period.months(rules.conflict_months))
    return tuple(r for r in certifier.relations
                 if r.uscc == uscc and (r.until is None or r.until >= window_start))


@dataclass(frozen=True, slots=True)
class CertifierChoice:
    chosen: tuple[Certifier, ...]  # empty when fewer than the required number are eligible
    excluded: Mapping[str, str]  # certifier id -> why it cannot serve on this case

    @property
    def complete(self) -> bool:
        return bool(self.chosen)


def choose_certifiers(roster: Iterable[Certifier], uscc: str, day: date, rules: CertificationRules,
                      open_assignments: Mapping[str, int] | None = None) -> CertifierChoice:
    """The certifiers assigned to a case of `uscc` on `day`, or none (the case waits)."""
    load = open_assignments or {}
    eligible: list[Certifier] = []
    excluded: dict[str, str] = {}
    for certifier in roster:
        if not certifier.qualified:
            excluded[certifier.certifier_id] = "NOT_QUALIFIED"
        elif conflicts := conflicting_relations(certifier, uscc, day, rules):
            excluded[certifier.certifier_id] = f"CONFLICT_{conflicts[0].kind.value}"
        else:
            eligible.append(certifier)
    eligible.sort(key=lambda c: (load.get(c.certifier_id, 0), c.certifier_id))
    if len(eligible) < rules.certifiers_per_case:
        return CertifierChoice((), excluded)
    return CertifierChoice(tuple(eligible[:rules.certifiers_per_case]), excluded)


# The local runtime's seed roster (README lists it): six qualified certifiers, no relations.
DEMO_CERTIFIERS: tuple[Certifier, ...] = (
    Certifier("CERT-001", "Wang Fang", True),
    Certifier("CERT-002", "Li Wei", True),
    Certifier("CERT-003", "Zhang Min", True),
    Certifier("CERT-004", "Liu Yang", True),
    Certifier("CERT-005", "Chen Jing", True),
    Certifier("CERT-006", "Zhao Lei", True),
)
