"""Audit validation and scoring against the certification standard (Art 18).

An audit is a list of `{standard_id, result}` entries (see `standards` for what a category id
means). It must name every item of the target tier's standard exactly once. Errors carry `loc`
relative to the audit body (`["items", index, field]`); the route prefixes its own location.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain.certification.errors import InvalidAudit
from shared.domain.certification.standards import STANDARD_2026, ItemResult, StandardItem, expand, items_for
from shared.domain.rules.certification import CertificationRules
from shared.domain.tiers import Tier

_RESULTS = ", ".join(r.value for r in ItemResult)


def validate_audit(entries: Sequence[Mapping[str, Any]], target_tier: Tier,
                   catalogue: Sequence[StandardItem] = STANDARD_2026) -> dict[str, ItemResult]:
    """Item id -> result for every item of `target_tier`'s standard; `InvalidAudit` naming each bad
    field otherwise (unknown id, result outside the enum, an item named twice or left out)."""
    applicable = items_for(target_tier, catalogue)
    errors: list[dict[str, Any]] = []
    results: dict[str, ItemResult] = {}
    named_at: dict[str, int] = {}
    for index, entry in enumerate(entries):
        standard_id, raw = entry.get("standard_id"), entry.get("result")
        items = expand(standard_id, applicable) if isinstance(standard_id, str) else None
        if items is None:
            errors.append({"loc": ["items", index, "standard_id"],
                           "msg": f"{standard_id!r} names no item of the {target_tier.value} standard"})
        if not isinstance(raw, str) or raw not in ItemResult.__members__:
            errors.append({"loc": ["items", index, "result"], "msg": f"{raw!r} is not one of {_RESULTS}"})
            continue
        result = ItemResult(raw)
        for item in items or ():
            if item.standard_id in named_at:
                errors.append({"loc": ["items", index, "standard_id"],
                               "msg": f"{item.standard_id} is already assessed by items[{named_at[item.standard_id]}]"})
                continue
            named_at[item.standard_id] = index
            results[item.standard_id] = result
    missing = [item.standard_id for item in applicable if item.standard_id not in named_at]
    if missing and not errors:
        errors.append({"loc": ["items"], "msg": f"the audit leaves out {', '.join(missing)}"})
    if errors:
        raise InvalidAudit(f"{len(errors)} problem(s) in the audit; nothing was recorded", errors=errors)
    return results


@dataclass(frozen=True, slots=True)
class Score:
    total: int
    pass_mark: int
    counts: Mapping[ItemResult, int]
    disqualified_by: tuple[str, ...]  # items whose result fails the audit whatever the total

    @property
    def passed(self) -> bool:
        return not self.disqualified_by and self.total >= self.pass_mark

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "pass_mark": self.pass_mark, "passed": self.passed,
                "counts": {r.value: n for r, n in self.counts.items()},
                "disqualified_by": list(self.disqualified_by)}


def score(results: Mapping[str, ItemResult], target_tier: Tier, rules: CertificationRules) -> Score:
    """The total of `results` (from `validate_audit`) and whether it passes for `target_tier`."""
    counts = {r: sum(1 for v in results.values() if v is r) for r in ItemResult}
    total = rules.start_score - sum(rules.deductions[r] * n for r, n in counts.items())
    disqualified = tuple(i for i, r in results.items() if r in rules.disqualifying_results)
    return Score(total, rules.pass_mark(target_tier), counts, disqualified)
