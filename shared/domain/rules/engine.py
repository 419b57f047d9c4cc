"""The credit rules engine: `evaluate(facts, as_of, pack)` -> `Evaluation`. Pure and deterministic.

The result is a function of the facts and `as_of` only: no clock, no storage, no environment, no
dependence on the order facts arrived in. Semantics (see each module for details):

1. Rule pack. The pack passed in, or the one in force at `as_of` (`registry.select`); one pack
   governs the whole evaluation. Before the earliest loaded pack the earliest is applied and the
   result says so (`rule_pack_in_force=False`, `rule_pack_note`).
2. What counts (`counting`). The evaluation date is `as_of`'s CST date. Events decided after it do
   not exist yet. A `PENALTY_REVOKED` decided on or before it removes its event from the whole
   history (it never counted). An `ARREARS_SETTLED` decided on or before it settles its arrears on
   that day.
3. Grounds (`grounds/`, one module per trigger kind; which event type grounds which rule is data in
   the pack). Every arising of every enabled rule up to the evaluation date, with its day and
   evidence: single-event rules on `decided_on`; D4/D5 on the day after due date + N months unless
   paid before that day; D3 per business line on each day the 12-month window ending that day
   exceeds both thresholds (amount alone when last year's documents are unknown).
4. Tier (`timeline`). Replay grounds and tier facts in time order from REGULAR: a ground makes the
   enterprise DISCREDITED (S-grounds: SERIOUSLY_DISCREDITED) from the day it arose and removes any
   certificate; downgrades are sticky until an approved upgrade or the automatic clean period (24 /
   36 months with no new ground), both to REGULAR; without a downgrade the tier is the certified
   tier if a certification holds, else REGULAR.
5. Corrections. When a revocation removes an event that grounded a downgrade, the evaluation is a
   correction: `corrections` cites each revocation, the event it revoked, the rules that event
   grounded, and the tier the enterprise would hold without the revocations.
6. Records (`severity`). Every counted record (and every withdrawn one) is classified
   MINOR/GENERAL/SERIOUS with its disclosure window.
7. Restoration notice. Per current ground: the upgrade route (earliest application day, or "no
   application route", or "after settlement"), the automatic restoration day and the documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property, partial
from itertools import chain
from typing import Any

from shared.domain.clock import china_date
from shared.domain.credit_events import EventLike
from shared.domain.errors import ValidationFailed
from shared.domain.rules.counting import Counted, count_events
from shared.domain.rules.dates import add_months
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds import Occurrence, find_occurrences, pending_thresholds
from shared.domain.rules.model import CountedFrom, RulePack
from shared.domain.rules.registry import DEFAULT_REGISTRY, PackRegistry, PackSelection
from shared.domain.rules.severity import RecordClassification, classify_record, classify_records
from shared.domain.rules.timeline import Replay, Transition, replay
from shared.domain.tiers import Tier

_DOWNGRADED = frozenset({Tier.DISCREDITED, Tier.SERIOUSLY_DISCREDITED})


@dataclass(frozen=True)
class Ground:
    """One rule grounding the downgrade in force: all its arisings in the current downgrade together.

    `arose_on` is its first arising in this downgrade, `last_arose_on` its latest (a new arising of a
    ground restarts its waiting period and the automatic clean period); `evidence` every event that
    proved it; `summary` describes the latest arising."""

    rule_id: str
    article: str
    summary: str
    evidence: tuple[str, ...]
    arose_on: date
    consequence: Tier
    last_arose_on: date
    arisings: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "article": self.article, "summary": self.summary,
                "evidence": list(self.evidence), "arose_on": self.arose_on.isoformat(),
                "last_arose_on": self.last_arose_on.isoformat(), "arisings": self.arisings,
                "consequence": self.consequence.value}


def _by_rule(episode: Iterable[Occurrence]) -> dict[str, list[Occurrence]]:
    groups: dict[str, list[Occurrence]] = {}
    for occurrence in episode:
        group = groups.get(occurrence.rule.rule_id)
        if group is None:
            groups[occurrence.rule.rule_id] = [occurrence]
        else:
            group.append(occurrence)
    return groups


def _grounds(groups: dict[str, list[Occurrence]]) -> tuple[Ground, ...]:
    grounds = []
    for occurrences in groups.values():
        first, last = occurrences[0], occurrences[-1]
        rule = first.rule
        evidence = tuple(dict.fromkeys(chain.from_iterable(o.evidence for o in occurrences)))
        summary = last.summary
        if len(occurrences) > 1:
            summary += (f" [arose {len(occurrences)} times in this downgrade, first on "
                        f"{first.arose_on.isoformat()}]")
        grounds.append(Ground(rule.rule_id, rule.article, summary, evidence, first.arose_on, rule.consequence,
                              last.arose_on, len(occurrences)))
    return tuple(grounds)


class Route(StrEnum):
    APPLICATION = "APPLICATION"  # may apply from `application_from`
    AFTER_SETTLEMENT = "AFTER_SETTLEMENT"  # arrears unpaid: the waiting period starts when paid
    NO_APPLICATION_ROUTE = "NO_APPLICATION_ROUTE"  # automatic restoration only


@dataclass(frozen=True)
class GroundRoute:
    rule_id: str
    article: str
    arose_on: date
    route: Route
    waiting_months: int | None
    counted_from: CountedFrom
    application_from: date | None

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "article": self.article, "arose_on": self.arose_on.isoformat(),
                "route": self.route.value, "waiting_months": self.waiting_months,
                "counted_from": self.counted_from.value,
                "application_from": None if self.application_from is None else self.application_from.isoformat()}


@dataclass(frozen=True)
class RestorationNotice:
    """How and when the tier in force can be restored (served with every tier decision, "两书同达")."""

    tier: Tier
    downgraded: bool
    application_route: bool  # every current ground has an application route
    earliest_application_on: date | None  # None: no route, or a waiting period has not started (unpaid arrears)
    automatic_on: date | None  # restored automatically on this day if no new ground arises first
    target_tier: Tier | None
    grounds: tuple[GroundRoute, ...]
    documents: tuple[str, ...]
    document_substitutes: tuple[tuple[str, str], ...]
    articles: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
        return {
            "tier": self.tier.value, "downgraded": self.downgraded, "application_route": self.application_route,
            "earliest_application_on": iso(self.earliest_application_on), "automatic_on": iso(self.automatic_on),
            "target_tier": None if self.target_tier is None else self.target_tier.value,
            "grounds": [g.to_dict() for g in self.grounds], "documents": list(self.documents),
            "document_substitutes": dict(self.document_substitutes),
            "articles": list(self.articles), "text": self.text,
        }


@dataclass(frozen=True)
class Correction:
    """A revocation that removed an event which grounded a rule: the tier decision it leads to is a correction."""

    revocation_event_id: str
    revoked_event_id: str
    revoked_on: date
    rule_ids: tuple[str, ...]  # what the revoked event grounded
    tier_without_correction: Tier  # the tier the enterprise would hold if no revocation counted

    def to_dict(self) -> dict[str, Any]:
        return {"revocation_event_id": self.revocation_event_id, "revoked_event_id": self.revoked_event_id,
                "revoked_on": self.revoked_on.isoformat(), "rule_ids": list(self.rule_ids),
                "tier_without_correction": self.tier_without_correction.value}


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The result of `evaluate`. Immutable. `records` (the per-record classification) is derived on
    first access and cached: bulk re-evaluations that read the tier and grounds do not pay for it.
    Equality compares every field and the records."""

    uscc: str
    as_of: datetime
    tier: Tier
    tier_since: datetime | None  # None: the tier has not changed since the start (REGULAR)
    grounds: tuple[Ground, ...]  # the grounds of the downgrade in force (empty when not downgraded)
    rule_pack: str
    rule_pack_in_force: bool
    rule_pack_note: str | None
    explanation: str
    restoration_notice: RestorationNotice
    classify_records: Callable[[], tuple[RecordClassification, ...]] = field(repr=False)
    corrections: tuple[Correction, ...]
    transitions: tuple[Transition, ...]  # the tier history up to as_of
    notes: tuple[str, ...]
    next_change_on: date | None  # the next day the tier may change without new facts
    simulated_event_ids: tuple[str, ...] = ()

    @cached_property
    def records(self) -> tuple[RecordClassification, ...]:
        """Every counted record (by decided_on, event_id), then the withdrawn ones, classified (Arts 33-35)."""
        return self.classify_records()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        names = [f.name for f in fields(self) if f.name != "classify_records"]
        return (all(getattr(self, n) == getattr(other, n) for n in names)
                and self.records == other.records)

    __hash__ = None  # type: ignore[assignment]

    @property
    def is_aeo(self) -> bool:
        return self.tier.is_aeo

    @property
    def is_correction(self) -> bool:
        return bool(self.corrections)

    def citations(self) -> list[dict[str, Any]]:
        """Grounds in the decision shape of API.md (`{rule_id, article, summary, evidence}`)."""
        return [{"rule_id": g.rule_id, "article": g.article, "summary": g.summary, "evidence": list(g.evidence)}
                for g in self.grounds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc, "as_of": self.as_of.isoformat(), "tier": self.tier.value, "is_aeo": self.is_aeo,
            "tier_since": None if self.tier_since is None else self.tier_since.isoformat(),
            "grounds": [g.to_dict() for g in self.grounds], "rule_pack": self.rule_pack,
            "rule_pack_in_force": self.rule_pack_in_force, "rule_pack_note": self.rule_pack_note,
            "explanation": self.explanation, "restoration_notice": self.restoration_notice.to_dict(),
            "records": [r.to_dict() for r in self.records],
            "corrections": [c.to_dict() for c in self.corrections],
            "transitions": [t.to_dict() for t in self.transitions], "notes": list(self.notes),
            "next_change_on": None if self.next_change_on is None else self.next_change_on.isoformat(),
            "simulated_event_ids": list(self.simulated_event_ids),
        }


# ---------------------------------------------------------------------------------------------

def _selection(as_of: datetime, pack: RulePack | None, registry: PackRegistry) -> PackSelection:
    if pack is None:
        return registry.select(as_of)
    day = china_date(as_of)
    if pack.effective_from <= day:
        return PackSelection(pack, True, None)
    return PackSelection(pack, False, f"{pack.pack_id} takes effect on {pack.effective_from.isoformat()}, after "
                                      f"{day.isoformat()}; it was applied as requested.")


class Grounded:
    """Which rules each event grounded, from a list of occurrences (any time in the history)."""

    __slots__ = ("by_event", "first_day", "per_rule")

    def __init__(self, occurrences: Iterable[Occurrence], order: Mapping[str, int]) -> None:
        per_rule: dict[str, set[str]] = {}
        first_day: dict[str, date] = {}
        for occurrence in occurrences:
            rule_id = occurrence.rule.rule_id
            evidence = occurrence.evidence
            found = per_rule.get(rule_id)
            if found is None:
                per_rule[rule_id] = set(evidence)
            else:
                found.update(evidence)
            if len(evidence) == 1 and evidence[0] not in first_day:
                # the day a single-event ground (e.g. overdue arrears) first arose from this event
                first_day[evidence[0]] = occurrence.arose_on
        self.per_rule = sorted(per_rule.items(), key=lambda item: order[item[0]])
        self.first_day = first_day
        by_event: dict[str, tuple[str, ...]] = {}
        for rule_id, ids in self.per_rule:
            for event_id in ids:
                by_event[event_id] = (*by_event.get(event_id, ()), rule_id)
        self.by_event = by_event

    def rule_ids(self, event_id: str) -> tuple[str, ...]:
        """The rules `event_id` grounded, in pack order."""
        return self.by_event.get(event_id, ())


def _grounded(occurrences: Iterable[Occurrence], pack: RulePack) -> Grounded:
    return Grounded(occurrences, pack.rule_order)


def _records(pack: RulePack, facts: EnterpriseFacts, counted: Counted, occurrences: list[Occurrence],
             withdrawn_grounds: Grounded | None, as_of: datetime) -> tuple[RecordClassification, ...]:
    grounded = _grounded(occurrences, pack)
    restored: dict[str, date] = {}
    for restoration in facts.record_restorations:
        if restoration.at > as_of:
            continue
        day = china_date(restoration.at)
        for event_id in restoration.event_ids:
            if event_id not in restored or day < restored[event_id]:
                restored[event_id] = day
    overrides = facts.disclosure_overrides
    result = classify_records(counted.records, pack, grounded.by_event, grounded.first_day, overrides, restored)
    for event in counted.withdrawn:
        event_id = event.event_id
        rule_ids = withdrawn_grounds.rule_ids(event_id) if withdrawn_grounds is not None else ()
        result.append(classify_record(
            event, pack, rule_ids,
            withdrawn_grounds.first_day.get(event_id) if withdrawn_grounds is not None else None,
            overrides.get(event_id) if overrides else None, counted.revocations[event_id].decided_on,
            restored.get(event_id),
        ))
    return tuple(result)


def _notice(pack: RulePack, state: Replay, groups: dict[str, list[Occurrence]]) -> RestorationNotice:
    restoration = pack.restoration
    tiers = pack.tier_restoration
    documents = restoration.required_documents
    substitutes = tuple(sorted(restoration.substitutes.items()))
    articles = (tiers.article, restoration.article)
    if state.tier not in _DOWNGRADED:
        return RestorationNotice(state.tier, False, False, None, None, None, (), documents, substitutes, articles,
                                 f"The enterprise is {state.tier.value}: no downgrade is in force, nothing to restore.")
    routes: list[GroundRoute] = []
    for occurrences in groups.values():
        rule = occurrences[0].rule
        upgrade = rule.upgrade
        start: date | None = None
        if upgrade.months is None:
            route = Route.NO_APPLICATION_ROUTE
        elif upgrade.counted_from is CountedFrom.SETTLEMENT:
            settled = [o.settled_on for o in occurrences]
            if any(d is None for d in settled):
                route = Route.AFTER_SETTLEMENT
            else:
                route = Route.APPLICATION
                start = max(add_months(d, upgrade.months) for d in settled if d is not None)
        else:
            route = Route.APPLICATION
            start = add_months(occurrences[-1].arose_on, upgrade.months)
        routes.append(GroundRoute(rule.rule_id, rule.article, occurrences[0].arose_on, route, upgrade.months,
                                  upgrade.counted_from, start))
    all_apply = all(r.route is Route.APPLICATION for r in routes)
    has_route = all(r.route is not Route.NO_APPLICATION_ROUTE for r in routes)
    earliest = max(r.application_from for r in routes if r.application_from is not None) if all_apply else None
    automatic = state.automatic_on  # None while arrears of the episode are unpaid (counted from settlement)
    target = tiers.target_tier
    parts: list[str] = []
    if not has_route:
        blocked = ", ".join(sorted({r.rule_id for r in routes if r.route is Route.NO_APPLICATION_ROUTE}))
        parts.append(f"No upgrade on application: {blocked} has no application route ({tiers.article}).")
    elif earliest is not None:
        parts.append(f"The enterprise may apply for an upgrade to {target.value} from {earliest.isoformat()} once the "
                     f"conduct is corrected and obligations are fulfilled ({tiers.article}).")
    else:
        pending = ", ".join(r.rule_id for r in routes if r.route is Route.AFTER_SETTLEMENT)
        parts.append(f"Upgrade on application is possible only after the arrears of {pending} are paid: the waiting "
                     f"period counts from settlement ({tiers.article}).")
    if automatic is not None:
        parts.append(f"Automatic restoration to {target.value} on {automatic.isoformat()} if no new ground arises "
                     f"before then.")
    elif state.tier in tiers.automatic_months:
        parts.append(f"No automatic restoration while arrears are unpaid: the clean period counts from settlement "
                     f"({tiers.article}).")
    docs = " and ".join(documents)
    subs = "; ".join(f"a {k} replaces the {v}" for k, v in substitutes)
    parts.append(f"Documents: {docs}{' (' + subs + ')' if subs else ''} ({restoration.article}).")
    return RestorationNotice(state.tier, True, has_route, earliest, automatic, target, tuple(routes), documents,
                             substitutes, articles, " ".join(parts))


def _explanation(facts: EnterpriseFacts, as_of_day: date, selection: PackSelection, state: Replay,
                 grounds: tuple[Ground, ...], notice: RestorationNotice, corrections: tuple[Correction, ...]) -> str:
    pack = selection.pack
    text = [f"As of {as_of_day.isoformat()} (CST), under rule pack {pack.pack_id} (in force from "
            f"{pack.effective_from.isoformat()}), enterprise {facts.uscc} is {state.tier.value}"]
    if state.since is not None:
        text.append(f" since {china_date(state.since).isoformat()}")
    text.append(".")
    if not selection.in_force and selection.note:
        text.append(f" Provisional: {selection.note}")
    if grounds:
        cited = "; ".join(f"{g.rule_id} ({g.article}) arose on {g.arose_on.isoformat()}, evidence "
                          f"{', '.join(g.evidence)}: {g.summary}" for g in grounds)
        text.append(f" Grounds: {cited}.")
        text.append(f" {notice.text}")
    elif state.transitions and state.transitions[-1].cause.value in ("UPGRADE", "AUTOMATIC_RESTORATION"):
        last = state.transitions[-1]
        text.append(f" A downgrade ({', '.join(last.rule_ids)}) ended on {china_date(last.at).isoformat()} by "
                    f"{'an approved upgrade' if last.cause.value == 'UPGRADE' else 'automatic restoration'} "
                    f"({pack.tier_restoration.article}); a certificate held before the downgrade is not restored.")
    elif state.tier.is_aeo:
        text.append(f" The enterprise holds a {state.tier.value} certificate and is an AEO (Art 8); no ground of "
                    f"Art 15 or Art 16 has arisen.")
    else:
        text.append(" No ground of Art 15 or Art 16 has arisen.")
    for correction in corrections:
        text.append(f" Correction: {correction.revoked_event_id} was revoked by {correction.revocation_event_id} on "
                    f"{correction.revoked_on.isoformat()}, so what it grounded ({', '.join(correction.rule_ids)}) no "
                    f"longer counts; without the revocation the tier would be "
                    f"{correction.tier_without_correction.value}.")
    return "".join(text)


def _corrections(pack: RulePack, facts: EnterpriseFacts, counted: Counted, as_of: datetime
                 ) -> tuple[tuple[Correction, ...], Grounded | None]:
    if not counted.revocations:
        return (), None
    uncorrected = count_events(facts.events, counted.day, apply_revocations=False)
    occurrences = find_occurrences(pack, uncorrected, facts)
    grounded = _grounded(occurrences, pack)
    without = replay(pack, occurrences, facts.tier_facts, as_of)
    corrections = []
    for event_id, revocation in sorted(counted.revocations.items(), key=lambda kv: (kv[1].decided_on, kv[0])):
        rule_ids = grounded.rule_ids(event_id)
        if not rule_ids:
            continue
        corrections.append(Correction(revocation.event_id, event_id, revocation.decided_on, rule_ids,
                                      without.tier))
    return tuple(corrections), grounded


def evaluate(facts: EnterpriseFacts, as_of: datetime, pack: RulePack | None = None, *,
             registry: PackRegistry = DEFAULT_REGISTRY) -> Evaluation:
    """The enterprise's tier, grounds, records and restoration notice at `as_of` (timezone-aware)."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    selection = _selection(as_of, pack, registry)
    rules = selection.pack
    day = china_date(as_of)
    counted = count_events(facts.events, day)
    occurrences = find_occurrences(rules, counted, facts)
    state = replay(rules, occurrences, facts.tier_facts, as_of)
    corrections, withdrawn_grounds = _corrections(rules, facts, counted, as_of)
    groups = _by_rule(state.episode)
    grounds = _grounds(groups)
    notice = _notice(rules, state, groups)
    upcoming = list(pending_thresholds(rules, counted))
    if notice.automatic_on is not None:
        upcoming.append(notice.automatic_on)
    return Evaluation(
        uscc=facts.uscc, as_of=as_of, tier=state.tier, tier_since=state.since, grounds=grounds,
        rule_pack=rules.pack_id, rule_pack_in_force=selection.in_force, rule_pack_note=selection.note,
        explanation=_explanation(facts, day, selection, state, grounds, notice, corrections),
        restoration_notice=notice,
        classify_records=partial(_records, rules, facts, counted, occurrences, withdrawn_grounds, as_of),
        corrections=corrections, transitions=state.transitions,
        notes=state.notes, next_change_on=min(upcoming) if upcoming else None,
    )


def simulate(facts: EnterpriseFacts, extra_events: Iterable[EventLike], as_of: datetime,
             pack: RulePack | None = None, *, registry: PackRegistry = DEFAULT_REGISTRY) -> Evaluation:
    """`evaluate` on the facts plus hypothetical events; stores nothing (nothing here ever does).

    An extra event whose `event_id` is already among the facts is refused (422), unless it is the
    very same event. Extra events decided after `as_of` do not exist yet: simulate at a later `as_of`."""
    known = {e.event_id: e for e in facts.events}
    extra = list(extra_events)
    errors = []
    added: list[EventLike] = []
    seen: set[str] = set()
    for index, event in enumerate(extra):
        if event.event_id in seen:
            errors.append({"loc": ["extra_events", index, "event_id"], "msg": "event_id repeated in extra_events"})
            continue
        seen.add(event.event_id)
        existing = known.get(event.event_id)
        if existing is None:
            added.append(event)
        elif existing != event:
            errors.append({"loc": ["extra_events", index, "event_id"],
                           "msg": f"event_id {event.event_id} already names another stored event"})
    if errors:
        raise ValidationFailed("extra_events clash with stored events", errors=errors)
    result = evaluate(replace(facts, events=(*facts.events, *added)), as_of, pack, registry=registry)
    return replace(result, simulated_event_ids=tuple(sorted(e.event_id for e in added)))
