"""Corrections: a revocation that removed an event which grounded a rule makes the evaluation a
correction, citing the revocation, the revoked event, what it grounded, and the tier the enterprise
would hold without the revocations."""

from __future__ import annotations

from datetime import datetime

from shared.domain.rules.counting import Counted, count_events
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounded import Grounded
from shared.domain.rules.grounds import find_occurrences
from shared.domain.rules.model import RulePack
from shared.domain.rules.results import Correction
from shared.domain.rules.timeline import replay


def find_corrections(pack: RulePack, facts: EnterpriseFacts, counted: Counted, as_of: datetime
                 ) -> tuple[tuple[Correction, ...], Grounded | None]:
    if not counted.revocations:
        return (), None
    uncorrected = count_events(facts.events, counted.day, apply_revocations=False)  # objections too
    occurrences = find_occurrences(pack, uncorrected, facts)
    grounded = Grounded(occurrences, pack)
    without = replay(pack, occurrences, facts.tier_facts, as_of)
    objections = {w.objection_id for w in facts.withdrawals}
    corrections = []
    for event_id, revocation in sorted(counted.revocations.items(), key=lambda kv: (kv[1].decided_on, kv[0])):
        rule_ids = grounded.rule_ids(event_id)
        if not rule_ids:
            continue
        corrections.append(Correction(revocation.event_id, event_id, revocation.decided_on, rule_ids,
                                      without.tier, by_objection=revocation.event_id in objections))
    return tuple(corrections), grounded
