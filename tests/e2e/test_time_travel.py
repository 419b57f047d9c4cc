"""Time travel as a demo uses it: records made in the future, the clock moved back (and told what
that leaves behind), and a travelled clock kept across a restart."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import new_uscc, register, report, started, wait_for_decisions

pytestmark = pytest.mark.e2e


def test_moving_back_warns_of_future_records_and_a_restart_keeps_the_travelled_clock(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with started(data) as first:
        api = first.api
        # Given an enterprise with a credit event and a decision recorded at a travelled 2029
        uscc = new_uscc()
        assert register(api, uscc).status == 201
        ahead = api.post("/_local/clock", {"now": "2029-01-01T09:00:00+08:00"})
        assert ahead.json["warnings"] == []
        event = {"event_id": f"TT-{uuid.uuid4().hex[:10]}", "uscc": uscc, "type": "SMUGGLING_CRIME",
                 "business_line": "OWN_ACCOUNT", "decided_on": "2028-12-15", "document_no": "TT-DOC-1",
                 "authority": "Beijing Customs"}
        reported = report(api, event)
        assert reported.status == 202, reported.text
        wait_for_decisions(api, uscc, 1)
        # When the clock returns to real time
        back = api.post("/_local/clock", {"now": None})
        # Then the answer warns that the event and the decision are dated after the new now
        assert back.status == 200
        assert back.json["real_time"] is True
        [warning] = back.json["warnings"]
        assert "1 event" in warning
        assert "1 decision" in warning
        assert "dated after" in warning
        # When travelling again and restarting the runtime
        assert api.post("/_local/clock", {"now": "2029-06-01T00:00:00Z"}).status == 200
    with started(data) as second:
        # Then the clock is still travelled, and the banner says so
        clock = second.api.get("/_local/clock").json
        assert clock["real_time"] is False
        assert clock["now"].startswith("2029-06-01")
        assert "TRAVELLED" in second.output()
        assert "clock.json" in second.output()
    # When starting with --fresh, the clock is real again
    with started(data, "--fresh") as third:
        assert third.api.get("/_local/clock").json["real_time"] is True
