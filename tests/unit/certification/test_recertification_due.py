"""`recertification-due` (shared.usecases.certification.recertification) on in-memory stores: the due
item the evaluation keeps for an ACE/CE enterprise, the case each run opens (once, whatever the clock
did), the route, the CE assessment, and a failed re-certification downgrading to REGULAR."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from shared.domain.certification.case import Action, Outcome
from shared.domain.certification.certifiers import DEMO_CERTIFIERS
from shared.domain.clock import CHINA_TZ, FixedClock
from shared.domain.content import canonical_content
from shared.domain.enterprise import RegistrationData
from shared.domain.tiers import Tier
from shared.usecases.certification import cases, roster, steps
from shared.usecases.certification.recertification import DUE_SK, run_recertification_due
from shared.usecases.enterprises import register_enterprise
from shared.usecases.evaluation import evaluate_enterprise
from shared.usecases.ports import FilingKind
from shared.usecases.stores import Stores
from tests.support.memory_certifications import MemoryDueIndex
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import USCC, event

CERTIFIED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 CST: certified_on 2026-11-20
ACE_OPENS = date(2031, 11, 20) - timedelta(days=90)  # 2031-08-22
ALL_MET = [{"standard_id": c, "result": "MET"} for c in
           ("INTERNAL_CONTROL", "FINANCIAL_STATUS", "LEGAL_COMPLIANCE", "TRADE_SECURITY")]
ONE_NOT_MET = [{**ALL_MET[0], "result": "NOT_MET"}, *ALL_MET[1:]]


def at_cst(day: date, hour: int = 1) -> datetime:
    return datetime.combine(day, time(hour), CHINA_TZ).astimezone(UTC)


def drive(stores: Stores, clock: FixedClock, case_id: str, audit: list[dict[str, str]], outcome: Outcome) -> None:
    """The workflow's steps and the officers' actions, as the state machine runs them."""
    assert steps.eligibility(stores, clock, case_id)["eligible"] is True
    steps.assign(stores, clock, case_id)
    steps.wait(stores, clock, case_id, Action.AUDIT, f"audit-{case_id}")
    cases.record_audit(stores, clock, case_id, audit, "officer")
    steps.wait(stores, clock, case_id, Action.DECIDE, f"decide-{case_id}")
    cases.decide(stores, clock, case_id, outcome, ["decided"], "officer")
    steps.outcome(stores, clock, case_id)
    evaluate_enterprise(stores, clock, USCC, trigger="ReevaluationRequested")


def certified(tier: Tier) -> tuple[Stores, Memory]:
    memory = Memory()
    stores = memory_stores(memory)
    clock = FixedClock(CERTIFIED_AT)
    register_enterprise(stores, clock, RegistrationData(
        uscc=USCC, name="Example Trading Co.", registration_status="REGISTERED",
        business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01"))
    for certifier in DEMO_CERTIFIERS:
        roster.add_certifier(stores, clock, certifier, "officer")
    drive(stores, clock, cases.apply(stores, clock, USCC, tier, ALL_MET, "ent")["case_id"], ALL_MET, Outcome.APPROVED)
    assert memory.profiles[USCC]["tier"] == tier.value
    return stores, memory


def file_reports(memory: Memory, years: range) -> None:
    for year in years:
        memory.filings[(USCC, FilingKind.ANNUAL_REPORT, str(year))] = {
            "filed_at": f"{year + 1}-03-01T02:00:00+00:00", "content_hash": str(year)}


def run(stores: Stores, memory: Memory, day: date) -> dict[str, Any]:
    return run_recertification_due(stores, FixedClock(at_cst(day)), MemoryDueIndex(memory.due)).to_dict()


def recert_cases(memory: Memory) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in memory.certification.cases.items() if k.startswith("RECERT-")}


def test_certification_puts_the_enterprise_on_the_index_at_its_first_opening_day() -> None:
    _stores, memory = certified(Tier.ADVANCED_CERTIFIED)
    item = memory.due[USCC][DUE_SK]
    assert (item["certified_on"], item["check_on"]) == ("2026-11-20", ACE_OPENS.isoformat())
    assert item["gsi2sk"] == f"{ACE_OPENS.isoformat()}#{USCC}#RECERTIFICATION"


def test_an_ace_case_opens_90_days_before_the_anniversary_once_whatever_the_clock_did() -> None:
    stores, memory = certified(Tier.ADVANCED_CERTIFIED)
    assert run(stores, memory, ACE_OPENS - timedelta(days=1))["due"] == 0
    ran = run(stores, memory, ACE_OPENS)
    assert (ran["due"], ran["done"], ran["items_read"]) == (1, 1, 1)
    (case,) = recert_cases(memory).values()
    assert case["case_id"] == f"RECERT-{USCC}-ace-2031-11-20"
    assert (case["kind"], case["target_tier"], case["status"]) == ("RECERTIFICATION", "ADVANCED_CERTIFIED", "RECEIVED")
    assert (case["triggers"], case["clock"]["received_on"]) == (["ACE_PERIODIC"], ACE_OPENS.isoformat())
    assert case["route"] == "STANDARD"  # no annual report was filed in the cycle
    assert list(memory.workflows.started) == [f"cert-{USCC}-001", f"recert-{USCC}-ace-2031-11-20"]
    # The entry moved to the next cycle's opening day: a rerun, the clock back, then forward, open nothing more
    assert memory.due[USCC][DUE_SK]["check_on"] == (date(2036, 11, 20) - timedelta(days=90)).isoformat()
    for day in (ACE_OPENS, ACE_OPENS - timedelta(days=30), ACE_OPENS + timedelta(days=60)):
        assert run(stores, memory, day)["due"] == 0
    assert len(recert_cases(memory)) == 1
    assert len(memory.workflows.started) == 2


@pytest.mark.pins("CHOICE-RECERTIFICATION-ANCHOR-AND-RECEIPT")
def test_a_missed_run_opens_the_cycle_on_the_next_one() -> None:
    stores, memory = certified(Tier.ADVANCED_CERTIFIED)
    assert run(stores, memory, ACE_OPENS + timedelta(days=45))["done"] == 1
    (case,) = recert_cases(memory).values()
    late = ACE_OPENS + timedelta(days=45)
    assert (case["due_on"], case["clock"]["received_on"]) == (ACE_OPENS.isoformat(), late.isoformat())


def test_every_report_filed_and_no_record_above_minor_is_the_simplified_route() -> None:
    stores, memory = certified(Tier.ADVANCED_CERTIFIED)
    file_reports(memory, range(2021, 2031))
    run(stores, memory, ACE_OPENS)
    (case,) = recert_cases(memory).values()
    assert case["route"] == "SIMPLIFIED"


@pytest.mark.pins("CHOICE-RECERTIFICATION-ASSESSMENT-FACTS")
def test_the_ce_assessment_opens_a_case_only_on_a_missed_report() -> None:
    stores, memory = certified(Tier.CERTIFIED)
    assert memory.due[USCC][DUE_SK]["check_on"] == "2027-11-20"
    file_reports(memory, range(2021, 2026))
    # The 2027-11-20 assessment: the 2026 report (overdue from 2027-07-01) was filed in time: no case
    file_reports(memory, range(2026, 2027))
    ran = run(stores, memory, date(2027, 11, 20))
    assert (ran["due"], ran["done"]) == (1, 0)
    assert memory.due[USCC][DUE_SK]["check_on"] == "2028-11-20"
    # The 2028-11-20 assessment: the 2027 report was never filed: a STANDARD case
    assert run(stores, memory, date(2028, 11, 20))["done"] == 1
    (case,) = recert_cases(memory).values()
    assert (case["case_id"], case["triggers"], case["route"]) == (
        f"RECERT-{USCC}-ce-2028-11-20", ["CE_ASSESSMENT_ANNUAL_REPORT"], "STANDARD")


@pytest.mark.pins("CHOICE-RECERTIFICATION-WAITS-FOR-OPEN-CASE")
def test_an_open_case_keeps_the_cycle_due_until_it_closes() -> None:
    stores, memory = certified(Tier.CERTIFIED)
    clock = FixedClock(at_cst(date(2027, 11, 1), 10))
    upgrade = cases.apply(stores, clock, USCC, Tier.ADVANCED_CERTIFIED, ALL_MET, "ent")["case_id"]
    ran = run(stores, memory, date(2028, 11, 20))  # no 2027 report: due, but the ACE application is open
    assert (ran["due"], ran["done"], recert_cases(memory)) == (1, 0, {})
    assert memory.due[USCC][DUE_SK]["check_on"] == "2027-11-20"  # stays due
    cases.withdraw(stores, clock, upgrade, "ent")
    assert run(stores, memory, date(2028, 11, 21))["done"] == 1


def test_a_failed_recertification_downgrades_to_regular_and_leaves_the_index() -> None:
    stores, memory = certified(Tier.ADVANCED_CERTIFIED)
    run(stores, memory, ACE_OPENS)
    (case_id,) = recert_cases(memory)
    drive(stores, FixedClock(at_cst(ACE_OPENS + timedelta(days=20), 10)), case_id, ONE_NOT_MET, Outcome.REJECTED)
    assert memory.profiles[USCC]["tier"] == "REGULAR"
    assert memory.decisions[USCC][-1]["to_tier"] == "REGULAR"
    assert "gsi2sk" not in memory.due[USCC][DUE_SK]
    assert run(stores, memory, date(2040, 1, 1))["due"] == 0


@pytest.mark.pins("CHOICE-RECERTIFICATION-ASSESSMENT-FACTS")
@pytest.mark.parametrize(("penalty_kind", "opened"), [("CONFISCATION", True), ("FINE", False)])
def test_the_ce_assessment_opens_a_case_on_a_general_record_not_on_a_minor_one(penalty_kind: str,
                                                                                opened: bool) -> None:
    stores, memory = certified(Tier.CERTIFIED)
    file_reports(memory, range(2021, 2027))
    penalty = event("SUPERVISION_VIOLATION_PENALTY", "2027-05-01", penalty_kind=penalty_kind,
                    amount_cny="1000.00")  # a small FINE is MINOR
    memory.events.setdefault(USCC, {})[penalty.event_id] = {**canonical_content(penalty), "content_hash": "h",
                                                           "received_at": "2027-05-02T02:00:00Z"}
    assert run(stores, memory, date(2027, 11, 20))["done"] == int(opened)
    if opened:
        (case,) = recert_cases(memory).values()
        assert (case["triggers"], case["route"]) == (["CE_ASSESSMENT_RECORD"], "STANDARD")
