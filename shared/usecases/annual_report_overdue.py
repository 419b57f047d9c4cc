"""`annual-report-overdue` (1 July 00:05 CST): marks every enterprise under management that has not
filed last year's annual report (Art 11) with `annual_report_overdue: [years]` on its record.

Reads follow the enterprises due, never the table: the profile of each enterprise that must report
is itself the entry, on the `ANNUAL_REPORT` due index at `annual_report_check_on` (the day the report
of `annual_report_check_year` becomes overdue, `overdue_from(year)` of the pack: 1 July of year+1;
`shared.adapters.enterprises.enterprise_item` derives the index keys from those two fields, so every
profile write keeps them). Registration sets them in its one write (`with_first_check`). The run
settles each due profile in ONE write conditional on its `version`: the year is marked when its
report was not filed, or was filed after its window closed (a late filing, as `missed_reports` of the
domain counts it), and the check moves to the next year; so a rerun or a clock moved back and forth
marks each year once, and a run after missed years marks all of them at once. Filing a report does
not touch the entry (the run looks the report up). The flag never changes the tier
(`AnnualReportRules.overdue_changes_tier`): no evaluation is requested.

Defaults: the first year checked is the report year whose window is still open on the day of
registration (never before `first_report_year`), so an enterprise registered with an old
`registered_on` is not marked for years before it came under this system. Art 41 enterprises
(UNREGISTERED_RELATED, managed by reference) file no reports and are not checked; one that later
registers is checked from then. A profile that lost a race (an evaluation wrote it meanwhile) is
reloaded and settled again, a few times. Enterprises stored before this schedule existed have no
check: the local runtime starts with an empty table; an AWS deployment holding data needs a one-off
backfill that rewrites each registered profile through `with_first_check` (see README)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from shared.adapters import keys
from shared.domain.annual_report_overdue import closes_on, first_report_year, overdue_from
from shared.domain.clock import Clock, china_date
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import Conflict
from shared.domain.registration import RegistrationStatus
from shared.domain.rules.model import AnnualReportRules
from shared.usecases.due_work import RunReport, run_due
from shared.usecases.stores import Stores

DUE_KIND = keys.ANNUAL_REPORT_DUE
SCHEDULE = "annual-report-overdue"
MAX_ATTEMPTS = 3


def _rules(day: date) -> AnnualReportRules:
    from datetime import datetime, time

    from shared.domain.clock import CHINA_TZ
    from shared.domain.rules.registry import pack_for

    return pack_for(datetime.combine(day, time(), CHINA_TZ)).annual_report


def reports_required(enterprise: Enterprise) -> bool:
    """Enterprises under management by registration or filing report; Art 41 ones (by reference) do not."""
    return enterprise.registration_status is not RegistrationStatus.UNREGISTERED_RELATED


def first_due_year(registered_on: date, today: date, rules: AnnualReportRules) -> int:
    """The first report year checked for an enterprise registered `today`: the earliest one due from
    the enterprise whose window has not closed yet."""
    year = first_report_year(registered_on, rules)
    while overdue_from(year, rules) <= today:
        year += 1
    return year


def _checking(year: int | None, rules: AnnualReportRules) -> dict[str, Any]:
    return {"annual_report_check_year": year,
            "annual_report_check_on": None if year is None else overdue_from(year, rules)}


def with_first_check(enterprise: Enterprise, today: date) -> Enterprise:
    """The enterprise as registration stores it: on the due index at its first check (if it reports)."""
    if not reports_required(enterprise):
        return enterprise
    rules = _rules(today)
    return enterprise.with_changes(**_checking(first_due_year(enterprise.registered_on, today, rules), rules))


def missed(year: int, filed_on: date | None, rules: AnnualReportRules) -> bool:
    """Not filed, or filed after the window closed (as `missed_reports` counts it)."""
    return filed_on is None or filed_on > closes_on(year, rules)


def settled(stores: Stores, enterprise: Enterprise, today: date) -> Enterprise:
    """The enterprise after its check on `today`: every report year closed by today from the one due,
    marked when missed, and the check moved to the first year still open (or dropped)."""
    rules = _rules(today)
    changes: dict[str, Any] = {"version": enterprise.version + 1}
    if not reports_required(enterprise) or enterprise.annual_report_check_year is None:
        return enterprise.with_changes(**changes, **_checking(None, rules))
    years = [enterprise.annual_report_check_year]
    while overdue_from(years[-1] + 1, rules) <= today:
        years.append(years[-1] + 1)
    unfiled = {y for y in years if missed(y, stores.annual_reports.filed_on(enterprise.uscc, y), rules)}
    return enterprise.with_changes(**changes, **_checking(years[-1] + 1, rules),
                                   annual_report_overdue=sorted({*enterprise.annual_report_overdue, *unfiled}))


def settle_entry(stores: Stores, entry: dict[str, Any], today: date) -> bool:
    """Settle one due profile; True when it marked a year. A profile whose check moved meanwhile is left
    alone (another run settled it); a lost race reloads and tries again."""
    for _attempt in range(MAX_ATTEMPTS):
        enterprise = stores.enterprises.get(entry["uscc"])
        if (enterprise is None or enterprise.annual_report_check_on is None
                or enterprise.annual_report_check_year != entry.get("annual_report_check_year")
                or enterprise.annual_report_check_on > today):
            return False
        after = settled(stores, enterprise, today)
        try:
            stores.enterprises.replace(after, expected_version=enterprise.version)
        except Conflict:
            continue
        return after.annual_report_overdue != enterprise.annual_report_overdue
    return False


def run_annual_report_overdue(stores: Stores, clock: Clock,
                              remaining_ms: Callable[[], int] | None = None) -> RunReport:
    """Every enterprise whose check day has come: settled, marked when unfiled. `done` counts marks."""
    today = china_date(clock.now())

    def page(entries: list[dict[str, Any]]) -> int:
        return sum(settle_entry(stores, e, today) for e in entries)

    return run_due(DUE_KIND, today, stores.annual_reports, page, remaining_ms=remaining_ms)
