"""The tier over time: replay ground occurrences and tier facts in order, up to the evaluation instant.

Starts REGULAR without a certificate. A ground moves the enterprise to its rule's consequence and
removes the certificate; a downgrade is sticky until an approved upgrade or the pack's automatic
clean period (`TierRestorationRules`), both to the pack's target tier. Certification facts act only
outside a downgrade. The choices this replay applies: CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND,
CHOICE-UPGRADE-TARGET-REGULAR, CHOICE-TIER-FACTS-DURING-DOWNGRADE, CHOICE-TIME-OF-DAY (docs/rules.md).
Ties are broken by (kind, fact_id), so the result depends only on the facts, never on the order they
arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.domain.periods import Period, first_day_after
from shared.domain.rules.dates import start_of_day
from shared.domain.rules.facts import TierFact, TierFactKind
from shared.domain.rules.grounds import Occurrence
from shared.domain.rules.model import CountedFrom, RulePack
from shared.domain.tiers import AEO_TIERS, DOWNGRADED_TIERS, Tier

_FACT_ORDER = {TierFactKind.UPGRADED: 0, TierFactKind.CERTIFICATE_WITHDRAWN: 1, TierFactKind.CERTIFIED: 2}


class Cause(StrEnum):
    GROUND = "GROUND"
    UPGRADE = "UPGRADE"
    AUTOMATIC_RESTORATION = "AUTOMATIC_RESTORATION"
    CERTIFIED = "CERTIFIED"
    CERTIFICATE_WITHDRAWN = "CERTIFICATE_WITHDRAWN"


@dataclass(frozen=True)
class Transition:
    at: datetime
    from_tier: Tier
    to_tier: Tier
    cause: Cause
    rule_ids: tuple[str, ...] = ()  # GROUND: the grounds; UPGRADE/AUTOMATIC: the grounds lifted
    evidence: tuple[str, ...] = ()
    reference: str = ""  # the TierFact's fact_id

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "from_tier": self.from_tier.value, "to_tier": self.to_tier.value,
                "cause": self.cause.value, "rule_ids": list(self.rule_ids), "evidence": list(self.evidence),
                "reference": self.reference}


@dataclass(frozen=True)
class Replay:
    tier: Tier
    since: datetime | None  # instant of the last transition (None: REGULAR from the start)
    episode: tuple[Occurrence, ...]  # grounds of the downgrade in force (empty when not downgraded)
    last_ground_on: date | None  # last ground of the episode (starts the automatic clean period)
    automatic_on: date | None  # the day the downgrade in force ends automatically (None: none yet, e.g. unpaid)
    transitions: tuple[Transition, ...]
    notes: tuple[str, ...]


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def clean_period_start(episode: list[Occurrence], last_ground: date) -> date | None:
    """The day the automatic clean period counts from (CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND):
    the last ground, or the latest settlement of the episode's grounds counted from settlement (D4/D5)
    when later; None while any of them is unpaid (Arts 29-30: never while an obligation is
    unfulfilled)."""
    start = last_ground
    for occurrence in episode:
        if occurrence.rule.upgrade.counted_from is CountedFrom.SETTLEMENT:
            if occurrence.settled_on is None:
                return None
            start = max(start, occurrence.settled_on)
    return start


def replay(pack: RulePack, occurrences: list[Occurrence], tier_facts: tuple[TierFact, ...],
           as_of: datetime) -> Replay:
    """Replay `occurrences` (sorted by day) and the tier facts up to `as_of`."""
    restore = pack.tier_restoration
    automatic = restore.automatic_months
    target = restore.target_tier
    facts = sorted((f for f in tier_facts if f.at <= as_of),
                   key=lambda f: (f.at, _FACT_ORDER[f.kind], f.fact_id, f.tier or ""))

    tier = Tier.REGULAR
    since: datetime | None = None
    episode: list[Occurrence] = []
    last_ground: date | None = None
    automatic_on: date | None = None  # the day the downgrade in force ends automatically
    transitions: list[Transition] = []
    notes: list[str] = []

    def lift(at: datetime, cause: Cause, reference: str) -> None:
        nonlocal tier, since, episode, last_ground, automatic_on
        transitions.append(Transition(at, tier, target, cause, _unique([o.rule_id for o in episode]),
                                      _unique([e for o in episode for e in o.evidence]), reference))
        tier, since, episode, last_ground, automatic_on = target, at, [], None, None

    def automatic_lift() -> None:
        assert automatic_on is not None
        assert last_ground is not None
        clean_from = clean_period_start(episode, last_ground) or last_ground
        lift(start_of_day(automatic_on), Cause.AUTOMATIC_RESTORATION,
             f"no new ground for {automatic[tier]} months since {clean_from.isoformat()}"
             + (" (arrears settled then)" if clean_from != last_ground else ""))

    def apply_fact(fact: TierFact) -> None:
        nonlocal tier, since
        if automatic_on is not None and start_of_day(automatic_on) <= fact.at:
            automatic_lift()
        when = fact.at.isoformat()
        if fact.kind is TierFactKind.UPGRADED:
            if tier in DOWNGRADED_TIERS:
                lift(fact.at, Cause.UPGRADE, fact.fact_id)
            else:
                notes.append(f"Upgrade {fact.fact_id or ''} at {when} changed nothing: "
                             f"the enterprise was {tier.value}.")
        elif tier in DOWNGRADED_TIERS:
            notes.append(f"{fact.kind.value} {fact.fact_id or ''} at {when} changed nothing: the enterprise was "
                         f"{tier.value} (entry removes any certificate).")
        elif fact.kind is TierFactKind.CERTIFIED:
            assert fact.tier is not None
            if fact.tier is not tier:
                transitions.append(Transition(fact.at, tier, fact.tier, Cause.CERTIFIED, reference=fact.fact_id))
                tier, since = fact.tier, fact.at
        elif tier in AEO_TIERS:
            transitions.append(Transition(fact.at, tier, Tier.REGULAR, Cause.CERTIFICATE_WITHDRAWN,
                                          reference=fact.fact_id))
            tier, since = Tier.REGULAR, fact.at
        else:
            notes.append(f"CERTIFICATE_WITHDRAWN {fact.fact_id or ''} at {when} changed nothing: "
                         "no certificate held.")

    next_fact = 0
    for occurrence in occurrences:
        day = occurrence.arose_on
        if next_fact < len(facts):
            instant = start_of_day(day)
            while next_fact < len(facts) and facts[next_fact].at < instant:  # grounds before facts on ties
                apply_fact(facts[next_fact])
                next_fact += 1
        if automatic_on is not None and automatic_on <= day:
            automatic_lift()
        episode.append(occurrence)
        if last_ground is None or day > last_ground:
            last_ground = day
        consequence = occurrence.rule.consequence
        new_tier = consequence if tier not in DOWNGRADED_TIERS or consequence.rank < tier.rank else tier
        months = automatic.get(new_tier)
        clean_from = None if months is None else clean_period_start(episode, last_ground)
        # restored "after" the clean period: from the day after its last day
        automatic_on = (None if months is None or clean_from is None
                        else first_day_after(clean_from, Period.months(months)))
        if new_tier is tier:
            continue
        instant = start_of_day(day)
        previous = transitions[-1] if transitions else None
        if previous is not None and previous.at == instant and previous.cause is Cause.GROUND:
            # several grounds on one day: one transition from the tier held before that day
            transitions[-1] = Transition(instant, previous.from_tier, new_tier, Cause.GROUND,
                                         _unique([*previous.rule_ids, occurrence.rule_id]),
                                         _unique([*previous.evidence, *occurrence.evidence]))
        else:
            transitions.append(Transition(instant, tier, new_tier, Cause.GROUND, (occurrence.rule_id,),
                                          occurrence.evidence))
        tier, since = new_tier, instant
    for fact in facts[next_fact:]:
        apply_fact(fact)
    if automatic_on is not None and start_of_day(automatic_on) <= as_of:
        automatic_lift()
    return Replay(tier, since, tuple(episode), last_ground, automatic_on, tuple(transitions), tuple(notes))
