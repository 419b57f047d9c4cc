"""Disclosure items and the feed window, pure: what `plan_disclosures` writes for each record and what
the feed shows of it at any day (Arts 33-35; periods after Civil Code Arts 200-204)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.clock import CHINA_TZ, iso_instant
from shared.domain.credit_events import canonical_content
from shared.domain.disclosure_feed import on_feed_at, public_view, status_at
from shared.domain.rules import RecordRestoration
from shared.usecases.disclosure_sync import disclosure_overrides, plan_disclosures
from tests.unit.rules.builders import USCC, at, day, evaluate_on, event, facts, fine, revoked, violation


def stored(*events: Any) -> list[dict[str, Any]]:
    return [{**canonical_content(e)} for e in events]


def plan_on(when: str, *events: Any, existing: list[dict[str, Any]] | None = None, **kw: Any) -> Any:
    plain = stored(*events)
    evaluation = evaluate_on(when, *events, disclosure_overrides=disclosure_overrides(plain), **kw)
    return plan_disclosures(USCC, "Demo Co.", plain, existing or [], evaluation.records, at(when))


def only_item(plan: Any) -> dict[str, Any]:
    ((item, _version),) = plan.writes
    return item  # type: ignore[no-any-return]


def sent(item: dict[str, Any]) -> dict[str, Any]:
    """The item as stored once the bus accepted its events."""
    return {k: v for k, v in item.items() if k != "pending_events"}


def noon(text: str) -> str:
    return iso_instant(at(text))


@pytest.mark.pins("CHOICE-DISCLOSURE-WINDOW")
def test_a_general_record_is_shown_through_its_last_day_and_not_the_next() -> None:
    # Given a GENERAL penalty decided 2026-04-15, published when evaluated that day
    item = only_item(plan_on("2026-04-15", violation("2026-04-15", "50000.00")))
    # Then it is shown through 2027-04-15 and off from 2027-04-16 (the rules' own example)
    assert (item["published_from"], item["published_until"]) == ("2026-04-15", "2027-04-15")
    assert on_feed_at(item, day("2027-04-15"), noon("2027-04-15"))
    assert not on_feed_at(item, day("2027-04-16"), noon("2027-04-16"))
    assert status_at(item, day("2027-04-16")) == ("EXPIRED", "2027-04-16")
    # And its expiry is due on the first day it is off
    assert item["gsi2sk"].startswith("2027-04-16#")
    assert item["gsi3sk"].startswith("2027-04-15#")


def test_a_period_ending_in_a_shorter_month_ends_on_its_last_day() -> None:
    # Given a penalty of 2026-01-31 that another law discloses for 1 month
    penalty = violation("2026-01-31", "50000.00", disclosure_months=1, disclosure_basis="Law X Art 1")
    item = only_item(plan_on("2026-02-01", penalty))
    # Then it is shown through 2026-02-28 and off on 2026-03-01
    assert item["published_until"] == "2026-02-28"
    assert on_feed_at(item, day("2026-02-28"), noon("2026-02-28"))
    assert not on_feed_at(item, day("2026-03-01"), noon("2026-03-01"))


def test_a_serious_record_of_a_leap_day_is_shown_for_36_months() -> None:
    crime = event("SMUGGLING_CRIME", "2028-02-29")
    item = only_item(plan_on("2028-03-01", crime))
    assert (item["severity"], item["published_until"]) == ("SERIOUS", "2031-02-28")


def test_a_published_record_emits_once_and_a_minor_one_never() -> None:
    general = violation("2026-06-01", "50000.00")
    warning = event("SUPERVISION_VIOLATION_PENALTY", "2026-06-01", penalty_kind="WARNING")
    plan = plan_on("2026-06-02", general, warning)
    by_id = {item["event_id"]: item for item, _ in plan.writes}
    assert by_id[general.event_id]["status"] == "PUBLISHED"
    assert by_id[warning.event_id]["status"] == "NOT_PUBLISHED"
    assert "gsi3pk" not in by_id[warning.event_id]
    assert "gsi2pk" not in by_id[warning.event_id]
    assert [(t, d["event_id"]) for t, d in plan.events] == [("DisclosurePublished", general.event_id)]
    # And the item keeps no copy of it: the event goes into the evaluation's transaction (the outbox)
    assert "pending_events" not in by_id[general.event_id]
    # When evaluated again with those items stored, nothing is written and nothing emitted
    again = plan_on("2026-06-03", general, warning, existing=[sent(i) for i in by_id.values()])
    assert (again.writes, again.events) == ([], [])


@pytest.mark.pins("CHOICE-DISCLOSURE-ITEMS")
def test_a_record_learnt_of_after_its_window_was_never_on_the_feed() -> None:
    # Given a penalty of 2024-01-10 reported in 2026 (its window ended 2025-01-10)
    item = only_item(plan_on("2026-06-02", violation("2024-01-10", "50000.00")))
    assert (item["status"], item["ended_on"]) == ("EXPIRED", "2025-01-11")
    assert "published_at" not in item
    assert "gsi3pk" not in item
    assert not on_feed_at(item, day("2024-06-01"), noon("2026-06-02"))


def test_a_revocation_ends_it_as_withdrawn_and_the_first_end_is_final() -> None:
    penalty = violation("2026-06-01", "50000.00")
    first = sent(only_item(plan_on("2026-06-02", penalty)))
    revocation = revoked(penalty, "2026-07-01")
    plan = plan_on("2026-07-01", penalty, revocation, existing=[first])
    ended = only_item(plan)
    assert (ended["status"], ended["ended_on"], ended["version"]) == ("WITHDRAWN", "2026-07-01", 2)
    assert "gsi2pk" not in ended  # its expiry is no longer due
    assert ended["gsi3sk"] == first["gsi3sk"]  # a past as_of inside its window still finds it
    assert [(t, d["reason"]) for t, d in plan.events] == [("DisclosureEnded", "WITHDRAWN")]
    assert on_feed_at(ended, day("2026-06-30"), noon("2026-07-02"))
    assert not on_feed_at(ended, day("2026-07-01"), noon("2026-07-02"))
    # And a later restoration changes nothing: the first end is final
    restoration = RecordRestoration(at("2026-08-01"), (penalty.event_id,), "R-1")
    later = plan_on("2026-08-02", penalty, revocation, existing=[sent(ended)], record_restorations=(restoration,))
    assert (later.writes, later.events) == ([], [])


def test_an_approved_restoration_ends_it_as_restored() -> None:
    penalty = violation("2026-06-01", "50000.00")
    first = sent(only_item(plan_on("2026-06-02", penalty)))
    restoration = RecordRestoration(at("2026-09-10"), (penalty.event_id,), "R-1")
    plan = plan_on("2026-09-10", penalty, existing=[first], record_restorations=(restoration,))
    assert (only_item(plan)["status"], only_item(plan)["ended_on"]) == ("RESTORED", "2026-09-10")
    assert [d["reason"] for _, d in plan.events] == ["RESTORED"]


def test_a_stored_item_is_not_announced_again() -> None:
    penalty = violation("2026-06-01", "50000.00")
    first = only_item(plan_on("2026-06-02", penalty))  # stored, its DisclosurePublished in the same transaction
    again = plan_on("2026-06-03", penalty, existing=[first])
    assert (again.writes, again.events) == ([], [])  # delivery is the outbox's: never re-sent from the item


def test_the_public_view_shows_no_amount_and_no_private_field() -> None:
    item = only_item(plan_on("2026-06-02", fine("SMUGGLING_PENALTY", "2026-06-01", "250000.00",
                                                description="internal note")))
    view = public_view(item, day("2026-06-02"))
    assert set(view) == {"uscc", "name", "event_id", "type", "severity", "rule_ids", "authority", "document_no",
                         "decided_on", "summary", "published_from", "published_until", "status"}
    assert "250000" not in str(view)
    assert "internal note" not in str(view)


KINDS = st.sampled_from([("SUPERVISION_VIOLATION_PENALTY", "FINE", "50000.00"),
                         ("SUPERVISION_VIOLATION_PENALTY", "WARNING", None),
                         ("SMUGGLING_PENALTY", "FINE", "250000.00"), ("SMUGGLING_CRIME", None, None)])


@settings(max_examples=150, deadline=None)
@given(decided=st.dates(date(2026, 4, 1), date(2028, 12, 31)), kind=KINDS,
       months=st.one_of(st.none(), st.integers(1, 60)), learnt_after=st.integers(0, 2000),
       revoked_after=st.one_of(st.none(), st.integers(0, 1500)), asked=st.integers(-30, 2500),
       asked_at=st.integers(-400, 2500))
def test_nothing_is_on_the_feed_outside_its_window(decided: date, kind: tuple[str, str | None, str | None],
                                                   months: int | None, learnt_after: int, revoked_after: int | None,
                                                   asked: int, asked_at: int) -> None:
    # Given any record, learnt of some days after its decision, perhaps revoked later
    etype, penalty_kind, amount = kind
    extra: dict[str, Any] = {"disclosure_months": months, "disclosure_basis": "Law X"} if months else {}
    record = event(etype, decided.isoformat(), penalty_kind=penalty_kind, amount_cny=amount, **extra)
    learnt = decided + timedelta(days=learnt_after)
    events = [record]
    item = only_item(plan_on(learnt.isoformat(), record))
    if revoked_after is not None and item["status"] == "PUBLISHED":
        revocation_day = learnt + timedelta(days=revoked_after)
        revocation = revoked(record, revocation_day.isoformat())
        events.append(revocation)
        item = only_item(plan_on(revocation_day.isoformat(), *events, existing=[item]))
    # When the feed is read for any day, as known at any instant
    shown_day = decided + timedelta(days=asked)
    instant = datetime.combine(learnt + timedelta(days=asked_at), datetime.min.time(), CHINA_TZ).astimezone(UTC)
    if on_feed_at(item, shown_day, iso_instant(instant)):
        # Then it is inside its window, not ended, published, and the system had published it by then
        classification = evaluate_on(learnt.isoformat(), record,
                                     disclosure_overrides=disclosure_overrides(stored(record))).records[0]
        assert classification.published
        assert classification.disclosure_from is not None
        assert classification.disclosure_from <= shown_day
        assert shown_day <= date.fromisoformat(item["published_until"])
        assert classification.disclosed_on(shown_day)
        assert item.get("ended_on") is None or shown_day < date.fromisoformat(item["ended_on"])
        assert item["published_at"] <= iso_instant(instant)
        assert facts(record).uscc == USCC
