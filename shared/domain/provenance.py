"""Where a figure or a measure comes from: the provenance labels of the rule pack, with their meaning.

The article text of Order 282 was not available when the pack was written, so every figure says
where it comes from. The public answers carry the label and its meaning side by side
(`{"label": "B~", "meaning": "..."}`), never a bare marker; docs/rules.md prints this legend."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

PROVENANCE_LABELS: Final[dict[str, str]] = {
    "A": "Order 282 or its official interpretation",
    "B✓": "Order 251 (the previous order), confirmed against a published source",
    "B~": "Order 251 (the previous order), recalled, not confirmed against the text",
    "N": "the national credit-restoration framework",
    "C": "commentary",
    "H": "historical: earlier orders",
    "H✓": "historical: earlier orders, confirmed against a published source",
    "S~": "certification standards, recalled",
    "D": "a default chosen here where the sources are silent",
}


def provenance(labels: Iterable[str]) -> list[dict[str, str]]:
    """`[{label, meaning}]` for the given labels, in order; KeyError for a label without a meaning."""
    return [{"label": label, "meaning": PROVENANCE_LABELS[label]} for label in labels]


def legend() -> str:
    """One line per label, for documents: `[A] Order 282 or its official interpretation`."""
    return "\n".join(f"- [{label}] {meaning}" for label, meaning in PROVENANCE_LABELS.items())
