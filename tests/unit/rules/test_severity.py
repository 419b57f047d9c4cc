"""Record severity and disclosure windows (Arts 33-35): MINOR / GENERAL / SERIOUS."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.disclosure import classify
from shared.domain.rules import ORDER_282, DisclosureOverride, RecordRestoration, Severity
from tests.unit.rules.builders import (
    at,
    day,
    evaluate_on,
    event,
    facts,
    fine,
    record,
    revoked,
    tax_overdue,
    violation,
)


@pytest.mark.pins("CHOICE-SEVERITY-CLASSES")
def test_a_warning_is_minor_and_not_published() -> None:
    # Given a warning for a supervision violation
    warning = event("SUPERVISION_VIOLATION_PENALTY", "2026-06-01", penalty_kind="WARNING")
    # When classified / Then MINOR, not published, restorable at once, never disclosed
    c = record(evaluate_on("2026-06-02", warning), warning.event_id)
    assert (c.severity, c.published, c.restorable_from, c.disclosure_until) == (
        Severity.MINOR, False, day("2026-06-01"), None)
    assert not c.disclosed_on(day("2026-06-02"))
    assert c.status_on(day("2026-06-02")) == "NOT_PUBLISHED"


@pytest.mark.parametrize(("amount", "severity"), [("3000.00", Severity.MINOR), ("3000.01", Severity.GENERAL)])
def test_fine_up_to_3000_is_minor(amount: str, severity: Severity) -> None:
    # Given a supervision fine of 3,000.00 or 3,000.01 that grounds no rule
    penalty = violation("2026-06-01", amount)
    # When classified / Then MINOR up to 3,000, GENERAL above
    assert record(evaluate_on("2026-06-02", penalty), penalty.event_id).severity is severity


@pytest.mark.pins("CHOICE-DISCLOSURE-WINDOW")
def test_general_is_published_3_to_12_months_from_the_decision() -> None:
    # Given a GENERAL penalty decided 2026-06-01
    penalty = violation("2026-06-01", "50000.00")
    c = record(evaluate_on("2026-06-02", penalty), penalty.event_id)
    # Then disclosed from 2026-06-01 through 2027-06-01 (its last day),
    # off from 2027-06-02 (the exclusive end); restorable after 3 months (from 2026-09-02)
    assert (c.severity, c.published) == (Severity.GENERAL, True)
    assert (c.disclosure_from, c.restorable_from, c.disclosure_until) == (
        day("2026-06-01"), day("2026-09-02"), day("2027-06-02"))
    assert c.last_disclosed_on == day("2027-06-01")
    assert c.disclosed_on(day("2026-06-01"))
    assert c.disclosed_on(day("2027-06-01"))
    assert not c.disclosed_on(day("2026-05-31"))
    assert not c.disclosed_on(day("2027-06-02"))
    assert c.status_on(day("2027-06-01")) == "DISCLOSED"
    assert c.status_on(day("2027-06-02")) == "EXPIRED"


@pytest.mark.pins("CHOICE-SEVERITY-CLASSES")
def test_other_and_confiscation_penalties_are_general() -> None:
    # Given an OTHER penalty and a confiscation of 1,000 / Then both GENERAL (not a warning, not a small fine)
    other = event("SUPERVISION_VIOLATION_PENALTY", "2026-06-01", penalty_kind="OTHER")
    confiscation = event("SUPERVISION_VIOLATION_PENALTY", "2026-06-01", penalty_kind="CONFISCATION",
                         amount_cny="1000.00")
    result = evaluate_on("2026-06-02", other, confiscation)
    assert record(result, other.event_id).severity is Severity.GENERAL
    assert record(result, confiscation.event_id).severity is Severity.GENERAL


def test_serious_is_published_12_to_36_months() -> None:
    # Given an S2 fine decided 2026-06-01
    penalty = fine("SOLID_WASTE_IMPORT_PENALTY", "2026-06-01", "3000000.00")
    c = record(evaluate_on("2026-06-02", penalty), penalty.event_id)
    # Then SERIOUS: restorable from 2027-06-02, shown through 2029-06-01, off from 2029-06-02
    assert (c.severity, c.restorable_from, c.disclosure_until, c.rule_ids) == (
        Severity.SERIOUS, day("2027-06-02"), day("2029-06-02"), ("S2",))


def test_a_law_setting_another_period_wins() -> None:
    # Given a GENERAL penalty with an override of 6 / 24 months
    penalty = violation("2026-06-01", "50000.00")
    override = DisclosureOverride("Law X Art 9", min_months=6, max_months=24)
    # When classified
    c = record(evaluate_on("2026-06-02", penalty, disclosure_overrides={penalty.event_id: override}),
               penalty.event_id)
    # Then the override's periods apply (counted the same way) and its basis is named
    assert (c.restorable_from, c.disclosure_until, c.override_basis) == (
        day("2026-12-02"), day("2028-06-02"), "Law X Art 9")


def test_an_override_can_publish_a_minor_record() -> None:
    # Given a warning a law says to publish for 3 months
    warning = event("SUPERVISION_VIOLATION_PENALTY", "2026-06-01", penalty_kind="WARNING")
    override = DisclosureOverride("Regulation Y", published=True, max_months=3)
    c = record(evaluate_on("2026-06-02", warning, disclosure_overrides={warning.event_id: override}),
               warning.event_id)
    # Then it is disclosed through 2026-09-01 (off from 2026-09-02)
    assert (c.severity, c.published, c.disclosure_until) == (Severity.MINOR, True, day("2026-09-02"))


@pytest.mark.pins("CHOICE-DISCLOSURE-WINDOW")
def test_revocation_ends_disclosure_as_withdrawn() -> None:
    # Given a GENERAL penalty revoked on 2026-08-01
    penalty = violation("2026-06-01", "50000.00")
    revocation = revoked(penalty, "2026-08-01")
    # When classified after the revocation
    c = record(evaluate_on("2026-08-02", penalty, revocation), penalty.event_id)
    # Then it keeps its class but disclosure ended on the revocation day, as WITHDRAWN
    assert (c.severity, c.withdrawn_on, c.ends_as) == (Severity.GENERAL, day("2026-08-01"), "WITHDRAWN")
    assert c.disclosed_on(day("2026-07-31"))
    assert not c.disclosed_on(day("2026-08-01"))


@pytest.mark.pins("CHOICE-DISCLOSURE-WINDOW")
def test_approved_restoration_ends_disclosure_as_restored() -> None:
    # Given a GENERAL penalty whose restoration was approved on 2026-09-05
    penalty = violation("2026-06-01", "50000.00")
    restoration = RecordRestoration(at("2026-09-05", 10), (penalty.event_id,), "rst-1")
    c = record(evaluate_on("2026-09-06", penalty, record_restorations=(restoration,)), penalty.event_id)
    # Then disclosure ended as RESTORED that day, and the record is kept
    assert (c.restored_on, c.ends_as, c.status_on(day("2026-09-05"))) == (day("2026-09-05"), "RESTORED", "RESTORED")
    # ... but not before the restoration was decided
    before = record(evaluate_on("2026-09-04", penalty, record_restorations=(restoration,)), penalty.event_id)
    assert before.restored_on is None
    assert before.disclosed_on(day("2026-09-04"))


def test_classify_alone_agrees_with_the_evaluation() -> None:
    # Given facts with a D3 window and an overdue tax
    small, big = violation("2026-04-01", "2000.00"), violation("2026-04-10", "1000000.00")
    tax = tax_overdue("2026-02-01", "2026-01-31")
    f = facts(small, big, tax)
    evaluation = evaluate_on("2026-06-01", small, big, tax)
    # When each record is classified on its own / Then the same classification
    for e in (small, big, tax):
        assert classify(e, f, ORDER_282, at("2026-06-01")) == record(evaluation, e.event_id)


def test_classify_as_the_facts_stand_uses_the_latest_decision_date() -> None:
    # Given an overdue tax whose threshold (2026-05-01) is after every decision date in the facts
    tax = tax_overdue("2026-02-01", "2026-01-31")
    # When classified without an instant / Then it is not (yet) a record
    assert classify(tax, facts(tax), ORDER_282).severity is None
    # ... and with an instant after the threshold it is
    assert classify(tax, facts(tax), ORDER_282, day("2026-05-01")).severity is Severity.GENERAL


def test_restorable_never_before_the_minimum_period() -> None:
    # Given records of each class / Then restorable_from - disclosure_from >= the class minimum
    events = (violation("2026-01-31", "50000.00"), event("SMUGGLING_CRIME", "2026-01-31"),
              event("SUPERVISION_VIOLATION_PENALTY", "2026-01-31", penalty_kind="WARNING"))
    for c in evaluate_on("2026-03-01", *events).records:
        assert c.restorable_from is not None
        assert c.disclosure_from is not None
        minimum = {Severity.MINOR: 0, Severity.GENERAL: 89, Severity.SERIOUS: 365}[c.severity]
        assert c.restorable_from - c.disclosure_from >= timedelta(days=minimum)
