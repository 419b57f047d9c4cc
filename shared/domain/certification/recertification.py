"""Re-certification (Arts 22-23): which case is due for an enterprise on a day, and its route.

ACE: every `ace_recertification_months` from `certified_on` (the day the current tier was
granted; a passed re-certification does not move the anchor), the case opening
`recertification_lead_days` before each anniversary. CE: a credit assessment on every
`assessment_months` anniversary of `certified_on`, looking back over the rolling assessment
period ending on it; a record of a trigger class or a missed annual report in it opens a case.

Schedules can skip days (clock travel, outages): `due_recertification` answers the latest cycle
whose opening day has come, unless that cycle was already opened, so running it on any later day
opens what is due and nothing twice. A cycle id is `ace-<anniversary>` or `ce-<assessment day>`,
which makes execution names (`recert-<uscc>-<cycle>`) deterministic.

Route: SIMPLIFIED when, over the cycle (since the previous anniversary or `certified_on`), no
record is above `simplified_max_severity` and no annual report was missed; STANDARD otherwise
(so a CE case opened by its assessment is always STANDARD).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.annual_report_overdue import missed_reports, overdue_from
from shared.domain.certification.case import Route
from shared.domain.periods import Period, last_day, window_first_day
from shared.domain.rules.certification import CertificationRules
from shared.domain.rules.model import AnnualReportRules, Severity
from shared.domain.tiers import Tier


class Trigger(StrEnum):
    ACE_PERIODIC = "ACE_PERIODIC"
    CE_ASSESSMENT_RECORD = "CE_ASSESSMENT_RECORD"
    CE_ASSESSMENT_ANNUAL_REPORT = "CE_ASSESSMENT_ANNUAL_REPORT"


@dataclass(frozen=True, slots=True)
class RecordFact:
    severity: Severity
    on: date  # the record's decision day


@dataclass(frozen=True, slots=True)
class ReportFacts:
    registered_on: date
    filed_on: Mapping[int, date]  # report year -> the day it was filed


@dataclass(frozen=True, slots=True)
class DueRecertification:
    cycle: str
    tier: Tier
    triggers: tuple[Trigger, ...]
    opens_on: date  # the day the case was due to open (on or before the day asked)
    cycle_start: date
    route: Route

    def execution_name(self, uscc: str) -> str:
        return f"recert-{uscc}-{self.cycle}"


def route_for(records: Iterable[RecordFact], reports: ReportFacts, start: date, end: date,
              rules: CertificationRules, report_rules: AnnualReportRules) -> Route:
    """SIMPLIFIED when the cycle `start`..`end` has no record above the simplified class and no missed report."""
    ceiling = rules.simplified_max_severity.rank
    if any(start <= r.on <= end and r.severity.rank > ceiling for r in records):
        return Route.STANDARD
    if _missed_between(reports, start, end, report_rules):
        return Route.STANDARD
    return Route.SIMPLIFIED


def _missed_between(reports: ReportFacts, start: date, end: date, report_rules: AnnualReportRules) -> bool:
    missed = missed_reports(reports.registered_on, reports.filed_on, end, report_rules)
    return any(start <= overdue_from(year, report_rules) <= end for year in missed)


def _latest(anchor: date, step_months: int, lead: timedelta, today: date) -> tuple[int, date] | None:
    """(k, anniversary k) of the latest k >= 1 whose opening day (anniversary - lead) is on or before `today`."""
    k, found = 1, None
    while (anniversary := last_day(anchor, Period.months(k * step_months))) - lead <= today:
        found, k = (k, anniversary), k + 1
    return found


def next_check_on(tier: Tier, certified_on: date, today: date, rules: CertificationRules) -> date | None:
    """The first day after `today` on which `due_recertification` can find a new cycle for this anchor:
    the next ACE opening day (anniversary - lead) or the next CE assessment day; None below CE."""
    if not tier.is_aeo:
        return None
    ace = tier is Tier.ADVANCED_CERTIFIED
    months = rules.ace_recertification_months if ace else rules.assessment_months
    lead = timedelta(days=rules.recertification_lead_days if ace else 0)
    k = 1
    while (opens := last_day(certified_on, Period.months(k * months)) - lead) <= today:
        k += 1
    return opens


def due_recertification(*, tier: Tier, certified_on: date, records: Collection[RecordFact],
                        reports: ReportFacts, opened_cycles: Collection[str], has_open_case: bool,
                        today: date, rules: CertificationRules,
                        report_rules: AnnualReportRules) -> DueRecertification | None:
    """The re-certification case to open for an enterprise on `today`, or None."""
    if has_open_case or not tier.is_aeo:
        return None
    if tier is Tier.ADVANCED_CERTIFIED:
        lead = timedelta(days=rules.recertification_lead_days)
        latest = _latest(certified_on, rules.ace_recertification_months, lead, today)
        if latest is None:
            return None
        k, anniversary = latest
        start = last_day(certified_on, Period.months((k - 1) * rules.ace_recertification_months))
        opens_on = anniversary - lead
        cycle = f"ace-{anniversary.isoformat()}"
        triggers: tuple[Trigger, ...] = (Trigger.ACE_PERIODIC,)
    else:
        latest = _latest(certified_on, rules.assessment_months, timedelta(0), today)
        if latest is None:
            return None
        _, opens_on = latest
        start = window_first_day(opens_on, Period.months(rules.assessment_months))
        cycle = f"ce-{opens_on.isoformat()}"
        triggers = _assessment_triggers(records, reports, start, opens_on, rules, report_rules)
        if not triggers:
            return None
    if cycle in opened_cycles:
        return None
    route = route_for(records, reports, start, opens_on, rules, report_rules)
    return DueRecertification(cycle, tier, triggers, opens_on, start, route)


def _assessment_triggers(records: Iterable[RecordFact], reports: ReportFacts, start: date, end: date,
                         rules: CertificationRules, report_rules: AnnualReportRules) -> tuple[Trigger, ...]:
    found = []
    if any(start <= r.on <= end and r.severity in rules.assessment_trigger_severities for r in records):
        found.append(Trigger.CE_ASSESSMENT_RECORD)
    if _missed_between(reports, start, end, report_rules):
        found.append(Trigger.CE_ASSESSMENT_ANNUAL_REPORT)
    return tuple(found)
