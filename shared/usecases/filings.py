"""Filings attached to a registered enterprise: declaration volumes, personnel, annual reports.
Each is created once on its natural key (same body replays, another body is 409)."""

from __future__ import annotations

from typing import Any

from shared.domain.bus_events import FACTS_RECORDED, CreditFactsRecorded, detail_of
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.content import content_hash
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import ValidationFailed
from shared.domain.filings import AnnualReport, DeclarationVolume, Person, annual_report_timing
from shared.domain.outbox import announce
from shared.usecases.ports import FilingKind
from shared.usecases.stores import Stores

_INTERNAL = {"pk", "sk", "entity", "content_hash"}


def registered_enterprise(stores: Stores, uscc: str) -> Enterprise:
    """Registered-only flows answer 422 for an unknown enterprise (the contract), naming the path field."""
    enterprise = stores.enterprises.get(uscc)
    if enterprise is None:
        raise ValidationFailed(f"no enterprise with uscc {uscc} is registered",
                               errors=[{"loc": ["path", "uscc"], "msg": "unknown enterprise"}])
    return enterprise


def _public(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in _INTERNAL}


def record_declaration_volume(stores: Stores, clock: Clock, uscc: str, volume: DeclarationVolume) -> dict[str, Any]:
    registered_enterprise(stores, uscc)
    values = {"content_hash": content_hash(volume), "uscc": uscc, **volume.model_dump(mode="json"),
              "recorded_at": iso_instant(clock.now())}
    # The volume is the denominator of the Art 15 ratio: a late one can change what the violations ground,
    # so the evaluation's trigger is written with it (a replay writes nothing and needs no trigger).
    recorded = announce(FACTS_RECORDED,
                        [detail_of(CreditFactsRecorded(uscc=uscc, recorded_at=values["recorded_at"]))])
    stored, _ = stores.filings.create_once(uscc, FilingKind.DECLARATION_VOLUME,
                                           f"{volume.year}#{volume.business_line}", values,
                                           what=f"the {volume.year} {volume.business_line} volume", outbox=recorded)
    return _public(stored)


def record_person(stores: Stores, clock: Clock, uscc: str, person: Person) -> dict[str, Any]:
    registered_enterprise(stores, uscc)
    values = {"content_hash": content_hash(person), "uscc": uscc, **person.model_dump(mode="json"),
              "recorded_at": iso_instant(clock.now())}
    stored, _ = stores.filings.create_once(uscc, FilingKind.PERSON, person.person_id, values,
                                           what=f"person {person.person_id}")
    return _public(stored)


def file_annual_report(stores: Stores, clock: Clock, uscc: str, report: AnnualReport) -> dict[str, Any]:
    """Art 11: once per year, in the pack's window (1 Jan-30 Jun of the following year); a late filing is
    accepted, kept and marked `late` (the flag is fixed when filed, so a replay answers the same)."""
    from shared.domain.rules.registry import pack_for

    enterprise = registered_enterprise(stores, uscc)
    now = clock.now()
    try:
        window, late = annual_report_timing(report.year, enterprise.registered_on, china_date(now),
                                            pack_for(now).annual_report)
    except ValueError as exc:
        raise ValidationFailed(str(exc), errors=[{"loc": ["body", "year"], "msg": str(exc)}]) from exc
    values = {
        "content_hash": content_hash(report), "uscc": uscc, **report.model_dump(mode="json", exclude_none=True),
        "filed_at": iso_instant(now), "late": late,
        "window_opens": window.opens_on.isoformat(), "window_closes": window.closes_on.isoformat(),
    }
    stored, _ = stores.filings.create_once(uscc, FilingKind.ANNUAL_REPORT, str(report.year), values,
                                           what=f"the {report.year} annual report")
    return _public(stored)
