"""docs/rules.md is generated from the rule packs and must not go stale."""

from __future__ import annotations

from scripts.rules_doc import DOCUMENT, build_document
from shared.domain.rules import ORDER_282
from tests.unit.test_self_contained import OUTSIDE_NAMES


def test_committed_rules_document_matches_the_packs() -> None:
    # Given the packs as they are now, When the document is regenerated, Then it equals the committed one
    assert DOCUMENT.read_text() == build_document(), "docs/rules.md is stale: run `make rules-doc`"


def test_the_document_lists_every_rule_and_choice_and_points_nowhere_outside_the_repository() -> None:
    text = DOCUMENT.read_text()
    for rule in ORDER_282.grounds:
        assert f"### {rule.rule_id} — {rule.title}" in text
    for choice in ORDER_282.choices:
        assert f"### {choice.choice_id}" in text
    for outside in OUTSIDE_NAMES:
        assert outside not in text
