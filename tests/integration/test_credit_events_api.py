"""POST /v1/credit-events through the ingestion handler, then evaluation through the template's real
EventBridge rule (moto), then the read routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.conftest import scan_main
from tests.integration.test_registry_api import OTHER_USCC, USCC, register
from tests.support.apigw import api_event, json_body

AGENCY = {"client_id": "customs-penalty-system", "scope": "credit/events"}
OFFICER = {"client_id": "officer", "scope": "credit/officer"}


def penalty(event_id: str = "PEN-1", **changes: Any) -> dict[str, Any]:
    return {"event_id": event_id, "uscc": USCC, "type": "SMUGGLING_PENALTY", "business_line": "OWN_ACCOUNT",
            "decided_on": "2026-10-15", "penalty_kind": "FINE", "amount_cny": "250000.00",
            "document_no": "京关缉决字〔2026〕123号", "authority": "Beijing Customs", **changes}


def post_events(invoke: Any, *events: dict[str, Any], key: str = "batch-1") -> dict[str, Any]:
    return invoke("ingestion", api_event("ingestion/post_credit_events", body={"events": list(events)},
                                         headers={"Idempotency-Key": key}, claims=AGENCY))


def decisions(invoke: Any, uscc: str = USCC) -> list[dict[str, Any]]:
    response = invoke("credit_views", api_event("registry/get_enterprise", path_params={"uscc": uscc},
                                                claims=OFFICER) | {"resource": "/v1/enterprises/{uscc}/decisions",
                                                                   "path": f"/v1/enterprises/{uscc}/decisions"})
    assert response["statusCode"] == 200, response["body"]
    return json_body(response)["items"]  # type: ignore[no-any-return]


def credit(invoke: Any, as_of: str | None = None, uscc: str = USCC) -> dict[str, Any]:
    query = {"as_of": as_of} if as_of else None
    response = invoke("credit_views", api_event("credit_views/get_credit", path_params={"uscc": uscc}, query=query))
    assert response["statusCode"] == 200, response["body"]
    return json_body(response)  # type: ignore[no-any-return]


def test_a_smuggling_penalty_makes_the_enterprise_discredited_with_its_grounds(
        invoke: Any, deliver: Any, bus: Any, aws: Any) -> None:
    # Given a registered enterprise
    register(invoke)
    # When customs reports a smuggling penalty and the bus delivers the evaluation trigger
    response = post_events(invoke, penalty())
    assert response["statusCode"] == 202, response["body"]
    assert json_body(response) == {"results": [{"event_id": "PEN-1", "status": "created"}]}
    outcomes = deliver()
    # Then it is DISCREDITED by a decision citing D2 (Art 15) and the event
    assert [o["changed"] for o in outcomes.by_function["evaluation"]] == [True]
    # And the TierChanged it publishes reaches the certification steps (no open case to terminate)
    assert outcomes.by_function["certification_steps"] == [{"uscc": USCC, "terminated": []}]
    (decision,) = decisions(invoke)
    assert (decision["from_tier"], decision["to_tier"]) == ("REGULAR", "DISCREDITED")
    assert decision["rule_pack"] == "ORDER_282"
    (ground,) = decision["grounds"]
    assert (ground["rule_id"], ground["article"], ground["evidence"]) == ("D2", "Art 15", ["PEN-1"])
    assert "D2" in decision["explanation"]
    assert decision["restoration_notice"]["earliest_application_on"] == "2027-10-16"  # after 12 months
    # And the public view shows the tier, its measures and the disclosed record
    view = credit(invoke)
    assert (view["tier"], view["is_aeo"]) == ("DISCREDITED", False)
    assert view["measures"]
    assert [d["event_id"] for d in view["disclosures"]] == ["PEN-1"]
    assert view["disclosures"][0]["severity"] == "GENERAL"
    # And the enterprise's record shows when it may apply for an upgrade, and when it is automatic
    record = json_body(invoke("registry", api_event("registry/get_enterprise", path_params={"uscc": USCC},
                                                    claims=OFFICER)))
    restoration = record["compliance_calendar"]["restoration"]
    assert (restoration["earliest_application_on"], restoration["automatic_on"]) == ("2027-10-16", "2028-10-16")
    # And TierChanged went on the bus, and the audit table has the entry
    tier_changed = [e for e in bus.tail() if e["detail-type"] == "TierChanged"]
    assert [e["detail"]["to_tier"] for e in tier_changed] == ["DISCREDITED"]
    audit = aws.scan(TableName=__import__("os").environ["AUDIT_TABLE_NAME"])["Items"]
    assert [a["action"]["S"] for a in audit] == ["TierChanged"]


def test_the_public_view_answers_for_a_past_instant(invoke: Any, deliver: Any, clock: Any) -> None:
    register(invoke)
    before = clock.now()
    clock.advance(timedelta(hours=1))
    post_events(invoke, penalty())
    deliver()
    assert credit(invoke)["tier"] == "DISCREDITED"
    # the instant before the decision still answers REGULAR, with nothing disclosed then
    past = credit(invoke, as_of=before.isoformat())
    assert (past["tier"], past["disclosures"]) == ("REGULAR", [])


def test_an_enterprise_is_under_management_from_registered_on_whenever_the_system_learnt_of_it(
        invoke: Any, deliver: Any) -> None:
    # Given an enterprise registered today (2026-11-20) with registered_on 2020-01-01, and a penalty of 2026-10-15
    registration = {"uscc": USCC, "name": "Old Trading Co.", "registration_status": "REGISTERED",
                    "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01"}
    assert register(invoke, body=registration)["statusCode"] == 201
    post_events(invoke, penalty())
    deliver()
    # When the public view is asked for the day before the penalty / Then REGULAR (not 404)
    assert credit(invoke, as_of="2026-10-14T12:00:00+08:00")["tier"] == "REGULAR"
    assert credit(invoke, as_of="2020-01-01T00:00:00+08:00")["tier"] == "REGULAR"
    # ... and before registered_on it was not under management
    before = invoke("credit_views", api_event("credit_views/get_credit", path_params={"uscc": USCC},
                                              query={"as_of": "2019-12-31T23:59:59+08:00"}))
    assert before["statusCode"] == 404


def test_an_art_41_enterprise_is_under_management_from_the_day_of_the_first_report(
        invoke: Any, deliver: Any, clock: Any) -> None:
    # Given an agency's report today (2026-11-20) on an enterprise the registry does not know
    post_events(invoke, penalty(uscc=OTHER_USCC))
    deliver()
    # Then it is under management from today, not before
    assert credit(invoke, as_of="2026-11-20T00:00:00+08:00", uscc=OTHER_USCC)["tier"] == "REGULAR"
    before = invoke("credit_views", api_event("credit_views/get_credit", path_params={"uscc": OTHER_USCC},
                                              query={"as_of": "2026-11-19T23:59:59+08:00"}))
    assert before["statusCode"] == 404
    # ... also once it registers the next day with that later registered_on
    clock.advance(timedelta(days=1))
    registered = register(invoke, body={"uscc": OTHER_USCC, "name": "Shadow Forwarding Co.",
                                        "registration_status": "REGISTERED", "business_types": ["CUSTOMS_BROKER"],
                                        "registered_on": "2026-11-21"}, key="reg-other")
    assert registered["statusCode"] == 201, registered["body"]
    assert credit(invoke, as_of="2026-11-20T00:00:00+08:00", uscc=OTHER_USCC)["tier"] == "REGULAR"


def test_the_same_event_again_is_a_duplicate_and_stores_nothing_new(invoke: Any, deliver: Any, aws: Any) -> None:
    register(invoke)
    post_events(invoke, penalty(), key="a")
    stored = len(scan_main(aws))
    again = post_events(invoke, penalty(), key="b")
    assert json_body(again)["results"] == [{"event_id": "PEN-1", "status": "duplicate"}]
    assert len(scan_main(aws)) == stored


def test_an_event_id_reused_with_other_content_is_409_and_nothing_of_the_batch_is_stored(
        invoke: Any, aws: Any) -> None:
    register(invoke)
    post_events(invoke, penalty(), key="a")
    stored = len(scan_main(aws))
    response = post_events(invoke, penalty("PEN-2"), penalty(amount_cny="1.00"), key="b")
    assert response["statusCode"] == 409
    assert json_body(response)["errors"][0]["loc"] == ["body", "events", 1, "event_id"]
    assert len(scan_main(aws)) == stored


@pytest.mark.parametrize(
    ("bad", "loc"),
    [
        ({"type": "JAYWALKING"}, ["body", "events", 1, "type"]),
        ({"amount_cny": "-5.00"}, ["body", "events", 1, "amount_cny"]),
        ({"amount_cny": "10.005"}, ["body", "events", 1, "amount_cny"]),
        ({"decided_on": "1999-12-31"}, ["body", "events", 1, "decided_on"]),
        ({"decided_on": "2026-12-01"}, ["body", "events", 1, "decided_on"]),  # future (today 2026-11-20)
        ({"type": "PENALTY_REVOKED", "refers_to": "NOPE", "penalty_kind": None, "amount_cny": None},
         ["body", "events", 1, "refers_to"]),
    ],
)
def test_a_bad_item_is_named_by_index_and_nothing_is_stored(invoke: Any, aws: Any, bad: dict[str, Any],
                                                            loc: list[Any]) -> None:
    register(invoke)
    before = len(scan_main(aws))
    item = {k: v for k, v in penalty("PEN-2", **bad).items() if v is not None}
    response = post_events(invoke, penalty(), item)
    assert response["statusCode"] == 422, response["body"]
    assert loc in [e["loc"] for e in json_body(response)["errors"]]
    assert len(scan_main(aws)) == before


def test_refers_to_an_event_of_the_wrong_kind_is_422(invoke: Any) -> None:
    register(invoke)
    settle = {"event_id": "PAY-1", "uscc": USCC, "type": "ARREARS_SETTLED", "business_line": "OWN_ACCOUNT",
              "decided_on": "2026-11-01", "refers_to": "PEN-1", "document_no": "R-1", "authority": "Tax"}
    response = post_events(invoke, penalty(), settle)
    assert response["statusCode"] == 422
    assert ["body", "events", 1, "refers_to"] in [e["loc"] for e in json_body(response)["errors"]]


def test_an_agency_report_on_an_unregistered_enterprise_creates_it_as_unregistered_related(
        invoke: Any, deliver: Any) -> None:
    response = post_events(invoke, penalty(uscc=OTHER_USCC))
    assert response["statusCode"] == 202
    deliver()
    record = invoke("registry", api_event("registry/get_enterprise", path_params={"uscc": OTHER_USCC}, claims=OFFICER))
    body = json_body(record)
    assert (body["registration_status"], body["credit"]["tier"]) == ("UNREGISTERED_RELATED", "DISCREDITED")
    # When it registers later, its credit state is kept (Art 41)
    registered = register(invoke, body={"uscc": OTHER_USCC, "name": "Shadow Forwarding Co.",
                                        "registration_status": "REGISTERED", "business_types": ["CUSTOMS_BROKER"],
                                        "registered_on": "2026-11-19"}, key="reg-other")
    assert registered["statusCode"] == 201
    assert json_body(registered)["credit"]["tier"] == "DISCREDITED"


def test_a_revocation_corrects_the_tier_and_withdraws_the_disclosure(invoke: Any, deliver: Any) -> None:
    register(invoke)
    post_events(invoke, penalty(), key="a")
    deliver()
    revoke = {"event_id": "REV-1", "uscc": USCC, "type": "PENALTY_REVOKED", "business_line": "OWN_ACCOUNT",
              "decided_on": "2026-11-18", "refers_to": "PEN-1", "document_no": "京关复决字〔2026〕9号",
              "authority": "GACC"}
    post_events(invoke, revoke, key="b")
    deliver()
    latest, _first = decisions(invoke)
    assert (latest["from_tier"], latest["to_tier"]) == ("DISCREDITED", "REGULAR")
    assert latest["correction_of"] == "REV-1"
    record = invoke("registry", api_event("registry/get_enterprise", path_params={"uscc": USCC}, claims=OFFICER))
    assert json_body(record)["compliance_calendar"]["restoration"] is None
    assert "CORRECTION" in [g["rule_id"] for g in latest["grounds"]]
    assert credit(invoke)["disclosures"] == []


def test_arrears_cross_their_threshold_through_the_arrears_watch_schedule(
        invoke: Any, deliver: Any, clock: Any) -> None:
    # Given tax due 2026-07-31 and unpaid: D4 holds from 2026-11-01 (day after due + 3 months)
    clock.advance(datetime(2026, 9, 1, 2, tzinfo=UTC) - clock.now())
    register(invoke)
    tax = {"event_id": "TAX-1", "uscc": USCC, "type": "TAX_OVERDUE", "business_line": "OWN_ACCOUNT",
           "decided_on": "2026-08-05", "due_on": "2026-07-31", "amount_cny": "52000.00",
           "document_no": "税催〔2026〕77号", "authority": "Beijing Customs Duty Office"}
    post_events(invoke, tax)
    deliver()
    assert credit(invoke)["tier"] == "REGULAR"
    # When the schedule runs on 2026-10-31 nothing is due yet
    clock.advance(datetime(2026, 10, 31, 1, tzinfo=UTC) - clock.now())
    assert invoke("arrears_watch", {"schedule": "arrears-watch"})["enterprises_due"] == 0
    # And on 2026-11-01 (CST) the enterprise is due and becomes DISCREDITED on D4
    clock.advance(datetime(2026, 10, 31, 16, 20, tzinfo=UTC) - clock.now())
    ran = invoke("arrears_watch", {"schedule": "arrears-watch"})
    assert (ran["enterprises_due"], ran["items_read"]) == (1, 1)
    deliver()
    (decision,) = decisions(invoke)
    assert [g["rule_id"] for g in decision["grounds"]] == ["D4"]


def test_a_concurrent_evaluation_loses_by_condition_and_retries(invoke: Any, bus: Any, monkeypatch: Any) -> None:
    from shared.adapters.clock import current_clock
    from shared.adapters.credit_store import DynamoCreditFileStore
    from shared.adapters.stores import dynamodb_stores
    from shared.usecases import evaluation

    register(invoke)
    post_events(invoke, penalty())
    real_load = DynamoCreditFileStore.load
    raced = []

    def load_then_race(self: DynamoCreditFileStore, uscc: str) -> Any:
        items = real_load(self, uscc)
        if not raced:  # another evaluation commits between our read and our write
            raced.append(True)
            evaluation.evaluate_enterprise(dynamodb_stores(), current_clock(), uscc, trigger="race")
        return items

    monkeypatch.setattr(DynamoCreditFileStore, "load", load_then_race)
    outcome = evaluation.evaluate_enterprise(dynamodb_stores(), current_clock(), USCC, trigger="test")
    # Then the loser reloaded and found the tier already changed: one decision, never two
    assert outcome["changed"] is False
    assert len(decisions(invoke)) == 1


def test_measures_and_public_lists(invoke: Any, deliver: Any) -> None:
    register(invoke)
    post_events(invoke, penalty())
    deliver()
    listed = invoke("credit_views", api_event("credit_views/get_credit", path_params={"name": "discredited"})
                    | {"resource": "/v1/lists/{name}", "path": "/v1/lists/discredited"})
    assert [i["uscc"] for i in json_body(listed)["items"]] == [USCC]
    # the list says since when, in the same instant format as the decision that put it there
    assert json_body(listed)["items"][0]["tier_since"] == decisions(invoke)[0]["effective_at"]
    unknown = invoke("credit_views", api_event("credit_views/get_credit", path_params={"name": "naughty"})
                     | {"resource": "/v1/lists/{name}", "path": "/v1/lists/naughty"})
    assert unknown["statusCode"] == 404
    measures = invoke("credit_views", api_event("credit_views/get_credit", path_params={})
                      | {"resource": "/v1/measures", "path": "/v1/measures", "pathParameters": None})
    tiers = [t["tier"] for t in json_body(measures)["tiers"]]
    assert tiers[0] == "ADVANCED_CERTIFIED"
    assert tiers[-1] == "SERIOUSLY_DISCREDITED"


def test_a_simulation_answers_what_if_and_stores_nothing(invoke: Any, aws: Any) -> None:
    register(invoke)
    before = scan_main(aws)
    request = api_event("registry/get_enterprise", path_params={"uscc": USCC}, body={"extra_events": [penalty()]},
                        claims={"client_id": "erp", "scope": "credit/enterprise", "uscc": USCC})
    request |= {"resource": "/v1/enterprises/{uscc}/simulations", "path": f"/v1/enterprises/{USCC}/simulations",
                "httpMethod": "POST"}
    response = invoke("credit_views", request)
    assert response["statusCode"] == 200, response["body"]
    body = json_body(response)
    assert (body["tier"], body["stored"]) == ("DISCREDITED", False)
    assert [g["rule_id"] for g in body["grounds"]] == ["D2"]
    assert scan_main(aws) == before


def test_d3_counts_own_account_violations_against_last_years_declaration_volume(invoke: Any, deliver: Any) -> None:
    # Given 1,000 own-account declarations in 2025 (1/1000 -> more than 1 violation is over the ratio)
    register(invoke)
    volume = invoke("ingestion", api_event(
        "ingestion/post_declaration_volume", body={"year": 2025, "business_line": "OWN_ACCOUNT", "documents": 1000},
        path_params={"uscc": USCC}, headers={"Idempotency-Key": "vol"}))
    assert volume["statusCode"] == 201

    def violation(event_id: str, fine: str, line: str = "OWN_ACCOUNT") -> dict[str, Any]:
        return penalty(event_id, type="SUPERVISION_VIOLATION_PENALTY", business_line=line, amount_cny=fine)

    # When two violations fined 1,000,000.00 in total are reported: count 2 > 1, but fines not > 1,000,000
    post_events(invoke, violation("V-1", "600000.00"), violation("V-2", "400000.00"), key="a")
    deliver()
    assert credit(invoke)["tier"] == "REGULAR"
    # And a brokerage violation is counted on its own line, never pooled with own-account ones (pooled, the
    # fines would be 1,200,000; alone, 200,000 is under the brokerage amount with its volume unknown)
    post_events(invoke, violation("V-3", "200000.00", "BROKERAGE"), key="b")
    deliver()
    assert credit(invoke)["tier"] == "REGULAR"
    # Then one more cent on the own-account line crosses both thresholds: D3 (Art 15)
    post_events(invoke, violation("V-4", "0.01"), key="c")
    deliver()
    (decision,) = decisions(invoke)
    assert [(g["rule_id"], sorted(g["evidence"])) for g in decision["grounds"]] == [("D3", ["V-1", "V-2", "V-4"])]


def test_public_lists_page_with_an_opaque_token(invoke: Any, deliver: Any) -> None:
    # Given three discredited enterprises
    usccs = ["91110000600037341L", "91310115MA1K4ABC18", "91440300MA5F123452"]
    for i, uscc in enumerate(usccs):
        post_events(invoke, penalty(f"P-{i}", uscc=uscc), key=f"k{i}")
    deliver()

    def page(token: str | None) -> dict[str, Any]:
        query = {"limit": "2", **({"next_token": token} if token else {})}
        response = invoke("credit_views", api_event("credit_views/get_credit", path_params={"name": "discredited"},
                                                    query=query)
                          | {"resource": "/v1/lists/{name}", "path": "/v1/lists/discredited"})
        assert response["statusCode"] == 200, response["body"]
        return json_body(response)  # type: ignore[no-any-return]

    # When reading the list two at a time
    first = page(None)
    second = page(first["next_token"])
    # Then every enterprise appears exactly once and the last page says there is no more
    assert len(first["items"]) == 2
    assert sorted(i["uscc"] for i in first["items"] + second["items"]) == sorted(usccs)
    assert second["next_token"] is None or page(second["next_token"])["items"] == []
    # And a token this API did not issue is a 422 naming it
    bad = invoke("credit_views", api_event("credit_views/get_credit", path_params={"name": "discredited"},
                                           query={"next_token": "not-a-token!"})
                 | {"resource": "/v1/lists/{name}", "path": "/v1/lists/discredited"})
    assert bad["statusCode"] == 422
    assert json_body(bad)["errors"][0]["loc"] == ["query", "next_token"]


def test_a_late_declaration_volume_re_evaluates_what_the_violations_ground(invoke: Any, deliver: Any) -> None:
    # Given two own-account violations fined 1,200,000 while last year's volume is unknown: D3 on amount alone
    register(invoke)
    fined = [penalty(f"V-{i}", type="SUPERVISION_VIOLATION_PENALTY", amount_cny="600000.00") for i in (1, 2)]
    post_events(invoke, *fined)
    deliver()
    assert credit(invoke)["tier"] == "DISCREDITED"
    # When the registry posts the 2025 volume: 10,000 documents, so 2 violations are not over 1/1000
    posted = invoke("ingestion", api_event(
        "ingestion/post_declaration_volume", body={"year": 2025, "business_line": "OWN_ACCOUNT", "documents": 10000},
        path_params={"uscc": USCC}, headers={"Idempotency-Key": "vol"}))
    assert posted["statusCode"] == 201
    deliver()
    # Then the re-evaluation finds no ground any more and records the return to REGULAR
    latest, first = decisions(invoke)
    assert (first["to_tier"], latest["to_tier"], latest["grounds"]) == ("DISCREDITED", "REGULAR", [])
    assert credit(invoke)["tier"] == "REGULAR"
