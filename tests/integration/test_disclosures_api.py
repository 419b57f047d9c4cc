"""The public disclosure feed and the schedules on the due index, through the handlers and the
template's bus rules under moto: a record is on the feed through its last day and off the next,
ends in exactly one way, `as_of` answers what was public then, and every schedule run is idempotent
whatever the clock did."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from shared.domain.outbox import BUS_EVENT_ID
from tests.integration.test_credit_events_api import OFFICER, decisions, penalty, post_events
from tests.integration.test_registry_api import OTHER_USCC, USCC, register
from tests.support.apigw import api_event, json_body

OWN = {"client_id": "enterprise", "scope": "credit/enterprise", "uscc": USCC}
STRANGER = {"client_id": "enterprise-2", "scope": "credit/enterprise", "uscc": OTHER_USCC}


def cst(text: str) -> datetime:
    """An instant given in CST (`2027-10-15T12:00`)."""
    return datetime.fromisoformat(text + "+08:00").astimezone(UTC)


def move(clock: Any, text: str) -> None:
    clock.advance(cst(text) - clock.now())


def feed(invoke: Any, **query: str) -> dict[str, Any]:
    response = invoke("credit_views", api_event("credit_views/get_disclosures", query=query or None))
    assert response["statusCode"] == 200, response["body"]
    return json_body(response)  # type: ignore[no-any-return]


def own(invoke: Any, claims: Any = OWN, uscc: str = USCC) -> dict[str, Any]:
    return invoke("credit_views", api_event("credit_views/get_enterprise_disclosures", path_params={"uscc": uscc},
                                            claims=claims))


def run(invoke: Any, schedule: str) -> dict[str, Any]:
    return invoke(schedule.replace("-", "_"), {"schedule": schedule})


def bus_of(bus: Any, detail_type: str) -> list[dict[str, Any]]:
    """The details of `detail_type` seen on the bus, each checked to carry its stable id (the outbox's
    `bus_event_id`, 32 hex digits, the same for repeats), which is left out of what is returned."""
    details = [e["detail"] for e in bus.tail() if e["detail-type"] == detail_type]
    assert all(re.fullmatch(r"[0-9a-f]{32}", str(d.get(BUS_EVENT_ID))) for d in details), details
    return [{k: v for k, v in d.items() if k != BUS_EVENT_ID} for d in details]


def test_a_general_record_is_on_the_feed_through_its_last_day_and_expires_once(
        invoke: Any, deliver: Any, bus: Any, clock: Any) -> None:
    # Given a GENERAL penalty decided 2026-10-15, evaluated
    register(invoke)
    post_events(invoke, penalty())
    deliver()
    # Then it is on the national feed, shown through 2027-10-15, and DisclosurePublished went on the bus
    (item,) = feed(invoke)["items"]
    assert (item["event_id"], item["severity"], item["status"]) == ("PEN-1", "GENERAL", "PUBLISHED")
    assert (item["published_from"], item["published_until"]) == ("2026-10-15", "2027-10-15")
    assert "amount_cny" not in item
    assert item["rule_ids"] == ["D2"]
    assert [(e["event_id"], e["published_until"]) for e in bus_of(bus, "DisclosurePublished")] == [
        ("PEN-1", "2027-10-15")]
    # When the expiry schedule runs on its last day, nothing ends
    move(clock, "2027-10-15T23:59")
    assert run(invoke, "disclosure-expiry")["done"] == 0
    assert [i["event_id"] for i in feed(invoke)["items"]] == ["PEN-1"]
    # And the next day it is off the feed even before the schedule runs (the window is enforced when read)
    move(clock, "2027-10-16T00:05")
    assert feed(invoke)["items"] == []
    # When the schedule runs, it ends the disclosure as EXPIRED once, reading only what is due
    ran = run(invoke, "disclosure-expiry")
    assert (ran["done"], ran["items_read"]) == (1, 1)
    ended = bus_of(bus, "DisclosureEnded")
    assert [(e["event_id"], e["reason"], e["ended_on"]) for e in ended] == [("PEN-1", "EXPIRED", "2027-10-16")]
    # And a rerun, and a run after the clock went back and forward again, change nothing
    assert run(invoke, "disclosure-expiry")["done"] == 0
    move(clock, "2027-06-01T12:00")
    assert [i["event_id"] for i in feed(invoke)["items"]] == ["PEN-1"]  # it was public then
    assert run(invoke, "disclosure-expiry")["done"] == 0
    move(clock, "2028-01-01T12:00")
    assert run(invoke, "disclosure-expiry")["done"] == 0
    assert len(bus_of(bus, "DisclosureEnded")) == 1
    # And the enterprise sees how it ended, with its history; nothing was deleted
    mine = json_body(own(invoke))["items"]
    assert [(i["status"], i["ended_on"]) for i in mine] == [("EXPIRED", "2027-10-16")]
    assert [h["status"] for h in mine[0]["history"]] == ["PUBLISHED", "EXPIRED"]
    # And `as_of` inside the window answers what was public then
    assert [i["event_id"] for i in feed(invoke, as_of="2027-10-15T23:00:00+08:00")["items"]] == ["PEN-1"]
    assert feed(invoke, as_of="2027-10-16T00:00:00+08:00")["items"] == []


def test_as_of_never_shows_what_the_system_did_not_know_then(invoke: Any, deliver: Any, clock: Any) -> None:
    # Given a penalty decided 2026-10-15 reported on 2026-11-20
    register(invoke)
    post_events(invoke, penalty())
    deliver()
    # Then the feed as of 2026-11-01 (inside the window, before the report) does not show it
    assert feed(invoke, as_of="2026-11-01T12:00:00+08:00")["items"] == []
    assert [i["event_id"] for i in feed(invoke, as_of=clock.now().isoformat())["items"]] == ["PEN-1"]


def test_a_revocation_ends_the_disclosure_as_withdrawn(invoke: Any, deliver: Any, bus: Any, clock: Any) -> None:
    # Given a published record
    register(invoke)
    post_events(invoke, penalty())
    deliver()
    # When it is revoked on 2026-11-25
    move(clock, "2026-11-25T10:00")
    revocation = {"event_id": "REV-1", "uscc": USCC, "type": "PENALTY_REVOKED", "business_line": "OWN_ACCOUNT",
                  "decided_on": "2026-11-25", "refers_to": "PEN-1", "document_no": "复议〔2026〕9号",
                  "authority": "GACC"}
    post_events(invoke, revocation, key="batch-2")
    deliver()
    # Then it leaves the feed as WITHDRAWN (once), and the expiry schedule never touches it
    assert feed(invoke)["items"] == []
    assert [(e["reason"], e["ended_on"]) for e in bus_of(bus, "DisclosureEnded")] == [("WITHDRAWN", "2026-11-25")]
    move(clock, "2028-01-01T12:00")
    assert run(invoke, "disclosure-expiry")["done"] == 0
    assert [(i["status"], i["ended_on"]) for i in json_body(own(invoke))["items"]] == [("WITHDRAWN", "2026-11-25")]
    # And the day before the revocation it was public
    assert [i["event_id"] for i in feed(invoke, as_of="2026-11-24T12:00:00+08:00")["items"]] == ["PEN-1"]


def test_a_law_setting_another_period_replaces_the_maximum(invoke: Any, deliver: Any) -> None:
    # Given a penalty whose disclosure another law sets at 6 months
    register(invoke)
    post_events(invoke, penalty(disclosure_months=6, disclosure_basis="Export Control Law Art 39"))
    deliver()
    # Then it is shown through 2027-04-15 and names the law
    (item,) = feed(invoke, uscc=USCC)["items"]
    assert (item["published_until"], item["disclosure_basis"]) == ("2027-04-15", "Export Control Law Art 39")


def test_disclosure_months_without_its_basis_is_422_and_stores_nothing(invoke: Any, aws: Any) -> None:
    register(invoke)
    response = post_events(invoke, penalty(disclosure_months=6), penalty("PEN-2", disclosure_basis="Law X"),
                           penalty("PEN-3", disclosure_months=61, disclosure_basis="Law X"))
    assert response["statusCode"] == 422, response["body"]
    locs = [e["loc"] for e in json_body(response)["errors"]]
    assert ["body", "events", 0, "disclosure_basis"] in locs
    assert ["body", "events", 1, "disclosure_basis"] in locs
    assert ["body", "events", 2, "disclosure_months"] in locs
    assert feed(invoke)["items"] == []


def test_a_minor_record_is_listed_for_the_enterprise_but_never_on_the_feed(invoke: Any, deliver: Any) -> None:
    register(invoke)
    post_events(invoke, penalty(type="SUPERVISION_VIOLATION_PENALTY", amount_cny="2000.00"))
    deliver()
    assert feed(invoke)["items"] == []
    (item,) = json_body(own(invoke, claims=OFFICER))["items"]
    assert (item["severity"], item["status"], item["published"]) == ("MINOR", "NOT_PUBLISHED", False)


def test_the_enterprise_list_is_its_own_or_an_officers(invoke: Any, deliver: Any) -> None:
    register(invoke)
    assert own(invoke, claims=STRANGER)["statusCode"] == 403
    assert own(invoke, claims=OWN)["statusCode"] == 200
    assert own(invoke, claims=OFFICER, uscc=OTHER_USCC)["statusCode"] == 404


def test_the_national_feed_pages_with_a_token_that_keeps_as_of(invoke: Any, deliver: Any, clock: Any) -> None:
    # Given five published records
    register(invoke)
    post_events(invoke, *[penalty(f"PEN-{i}") for i in range(5)])
    deliver()
    # When read two at a time
    first = feed(invoke, limit="2")
    move(clock, "2028-01-01T12:00")  # the records expire meanwhile: the listing keeps its instant
    second = feed(invoke, limit="2", next_token=first["next_token"])
    third = feed(invoke, limit="2", next_token=second["next_token"])
    # Then every record is listed once, in order
    ids = [i["event_id"] for page in (first, second, third) for i in page["items"]]
    assert ids == [f"PEN-{i}" for i in range(5)]
    assert third["next_token"] is None
    # And a token with another as_of is refused
    bad = invoke("credit_views", api_event("credit_views/get_disclosures",
                                           query={"next_token": first["next_token"],
                                                  "as_of": "2026-11-01T00:00:00+08:00"}))
    assert bad["statusCode"] == 422


def test_arrears_watch_finds_later_thresholds_after_the_clock_went_forward_and_back(
        invoke: Any, deliver: Any, clock: Any) -> None:
    # Given the clock moved forward to 2027-03-06 and the schedule ran there (the old cursor reached that day)
    register(invoke)
    move(clock, "2027-03-06T00:20")
    run(invoke, "arrears-watch")
    # And the clock back to 2026-12-03, when a tax due 2026-10-31 is reported (D4 from 2027-02-01)
    move(clock, "2026-12-03T10:00")
    tax = {"event_id": "TAX-9", "uscc": USCC, "type": "TAX_OVERDUE", "business_line": "OWN_ACCOUNT",
           "decided_on": "2026-11-05", "due_on": "2026-10-31", "amount_cny": "52000.00",
           "document_no": "税催〔2026〕99号", "authority": "Beijing Customs Duty Office"}
    post_events(invoke, tax)
    deliver()
    # When the schedule runs on 2027-02-01 (CST)
    move(clock, "2027-02-01T00:20")
    ran = run(invoke, "arrears-watch")
    # Then the threshold is found (the cursor read nothing here), and the enterprise becomes DISCREDITED on D4
    assert (ran["enterprises_due"], ran["items_read"]) == (1, 1)
    deliver()
    (decision,) = decisions(invoke)
    assert [g["rule_id"] for g in decision["grounds"]] == ["D4"]
    # And a rerun finds nothing
    assert run(invoke, "arrears-watch")["enterprises_due"] == 0


def test_clean_period_upgrade_is_automatic_after_24_months_and_cites_arts_29_30(
        invoke: Any, deliver: Any, clock: Any) -> None:
    # Given a D2 penalty decided 2026-10-15 (DISCREDITED; the 24 months end 2028-10-15, automatic day 2028-10-16)
    register(invoke)
    post_events(invoke, penalty())
    deliver()
    # When the schedule runs on the last day of the 24 months, nothing is due
    move(clock, "2028-10-15T00:30")
    assert run(invoke, "clean-period-upgrades")["due"] == 0
    # And on the day after, the enterprise is re-evaluated and upgraded by a decision citing Arts 29-30
    move(clock, "2028-10-16T00:30")
    ran = run(invoke, "clean-period-upgrades")
    assert (ran["due"], ran["done"], ran["items_read"]) == (1, 1, 1)
    deliver()
    latest = decisions(invoke)[0]
    assert (latest["from_tier"], latest["to_tier"]) == ("DISCREDITED", "REGULAR")
    assert [(g["rule_id"], g["article"]) for g in latest["grounds"]] == [("AUTOMATIC_UPGRADE", "Arts 29-30")]
    # And a rerun does nothing
    assert run(invoke, "clean-period-upgrades")["due"] == 0


def test_unpaid_tax_is_never_upgraded_automatically(invoke: Any, deliver: Any, clock: Any) -> None:
    # Given D4 on a tax never paid (DISCREDITED from 2026-11-01)
    move(clock, "2026-09-01T10:00")
    register(invoke)
    tax = {"event_id": "TAX-1", "uscc": USCC, "type": "TAX_OVERDUE", "business_line": "OWN_ACCOUNT",
           "decided_on": "2026-08-05", "due_on": "2026-07-31", "amount_cny": "52000.00",
           "document_no": "税催〔2026〕77号", "authority": "Beijing Customs Duty Office"}
    post_events(invoke, tax)
    deliver()
    move(clock, "2026-11-01T00:20")
    run(invoke, "arrears-watch")
    deliver()
    assert decisions(invoke)[0]["to_tier"] == "DISCREDITED"
    # When the clean-period schedule runs 24 months and more later
    move(clock, "2029-01-01T00:30")
    # Then nothing is due and the enterprise stays DISCREDITED
    assert run(invoke, "clean-period-upgrades")["due"] == 0
    deliver()
    assert decisions(invoke)[0]["to_tier"] == "DISCREDITED"


def test_a_full_batch_on_one_enterprise_is_evaluated_and_every_record_announced_once(
        invoke: Any, deliver: Any, bus: Any) -> None:
    # Given a batch of 100 penalties on one enterprise (more events to announce than one transaction holds)
    register(invoke)
    post_events(invoke, *[penalty(f"PEN-{n:03d}", document_no=f"D-{n}") for n in range(100)])
    # When it is evaluated
    deliver()
    # Then the enterprise is downgraded by one decision, every record is on the feed and announced once
    assert [(d["from_tier"], d["to_tier"]) for d in decisions(invoke)] == [("REGULAR", "DISCREDITED")]
    assert len(feed(invoke, limit="100")["items"]) == 100
    announced = [e["event_id"] for e in bus_of(bus, "DisclosurePublished")]
    assert sorted(announced) == [f"PEN-{n:03d}" for n in range(100)]
    assert len(bus_of(bus, "TierChanged")) == 1
