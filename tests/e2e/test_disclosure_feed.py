"""Issue 8 through the local runtime: a GENERAL record is on the public feed through its last day
and off the next day after the `disclosure-expiry` schedule runs; a rerun after the clock went back
and forward again ends nothing twice."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import new_uscc, poll, real_time_after, register, report

pytestmark = pytest.mark.e2e


def on_feed(api: Api, uscc: str) -> list[dict[str, Any]]:
    reply = api.get("/v1/disclosures", query={"uscc": uscc})
    assert reply.status == 200, reply.text
    return list(reply.json["items"])


def wait_on_feed(api: Api, uscc: str) -> list[dict[str, Any]]:
    return poll(lambda: on_feed(api, uscc), bool)


def test_a_general_record_is_shown_through_its_last_day_and_expires_the_next(api: Api) -> None:
    # Given a GENERAL penalty decided 2026-11-20 (shown through 2027-11-20)
    uscc = new_uscc()
    assert register(api, uscc).status == 201
    penalty = {"event_id": f"PEN-{uuid.uuid4().hex[:8]}", "uscc": uscc, "type": "SMUGGLING_PENALTY",
               "business_line": "OWN_ACCOUNT", "decided_on": "2026-11-20", "penalty_kind": "FINE",
               "amount_cny": "250000.00", "document_no": "京关缉决字〔2026〕123号", "authority": "Beijing Customs"}
    reported = report(api, penalty)
    assert reported.status == 202, reported.text
    (item,) = wait_on_feed(api, uscc)
    assert (item["event_id"], item["published_until"], item["status"]) == (penalty["event_id"], "2027-11-20",
                                                                          "PUBLISHED")
    with real_time_after(api):
        # When the clock reaches its last day and the expiry schedule runs
        assert api.post("/_local/clock", {"now": "2027-11-20T23:30:00+08:00"}).status == 200
        assert api.post("/_local/schedules/disclosure-expiry/run").status == 200
        # Then it is still shown
        assert [i["event_id"] for i in on_feed(api, uscc)] == [penalty["event_id"]]
        # When the next day comes and the schedule runs
        assert api.post("/_local/clock", {"now": "2027-11-21T00:15:00+08:00"}).status == 200
        ran = api.post("/_local/schedules/disclosure-expiry/run")
        assert ran.status == 200, ran.text
        # Then it is off the feed, and the enterprise's list says it EXPIRED on 2027-11-21
        assert on_feed(api, uscc) == []
        listed = api.get(f"/v1/enterprises/{uscc}/disclosures", token=api.token("demo-officer")).json["items"]
        assert [(i["status"], i["ended_on"]) for i in listed] == [("EXPIRED", "2027-11-21")]
        # And after the clock went back a day and forward again, reruns change nothing
        api.post("/_local/clock", {"now": "2027-11-20T12:00:00+08:00"})
        assert [i["event_id"] for i in on_feed(api, uscc)] == [penalty["event_id"]]  # it was public then
        api.post("/_local/schedules/disclosure-expiry/run")
        api.post("/_local/clock", {"now": "2027-11-22T00:15:00+08:00"})
        api.post("/_local/schedules/disclosure-expiry/run")
        again = api.get(f"/v1/enterprises/{uscc}/disclosures", token=api.token("demo-officer")).json["items"]
        assert [h["status"] for h in again[0]["history"]] == ["PUBLISHED", "EXPIRED"]
