"""The restoration review (Arts 36-40) and upgrade applications (Arts 29-30): every condition at its
boundary, the statutory clock, and invariants over generated histories."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.credit_events import ARREARS_TYPES
from shared.domain.credit_events.model import CreditEvent
from shared.domain.periods import Period, first_day_after
from shared.domain.restoration import (
    certification_bar_through,
    deadlines,
    restoration_facts,
    review,
    upgrade_citations,
)
from shared.domain.restoration_kinds import RestorationKind, RestorationStatus
from shared.domain.restoration_requests import Document, RestorationApplication
from shared.domain.rules import ORDER_282, DisclosureOverride, EnterpriseFacts, evaluate
from shared.domain.rules.counting import count_events
from shared.domain.rules.facts import TierFactKind
from tests.unit.rules.builders import at, day, event, facts, fine, settled, tax_overdue

PROOF = Document(type="FULFILMENT_PROOF", reference="p")
LETTER = Document(type="COMMITMENT_LETTER", reference="l")
COURT = Document(type="COURT_RESTRUCTURING_ORDER", reference="c")
OTHER = Document(type="OTHER", reference="o")
BOTH = (PROOF, LETTER)


def smuggling(decided_on: str, event_id: str = "PEN-1") -> CreditEvent:
    return fine("SMUGGLING_PENALTY", decided_on, "250000.00", event_id=event_id)


def restore(history: EnterpriseFacts, event_ids: tuple[str, ...], received: str, documents: Any = BOTH,
            decided: str | None = None, pack: Any = ORDER_282, **kwargs: Any) -> Any:
    return review(pack, history, RestorationKind.DISCLOSURE, event_ids, documents, day(received),
                  at(decided or received), **kwargs)


def upgrade(history: EnterpriseFacts, received: str, documents: Any = BOTH, decided: str | None = None) -> Any:
    return review(ORDER_282, history, RestorationKind.TIER, (), documents, day(received), at(decided or received))


def rule_ids(result: Any) -> list[str]:
    return [r.rule_id for r in result.reasons]


# -- minimum period (counting periods, shared/domain/periods.py) ---------------------------------------------------

def test_general_record_is_refused_on_the_last_day_of_its_minimum_period_and_approved_the_day_after() -> None:
    history = facts(smuggling("2026-04-15"))
    refused = restore(history, ("PEN-1",), "2026-07-15")
    assert (refused.status, rule_ids(refused)) == (RestorationStatus.REJECTED, ["WITHIN_MINIMUM_PERIOD"])
    assert refused.reasons[0].article == "Arts 36-40"
    assert "ends 2026-07-15" in refused.reasons[0].detail
    assert "from 2026-07-16" in refused.reasons[0].detail
    assert restore(history, ("PEN-1",), "2026-07-16").status is RestorationStatus.APPROVED


def test_the_minimum_period_counts_from_receipt_not_from_the_decision() -> None:
    history = facts(smuggling("2026-04-15"))
    assert restore(history, ("PEN-1",), "2026-07-15", decided="2026-07-20").status is RestorationStatus.REJECTED


def test_serious_record_minimum_is_12_months() -> None:
    history = facts(event("SMUGGLING_CRIME", "2026-04-15", event_id="CRIME-1"))
    assert rule_ids(restore(history, ("CRIME-1",), "2027-04-15")) == ["WITHIN_MINIMUM_PERIOD"]
    assert restore(history, ("CRIME-1",), "2027-04-16").status is RestorationStatus.APPROVED


def test_a_month_end_minimum_period_ends_on_the_last_day_of_the_month() -> None:
    history = facts(smuggling("2026-11-30"))
    assert rule_ids(restore(history, ("PEN-1",), "2027-02-28")) == ["WITHIN_MINIMUM_PERIOD"]
    assert restore(history, ("PEN-1",), "2027-03-01").status is RestorationStatus.APPROVED


def test_the_review_refuses_exactly_until_the_records_restorable_from_day_a_laws_period_included() -> None:
    # Given a GENERAL record whose minimum period a law sets at 6 months (ends 2026-10-15)
    history = facts(smuggling("2026-04-15"),
                    disclosure_overrides={"PEN-1": DisclosureOverride("Law X Art 9", min_months=6)})
    restorable_from = evaluate(history, at("2026-05-01")).records[0].restorable_from
    assert restorable_from == day("2026-10-16")
    # Then the review refuses on the day before (the period's last day) and approves from that day
    assert rule_ids(restore(history, ("PEN-1",), "2026-10-15")) == ["WITHIN_MINIMUM_PERIOD"]
    assert restore(history, ("PEN-1",), "2026-10-16").status is RestorationStatus.APPROVED


def test_a_minor_record_is_restorable_on_its_decision_day() -> None:
    history = facts(event("SUPERVISION_VIOLATION_PENALTY", "2026-05-10", event_id="W-1", penalty_kind="WARNING"))
    assert restore(history, ("W-1",), "2026-05-10").status is RestorationStatus.APPROVED


# -- documents ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("documents", "status", "reasons"),
    [
        ((PROOF, LETTER), RestorationStatus.APPROVED, []),
        ((LETTER, PROOF, OTHER), RestorationStatus.APPROVED, []),
        ((PROOF,), RestorationStatus.REJECTED, ["DOCUMENTS_MISSING"]),
        ((LETTER,), RestorationStatus.REJECTED, ["DOCUMENTS_MISSING"]),
        ((), RestorationStatus.REJECTED, ["DOCUMENTS_MISSING"]),
        ((COURT, LETTER), RestorationStatus.NEEDS_OFFICER, ["COURT_RESTRUCTURING_ORDER"]),
        ((COURT, PROOF, LETTER), RestorationStatus.APPROVED, []),
        ((COURT,), RestorationStatus.REJECTED, ["DOCUMENTS_MISSING"]),
        ((OTHER, LETTER), RestorationStatus.NEEDS_OFFICER, ["OTHER_DOCUMENTS_ONLY"]),
        ((OTHER,), RestorationStatus.NEEDS_OFFICER, ["OTHER_DOCUMENTS_ONLY"]),
    ],
)
def test_documents(documents: tuple[Document, ...], status: RestorationStatus, reasons: list[str]) -> None:
    result = restore(facts(smuggling("2026-04-15")), ("PEN-1",), "2026-08-01", documents)
    assert (result.status, rule_ids(result)) == (status, reasons)


def test_a_refusing_condition_wins_over_needing_an_officer_and_every_refusal_is_listed() -> None:
    result = restore(facts(smuggling("2026-04-15")), ("PEN-1",), "2026-07-01", (OTHER,))
    assert (result.status, rule_ids(result)) == (RestorationStatus.REJECTED, ["WITHIN_MINIMUM_PERIOD"])
    result = restore(facts(smuggling("2026-04-15")), ("PEN-1",), "2026-07-01", (PROOF,))
    assert rule_ids(result) == ["DOCUMENTS_MISSING", "WITHIN_MINIMUM_PERIOD"]


def test_an_officer_approval_rechecks_only_the_refusing_conditions() -> None:
    history = facts(smuggling("2026-04-15"))
    assert restore(history, ("PEN-1",), "2026-08-01", (OTHER,), officer_approval=True).status \
        is RestorationStatus.APPROVED
    assert restore(history, ("PEN-1",), "2026-07-01", (OTHER,), officer_approval=True).status \
        is RestorationStatus.REJECTED


# -- non-restorable, obligations, new ground, not a record -----------------------------------------

def test_a_record_whose_rule_a_law_marks_non_restorable_is_refused() -> None:
    pack = ORDER_282.with_rule("D2", restorable=False)
    result = restore(facts(smuggling("2026-04-15")), ("PEN-1",), "2026-08-01", pack=pack)
    assert (result.status, rule_ids(result)) == (RestorationStatus.REJECTED, ["NON_RESTORABLE_BY_LAW"])
    assert result.reasons[0].article == "Art 40"
    assert restore(facts(smuggling("2026-04-15")), ("PEN-1",), "2026-08-01").status is RestorationStatus.APPROVED


def test_unsettled_arrears_among_the_records_are_refused_until_paid() -> None:
    tax = tax_overdue("2026-01-10", "2026-01-31", event_id="TAX-1")  # D4 from 2026-05-01
    unpaid = restore(facts(tax), ("TAX-1",), "2026-09-01")
    assert rule_ids(unpaid) == ["OBLIGATIONS_UNFULFILLED"]
    paid = facts(tax, settled(tax, "2026-08-31"))
    assert restore(paid, ("TAX-1",), "2026-09-01").status is RestorationStatus.APPROVED
    # paid after receipt but on or before the decision day: fulfilled when decided
    late = facts(tax, settled(tax, "2026-09-02"))
    assert restore(late, ("TAX-1",), "2026-09-01", decided="2026-09-02").status is RestorationStatus.APPROVED
    assert rule_ids(restore(late, ("TAX-1",), "2026-09-01", decided="2026-09-01")) == ["OBLIGATIONS_UNFULFILLED"]


def test_a_new_ground_of_the_same_kind_before_the_decision_is_refused() -> None:
    history = facts(smuggling("2026-04-15"), smuggling("2026-07-20", "PEN-2"))
    result = restore(history, ("PEN-1",), "2026-07-16", decided="2026-07-20")
    assert (result.status, rule_ids(result)) == (RestorationStatus.REJECTED, ["NEW_GROUND_OF_SAME_KIND"])
    assert "PEN-2" in result.reasons[0].detail
    # the day before it arose the application is approved
    assert restore(history, ("PEN-1",), "2026-07-16", decided="2026-07-19").status is RestorationStatus.APPROVED


def test_a_new_record_of_another_kind_does_not_refuse() -> None:
    history = facts(smuggling("2026-04-15"), fine("OBSTRUCTION_PENALTY", "2026-07-18", "5000.00", event_id="OB-1"))
    assert restore(history, ("PEN-1",), "2026-07-16", decided="2026-07-20").status is RestorationStatus.APPROVED


def test_records_applied_for_together_are_not_new_grounds_of_each_other() -> None:
    history = facts(smuggling("2026-04-15"), smuggling("2026-04-20", "PEN-2"))
    assert restore(history, ("PEN-1", "PEN-2"), "2026-08-01").status is RestorationStatus.APPROVED


def test_a_record_already_ended_or_never_a_record_cannot_be_restored() -> None:
    tax = tax_overdue("2026-01-10", "2026-01-31", event_id="TAX-1")
    paid_in_time = facts(tax, settled(tax, "2026-03-01"))
    assert rule_ids(restore(paid_in_time, ("TAX-1",), "2026-09-01")) == ["NOT_A_DISCLOSED_RECORD"]
    expired = facts(smuggling("2025-04-15"))
    assert rule_ids(restore(expired, ("PEN-1",), "2026-05-01")) == ["NOT_A_DISCLOSED_RECORD"]


# -- upgrade on application (Arts 29-30) ----------------------------------------------------------

def test_an_upgrade_is_possible_from_the_notices_earliest_application_day() -> None:
    history = facts(smuggling("2026-04-15"))
    earliest = evaluate(history, at("2026-05-01")).restoration_notice.earliest_application_on
    assert earliest is not None
    before = (earliest - timedelta(days=1)).isoformat()
    refused = upgrade(history, before)
    assert (refused.status, rule_ids(refused)) == (RestorationStatus.REJECTED, ["UPGRADE_WAITING_PERIOD"])
    assert refused.reasons[0].article == "Arts 29-30"
    assert upgrade(history, earliest.isoformat()).status is RestorationStatus.APPROVED


@pytest.mark.parametrize(("etype", "months"), [("SMUGGLING_PENALTY", 12), ("OBSTRUCTION_PENALTY", 12)])
def test_waiting_periods_of_the_rule_pack(etype: str, months: int) -> None:
    history = facts(fine(etype, "2026-04-15", "50000.00"))
    notice = evaluate(history, at("2026-05-01")).restoration_notice
    assert notice.earliest_application_on is not None
    assert notice.earliest_application_on == first_day_after(day("2026-04-15"), Period.months(months))


@pytest.mark.parametrize("etype", ["SMUGGLING_CRIME", "BRIBERY"])
def test_d1_and_d7_have_no_application_route(etype: str) -> None:
    result = upgrade(facts(event(etype, "2026-04-15")), "2028-01-01")
    assert rule_ids(result) == ["NO_APPLICATION_ROUTE"]


def test_d4_counts_from_settlement_and_unpaid_arrears_refuse() -> None:
    tax = tax_overdue("2026-01-10", "2026-01-31", event_id="TAX-1")  # D4 from 2026-05-01
    assert rule_ids(upgrade(facts(tax), "2026-12-01")) == ["ARREARS_UNPAID"]
    paid = facts(tax, settled(tax, "2026-08-01"))
    earliest = evaluate(paid, at("2026-09-01")).restoration_notice.earliest_application_on
    assert earliest is not None
    assert earliest >= day("2026-11-01")
    assert rule_ids(upgrade(paid, (earliest - timedelta(days=1)).isoformat())) == ["UPGRADE_WAITING_PERIOD"]
    assert upgrade(paid, earliest.isoformat()).status is RestorationStatus.APPROVED


def test_no_upgrade_with_any_unpaid_arrears_even_one_not_yet_grounding() -> None:
    other_tax = tax_overdue("2027-05-01", "2027-05-10", event_id="TAX-2")
    result = upgrade(facts(smuggling("2026-04-15"), other_tax), "2027-06-01")
    assert (result.status, rule_ids(result)) == (RestorationStatus.REJECTED, ["ARREARS_UNPAID"])


def test_seriously_discredited_may_apply_after_12_months() -> None:
    history = facts(fine("SOLID_WASTE_IMPORT_PENALTY", "2026-04-15", "3000000.00"))
    assert evaluate(history, at("2026-05-01")).tier.value == "SERIOUSLY_DISCREDITED"
    assert rule_ids(upgrade(history, "2027-01-15")) == ["UPGRADE_WAITING_PERIOD"]
    assert upgrade(history, "2027-06-01").status is RestorationStatus.APPROVED


def test_an_enterprise_not_downgraded_has_nothing_to_upgrade() -> None:
    assert rule_ids(upgrade(facts(), "2026-06-01")) == ["NOT_DOWNGRADED"]


# -- clock -------------------------------------------------------------------------------------------

def test_deadlines_around_the_national_day_holiday() -> None:
    clock = deadlines(day("2026-09-30"), ORDER_282)
    assert (clock.decide_by, clock.respond_by, clock.provisional) == (day("2026-10-10"), day("2026-10-20"), False)
    extended = deadlines(day("2026-09-30"), ORDER_282, 3)
    assert (extended.decide_by, extended.respond_by) == (day("2026-10-14"), day("2026-10-23"))


def test_the_day_of_receipt_does_not_count() -> None:
    clock = deadlines(day("2026-11-20"), ORDER_282)  # a Friday
    assert (clock.decide_by, clock.respond_by) == (day("2026-11-25"), day("2026-12-04"))


def test_a_year_the_calendar_does_not_know_is_provisional() -> None:
    clock = deadlines(day("2099-06-01"), ORDER_282)
    assert clock.provisional
    assert clock.decide_by == day("2099-06-04")  # Monday 1 June: Tue, Wed, Thu


def test_an_extension_beyond_the_pack_maximum_is_refused() -> None:
    with pytest.raises(ValueError, match="1-10"):
        deadlines(day("2026-09-30"), ORDER_282, 11)


# -- application shape -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "body",
    [
        {"kind": "DISCLOSURE"},
        {"kind": "DISCLOSURE", "event_ids": []},
        {"kind": "DISCLOSURE", "event_ids": ["A", "A"]},
        {"kind": "TIER", "event_ids": ["A"]},
        {"kind": "DISCLOSURE", "event_ids": ["A"], "documents": [{"type": "RECEIPT", "reference": "x"}]},
        {"kind": "UPGRADE"},
    ],
)
def test_bad_applications_fail_validation(body: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        RestorationApplication(uscc="91110000600037341L", **body)


# -- approved applications as engine facts; upgrade decisions ---------------------------------------

def test_only_approved_applications_become_facts() -> None:
    items = [
        {"restoration_id": "R1", "kind": "DISCLOSURE", "status": "APPROVED", "decided_at": "2026-08-01T02:00:00.000Z",
         "event_ids": ["PEN-1"]},
        {"restoration_id": "R2", "kind": "TIER", "status": "APPROVED", "decided_at": "2027-05-01T02:00:00.000Z"},
        {"restoration_id": "R3", "kind": "DISCLOSURE", "status": "REJECTED", "decided_at": "2026-08-01T02:00:00.000Z",
         "event_ids": ["PEN-2"]},
        {"restoration_id": "R4", "kind": "TIER", "status": "NEEDS_OFFICER"},
    ]
    records, tiers = restoration_facts(items)
    assert [(r.restoration_id, r.event_ids) for r in records] == [("R1", ("PEN-1",))]
    assert [(t.kind, t.fact_id) for t in tiers] == [(TierFactKind.UPGRADED, "R2")]


def test_an_approved_record_restoration_ends_its_disclosure_as_restored() -> None:
    records, _ = restoration_facts([{"restoration_id": "R1", "kind": "DISCLOSURE", "status": "APPROVED",
                                     "decided_at": "2026-08-01T02:00:00.000Z", "event_ids": ["PEN-1"]}])
    history = EnterpriseFacts(facts(smuggling("2026-04-15")).uscc, events=(smuggling("2026-04-15"),),
                              record_restorations=records)
    (record,) = evaluate(history, at("2026-08-02")).records
    assert (record.ends_as, record.restored_on) == ("RESTORED", day("2026-08-01"))
    assert evaluate(history, at("2026-08-02")).tier.value == "DISCREDITED"  # a record restoration is no upgrade


def test_an_approved_upgrade_is_cited_with_the_certification_bar() -> None:
    _, tiers = restoration_facts([{"restoration_id": "R2", "kind": "TIER", "status": "APPROVED",
                                   "decided_at": "2027-05-01T02:00:00.000Z"}])
    history = EnterpriseFacts(facts().uscc, events=(smuggling("2026-04-15"),), tier_facts=tiers)
    evaluation = evaluate(history, at("2027-05-02"))
    assert evaluation.tier.value == "REGULAR"
    (citation,) = upgrade_citations(evaluation, ORDER_282)
    assert (citation["rule_id"], citation["article"], citation["evidence"]) == ("UPGRADE", "Arts 29-30", ["R2"])
    assert "through 2028-05-01" in citation["summary"]
    assert certification_bar_through(day("2027-05-01"), ORDER_282) == day("2028-05-01")
    assert upgrade_citations(evaluate(history, at("2027-04-30")), ORDER_282) == []


# -- invariants ----------------------------------------------------------------------------------------

_DAYS = st.integers(min_value=0, max_value=900).map(lambda n: date(2026, 4, 1) + timedelta(days=n))


@st.composite
def histories(draw: st.DrawFn) -> tuple[EnterpriseFacts, list[str]]:
    events: list[CreditEvent] = []
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        decided = draw(_DAYS)
        kind = draw(st.sampled_from(["SMUGGLING_PENALTY", "WARNING", "TAX", "FINE_SMALL"]))
        event_id = f"E-{index}"
        if kind == "TAX":
            due = decided + timedelta(days=draw(st.integers(min_value=0, max_value=40)))
            tax = tax_overdue(decided.isoformat(), due.isoformat(), event_id=event_id)
            events.append(tax)
            if draw(st.booleans()):
                paid = due + timedelta(days=draw(st.integers(min_value=0, max_value=300)))
                events.append(settled(tax, paid.isoformat(), event_id=f"S-{index}"))
        elif kind == "WARNING":
            events.append(event("SUPERVISION_VIOLATION_PENALTY", decided.isoformat(), event_id=event_id,
                                penalty_kind="WARNING"))
        elif kind == "FINE_SMALL":
            events.append(fine("SUPERVISION_VIOLATION_PENALTY", decided.isoformat(), "2000.00", event_id=event_id))
        else:
            events.append(smuggling(decided.isoformat(), event_id))
    ids = [e.event_id for e in events if e.type.value != "ARREARS_SETTLED"]
    return facts(*events), ids


def _unpaid(history: EnterpriseFacts, on: date) -> set[str]:
    counted = count_events(history.events, on)
    return {e.event_id for e in counted.records if e.type in ARREARS_TYPES and e.event_id not in counted.settled_on}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.data())
def test_no_restoration_is_approved_inside_its_minimum_period_or_with_unpaid_arrears(
        case: tuple[EnterpriseFacts, list[str]], data: st.DataObject) -> None:
    history, ids = case
    chosen = tuple(data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)))
    received = data.draw(_DAYS)
    decided = received + timedelta(days=data.draw(st.integers(min_value=0, max_value=5)))
    result = review(ORDER_282, history, RestorationKind.DISCLOSURE, chosen, BOTH, received, at(decided.isoformat()))
    if result.status is not RestorationStatus.APPROVED:
        assert result.reasons
        return
    records = {r.event_id: r for r in evaluate(history, at(decided.isoformat())).records}
    unpaid = _unpaid(history, decided)
    for event_id in chosen:
        record = records[event_id]
        assert record.severity is not None
        assert record.disclosure_from is not None
        minimum = ORDER_282.severity_rules[record.severity].min_months
        if minimum is not None:
            assert received >= first_day_after(record.disclosure_from, Period.months(minimum))
        assert event_id not in unpaid


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), _DAYS)
def test_no_upgrade_is_approved_with_unpaid_arrears_or_before_its_earliest_day(
        case: tuple[EnterpriseFacts, list[str]], received: date) -> None:
    history, _ = case
    result = review(ORDER_282, history, RestorationKind.TIER, (), BOTH, received, at(received.isoformat()))
    if result.status is RestorationStatus.APPROVED:
        notice = evaluate(history, at(received.isoformat())).restoration_notice
        assert notice.downgraded
        assert notice.earliest_application_on is not None
        assert received >= notice.earliest_application_on
        assert _unpaid(history, received) == set()
