"""`case-deadlines` and `annual-report-overdue` through their handlers under moto, with the template's
tables, bus rules and schedule targets: each mark is made once, whatever the clock did.

Today is 2026-11-20 (Friday, CST); a restoration received today has `decide_by` 2026-11-25."""

from __future__ import annotations

from typing import Any

from tests.integration.test_disclosures_api import bus_of, move, run
from tests.integration.test_registry_api import USCC, register
from tests.integration.test_registry_api import read as read_enterprise
from tests.integration.test_restorations_api import (
    DOCUMENTS,
    OFFICER,
    apply,
    decide,
    discredited_by_pen_1,
    extend,
    read,
)
from tests.support.apigw import api_event, json_body
from tests.support.template import resources

NEEDS_OFFICER_DOCUMENTS = [{"type": "COURT_RESTRUCTURING_ORDER", "reference": "(2026)京01破12号"}, DOCUMENTS[1]]
REPORT = {"contact": "compliance@example.cn", "business_summary": "Import of machinery parts"}


def waiting_for_an_officer(invoke: Any, deliver: Any) -> str:
    discredited_by_pen_1(invoke, deliver)
    restoration_id: str = json_body(apply(invoke, documents=NEEDS_OFFICER_DOCUMENTS))["restoration_id"]
    deliver()
    assert json_body(read(invoke, restoration_id, claims=OFFICER))["status"] == "NEEDS_OFFICER"
    return restoration_id


def missed(bus: Any) -> list[dict[str, Any]]:
    return bus_of(bus, "DeadlineMissed")


def test_the_schedules_target_their_functions_in_the_template() -> None:
    schedules = {r["Properties"]["Name"]: r["Properties"] for r in resources("AWS::Scheduler::Schedule").values()}
    assert schedules["case-deadlines"]["ScheduleExpression"] == "cron(40 0 * * ? *)"
    assert schedules["annual-report-overdue"]["ScheduleExpression"] == "cron(5 0 1 7 ? *)"


def test_an_undecided_restoration_is_marked_overdue_once_whatever_the_clock_did(
        invoke: Any, deliver: Any, bus: Any, clock: Any) -> None:
    restoration_id = waiting_for_an_officer(invoke, deliver)
    # When the schedule runs on decide_by itself, the application is in time
    move(clock, "2026-11-25T00:40")
    assert run(invoke, "case-deadlines")["marked"] == 0
    # And the day after, it is marked overdue and DeadlineMissed goes out
    move(clock, "2026-11-26T00:40")
    ran = run(invoke, "case-deadlines")
    assert (ran["due"], ran["marked"], ran["items_read"]) == (1, 1, 1)
    assert json_body(read(invoke, restoration_id, claims=OFFICER))["overdue"] is True
    # And a rerun, the clock moved back, then forward again, never marks it twice
    assert run(invoke, "case-deadlines")["due"] == 0
    move(clock, "2026-11-24T00:40")
    assert run(invoke, "case-deadlines")["due"] == 0
    move(clock, "2026-12-30T00:40")
    assert run(invoke, "case-deadlines")["due"] == 0
    assert missed(bus) == [{"schema_version": 1, "case_type": "RESTORATION", "case_id": restoration_id,
                            "uscc": USCC, "deadline_kind": "DECIDE_BY", "deadline": "2026-11-25"}]
    # And the officer can still decide it; it stays marked as overdue
    decided = decide(invoke, restoration_id, {"outcome": "APPROVED", "reasons": [{"detail": "order covers it"}]})
    assert json_body(decided)["overdue"] is True


def test_a_missed_run_loses_nothing(invoke: Any, deliver: Any, bus: Any, clock: Any) -> None:
    # Given no run between the deadline and a day weeks later
    restoration_id = waiting_for_an_officer(invoke, deliver)
    move(clock, "2027-01-15T00:40")
    # Then that day's run marks it
    assert run(invoke, "case-deadlines")["marked"] == 1
    assert [m["case_id"] for m in missed(bus)] == [restoration_id]


def test_an_application_decided_before_its_deadline_is_never_marked(invoke: Any, deliver: Any, bus: Any,
                                                                   clock: Any) -> None:
    restoration_id = waiting_for_an_officer(invoke, deliver)
    move(clock, "2026-11-25T16:00")  # decide_by, in the evening (CST)
    decide(invoke, restoration_id, {"outcome": "REJECTED", "reasons": [{"detail": "not covered"}]})
    move(clock, "2026-11-26T00:40")
    assert run(invoke, "case-deadlines")["due"] == 0
    assert json_body(read(invoke, restoration_id, claims=OFFICER))["overdue"] is False
    assert missed(bus) == []


def test_an_extension_moves_the_deadline_entry(invoke: Any, deliver: Any, bus: Any, clock: Any) -> None:
    restoration_id = waiting_for_an_officer(invoke, deliver)
    assert extend(invoke, restoration_id, {"reason": "court records", "working_days": 5})["statusCode"] == 200
    # decide_by moved to 2026-12-02: the old day is no longer due
    move(clock, "2026-11-26T00:40")
    assert run(invoke, "case-deadlines")["due"] == 0
    move(clock, "2026-12-03T00:40")
    assert run(invoke, "case-deadlines")["marked"] == 1
    assert [(m["case_id"], m["deadline"]) for m in missed(bus)] == [(restoration_id, "2026-12-02")]


def file_report(invoke: Any, year: int) -> dict[str, Any]:
    return invoke("ingestion", api_event("ingestion/post_annual_report", body={"year": year, **REPORT},
                                         headers={"Idempotency-Key": f"ar-{year}"}, path_params={"uscc": USCC}))


def overdue_years(invoke: Any) -> list[int]:
    response = read_enterprise(invoke, claims=OFFICER)
    assert response["statusCode"] == 200, response["body"]
    return json_body(response)["annual_report_overdue"]  # type: ignore[no-any-return]


def test_an_unfiled_report_is_marked_once_with_its_year_and_a_filed_one_is_not(
        invoke: Any, deliver: Any, clock: Any) -> None:
    # Given an enterprise registered 2026-11-20: its first report checked is 2026's (window closes 2027-06-30)
    register(invoke)
    assert overdue_years(invoke) == []
    # When 1 July 2027 comes without the 2026 report
    move(clock, "2027-06-30T00:05")
    assert run(invoke, "annual-report-overdue")["due"] == 0
    move(clock, "2027-07-01T00:05")
    ran = run(invoke, "annual-report-overdue")
    assert (ran["due"], ran["done"], ran["items_read"]) == (1, 1, 1)
    # Then the enterprise is marked for 2026, and the tier is unchanged
    assert overdue_years(invoke) == [2026]
    deliver()
    assert json_body(read_enterprise(invoke, claims=OFFICER))["credit"]["tier"] == "REGULAR"
    # And reruns, the clock back and forth, mark nothing more
    assert run(invoke, "annual-report-overdue")["due"] == 0
    move(clock, "2027-03-01T00:05")
    assert run(invoke, "annual-report-overdue")["due"] == 0
    # When the 2027 report is filed within its window
    move(clock, "2028-03-01T10:00")
    assert file_report(invoke, 2027)["statusCode"] == 201
    move(clock, "2028-07-01T00:05")
    ran = run(invoke, "annual-report-overdue")
    # Then the 2027 entry is consumed without a mark
    assert (ran["due"], ran["done"]) == (1, 0)
    assert overdue_years(invoke) == [2026]
    # And after two missed runs, one run marks both unfiled years, and a rerun nothing more
    move(clock, "2030-07-01T00:05")
    assert run(invoke, "annual-report-overdue")["done"] == 1
    assert run(invoke, "annual-report-overdue")["due"] == 0
    assert overdue_years(invoke) == [2026, 2028, 2029]
