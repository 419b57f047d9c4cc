"""Record severity and disclosure windows (Arts 33-35), the core behind `shared.domain.disclosure`.

Per record (a counted event that is not a settlement or a revocation):

- severity = the most severe `record_severity` of the rules the record grounded (SERIOUS for D1,
  S1, S2 [and S3 when enabled]; GENERAL for D2-D8), at any time in the history — a record that
  grounded a rule stays of that class after an upgrade;
- a record that grounded nothing is MINOR when its penalty is a warning or a fine of at most the
  pack's ceiling (CNY 3,000), GENERAL otherwise;
- overdue arrears (`RecordRules.ground_only_types`) are records only once they ground D4/D5:
  before that, or when paid in time, `severity` is None and nothing is disclosed.

Window (months are calendar months; dates are CST):
- `disclosure_from`: `decided_on`, or the day the arrears became a ground;
- `restorable_from`: `disclosure_from` + the class's minimum months (MINOR: `disclosure_from`, i.e.
  as soon as obligations are fulfilled);
- `disclosure_until`: the first day the record is no longer disclosed (exclusive end) = the day
  after the last day of the maximum period (RULES.md "Counting periods": a GENERAL record decided
  2026-04-15 is shown through 2027-04-15 and is off from 2027-04-16); `last_disclosed_on` is that
  last day. None when it is not published (MINOR) or has no end;
- a `DisclosureOverride` (a law setting another period) replaces published / min / max for that record;
- a revocation ends disclosure as WITHDRAWN on the revocation's `decided_on`; an approved record
  restoration ends it as RESTORED on the restoration day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from shared.domain.credit_events import CreditEventType, EventLike, PenaltyKind
from shared.domain.periods import ONE_DAY, Period, first_day_after
from shared.domain.rules.dates import add_months
from shared.domain.rules.facts import DisclosureOverride
from shared.domain.rules.model import RulePack, Severity


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
    (arrears), the day it became a ground (`ground_from`)."""
    records = pack.records
    etype = event.type
    severity: Severity
    start: date = event.decided_on
    if rule_ids:
        by_id = pack.rules_by_id
        severity = by_id[rule_ids[0]].record_severity
        for rule_id in rule_ids[1:]:
            other = by_id[rule_id].record_severity
            if other.rank > severity.rank:
                severity = other
        if ground_from is not None and etype in records.ground_only_types:
            start = ground_from
    elif etype in records.ground_only_types:
        return RecordClassification(event.event_id, etype, None, False, None, None, None, (),
                                    withdrawn_on=withdrawn_on, restored_on=restored_on)
    else:
        kind = event.penalty_kind
        amount = event.amount_cny
        if kind is None:
            kind = PenaltyKind.FINE if amount is not None and amount > 0 else PenaltyKind.OTHER
        minor = kind in records.minor_penalty_kinds or (
            kind == PenaltyKind.FINE and amount is not None and amount <= records.minor_fine_ceiling
        )
        severity = Severity.MINOR if minor else Severity.GENERAL
    rule = pack.severity_rules[severity]
    published, min_months, max_months = rule.published, rule.min_months, rule.max_months
    basis = None
    if override is not None:
        basis = override.legal_basis
        if override.published is not None:
            published = override.published
        if override.min_months is not None:
            min_months = override.min_months
        if override.max_months is not None:
            max_months = override.max_months
    restorable = start if min_months is None else add_months(start, min_months)
    until = first_day_after(start, Period.months(max_months)) if published and max_months is not None else None
    return RecordClassification(event.event_id, etype, severity, published, start, restorable, until,
                                rule_ids, "Arts 33-35", basis, withdrawn_on, restored_on)


def classify_records(events: Iterable[EventLike], pack: RulePack, rule_ids_of: Mapping[str, tuple[str, ...]],
                     ground_from: Mapping[str, date], overrides: Mapping[str, DisclosureOverride],
                     restored: Mapping[str, date]) -> list[RecordClassification]:
    """`classify_record` for many counted records at once (the evaluation's hot path, same results)."""
    records = pack.records
    ground_only = records.ground_only_types
    minor_kinds = records.minor_penalty_kinds
    ceiling = records.minor_fine_ceiling
    windows = pack.severity_windows
    rule_severity = pack.rule_severity
    fine, other = PenaltyKind.FINE, PenaltyKind.OTHER
    minor, general = Severity.MINOR, Severity.GENERAL
    new = tuple.__new__
    result: list[RecordClassification] = []
    for event in events:
        event_id = event.event_id
        if overrides and event_id in overrides:
            rule_ids = rule_ids_of.get(event_id, ())
            result.append(classify_record(event, pack, rule_ids, ground_from.get(event_id) if rule_ids else None,
                                          overrides[event_id], None, restored.get(event_id)))
            continue
        etype = event.type
        start = event.decided_on
        rule_ids = rule_ids_of.get(event_id, ())
        if rule_ids:
            severity = rule_severity[rule_ids[0]]
            for rule_id in rule_ids[1:]:
                if rule_severity[rule_id].rank > severity.rank:
                    severity = rule_severity[rule_id]
            if etype in ground_only:
                start = ground_from.get(event_id, start)
        elif etype in ground_only:
            result.append(new(RecordClassification, (event_id, etype, None, False, None, None, None, (),
                                                      "Arts 33-35", None, None, restored.get(event_id))))
            continue
        else:
            kind = event.penalty_kind
            amount = event.amount_cny
            if kind is None:
                kind = fine if amount is not None and amount > 0 else other
            severity = minor if kind in minor_kinds or (
                kind == fine and amount is not None and amount <= ceiling) else general
        published, min_months, max_months = windows[severity]
        result.append(new(RecordClassification, (
            event_id, etype, severity, published, start,
            start if min_months is None else add_months(start, min_months),
            first_day_after(start, Period.months(max_months)) if published and max_months is not None else None,
            rule_ids, "Arts 33-35", None, None, restored.get(event_id) if restored else None,
        )))
    return result
