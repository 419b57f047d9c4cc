"""Record classes and disclosure windows of one record: `classify(event, facts, pack, as_of=None)`.

The classes and windows are data in the pack (docs/rules.md "Records and disclosure"); the one
classification path is `shared.domain.rules.severity.classify_record`. `evaluate` already returns
the classification of every record (`Evaluation.records`); `classify` is for one record on its own.
Whether a record grounded a rule can depend on other records and on time, so it takes the
enterprise's facts and an evaluation instant: `as_of=None` means "as the facts stand", i.e. on the
latest `decided_on` among the facts.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.domain.clock import china_date
from shared.domain.credit_events import EventLike
from shared.domain.rules.counting import count_events
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounded import Grounded
from shared.domain.rules.grounds import find_occurrences
from shared.domain.rules.model import RulePack, Severity
from shared.domain.rules.severity import RecordClassification, classify_record

__all__ = ["RecordClassification", "Severity", "classify"]


def classify(event: EventLike, facts: EnterpriseFacts, pack: RulePack,
             as_of: datetime | date | None = None) -> RecordClassification:
    """The class and disclosure window of `event` (which need not be among `facts.events`)."""
    events = facts.events if any(e.event_id == event.event_id for e in facts.events) else (*facts.events, event)
    if as_of is None:
        day = max(e.decided_on for e in events)
    elif isinstance(as_of, datetime):
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        day = china_date(as_of)
    else:
        day = as_of
    counted = count_events(events, day)
    revocation = counted.revocations.get(event.event_id)
    if revocation is not None:
        counted_all = count_events(events, day, apply_revocations=False)
        grounded = Grounded(find_occurrences(pack, counted_all, facts), pack)
    else:
        grounded = Grounded(find_occurrences(pack, counted, facts), pack)
    restored = [china_date(r.at) for r in facts.record_restorations
                if event.event_id in r.event_ids
                and (r.at <= as_of if isinstance(as_of, datetime) else china_date(r.at) <= day)]
    rule_ids = grounded.rule_ids(event.event_id)
    ground_from = grounded.first_day.get(event.event_id) if rule_ids else None
    return classify_record(event, pack, rule_ids, ground_from, facts.disclosure_overrides.get(event.event_id),
                           None if revocation is None else revocation.decided_on, min(restored) if restored else None)
