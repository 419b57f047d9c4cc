"""`evaluate(facts, as_of, pack)` -> `Evaluation`, and `simulate` (the same on hypothetical extra
events). Pure and deterministic: the result is a function of the facts and `as_of` only (no clock,
storage, environment, or order in which facts arrived).

The steps, each in the module named for it: the pack in force (`registry`), what counts at the
evaluation date (`counting`), every arising of every ground (`grounds/`), the tier over time
(`timeline`), `corrections`, record classes (`severity`, computed on first access), the restoration
`notice` and the explanation (`explain`), assembled into the `results`. What each rule means is in
the pack (`order_282/`, docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from itertools import chain

from shared.domain.clock import china_date, iso_instant
from shared.domain.credit_events import EventLike
from shared.domain.errors import ValidationFailed
from shared.domain.rules.corrections import find_corrections
from shared.domain.rules.counting import Counted, count_events
from shared.domain.rules.explain import explanation
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounded import Grounded
from shared.domain.rules.grounds import Occurrence, find_occurrences, pending_thresholds
from shared.domain.rules.model import RulePack
from shared.domain.rules.notice import restoration_notice
from shared.domain.rules.registry import DEFAULT_REGISTRY, PackRegistry, PackSelection
from shared.domain.rules.results import Evaluation, Ground
from shared.domain.rules.severity import RecordClassification, classify_record
from shared.domain.rules.timeline import replay


def _selection(as_of: datetime, pack: RulePack | None, registry: PackRegistry) -> PackSelection:
    if pack is None:
        return registry.select(as_of)
    day = china_date(as_of)
    if pack.effective_from <= day:
        return PackSelection(pack, True, None)
    return PackSelection(pack, False, f"{pack.pack_id} takes effect on {pack.effective_from.isoformat()}, after "
                                      f"{day.isoformat()}; it was applied as requested.")


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


def _records(pack: RulePack, facts: EnterpriseFacts, counted: Counted, occurrences: list[Occurrence],
             withdrawn_grounds: Grounded | None, as_of: datetime) -> tuple[RecordClassification, ...]:
    """Every counted record (by decided_on, event_id), then the withdrawn ones, classified."""
    grounded = Grounded(occurrences, pack)
    restored: dict[str, date] = {}
    for restoration in facts.record_restorations:
        if restoration.at > as_of:
            continue
        day = china_date(restoration.at)
        for event_id in restoration.event_ids:
            if event_id not in restored or day < restored[event_id]:
                restored[event_id] = day
    overrides = facts.disclosure_overrides
    result = []
    for event in counted.records:
        event_id = event.event_id
        rule_ids = grounded.rule_ids(event_id)
        result.append(classify_record(event, pack, rule_ids, grounded.first_day.get(event_id) if rule_ids else None,
                                      overrides.get(event_id), None, restored.get(event_id)))
    objection_at = {w.objection_id: iso_instant(w.at) for w in facts.withdrawals}
    for event in counted.withdrawn:
        event_id = event.event_id
        revocation = counted.revocations[event_id]
        rule_ids = withdrawn_grounds.rule_ids(event_id) if withdrawn_grounds is not None else ()
        result.append(classify_record(
            event, pack, rule_ids,
            withdrawn_grounds.first_day.get(event_id) if withdrawn_grounds is not None else None,
            overrides.get(event_id), revocation.decided_on, restored.get(event_id),
            objection_at.get(revocation.event_id),
        ))
    return tuple(result)


def evaluate(facts: EnterpriseFacts, as_of: datetime, pack: RulePack | None = None, *,
             registry: PackRegistry = DEFAULT_REGISTRY) -> Evaluation:
    """The enterprise's tier, grounds, records and restoration notice at `as_of` (timezone-aware)."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    selection = _selection(as_of, pack, registry)
    rules = selection.pack
    day = china_date(as_of)
    counted = count_events(facts.events, day, withdrawals=facts.withdrawals)
    occurrences = find_occurrences(rules, counted, facts)
    state = replay(rules, occurrences, facts.tier_facts, as_of)
    corrections, withdrawn_grounds = find_corrections(rules, facts, counted, as_of)
    groups = _by_rule(state.episode)
    grounds = _grounds(groups)
    notice = restoration_notice(rules, state, groups)
    upcoming = list(pending_thresholds(rules, counted))
    if notice.automatic_on is not None:
        upcoming.append(notice.automatic_on)
    return Evaluation(
        uscc=facts.uscc, as_of=as_of, tier=state.tier, tier_since=state.since, grounds=grounds,
        rule_pack=rules.pack_id, rule_pack_in_force=selection.in_force, rule_pack_note=selection.note,
        explanation=explanation(facts, day, selection, state, grounds, notice, corrections),
        restoration_notice=notice,
        classify=partial(_records, rules, facts, counted, occurrences, withdrawn_grounds, as_of),
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
