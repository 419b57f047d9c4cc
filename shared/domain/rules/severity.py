"""Record classes and disclosure windows: `classify_record`, the one classification path (the engine
uses it for every record of an evaluation, `shared.domain.disclosure.classify` for one record).

What the classes and windows are is data in the pack (`SeverityRule`, `RecordRules`; docs/rules.md
"Records and disclosure"), with CHOICE-SEVERITY-CLASSES, CHOICE-ARREARS-RECORD-ONLY-AS-GROUND and
CHOICE-DISCLOSURE-WINDOW. Periods are counted by `shared.domain.periods`.
"""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from shared.domain.credit_events import CreditEventType, EventLike, PenaltyKind, effective_penalty_kind
from shared.domain.periods import ONE_DAY, Period, first_day_after
from shared.domain.rules.facts import DisclosureOverride
from shared.domain.rules.model import RulePack, Severity

_BY_RANK = attrgetter("rank")


class RecordClassification(NamedTuple):
    event_id: str
    event_type: CreditEventType
    severity: Severity | None  # None: not (yet) a record (overdue arrears before their ground, or paid in time)
    published: bool
    disclosure_from: date | None
    restorable_from: date | None
    disclosure_until: date | None  # exclusive: the record is disclosed on days d with from <= d < until
    rule_ids: tuple[str, ...]  # the rules this record grounded
    article: str = "Arts 33-35"
    override_basis: str | None = None
    withdrawn_on: date | None = None  # revoked (PENALTY_REVOKED decided on this day)
    restored_on: date | None = None  # restoration approved on this day

    @property
    def last_disclosed_on(self) -> date | None:
        """The last day of the maximum period (inclusive), None without an automatic end."""
        return None if self.disclosure_until is None else self.disclosure_until - ONE_DAY

    @property
    def ended_on(self) -> date | None:
        ends = [d for d in (self.disclosure_until, self.withdrawn_on, self.restored_on) if d is not None]
        return min(ends) if ends else None

    @property
    def ends_as(self) -> str | None:
        """How disclosure ends (or ended): WITHDRAWN, RESTORED or EXPIRED (at `disclosure_until`); None: no end."""
        end = self.ended_on
        if end is None:
            return None
        if end == self.withdrawn_on:
            return "WITHDRAWN"
        if end == self.restored_on:
            return "RESTORED"
        return "EXPIRED"

    def status_on(self, day: date) -> str:
        """NOT_A_RECORD, NOT_PUBLISHED, PENDING (before `disclosure_from`), DISCLOSED, or how it ended."""
        if self.severity is None or self.disclosure_from is None:
            return "NOT_A_RECORD"
        end = self.ended_on
        if end is not None and day >= end:
            return self.ends_as or "EXPIRED"
        if not self.published:
            return "NOT_PUBLISHED"
        return "PENDING" if day < self.disclosure_from else "DISCLOSED"

    def disclosed_on(self, day: date) -> bool:
        """Whether the record is publicly disclosed on `day` (the read-time window of `GET /v1/disclosures`)."""
        if not self.published or self.severity is None or self.disclosure_from is None:
            return False
        if day < self.disclosure_from:
            return False
        end = self.ended_on
        return end is None or day < end

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
        return {
            "event_id": self.event_id, "event_type": self.event_type.value,
            "severity": None if self.severity is None else self.severity.value,
            "published": self.published, "disclosure_from": iso(self.disclosure_from),
            "restorable_from": iso(self.restorable_from), "disclosure_until": iso(self.disclosure_until),
            "rule_ids": list(self.rule_ids), "article": self.article, "override_basis": self.override_basis,
            "withdrawn_on": iso(self.withdrawn_on), "restored_on": iso(self.restored_on),
            "ends_as": self.ends_as,
        }


def classify_record(event: EventLike, pack: RulePack, rule_ids: tuple[str, ...], ground_from: date | None,
                    override: DisclosureOverride | None = None, withdrawn_on: date | None = None,
                    restored_on: date | None = None) -> RecordClassification:
    """Classify one record given the rules it grounded (`rule_ids`) and, for ground-only records
    (arrears), the day it became a ground (`ground_from`). The only classification path: the engine
    calls it for every record of an evaluation, `shared.domain.disclosure.classify` for one."""
    records = pack.records
    etype = event.type
    start: date = event.decided_on
    if rule_ids:
        rule_severity = pack.rule_severity
        severity = max((rule_severity[rule_id] for rule_id in rule_ids), key=_BY_RANK)
        if ground_from is not None and etype in records.ground_only_types:
            start = ground_from
    elif etype in records.ground_only_types:
        return RecordClassification(event.event_id, etype, None, False, None, None, None, (),
                                    withdrawn_on=withdrawn_on, restored_on=restored_on)
    else:
        kind = effective_penalty_kind(event)
        amount = event.amount_cny
        minor = kind in records.minor_penalty_kinds or (
            kind == PenaltyKind.FINE and amount is not None and amount <= records.minor_fine_ceiling
        )
        severity = Severity.MINOR if minor else Severity.GENERAL
    published, min_months, max_months = pack.severity_windows[severity]
    basis = None
    if override is not None:
        basis = override.legal_basis
        if override.published is not None:
            published = override.published
        if override.min_months is not None:
            min_months = override.min_months
        if override.max_months is not None:
            max_months = override.max_months
    # Restorable "after" the minimum period; shown "for" the maximum one, through its last day: `until` is
    # the day after (Civil Code Arts 200-204)
    restorable = start if min_months is None else first_day_after(start, Period.months(min_months))
    until = first_day_after(start, Period.months(max_months)) if published and max_months is not None else None
    return RecordClassification(event.event_id, etype, severity, published, start, restorable, until,
                                rule_ids, "Arts 33-35", basis, withdrawn_on, restored_on)
