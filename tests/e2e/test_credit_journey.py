"""Issue 4 through the local runtime: unpaid tax crosses its threshold after clock travel, the
`arrears-watch` schedule finds it through the date index, the bus triggers the evaluation, and the
decision, the public view (now and in the past), the public list and a what-if all agree."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import new_uscc, real_time_after, register, report, wait_for_decisions

pytestmark = pytest.mark.e2e


def test_unpaid_tax_becomes_a_d4_ground_when_the_clock_passes_its_threshold(api: Api) -> None:
    # Given a registered enterprise with tax due 2026-11-10 and unpaid (D4 from 2027-02-11)
    uscc = new_uscc()
    assert register(api, uscc).status == 201
    tax = {"event_id": f"TAX-{uuid.uuid4().hex[:8]}", "uscc": uscc, "type": "TAX_OVERDUE",
           "business_line": "OWN_ACCOUNT", "decided_on": "2026-11-01", "due_on": "2026-11-10",
           "amount_cny": "52000.00", "document_no": "税催〔2026〕77号", "authority": "Beijing Customs"}
    reported = report(api, tax)
    assert reported.status == 202, reported.text
    assert wait_for_decisions(api, uscc, 1, timeout=3) == []  # evaluated: still REGULAR, no decision
    assert api.get(f"/v1/enterprises/{uscc}/credit").json["tier"] == "REGULAR"

    # And a what-if at a future instant already says what will hold if nothing is paid
    own = api.post("/_local/clients", {"scopes": ["credit/enterprise"], "uscc": uscc}).json
    what_if = api.post(f"/v1/enterprises/{uscc}/simulations", {"as_of": "2027-03-01T00:00:00+08:00"},
                       token=api.token(own["client_id"], own["client_secret"]))
    assert what_if.status == 200, what_if.text
    assert (what_if.json["tier"], [g["rule_id"] for g in what_if.json["grounds"]]) == ("DISCREDITED", ["D4"])

    with real_time_after(api):
        # When the clock passes the threshold and the arrears-watch schedule runs
        assert api.post("/_local/clock", {"now": "2027-02-11T00:25:00+08:00"}).status == 200
        ran = api.post("/_local/schedules/arrears-watch/run")
        assert ran.status == 200, ran.text
        # Then the evaluation (through the bus) records a D4 decision with its restoration notice
        (decision,) = wait_for_decisions(api, uscc, 1)
        assert (decision["from_tier"], decision["to_tier"]) == ("REGULAR", "DISCREDITED")
        assert [(g["rule_id"], g["evidence"]) for g in decision["grounds"]] == [("D4", [tax["event_id"]])]
        assert decision["restoration_notice"]["grounds"][0]["route"] == "AFTER_SETTLEMENT"
        # And the public view shows it now, with the record disclosed from the day it became a ground
        view = api.get(f"/v1/enterprises/{uscc}/credit").json
        assert view["tier"] == "DISCREDITED"
        assert [(d["event_id"], d["disclosure_from"]) for d in view["disclosures"]] == [
            (tax["event_id"], "2027-02-11")]
        # And the past is still answered as it was
        past = api.get(f"/v1/enterprises/{uscc}/credit", query={"as_of": "2027-01-01T00:00:00+08:00"}).json
        assert (past["tier"], past["disclosures"]) == ("REGULAR", [])
        # And the enterprise is on the public discredited list
        listed = api.get("/v1/lists/discredited", query={"limit": 500}).json["items"]
        assert uscc in [i["uscc"] for i in listed]
