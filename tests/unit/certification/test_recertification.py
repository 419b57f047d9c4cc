"""Re-certification due on a day (Arts 22-23): ACE every 5 years, CE by its yearly assessment; route."""

from __future__ import annotations

from datetime import date

from shared.domain.certification.case import Route
from shared.domain.certification.recertification import (
    DueRecertification,
    RecordFact,
    ReportFacts,
    Trigger,
    due_recertification,
)
from shared.domain.rules import ORDER_282, Severity
from shared.domain.tiers import Tier

RULES, REPORT_RULES = ORDER_282.certification, ORDER_282.annual_report
CERTIFIED_ON = date(2026, 5, 10)
ACE_OPENS = date(2031, 2, 9)  # 90 days before the 5-year anniversary 2031-05-10
REPORTS_FILED = ReportFacts(date(2020, 1, 1), {y: date(y + 1, 3, 1) for y in range(2020, 2031)})


def due(tier: Tier, today: date, records: tuple[RecordFact, ...] = (), reports: ReportFacts = REPORTS_FILED,
        opened: frozenset[str] = frozenset(), has_open_case: bool = False) -> DueRecertification | None:
    return due_recertification(tier=tier, certified_on=CERTIFIED_ON, records=records, reports=reports,
                               opened_cycles=opened, has_open_case=has_open_case, today=today,
                               rules=RULES, report_rules=REPORT_RULES)


def test_ace_case_opens_90_days_before_the_5_year_anniversary_not_a_day_earlier() -> None:
    assert due(Tier.ADVANCED_CERTIFIED, date(2031, 2, 8)) is None
    found = due(Tier.ADVANCED_CERTIFIED, ACE_OPENS)
    assert found is not None
    assert (found.cycle, found.opens_on, found.triggers) == ("ace-2031-05-10", ACE_OPENS, (Trigger.ACE_PERIODIC,))
    assert found.execution_name("91310000MA1FL0000X") == "recert-91310000MA1FL0000X-ace-2031-05-10"


def test_a_skipped_day_still_opens_the_cycle_once() -> None:
    late = due(Tier.ADVANCED_CERTIFIED, date(2031, 4, 1))
    assert late is not None
    assert late.cycle == "ace-2031-05-10"
    assert due(Tier.ADVANCED_CERTIFIED, date(2031, 4, 1), opened=frozenset({"ace-2031-05-10"})) is None
    assert due(Tier.ADVANCED_CERTIFIED, date(2031, 4, 1), has_open_case=True) is None


def test_the_second_ace_cycle_is_anchored_on_certification() -> None:
    opened = frozenset({"ace-2031-05-10"})
    assert due(Tier.ADVANCED_CERTIFIED, date(2036, 2, 9), opened=opened) is None  # 2036 is a leap year
    found = due(Tier.ADVANCED_CERTIFIED, date(2036, 2, 10), opened=opened)
    assert found is not None
    assert (found.cycle, found.cycle_start) == ("ace-2036-05-10", date(2031, 5, 10))


def test_ace_route_is_simplified_with_only_minor_records_and_every_report_filed() -> None:
    found = due(Tier.ADVANCED_CERTIFIED, ACE_OPENS, records=(RecordFact(Severity.MINOR, date(2028, 1, 1)),))
    assert found is not None
    assert found.route is Route.SIMPLIFIED


def test_ace_route_is_standard_with_a_general_record_in_the_cycle() -> None:
    found = due(Tier.ADVANCED_CERTIFIED, ACE_OPENS, records=(RecordFact(Severity.GENERAL, date(2028, 1, 1)),))
    assert found is not None
    assert found.route is Route.STANDARD
    before_cycle = due(Tier.ADVANCED_CERTIFIED, ACE_OPENS, records=(RecordFact(Severity.SERIOUS, date(2026, 5, 9)),))
    assert before_cycle is not None
    assert before_cycle.route is Route.SIMPLIFIED


def test_ace_route_is_standard_when_a_report_of_the_cycle_was_filed_late() -> None:
    late = ReportFacts(date(2020, 1, 1), {**REPORTS_FILED.filed_on, 2027: date(2028, 7, 1)})
    found = due(Tier.ADVANCED_CERTIFIED, ACE_OPENS, reports=late)
    assert found is not None
    assert found.route is Route.STANDARD


def test_ce_assessment_with_a_general_record_opens_a_standard_case_on_the_anniversary() -> None:
    records = (RecordFact(Severity.GENERAL, date(2026, 12, 1)),)
    assert due(Tier.CERTIFIED, date(2027, 5, 9), records=records) is None
    found = due(Tier.CERTIFIED, date(2027, 5, 10), records=records)
    assert found is not None
    assert (found.cycle, found.triggers, found.route) == ("ce-2027-05-10", (Trigger.CE_ASSESSMENT_RECORD,),
                                                          Route.STANDARD)


def test_ce_assessment_ignores_minor_records_and_records_before_its_period() -> None:
    assert due(Tier.CERTIFIED, date(2027, 5, 10), records=(RecordFact(Severity.MINOR, date(2026, 12, 1)),)) is None
    # the assessment period of 2027-05-10 is 2026-05-11..2027-05-10
    assert due(Tier.CERTIFIED, date(2027, 5, 10), records=(RecordFact(Severity.SERIOUS, date(2026, 5, 10)),)) is None
    assert due(Tier.CERTIFIED, date(2027, 5, 10), records=(RecordFact(Severity.SERIOUS, date(2026, 5, 11)),))


def test_ce_assessment_with_a_missed_annual_report_opens_a_case() -> None:
    # The 2025 report was due by 2026-06-30: missed from 2026-07-01, inside the 2027-05-10 assessment
    missed = ReportFacts(date(2020, 1, 1), {y: d for y, d in REPORTS_FILED.filed_on.items() if y != 2025})
    found = due(Tier.CERTIFIED, date(2027, 5, 10), reports=missed)
    assert found is not None
    assert found.triggers == (Trigger.CE_ASSESSMENT_ANNUAL_REPORT,)
    # the next assessment (2028-05-10) no longer sees it
    assert due(Tier.CERTIFIED, date(2028, 5, 10), reports=missed, opened=frozenset({"ce-2027-05-10"})) is None


def test_regular_enterprises_have_no_recertification() -> None:
    assert due(Tier.REGULAR, ACE_OPENS, records=(RecordFact(Severity.SERIOUS, date(2028, 1, 1)),)) is None
