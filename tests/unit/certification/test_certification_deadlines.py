"""Certification cases on `case-deadlines` (shared.usecases.certification.deadlines): the case item
carries its DECIDE_BY entry while its clock runs; a run after `decide_by` marks it overdue and announces
it once per deadline, whatever the clock did."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.certification.clock import SuspensionReason
from shared.domain.clock import CHINA_TZ, FixedClock
from shared.domain.enterprise import RegistrationData
from shared.domain.tiers import Tier
from shared.usecases.case_deadlines import run_case_deadlines
from shared.usecases.certification import cases, steps
from shared.usecases.certification.deadlines import CertificationDeadlines
from shared.usecases.enterprises import register_enterprise
from shared.usecases.stores import Stores
from tests.support.memory_certifications import MemoryCaseIndex
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import USCC

RECEIVED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
DECIDE_BY = date(2027, 2, 18)  # 90 days after 2026-11-20
ALL_MET = [{"standard_id": c, "result": "MET"} for c in
           ("INTERNAL_CONTROL", "FINANCIAL_STATUS", "LEGAL_COMPLIANCE", "TRADE_SECURITY")]


def at_cst(day: date, hour: int = 0, minute: int = 40) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC)


def opened() -> tuple[Stores, Memory, str]:
    memory = Memory()
    stores = memory_stores(memory)
    clock = FixedClock(RECEIVED)
    register_enterprise(stores, clock, RegistrationData(
        uscc=USCC, name="Example Trading Co.", registration_status="REGISTERED",
        business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01"))
    return stores, memory, str(cases.apply(stores, clock, USCC, Tier.CERTIFIED, ALL_MET, "ent")["case_id"])


def run(stores: Stores, memory: Memory, day: date) -> dict[str, Any]:
    ports = {"CERTIFICATION": CertificationDeadlines(stores.certifications)}
    return run_case_deadlines(FixedClock(at_cst(day)), MemoryCaseIndex(memory.certification), ports).to_dict()


def missed(memory: Memory) -> list[dict[str, Any]]:
    return [d for t, d in memory.published if t == "DeadlineMissed"]


def test_receipt_puts_the_case_on_the_index_at_the_day_after_decide_by() -> None:
    _stores, memory, case_id = opened()
    assert memory.certification.cases[case_id]["gsi2sk"] == (
        f"2027-02-19#{USCC}#CERTIFICATION#{case_id}#DECIDE_BY")


@pytest.mark.pins("CHOICE-CERTIFICATION-OVERDUE")
def test_a_suspension_takes_the_case_off_the_index_and_the_resumption_moves_it() -> None:
    stores, memory, case_id = opened()
    clock = FixedClock(at_cst(date(2027, 2, 1), 10))
    cases.suspend(stores, clock, case_id, SuspensionReason.VERIFICATION, "officer")
    assert "gsi2sk" not in memory.certification.cases[case_id]
    assert run(stores, memory, DECIDE_BY + timedelta(days=5))["due"] == 0  # suspended: never overdue
    clock.advance(timedelta(days=10))
    resumed = cases.resume(stores, clock, case_id, "officer")
    assert resumed["clock"]["decide_by"] == "2027-02-28"
    assert memory.certification.cases[case_id]["gsi2sk"].startswith("2027-03-01#")
    # Marked once on the moved deadline; overdue stays true; the officer can still decide
    assert run(stores, memory, date(2027, 3, 1))["marked"] == 1
    view = cases.get_case(stores, case_id, at_cst(date(2027, 3, 2), 10))
    assert (view["overdue"], view["status"]) == (True, "RECEIVED")
    assert [m["deadline"] for m in missed(memory)] == ["2027-02-28"]
    assert view["history"][-1]["what"] == "DECIDE_BY 2027-02-28 missed: marked overdue"


def test_a_closed_case_is_never_marked() -> None:
    stores, memory, case_id = opened()
    cases.withdraw(stores, FixedClock(RECEIVED), case_id, "ent")
    assert "gsi2sk" not in memory.certification.cases[case_id]
    assert run(stores, memory, DECIDE_BY + timedelta(days=1))["due"] == 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=st.lists(st.integers(-10, 40), min_size=1, max_size=8))
def test_any_sequence_of_runs_marks_and_announces_once(days: list[int]) -> None:
    stores, memory, case_id = opened()
    for offset in days:
        run(stores, memory, DECIDE_BY + timedelta(days=offset))
    stored = memory.certification.cases[case_id]
    if max(days) >= 1:
        assert missed(memory) == [{"schema_version": 1, "case_type": "CERTIFICATION", "case_id": case_id,
                                   "uscc": USCC, "deadline_kind": "DECIDE_BY", "deadline": "2027-02-18"}]
        assert (stored["overdue"], "gsi2sk" in stored) == (True, False)
        # a later write of the case with its clock running (the assignment) does not put it back
        assert steps.assign(stores, FixedClock(at_cst(DECIDE_BY + timedelta(days=41), 10)), case_id)["status"] == (
            "AWAITING_CERTIFIERS")
        assert "gsi2sk" not in memory.certification.cases[case_id]
    else:
        assert (missed(memory), stored["overdue"], "gsi2sk" in stored) == ([], False, True)
