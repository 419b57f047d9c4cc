"""Which case an execution is about (`local.executions`): the system's execution names stand for its case
ids, the input's id prevails, and a deadline read from the case prevails over one found in the data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from local.executions import ExecutionsView, _subject

USCC = "91320500MA1MX0000R"


def test_execution_names_stand_for_the_case_ids() -> None:
    assert _subject(f"cert-{USCC}-001", None)["case_id"] == f"CERT-{USCC}-001"
    recert = _subject(f"recert-{USCC}-ace-2031-11-20", None)
    assert (recert["case_id"], recert["cycle"]) == (f"RECERT-{USCC}-ace-2031-11-20", "ace-2031-11-20")
    assert _subject(f"objection-{USCC}-002", None)["case_id"] == f"OBJ-{USCC}-002"
    assert _subject(f"cert-{USCC}-CASE-W", None)["case_id"] == "CASE-W"  # not a number: the tail as it is
    assert _subject(f"cert-{USCC}-001", {"case_id": "CERT-X"})["case_id"] == "CERT-X"


def test_the_deadline_on_the_case_prevails() -> None:
    definition = {"States": {"Audit": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken"}}}
    events: list[dict[str, Any]] = [
        {"type": "TaskStateEntered", "timestamp": "2026-12-03T00:00:00Z",
         "details": {"name": "Audit", "input": {"decide_by": "2027-03-03"}}}]
    now = datetime(2027, 3, 10, tzinfo=UTC)
    from_data = ExecutionsView(lambda _: None, lambda: now)._waiting(definition, events, None)["waiting_for"]
    assert (from_data["deadline"], from_data["overdue"]) == ("2027-03-03", True)
    on_case = ExecutionsView(lambda _: None, lambda: now, subject_deadline=lambda s: ("decide_by", "2027-06-01", False))
    waiting = on_case._waiting(definition, events, None, {"case_id": "CERT-1"})["waiting_for"]
    assert (waiting["deadline"], waiting["overdue"]) == ("2027-06-01", False)
