"""Issue 8 (restoration and upgrade) through the local runtime: a D2 penalty, a record restoration
applied for after its minimum period (clock travel), reviewed through the bus and APPROVED, the
disclosure ended as RESTORED and the tier re-evaluated; then an upgrade application after the
waiting period, APPROVED, and a decision to REGULAR citing Arts 29-30."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import new_uscc, poll, real_time_after, register, report, wait_for_decisions

pytestmark = pytest.mark.e2e
DOCUMENTS = [{"type": "FULFILMENT_PROOF", "reference": "京关缴〔2026〕9号"},
             {"type": "COMMITMENT_LETTER", "reference": "CL-9"}]


def wait_decided(api: Api, restoration_id: str, token: str) -> dict[str, Any]:
    return poll(lambda: dict(api.get(f"/v1/restorations/{restoration_id}", token=token).json),
                lambda body: body["status"] != "RECEIVED", every=0.1)


def test_a_d2_record_is_restored_then_the_enterprise_upgraded(api: Api) -> None:
    uscc = new_uscc()
    assert register(api, uscc).status == 201
    own = api.post("/_local/clients", {"scopes": ["credit/enterprise"], "uscc": uscc}).json
    penalty = {"event_id": f"PEN-{uuid.uuid4().hex[:8]}", "uscc": uscc, "type": "SMUGGLING_PENALTY",
               "business_line": "OWN_ACCOUNT", "decided_on": "2026-12-01", "penalty_kind": "FINE",
               "amount_cny": "250000.00", "document_no": "京关缉决字〔2026〕9号", "authority": "Beijing Customs"}
    reported = report(api, penalty)
    assert reported.status == 202, reported.text
    (first,) = wait_for_decisions(api, uscc, 1)
    assert first["to_tier"] == "DISCREDITED"

    def own_token() -> str:
        return api.token(own["client_id"], own["client_secret"])

    with real_time_after(api):
        # When the clock passes the 3-month minimum of the record of 2026-12-01 (last day 2027-03-01)
        assert api.post("/_local/clock", {"now": "2027-03-02T10:00:00+08:00"}).status == 200
        applied = api.post("/v1/restorations", {"uscc": uscc, "kind": "DISCLOSURE", "event_ids": [penalty["event_id"]],
                                                "documents": DOCUMENTS},
                           token=own_token(), headers={"Idempotency-Key": str(uuid.uuid4())})
        assert applied.status == 201, applied.text
        assert (applied.json["status"], applied.json["decide_by"]) == ("RECEIVED", "2027-03-05")
        # Then the review (through the bus) approves it
        decided = wait_decided(api, applied.json["restoration_id"], own_token())
        assert (decided["status"], decided["reasons"]) == ("APPROVED", [])
        # And the disclosure ends as RESTORED; the tier is re-evaluated and stays DISCREDITED
        view = poll(lambda: api.get(f"/v1/enterprises/{uscc}/credit").json, lambda v: not v["disclosures"],
                    every=0.1)
        assert (view["tier"], view["disclosures"]) == ("DISCREDITED", [])
        what_if = api.post(f"/v1/enterprises/{uscc}/simulations", {}, token=own_token()).json
        assert [(r["event_id"], r["ends_as"], r["restored_on"]) for r in what_if["records"]] == [
            (penalty["event_id"], "RESTORED", "2027-03-02")]

        # When the 12-month waiting period has passed and the enterprise applies for an upgrade
        assert api.post("/_local/clock", {"now": "2027-12-03T10:00:00+08:00"}).status == 200
        tier = api.post("/v1/restorations", {"uscc": uscc, "kind": "TIER", "documents": DOCUMENTS},
                        token=own_token(), headers={"Idempotency-Key": str(uuid.uuid4())})
        assert tier.status == 201, tier.text
        assert wait_decided(api, tier.json["restoration_id"], own_token())["status"] == "APPROVED"
        # Then a decision to REGULAR cites Arts 29-30 and the application
        latest = wait_for_decisions(api, uscc, 2)[0]
        assert (latest["from_tier"], latest["to_tier"]) == ("DISCREDITED", "REGULAR")
        assert [(g["rule_id"], g["article"], g["evidence"]) for g in latest["grounds"]] == [
            ("UPGRADE", "Arts 29-30", [tier.json["restoration_id"]])]
        assert api.get(f"/v1/enterprises/{uscc}/credit").json["tier"] == "REGULAR"
        listed = api.get("/v1/restorations", query={"uscc": uscc}, token=own_token()).json["items"]
        assert [i["kind"] for i in listed] == ["TIER", "DISCLOSURE"]
