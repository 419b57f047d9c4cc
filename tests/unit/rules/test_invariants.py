"""Properties that hold for every history (hypothesis).

- Another penalty never raises the tier.
- The order in which facts arrived never changes the result.
- The evaluation is a function of the facts and as_of only (same inputs, same output; no hidden state).
- Nothing is disclosed outside its window; restoration is never possible before the minimum period.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain import periods
from shared.domain.clock import CHINA_TZ
from shared.domain.credit_events import CreditEventType, EventRecord
from shared.domain.disclosure import classify
from shared.domain.periods import Period, first_day_after
from shared.domain.rules import ORDER_282, EnterpriseFacts, Severity, TierFact, TierFactKind, evaluate
from shared.domain.rules.dates import start_of_day
from shared.domain.tiers import Tier
from tests.unit.rules.builders import OTHER_USCC, USCC, violation

START = date(2025, 1, 1)
RECORD_TYPES = [t for t in CreditEventType if t not in (CreditEventType.ARREARS_SETTLED,
                                                         CreditEventType.PENALTY_REVOKED)]
# Weighted towards the types with thresholds, where boundaries are subtle.
TYPES = st.sampled_from(RECORD_TYPES + [CreditEventType.SUPERVISION_VIOLATION_PENALTY] * 6
                        + [CreditEventType.TAX_OVERDUE, CreditEventType.FINE_OVERDUE] * 2)
AMOUNTS = st.one_of(
    st.sampled_from(["0.00", "3000.00", "3000.01", "10000.00", "10000.01", "300000.00", "300000.01",
                     "500000.00", "500000.01", "1000000.00", "1000000.01", "2500000.00", "2500000.01"]),
    st.integers(min_value=0, max_value=300_000_000).map(lambda cents: f"{Decimal(cents) / 100:.2f}"),
)
DAYS = st.integers(min_value=0, max_value=1200).map(lambda n: START + timedelta(days=n))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def record_event(draw: st.DrawFn, event_id: str) -> EventRecord:
    etype = draw(TYPES)
    decided = draw(DAYS)
    kind = draw(st.sampled_from(["FINE", "FINE", "WARNING", "CONFISCATION", "OTHER", None]))
    amount: Decimal | None = Decimal(draw(AMOUNTS))
    due = None
    if etype in (CreditEventType.TAX_OVERDUE, CreditEventType.FINE_OVERDUE):
        kind = None
        due = decided - timedelta(days=draw(st.integers(0, 60)))
    elif kind == "WARNING" or (kind in (None, "OTHER") and draw(st.booleans())):
        amount = None
    return EventRecord.from_plain({
        "event_id": event_id, "uscc": USCC, "type": etype.value,
        "business_line": draw(st.sampled_from(["OWN_ACCOUNT", "BROKERAGE"])), "decided_on": decided,
        "amount_cny": amount, "due_on": due, "penalty_kind": kind, "intentional": draw(st.booleans()),
        "voluntary_disclosure": draw(st.integers(0, 4)) == 0,
    })


@st.composite
def histories(draw: st.DrawFn) -> EnterpriseFacts:
    n = draw(st.integers(min_value=0, max_value=14))
    events: list[EventRecord] = [draw(record_event(f"e{i}")) for i in range(n)]
    # settlements and revocations of earlier events
    for i, target in enumerate(list(events)):
        choice = draw(st.integers(0, 5))
        later = target.decided_on + timedelta(days=draw(st.integers(0, 400)))
        if choice == 0 and target.type in (CreditEventType.TAX_OVERDUE, CreditEventType.FINE_OVERDUE):
            events.append(EventRecord.from_plain({"event_id": f"s{i}", "uscc": USCC, "type": "ARREARS_SETTLED",
                                                  "business_line": "OWN_ACCOUNT", "decided_on": later,
                                                  "refers_to": target.event_id}))
        elif choice == 1:
            events.append(EventRecord.from_plain({"event_id": f"r{i}", "uscc": USCC, "type": "PENALTY_REVOKED",
                                                  "business_line": "OWN_ACCOUNT", "decided_on": later,
                                                  "refers_to": target.event_id}))
    tier_facts = []
    for j in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(list(TierFactKind)))
        instant = start_of_day(draw(DAYS)) + timedelta(hours=draw(st.integers(0, 23)))
        tier = draw(st.sampled_from([Tier.CERTIFIED, Tier.ADVANCED_CERTIFIED])) if kind is TierFactKind.CERTIFIED \
            else None
        tier_facts.append(TierFact(kind, instant, tier, f"f{j}"))
    volumes = {}
    for year in (2024, 2025, 2026, 2027):
        for line in ("OWN_ACCOUNT", "BROKERAGE"):
            if draw(st.booleans()):
                volumes[(year, line)] = draw(st.sampled_from([0, 1_000, 2_000, 10_000, 100_000]))
    return EnterpriseFacts(USCC, events=tuple(events), tier_facts=tuple(tier_facts),
                           declaration_volumes=volumes)  # type: ignore[arg-type]


AS_OF = DAYS.map(lambda d: start_of_day(d) + timedelta(hours=15))


def _rank(f: EnterpriseFacts, as_of: datetime) -> int:
    return evaluate(f, as_of, ORDER_282).tier.rank


@SETTINGS
@given(histories(), st.data(), AS_OF)
def test_another_penalty_never_raises_the_tier(f: EnterpriseFacts, data: st.DataObject, as_of: datetime) -> None:
    # Given any history, one more penalty (or arrears record), and any instant
    extra = data.draw(record_event("extra"))
    # When evaluated with and without it
    # Then the tier with the extra record is never better
    assert _rank(f.with_events(extra), as_of) <= _rank(f, as_of)


@SETTINGS
@given(histories(), st.randoms(use_true_random=False), AS_OF)
def test_order_of_arrival_never_changes_the_result(f: EnterpriseFacts, rnd: random.Random, as_of: datetime) -> None:
    # Given the same facts in another order
    events, tier_facts = list(f.events), list(f.tier_facts)
    rnd.shuffle(events)
    rnd.shuffle(tier_facts)
    shuffled = replace(f, events=tuple(events), tier_facts=tuple(tier_facts),
                       declaration_volumes=dict(reversed(list(f.declaration_volumes.items()))))
    # When evaluated / Then the same evaluation, to the last record and word
    first, second = evaluate(f, as_of), evaluate(shuffled, as_of)
    assert first == second
    assert first.to_dict() == second.to_dict()


@SETTINGS
@given(histories(), histories(), AS_OF)
def test_evaluation_is_a_function_of_facts_and_as_of(f: EnterpriseFacts, other: EnterpriseFacts,
                                                     as_of: datetime) -> None:
    # Given an evaluation
    before = evaluate(f, as_of).to_dict()
    # When the same inputs are evaluated again after unrelated work (another enterprise, cleared memos)
    evaluate(replace(other, uscc=OTHER_USCC), as_of + timedelta(days=400))
    periods._shift_months.cache_clear()
    start_of_day.cache_clear()
    # Then the result is identical, whatever the instant's timezone spelling
    assert evaluate(f, as_of).to_dict() == before
    utc = evaluate(f, as_of.astimezone(CHINA_TZ).astimezone(tz=None))
    assert utc.tier == evaluate(f, as_of).tier


@SETTINGS
@given(histories(), AS_OF)
def test_nothing_is_disclosed_outside_its_window(f: EnterpriseFacts, as_of: datetime) -> None:
    # Given every classified record / When checked day by day around its window
    for c in evaluate(f, as_of).records:
        if c.severity is None:
            assert not c.disclosed_on(as_of.date())
            continue
        assert c.disclosure_from is not None
        assert c.restorable_from is not None
        rule = ORDER_282.severity_rules[c.severity]
        # Then restoration is never before the minimum period is over (from the day after its last day) ...
        assert c.restorable_from >= (c.disclosure_from if rule.min_months is None
                                     else first_day_after(c.disclosure_from, Period.months(rule.min_months)))
        # ... and the record is disclosed exactly inside [from, until) before any withdrawal/restoration
        probes = [c.disclosure_from - timedelta(days=1), c.disclosure_from, as_of.date()]
        if c.disclosure_until is not None:
            probes += [c.disclosure_until - timedelta(days=1), c.disclosure_until]
        for probe in probes:
            inside = (rule.published and c.disclosure_from <= probe
                      and (c.disclosure_until is None or probe < c.disclosure_until)
                      and (c.withdrawn_on is None or probe < c.withdrawn_on))
            assert c.disclosed_on(probe) is inside
        if c.severity is Severity.MINOR:
            assert not c.published


def _grounds_only_when_downgraded(evaluation: Any) -> bool:
    return bool(evaluation.grounds) == (evaluation.tier in (Tier.DISCREDITED, Tier.SERIOUSLY_DISCREDITED))


@SETTINGS
@given(histories(), AS_OF)
def test_grounds_cite_counted_events_and_exist_exactly_when_downgraded(f: EnterpriseFacts, as_of: datetime) -> None:
    # Given any evaluation
    result = evaluate(f, as_of)
    counted = {r.event_id for r in result.records if r.withdrawn_on is None}
    # Then grounds are there exactly when DISCREDITED/SD, cite only counted events, and arose by as_of
    assert _grounds_only_when_downgraded(result)
    for ground in result.grounds:
        assert set(ground.evidence) <= counted
        assert ground.arose_on <= as_of.astimezone(CHINA_TZ).date()
    # ... and an AEO tier never coexists with a downgrade
    assert not (result.tier.is_aeo and result.grounds)


def test_adding_a_penalty_example_from_the_issue() -> None:
    # Given a REGULAR enterprise with one small penalty / When a big one is added / Then never better
    base = EnterpriseFacts(USCC, events=(violation("2026-04-10", "600000.00"),))
    worse = base.with_events(violation("2026-04-20", "600000.00"))
    as_of = datetime(2026, 5, 1, tzinfo=CHINA_TZ)
    assert evaluate(base, as_of).tier is Tier.REGULAR
    assert evaluate(worse, as_of).tier is Tier.DISCREDITED


@st.composite
def dense_violations(draw: st.DrawFn, prefix: str, max_size: int = 14) -> list[EventRecord]:
    """Violations packed into a few months on few lines: windows where D3's thresholds are crossed."""
    count = draw(st.integers(0, max_size))
    return [EventRecord.from_plain({
        "event_id": f"{prefix}{i}", "uscc": USCC, "type": "SUPERVISION_VIOLATION_PENALTY",
        "business_line": draw(st.sampled_from(["OWN_ACCOUNT", "BROKERAGE"])),
        "decided_on": date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 450))),
        "penalty_kind": "FINE", "amount_cny": Decimal(draw(st.integers(0, 90)) * 25_000),
        "intentional": draw(st.integers(0, 5)) > 0, "voluntary_disclosure": draw(st.integers(0, 5)) == 0,
    }) for i in range(count)]


@settings(max_examples=300, deadline=None)
@given(dense_violations("e"), dense_violations("x", 3),
       st.sampled_from([None, 1_000, 2_000, 3_000, 5_000, 10_000]),
       st.integers(0, 700).map(lambda n: start_of_day(date(2026, 1, 1) + timedelta(days=n))))
@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_more_violations_never_raise_the_tier(base: list[EventRecord], extra: list[EventRecord],
                                              documents: int | None, as_of: datetime) -> None:
    # Given dense violations, last year's documents (or none), and a few more violations
    volumes = {} if documents is None else {(2025, line): documents for line in ("OWN_ACCOUNT", "BROKERAGE")} | {
        (2026, line): documents * 2 for line in ("OWN_ACCOUNT", "BROKERAGE")}
    f = EnterpriseFacts(USCC, events=tuple(base), declaration_volumes=volumes)  # type: ignore[arg-type]
    # When evaluated with and without the extra ones / Then never a better tier
    assert _rank(f.with_events(*extra), as_of) <= _rank(f, as_of)


@SETTINGS
@given(histories(), AS_OF)
def test_each_record_classified_alone_matches_the_evaluation(f: EnterpriseFacts, as_of: datetime) -> None:
    # Given any evaluation / When each record is classified on its own with the same facts and instant
    # Then the classification is the same (the bulk path and the single-record path agree)
    for c in evaluate(f, as_of).records:
        source = next(e for e in f.events if e.event_id == c.event_id)
        assert classify(source, f, ORDER_282, as_of) == c
