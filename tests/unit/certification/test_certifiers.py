"""Certifier assignment (Art 19): qualified, no relation in the last 3 years, deterministic choice."""

from __future__ import annotations

from datetime import date

from shared.domain.certification.certifiers import (
    DEMO_CERTIFIERS,
    Certifier,
    Relation,
    RelationKind,
    choose_certifiers,
    conflicting_relations,
)
from shared.domain.rules import ORDER_282

RULES = ORDER_282.certification
USCC = "91310000MA1FL0000X"
OTHER = "91110000600037341L"
DAY = date(2026, 5, 10)


def related(until: date | None, uscc: str = USCC, kind: RelationKind = RelationKind.AUDITED) -> Certifier:
    return Certifier("C-REL", "Related", True, (Relation(uscc, kind, until),))


def test_a_relation_ending_exactly_3_years_before_is_outside_the_window() -> None:
    # The last 3 years ending on 2026-05-10 are 2023-05-11..2026-05-10
    assert conflicting_relations(related(date(2023, 5, 10)), USCC, DAY, RULES) == ()


def test_a_relation_ending_one_day_later_is_a_conflict() -> None:
    assert len(conflicting_relations(related(date(2023, 5, 11)), USCC, DAY, RULES)) == 1


def test_a_lasting_relation_is_a_conflict_and_a_relation_with_another_enterprise_is_not() -> None:
    assert conflicting_relations(related(None, kind=RelationKind.EMPLOYED), USCC, DAY, RULES)
    assert conflicting_relations(related(date(2030, 1, 1)), USCC, DAY, RULES)
    assert not conflicting_relations(related(None, uscc=OTHER), USCC, DAY, RULES)


def test_two_eligible_certifiers_are_chosen_by_fewest_open_assignments_then_id() -> None:
    choice = choose_certifiers(DEMO_CERTIFIERS, USCC, DAY, RULES,
                               open_assignments={"CERT-001": 2, "CERT-002": 1, "CERT-004": 1})
    assert [c.certifier_id for c in choice.chosen] == ["CERT-003", "CERT-005"]
    assert choice.complete


def test_unqualified_and_conflicting_certifiers_are_excluded_with_a_reason() -> None:
    roster = (Certifier("A", "Unqualified", False), related(date(2025, 1, 1), kind=RelationKind.EMPLOYED),
              Certifier("B", "Free", True), Certifier("C", "Also free", True))
    choice = choose_certifiers(roster, USCC, DAY, RULES)
    assert [c.certifier_id for c in choice.chosen] == ["B", "C"]
    assert choice.excluded == {"A": "NOT_QUALIFIED", "C-REL": "CONFLICT_EMPLOYED"}


def test_fewer_than_two_eligible_chooses_none() -> None:
    roster = (Certifier("B", "Free", True), related(date(2024, 1, 1)))
    choice = choose_certifiers(roster, USCC, DAY, RULES)
    assert choice.chosen == ()
    assert not choice.complete
    # When the conflict ages out of the window / Then the same roster is enough
    assert choose_certifiers(roster, USCC, date(2027, 1, 2), RULES).complete


def test_six_qualified_demo_certifiers_without_relations() -> None:
    assert len({c.certifier_id for c in DEMO_CERTIFIERS}) == 6
    assert all(c.qualified and not c.relations and c.name for c in DEMO_CERTIFIERS)
    assert DEMO_CERTIFIERS[0].as_json() == {"certifier_id": "CERT-001", "name": "Wang Fang", "qualified": True,
                                            "relations": []}
